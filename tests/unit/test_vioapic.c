/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/dev/vioapic.c lib/string.c */
/*
 * Virtual IOAPIC tests: the guest's view through IOREGSEL/IOWIN/EOI, pins
 * driven as device models would, messages captured by a fake deliver.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vmm/dev/vioapic.h"

/* 82093AA datasheet values, spelled out independently of the model. */
#define IOREGSEL 0x00
#define IOWIN 0x10
#define EOIR 0x40
#define REG_ID 0x00
#define REG_VER 0x01
#define REG_ARB 0x02
#define RTE_LO(n) (0x10 + 2 * (n))
#define RTE_HI(n) (0x11 + 2 * (n))
#define LOGICAL (1U << 11)
#define STATUS (1U << 12)
#define ACTIVE_LOW (1U << 13)
#define REMOTE_IRR (1U << 14)
#define LEVEL (1U << 15)
#define MASKED (1U << 16)
#define DM_LOWEST (1U << 8)
#define DM_NMI (4U << 8)

struct msg {
    uint8_t dest, vector, mode;
    bool logical, level;
};

struct log {
    struct msg m[32];
    unsigned n;
};

static struct vioapic io;
static struct log lg;

static void fake_deliver(void *ctx, uint8_t dest, bool logical, uint8_t vector, uint8_t mode,
                         bool level)
{
    struct log *g = ctx;

    assert_true(g->n < 32);
    g->m[g->n++] = (struct msg){dest, vector, mode, logical, level};
}

static const struct vioapic_ops ops = {.deliver = fake_deliver};

static int setup(void **state)
{
    memset(&lg, 0, sizeof(lg));
    vioapic_init(&io, 2, &ops, &lg);
    return 0;
}

static uint32_t rd(uint8_t reg)
{
    vioapic_mmio_write(&io, IOREGSEL, reg);
    return vioapic_mmio_read(&io, IOWIN);
}

static void wr(uint8_t reg, uint32_t val)
{
    vioapic_mmio_write(&io, IOREGSEL, reg);
    vioapic_mmio_write(&io, IOWIN, val);
}

/* Programs a pin the way Linux's ioapic_write_entry does: high dword first. */
static void route(unsigned pin, uint8_t dest, uint32_t lo)
{
    wr(RTE_HI(pin), (uint32_t)dest << 24);
    wr(RTE_LO(pin), lo);
}

/* ----------------------------------------------------------------- registers */

static void test_reset_state(void **state)
{
    assert_int_equal(rd(REG_ID), 2U << 24);
    assert_int_equal(rd(REG_VER), 0x00170020); /* 24 entries, version 0x20 */
    assert_int_equal(rd(REG_ARB), 2U << 24);
    for (unsigned pin = 0; pin < 24; pin++) {
        assert_int_equal(rd(RTE_LO(pin)), MASKED);
        assert_int_equal(rd(RTE_HI(pin)), 0);
    }
}

static void test_ioregsel_reads_back(void **state)
{
    vioapic_mmio_write(&io, IOREGSEL, 0x12345621);
    assert_int_equal(vioapic_mmio_read(&io, IOREGSEL), 0x21);
}

static void test_id_writable_ver_arb_read_only(void **state)
{
    wr(REG_ID, 0xFFFFFFFF);
    assert_int_equal(rd(REG_ID), 0x0F000000);
    wr(REG_VER, 0);
    assert_int_equal(rd(REG_VER), 0x00170020);
    wr(REG_ARB, 0);
    assert_int_equal(rd(REG_ARB), 0x0F000000);
}

static void test_rte_writable_and_read_only_bits(void **state)
{
    wr(RTE_LO(3), 0xFFFFFFFF);
    assert_int_equal(rd(RTE_LO(3)), 0x0001AFFF); /* no status, no remote IRR */
    wr(RTE_HI(3), 0xFFFFFFFF);
    assert_int_equal(rd(RTE_HI(3)), 0xFF000000);
    assert_int_equal(rd(RTE_LO(3)), 0x0001AFFF);
    assert_int_equal(rd(RTE_LO(4)), MASKED); /* neighbours untouched */
}

static void test_out_of_range_indexes(void **state)
{
    wr(0x40, 0x1234); /* one past the table */
    wr(0xFF, 0x1234);
    wr(0x05, 0x1234);
    assert_int_equal(rd(0x40), 0);
    assert_int_equal(rd(0xFF), 0);
    assert_int_equal(rd(0x05), 0);
    assert_int_equal(rd(RTE_LO(23)), MASKED);
    assert_int_equal(rd(REG_ID), 2U << 24);
}

static void test_other_offsets(void **state)
{
    vioapic_mmio_write(&io, IOREGSEL, RTE_LO(0));
    vioapic_mmio_write(&io, 0x20, 0);
    vioapic_mmio_write(&io, 0x14, 0);
    assert_int_equal(vioapic_mmio_read(&io, 0x20), 0);
    assert_int_equal(vioapic_mmio_read(&io, EOIR), 0);
    assert_int_equal(vioapic_mmio_read(&io, 0xFFC), 0);
    assert_int_equal(rd(RTE_LO(0)), MASKED);
}

