/* SPDX-License-Identifier: MIT */
/*
 * The bare board's interrupt controller (device "bare-irqchip"): no
 * interrupt controller a guest can program and no timer. What it delivers
 * is the self-interrupt hypercall's vector, one per vCPU (the test hook of
 * docs/guest-abi.md). Device lines are only remembered: a line that is up
 * wakes a vCPU halted with interrupts off (how test guests wait for
 * console input), without delivering anything.
 */
#include "vmm/platform/board.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"

struct bare_chip {
    volatile int vector[VM_MAX_VCPUS]; /* queued self-interrupt, or -1; only its vCPU touches it */
    volatile uint32_t lines;           /* one bit per line that is up */
};

static int pending(void *chip, struct vcpu *v)
{
    return ((struct bare_chip *)chip)->vector[v->id];
}

static void ack(void *chip, struct vcpu *v, uint8_t vector)
{
    ((struct bare_chip *)chip)->vector[v->id] = -1;
}

static uint64_t deadline(void *chip, struct vcpu *v)
{
    return UINT64_MAX;
}

/* Device lines change under vm->lock (COM1's, the only one): no lock of its own. */
static void set_line(void *chip, unsigned line, bool level, struct vcpu *self)
{
    struct bare_chip *c = chip;

    if (line >= 32)
        return;
    if (level)
        c->lines |= 1U << line;
    else
        c->lines &= ~(1U << line);
}

static int raise(void *chip, struct vcpu *v, uint8_t vector)
{
    ((struct bare_chip *)chip)->vector[v->id] = vector;
    return 0;
}

static bool wake(void *chip, struct vcpu *v)
{
    return ((struct bare_chip *)chip)->lines != 0;
}

static const struct irqchip_ops bare_irqchip_ops = {
    .name = "bare",
    .pending = pending,
    .ack = ack,
    .deadline = deadline,
    .set_line = set_line,
    .raise = raise,
    .wake = wake,
};

static int attach(struct vm *vm, void *state)
{
    struct bare_chip *c = state;

    for (unsigned i = 0; i < VM_MAX_VCPUS; i++)
        c->vector[i] = -1;
    vm_irqchip_install(vm, &bare_irqchip_ops, c);
    return 0;
}

const struct vm_device dev_bare_irqchip = {"bare-irqchip", sizeof(struct bare_chip), attach};
