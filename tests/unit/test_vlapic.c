/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/dev/vlapic.c vmm/dev/vlapic_regs.c vmm/dev/vlapic_timer.c lib/string.c */
/*
 * Virtual local APIC tests: the guest's view through the xAPIC page and the
 * x2APIC MSRs, with IPIs and level EOIs captured by fake callbacks and time
 * given as plain TSC numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vmm/dev/vlapic.h"
#include "lib/errno.h"

/* Register offsets, MSRs and bits from SDM Vol. 3A ch. 11, spelled out independently. */
#define ID 0x20
#define VER 0x30
#define TPR 0x80
#define APR 0x90
#define PPR 0xA0
#define EOI 0xB0
#define LDR 0xD0
#define DFR 0xE0
#define SVR 0xF0
#define ISR0 0x100
#define TMR0 0x180
#define IRR0 0x200
#define ESR 0x280
#define ICR_LO 0x300
#define ICR_HI 0x310
#define LVT_TIMER 0x320
#define LVT_LINT0 0x350
#define LVT_LINT1 0x360
#define LVT_ERROR 0x370
#define TMICT 0x380
#define TMCCT 0x390
#define TDCR 0x3E0

#define MSR_APIC_BASE 0x1B
#define MSR_TSC_DEADLINE 0x6E0
#define X2(off) (0x800 + ((off) >> 4))
#define MSR_ICR 0x830
#define MSR_SELF_IPI 0x83F

#define BASE_BSP 0x100
#define BASE_EXTD 0x400
#define BASE_EN 0x800
#define XAPIC_BASE (0xFEE00000ULL | BASE_EN)
#define X2APIC_BASE (XAPIC_BASE | BASE_EXTD)

#define MASKED 0x10000
#define PERIODIC (1U << 17)
#define TSC_DEADLINE (2U << 17)
#define DIV_1 0xB
#define ESR_SEND_ILLEGAL 0x20
#define ESR_RECV_ILLEGAL 0x40

#define ICR_LOGICAL 0x800
#define ICR_ASSERT 0x4000
#define ICR_LEVEL 0x8000
#define ICR_SELF (1U << 18)
#define ICR_ALL (2U << 18)
#define ICR_OTHERS (3U << 18)
#define DM_LOWEST 0x100
#define DM_SMI 0x200
#define DM_NMI 0x400
#define DM_INIT 0x500
#define DM_SIPI 0x600

#define T0 1000000ULL

struct log {
    struct vlapic_ipi ipi[16];
    unsigned nipi;
    uint8_t eoi[16];
    unsigned neoi;
};

static struct vlapic l;
static struct log lg;

static void fake_send_ipi(void *ctx, const struct vlapic_ipi *ipi)
{
    struct log *g = ctx;

    assert_true(g->nipi < 16);
    g->ipi[g->nipi++] = *ipi;
}

static void fake_eoi_level(void *ctx, uint8_t vector)
{
    struct log *g = ctx;

    assert_true(g->neoi < 16);
    g->eoi[g->neoi++] = vector;
}

static const struct vlapic_ops ops = {.send_ipi = fake_send_ipi, .eoi_level = fake_eoi_level};

static uint32_t rd(unsigned off)
{
    return vlapic_mmio_read(&l, off, T0);
}

static void wr(unsigned off, uint32_t val)
{
    vlapic_mmio_write(&l, off, val, T0);
}

static void wr_at(unsigned off, uint32_t val, uint64_t now)
{
    vlapic_mmio_write(&l, off, val, now);
}

static uint64_t msr(uint32_t index)
{
    uint64_t v = 0xdeadbeef;

    assert_int_equal(vlapic_msr_read(&l, index, &v, T0), 0);
    return v;
}

static int msr_rd_rc(uint32_t index)
{
    uint64_t v;

    return vlapic_msr_read(&l, index, &v, T0);
}

static int wrmsr(uint32_t index, uint64_t val)
{
    return vlapic_msr_write(&l, index, val, T0);
}

static bool irr_bit(unsigned vector)
{
    return rd(IRR0 + (vector / 32) * 16) & (1U << (vector % 32));
}

static bool isr_bit(unsigned vector)
{
    return rd(ISR0 + (vector / 32) * 16) & (1U << (vector % 32));
}

/* Software-enables the APIC with spurious vector 0xFF, as every OS does first. */
static int setup(void **state)
{
    memset(&lg, 0, sizeof(lg));
    vlapic_init(&l, 3, false, &ops, &lg);
    wr(SVR, 0x1FF);
    return 0;
}

static int setup_x2apic(void **state)
{
    setup(state);
    assert_int_equal(wrmsr(MSR_APIC_BASE, X2APIC_BASE), 0);
    return 0;
}

/* Delivers the pending vector as the lead's injection path would. */
static int take(void)
{
    int v = vlapic_pending_vector(&l);

    if (v >= 0)
        vlapic_ack(&l, (uint8_t)v);
    return v;
}

/* ----------------------------------------------------------------- reset */

static void test_power_up_state(void **state)
{
    vlapic_init(&l, 5, true, &ops, &lg);
    assert_int_equal(msr(MSR_APIC_BASE), 0xFEE00000ULL | BASE_EN | BASE_BSP);
    assert_int_equal(rd(ID), 5U << 24);
    assert_int_equal(rd(VER), 0x00050014);
    assert_int_equal(rd(SVR), 0xFF);
    assert_int_equal(rd(DFR), 0xFFFFFFFF);
    for (unsigned off = LVT_TIMER; off <= LVT_ERROR; off += 16)
        assert_int_equal(rd(off), MASKED);
    assert_int_equal(rd(TPR), 0);
    assert_int_equal(rd(TMICT), 0);
    assert_int_equal(vlapic_mmio_base(&l), 0xFEE00000ULL);

    vlapic_init(&l, 6, false, &ops, &lg);
    assert_int_equal(msr(MSR_APIC_BASE), XAPIC_BASE);
}

static void test_irq_dropped_while_software_disabled(void **state)
{
    wr(SVR, 0xFF);
    vlapic_set_irq(&l, 0x40, false);
    assert_false(irr_bit(0x40));
    assert_int_equal(vlapic_pending_vector(&l), -1);
}

