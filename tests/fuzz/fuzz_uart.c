/* fuzz-srcs: vmm/dev/uart_model.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * 16550 UART model, driven by a guest's port accesses and host input. Each
 * input byte is an operation (bits 1:0), with its operands in the bits above
 * and the next byte:
 *   0 read offset (bits 5:2)      1 write offset (bits 5:2), value = next byte
 *   2 rx_push next byte           3 irq_pending
 * Offsets run to 15, past the 8 that decode. A reference FIFO runs beside the
 * model: the bytes read back must be the bytes pushed, in order.
 */
#include <string.h>
#include "vmm/dev/uart_model.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define FCR_CLEAR_RX 0x02
#define LSR_DR 0x01
#define IIR_NONE 0x01

struct ref {
    uint8_t q[UART_MODEL_RX_FIFO];
    unsigned head, count;
    unsigned tx_bytes;
};

static bool ref_push(struct ref *r, uint8_t b)
{
    if (r->count == UART_MODEL_RX_FIFO)
        return false;
    r->q[(r->head + r->count++) % UART_MODEL_RX_FIFO] = b;
    return true;
}

static void tx(void *ctx, uint8_t byte)
{
    struct ref *r = ctx;

    r->tx_bytes++;
}

static void do_read(struct uart_model *u, struct ref *r, unsigned off)
{
    bool dlab = u->lcr & LCR_DLAB, pending = uart_model_irq_pending(u);
    uint8_t v, want;

    if (off == 0 && !dlab) {
        want = r->count ? r->q[r->head] : 0;
        if (r->count) {
            r->head = (r->head + 1) % UART_MODEL_RX_FIFO;
            r->count--;
        }
        CHECK(uart_model_read(u, off) == want);
        return;
    }
    v = uart_model_read(u, off);
    if (off == 2)
        CHECK(!(v & IIR_NONE) == pending);
    if (off == 5)
        CHECK(!!(v & LSR_DR) == (r->count > 0));
    if (off > 7)
        CHECK(v == 0xff);
}

static void do_write(struct uart_model *u, struct ref *r, unsigned off, uint8_t val)
{
    bool dlab = u->lcr & LCR_DLAB, loop = u->mcr & MCR_LOOP;
    unsigned sent = r->tx_bytes;

    if (off == 0 && !dlab && loop)
        ref_push(r, val);
    if (off == 2 && (val & FCR_CLEAR_RX))
        r->head = r->count = 0;
    uart_model_write(u, off, val);
    CHECK(r->tx_bytes == sent + (off == 0 && !dlab && !loop));
}

static void check_state(const struct uart_model *u, const struct ref *r)
{
    CHECK(u->rx_count <= UART_MODEL_RX_FIFO && u->rx_head < UART_MODEL_RX_FIFO);
    CHECK(u->rx_count == r->count);
    CHECK(!(u->ier & 0xf0) && !(u->mcr & 0xe0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct uart_model u;
    struct ref r = {0};

    host_log_clear();
    uart_model_init(&u, tx, &r);
    for (size_t i = 0; i < size; i++) {
        unsigned op = data[i] & 3, off = (data[i] >> 2) & 15;
        uint8_t arg = i + 1 < size ? data[i + 1] : 0;

        if (op == 0) {
            do_read(&u, &r, off);
        } else if (op == 1) {
            do_write(&u, &r, off, arg);
            i++;
        } else if (op == 2) {
            CHECK(uart_model_rx_push(&u, arg) == ref_push(&r, arg));
            i++;
        } else {
            uart_model_irq_pending(&u);
        }
        check_state(&u, &r);
    }
    return 0;
}
