/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/dev/vlapic.c vmm/dev/vlapic_regs.c vmm/dev/vlapic_timer.c lib/string.c */
/*
 * xAPIC register virtualization (vmm/vmx/apic_access.c): the APIC-access
 * exit qualification (SDM Vol. 3C 28.2.1 table 28-6), which accesses the
 * CPU virtualizes with APIC-register virtualization and virtual-interrupt
 * delivery on (29.4.2, 29.4.3.1: vmm/vmx/apic_access_rules.h), and the
 * model -> virtual-APIC page mirror (vlapic_xapic_sync): the page must read
 * as the MMIO page would for every virtualized register the mirror owns,
 * and keep what the guest wrote without an exit (ICR).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vmm/dev/vlapic.h"
#include "vmm/vmx/apic_access_rules.h"

/* SDM Vol. 3C 29.4.2 and 29.4.3.1, spelled out independently of the header. */
static const unsigned read_list[] = {
    0x020, 0x030, 0x080, 0x0b0, 0x0d0, 0x0e0, 0x0f0, 0x100, 0x110, 0x120, 0x130,
    0x140, 0x150, 0x160, 0x170, 0x180, 0x190, 0x1a0, 0x1b0, 0x1c0, 0x1d0, 0x1e0,
    0x1f0, 0x200, 0x210, 0x220, 0x230, 0x240, 0x250, 0x260, 0x270, 0x280, 0x300,
    0x310, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370, 0x380, 0x3e0,
};
static const unsigned write_list[] = {
    0x020, 0x080, 0x0b0, 0x0d0, 0x0e0, 0x0f0, 0x280, 0x300, 0x310,
    0x320, 0x330, 0x340, 0x350, 0x360, 0x370, 0x380, 0x3e0,
};

#define TPR 0x80
#define PPR 0xA0
#define EOI 0xB0
#define LDR 0xD0
#define SVR 0xF0
#define ISR0 0x100
#define TMR0 0x180
#define IRR0 0x200
#define ICR_LO 0x300
#define ICR_HI 0x310
#define LVT_TIMER 0x320
#define LVT_ERROR 0x370
#define TMICT 0x380
#define TMCCT 0x390
#define XAPIC_BASE 0xFEE00800ULL /* EN */
#define X2APIC_BASE 0xFEE00C00ULL
#define SENTINEL 0x5a5a5a5aU
#define T0 1000000ULL

static bool listed(const unsigned *list, unsigned n, unsigned reg)
{
    for (unsigned i = 0; i < n; i++)
        if (list[i] == reg)
            return true;
    return false;
}

static void qualification_decode(void **state)
{
    (void)state;
    assert_int_equal(apic_access_kind(0x0a0), APIC_ACCESS_READ);
    assert_int_equal(apic_access_offset(0x0a0), 0xa0);
    assert_int_equal(apic_access_kind(0x1390), APIC_ACCESS_WRITE);
    assert_int_equal(apic_access_offset(0x1390), 0x390);
    assert_int_equal(apic_access_offset(0x1fff), 0xfff);
    assert_int_equal(apic_access_kind(0x2000), APIC_ACCESS_OTHER); /* instruction fetch */
    assert_int_equal(apic_access_kind(0x3080), APIC_ACCESS_OTHER); /* event delivery */
    assert_int_equal(apic_access_kind(0xa000), APIC_ACCESS_OTHER); /* guest-physical, event */
    assert_int_equal(apic_access_kind(0xf000), APIC_ACCESS_OTHER); /* guest-physical, insn */
    assert_int_equal(apic_access_kind(0x10000 | 0x080), APIC_ACCESS_OTHER); /* asynchronous */
    assert_int_equal(apic_access_kind(0x11080), APIC_ACCESS_OTHER);
    assert_int_equal(apic_access_kind(0x4000), APIC_ACCESS_OTHER); /* not a type the SDM lists */
}

