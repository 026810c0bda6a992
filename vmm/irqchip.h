/* SPDX-License-Identifier: MIT */
/*
 * A VM's interrupt controller, as its board installs it (vm->irqchip): the
 * one way backends ask for the next interrupt of a vCPU, acknowledge its
 * injection and learn when its next timer fires, and the way devices drive
 * their interrupt lines. The bare board's chip (vmm/platform/irqchip_bare.c)
 * has no timer and only the self-interrupt test hook's vector; the PC
 * board's (vmm/platform/vplat.c) is a local APIC per vCPU and an IOAPIC.
 */
#ifndef VMM_IRQCHIP_H
#define VMM_IRQCHIP_H

#include "lib/compiler.h"
#include "vmm/vm.h"

/* What an irqchip's vid_take handed over. */
enum vid_take {
    VID_TAKE_NONE, /* nothing changed since the last take or give: nothing filled */
    VID_TAKE_IRR, /* requested vectors (irr) and trigger modes (tmr); the CPU's ISR is the chip's */
    VID_TAKE_ALL, /* those and the in-service vectors (isr): the chip's ISR changed on its own */
};

struct irqchip_ops {
    const char *name;
    /* Each vCPU has a local APIC: CPUID shows x2APIC, TSC-deadline and the TSC leaves. */
    bool lapic;
    /*
     * Called on the vCPU's own CPU before each entry: the highest vector it
     * would take now (after running its expired timers), or -1; ack once
     * that vector was injected.
     */
    int (*pending)(void *chip, struct vcpu *v);
    void (*ack)(void *chip, struct vcpu *v, uint8_t vector);
    /* TSC value at which the vCPU's next timer fires, UINT64_MAX when none. */
    uint64_t (*deadline)(void *chip, struct vcpu *v);
    /*
     * A device's interrupt line (ISA IRQ / GSI) is now at level; self is the
     * vCPU whose access caused it (not kicked), NULL for console input.
     */
    void (*set_line)(void *chip, unsigned line, bool level, struct vcpu *self);
    /* The self-interrupt hypercall: queue vector for v alone. */
    int (*raise)(void *chip, struct vcpu *v, uint8_t vector);
    /*
     * Optional. Wake-ups that are not interrupts: true when a vCPU halted
     * in vcpu_halt_wait must go on (the bare board: a device line is up,
     * docs/guest-abi.md). A chip without it wakes a halted vCPU only by an
     * interrupt it delivers or by its timer, so a backend may sleep the
     * vCPU inside the guest instead (VMX HLT activity state).
     */
    bool (*wake)(void *chip, struct vcpu *v);
    /* Optional. Whether v's local APIC is enabled (IA32_APIC_BASE.EN): CPUID.1:EDX.APIC. */
    bool (*apic_enabled)(void *chip, struct vcpu *v);
    /* Optional. An AP's thread: waits for INIT + SIPI; the SIPI vector, -1 when the VM ends. */
    int (*wait_start)(void *chip, struct vcpu *v);
    /*
     * Optional (local APICs). v's task-priority register: MOV CR8 reads and
     * writes TPR[7:4] (SDM 10.8.6.1), so CR8 and the APIC's TPR are one
     * register. Without them the backend keeps CR8 on its own.
     */
    uint8_t (*get_tpr)(void *chip, struct vcpu *v);
    void (*set_tpr)(void *chip, struct vcpu *v, uint8_t tpr);
    /*
     * Optional (with get_tpr). The class (0-15) a TPR must drop below for
     * v's highest requested vector to be taken, when only the TPR holds it;
     * else 0 (a TPR shadow's threshold, vmm/vmx/vapic.c).
     */
    uint8_t (*tpr_threshold)(void *chip, struct vcpu *v);
    /*
     * Optional (local APICs). Whether v's APIC is in x2APIC mode: read on
     * v's own CPU, which alone changes its IA32_APIC_BASE. The backend may
     * then let the CPU virtualize the TPR MSR (vmm/vmx/vapic.c).
     */
    bool (*x2apic_mode)(void *chip, struct vcpu *v);
    /*
     * Optional (with x2apic_mode): virtual-interrupt delivery, on v's own
     * CPU. vid_take before an entry: v's requested vectors leave the chip
     * (irr; after running expired timers) for the CPU, with copies of the
     * trigger-mode vectors (tmr) and, when they changed other than by
     * vid_give, of the in-service ones (isr); it returns what it filled
     * (enum vid_take). vid_give after an
     * exit: the vectors the CPU has not delivered come back (irr) and the
     * in-service ones replace the chip's (isr). vid_eoi: the CPU retired
     * vector (EOI-induced exit): a level-triggered one's source learns it.
     */
    int (*vid_take)(void *chip, struct vcpu *v, uint32_t irr[8], uint32_t isr[8], uint32_t tmr[8]);
    void (*vid_give)(void *chip, struct vcpu *v, const uint32_t irr[8], const uint32_t isr[8]);
    void (*vid_eoi)(void *chip, struct vcpu *v, uint8_t vector);
    /*
     * Optional: vid_take for the kick fast path (vmm/vmx/exit_fast.c),
     * which gives nothing back first: only while the in-service vectors
     * did not change other than by vid_give (VID_TAKE_NONE or
     * VID_TAKE_IRR) and, in xAPIC mode, the registers the virtual-APIC
     * page shows are those of generation gen (xapic_sync's); else -1 with
     * nothing taken. No timer update: the vCPU's preemption timer brings
     * its expiry.
     */
    int (*vid_add)(void *chip, struct vcpu *v, uint32_t gen, uint32_t irr[8], uint32_t tmr[8]);
    /*
     * Optional (local APICs): xAPIC register virtualization
     * (vmm/vmx/apic_access.c). xapic_page is the guest-physical address of
     * the xAPIC MMIO page (every vCPU's, never moved). xapic_sync is
     * vlapic_xapic_sync (vmm/dev/vlapic.h) for v, on v's own CPU before
     * each entry: whether v's APIC is in xAPIC mode, after its registers
     * went into page (the virtual-APIC page) when needed.
     */
    uint64_t xapic_page;
    bool (*xapic_sync)(void *chip, struct vcpu *v, uint32_t *page, uint32_t *gen, bool fill);
    /*
     * Optional (a chip without them has no NMI source). An NMI is latched
     * for the vCPU (an NMI IPI, an IOAPIC entry in NMI mode): nmi_pending
     * says so without consuming it, nmi_take consumes it (true if there was
     * one) once the backend injects it. NMIs that arrive while one is
     * latched merge with it (SDM 6.7.1: one NMI is held while another is
     * being handled). Called on the vCPU's own CPU before each entry: cheap.
     */
    bool (*nmi_pending)(void *chip, struct vcpu *v);
    bool (*nmi_take)(void *chip, struct vcpu *v);
    /*
     * Optional (x2APIC): the exit fast path's WRMSR of the x2APIC ICR
     * (vmm/vmx/exit_fast.c). A fixed IPI to one other vCPU
     * (vlapic_x2apic_icr_to_other) is sent as the full path's WRMSR would
     * send it: true. Anything else is left alone for the full path: false.
     */
    bool (*icr_to_other)(void *chip, struct vcpu *v, uint64_t icr);
};

