/* SPDX-License-Identifier: MIT */
/*
 * Events into the guest at VM entry: an event whose delivery a VM exit
 * interrupted is delivered again first (SDM 28.2.4, else it would be lost),
 * then a latched NMI when the guest is not blocking NMIs (else an
 * NMI-window exit is requested), then the highest interrupt the VM's
 * irqchip (vmm/irqchip.h) has pending for the vCPU when the guest can take
 * it, else an interrupt-window exit is requested. The irqchip's next timer deadline is armed on the
 * VMX-preemption timer. A halted vCPU sleeps inside the guest in the HLT
 * activity state, so timers and kicks wake it, unless its irqchip has
 * wake-ups that are not interrupts (the bare board's): then it waits on the
 * host in vcpu_halt_wait.
 */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/vmx_event_rules.h"
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "vmm/cpuid.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/regs.h"

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
    /*
     * An NMI whose delivery the exit interrupted was not delivered: no
     * virtual-NMI blocking for it yet, which VM entry also demands for its
     * injection (SDM 27.3.1.5; KVM: __vmx_complete_interrupts).
     */
    if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI && (vv->pin_ctl & PIN_VIRTUAL_NMIS)) {
        uint64_t intr = vmread(VMCS_GUEST_INTERRUPTIBILITY);

        if (intr & INTERRUPTIBILITY_NMI)
            vmwrite(VMCS_GUEST_INTERRUPTIBILITY, intr & ~(uint64_t)INTERRUPTIBILITY_NMI);
    }
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

/*
 * NMI injection (VM-entry interruption type NMI, SDM 27.6.1). With
 * "virtual NMIs" the CPU keeps the guest's NMI blocking in the
 * interruptibility state: the injected NMI sets it and the guest's IRET
 * clears it (SDM 26.3, 27.6.1.2), so a second NMI waits for that IRET; the
 * NMI-window exit (SDM 26.7.6) says when. Without them (or without
 * NMI-window exiting) the NMI goes in at the first entry where the state
 * allows it, and a blocked one waits for the next exit (the interrupt
 * window when that is all that blocks it).
 */
static bool nmi_window_usable(const struct vmx_vcpu *vv)
{
    return (vv->pin_ctl & PIN_VIRTUAL_NMIS) && (vmx_caps.proc.may1 & PROC_NMI_WINDOW_EXITING);
}

enum nmi_wait { NMI_NONE, NMI_WAIT_INTR_WINDOW, NMI_WAIT_NMI_WINDOW };

/*
 * A latched NMI goes in now if it can; else which window to wait for. STI
 * blocking alone ends at the next instruction with IF = 1 (STI set it, and
 * VM entry refuses STI blocking with IF = 0, SDM 27.3.1.5): the interrupt
 * window. NMI or MOV SS blocking, or another event going in first: the
 * NMI window when there is one (it opens when neither blocks, SDM 26.7.6),
 * else the interrupt window or the next exit.
 */
static enum nmi_wait deliver_nmi(struct vmx_vcpu *vv)
{
    uint32_t intr;

    if (!vcpu_nmi_pending(vv->vcpu))
        return NMI_NONE;
    intr = (uint32_t)vmread(VMCS_GUEST_INTERRUPTIBILITY);
    if (!(vv->pin_ctl & PIN_VIRTUAL_NMIS))
        intr &= ~INTERRUPTIBILITY_NMI; /* not tracked for the guest: nothing of its own */
    if (!entry_event_queued() && vmx_nmi_injectable(intr)) {
        if (vcpu_nmi_take(vv->vcpu)) {
            vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | EXC_NMI);
            vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE); /* an NMI ends HLT (SDM 27.6.2) */
        }
        return NMI_NONE;
    }
    if (!entry_event_queued() && !(intr & (INTERRUPTIBILITY_NMI | INTERRUPTIBILITY_MOV_SS)))
        return NMI_WAIT_INTR_WINDOW;
    return nmi_window_usable(vv) ? NMI_WAIT_NMI_WINDOW : NMI_WAIT_INTR_WINDOW;
}

static void arm_timer(struct vmx_vcpu *vv)
{
    uint64_t deadline = vcpu_timer_deadline(vv->vcpu);

    vv->timer_deadline = deadline;
    if (deadline == UINT64_MAX) {
        set_pin(vv, PIN_PREEMPTION_TIMER, false);
        return;
    }
    vmx_preemption_timer_set(deadline);
    set_pin(vv, PIN_PREEMPTION_TIMER, true);
}

