/* SPDX-License-Identifier: MIT */
#include "apic.h"
#include "acpi.h"
#include "percpu.h"
#include "libc.h"

static u64 tsc_freq;
static const char *tsc_src = "assumed";

u64 apic_base_phys(void)
{
    return rdmsr(MSR_IA32_APICBASE) & 0xffffff000ULL;
}

bool apic_x2apic_mode(void)
{
    return this_cpu()->x2apic;
}

static volatile u32 *xapic_reg(u32 reg)
{
    return (volatile u32 *)(uintptr_t)(apic_base_phys() + reg);
}

u32 apic_read(u32 reg)
{
    if (apic_x2apic_mode())
        return (u32)rdmsr(0x800 + (reg >> 4));
    return *xapic_reg(reg);
}

void apic_write(u32 reg, u32 val)
{
    if (apic_x2apic_mode())
        wrmsr(0x800 + (reg >> 4), val);
    else
        *xapic_reg(reg) = val;
}

bool enable_x2apic(void)
{
    if (!this_cpu_has(X86_FEATURE_X2APIC))
        return false;
    u64 b = rdmsr(MSR_IA32_APICBASE);
    wrmsr(MSR_IA32_APICBASE, b | MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_EXTD);
    this_cpu()->x2apic = true;
    return true;
}

void disable_x2apic(void)
{
    u64 b = rdmsr(MSR_IA32_APICBASE);
    if (b & MSR_IA32_APICBASE_EXTD) {
        b &= ~(MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_EXTD);
        wrmsr(MSR_IA32_APICBASE, b);
        wrmsr(MSR_IA32_APICBASE, b | MSR_IA32_APICBASE_ENABLE);
    }
    this_cpu()->x2apic = false;
    apic_write(APIC_SPIV, APIC_SPIV_ENABLE | APIC_SPURIOUS_VECTOR);
}

u32 apic_id(void)
{
    u32 id = apic_read(APIC_ID);
    return apic_x2apic_mode() ? id : id >> 24;
}

void apic_icr_write(u32 lo, u32 dest)
{
    if (apic_x2apic_mode()) {
        wrmsr(0x830, ((u64)dest << 32) | lo);
        return;
    }
    for (int i = 0; i < 1000000 && (apic_read(APIC_ICR) & APIC_ICR_BUSY); i++)
        cpu_relax();
    apic_write(APIC_ICR2, dest << 24);
    apic_write(APIC_ICR, lo);
}

u64 apic_icr_read(void)
{
    if (apic_x2apic_mode())
        return rdmsr(0x830);
    return apic_read(APIC_ICR) | ((u64)apic_read(APIC_ICR2) << 32);
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void apic_self_ipi(u8 vector)
{
    apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | vector, 0);
}

bool apic_vector_bit(u32 base, u8 vector)
{
    return (apic_read(base + (vector / 32) * 0x10) >> (vector % 32)) & 1;
}

void apic_reset_state(void)
{
    u64 b = rdmsr(MSR_IA32_APICBASE);
    if (!(b & MSR_IA32_APICBASE_ENABLE))
        wrmsr(MSR_IA32_APICBASE, b | MSR_IA32_APICBASE_ENABLE);
    this_cpu()->x2apic = (b & MSR_IA32_APICBASE_EXTD) != 0;
    apic_write(APIC_SPIV, APIC_SPIV_ENABLE | APIC_SPURIOUS_VECTOR);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVTT, APIC_LVT_MASKED);
    apic_write(APIC_TMICT, 0);
    apic_write(APIC_LVTERR, APIC_LVT_MASKED);
    /* LINT0/1: keep the BSP's ExtINT/NMI wiring as firmware left it, masked elsewhere */
    if (!(b & MSR_IA32_APICBASE_BSP)) {
        apic_write(APIC_LVT0, APIC_LVT_MASKED);
        apic_write(APIC_LVT1, APIC_LVT_MASKED);
    } else {
        apic_write(APIC_LVT0, APIC_LVT_MASKED);
    }
}

/* ---------------------------------------------------------------- IOAPIC */
u64 ioapic_base(void)
{
    const struct madt_info *m = acpi_madt_info();
    return m->nr_ioapics ? m->ioapics[0].addr : 0xfec00000;
}

u32 ioapic_read(u32 reg)
{
    volatile u32 *b = (volatile u32 *)(uintptr_t)ioapic_base();
    b[0] = reg;
    return b[4];
}

void ioapic_write(u32 reg, u32 val)
{
    volatile u32 *b = (volatile u32 *)(uintptr_t)ioapic_base();
    b[0] = reg;
    b[4] = val;
}

