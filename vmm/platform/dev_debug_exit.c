/* SPDX-License-Identifier: MIT */
/*
 * The debug-exit port (device "debug-exit", vmm/dev/debug_exit.h): a write
 * of v to ports 0xF4-0xF7 ends the VM with exit code v. Reads are nobody's,
 * as before the port had a device: all ones, counted as unhandled.
 */
#include "vmm/platform/board.h"
#include "vmm/dev/debug_exit.h"
#include "vmm/vm.h"

static void pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write, uint32_t *val)
{
    if (write)
        vm_exit_code(v->vm, (int)*val);
    else
        vm_pio_unclaimed(v, size, true, val);
}

static int attach(struct vm *vm, void *state)
{
    return vm_io_register_pio(vm, DEBUG_EXIT_PORT, DEBUG_EXIT_PORT + DEBUG_EXIT_PORT_SIZE - 1, pio,
                              NULL);
}

const struct vm_device dev_debug_exit = {"debug-exit", 0, attach};
