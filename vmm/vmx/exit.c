/* SPDX-License-Identifier: MIT */
/*
 * VM-exit dispatch: a static table indexed by basic exit reason (as ACRN's
 * vmexit.c), each entry a small handler returning false when the vCPU must
 * stop. Hot path: no allocation, no global locks.
 */
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/exit_msr.h"
#include "vmm/irqchip.h"
#include "vmm/vmx/vmx_event_rules.h"
#include "vmm/vm.h"
#include "vmm/cpuid.h"
#include "vmm/io.h"
#include "lib/errno.h"
#include "kernel/panic.h"
#include "kernel/smp.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"
#include "kernel/x86/regs.h"

typedef bool (*exit_handler_t)(struct vmx_vcpu *vv);

struct exit_entry {
    exit_handler_t fn;
    uint8_t cls; /* enum vm_exit_class, for statistics */
};

/*
 * Trap-class #DB after an instruction hv completed for the guest (the CPU
 * never ran it, so it raised none): DR6 gets the condition bits, the
 * pending debug exceptions are consumed (else VM entry would deliver them
 * a second time, SDM 27.7.3), and #DB is injected as the CPU delivers a
 * trap, RIP at the next instruction and no RF (SDM 17.3.1.1).
 */
static void inject_db_trap(uint64_t bits, uint64_t pending)
{
    if (pending)
        vmwrite(VMCS_GUEST_PENDING_DBG, 0);
    write_dr6(vmx_dr6_for_db(read_dr6(), bits));
    vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | EXC_DB);
}

void vmx_instruction_done(uint64_t rflags)
{
    uint64_t intr = vmread(VMCS_GUEST_INTERRUPTIBILITY), pending, bits;

    /*
     * The instruction in the STI / MOV SS shadow completed: the blocking
     * ends (SDM 25.4.2 table 25-3, 6.8.3), and debug exceptions the MOV SS
     * held (the pending debug exceptions, SDM 25.4.2 table 25-4) are due
     * now, after it.
     */
    if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
                intr & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
    else if (!(rflags & RFLAGS_TF))
        return; /* the common case: no shadow, no single step */
    pending = vmread(VMCS_GUEST_PENDING_DBG);
    bits = vmx_db_after_insn(pending, rflags, rflags & RFLAGS_TF ? vmread(VMCS_GUEST_DEBUGCTL) : 0);
    if (bits)
        inject_db_trap(bits, pending);
}

void vmx_skip_instruction(void)
{
    vmwrite(VMCS_GUEST_RIP, vmread(VMCS_GUEST_RIP) + vmread(VMCS_EXIT_INSTR_LEN));
    vmx_instruction_done(vmread(VMCS_GUEST_RFLAGS));
}

/*
 * A fault injected by hv pushes RFLAGS with RF = 1, as the CPU's own
 * delivery of a fault does (vmx_exc_is_fault, SDM 17.3.1.1); the
 * instruction is not completed, so STI / MOV SS blocking stays as it is.
 */
void vmx_inject_exception(uint8_t vector, bool has_error, uint32_t error)
{
    uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;

    if (has_error) {
        info |= INTR_INFO_ERROR_CODE;
        vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, error);
    }
    if (vmx_exc_is_fault(vector))
        vmwrite(VMCS_GUEST_RFLAGS, vmread(VMCS_GUEST_RFLAGS) | RFLAGS_RF);
    vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

static bool stop_vm(struct vmx_vcpu *vv, const char *what)
{
    vm_stop(vv->vcpu->vm, "%s at rip %#lx", what, vmread(VMCS_GUEST_RIP));
    return false;
}

static bool h_unhandled(struct vmx_vcpu *vv)
{
    vm_stop(vv->vcpu->vm, "unhandled VM exit %u (%s) at rip %#lx", vv->exit_reason & 0xffff,
            vmx_exit_reason_name(vv->exit_reason), vmread(VMCS_GUEST_RIP));
    return false;
}

static bool h_exception_nmi(struct vmx_vcpu *vv)
{
    uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);

    if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI) {
        vcpu_host_nmi();
        return true;
    }
    if ((info & 0xff) == EXC_MC)
        return stop_vm(vv, "machine check");
    return h_unhandled(vv);
}