static void virtualized_offsets(void **state)
{
    (void)state;
    for (unsigned reg = 0; reg < 0x1000; reg += 16) {
        bool r = listed(read_list, sizeof(read_list) / sizeof(read_list[0]), reg);
        bool w = listed(write_list, sizeof(write_list) / sizeof(write_list[0]), reg);

        assert_int_equal(xapic_read_virtualized(reg, 4), r);
        assert_int_equal(xapic_write_virtualized(reg, 4), w);
        /* the low 4 bytes of the slot only, any size within them */
        assert_int_equal(xapic_read_virtualized(reg + 3, 1), r);
        assert_int_equal(xapic_read_virtualized(reg + 2, 2), r);
        assert_int_equal(xapic_write_virtualized(reg + 1, 2), w);
        assert_false(xapic_read_virtualized(reg + 4, 4));
        assert_false(xapic_write_virtualized(reg + 8, 1));
        assert_false(xapic_read_virtualized(reg + 2, 4)); /* runs past byte 3 */
        assert_false(xapic_read_virtualized(reg, 8));     /* wider than 32 bits */
        assert_false(xapic_write_virtualized(reg, 0));
    }
    /* the registers reads of which still exit: the model computes them */
    assert_false(xapic_read_virtualized(PPR, 4));
    assert_false(xapic_read_virtualized(0x90, 4));   /* APR */
    assert_false(xapic_read_virtualized(TMCCT, 4));  /* current count */
    assert_false(xapic_read_virtualized(0x2f0, 4));  /* LVT CMCI */
    assert_false(xapic_write_virtualized(0x030, 4)); /* version: read-only */
    assert_false(xapic_write_virtualized(ISR0, 4));
}

static struct vlapic l;
static uint32_t page[1024];

static int setup(void **state)
{
    (void)state;
    vlapic_init(&l, 3, true, NULL, NULL);
    vlapic_mmio_write(&l, SVR, 0x1ff, T0);
    for (unsigned i = 0; i < 1024; i++)
        page[i] = SENTINEL;
    return 0;
}

static uint32_t pg(unsigned off)
{
    return page[off / 4];
}

/* Every offset the CPU reads from the page and the mirror owns reads as the MMIO page would. */
static void assert_page_is_model(void)
{
    for (unsigned reg = 0; reg < 0x400; reg += 16) {
        bool cpu_owned = reg == TPR || reg == PPR || (reg >= ISR0 && reg < ISR0 + 0x80) ||
                         (reg >= IRR0 && reg < IRR0 + 0x80);

        if (xapic_read_virtualized(reg, 4) && !cpu_owned)
            assert_int_equal(pg(reg), vlapic_mmio_read(&l, reg, T0));
        else
            assert_int_equal(pg(reg), SENTINEL);
    }
}

static void fill_mirrors_every_virtualized_register(void **state)
{
    uint32_t gen = 0;

    (void)state;
    vlapic_mmio_write(&l, LDR, 0x5a000000, T0);
    vlapic_mmio_write(&l, LVT_TIMER, 0x20040, T0);
    vlapic_mmio_write(&l, LVT_ERROR, 0x41, T0);
    vlapic_mmio_write(&l, TMICT, 12345, T0);
    vlapic_mmio_write(&l, 0x3e0, 0xb, T0);
    vlapic_mmio_write(&l, ICR_HI, 0x07000000, T0);
    vlapic_set_irq(&l, 0x91, true);
    vlapic_mmio_write(&l, TPR, 0x20, T0);
    assert_true(vlapic_xapic_sync(&l, page, &gen, true));
    assert_page_is_model();
    assert_int_equal(pg(TMR0 + 0x40), 1U << 17); /* vector 0x91 level */
    assert_int_equal(pg(ICR_HI), 0x07000000);
    assert_int_equal(gen, l.regs_gen);
}

