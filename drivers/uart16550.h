/* SPDX-License-Identifier: MIT */
/* 16550 UART on an I/O port base (PC16550D datasheet; registers in uart16550.c). */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include "lib/compiler.h"

struct uart {
    uint16_t port;
    bool present;
};

/* Programs baud 8N1 with FIFOs; returns -ENODEV if no UART answers at port. */
int uart_init(struct uart *u, uint16_t port, uint32_t baud);
void uart_putc(struct uart *u, char c);
/* Returns the next received byte, or -1 if none is waiting. */
int uart_getc(struct uart *u);
/* Enables the receive-data interrupt (and OUT2, which gates the IRQ line on PCs). */
void uart_enable_rx_irq(struct uart *u);

#endif