/*
 * The VMCS acknowledges interrupts on exit where the CPU can (SDM 25.7.1:
 * the vector is in the exit's interruption information, the interrupt in
 * service); otherwise the information is invalid and the host takes the
 * interrupt itself (irq_take_exit_interrupt).
 */
static bool h_extint(struct vmx_vcpu *vv)
{
    return vcpu_host_interrupt(vv->vcpu, (uint32_t)vmread(VMCS_EXIT_INTR_INFO));
}

static bool h_triple_fault(struct vmx_vcpu *vv)
{
    return stop_vm(vv, "triple fault");
}

static bool h_init(struct vmx_vcpu *vv)
{
    return stop_vm(vv, "INIT signal (guest reset)");
}

/* The entry path decides again whether it still needs the window, and arms the timer. */
static bool h_reenter(struct vmx_vcpu *vv)
{
    return !vv->vcpu->stop;
}

void vmx_cpuid_to_regs(struct vmx_vcpu *vv)
{
    uint32_t leaf = (uint32_t)vv->regs.rax;
    struct cpuid_regs r;

    /* Only leaves 1 and 7 mirror CR4 bits: spare the hot path a VMREAD otherwise. */
    vm_cpuid(vv->vcpu, leaf, (uint32_t)vv->regs.rcx,
             leaf == 1 || leaf == 7 ? vmread(VMCS_GUEST_CR4) : 0, &r);
    vmx_set_cpuid_regs(vv, &r);
}

static bool h_cpuid(struct vmx_vcpu *vv)
{
    vmx_cpuid_to_regs(vv);
    vmx_skip_instruction();
    return true;
}

static bool h_hlt(struct vmx_vcpu *vv)
{
    vmx_skip_instruction();
    return vmx_halt(vv);
}

static bool h_skip(struct vmx_vcpu *vv)
{
    vmx_skip_instruction();
    return true;
}

static bool h_vmcall(struct vmx_vcpu *vv)
{
    vv->regs.rax = vm_hypercall(vv->vcpu, vv->regs.rax, vv->regs.rbx, vv->regs.rcx);
    vmx_skip_instruction();
    return !vv->vcpu->stop;
}

/* VMX instructions in a guest: no nested VMX, so #UD as on a CPU without VMX. */
static bool h_ud(struct vmx_vcpu *vv)
{
    vmx_inject_exception(EXC_UD, false, 0);
    return true;
}

static uint64_t *gpr(struct vmx_vcpu *vv, unsigned n)
{
    return &((uint64_t *)&vv->regs)[n];
}

static uint64_t gpr_read(struct vmx_vcpu *vv, unsigned n)
{
    return n == 4 ? vmread(VMCS_GUEST_RSP) : *gpr(vv, n);
}

static void gpr_write(struct vmx_vcpu *vv, unsigned n, uint64_t v)
{
    if (n == 4)
        vmwrite(VMCS_GUEST_RSP, v);
    else
        *gpr(vv, n) = v;
}

/*
 * CR8 is the task priority. It exits, so a guest never writes the real local
 * APIC's TPR: a guest TPR of 15 would mask the IPIs that stop its vCPU. With
 * a local APIC model CR8 is its TPR[7:4] (SDM 10.8.6.1: a write clears
 * TPR[3:0]); without one it is a register of its own.
 */
static bool h_cr8(struct vmx_vcpu *vv, uint64_t q)
{
    if (CR_QUAL_TYPE(q) == CR_TYPE_MOV_FROM) {
        gpr_write(vv, CR_QUAL_GPR(q), vmx_tpr_get(vv) >> 4);
    } else {
        uint64_t val = gpr_read(vv, CR_QUAL_GPR(q));
        if (val > 15) {
            vmx_inject_exception(EXC_GP, true, 0);
            return true;
        }
        vmx_tpr_set(vv, (uint8_t)(val << 4));
    }
    vmx_skip_instruction();
    return true;
}

static bool h_cr(struct vmx_vcpu *vv)
{
    uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
    uint64_t val = gpr_read(vv, CR_QUAL_GPR(q));
    int err;

    if (CR_QUAL_NUM(q) == 8)
        return h_cr8(vv, q);
    if (CR_QUAL_TYPE(q) != CR_TYPE_MOV_TO)
        return h_unhandled(vv);
    if (CR_QUAL_NUM(q) == 0)
        err = vmx_write_cr0(vv, val);
    else if (CR_QUAL_NUM(q) == 4)
        err = vmx_write_cr4(vv, val);
    else
        return h_unhandled(vv);
    if (err)
        vmx_inject_exception(EXC_GP, true, 0);
    else
        vmx_skip_instruction();
    return true;
}