static void sync_only_after_a_change(void **state)
{
    uint32_t gen = 0;

    (void)state;
    assert_true(vlapic_xapic_sync(&l, page, &gen, true));
    page[LVT_TIMER / 4] = SENTINEL;
    /* TPR, EOI and the ICR are the page's (and the TPR shadow's): no copy */
    vlapic_mmio_write(&l, TPR, 0x30, T0);
    vlapic_mmio_write(&l, EOI, 0, T0);
    vlapic_set_irq(&l, 0x40, false); /* edge, TMR bit already clear */
    assert_true(vlapic_xapic_sync(&l, page, &gen, false));
    assert_int_equal(pg(LVT_TIMER), SENTINEL);
    /* a register write, or a TMR bit another CPU's level interrupt set */
    vlapic_mmio_write(&l, LVT_ERROR, 0x42, T0);
    assert_true(vlapic_xapic_sync(&l, page, &gen, false));
    assert_int_equal(pg(LVT_ERROR), 0x42);
    assert_int_equal(pg(LVT_TIMER), vlapic_mmio_read(&l, LVT_TIMER, T0));
    vlapic_set_irq(&l, 0x41, true);
    assert_true(vlapic_xapic_sync(&l, page, &gen, false));
    assert_int_equal(pg(TMR0 + 0x20), 1U << 1);
}

/* ICR high never exits and self-IPIs may not: a later copy keeps what the guest stored. */
static void sync_keeps_the_guests_icr(void **state)
{
    uint32_t gen = 0;

    (void)state;
    assert_true(vlapic_xapic_sync(&l, page, &gen, true));
    page[ICR_HI / 4] = 0x02000000;
    page[ICR_LO / 4] = 0x40061;
    vlapic_mmio_write(&l, LDR, 0x01000000, T0);
    assert_true(vlapic_xapic_sync(&l, page, &gen, false));
    assert_int_equal(pg(LDR), 0x01000000);
    assert_int_equal(pg(ICR_HI), 0x02000000);
    assert_int_equal(pg(ICR_LO), 0x40061);
}

/* Leaving for x2APIC mode takes the guest's ICR back; a disabled APIC was reset and keeps 0. */
static void leaving_xapic_mode(void **state)
{
    uint32_t gen = 0;
    uint64_t icr;

    (void)state;
    assert_true(vlapic_xapic_sync(&l, page, &gen, true));
    page[ICR_HI / 4] = 0x02123456;
    page[ICR_LO / 4] = 0xfff01061;
    assert_int_equal(vlapic_msr_write(&l, 0x1B, X2APIC_BASE, T0), 0);
    assert_false(vlapic_xapic_sync(&l, page, &gen, false));
    assert_int_equal(vlapic_msr_read(&l, 0x830, &icr, T0), 0);
    assert_int_equal(icr, 0x0200000000000061ULL); /* masked as MMIO writes are */

    assert_int_equal(vlapic_msr_write(&l, 0x1B, 0xFEE00000ULL, T0), 0); /* disabled: reset */
    assert_int_equal(vlapic_msr_write(&l, 0x1B, XAPIC_BASE, T0), 0);
    page[ICR_LO / 4] = 0x4062;
    assert_int_equal(vlapic_msr_write(&l, 0x1B, 0xFEE00000ULL, T0), 0);
    assert_false(vlapic_xapic_sync(&l, page, &gen, false));
    assert_int_equal(vlapic_msr_write(&l, 0x1B, XAPIC_BASE, T0), 0);
    assert_true(vlapic_xapic_sync(&l, page, &gen, true));
    assert_int_equal(pg(ICR_LO), 0);
    assert_int_equal(pg(ICR_HI), 0);
}

static void nothing_outside_xapic_mode(void **state)
{
    uint32_t gen = 0;

    (void)state;
    assert_int_equal(vlapic_msr_write(&l, 0x1B, X2APIC_BASE, T0), 0);
    assert_false(vlapic_xapic_sync(&l, page, &gen, true));
    for (unsigned i = 0; i < 1024; i++)
        assert_int_equal(page[i], SENTINEL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qualification_decode),
        cmocka_unit_test(virtualized_offsets),
        cmocka_unit_test_setup(fill_mirrors_every_virtualized_register, setup),
        cmocka_unit_test_setup(sync_only_after_a_change, setup),
        cmocka_unit_test_setup(sync_keeps_the_guests_icr, setup),
        cmocka_unit_test_setup(leaving_xapic_mode, setup),
        cmocka_unit_test_setup(nothing_outside_xapic_mode, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