static void test_pending_none_when_software_disabled_later(void **state)
{
    vlapic_set_irq(&l, 0x40, false);
    assert_int_equal(vlapic_pending_vector(&l), 0x40);
    wr(SVR, 0xFF);
    assert_int_equal(vlapic_pending_vector(&l), -1);
    assert_true(irr_bit(0x40)); /* held, not lost */
}

/* ----------------------------------------------------------------- priority */

static void test_pending_is_highest_irr(void **state)
{
    assert_int_equal(vlapic_pending_vector(&l), -1);
    vlapic_set_irq(&l, 0x31, false);
    vlapic_set_irq(&l, 0xE2, false);
    vlapic_set_irq(&l, 0x70, false);
    assert_int_equal(take(), 0xE2);
    assert_true(isr_bit(0xE2));
    assert_false(irr_bit(0xE2));
}

static void test_tpr_blocks_same_and_lower_classes(void **state)
{
    wr(TPR, 0x55);
    vlapic_set_irq(&l, 0x5F, false);
    assert_int_equal(vlapic_pending_vector(&l), -1);
    vlapic_set_irq(&l, 0x60, false);
    assert_int_equal(vlapic_pending_vector(&l), 0x60);
    assert_int_equal(rd(PPR), 0x55);
    wr(TPR, 0x1FF); /* bits 31:8 are reserved */
    assert_int_equal(rd(TPR), 0xFF);
    assert_int_equal(vlapic_pending_vector(&l), -1);
}

static void test_ppr_follows_in_service_class(void **state)
{
    vlapic_set_irq(&l, 0x83, false);
    assert_int_equal(take(), 0x83);
    assert_int_equal(rd(PPR), 0x80);
    vlapic_set_irq(&l, 0x8F, false); /* same class: waits for the EOI */
    assert_int_equal(vlapic_pending_vector(&l), -1);
    vlapic_set_irq(&l, 0x91, false); /* higher class nests */
    assert_int_equal(vlapic_pending_vector(&l), 0x91);
    wr(TPR, 0x95);
    assert_int_equal(rd(PPR), 0x95);
    assert_int_equal(vlapic_pending_vector(&l), -1);
}

static void test_apr(void **state)
{
    wr(TPR, 0x20);
    assert_int_equal(rd(APR), 0x20);
    vlapic_set_irq(&l, 0x75, false);
    assert_int_equal(rd(APR), 0x70);
}

/* ----------------------------------------------------------------- EOI */

static void test_eoi_retires_highest_in_service_first(void **state)
{
    vlapic_set_irq(&l, 0x40, false);
    assert_int_equal(take(), 0x40);
    vlapic_set_irq(&l, 0x90, false);
    assert_int_equal(take(), 0x90);
    wr(EOI, 0);
    assert_false(isr_bit(0x90));
    assert_true(isr_bit(0x40));
    assert_int_equal(rd(PPR), 0x40);
    wr(EOI, 0);
    assert_false(isr_bit(0x40));
    assert_int_equal(rd(PPR), 0);
    wr(EOI, 0); /* nothing in service: harmless */
    assert_int_equal(lg.neoi, 0);
}

static void test_eoi_of_level_vector_calls_back(void **state)
{
    vlapic_set_irq(&l, 0x61, true);
    vlapic_set_irq(&l, 0x52, false);
    assert_true(rd(TMR0 + 3 * 16) & (1U << 1));
    assert_int_equal(take(), 0x61);
    wr(EOI, 0);
    assert_int_equal(lg.neoi, 1);
    assert_int_equal(lg.eoi[0], 0x61);
    assert_int_equal(take(), 0x52);
    wr(EOI, 0);
    assert_int_equal(lg.neoi, 1); /* edge: no callback */
}

static void test_edge_after_level_clears_tmr(void **state)
{
    vlapic_set_irq(&l, 0x61, true);
    assert_int_equal(take(), 0x61);
    wr(EOI, 0);
    vlapic_set_irq(&l, 0x61, false);
    assert_false(rd(TMR0 + 3 * 16) & (1U << 1));
}

static void test_ack_of_unrequested_vector_ignored(void **state)
{
    vlapic_ack(&l, 0x44);
    assert_false(isr_bit(0x44));
    assert_int_equal(rd(PPR), 0);
}

static void test_vector_registers_read_back(void **state)
{
    vlapic_set_irq(&l, 0x41, false);
    vlapic_set_irq(&l, 0xFF, true);
    assert_int_equal(rd(IRR0 + 2 * 16), 1U << 1);
    assert_int_equal(rd(IRR0 + 7 * 16), 1U << 31);
    assert_int_equal(rd(TMR0 + 7 * 16), 1U << 31);
    wr(IRR0 + 2 * 16, 0); /* read-only */
    assert_int_equal(rd(IRR0 + 2 * 16), 1U << 1);
}

/* ----------------------------------------------------------------- errors */

static void test_illegal_vector_received(void **state)
{
    wr(LVT_ERROR, 0xFE);
    vlapic_set_irq(&l, 7, false);
    assert_false(irr_bit(7));
    assert_int_equal(rd(ESR), 0); /* not latched until the next ESR write */
    wr(ESR, 0);
    assert_int_equal(rd(ESR), ESR_RECV_ILLEGAL);
    wr(ESR, 0);
    assert_int_equal(rd(ESR), 0);
    assert_int_equal(vlapic_pending_vector(&l), 0xFE); /* error LVT fired */
}

static void test_masked_error_lvt_raises_nothing(void **state)
{
    vlapic_set_irq(&l, 3, false);
    assert_int_equal(vlapic_pending_vector(&l), -1);
    wr(ESR, 0);
    assert_int_equal(rd(ESR), ESR_RECV_ILLEGAL);
}

/* ----------------------------------------------------------------- SVR, LVT */

static void test_software_disable_masks_lvts(void **state)
{
    wr(LVT_LINT0, 0x700);
    assert_int_equal(rd(LVT_LINT0), 0x700);
    wr(SVR, 0xFF);
    assert_int_equal(rd(LVT_LINT0), 0x700 | MASKED);
    wr(LVT_LINT0, 0x700); /* cannot unmask while disabled */
    assert_int_equal(rd(LVT_LINT0), 0x700 | MASKED);
    wr(SVR, 0x1FF);
    wr(LVT_LINT0, 0x700);
    assert_int_equal(rd(LVT_LINT0), 0x700);
}