int ioapic_nr_pins(void)
{
    return (int)((ioapic_read(1) >> 16) & 0xff) + 1;
}

u64 ioapic_read_redir(int pin)
{
    return ioapic_read(0x10 + 2 * pin) | ((u64)ioapic_read(0x11 + 2 * pin) << 32);
}

void ioapic_write_redir(int pin, u64 val)
{
    ioapic_write(0x10 + 2 * pin, (u32)val | IOAPIC_REDIR_MASKED);
    ioapic_write(0x11 + 2 * pin, (u32)(val >> 32));
    ioapic_write(0x10 + 2 * pin, (u32)val);
}

void ioapic_route(int pin, u8 vector, bool level, u32 dest_apic_id)
{
    ioapic_write_redir(pin,
                       vector | (level ? IOAPIC_REDIR_LEVEL : 0) | IOAPIC_REDIR_DEST(dest_apic_id));
}

void ioapic_mask(int pin, bool masked)
{
    u32 lo = ioapic_read(0x10 + 2 * pin);
    lo = masked ? lo | IOAPIC_REDIR_MASKED : lo & ~(u32)IOAPIC_REDIR_MASKED;
    ioapic_write(0x10 + 2 * pin, lo);
}

bool testdev_present(void)
{
    u32 old = inl(TESTDEV_SCRATCH_PORT);
    outl(0x5a17c3e1, TESTDEV_SCRATCH_PORT);
    bool ok = inl(TESTDEV_SCRATCH_PORT) == 0x5a17c3e1;
    outl(old, TESTDEV_SCRATCH_PORT);
    return ok;
}

/* ---------------------------------------------------------------- time */
u64 tsc_hz(void)
{
    return tsc_freq;
}

const char *tsc_hz_source(void)
{
    return tsc_src;
}

u64 tsc_deadline_us(u64 us)
{
    return rdtsc() + us * (tsc_freq / 1000000);
}

void udelay(u64 us)
{
    u64 d = tsc_deadline_us(us);
    while (!tsc_after(d))
        cpu_relax();
}

void mdelay(u64 ms)
{
    udelay(ms * 1000);
}

#define PM_HZ 3579545ULL

static bool calibrate_pm(void)
{
    bool ext;
    u16 port = acpi_pm_timer_port(&ext);
    if (!port)
        return false;
    u32 mask = ext ? 0xffffffffu : 0xffffffu;
    u32 t0 = inl(port) & mask, t1 = t0;
    u64 c0 = rdtsc();
    u32 ticks = (u32)(PM_HZ / 100); /* 10 ms */
    u64 spins = 0;
    while (((t1 - t0) & mask) < ticks) {
        t1 = inl(port) & mask;
        if (++spins > 50000000ULL)
            return false;
        if (spins == 1000 && t1 == t0)
            return false; /* not counting */
    }
    u64 c1 = rdtsc();
    u64 elapsed = (t1 - t0) & mask;
    tsc_freq = (c1 - c0) * PM_HZ / elapsed;
    tsc_src = "ACPI PM timer";
    return true;
}

static bool calibrate_pit(void)
{
    /* PIT channel 2, gate through port 0x61, one-shot mode 0, 10 ms */
    u8 old61 = inb(0x61);
    if (old61 == 0xff)
        return false;
    outb((old61 & ~0x02) | 0x01, 0x61);
    outb(0xb0, 0x43);
    u16 count = 11932;
    outb(count & 0xff, 0x42);
    outb(count >> 8, 0x42);
    u64 c0 = rdtsc();
    u64 spins = 0;
    while (!(inb(0x61) & 0x20))
        if (++spins > 50000000ULL) {
            outb(old61, 0x61);
            return false;
        }
    u64 c1 = rdtsc();
    outb(old61, 0x61);
    tsc_freq = (c1 - c0) * 1193182ULL / count;
    tsc_src = "PIT";
    return true;
}

void time_init(void)
{
    u32 max = cpuid(0).a;
    if (max >= 0x15) {
        struct cpuid c = cpuid(0x15);
        if (c.a && c.b && c.c) {
            tsc_freq = (u64)c.c * c.b / c.a;
            tsc_src = "CPUID.15H";
            return;
        }
    }
    if (calibrate_pm() || calibrate_pit())
        return;
    if (max >= 0x16 && (cpuid(0x16).a & 0xffff)) {
        tsc_freq = (u64)(cpuid(0x16).a & 0xffff) * 1000000ULL;
        tsc_src = "CPUID.16H";
        return;
    }
    tsc_freq = 1000000000ULL;
}
