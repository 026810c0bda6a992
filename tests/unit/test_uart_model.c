/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/dev/uart_model.c lib/string.c */
/*
 * 16550 device model tests: the guest's view through uart_model_read/write,
 * with transmitted bytes captured by a fake tx callback.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vmm/dev/uart_model.h"

/* Register offsets and bits, spelled out so the tests don't share the model's mistakes. */
#define RBR 0
#define THR 0
#define DLL 0
#define IER 1
#define DLM 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

struct tx_log {
    uint8_t bytes[256];
    size_t len;
};

static struct uart_model u;
static struct tx_log txl;

static void fake_tx(void *ctx, uint8_t byte)
{
    struct tx_log *log = ctx;

    assert_true(log->len < sizeof(log->bytes));
    log->bytes[log->len++] = byte;
}

static int setup(void **state)
{
    memset(&txl, 0, sizeof(txl));
    uart_model_init(&u, fake_tx, &txl);
    return 0;
}

static void fill_fifo(void)
{
    for (unsigned i = 0; i < UART_MODEL_RX_FIFO; i++)
        assert_true(uart_model_rx_push(&u, (uint8_t)i));
}

/* ----------------------------------------------------------------- transmit */

static void test_thr_writes_reach_tx_in_order(void **state)
{
    const char *msg = "hello\n";

    for (const char *p = msg; *p; p++)
        uart_model_write(&u, THR, (uint8_t)*p);
    assert_int_equal(txl.len, strlen(msg));
    assert_memory_equal(txl.bytes, msg, strlen(msg));
}

static void test_null_tx_is_harmless(void **state)
{
    uart_model_init(&u, NULL, NULL);
    uart_model_write(&u, THR, 'x');
    assert_int_equal(uart_model_read(&u, LSR) & LSR_THRE, LSR_THRE);
}

/* --------------------------------------------------------------------- DLAB */

static void test_divisor_latch_does_not_touch_thr_or_ier(void **state)
{
    uart_model_write(&u, IER, 0x05);
    uart_model_write(&u, LCR, LCR_DLAB | 0x03);
    uart_model_write(&u, DLL, 0x0c);
    uart_model_write(&u, DLM, 0x01);
    assert_int_equal(txl.len, 0);
    assert_int_equal(uart_model_read(&u, DLL), 0x0c);
    assert_int_equal(uart_model_read(&u, DLM), 0x01);

    uart_model_write(&u, LCR, 0x03);
    assert_int_equal(uart_model_read(&u, IER), 0x05);
    assert_int_equal(uart_model_read(&u, LCR), 0x03);

    /* Back with DLAB set, the latch kept its value. */
    uart_model_write(&u, LCR, LCR_DLAB);
    assert_int_equal(uart_model_read(&u, DLL), 0x0c);
    assert_int_equal(uart_model_read(&u, DLM), 0x01);
}

static void test_dlab_read_does_not_pop_rx(void **state)
{
    assert_true(uart_model_rx_push(&u, 'a'));
    uart_model_write(&u, LCR, LCR_DLAB);
    assert_int_equal(uart_model_read(&u, DLL), 0);
    uart_model_write(&u, LCR, 0);
    assert_int_equal(uart_model_read(&u, RBR), 'a');
}

/* ---------------------------------------------------------------------- LSR */

static void test_lsr_idle_and_data_ready(void **state)
{
    assert_int_equal(uart_model_read(&u, LSR), LSR_THRE | LSR_TEMT);
    assert_true(uart_model_rx_push(&u, 'z'));
    assert_int_equal(uart_model_read(&u, LSR), LSR_THRE | LSR_TEMT | LSR_DR);
    uart_model_read(&u, RBR);
    assert_int_equal(uart_model_read(&u, LSR), LSR_THRE | LSR_TEMT);
}

