/* SPDX-License-Identifier: MIT */
/*
 * Events into the guest at VM entry: an event whose delivery a VM exit
 * interrupted is delivered again first (SDM 28.2.4, else it would be lost),
 * then the highest interrupt the VM's irqchip (vmm/irqchip.h) has pending
 * for the vCPU when the guest can take it, else an interrupt-window exit is
 * requested. The irqchip's next timer deadline is armed on the
 * VMX-preemption timer. A halted vCPU sleeps inside the guest in the HLT
 * activity state, so timers and kicks wake it, unless its irqchip has
 * wake-ups that are not interrupts (the bare board's): then it waits on the
 * host in vcpu_halt_wait.
 */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "kernel/x86/cpu.h"

#define RFLAGS_IF (1UL << 9)

void vmx_save_idt_vectoring(struct vmx_vcpu *vv)
{
    uint32_t info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);

    vv->idt_info = info;
    if (!(info & INTR_INFO_VALID))
        return;
    if (info & INTR_INFO_ERROR_CODE)
        vv->idt_error = (uint32_t)vmread(VMCS_IDT_VECTORING_ERROR);
    vv->idt_instr_len = (uint32_t)vmread(VMCS_EXIT_INSTR_LEN);
}

/* True when the exit's handler already queued an event (an exception) for this entry. */
static bool entry_event_queued(void)
{
    return vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID;
}

static void reinject(struct vmx_vcpu *vv)
{
    uint32_t info = vv->idt_info & ~IDT_INFO_NMI_UNBLOCK;

    vv->idt_info = 0;
    if (entry_event_queued())
        return; /* the handler raised a fault of its own: that one wins */
    if (info & INTR_INFO_ERROR_CODE)
        vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, vv->idt_error);
    vmwrite(VMCS_ENTRY_INSTR_LEN, vv->idt_instr_len);
    vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

static bool can_take_interrupt(void)
{
    return (vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
           !(vmread(VMCS_GUEST_INTERRUPTIBILITY) &
             (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) &&
           !entry_event_queued();
}

static void set_proc(struct vmx_vcpu *vv, uint32_t bit, bool on)
{
    uint32_t want = on ? vv->proc_ctl | bit : vv->proc_ctl & ~bit;

    if (want != vv->proc_ctl) {
        vv->proc_ctl = want;
        vmwrite(VMCS_PROC_CONTROLS, want);
    }
}

static void set_pin(struct vmx_vcpu *vv, uint32_t bit, bool on)
{
    uint32_t want = on ? vv->pin_ctl | bit : vv->pin_ctl & ~bit;

    if (want != vv->pin_ctl) {
        vv->pin_ctl = want;
        vmwrite(VMCS_PIN_CONTROLS, want);
    }
}

static void inject_extint(uint8_t vector)
{
    vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT_INT | vector);
    /* An interrupt ends HLT (SDM 27.6.2 does this too; say it for clarity). */
    vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
}

static void arm_timer(struct vmx_vcpu *vv)
{
    uint64_t deadline = vcpu_timer_deadline(vv->vcpu), now, ticks;

    if (deadline == UINT64_MAX) {
        set_pin(vv, PIN_PREEMPTION_TIMER, false);
        return;
    }
    now = rdtsc();
    ticks = deadline > now ? (deadline - now) >> VMX_MISC_PREEMPT_RATE(vmx_caps.misc) : 0;
    vmwrite(VMCS_PREEMPTION_TIMER, ticks > 0xffffffffULL ? 0xffffffffULL : ticks);
    set_pin(vv, PIN_PREEMPTION_TIMER, true);
}

void vmx_prepare_entry(struct vmx_vcpu *vv)
{
    int vec;

    if (vv->idt_info & INTR_INFO_VALID)
        reinject(vv); /* then pending interrupts see a queued event and wait for a window */
    vec = vcpu_irq_pending(vv->vcpu);
    if (vec >= 0 && can_take_interrupt()) {
        inject_extint((uint8_t)vec);
        vcpu_irq_ack(vv->vcpu, (uint8_t)vec);
        vec = vcpu_irq_pending(vv->vcpu); /* another one waits for the next window */
    }
    set_proc(vv, PROC_INTR_WINDOW_EXITING, vec >= 0);
    arm_timer(vv);
}

bool vmx_halt(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    int vec = vcpu_irq_pending(v);

    if (vec >= 0 && (vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF))
        return true;          /* injected at entry: HLT ends at once */
    if (vcpu_halt_on_host(v)) /* the bare board's test hook: a queued vector ends HLT, IF or not */
        return vec >= 0 || vcpu_halt_wait(v);
    if (vmx_caps.misc & VMX_MISC_ACTIVITY_HLT) {
        vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_HLT);
        return true;
    }
    /* No HLT activity state: wait here for a kick or the timer (spinning, sadly). */
    while (!v->stop && vcpu_irq_pending(v) < 0 && rdtsc() < vcpu_timer_deadline(v))
        cpu_relax();
    return !v->stop;
}