/* Does nothing, delivers nothing: a VM's chip before its board attaches and after it left. */
extern const struct irqchip_ops irqchip_off;

static inline void vm_irqchip_install(struct vm *vm, const struct irqchip_ops *ops, void *chip)
{
    vm->irqchip_ctx = chip;
    vm->irqchip = ops;
}

static inline int vcpu_irq_pending(struct vcpu *v)
{
    return v->vm->irqchip->pending(v->vm->irqchip_ctx, v);
}

static inline void vcpu_irq_ack(struct vcpu *v, uint8_t vector)
{
    v->vm->irqchip->ack(v->vm->irqchip_ctx, v, vector);
}

static inline uint64_t vcpu_timer_deadline(struct vcpu *v)
{
    return v->vm->irqchip->deadline(v->vm->irqchip_ctx, v);
}

static inline int vcpu_irq_raise(struct vcpu *v, uint8_t vector)
{
    return v->vm->irqchip->raise(v->vm->irqchip_ctx, v, vector);
}

/*
 * self: the vCPU whose access moved the line, or NULL. A line it raises
 * may interrupt it: its next entry must look (no fast exits until then).
 */
static inline void vm_irq_line(struct vm *vm, unsigned line, bool level, struct vcpu *self)
{
    if (level && self)
        self->fast_exits = 0;
    vm->irqchip->set_line(vm->irqchip_ctx, line, level, self);
}

static inline bool vcpu_nmi_pending(struct vcpu *v)
{
    const struct irqchip_ops *c = v->vm->irqchip;

    return c->nmi_pending && c->nmi_pending(v->vm->irqchip_ctx, v);
}

static inline bool vcpu_nmi_take(struct vcpu *v)
{
    const struct irqchip_ops *c = v->vm->irqchip;

    return c->nmi_take && c->nmi_take(v->vm->irqchip_ctx, v);
}

/* True when HLT waits on the host (vcpu_halt_wait) for this VM's chip: it has non-interrupt wake-ups. */
static inline bool vcpu_halt_on_host(struct vcpu *v)
{
    return v->vm->irqchip->wake != NULL;
}

static inline bool vcpu_irq_wake(struct vcpu *v)
{
    const struct irqchip_ops *c = v->vm->irqchip;

    return c->wake && c->wake(v->vm->irqchip_ctx, v);
}

#endif