/* What the next exits may do without the full path (vmx_fast_exit). */
static enum vmx_fast fast_mode(struct vmx_vcpu *vv, int vec, enum nmi_wait nmi)
{
    struct vcpu *v = vv->vcpu;

    if (vec >= 0 || nmi != NMI_NONE || vcpu_nmi_pending(v) ||
        (vv->proc_ctl & (PROC_INTR_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING)))
        return VMX_FAST_NONE;
    vv->cpuid_final = vm_cpuid_final_mask(v);
    return (vv->pin_ctl & PIN_PREEMPTION_TIMER) || v->vm->exit_timing ? VMX_FAST_EXTRA
                                                                      : VMX_FAST_PLAIN;
}

/*
 * A stop (set, then fast_exits zeroed by its kick) racing with this store
 * must still win: store, full fence, load, as KVM orders vcpu->mode
 * against requests. Other kicks need no such care: their IPI makes the
 * guest exit.
 */
static void fast_exits_set(struct vcpu *v, enum vmx_fast mode)
{
    v->fast_exits = (uint8_t)mode;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (v->stop)
        v->fast_exits = VMX_FAST_NONE;
}

void vmx_prepare_entry(struct vmx_vcpu *vv)
{
    int vec;
    enum nmi_wait nmi;
    enum vmx_fast mode;
    bool vid = apic_access_entry(vv); /* virtual-interrupt delivery (vapic.c, apic_access.c) */

    if (vv->idt_info & INTR_INFO_VALID)
        reinject(vv);      /* then pending interrupts see a queued event and wait for a window */
    nmi = deliver_nmi(vv); /* NMIs before maskable interrupts (SDM 6.9) */
    if (nmi_window_usable(vv))
        set_proc(vv, PROC_NMI_WINDOW_EXITING, nmi == NMI_WAIT_NMI_WINDOW);
    if (vid) {
        /*
         * The CPU delivers them (vapic.c); one ends HLT as an injection
         * would. The chip is asked only then: the push empties its IRR.
         */
        if (vmread(VMCS_GUEST_ACTIVITY) == ACTIVITY_HLT && vcpu_irq_pending(vv->vcpu) >= 0 &&
            (vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF))
            vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
        vapic_vid_push(vv);
        vec = -1;
    } else if ((vec = vcpu_irq_pending(vv->vcpu)) >= 0 && can_take_interrupt()) {
        inject_extint((uint8_t)vec);
        vcpu_irq_ack(vv->vcpu, (uint8_t)vec);
        vec = vcpu_irq_pending(vv->vcpu); /* another one waits for the next window */
    }
    set_proc(vv, PROC_INTR_WINDOW_EXITING, vec >= 0 || nmi == NMI_WAIT_INTR_WINDOW);
    vapic_entry(vv, vec); /* VTPR and the TPR threshold */
    /* A preemption timer restarts from its VMCS value at each entry: armed at every one. */
    arm_timer(vv);
    mode = fast_mode(vv, vec, nmi);
    vv->kick_fast = mode != VMX_FAST_NONE && vid; /* kicks zero fast_exits, not this */
    fast_exits_set(vv->vcpu, mode);
}

bool vmx_halt(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    int vec = vcpu_irq_pending(v);
    bool intr_on = vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF;

    if ((vec >= 0 && intr_on) || vcpu_nmi_pending(v) || entry_event_queued())
        return true; /* injected at entry (an NMI regardless of IF, or a single-step #DB): HLT ends at once */
    if (vcpu_halt_on_host(v)) /* the bare board's test hook: a queued vector ends HLT, IF or not */
        return vec >= 0 || vcpu_halt_wait(v);
    /*
     * HLT with IF=0 on a board with NMIs: only an NMI ends it (SDM Vol. 2A
     * HLT; INIT is not modelled for running vCPUs), so the vCPU waits on its
     * CPU for one; a latched NMI kicks it. Not the HLT activity state:
     * Bochs 2.7 does not wake a guest halted with IF=0 for the host
     * interrupt that the kick is (docs/tdx.md).
     */
    if (!intr_on && v->vm->irqchip->nmi_pending)
        return vcpu_halt_until(v, vcpu_nmi_pending);
    if (vmx_caps.misc & VMX_MISC_ACTIVITY_HLT) {
        vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_HLT);
        return true;
    }
    /* No HLT activity state: wait here for a kick or the timer (spinning, sadly). */
    while (!v->stop && vcpu_irq_pending(v) < 0 && rdtsc() < vcpu_timer_deadline(v))
        cpu_relax();
    return !v->stop;
}