static void test_lvt_writable_bits(void **state)
{
    wr(LVT_LINT0, 0xFFFFFFFF);
    assert_int_equal(rd(LVT_LINT0), 0x0001A7FF); /* status and remote IRR read-only */
    wr(LVT_ERROR, 0xFFFFFFFF);
    assert_int_equal(rd(LVT_ERROR), 0x000100FF);
    wr(LVT_TIMER, 0xFFFFFFFF);
    assert_int_equal(rd(LVT_TIMER), 0x000700FF);
    wr(SVR, 0xFFFFFFFF);
    assert_int_equal(rd(SVR), 0x3FF);
}

/* ----------------------------------------------------------------- timer */

static void test_oneshot_fires_once(void **state)
{
    wr(TDCR, DIV_1);
    wr(LVT_TIMER, 0xEC);
    wr_at(TMICT, 1000, T0);
    assert_int_equal(vlapic_next_deadline(&l), T0 + 1000);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + 400), 600);
    vlapic_timer_update(&l, T0 + 999);
    assert_int_equal(vlapic_pending_vector(&l), -1);
    vlapic_timer_update(&l, T0 + 1000);
    assert_int_equal(vlapic_pending_vector(&l), 0xEC);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + 1001), 0);
    assert_int_equal(vlapic_mmio_read(&l, TMICT, T0 + 1001), 1000);
}

static void test_timer_divide_values(void **state)
{
    static const struct {
        uint32_t dcr;
        uint64_t div;
    } cases[] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
                 {0x8, 32}, {0x9, 64}, {0xA, 128}, {0xB, 1}};

    wr(LVT_TIMER, 0xEC);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        wr(TDCR, cases[i].dcr | 0xF4); /* reserved bits dropped */
        assert_int_equal(rd(TDCR), cases[i].dcr);
        wr_at(TMICT, 10, T0);
        assert_int_equal(vlapic_next_deadline(&l), T0 + 10 * cases[i].div);
        assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + cases[i].div), 9);
    }
}

static void test_current_count_rounds_up_between_ticks(void **state)
{
    wr(TDCR, 0x3); /* divide by 16 */
    wr(LVT_TIMER, 0xEC | MASKED);
    wr_at(TMICT, 100, T0);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0), 100);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + 15), 100);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + 16), 99);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + 1599), 1);
}

static void test_divider_change_rescales_remaining_count(void **state)
{
    wr(TDCR, DIV_1);
    wr(LVT_TIMER, 0xEC);
    wr_at(TMICT, 1000, T0);
    wr_at(TDCR, 0x0, T0 + 400); /* 600 counts left, now at 2 TSC cycles each */
    assert_int_equal(vlapic_next_deadline(&l), T0 + 400 + 1200);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + 600), 500);
}

static void test_periodic_rearms_without_drift(void **state)
{
    wr(TDCR, DIV_1);
    wr(LVT_TIMER, 0xEC | PERIODIC);
    wr_at(TMICT, 100, T0);
    vlapic_timer_update(&l, T0 + 137); /* late by 37 */
    assert_int_equal(take(), 0xEC);
    assert_int_equal(vlapic_next_deadline(&l), T0 + 200);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + 150), 50);
    wr(EOI, 0);
    vlapic_timer_update(&l, T0 + 200);
    assert_int_equal(take(), 0xEC);
    assert_int_equal(vlapic_next_deadline(&l), T0 + 300);
}

static void test_periodic_coalesces_missed_periods(void **state)
{
    wr(TDCR, DIV_1);
    wr(LVT_TIMER, 0xEC | PERIODIC);
    wr_at(TMICT, 100, T0);
    vlapic_timer_update(&l, T0 + 550);
    assert_int_equal(vlapic_next_deadline(&l), T0 + 600);
    assert_int_equal(take(), 0xEC);
    wr(EOI, 0);
    assert_int_equal(vlapic_pending_vector(&l), -1); /* one interrupt, not five */
}

static void test_masked_timer_expires_silently(void **state)
{
    wr(TDCR, DIV_1);
    wr(LVT_TIMER, 0xEC | MASKED);
    wr_at(TMICT, 100, T0);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
    wr_at(LVT_TIMER, 0xEC, T0 + 500); /* unmasked after the expiry */
    assert_int_equal(vlapic_pending_vector(&l), -1);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
    assert_int_equal(vlapic_mmio_read(&l, TMCCT, T0 + 500), 0);
}

static void test_unmask_before_expiry_fires(void **state)
{
    wr(TDCR, DIV_1);
    wr(LVT_TIMER, 0xEC | MASKED);
    wr_at(TMICT, 100, T0);
    wr_at(LVT_TIMER, 0xEC, T0 + 50);
    assert_int_equal(vlapic_next_deadline(&l), T0 + 100);
    vlapic_timer_update(&l, T0 + 100);
    assert_int_equal(vlapic_pending_vector(&l), 0xEC);
}

static void test_zero_initial_count_stops_timer(void **state)
{
    wr(TDCR, DIV_1);
    wr(LVT_TIMER, 0xEC | PERIODIC);
    wr_at(TMICT, 100, T0);
    wr_at(TMICT, 0, T0 + 10);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
    vlapic_timer_update(&l, T0 + 1000);
    assert_int_equal(vlapic_pending_vector(&l), -1);
}

static void test_mode_change_disarms(void **state)
{
    wr(TDCR, DIV_1);
    wr(LVT_TIMER, 0xEC);
    wr_at(TMICT, 100, T0);
    wr_at(LVT_TIMER, 0xEC | PERIODIC, T0 + 10);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
    assert_int_equal(rd(TMICT), 0);
}

static void test_tsc_deadline_fires_and_clears(void **state)
{
    wr(LVT_TIMER, 0xED | TSC_DEADLINE);
    assert_int_equal(wrmsr(MSR_TSC_DEADLINE, T0 + 5000), 0);
    assert_int_equal(msr(MSR_TSC_DEADLINE), T0 + 5000);
    assert_int_equal(vlapic_next_deadline(&l), T0 + 5000);
    vlapic_timer_update(&l, T0 + 4999);
    assert_int_equal(vlapic_pending_vector(&l), -1);
    vlapic_timer_update(&l, T0 + 5000);
    assert_int_equal(vlapic_pending_vector(&l), 0xED);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
    assert_int_equal(msr(MSR_TSC_DEADLINE), 0);
}

