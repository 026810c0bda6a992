/* SPDX-License-Identifier: MIT */
/* 16550 UART driver, polled output, polled or interrupt-driven input. */
#include "drivers/uart16550.h"
#include "lib/errno.h"
#include "kernel/x86/cpu.h"

/* Register offsets (PC16550D datasheet, table 2). */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define IER_RDA 0x01
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT2 0x08
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define FCR_ENABLE_CLEAR 0x07
#define UART_CLOCK 115200

static bool uart_probe(uint16_t port)
{
    /* The scratch register holds what we write only if a UART is there. */
    outb(port + UART_SCR, 0x5A);
    if (inb(port + UART_SCR) != 0x5A)
        return false;
    outb(port + UART_SCR, 0xA5);
    return inb(port + UART_SCR) == 0xA5;
}

int uart_init(struct uart *u, uint16_t port, uint32_t baud)
{
    uint16_t div = (uint16_t)(UART_CLOCK / (baud ? baud : UART_CLOCK));

    u->port = port;
    u->present = uart_probe(port);
    if (!u->present)
        return -ENODEV;
    outb(port + UART_IER, 0);
    outb(port + UART_LCR, LCR_DLAB);
    outb(port + UART_DLL, div & 0xff);
    outb(port + UART_DLM, div >> 8);
    outb(port + UART_LCR, LCR_8N1);
    outb(port + UART_FCR, FCR_ENABLE_CLEAR);
    outb(port + UART_MCR, MCR_DTR | MCR_RTS);
    return 0;
}

void uart_putc(struct uart *u, char c)
{
    unsigned spins = 0;

    if (!u->present)
        return;
    /* Bounded wait: a wedged UART must not hang the console forever. */
    while (!(inb(u->port + UART_LSR) & LSR_THRE) && ++spins < 1000000)
        cpu_relax();
    outb(u->port + UART_THR, (uint8_t)c);
}

int uart_getc(struct uart *u)
{
    if (!u->present || !(inb(u->port + UART_LSR) & LSR_DR))
        return -1;
    return inb(u->port + UART_RBR);
}

void uart_enable_rx_irq(struct uart *u)
{
    if (!u->present)
        return;
    outb(u->port + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    outb(u->port + UART_IER, IER_RDA);
}
