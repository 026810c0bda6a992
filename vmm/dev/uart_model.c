/* SPDX-License-Identifier: MIT */
/*
 * 16550 UART device model (PC16550D datasheet). Transmission is
 * instantaneous: a THR write reaches the tx callback at once, so the
 * transmitter always looks idle and "THR empty" fires after every byte.
 */
#include "vmm/dev/uart_model.h"
#include "lib/compiler.h"
#include "lib/string.h"

/* Register offsets (PC16550D datasheet, table 2). */
#define UART_RBR 0 /* receive buffer (read, DLAB=0) */
#define UART_THR 0 /* transmit holding (write, DLAB=0) */
#define UART_DLL 0 /* divisor latch LSB (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch MSB (DLAB=1) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

/* Interrupt Enable Register bits (datasheet, table 2). */
#define IER_RDA 0x01  /* received data available */
#define IER_THRE 0x02 /* transmitter holding register empty */
#define IER_RLS 0x04  /* receiver line status */
#define IER_MASK 0x0f /* bits 4-7 are always zero */

/* Interrupt Identification Register values (datasheet, "Interrupt Identification Register"). */
#define IIR_NONE 0x01 /* bit 0 set: no interrupt pending */
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_FIFO 0xc0 /* bits 7:6 set when FCR0 = 1 */

/* FIFO Control Register bits (datasheet, "FIFO Control Register"). */
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_TRIGGER 0xc0 /* RX trigger level: kept, unused as every byte is reported at once */

/* Line Control Register bits (datasheet, table 2). */
#define LCR_DLAB 0x80

/* Modem Control Register bits (datasheet, table 2). */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f /* bits 5-7 are always zero */

/* Line Status Register bits (datasheet, table 2). */
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

/* Modem Status Register bits (datasheet, table 2). */
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
/* With no real line behind the port, report a modem that is always ready. */
#define MSR_IDLE (MSR_DCD | MSR_DSR | MSR_CTS)

#define UART_BAD_REG 0xff /* what a floating ISA bus returns */

void uart_model_init(struct uart_model *u, uart_tx_fn tx, void *ctx)
{
    memset(u, 0, sizeof(*u));
    u->tx = tx;
    u->ctx = ctx;
}

static bool dlab(const struct uart_model *u)
{
    return u->lcr & LCR_DLAB;
}

static bool loopback(const struct uart_model *u)
{
    return u->mcr & MCR_LOOP;
}

bool uart_model_rx_push(struct uart_model *u, uint8_t byte)
{
    if (u->rx_count == UART_MODEL_RX_FIFO) {
        u->lsr_extra |= LSR_OE;
        return false;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_MODEL_RX_FIFO] = byte;
    u->rx_count++;
    return true;
}

static uint8_t rx_pop(struct uart_model *u)
{
    uint8_t byte;

    if (!u->rx_count)
        return 0;
    byte = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_MODEL_RX_FIFO;
    u->rx_count--;
    return byte;
}

/* Highest-priority enabled interrupt whose condition holds, without IIR's FIFO bits. */
static uint8_t iir_id(const struct uart_model *u)
{
    if ((u->ier & IER_RLS) && (u->lsr_extra & LSR_OE))
        return IIR_RLS;
    if ((u->ier & IER_RDA) && u->rx_count)
        return IIR_RDA;
    if ((u->ier & IER_THRE) && u->thre_pending)
        return IIR_THRE;
    return IIR_NONE;
}

bool uart_model_irq_pending(const struct uart_model *u)
{
    return iir_id(u) != IIR_NONE;
}

static uint8_t read_iir(struct uart_model *u)
{
    uint8_t id = iir_id(u);

    /* Reading IIR is how the guest acknowledges THRE; other sources clear at their cause. */
    if (id == IIR_THRE)
        u->thre_pending = false;
    if (u->fcr & FCR_ENABLE)
        id |= IIR_FIFO;
    return id;
}

static uint8_t read_lsr(struct uart_model *u)
{
    uint8_t lsr = LSR_THRE | LSR_TEMT | u->lsr_extra;

    if (u->rx_count)
        lsr |= LSR_DR;
    /* Error bits are clear-on-read so each overrun is reported once. */
    u->lsr_extra = 0;
    return lsr;
}

static uint8_t read_msr(const struct uart_model *u)
{
    uint8_t msr = 0;

    if (!loopback(u))
        return MSR_IDLE;
    /* Loopback wires each modem output to an input (datasheet, "Modem Control Register"). */
    if (u->mcr & MCR_DTR)
        msr |= MSR_DSR;
    if (u->mcr & MCR_RTS)
        msr |= MSR_CTS;
    if (u->mcr & MCR_OUT1)
        msr |= MSR_RI;
    if (u->mcr & MCR_OUT2)
        msr |= MSR_DCD;
    return msr;
}

uint8_t uart_model_read(struct uart_model *u, unsigned offset)
{
    switch (offset) {
    case UART_RBR:
        return dlab(u) ? u->dll : rx_pop(u);
    case UART_IER:
        return dlab(u) ? u->dlm : u->ier;
    case UART_IIR:
        return read_iir(u);
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        return read_lsr(u);
    case UART_MSR:
        return read_msr(u);
    case UART_SCR:
        return u->scr;
    default:
        return UART_BAD_REG;
    }
}

static void write_thr(struct uart_model *u, uint8_t val)
{
    if (loopback(u))
        uart_model_rx_push(u, val);
    else if (u->tx)
        u->tx(u->ctx, val);
    /* The byte left at once, so THR is empty again and may interrupt. */
    u->thre_pending = true;
}

static void write_ier(struct uart_model *u, uint8_t val)
{
    val &= IER_MASK;
    /* Enabling THRE while THR is empty (always, here) raises it immediately. */
    if ((val & IER_THRE) && !(u->ier & IER_THRE))
        u->thre_pending = true;
    u->ier = val;
}

static void write_fcr(struct uart_model *u, uint8_t val)
{
    if (val & FCR_CLEAR_RX) {
        u->rx_head = 0;
        u->rx_count = 0;
    }
    /* Clear bits self-reset and the TX FIFO is always empty: keep only the settings. */
    u->fcr = val & (FCR_ENABLE | FCR_TRIGGER);
}

void uart_model_write(struct uart_model *u, unsigned offset, uint8_t val)
{
    switch (offset) {
    case UART_THR:
        if (dlab(u))
            u->dll = val;
        else
            write_thr(u, val);
        break;
    case UART_IER:
        if (dlab(u))
            u->dlm = val;
        else
            write_ier(u, val);
        break;
    case UART_FCR:
        write_fcr(u, val);
        break;
    case UART_LCR:
        u->lcr = val;
        break;
    case UART_MCR:
        u->mcr = val & MCR_MASK;
        break;
    case UART_SCR:
        u->scr = val;
        break;
    default:
        /* LSR and MSR are read-only here (factory test use only); offsets > 7 don't decode. */
        break;
    }
}