static void test_tsc_deadline_zero_disarms(void **state)
{
    wr(LVT_TIMER, 0xED | TSC_DEADLINE);
    wrmsr(MSR_TSC_DEADLINE, T0 + 5000);
    wrmsr(MSR_TSC_DEADLINE, 0);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
    vlapic_timer_update(&l, T0 + 10000);
    assert_int_equal(vlapic_pending_vector(&l), -1);
}

static void test_tsc_deadline_in_the_past_fires(void **state)
{
    wr(LVT_TIMER, 0xED | TSC_DEADLINE);
    assert_int_equal(vlapic_msr_write(&l, MSR_TSC_DEADLINE, 5, T0), 0);
    vlapic_timer_update(&l, T0);
    assert_int_equal(vlapic_pending_vector(&l), 0xED);
    assert_int_equal(msr(MSR_TSC_DEADLINE), 0);
}

static void test_tsc_deadline_ignored_in_other_modes(void **state)
{
    wr(LVT_TIMER, 0xED);
    assert_int_equal(wrmsr(MSR_TSC_DEADLINE, T0 + 5000), 0);
    assert_int_equal(msr(MSR_TSC_DEADLINE), 0);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
}

static void test_deadline_mode_ignores_initial_count(void **state)
{
    wr(LVT_TIMER, 0xED | TSC_DEADLINE);
    wr(TMICT, 1000);
    assert_int_equal(rd(TMICT), 0);
    assert_int_equal(rd(TMCCT), 0);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
}

static void test_leaving_deadline_mode_disarms(void **state)
{
    wr(LVT_TIMER, 0xED | TSC_DEADLINE);
    wrmsr(MSR_TSC_DEADLINE, T0 + 5000);
    wr(LVT_TIMER, 0xED);
    assert_int_equal(vlapic_next_deadline(&l), UINT64_MAX);
    wr(LVT_TIMER, 0xED | TSC_DEADLINE);
    assert_int_equal(msr(MSR_TSC_DEADLINE), 0);
}

/* ----------------------------------------------------------------- IA32_APIC_BASE */

static void test_x2apic_enable_from_xapic(void **state)
{
    vlapic_init(&l, 0x23, false, &ops, &lg);
    assert_int_equal(wrmsr(MSR_APIC_BASE, X2APIC_BASE), 0);
    assert_true(vlapic_x2apic_mode(&l));
    assert_int_equal(msr(X2(ID)), 0x23);
    assert_int_equal(msr(X2(LDR)), (2U << 16) | (1U << 3));
    assert_int_equal(msr(X2(VER)), 0x00050014);
}

static void test_illegal_apic_base_transitions(void **state)
{
    assert_int_equal(wrmsr(MSR_APIC_BASE, 0xFEE00000ULL | BASE_EXTD), -EINVAL); /* invalid */
    assert_int_equal(wrmsr(MSR_APIC_BASE, 0xFEE00000ULL), 0);                   /* disable */
    assert_int_equal(wrmsr(MSR_APIC_BASE, X2APIC_BASE), -EINVAL); /* disabled -> x2APIC */
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE), 0);
    assert_int_equal(wrmsr(MSR_APIC_BASE, X2APIC_BASE), 0);
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE), -EINVAL); /* x2APIC -> xAPIC */
    assert_true(vlapic_x2apic_mode(&l));
    assert_int_equal(wrmsr(MSR_APIC_BASE, 0xFEE00000ULL), 0); /* x2APIC -> disabled */
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE), 0);
    assert_true(vlapic_xapic_mode(&l));
}

static void test_apic_base_reserved_bits(void **state)
{
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE | 1), -EINVAL);
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE | 0x200), -EINVAL);
    l.phys_bits = 39;
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE | (1ULL << 39)), -EINVAL);
    assert_int_equal(wrmsr(MSR_APIC_BASE, (XAPIC_BASE & ~0xFEE00000ULL) | 0x7FFEE00000ULL), 0);
    assert_int_equal(vlapic_mmio_base(&l), 0x7FFEE00000ULL);
    assert_int_equal(msr(MSR_APIC_BASE), XAPIC_BASE - 0xFEE00000ULL + 0x7FFEE00000ULL);
}

static void test_bsp_flag_read_only(void **state)
{
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE | BASE_BSP), 0);
    assert_int_equal(msr(MSR_APIC_BASE) & BASE_BSP, 0);
    vlapic_init(&l, 0, true, &ops, &lg);
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE), 0);
    assert_int_equal(msr(MSR_APIC_BASE) & BASE_BSP, BASE_BSP);
}

static void test_global_disable_resets_state(void **state)
{
    wr(TPR, 0x30);
    vlapic_set_irq(&l, 0x40, false);
    wrmsr(MSR_APIC_BASE, 0xFEE00000ULL);
    assert_int_equal(rd(SVR), 0); /* MMIO does not decode while disabled */
    assert_false(vlapic_match_dest(&l, 3, false));
    wrmsr(MSR_APIC_BASE, XAPIC_BASE);
    assert_int_equal(rd(SVR), 0xFF);
    assert_int_equal(rd(TPR), 0);
    assert_false(irr_bit(0x40));
    assert_int_equal(rd(ID), 3U << 24);
}

/* ----------------------------------------------------------------- x2APIC MSRs */

static void test_x2apic_msrs_fault_outside_x2apic_mode(void **state)
{
    assert_int_equal(msr_rd_rc(X2(TPR)), -EINVAL);
    assert_int_equal(wrmsr(X2(TPR), 0), -EINVAL);
    assert_int_equal(msr_rd_rc(0xBFF), -EINVAL);
    assert_int_equal(msr_rd_rc(0xC00), -ENOENT);
    assert_int_equal(msr_rd_rc(0x10), -ENOENT);
    assert_int_equal(wrmsr(0x7FF, 0), -ENOENT);
}

static void test_xapic_page_dead_in_x2apic_mode(void **state)
{
    wrmsr(MSR_APIC_BASE, X2APIC_BASE);
    assert_int_equal(rd(SVR), 0);
    assert_int_equal(rd(VER), 0);
    wr(TPR, 0x40);
    assert_int_equal(msr(X2(TPR)), 0);
    assert_int_equal(msr(X2(SVR)), 0x1FF); /* the same register state behind both */
}