static bool h_io(struct vmx_vcpu *vv)
{
    uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
    unsigned size = (q & IO_QUAL_SIZE_MASK) + 1;
    bool in = q & IO_QUAL_IN;
    uint32_t val = (uint32_t)(vv->regs.rax & vmx_io_mask(size));

    if (q & IO_QUAL_STRING)
        return vmx_string_io(vv, q);
    vm_pio(vv->vcpu, (uint16_t)(q >> IO_QUAL_PORT_SHIFT), size, in, &val);
    if (in)
        vmx_io_in_set(vv, size, val);
    vmx_skip_instruction();
    return !vv->vcpu->stop;
}

static bool h_rdmsr(struct vmx_vcpu *vv)
{
    uint32_t msr = (uint32_t)vv->regs.rcx;
    uint64_t v;
    /* The CPU model first (a hidden feature's MSR #GPs), then a device's, then the backend's. */
    int err = vmx_msr_gate(vv, msr) ?: vm_msr(vv->vcpu, msr, false, &v);

    if (err == -ENOENT)
        err = vmx_msr_read(vv, msr, &v);
    if (err) {
        vmx_inject_exception(EXC_GP, true, 0);
        return true;
    }
    vv->regs.rax = (uint32_t)v;
    vv->regs.rdx = v >> 32;
    vmx_skip_instruction();
    return true;
}

static bool h_wrmsr(struct vmx_vcpu *vv)
{
    uint32_t msr = (uint32_t)vv->regs.rcx;
    uint64_t v = (vv->regs.rdx << 32) | (uint32_t)vv->regs.rax;
    int err = vmx_msr_gate(vv, msr) ?: vm_msr(vv->vcpu, msr, true, &v);

    if (err == -ENOENT)
        err = vmx_msr_write(vv, msr, v);
    if (err) {
        vmx_inject_exception(EXC_GP, true, 0);
        return true;
    }
    vmx_skip_instruction();
    return true;
}

static bool h_entry_fail(struct vmx_vcpu *vv)
{
    vmcs_dump_entry_failure(vv, false);
    return stop_vm(vv, "VM entry failed (invalid guest state)");
}

