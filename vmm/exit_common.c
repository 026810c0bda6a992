/* SPDX-License-Identifier: MIT */
/*
 * Exit services every backend shares: host interrupts and NMIs that end a
 * guest's run, the hypercall ABI (docs/guest-abi.md) and HLT. Port I/O, MMIO and MSRs go to the VM's devices through its I/O
 * registry (vmm/io.c). Hot path: no allocation, no global locks.
 */
#include "vmm/vm.h"
#include "vmm/irqchip.h"
#include "lib/errno.h"
#include "kernel/idt.h"
#include "kernel/panic.h"
#include "kernel/smp.h"
#include "kernel/x86/cpu.h"

#define HC_PRINT_MAX 256

/*
 * The handlers stay out of line so that vm_hypercall is a dispatcher of
 * tail calls with no frame: an unknown function (the exit fast path's
 * cheapest case) costs a few compares.
 */
static __attribute__((noinline)) uint64_t hc_print(struct vcpu *v, uint64_t gpa, uint64_t len)
{
    const char *s;
    uint64_t f;

    if (len > HC_PRINT_MAX)
        return (uint64_t)-EINVAL;
    s = vm_gpa_to_hva(v->vm, gpa, len);
    if (!s)
        return (uint64_t)-EFAULT; /* outside the guest's memory or across chunks */
    f = spin_lock_irqsave(&v->vm->lock);
    for (uint64_t i = 0; i < len; i++)
        vm_console_put_locked(v->vm, s[i]);
    spin_unlock_irqrestore(&v->vm->lock, f);
    return 0;
}

static __attribute__((noinline)) uint64_t hc_exit(struct vcpu *v, uint64_t code)
{
    vm_exit_code(v->vm, (int)code);
    return 0;
}

/* Test hook for interrupt injection and interrupt windows. */
static __attribute__((noinline)) uint64_t hc_self_irq(struct vcpu *v, uint64_t vec)
{
    if (vec < 32 || vec > 255)
        return (uint64_t)-EINVAL;
    return (uint64_t)(int64_t)v->vm->ops->inject_irq(v, (uint8_t)vec);
}

uint64_t vm_hypercall(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1)
{
    switch (nr) {
    case HC_PRINT:
        return hc_print(v, a0, a1);
    case HC_EXIT:
        return hc_exit(v, a0);
    case HC_SELF_IRQ:
        return hc_self_irq(v, a0);
    default:
        return (uint64_t)-ENOSYS;
    }
}

bool vcpu_halt_until(struct vcpu *v, bool (*woken)(struct vcpu *v))
{
    v->state = VCPU_HALTED;
    while (!v->stop) {
        /* sti;hlt is atomic: a kick between the check and hlt still wakes us. */
        irq_enable_and_halt();
        irq_disable();
        if (woken(v))
            break;
    }
    v->state = VCPU_RUNNING;
    return !v->stop;
}

bool vcpu_halt_wait(struct vcpu *v)
{
    return vcpu_halt_until(v, vcpu_irq_wake);
}

bool vcpu_host_interrupt(struct vcpu *v, uint32_t exit_intr_info)
{
    irq_take_exit_interrupt(exit_intr_info);
    return !v->stop;
}

void vcpu_host_nmi(void)
{
    if (panic_in_progress() || smp_stop_requested())
        panic_stop_this_cpu();
}