static void test_x2apic_read_only_registers_fault_on_write(void **state)
{
    static const unsigned ro[] = {ID, VER, PPR, LDR, ISR0, TMR0 + 0x30, IRR0 + 0x70, TMCCT};

    for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
        assert_int_equal(wrmsr(X2(ro[i]), 0), -EINVAL);
    assert_int_equal(msr(X2(ID)), 3);
}

static void test_x2apic_write_only_registers_fault_on_read(void **state)
{
    assert_int_equal(msr_rd_rc(X2(EOI)), -EINVAL);
    assert_int_equal(msr_rd_rc(MSR_SELF_IPI), -EINVAL);
}

static void test_x2apic_reserved_registers_fault(void **state)
{
    static const uint32_t rsvd[] = {0x800,
                                    0x801,
                                    0x804,
                                    0x809 /* APR */,
                                    0x80C /* RRD */,
                                    0x80E /* DFR */,
                                    0x82F /* CMCI */,
                                    0x831 /* ICR2 */,
                                    0x83A,
                                    0x840,
                                    0x8FF,
                                    0xBFF};

    for (unsigned i = 0; i < sizeof(rsvd) / sizeof(rsvd[0]); i++) {
        assert_int_equal(msr_rd_rc(rsvd[i]), -EINVAL);
        assert_int_equal(wrmsr(rsvd[i], 0), -EINVAL);
    }
}

static void test_x2apic_eoi_and_esr_must_be_zero(void **state)
{
    vlapic_set_irq(&l, 0x50, true);
    assert_int_equal(take(), 0x50);
    assert_int_equal(wrmsr(X2(EOI), 1), -EINVAL);
    assert_int_equal(msr(X2(ISR0 + 0x20)), 1U << 16);
    assert_int_equal(wrmsr(X2(EOI), 0), 0);
    assert_int_equal(msr(X2(ISR0 + 0x20)), 0);
    assert_int_equal(lg.neoi, 1);
    assert_int_equal(wrmsr(X2(ESR), 4), -EINVAL);
    assert_int_equal(wrmsr(X2(ESR), 0), 0);
}

static void test_x2apic_reserved_bits_fault(void **state)
{
    assert_int_equal(wrmsr(X2(TPR), 0x100), -EINVAL);
    assert_int_equal(wrmsr(X2(TPR), 1ULL << 32), -EINVAL);
    assert_int_equal(wrmsr(X2(SVR), 0x11FF), -EINVAL); /* EOI-broadcast suppression: absent */
    assert_int_equal(wrmsr(X2(LVT_TIMER), 0x80000 | 0xEC), -EINVAL);
    assert_int_equal(wrmsr(X2(LVT_ERROR), 0x700 | 0xEC), -EINVAL);
    assert_int_equal(wrmsr(X2(TDCR), 0x4), -EINVAL);
    assert_int_equal(msr(X2(TPR)), 0);
    assert_int_equal(wrmsr(X2(TPR), 0x40), 0);
    assert_int_equal(msr(X2(TPR)), 0x40);
    assert_int_equal(wrmsr(X2(LVT_TIMER), 0xEC | PERIODIC), 0);
    assert_int_equal(msr(X2(LVT_TIMER)), 0xEC | PERIODIC);
}

static void test_x2apic_icr_is_one_64bit_write(void **state)
{
    assert_int_equal(wrmsr(MSR_ICR, (0x12345678ULL << 32) | ICR_LOGICAL | 0x40), 0);
    assert_int_equal(lg.nipi, 1);
    assert_int_equal(lg.ipi[0].dest, 0x12345678);
    assert_true(lg.ipi[0].logical);
    assert_int_equal(lg.ipi[0].vector, 0x40);
    assert_int_equal(lg.ipi[0].delivery, VLAPIC_DM_FIXED);
    assert_int_equal(msr(MSR_ICR), (0x12345678ULL << 32) | ICR_LOGICAL | 0x40);
}

/* The exit fast path's condition: a fixed IPI to one other APIC (this one's ID is 3). */
static void test_x2apic_icr_to_other(void **state)
{
    assert_true(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0x4062));         /* assert bit */
    assert_true(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0xC062));         /* level */
    assert_false(vlapic_x2apic_icr_to_other(&l, (3ULL << 32) | 0x62));          /* self */
    assert_false(vlapic_x2apic_icr_to_other(&l, (0xFFFFFFFFULL << 32) | 0x62)); /* broadcast */
    assert_false(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0x40062));       /* shorthand self */
    assert_false(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0xC0062));       /* all but self */
    assert_false(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0x862));         /* logical */
    assert_false(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0x162));  /* lowest priority */
    assert_false(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0x400));  /* NMI */
    assert_false(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0x0F));   /* illegal vector */
    assert_false(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0x2062)); /* reserved bit */
    assert_int_equal(lg.nipi, 0); /* a predicate: nothing sent */
}

static void test_x2apic_icr_to_other_needs_x2apic_mode(void **state)
{
    assert_false(vlapic_x2apic_icr_to_other(&l, (1ULL << 32) | 0x62));
}

static void test_x2apic_icr_write_sends(void **state)
{
    assert_int_equal(vlapic_x2apic_icr_write(&l, (1ULL << 32) | 0x62), 0);
    assert_int_equal(lg.nipi, 1);
    assert_int_equal(lg.ipi[0].dest, 1);
    assert_int_equal(lg.ipi[0].vector, 0x62);
    assert_int_equal(vlapic_x2apic_icr_write(&l, 0x2062), -EINVAL);
    assert_int_equal(lg.nipi, 1);
}

static void test_x2apic_icr_reserved_bits_fault(void **state)
{
    assert_int_equal(wrmsr(MSR_ICR, 0x2040), -EINVAL);     /* bit 13 */
    assert_int_equal(wrmsr(MSR_ICR, 0x10040), -EINVAL);    /* bit 16 */
    assert_int_equal(wrmsr(MSR_ICR, 0x100040), -EINVAL);   /* bit 20 */
    assert_int_equal(wrmsr(MSR_ICR, 0x80000040), -EINVAL); /* bit 31 */
    assert_int_equal(lg.nipi, 0);
    assert_int_equal(wrmsr(MSR_ICR, 0x1040), 0); /* the busy bit is ignored */
    assert_int_equal(lg.nipi, 1);
    assert_int_equal(msr(MSR_ICR), 0x40);
}