static bool h_ept_violation(struct vmx_vcpu *vv)
{
    /*
     * An IRET that faulted on EPT had already ended virtual-NMI blocking;
     * it runs again, so the blocking comes back (SDM 28.2.3, 29.2).
     */
    if ((vv->pin_ctl & PIN_VIRTUAL_NMIS) &&
        (vmread(VMCS_EXIT_QUALIFICATION) & EXIT_NMI_UNBLOCK_IRET) &&
        !(vv->idt_info & INTR_INFO_VALID))
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
                vmread(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
    return vmx_ept_violation(vv);
}

static bool h_ept_misconfig(struct vmx_vcpu *vv)
{
    return stop_vm(vv, "EPT misconfiguration (hypervisor bug)");
}

static bool h_xsetbv(struct vmx_vcpu *vv)
{
    if (vmx_xsetbv(vv, (uint32_t)vv->regs.rcx, (vv->regs.rdx << 32) | (uint32_t)vv->regs.rax))
        vmx_inject_exception(EXC_GP, true, 0);
    else
        vmx_skip_instruction();
    return true;
}

static const struct exit_entry exit_table[EXIT_REASON_MAX] = {
    [EXIT_EXCEPTION_NMI] = {h_exception_nmi, VMEXIT_OTHER},
    [EXIT_EXTERNAL_INTERRUPT] = {h_extint, VMEXIT_EXTINT},
    [EXIT_TRIPLE_FAULT] = {h_triple_fault, VMEXIT_OTHER},
    [EXIT_INIT] = {h_init, VMEXIT_OTHER},
    [EXIT_INTERRUPT_WINDOW] = {h_reenter, VMEXIT_WINDOW},
    [EXIT_NMI_WINDOW] = {h_reenter, VMEXIT_WINDOW}, /* the guest's IRET ended NMI blocking */
    [EXIT_PREEMPTION_TIMER] = {h_reenter, VMEXIT_TIMER},
    [EXIT_TPR_BELOW] = {h_reenter, VMEXIT_WINDOW}, /* CR8 released a held vector (vapic.c) */
    [EXIT_EOI_INDUCED] = {vapic_eoi_exit, VMEXIT_MSR},
    [EXIT_APIC_ACCESS] = {apic_access_exit, VMEXIT_APIC_ACCESS}, /* apic_access.c */
    [EXIT_APIC_WRITE] = {apic_write_exit, VMEXIT_APIC_WRITE},
    [EXIT_CPUID] = {h_cpuid, VMEXIT_CPUID},
    [EXIT_GETSEC] = {h_ud, VMEXIT_OTHER},
    [EXIT_HLT] = {h_hlt, VMEXIT_HLT},
    [EXIT_INVD] = {h_skip, VMEXIT_OTHER},
    [EXIT_VMCALL] = {h_vmcall, VMEXIT_HYPERCALL},
    [EXIT_VMCLEAR] = {h_ud, VMEXIT_OTHER},
    [EXIT_VMLAUNCH] = {h_ud, VMEXIT_OTHER},
    [EXIT_VMPTRLD] = {h_ud, VMEXIT_OTHER},
    [EXIT_VMPTRST] = {h_ud, VMEXIT_OTHER},
    [EXIT_VMREAD] = {h_ud, VMEXIT_OTHER},
    [EXIT_VMRESUME] = {h_ud, VMEXIT_OTHER},
    [EXIT_VMWRITE] = {h_ud, VMEXIT_OTHER},
    [EXIT_VMXOFF] = {h_ud, VMEXIT_OTHER},
    [EXIT_VMXON] = {h_ud, VMEXIT_OTHER},
    [EXIT_CR_ACCESS] = {h_cr, VMEXIT_CR},
    [EXIT_IO] = {h_io, VMEXIT_IO},
    [EXIT_RDMSR] = {h_rdmsr, VMEXIT_MSR},
    [EXIT_WRMSR] = {h_wrmsr, VMEXIT_MSR},
    [EXIT_ENTRY_FAIL_GUEST] = {h_entry_fail, VMEXIT_OTHER},
    [EXIT_ENTRY_FAIL_MSR] = {h_entry_fail, VMEXIT_OTHER},
    [EXIT_MWAIT] = {h_ud, VMEXIT_OTHER},
    [EXIT_MONITOR] = {h_ud, VMEXIT_OTHER},
    [EXIT_PAUSE] = {h_skip, VMEXIT_OTHER},
    [EXIT_ENTRY_FAIL_MC] = {h_entry_fail, VMEXIT_OTHER},
    [EXIT_EPT_VIOLATION] = {h_ept_violation, VMEXIT_MMIO},
    [EXIT_EPT_MISCONFIG] = {h_ept_misconfig, VMEXIT_OTHER},
    [EXIT_INVEPT] = {h_ud, VMEXIT_OTHER},
    [EXIT_INVVPID] = {h_ud, VMEXIT_OTHER},
    [EXIT_WBINVD] = {h_skip, VMEXIT_OTHER},
    [EXIT_XSETBV] = {h_xsetbv, VMEXIT_OTHER},
    [EXIT_VMFUNC] = {h_ud, VMEXIT_OTHER},
};

/*
 * The fast path carried out the instruction (a device's port) but what it
 * did may have queued an event for this vCPU: only the entry path is left.
 */
static bool exit_done(struct vmx_vcpu *vv)
{
    vv->exit_done = false;
    return !vv->vcpu->stop;
}

bool vmx_handle_exit(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    bool timed = v->vm->exit_timing; /* the RDTSC pair only when `stats <vm> on` asked for it */
    uint64_t t0 = timed ? rdtsc() : 0;
    uint32_t basic;
    const struct exit_entry *e;
    bool go;

    vv->exit_reason = (uint32_t)vmread(VMCS_EXIT_REASON);
    vapic_exit(vv); /* CR8 writes made through the TPR shadow */
    vmx_save_idt_vectoring(vv);
    basic = vv->exit_reason & 0xffff;
    e = basic < EXIT_REASON_MAX && exit_table[basic].fn ? &exit_table[basic] : NULL;
    go = vv->exit_done ? exit_done(vv) : e ? e->fn(vv) : h_unhandled(vv);
    vcpu_account_exit(v, e ? e->cls : VMEXIT_OTHER, t0, timed ? rdtsc() : 0);
    return go;
}
