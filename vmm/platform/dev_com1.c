/* SPDX-License-Identifier: MIT */
/*
 * COM1 (device "com1"): the VM's 16550 (vmm/dev/uart_model.c) at ports
 * 0x3F8-0x3FF, its output the VM's console, its input what the user types
 * at `console <vm>`. Its interrupt line, ISA IRQ 4, is re-evaluated after
 * every register access and every byte of input and given to the VM's
 * irqchip when it changes. The model lives in struct vm (vm->uart: it
 * outlives the VM's run) and, like the console history, under vm->lock.
 */
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"

/* With vm->lock held. */
static void update_line(struct vm *vm, struct vcpu *self)
{
    bool line = uart_model_irq_pending(&vm->uart);

    if (line == vm->uart_line)
        return;
    vm->uart_line = line;
    vm_irq_line(vm, GUEST_COM1_IRQ, line, self);
}

static void tx(void *ctx, uint8_t byte)
{
    vm_console_put_locked(ctx, (char)byte); /* from the model, under vm->lock */
}

static bool input(struct vm *vm, uint8_t c)
{
    bool ok = uart_model_rx_push(&vm->uart, c);

    if (ok)
        update_line(vm, NULL);
    return ok;
}

static void pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write, uint32_t *val)
{
    struct vm *vm = v->vm;
    uint64_t f = spin_lock_irqsave(&vm->lock); /* per VM: the shell feeds its input */

    if (write)
        uart_model_write(&vm->uart, port - GUEST_COM1_PORT, (uint8_t)*val);
    else
        *val = uart_model_read(&vm->uart, port - GUEST_COM1_PORT);
    update_line(vm, v);
    spin_unlock_irqrestore(&vm->lock, f);
}

static int attach(struct vm *vm, void *state)
{
    uart_model_init(&vm->uart, tx, vm);
    vm->uart_line = false;
    vm->console_input = input;
    /* Fast: a guest that polls its UART writes and reads it without the entry path. */
    return vm_io_register_pio_fast(vm, GUEST_COM1_PORT, GUEST_COM1_PORT + GUEST_COM1_PORTS - 1, pio,
                                   NULL);
}

const struct vm_device dev_com1 = {"com1", 0, attach};