static void test_x2apic_self_ipi(void **state)
{
    assert_int_equal(wrmsr(MSR_SELF_IPI, 0x4A), 0);
    assert_int_equal(lg.nipi, 0);
    assert_int_equal(vlapic_pending_vector(&l), 0x4A);
    assert_int_equal(wrmsr(MSR_SELF_IPI, 0x14A), -EINVAL);
    assert_int_equal(wrmsr(MSR_SELF_IPI, 0x5), 0);
    wrmsr(X2(ESR), 0);
    assert_int_equal(msr(X2(ESR)), ESR_SEND_ILLEGAL);
}

static void test_x2apic_timer_through_msrs(void **state)
{
    uint64_t ccr;

    wrmsr(X2(TDCR), DIV_1);
    wrmsr(X2(LVT_TIMER), 0xEC);
    assert_int_equal(vlapic_msr_write(&l, X2(TMICT), 500, T0), 0);
    assert_int_equal(vlapic_msr_read(&l, X2(TMCCT), &ccr, T0 + 100), 0);
    assert_int_equal(ccr, 400);
    vlapic_timer_update(&l, T0 + 500);
    assert_int_equal(vlapic_pending_vector(&l), 0xEC);
}

/* ----------------------------------------------------------------- ICR -> IPIs */

static void test_icr_shorthands(void **state)
{
    static const struct {
        uint32_t bits;
        uint8_t sh;
    } cases[] = {{0, VLAPIC_SH_NONE},
                 {ICR_SELF, VLAPIC_SH_SELF},
                 {ICR_ALL, VLAPIC_SH_ALL},
                 {ICR_OTHERS, VLAPIC_SH_OTHERS}};

    wr(ICR_HI, 0x07000000);
    for (unsigned i = 0; i < 4; i++)
        wr(ICR_LO, cases[i].bits | 0x31);
    assert_int_equal(lg.nipi, 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(lg.ipi[i].shorthand, cases[i].sh);
        assert_int_equal(lg.ipi[i].vector, 0x31);
        assert_int_equal(lg.ipi[i].dest, 7);
        assert_int_equal(lg.ipi[i].delivery, VLAPIC_DM_FIXED);
        assert_false(lg.ipi[i].logical);
    }
}

static void test_icr_init_sipi_sequence(void **state)
{
    /* Linux's wakeup_secondary_cpu_via_init. */
    wr(ICR_HI, 0x01000000);
    wr(ICR_LO, ICR_LEVEL | ICR_ASSERT | DM_INIT);
    wr(ICR_LO, ICR_LEVEL | DM_INIT); /* de-assert: a no-op since the Pentium 4 */
    wr(ICR_LO, DM_SIPI | 0x9A);
    wr(ICR_LO, DM_SIPI | 0x9A);
    assert_int_equal(lg.nipi, 3);
    assert_int_equal(lg.ipi[0].delivery, VLAPIC_DM_INIT);
    assert_true(lg.ipi[0].level && lg.ipi[0].assert);
    assert_int_equal(lg.ipi[0].dest, 1);
    assert_int_equal(lg.ipi[1].delivery, VLAPIC_DM_SIPI);
    assert_int_equal(lg.ipi[1].vector, 0x9A);
    assert_int_equal(lg.ipi[2].delivery, VLAPIC_DM_SIPI);
}

static void test_icr_modes_and_flags(void **state)
{
    wr(ICR_HI, 0xF0000000);
    wr(ICR_LO, ICR_LOGICAL | DM_LOWEST | 0x41);
    wr(ICR_LO, DM_NMI);
    wr(ICR_LO, ICR_LEVEL | ICR_ASSERT | 0x42);
    assert_int_equal(lg.nipi, 3);
    assert_int_equal(lg.ipi[0].delivery, VLAPIC_DM_LOWEST);
    assert_true(lg.ipi[0].logical);
    assert_int_equal(lg.ipi[0].dest, 0xF0);
    assert_int_equal(lg.ipi[1].delivery, VLAPIC_DM_NMI);
    assert_true(lg.ipi[2].level);
    assert_true(lg.ipi[2].assert);
}

static void test_icr_illegal_vector_and_smi_not_sent(void **state)
{
    wr(ICR_LO, 0x0F);
    wr(ICR_LO, DM_LOWEST | 0x02);
    wr(ICR_LO, DM_SMI);
    wr(ICR_LO, 0x300); /* reserved delivery mode */
    assert_int_equal(lg.nipi, 0);
    wr(ESR, 0);
    assert_int_equal(rd(ESR), ESR_SEND_ILLEGAL);
    wr(ICR_LO, DM_NMI); /* NMI ignores the vector field */
    assert_int_equal(lg.nipi, 1);
}

static void test_icr_readback(void **state)
{
    wr(ICR_HI, 0xFFFFFFFF);
    assert_int_equal(rd(ICR_HI), 0xFF000000);
    wr(ICR_LO, 0xFFFFFFFF & ~0x700U);         /* fixed, vector 0xFF */
    assert_int_equal(rd(ICR_LO), 0x000CC8FF); /* busy never set: sent at once */
}

/* ----------------------------------------------------------------- destinations */

static void test_physical_destination(void **state)
{
    assert_true(vlapic_match_dest(&l, 3, false));
    assert_false(vlapic_match_dest(&l, 4, false));
    assert_true(vlapic_match_dest(&l, 0xFF, false));
    assert_true(vlapic_match_dest(&l, 0x103, false)); /* xAPIC sees 8 bits */
}

static void test_logical_flat_destination(void **state)
{
    wr(DFR, 0xFFFFFFFF);
    wr(LDR, 0x04000000);
    assert_true(vlapic_match_dest(&l, 0x04, true));
    assert_true(vlapic_match_dest(&l, 0x0C, true));
    assert_false(vlapic_match_dest(&l, 0x03, true));
    assert_true(vlapic_match_dest(&l, 0xFF, true));
    assert_int_equal(rd(LDR), 0x04000000);
}

static void test_logical_cluster_destination(void **state)
{
    wr(DFR, 0x0FFFFFFF);
    assert_int_equal(rd(DFR), 0x0FFFFFFF);
    wr(LDR, 0x32000000); /* cluster 3, member bit 1 */
    assert_true(vlapic_match_dest(&l, 0x32, true));
    assert_true(vlapic_match_dest(&l, 0x3F, true));
    assert_false(vlapic_match_dest(&l, 0x31, true));
    assert_false(vlapic_match_dest(&l, 0x22, true));
    assert_true(vlapic_match_dest(&l, 0xFF, true));
}

