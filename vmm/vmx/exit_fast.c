/* SPDX-License-Identifier: MIT */
/*
 * The exit fast path (docs/performance.md). Exits that cannot queue an
 * event for their own vCPU (CPUID, hypercalls that queue none, port I/O no
 * device claims), taken while the last full entry left nothing pending
 * (vcpu->fast_exits): the entry path would find nothing to do, so the exit
 * stub (entry.S) resumes the guest at once. Everything else takes the full
 * path:
 * - these are instruction exits, never taken while an event is delivered,
 *   so no IDT-vectoring information needs saving (SDM Vol. 3C,
 *   "Information for VM Exits During Event Delivery");
 * - a stop request, like every kick, zeroes fast_exits, and the kick's host
 *   interrupt makes the guest exit;
 * - port I/O a device claims, and the hypercalls that queue an interrupt or
 *   end the VM, go the full way, as do the ICR writes that could reach
 *   this vCPU (self, broadcast, shorthands, logical, other delivery modes,
 *   illegal vectors: those set its ESR).
 *
 * Every cycle here counts, and Bochs counts instructions: the common case
 * is a leaf path with no call, so GCC saves no register for it; rare cases
 * are tail calls. Completing the instruction still ends an STI / MOV SS
 * shadow and injects the single-step #DB (vmx_instruction_done): the
 * injected #DB needs no entry path, nothing else being pending.
 */
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/cpuid.h"
#include "vmm/io.h"
#include "vmm/vm.h"
#include "vmm/irqchip.h"
#include "vmm/dev/apic_regs.h"
#include "vmm/vmx/exit_msr.h"
#include "kernel/x86/regs.h"
#include "kernel/idt.h"

_Static_assert(__builtin_offsetof(struct vmx_vcpu, regs) == 0, "entry.S passes regs as the vcpu");

static __attribute__((noinline)) struct guest_regs *resume_after_shadow(struct vmx_vcpu *vv)
{
    vmx_instruction_done(vmread(VMCS_GUEST_RFLAGS));
    return &vv->regs;
}

/* The instruction is done: RIP past it, then the guest resumes (entry.S). */
static inline __attribute__((always_inline)) struct guest_regs *resume(struct vmx_vcpu *vv)
{
    vmwrite(VMCS_GUEST_RIP, vmread(VMCS_GUEST_RIP) + vmread(VMCS_EXIT_INSTR_LEN));
    if (unlikely(vmread(VMCS_GUEST_INTERRUPTIBILITY) &
                 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) ||
        unlikely(vmread(VMCS_GUEST_RFLAGS) & RFLAGS_TF))
        return resume_after_shadow(vv);
    return &vv->regs;
}

static inline __attribute__((always_inline)) void count(struct vcpu *v, int cls)
{
    v->exits++;
    v->exit_count[cls]++;
}

/* The leaves vm_cpuid computes something for. */
static __attribute__((noinline)) struct guest_regs *cpuid_computed(struct vmx_vcpu *vv)
{
    vmx_cpuid_to_regs(vv);
    count(vv->vcpu, VMEXIT_CPUID);
    return resume(vv);
}

static inline __attribute__((always_inline)) struct guest_regs *fast_cpuid(struct vmx_vcpu *vv)
{
    const struct cpuid_regs *r =
        vm_cpuid_final(&vv->vcpu->vm->cpuid_cache, vv->cpuid_final, (uint32_t)vv->regs.rax);

    if (!r)
        return cpuid_computed(vv);
    vmx_set_cpuid_regs(vv, r);
    count(vv->vcpu, VMEXIT_CPUID);
    return resume(vv);
}

static __attribute__((noinline)) struct guest_regs *fast_vmcall(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;

    if (vm_hypercall_has_events(vv->regs.rax))
        return NULL;
    vv->regs.rax = vm_hypercall(v, vv->regs.rax, vv->regs.rbx, vv->regs.rcx);
    count(v, VMEXIT_HYPERCALL);
    return resume(vv);
}

/*
 * A port of a device that lets the fast path call it (io_range.fast), as
 * h_io would. When the access raised a line or brought a kick (both end
 * fast_exits), the instruction is done but the entry path must run: the
 * full path then only finishes the exit (exit_done).
 */
static __attribute__((noinline)) struct guest_regs *fast_device_io(struct vmx_vcpu *vv, uint64_t q)
{
    struct vcpu *v = vv->vcpu;
    uint16_t port = (uint16_t)(q >> IO_QUAL_PORT_SHIFT);
    const struct io_range *r = vm_io_find(&v->vm->io.pio, port);
    unsigned size = (q & IO_QUAL_SIZE_MASK) + 1;
    uint32_t val = (uint32_t)(vv->regs.rax & vmx_io_mask(size));
    struct guest_regs *regs;

    if (!r || !r->fast)
        return NULL;
    r->fn.pio(v, r->ctx, port, size, !(q & IO_QUAL_IN), &val);
    if (q & IO_QUAL_IN)
        vmx_io_in_set(vv, size, val);
    regs = resume(vv);
    if (likely(v->fast_exits)) {
        count(v, VMEXIT_IO);
        return regs;
    }
    vv->exit_done = true;
    return NULL;
}

