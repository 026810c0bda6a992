/* SPDX-License-Identifier: MIT */
/*
 * The tdx backend's rules for GHCI requests that need no device model:
 * MapGPA, the ReportFatalError message, and the MSRs a TD reaches through
 * TDG.VP.VMCALL (the module owns EFER, PAT, the SYSCALL MSRs, FS/GS base...;
 * what is left is virtual here, as for vmx guests, with an x2APIC that is
 * always on, since TDs run in x2APIC mode).
 */
#include "tdx/td/ghci.h"
#include "vmm/msr_virt.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PAGE_MASK 0xFFFULL
#define MSR_APIC_BASE 0x1B
#define APIC_DEFAULT 0xFEE00000ULL
#define APIC_BSP (1ULL << 8)
#define APIC_X2APIC (1ULL << 10)
#define APIC_ENABLE (1ULL << 11)

uint64_t td_ghci_map_gpa(uint64_t gpa, uint64_t size, unsigned gpa_width, uint64_t mem_size,
                         uint64_t *next)
{
    uint64_t shared = 1ULL << (gpa_width - 1), end = gpa + size;

    *next = gpa;
    if ((gpa | size) & PAGE_MASK)
        return GHCI_ALIGN_ERROR;
    if (!size || end < gpa || end > (1ULL << gpa_width) || (gpa < shared && end > shared))
        return GHCI_INVALID_OPERAND;
    if (gpa & shared)
        return GHCI_INVALID_OPERAND; /* no shared memory to convert to */
    if (end > mem_size) {
        *next = gpa < mem_size ? mem_size : gpa;
        return GHCI_INVALID_OPERAND;
    }
    *next = end;
    return GHCI_SUCCESS;
}

void td_ghci_fatal_message(const struct tdx_args *a, char out[GHCI_FATAL_MSG_LEN + 1])
{
    /* R14, R15, then registers that are no operands (GHCI ReportFatalError, Linux tdx_panic) */
    const uint64_t regs[8] = {
        td_ghci_arg(a, 2), td_ghci_arg(a, 3), a->rbx, a->rdi, a->rsi, a->r8, a->r9, a->rdx};

    memcpy(out, regs, GHCI_FATAL_MSG_LEN);
    out[GHCI_FATAL_MSG_LEN] = '\0';
    for (unsigned i = 0; out[i]; i++)
        if (out[i] < ' ' || out[i] > '~')
            out[i] = '?';
}

int td_msr_read(uint32_t msr, unsigned vcpu_id, uint64_t *val)
{
    if (msr == MSR_APIC_BASE) {
        *val = APIC_DEFAULT | APIC_ENABLE | APIC_X2APIC | (vcpu_id == 0 ? APIC_BSP : 0);
        return 0;
    }
    return vm_msr_virt_read(msr, val) ? -EPERM : 0;
}

/* The x2APIC base must stay as it reads; the rest follows every backend's rules. */
int td_msr_write(uint32_t msr, uint64_t val)
{
    uint64_t cur;

    if (msr != MSR_APIC_BASE)
        return vm_msr_virt_write(msr, val) ? -EPERM : 0;
    td_msr_read(msr, 1, &cur); /* the BSP flag is per vCPU */
    return (val & ~APIC_BSP) == (cur & ~APIC_BSP) ? 0 : -EPERM;
}