static void test_x2apic_destinations(void **state)
{
    vlapic_init(&l, 0x123, false, &ops, &lg);
    wrmsr(MSR_APIC_BASE, X2APIC_BASE);
    assert_true(vlapic_match_dest(&l, 0x123, false));
    assert_false(vlapic_match_dest(&l, 0x23, false));
    assert_true(vlapic_match_dest(&l, 0xFFFFFFFF, false));
    /* Logical: cluster 0x12, member bit 3. */
    assert_true(vlapic_match_dest(&l, (0x12U << 16) | 0x8, true));
    assert_true(vlapic_match_dest(&l, (0x12U << 16) | 0xFFFF, true));
    assert_false(vlapic_match_dest(&l, (0x12U << 16) | 0x4, true));
    assert_false(vlapic_match_dest(&l, (0x13U << 16) | 0x8, true));
    assert_true(vlapic_match_dest(&l, 0xFFFFFFFF, true));
}

/* ----------------------------------------------------------------- INIT, SIPI */

static void test_init_reset_and_sipi(void **state)
{
    uint32_t start = 0;

    wr(TPR, 0x20);
    wr(LDR, 0x01000000);
    vlapic_set_irq(&l, 0x40, false);
    wrmsr(MSR_APIC_BASE, X2APIC_BASE);
    vlapic_init_reset(&l);
    assert_true(vlapic_x2apic_mode(&l)); /* the mode survives INIT */
    assert_int_equal(msr(X2(ID)), 3);
    assert_int_equal(msr(X2(SVR)), 0xFF);
    assert_int_equal(msr(X2(TPR)), 0);
    assert_int_equal(msr(X2(IRR0 + 0x20)), 0);
    assert_int_equal(msr(X2(LVT_TIMER)), MASKED);
    assert_true(vlapic_take_sipi(&l, 0x9A, &start));
    assert_int_equal(start, 0x9A000);
    assert_false(vlapic_take_sipi(&l, 0x10, &start));
    assert_int_equal(start, 0x9A000);
}

static void test_sipi_without_init_ignored(void **state)
{
    uint32_t start = 0x1234;

    assert_false(vlapic_take_sipi(&l, 0x9A, &start));
    assert_int_equal(start, 0x1234);
}

/* ----------------------------------------------------------------- MMIO decode */

static void test_mmio_misaligned_and_out_of_range(void **state)
{
    wr(TPR, 0x40);
    assert_int_equal(rd(TPR + 4), 0);
    assert_int_equal(rd(0x400), 0);
    assert_int_equal(rd(0xFF0), 0);
    assert_int_equal(rd(0x2F0), 0); /* CMCI: absent */
    wr(TPR + 4, 0x80);
    wr(0x800, 0x80);
    assert_int_equal(rd(TPR), 0x40);
}

static void test_linux_xapic_setup_sequence(void **state)
{
    /* setup_local_APIC, then clockevent setup in oneshot mode with TDCR = 16. */
    vlapic_init(&l, 0, true, &ops, &lg);
    wr(TPR, rd(TPR) & ~0xFFU);
    wr(DFR, 0xFFFFFFFF);
    wr(LDR, (rd(LDR) & ~0xFF000000U) | (1U << 24));
    wr(SVR, (rd(SVR) & ~0xFFU) | 0x100 | 0x200 | 0xFF);
    wr(LVT_LINT0, 0x700);
    wr(LVT_LINT1, 0x400);
    wr(LVT_ERROR, 0xFE);
    wr(ESR, 0);
    wr(ESR, 0);
    assert_int_equal(rd(ESR), 0);
    wr(LVT_TIMER, 0xEC);
    wr(TDCR, (rd(TDCR) & ~0xBU) | 0x3);
    wr_at(TMICT, 62500, T0);
    assert_int_equal(vlapic_next_deadline(&l), T0 + 62500ULL * 16);
    vlapic_timer_update(&l, T0 + 62500ULL * 16);
    assert_int_equal(take(), 0xEC);
    wr(EOI, 0);
    assert_int_equal(vlapic_pending_vector(&l), -1);
}

/* ---------------------------------------------- virtual-interrupt delivery */

static uint32_t vid_irr[8], vid_isr[8], vid_tmr[8];

static enum vlapic_vid vid_take(void)
{
    memset(vid_irr, 0xAA, sizeof(vid_irr)); /* untouched when nothing is taken */
    memset(vid_isr, 0xAA, sizeof(vid_isr));
    return vlapic_vid_take(&l, vid_irr, vid_isr, vid_tmr);
}

static bool bit(const uint32_t *v, unsigned vector)
{
    return v[vector / 32] & (1U << (vector % 32));
}

/* Everything is news once after a mode change; then only new requests are. */
static void test_vid_take_reports_changes_only(void **state)
{
    assert_int_equal(vid_take(), VLAPIC_VID_ALL); /* entering x2APIC mode */
    assert_int_equal(vid_take(), VLAPIC_VID_NONE);
    assert_int_equal(vid_irr[0], 0xAAAAAAAA);
    vlapic_set_irq(&l, 0x61, false);
    vlapic_set_irq(&l, 0x90, true);
    assert_int_equal(vid_take(), VLAPIC_VID_IRR);
    assert_true(bit(vid_irr, 0x61) && bit(vid_irr, 0x90));
    assert_true(bit(vid_tmr, 0x90) && !bit(vid_tmr, 0x61));
    assert_int_equal(vid_isr[0], 0xAAAAAAAA); /* the ISR did not change */
    assert_false(irr_bit(0x61));              /* moved out: the CPU holds it now */
    assert_int_equal(vid_take(), VLAPIC_VID_NONE);
}

/* The CPU's ISR coming back is no news; the model's own ISR changes are. */
static void test_vid_give_is_no_news_but_ack_and_eoi_are(void **state)
{
    uint32_t irr[8] = {0}, isr[8] = {0};

    vid_take();
    irr[0x61 / 32] = 1U << (0x61 % 32);
    isr[0x90 / 32] = 1U << (0x90 % 32);
    vlapic_vid_give(&l, irr, isr);
    assert_int_equal(vid_take(), VLAPIC_VID_IRR); /* the undelivered 0x61 is requested again */
    assert_true(bit(vid_irr, 0x61));
    memset(irr, 0, sizeof(irr));
    vlapic_vid_give(&l, irr, isr);
    assert_int_equal(vid_take(), VLAPIC_VID_NONE);
    assert_int_equal(wrmsr(X2(EOI), 0), 0);
    assert_int_equal(vid_take(), VLAPIC_VID_ALL);
    assert_false(bit(vid_isr, 0x90));
    vlapic_set_irq(&l, 0x70, false);
    vlapic_ack(&l, 0x70);
    assert_int_equal(vid_take(), VLAPIC_VID_ALL);
    assert_true(bit(vid_isr, 0x70) && !bit(vid_irr, 0x70));
}