static void test_lsr_thre_stays_set_after_tx(void **state)
{
    uart_model_write(&u, THR, 'q');
    assert_int_equal(uart_model_read(&u, LSR) & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
}

/* ----------------------------------------------------------------------- RX */

static void test_rx_fifo_order(void **state)
{
    assert_true(uart_model_rx_push(&u, 'a'));
    assert_true(uart_model_rx_push(&u, 'b'));
    assert_true(uart_model_rx_push(&u, 'c'));
    assert_int_equal(uart_model_read(&u, RBR), 'a');
    assert_int_equal(uart_model_read(&u, RBR), 'b');
    assert_int_equal(uart_model_read(&u, RBR), 'c');
    assert_int_equal(uart_model_read(&u, RBR), 0);
    assert_int_equal(uart_model_read(&u, LSR) & LSR_DR, 0);
}

static void test_rx_fifo_wraps(void **state)
{
    /* Interleave so head walks past the end of the ring several times. */
    for (unsigned i = 0; i < 3 * UART_MODEL_RX_FIFO; i++) {
        assert_true(uart_model_rx_push(&u, (uint8_t)i));
        assert_true(uart_model_rx_push(&u, (uint8_t)(i + 100)));
        assert_int_equal(uart_model_read(&u, RBR), (uint8_t)i);
        assert_int_equal(uart_model_read(&u, RBR), (uint8_t)(i + 100));
    }
    assert_int_equal(uart_model_read(&u, LSR) & LSR_DR, 0);
}

static void test_rx_full_overrun(void **state)
{
    fill_fifo();
    assert_false(uart_model_rx_push(&u, 0xee));
    assert_int_equal(uart_model_read(&u, LSR), LSR_THRE | LSR_TEMT | LSR_DR | LSR_OE);
    /* Reading LSR cleared OE; the dropped byte never appears. */
    assert_int_equal(uart_model_read(&u, LSR) & LSR_OE, 0);
    for (unsigned i = 0; i < UART_MODEL_RX_FIFO; i++)
        assert_int_equal(uart_model_read(&u, RBR), (uint8_t)i);
    assert_int_equal(uart_model_read(&u, LSR) & LSR_DR, 0);
    /* Room again. */
    assert_true(uart_model_rx_push(&u, 0x42));
    assert_int_equal(uart_model_read(&u, RBR), 0x42);
}

/* ---------------------------------------------------------------------- IIR */

static void test_iir_reset_value(void **state)
{
    assert_int_equal(uart_model_read(&u, IIR), 0x01);
    assert_false(uart_model_irq_pending(&u));
}

static void test_iir_priorities(void **state)
{
    uart_model_write(&u, IER, 0x07);
    /* Only THRE so far (raised by enabling it). */
    assert_int_equal(uart_model_read(&u, IIR), 0x02);
    uart_model_write(&u, THR, 'x'); /* re-arm THRE */

    fill_fifo();
    assert_false(uart_model_rx_push(&u, 0));
    /* Line status beats data available beats THRE. */
    assert_int_equal(uart_model_read(&u, IIR), 0x06);
    uart_model_read(&u, LSR);
    assert_int_equal(uart_model_read(&u, IIR), 0x04);
    while (uart_model_read(&u, LSR) & LSR_DR)
        uart_model_read(&u, RBR);
    /* THRE was never acknowledged while hidden behind higher priorities. */
    assert_int_equal(uart_model_read(&u, IIR), 0x02);
    assert_int_equal(uart_model_read(&u, IIR), 0x01);
}

static void test_thre_ack_by_iir_read(void **state)
{
    uart_model_write(&u, IER, 0x02);
    assert_true(uart_model_irq_pending(&u));
    assert_int_equal(uart_model_read(&u, IIR), 0x02);
    assert_false(uart_model_irq_pending(&u));
    assert_int_equal(uart_model_read(&u, IIR), 0x01);

    /* Each transmitted byte raises it again. */
    uart_model_write(&u, THR, 'a');
    assert_true(uart_model_irq_pending(&u));
    assert_int_equal(uart_model_read(&u, IIR), 0x02);
    assert_int_equal(uart_model_read(&u, IIR), 0x01);
}

static void test_thre_raised_only_on_enable_edge(void **state)
{
    uart_model_write(&u, IER, 0x02);
    assert_int_equal(uart_model_read(&u, IIR), 0x02);
    /* Rewriting IER with THRE still enabled is not a 0->1 edge. */
    uart_model_write(&u, IER, 0x03);
    assert_int_equal(uart_model_read(&u, IIR), 0x01);
    /* Dropping and re-enabling it is. */
    uart_model_write(&u, IER, 0x00);
    uart_model_write(&u, IER, 0x02);
    assert_int_equal(uart_model_read(&u, IIR), 0x02);
}

static void test_iir_fifo_bits(void **state)
{
    uart_model_write(&u, FCR, 0x01);
    assert_int_equal(uart_model_read(&u, IIR), 0xc1);
    uart_model_write(&u, IER, 0x01);
    assert_true(uart_model_rx_push(&u, 'k'));
    assert_int_equal(uart_model_read(&u, IIR), 0xc4);
    uart_model_write(&u, FCR, 0x00);
    assert_int_equal(uart_model_read(&u, IIR), 0x04);
}

/* ---------------------------------------------------------------------- IER */

static void test_ier_writable_bits(void **state)
{
    uart_model_write(&u, IER, 0xff);
    assert_int_equal(uart_model_read(&u, IER), 0x0f);
}

static void test_ier_masks_interrupts(void **state)
{
    uart_model_write(&u, THR, 'x');
    fill_fifo();
    assert_false(uart_model_rx_push(&u, 0));
    /* Every condition holds, but nothing is enabled. */
    assert_false(uart_model_irq_pending(&u));
    assert_int_equal(uart_model_read(&u, IIR), 0x01);

    uart_model_write(&u, IER, 0x01);
    assert_int_equal(uart_model_read(&u, IIR), 0x04);
    uart_model_write(&u, IER, 0x04);
    assert_int_equal(uart_model_read(&u, IIR), 0x06);
    uart_model_write(&u, IER, 0x00);
    assert_false(uart_model_irq_pending(&u));
}

/* ---------------------------------------------------------------------- FCR */

static void test_fcr_clears_rx(void **state)
{
    assert_true(uart_model_rx_push(&u, 'a'));
    assert_true(uart_model_rx_push(&u, 'b'));
    uart_model_write(&u, FCR, 0x01); /* enable only: data stays */
    assert_int_equal(uart_model_read(&u, LSR) & LSR_DR, LSR_DR);
    uart_model_write(&u, FCR, 0x03);
    assert_int_equal(uart_model_read(&u, LSR) & LSR_DR, 0);
    assert_int_equal(uart_model_read(&u, RBR), 0);
    /* The FIFO still works after clearing. */
    assert_true(uart_model_rx_push(&u, 'c'));
    assert_int_equal(uart_model_read(&u, RBR), 'c');
}

/* ----------------------------------------------------------- MCR, MSR, loop */

static void test_mcr_writable_bits(void **state)
{
    uart_model_write(&u, MCR, 0xff);
    assert_int_equal(uart_model_read(&u, MCR), 0x1f);
}

static void test_msr_static_value(void **state)
{
    assert_int_equal(uart_model_read(&u, MSR), 0xb0);
    uart_model_write(&u, MCR, 0x0b);
    assert_int_equal(uart_model_read(&u, MSR), 0xb0);
}

static void test_loopback(void **state)
{
    uart_model_write(&u, MCR, MCR_LOOP);
    uart_model_write(&u, THR, 'L');
    uart_model_write(&u, THR, 'P');
    assert_int_equal(txl.len, 0);
    assert_int_equal(uart_model_read(&u, LSR) & LSR_DR, LSR_DR);
    assert_int_equal(uart_model_read(&u, RBR), 'L');
    assert_int_equal(uart_model_read(&u, RBR), 'P');

    /* DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
    assert_int_equal(uart_model_read(&u, MSR), 0x00);
    uart_model_write(&u, MCR, MCR_LOOP | 0x01);
    assert_int_equal(uart_model_read(&u, MSR), 0x20);
    uart_model_write(&u, MCR, MCR_LOOP | 0x02);
    assert_int_equal(uart_model_read(&u, MSR), 0x10);
    uart_model_write(&u, MCR, MCR_LOOP | 0x04);
    assert_int_equal(uart_model_read(&u, MSR), 0x40);
    uart_model_write(&u, MCR, MCR_LOOP | 0x08);
    assert_int_equal(uart_model_read(&u, MSR), 0x80);

    /* Leaving loopback sends to tx again. */
    uart_model_write(&u, MCR, 0x03);
    uart_model_write(&u, THR, 'T');
    assert_int_equal(txl.len, 1);
    assert_int_equal(txl.bytes[0], 'T');
    assert_int_equal(uart_model_read(&u, LSR) & LSR_DR, 0);
}

static void test_loopback_overrun(void **state)
{
    uart_model_write(&u, MCR, MCR_LOOP);
    fill_fifo();
    uart_model_write(&u, THR, 0x99);
    assert_int_equal(uart_model_read(&u, LSR) & LSR_OE, LSR_OE);
    assert_int_equal(txl.len, 0);
}

/* ------------------------------------------------------- SCR, bad offsets */

static void test_scratch_register(void **state)
{
    for (unsigned v = 0; v < 256; v += 0x33) {
        uart_model_write(&u, SCR, (uint8_t)v);
        assert_int_equal(uart_model_read(&u, SCR), v);
    }
    assert_int_equal(txl.len, 0);
}

static void test_out_of_range_offsets(void **state)
{
    struct uart_model before;

    uart_model_write(&u, IER, 0x03);
    assert_true(uart_model_rx_push(&u, 'r'));
    memcpy(&before, &u, sizeof(u));
    for (unsigned off = 8; off < 16; off++)
        uart_model_write(&u, off, 0x5a);
    uart_model_write(&u, 0xffffffffu, 0x5a);
    assert_memory_equal(&before, &u, sizeof(u));
    assert_int_equal(txl.len, 0);

    assert_int_equal(uart_model_read(&u, 8), 0xff);
    assert_int_equal(uart_model_read(&u, 0x3f8), 0xff);
    assert_memory_equal(&before, &u, sizeof(u));
}

static void test_lsr_msr_writes_ignored(void **state)
{
    uart_model_write(&u, LSR, 0xff);
    uart_model_write(&u, MSR, 0x00);
    assert_int_equal(uart_model_read(&u, LSR), LSR_THRE | LSR_TEMT);
    assert_int_equal(uart_model_read(&u, MSR), 0xb0);
}

/* -------------------------------------------------------------- irq_pending */

static void test_irq_pending_transitions(void **state)
{
    uart_model_write(&u, IER, 0x05);
    assert_false(uart_model_irq_pending(&u));
    assert_true(uart_model_rx_push(&u, '1'));
    assert_true(uart_model_irq_pending(&u));
    uart_model_read(&u, RBR);
    assert_false(uart_model_irq_pending(&u));

    fill_fifo();
    assert_false(uart_model_rx_push(&u, 0));
    while (uart_model_read(&u, LSR) & LSR_DR) /* also clears OE */
        uart_model_read(&u, RBR);
    assert_false(uart_model_irq_pending(&u));

    uart_model_write(&u, IER, 0x07);
    assert_true(uart_model_irq_pending(&u));
    uart_model_read(&u, IIR);
    assert_false(uart_model_irq_pending(&u));
}

/* ------------------------------------------------------------ Linux probing */

static void test_linux_probe_sequence(void **state)
{
    /* Scratch test, as autoconfig() does it. */
    uart_model_write(&u, SCR, 0xa5);
    assert_int_equal(uart_model_read(&u, SCR), 0xa5);
    uart_model_write(&u, SCR, 0x5a);
    assert_int_equal(uart_model_read(&u, SCR), 0x5a);

    /* IER readback: must be 0 after clearing and keep the low nibble. */
    uart_model_write(&u, IER, 0x00);
    assert_int_equal(uart_model_read(&u, IER) & 0x0f, 0x00);
    uart_model_write(&u, IER, 0x0f);
    assert_int_equal(uart_model_read(&u, IER) & 0x0f, 0x0f);
    uart_model_write(&u, IER, 0x00);

    /* Loopback check: RTS|OUT2 must show up as CTS|DCD. */
    uart_model_write(&u, MCR, MCR_LOOP | 0x0a);
    assert_int_equal(uart_model_read(&u, MSR) & 0xf0, 0x90);
    uart_model_write(&u, MCR, 0x00);

    /* FIFO detection: 16550A reports 0xc0 in IIR bits 7:6. */
    uart_model_write(&u, LCR, 0x03);
    uart_model_write(&u, FCR, 0x07);
    assert_int_equal(uart_model_read(&u, IIR) & 0xc0, 0xc0);
    assert_int_equal(uart_model_read(&u, LCR), 0x03);

    /* Divisor for 115200 baud, then 8N1. */
    uart_model_write(&u, LCR, LCR_DLAB | 0x03);
    uart_model_write(&u, DLL, 0x01);
    uart_model_write(&u, DLM, 0x00);
    uart_model_write(&u, LCR, 0x03);
    assert_int_equal(uart_model_read(&u, IER), 0x00);
    assert_int_equal(txl.len, 0);

    uart_model_write(&u, THR, 'O');
    uart_model_write(&u, THR, 'K');
    assert_int_equal(txl.len, 2);
    assert_memory_equal(txl.bytes, "OK", 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_thr_writes_reach_tx_in_order, setup),
        cmocka_unit_test_setup(test_null_tx_is_harmless, setup),
        cmocka_unit_test_setup(test_divisor_latch_does_not_touch_thr_or_ier, setup),
        cmocka_unit_test_setup(test_dlab_read_does_not_pop_rx, setup),
        cmocka_unit_test_setup(test_lsr_idle_and_data_ready, setup),
        cmocka_unit_test_setup(test_lsr_thre_stays_set_after_tx, setup),
        cmocka_unit_test_setup(test_rx_fifo_order, setup),
        cmocka_unit_test_setup(test_rx_fifo_wraps, setup),
        cmocka_unit_test_setup(test_rx_full_overrun, setup),
        cmocka_unit_test_setup(test_iir_reset_value, setup),
        cmocka_unit_test_setup(test_iir_priorities, setup),
        cmocka_unit_test_setup(test_thre_ack_by_iir_read, setup),
        cmocka_unit_test_setup(test_thre_raised_only_on_enable_edge, setup),
        cmocka_unit_test_setup(test_iir_fifo_bits, setup),
        cmocka_unit_test_setup(test_ier_writable_bits, setup),
        cmocka_unit_test_setup(test_ier_masks_interrupts, setup),
        cmocka_unit_test_setup(test_fcr_clears_rx, setup),
        cmocka_unit_test_setup(test_mcr_writable_bits, setup),
        cmocka_unit_test_setup(test_msr_static_value, setup),
        cmocka_unit_test_setup(test_loopback, setup),
        cmocka_unit_test_setup(test_loopback_overrun, setup),
        cmocka_unit_test_setup(test_scratch_register, setup),
        cmocka_unit_test_setup(test_out_of_range_offsets, setup),
        cmocka_unit_test_setup(test_lsr_msr_writes_ignored, setup),
        cmocka_unit_test_setup(test_irq_pending_transitions, setup),
        cmocka_unit_test_setup(test_linux_probe_sequence, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
