/* SPDX-License-Identifier: MIT */
/*
 * What the CPU does with guest accesses to the APIC-access page while
 * "virtualize APIC accesses", "APIC-register virtualization" and
 * "virtual-interrupt delivery" are all on (SDM Vol. 3C 29.4, "Virtualizing
 * Memory-Mapped APIC Accesses"), and how it reports the rest: pure
 * functions used by vmm/vmx/apic_access.c and unit-tested on the host
 * (tests/unit/test_apic_access.c).
 */
#ifndef VMM_VMX_APIC_ACCESS_RULES_H
#define VMM_VMX_APIC_ACCESS_RULES_H

#include "lib/compiler.h"
#include "vmm/vmx/vmx_hw.h"

enum apic_access_kind {
    APIC_ACCESS_READ,  /* a data read by the instruction at RIP */
    APIC_ACCESS_WRITE, /* a data write by the instruction at RIP */
    APIC_ACCESS_OTHER, /* fetch, event delivery, paging or asynchronous: not emulated */
};

/*
 * An APIC-access exit's qualification (SDM 28.2.1 table 28-6). Only the
 * linear data accesses of an instruction are emulated: a guest that runs
 * code, keeps its IDT, stack or page tables on the APIC page is broken.
 */
static inline enum apic_access_kind apic_access_kind(uint64_t qual)
{
    unsigned type = (qual >> APIC_ACCESS_QUAL_TYPE_SHIFT) & APIC_ACCESS_QUAL_TYPE_MASK;

    if (qual & APIC_ACCESS_QUAL_ASYNC)
        return APIC_ACCESS_OTHER;
    if (type == APIC_ACCESS_LINEAR_READ)
        return APIC_ACCESS_READ;
    return type == APIC_ACCESS_LINEAR_WRITE ? APIC_ACCESS_WRITE : APIC_ACCESS_OTHER;
}

static inline unsigned apic_access_offset(uint64_t qual)
{
    return (unsigned)(qual & APIC_ACCESS_QUAL_OFFSET);
}

/*
 * Whether an access of size bytes at page offset off reaches the
 * virtual-APIC page instead of exiting: it must lie within the low 4 bytes
 * of its 16-byte register slot (SDM 29.4.2, 29.4.3.1).
 */
static inline bool apic_access_in_slot(unsigned off, unsigned size)
{
    return size && size <= 4 && (off & 0xf) + size <= 4 && off < 0x400;
}

/*
 * Reads virtualized with APIC-register virtualization (SDM 29.4.2): ID,
 * version, TPR, EOI, LDR, DFR, SVR, ISR, TMR, IRR, ESR, ICR, the six LVT
 * entries at 320H-370H, initial count, divide configuration. Not PPR, APR,
 * the current count or the CMCI LVT: those exit.
 */
static inline bool xapic_read_virtualized(unsigned off, unsigned size)
{
    unsigned reg = off & ~0xfU;

    if (!apic_access_in_slot(off, size))
        return false;
    switch (reg) {
    case 0x020: /* ID */
    case 0x030: /* version */
    case 0x080: /* TPR */
    case 0x0b0: /* EOI */
    case 0x0d0: /* LDR */
    case 0x0e0: /* DFR */
    case 0x0f0: /* SVR */
    case 0x280: /* ESR */
    case 0x300: /* ICR low */
    case 0x310: /* ICR high */
    case 0x380: /* initial count */
    case 0x3e0: /* divide configuration */
        return true;
    }
    return (reg >= 0x100 && reg <= 0x270) || (reg >= 0x320 && reg <= 0x370);
}

/*
 * Writes virtualized with APIC-register virtualization (SDM 29.4.3.1):
 * stored in the virtual-APIC page, then APIC-write emulation (29.4.3.2):
 * TPR virtualization, EOI virtualization, self-IPI virtualization for a
 * fitting ICR low, nothing more for ICR high, an APIC-write exit for the
 * rest. Everything else (version, PPR, ISR, TMR, IRR, current count...)
 * is an APIC-access exit.
 */
static inline bool xapic_write_virtualized(unsigned off, unsigned size)
{
    unsigned reg = off & ~0xfU;

    if (!apic_access_in_slot(off, size))
        return false;
    switch (reg) {
    case 0x020: /* ID */
    case 0x080: /* TPR */
    case 0x0b0: /* EOI */
    case 0x0d0: /* LDR */
    case 0x0e0: /* DFR */
    case 0x0f0: /* SVR */
    case 0x280: /* ESR */
    case 0x300: /* ICR low */
    case 0x310: /* ICR high */
    case 0x380: /* initial count */
    case 0x3e0: /* divide configuration */
        return true;
    }
    return reg >= 0x320 && reg <= 0x370;
}

#endif