static void test_vid_take_after_mode_change_and_reset(void **state)
{
    vid_take();
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE & ~BASE_EN), 0); /* disabled: reset */
    assert_int_equal(vid_take(), VLAPIC_VID_ALL);
    assert_int_equal(vid_take(), VLAPIC_VID_NONE);
    assert_int_equal(wrmsr(MSR_APIC_BASE, XAPIC_BASE), 0);
    assert_int_equal(vid_take(), VLAPIC_VID_ALL);
    assert_int_equal(vid_take(), VLAPIC_VID_NONE);
    vlapic_init_reset(&l);
    assert_int_equal(vid_take(), VLAPIC_VID_ALL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_power_up_state, setup),
        cmocka_unit_test_setup(test_irq_dropped_while_software_disabled, setup),
        cmocka_unit_test_setup(test_pending_none_when_software_disabled_later, setup),
        cmocka_unit_test_setup(test_pending_is_highest_irr, setup),
        cmocka_unit_test_setup(test_tpr_blocks_same_and_lower_classes, setup),
        cmocka_unit_test_setup(test_ppr_follows_in_service_class, setup),
        cmocka_unit_test_setup(test_apr, setup),
        cmocka_unit_test_setup(test_eoi_retires_highest_in_service_first, setup),
        cmocka_unit_test_setup(test_eoi_of_level_vector_calls_back, setup),
        cmocka_unit_test_setup(test_edge_after_level_clears_tmr, setup),
        cmocka_unit_test_setup(test_ack_of_unrequested_vector_ignored, setup),
        cmocka_unit_test_setup(test_vector_registers_read_back, setup),
        cmocka_unit_test_setup(test_illegal_vector_received, setup),
        cmocka_unit_test_setup(test_masked_error_lvt_raises_nothing, setup),
        cmocka_unit_test_setup(test_software_disable_masks_lvts, setup),
        cmocka_unit_test_setup(test_lvt_writable_bits, setup),
        cmocka_unit_test_setup(test_oneshot_fires_once, setup),
        cmocka_unit_test_setup(test_timer_divide_values, setup),
        cmocka_unit_test_setup(test_current_count_rounds_up_between_ticks, setup),
        cmocka_unit_test_setup(test_divider_change_rescales_remaining_count, setup),
        cmocka_unit_test_setup(test_periodic_rearms_without_drift, setup),
        cmocka_unit_test_setup(test_periodic_coalesces_missed_periods, setup),
        cmocka_unit_test_setup(test_masked_timer_expires_silently, setup),
        cmocka_unit_test_setup(test_unmask_before_expiry_fires, setup),
        cmocka_unit_test_setup(test_zero_initial_count_stops_timer, setup),
        cmocka_unit_test_setup(test_mode_change_disarms, setup),
        cmocka_unit_test_setup(test_tsc_deadline_fires_and_clears, setup),
        cmocka_unit_test_setup(test_tsc_deadline_zero_disarms, setup),
        cmocka_unit_test_setup(test_tsc_deadline_in_the_past_fires, setup),
        cmocka_unit_test_setup(test_tsc_deadline_ignored_in_other_modes, setup),
        cmocka_unit_test_setup(test_deadline_mode_ignores_initial_count, setup),
        cmocka_unit_test_setup(test_leaving_deadline_mode_disarms, setup),
        cmocka_unit_test_setup(test_x2apic_enable_from_xapic, setup),
        cmocka_unit_test_setup(test_illegal_apic_base_transitions, setup),
        cmocka_unit_test_setup(test_apic_base_reserved_bits, setup),
        cmocka_unit_test_setup(test_bsp_flag_read_only, setup),
        cmocka_unit_test_setup(test_global_disable_resets_state, setup),
        cmocka_unit_test_setup(test_x2apic_msrs_fault_outside_x2apic_mode, setup),
        cmocka_unit_test_setup(test_xapic_page_dead_in_x2apic_mode, setup),
        cmocka_unit_test_setup(test_x2apic_read_only_registers_fault_on_write, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_write_only_registers_fault_on_read, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_reserved_registers_fault, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_eoi_and_esr_must_be_zero, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_reserved_bits_fault, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_icr_is_one_64bit_write, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_icr_to_other, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_icr_to_other_needs_x2apic_mode, setup),
        cmocka_unit_test_setup(test_x2apic_icr_write_sends, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_icr_reserved_bits_fault, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_self_ipi, setup_x2apic),
        cmocka_unit_test_setup(test_vid_take_reports_changes_only, setup_x2apic),
        cmocka_unit_test_setup(test_vid_give_is_no_news_but_ack_and_eoi_are, setup_x2apic),
        cmocka_unit_test_setup(test_vid_take_after_mode_change_and_reset, setup_x2apic),
        cmocka_unit_test_setup(test_x2apic_timer_through_msrs, setup_x2apic),
        cmocka_unit_test_setup(test_icr_shorthands, setup),
        cmocka_unit_test_setup(test_icr_init_sipi_sequence, setup),
        cmocka_unit_test_setup(test_icr_modes_and_flags, setup),
        cmocka_unit_test_setup(test_icr_illegal_vector_and_smi_not_sent, setup),
        cmocka_unit_test_setup(test_icr_readback, setup),
        cmocka_unit_test_setup(test_physical_destination, setup),
        cmocka_unit_test_setup(test_logical_flat_destination, setup),
        cmocka_unit_test_setup(test_logical_cluster_destination, setup),
        cmocka_unit_test_setup(test_x2apic_destinations, setup),
        cmocka_unit_test_setup(test_init_reset_and_sipi, setup),
        cmocka_unit_test_setup(test_sipi_without_init_ignored, setup),
        cmocka_unit_test_setup(test_mmio_misaligned_and_out_of_range, setup),
        cmocka_unit_test_setup(test_linux_xapic_setup_sequence, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
