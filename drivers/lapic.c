/* SPDX-License-Identifier: MIT */
/* Local APIC driver: one register interface over xAPIC MMIO and x2APIC MSRs. */
#include "drivers/lapic.h"
#include "lib/errno.h"
#include "kernel/log.h"
#include "kernel/paging.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"
#include "kernel/x86/msr.h"
#include "kernel/idt.h"

/* Register offsets (SDM Vol. 3A table 11-1). */
#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370

#define SVR_ENABLE (1U << 8)
#define LVT_MASKED (1U << 16)
#define ICR_FIXED 0x000
#define ICR_NMI 0x400
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_PENDING (1U << 12)
#define ICR_ASSERT (1U << 14)
#define ICR_LEVEL (1U << 15)

static volatile uint32_t *mmio;
static bool x2apic;
static bool fw_x2apic;

bool lapic_is_x2apic(void)
{
    return x2apic;
}

bool lapic_firmware_x2apic(void)
{
    return fw_x2apic;
}

static uint32_t lapic_read(unsigned reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
    return mmio[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
    if (x2apic)
        wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
    else
        mmio[reg / 4] = v;
}

uint32_t lapic_id(void)
{
    uint32_t id = lapic_read(LAPIC_ID);

    return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

static void icr_wait_idle(void)
{
    /* x2APIC has no delivery-status bit to wait for (SDM 11.12.9). */
    for (unsigned i = 0; !x2apic && i < 1000000; i++) {
        if (!(mmio[LAPIC_ICR_LO / 4] & ICR_PENDING))
            return;
        cpu_relax();
    }
}

static void send_icr(uint32_t dest, uint32_t low)
{
    uint64_t f = irq_save();

    if (x2apic) {
        wrmsr(MSR_X2APIC_BASE + (LAPIC_ICR_LO >> 4), ((uint64_t)dest << 32) | low);
    } else {
        icr_wait_idle();
        mmio[LAPIC_ICR_HI / 4] = dest << 24;
        mmio[LAPIC_ICR_LO / 4] = low;
        icr_wait_idle();
    }
    irq_restore(f);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    send_icr(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

void lapic_send_init(uint32_t apic_id)
{
    send_icr(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
    udelay(200);
    /* INIT de-assert: required by old APICs, ignored by current ones. */
    if (!x2apic)
        send_icr(apic_id, ICR_INIT | ICR_LEVEL);
}

void lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
    send_icr(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}

void lapic_send_nmi(uint32_t apic_id)
{
    if (!x2apic && !mmio)
        return;
    send_icr(apic_id, ICR_NMI | ICR_ASSERT);
}

static void lapic_enable_mode(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

    base |= APIC_BASE_ENABLE;
    if (x2apic)
        base |= APIC_BASE_X2APIC;
    wrmsr(MSR_IA32_APIC_BASE, base);
}

static void lapic_setup_local(void)
{
    lapic_enable_mode();
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, VEC_APIC_ERROR);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
}

static bool cpu_has_x2apic(void)
{
    struct cpuid_regs r;

    cpuid(1, 0, &r);
    return r.ecx & CPUID1_ECX_X2APIC;
}

static int choose_mode(int force, uint32_t max_apic_id)
{
    bool can = cpu_has_x2apic();

    fw_x2apic = rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_X2APIC;
    if (fw_x2apic) {
        if (force == 0)
            pr_warn("lapic: firmware left x2APIC on; staying in x2APIC mode");
        return 1;
    }
    if (force == 1 && !can) {
        pr_warn("lapic: x2apic=on but the CPU has no x2APIC; using xAPIC");
        return 0;
    }
    if (force >= 0)
        return force;
    if (max_apic_id > 254 && !can) {
        pr_err("lapic: APIC ids above 254 need x2APIC, which this CPU lacks");
        return -ENODEV;
    }
    return max_apic_id > 254 ? 1 : 0;
}

int lapic_init_bsp(uint64_t mmio_phys, int force, uint32_t max_apic_id)
{
    int mode = choose_mode(force, max_apic_id);

    if (mode < 0)
        mode = 0;
    x2apic = mode;
    if (!x2apic) {
        mmio = mmio_map(mmio_phys, PAGE_SIZE);
        if (!mmio)
            return -ENOMEM;
    }
    lapic_setup_local();
    return 0;
}

void lapic_init_ap(void)
{
    lapic_setup_local();
}
