/* SPDX-License-Identifier: MIT */
/*
 * 16550 UART device model (PC16550D datasheet) for one VM's COM port.
 * Pure code: the VM exit handler calls uart_model_read/write for port
 * offsets 0-7; transmitted bytes go to the tx callback; input pushed with
 * uart_model_rx_push becomes readable in RBR, with the interrupt state
 * reported by uart_model_irq_pending.
 */
#ifndef VMM_DEV_UART_MODEL_H
#define VMM_DEV_UART_MODEL_H

#include "lib/compiler.h"

#define UART_MODEL_RX_FIFO 64

typedef void (*uart_tx_fn)(void *ctx, uint8_t byte);

struct uart_model {
    uint8_t ier, lcr, mcr, lsr_extra, scr, dll, dlm, fcr;
    bool thre_pending; /* THR-empty interrupt not yet acknowledged by an IIR read */
    uint8_t rx[UART_MODEL_RX_FIFO];
    unsigned rx_head, rx_count;
    uart_tx_fn tx;
    void *ctx;
};

void uart_model_init(struct uart_model *u, uart_tx_fn tx, void *ctx);
uint8_t uart_model_read(struct uart_model *u, unsigned offset);
void uart_model_write(struct uart_model *u, unsigned offset, uint8_t val);
/* Queues a received byte; returns false (byte dropped, overrun flagged) if the FIFO is full. */
bool uart_model_rx_push(struct uart_model *u, uint8_t byte);
/* True when the guest enabled an interrupt whose condition holds (IIR would not read 0x01). */
bool uart_model_irq_pending(const struct uart_model *u);

#endif