/* ----------------------------------------------------------------- edge */

static void test_edge_delivers_on_rising_edge_only(void **state)
{
    route(4, 1, 0x24);
    vioapic_set_pin(&io, 4, true);
    vioapic_set_pin(&io, 4, true); /* still high: no new edge */
    assert_int_equal(lg.n, 1);
    assert_int_equal(lg.m[0].vector, 0x24);
    assert_int_equal(lg.m[0].dest, 1);
    assert_false(lg.m[0].level);
    assert_false(lg.m[0].logical);
    vioapic_set_pin(&io, 4, false);
    vioapic_set_pin(&io, 4, true);
    assert_int_equal(lg.n, 2);
    assert_int_equal(rd(RTE_LO(4)) & (REMOTE_IRR | STATUS), 0);
}

static void test_masked_edge_is_lost(void **state)
{
    route(4, 1, 0x24 | MASKED);
    vioapic_set_pin(&io, 4, true);
    assert_int_equal(lg.n, 0);
    route(4, 1, 0x24); /* unmasking a high edge pin sends nothing */
    assert_int_equal(lg.n, 0);
    vioapic_set_pin(&io, 4, false);
    vioapic_set_pin(&io, 4, true);
    assert_int_equal(lg.n, 1);
}

static void test_delivery_fields(void **state)
{
    route(9, 0x0F, 0x51 | LOGICAL | DM_LOWEST | ACTIVE_LOW);
    vioapic_set_pin(&io, 9, true);
    assert_int_equal(lg.n, 1);
    assert_int_equal(lg.m[0].dest, 0x0F);
    assert_true(lg.m[0].logical);
    assert_int_equal(lg.m[0].vector, 0x51);
    assert_int_equal(lg.m[0].mode, 1);
}

/* ----------------------------------------------------------------- level */

static void test_level_sets_remote_irr_until_eoi(void **state)
{
    route(10, 0, 0x61 | LEVEL);
    vioapic_set_pin(&io, 10, true);
    assert_int_equal(lg.n, 1);
    assert_true(lg.m[0].level);
    assert_true(rd(RTE_LO(10)) & REMOTE_IRR);
    vioapic_set_pin(&io, 10, false);
    vioapic_set_pin(&io, 10, true); /* remote IRR still set: nothing */
    assert_int_equal(lg.n, 1);
}

static void test_eoi_redelivers_while_asserted(void **state)
{
    route(10, 0, 0x61 | LEVEL);
    vioapic_set_pin(&io, 10, true);
    vioapic_eoi(&io, 0x61);
    assert_int_equal(lg.n, 2);
    assert_true(rd(RTE_LO(10)) & REMOTE_IRR);
    vioapic_set_pin(&io, 10, false);
    vioapic_eoi(&io, 0x61);
    assert_int_equal(lg.n, 2);
    assert_false(rd(RTE_LO(10)) & REMOTE_IRR);
}

static void test_eoi_other_vector_no_effect(void **state)
{
    route(10, 0, 0x61 | LEVEL);
    vioapic_set_pin(&io, 10, true);
    vioapic_eoi(&io, 0x62);
    assert_true(rd(RTE_LO(10)) & REMOTE_IRR);
    assert_int_equal(lg.n, 1);
}

static void test_eoi_register(void **state)
{
    route(11, 0, 0x71 | LEVEL);
    vioapic_set_pin(&io, 11, true);
    vioapic_set_pin(&io, 11, false);
    vioapic_mmio_write(&io, EOIR, 0xFFFFFF71); /* only bits 7:0 count */
    assert_false(rd(RTE_LO(11)) & REMOTE_IRR);
}

static void test_eoi_clears_every_pin_with_the_vector(void **state)
{
    route(5, 0, 0x33 | LEVEL);
    route(6, 0, 0x33 | LEVEL);
    vioapic_set_pin(&io, 5, true);
    vioapic_set_pin(&io, 6, true);
    vioapic_set_pin(&io, 5, false);
    vioapic_eoi(&io, 0x33);
    assert_false(rd(RTE_LO(5)) & REMOTE_IRR);
    assert_true(rd(RTE_LO(6)) & REMOTE_IRR); /* still asserted: sent again */
    assert_int_equal(lg.n, 3);
}

static void test_masked_level_pin_waits_for_unmask(void **state)
{
    route(12, 0, 0x81 | LEVEL | MASKED);
    vioapic_set_pin(&io, 12, true);
    assert_int_equal(lg.n, 0);
    assert_false(rd(RTE_LO(12)) & REMOTE_IRR);
    route(12, 0, 0x81 | LEVEL);
    assert_int_equal(lg.n, 1);
    assert_true(rd(RTE_LO(12)) & REMOTE_IRR);
}

