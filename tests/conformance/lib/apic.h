/* SPDX-License-Identifier: MIT */
/*
 * Local APIC (xAPIC MMIO or x2APIC MSRs, per CPU), IOAPIC, the pc-testdev
 * device, and TSC-based time.
 */
#ifndef CONF_APIC_H
#define CONF_APIC_H

#include "x86.h"

/* local APIC registers (xAPIC MMIO offsets; x2APIC MSR = 0x800 + offset / 16) */
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TPR 0x80
#define APIC_PPR 0xa0
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SPIV 0xf0
#define APIC_ISR 0x100 /* 8 registers, 0x10 apart */
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
#define APIC_SELF_IPI 0x3f0 /* x2APIC only */

#define APIC_SPIV_ENABLE BIT(8)
#define APIC_LVT_MASKED BIT(16)
#define APIC_LVT_TIMER_ONESHOT 0
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_LVT_TIMER_TSCDEADLINE (2u << 17)
#define APIC_DM_FIXED 0x000
#define APIC_DM_LOWEST 0x100
#define APIC_DM_SMI 0x200
#define APIC_DM_NMI 0x400
#define APIC_DM_INIT 0x500
#define APIC_DM_STARTUP 0x600
#define APIC_DEST_LOGICAL 0x800
#define APIC_ICR_BUSY 0x1000
#define APIC_INT_ASSERT 0x4000
#define APIC_INT_LEVELTRIG 0x8000
#define APIC_DEST_SELF 0x40000
#define APIC_DEST_ALLINC 0x80000
#define APIC_DEST_ALLBUT 0xc0000
#define APIC_SPURIOUS_VECTOR 0xff

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 val);
bool apic_x2apic_mode(void); /* this CPU */
/* switches this CPU to x2APIC mode; false (no change) without CPUID.1:ECX.x2APIC */
bool enable_x2apic(void);
/* back to xAPIC mode (through the disabled state), SVR re-enabled */
void disable_x2apic(void);
u32 apic_id(void); /* xAPIC: ID[31:24]; x2APIC: the 32-bit ID */
u64 apic_base_phys(void);
/* writes the ICR: xAPIC ICR2 = dest << 24 then ICR; x2APIC one 64-bit MSR write;
 * in xAPIC mode waits for delivery status idle first */
void apic_icr_write(u32 lo, u32 dest);
u64 apic_icr_read(void);
void apic_eoi(void);
/* a fixed self-IPI with that vector (ICR shorthand "self") */
void apic_self_ipi(u8 vector);
/* ISR/IRR/TMR bit for a vector: base is APIC_ISR, APIC_IRR or APIC_TMR */
bool apic_vector_bit(u32 base, u8 vector);
/* 0 .. nr, mask, timers off, SVR enabled with vector 0xFF, TPR 0 (run at start on every CPU) */
void apic_reset_state(void);

/* IOAPIC (the first MADT one, default 0xFEC00000) */
u64 ioapic_base(void);
u32 ioapic_read(u32 reg);
void ioapic_write(u32 reg, u32 val);
int ioapic_nr_pins(void);
u64 ioapic_read_redir(int pin);
void ioapic_write_redir(int pin, u64 val);
#define IOAPIC_REDIR_MASKED BIT(16)
#define IOAPIC_REDIR_LEVEL BIT(15)
#define IOAPIC_REDIR_REMOTE_IRR BIT(14)
#define IOAPIC_REDIR_ACTIVE_LOW BIT(13)
#define IOAPIC_REDIR_PENDING BIT(12)
#define IOAPIC_REDIR_LOGICAL BIT(11)
#define IOAPIC_REDIR_DEST(apic_id) ((u64)(apic_id) << 56)
/* fixed, physical destination, active high, edge or level, unmasked */
void ioapic_route(int pin, u8 vector, bool level, u32 dest_apic_id);
void ioapic_mask(int pin, bool masked);

/* pc-testdev (QEMU hw/misc/pc-testdev.c ABI) */
#define TESTDEV_IRQ_PORT 0x2000
#define TESTDEV_SCRATCH_PORT 0xe0
#define TESTDEV_SCRATCH_BYTES_PORT 0xe8
static inline void testdev_set_irq(int line, int level)
{
    outb(level ? 1 : 0, (u16)(TESTDEV_IRQ_PORT + line));
}
/* the device answers: the scratch register reads back what was written */
bool testdev_present(void);

/* time: TSC frequency from CPUID 0x15/0x16, else calibrated on the ACPI PM timer,
 * else the PIT, else assumed 1 GHz */
u64 tsc_hz(void);
const char *tsc_hz_source(void);
void udelay(u64 us);
void mdelay(u64 ms);
/* a TSC value us microseconds from now; tsc_after(d) is true once it passed */
u64 tsc_deadline_us(u64 us);
static inline bool tsc_after(u64 deadline)
{
    return (s64)(rdtsc() - deadline) >= 0;
}
/* spins (with pause) until cond is true or us microseconds passed; returns cond */
#define wait_for(cond, us)                 \
    ({                                     \
        u64 __d = tsc_deadline_us(us);     \
        while (!(cond) && !tsc_after(__d)) \
            cpu_relax();                   \
        (bool)(cond);                      \
    })

void time_init(void);

#endif