/* Port I/O no device claims: reads float high, writes vanish (vm_pio_unclaimed). */
static __attribute__((noinline)) struct guest_regs *fast_io(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
    unsigned size = (q & IO_QUAL_SIZE_MASK) + 1;
    uint32_t val;

    if (q & IO_QUAL_STRING)
        return NULL;
    if (vm_io_pio_claimed(&v->vm->io, (uint16_t)(q >> IO_QUAL_PORT_SHIFT)))
        return fast_device_io(vv, q);
    vm_pio_unclaimed(v, size, q & IO_QUAL_IN, &val);
    /* vmx_io_in_set with val all ones: an OR, 6 ticks less on this hot path */
    if (q & IO_QUAL_IN)
        vv->regs.rax = size == 4 ? val : vv->regs.rax | val;
    count(v, VMEXIT_IO);
    return resume(vv);
}

/* Shorthands, logical destinations and other delivery modes: a cheap first filter. */
#define ICR_NOT_TO_ONE (APIC_ICR_DM_MASK | APIC_ICR_LOGICAL | APIC_ICR_SH_MASK)

/*
 * WRMSR of the x2APIC ICR (dispatch checked RCX) with a fixed IPI to another
 * vCPU: the target is kicked as by the full path, nothing is queued here
 * (irqchip icr_to_other). The MSR gate first, as h_wrmsr: a CPU model
 * without x2APIC gets its #GP.
 */

static __attribute__((noinline)) struct guest_regs *fast_wrmsr(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    const struct irqchip_ops *chip = v->vm->irqchip;
    uint64_t icr = (vv->regs.rdx << 32) | (uint32_t)vv->regs.rax;

    if ((icr & ICR_NOT_TO_ONE) || !chip->icr_to_other || vmx_msr_gate(vv, X2APIC_ICR_MSR) ||
        !chip->icr_to_other(v->vm->irqchip_ctx, v, icr))
        return NULL;
    count(v, VMEXIT_MSR);
    return resume(vv);
}

static inline __attribute__((always_inline)) struct guest_regs *dispatch(struct vmx_vcpu *vv,
                                                                         uint32_t reason)
{
    if (reason == EXIT_CPUID)
        return fast_cpuid(vv);
    if (reason == EXIT_VMCALL)
        return fast_vmcall(vv);
    if (reason == EXIT_IO)
        return fast_io(vv);
    if (reason == EXIT_WRMSR && (uint32_t)vv->regs.rcx == X2APIC_ICR_MSR)
        return fast_wrmsr(vv); /* other MSRs: no call on their full path */
    return NULL;
}

static int exit_class(uint32_t reason)
{
    return reason == EXIT_CPUID    ? VMEXIT_CPUID
           : reason == EXIT_VMCALL ? VMEXIT_HYPERCALL
           : reason == EXIT_WRMSR  ? VMEXIT_MSR
                                   : VMEXIT_IO;
}

/* An armed preemption timer restarts from its field at the resume: set it to the time left. */
static void keep_timer(struct vmx_vcpu *vv)
{
    if (vv->timer_deadline != UINT64_MAX)
        vmx_preemption_timer_set(vv->timer_deadline);
}

/* The same with a preemption timer to re-arm (it restarts at each entry) or the exit timed. */
static __attribute__((noinline)) struct guest_regs *fast_exit_extra(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    uint32_t reason = (uint32_t)vmread(VMCS_EXIT_REASON); /* full: an entry failure has bit 31 */
    bool timed = v->vm->exit_timing;
    uint64_t t0 = timed ? rdtsc() : 0;
    struct guest_regs *regs = dispatch(vv, reason);

    if (!regs)
        return NULL;
    keep_timer(vv);
    if (timed)
        vcpu_account_time(v, exit_class(reason), rdtsc() - t0);
    return regs;
}

/*
 * The external interrupt of a kick (fast_exits zeroed) after a full entry
 * that left nothing pending, with virtual-interrupt delivery on: when the
 * kick brought only newly requested vectors, they join VIRR
 * (vapic_vid_add) and the CPU delivers them after the resume. The host
 * takes its interrupt first (acknowledged on exit, a kick needs only its
 * EOI), so a stop or an NMI it brought is seen. An
 * event the exit interrupted, HLT (the full path ends it), a stop, an NMI
 * or a changed ISR go the full way; its h_extint finds no interrupt left.
 */
static __attribute__((noinline)) struct guest_regs *fast_kick(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    bool timed = v->vm->exit_timing;
    uint64_t t0 = timed ? rdtsc() : 0;

    if ((vmread(VMCS_IDT_VECTORING_INFO) & INTR_INFO_VALID) ||
        vmread(VMCS_GUEST_ACTIVITY) != ACTIVITY_ACTIVE)
        return NULL;
    irq_take_exit_interrupt((uint32_t)vmread(VMCS_EXIT_INTR_INFO));
    if (v->stop || vcpu_nmi_pending(v) || !vapic_vid_add(vv))
        return NULL;
    keep_timer(vv);
    count(v, VMEXIT_EXTINT);
    if (timed)
        vcpu_account_time(v, VMEXIT_EXTINT, rdtsc() - t0);
    return &vv->regs;
}

struct guest_regs *vmx_fast_exit(struct vmx_vcpu *vv)
{
    uint8_t mode = vv->vcpu->fast_exits;

    if (likely(mode == VMX_FAST_PLAIN))
        return dispatch(vv, (uint32_t)vmread(VMCS_EXIT_REASON));
    if (mode == VMX_FAST_EXTRA)
        return fast_exit_extra(vv);
    return vv->kick_fast && (uint32_t)vmread(VMCS_EXIT_REASON) == EXIT_EXTERNAL_INTERRUPT
               ? fast_kick(vv)
               : NULL;
}