static void test_unmask_deasserted_level_pin_sends_nothing(void **state)
{
    route(12, 0, 0x81 | LEVEL | MASKED);
    vioapic_set_pin(&io, 12, true);
    vioapic_set_pin(&io, 12, false);
    route(12, 0, 0x81 | LEVEL);
    assert_int_equal(lg.n, 0);
}

static void test_rewrite_keeps_remote_irr(void **state)
{
    route(10, 0, 0x61 | LEVEL);
    vioapic_set_pin(&io, 10, true);
    wr(RTE_LO(10), 0x61 | LEVEL | MASKED); /* Linux masks around EOI races */
    assert_true(rd(RTE_LO(10)) & REMOTE_IRR);
    wr(RTE_LO(10), 0x61 | LEVEL);
    assert_int_equal(lg.n, 1);
}

static void test_switch_to_edge_clears_remote_irr(void **state)
{
    route(10, 0, 0x61 | LEVEL);
    vioapic_set_pin(&io, 10, true);
    vioapic_set_pin(&io, 10, false);
    wr(RTE_LO(10), 0x61); /* Linux's clear-remote-IRR trick for old IOAPICs */
    assert_false(rd(RTE_LO(10)) & REMOTE_IRR);
    wr(RTE_LO(10), 0x61 | LEVEL);
    assert_int_equal(lg.n, 1);
}

static void test_nmi_level_entry_acts_as_edge(void **state)
{
    route(13, 0, DM_NMI | LEVEL);
    vioapic_set_pin(&io, 13, true);
    vioapic_set_pin(&io, 13, true);
    assert_int_equal(lg.n, 1);
    assert_false(lg.m[0].level);
    assert_int_equal(lg.m[0].mode, 4);
    assert_false(rd(RTE_LO(13)) & REMOTE_IRR);
}

static void test_out_of_range_pins_ignored(void **state)
{
    vioapic_set_pin(&io, 24, true);
    vioapic_set_pin(&io, 1000, true);
    vioapic_set_pin(&io, ~0U, true);
    assert_int_equal(lg.n, 0);
}

static void test_null_ops_harmless(void **state)
{
    vioapic_init(&io, 0, NULL, NULL);
    route(4, 0, 0x24);
    vioapic_set_pin(&io, 4, true);
    route(5, 0, 0x25 | LEVEL);
    vioapic_set_pin(&io, 5, true);
    assert_true(rd(RTE_LO(5)) & REMOTE_IRR);
}

static void test_uart_irq4_as_linux_routes_it(void **state)
{
    /* ISA IRQ 4 per the MADT defaults: active high, edge, fixed, physical. */
    route(4, 0, 0x24 | MASKED);
    wr(RTE_LO(4), 0x24);
    vioapic_set_pin(&io, 4, true);  /* THRE raised */
    vioapic_set_pin(&io, 4, false); /* IIR read acknowledged it */
    vioapic_set_pin(&io, 4, true);
    assert_int_equal(lg.n, 2);
    assert_int_equal(lg.m[1].vector, 0x24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_ioregsel_reads_back, setup),
        cmocka_unit_test_setup(test_id_writable_ver_arb_read_only, setup),
        cmocka_unit_test_setup(test_rte_writable_and_read_only_bits, setup),
        cmocka_unit_test_setup(test_out_of_range_indexes, setup),
        cmocka_unit_test_setup(test_other_offsets, setup),
        cmocka_unit_test_setup(test_edge_delivers_on_rising_edge_only, setup),
        cmocka_unit_test_setup(test_masked_edge_is_lost, setup),
        cmocka_unit_test_setup(test_delivery_fields, setup),
        cmocka_unit_test_setup(test_level_sets_remote_irr_until_eoi, setup),
        cmocka_unit_test_setup(test_eoi_redelivers_while_asserted, setup),
        cmocka_unit_test_setup(test_eoi_other_vector_no_effect, setup),
        cmocka_unit_test_setup(test_eoi_register, setup),
        cmocka_unit_test_setup(test_eoi_clears_every_pin_with_the_vector, setup),
        cmocka_unit_test_setup(test_masked_level_pin_waits_for_unmask, setup),
        cmocka_unit_test_setup(test_unmask_deasserted_level_pin_sends_nothing, setup),
        cmocka_unit_test_setup(test_rewrite_keeps_remote_irr, setup),
        cmocka_unit_test_setup(test_switch_to_edge_clears_remote_irr, setup),
        cmocka_unit_test_setup(test_nmi_level_entry_acts_as_edge, setup),
        cmocka_unit_test_setup(test_out_of_range_pins_ignored, setup),
        cmocka_unit_test_setup(test_null_ops_harmless, setup),
        cmocka_unit_test_setup(test_uart_irq4_as_linux_routes_it, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
