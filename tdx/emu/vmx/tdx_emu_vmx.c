/* SPDX-License-Identifier: MIT */
/*
 * tdx=emulate: the module's TDH.VP.ENTER on VMX. A TD vCPU runs in VMX
 * non-root operation with its own VMCS (a TDCX page), on the TD's S-EPT as
 * its EPT (private memory only), from the state TDH.VP.INIT defines
 * (tdx-host-abi.md 5.11: 32-bit protected mode, paging off, RIP
 * 0xFFFFFFF0, EFER.LME set). TDCALL raises #UD on a CPU without TDX, so #UD
 * is intercepted and decoded (tdx_emu_exit.c). As the module does, the
 * TD's native MSRs are switched, and the VMM gets them scrubbed after a TD
 * exit (module load_vmm_state_before_td_exit).
 */
#include "tdx/emu/vmx/tdx_emu_vmx.h"
#include "vmm/loader/image.h"
#include "vmm/vm_ops.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/percpu.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"

#define TD_RESET_RIP 0xFFFFFFF0ULL
#define TD_RESET_CR0 (CR0_PE | CR0_NE | CR0_ET)
#define TD_RESET_EFER (EFER_SCE | EFER_LME | EFER_NXE)
#define TD_CR0_OWNED (CR0_NE | CR0_CD | CR0_NW) /* writes changing these exit: #GP */
#define SFMASK_AFTER_EXIT 0x20200               /* module: IF and AC cleared on SYSCALL */
#define INVEPT_SINGLE 1

_Static_assert(sizeof(struct tdxemu_gprs) == sizeof(struct guest_regs), "same GPR layout");
_Static_assert(sizeof(struct tdxemu_vmx) <= PAGE_SIZE, "platform state fits its TDCX page");

static const uint32_t native_msrs[TDXEMU_NATIVE_MSRS] = {
    MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_FMASK, MSR_TSC_AUX,
};

struct tdxemu_vmx *tdxemu_vmx_state(const struct tdxemu_vcpu *vc)
{
    return tdxemu_va(vc->pages[TDXEMU_TDCX_STATE]);
}

/* The reset state on top of vmcs_setup's 32-bit protected mode. */
static void reset_state(struct tdxemu_vmx *st, const struct tdxemu_vcpu *vc)
{
    struct cpuid_regs r;

    vmwrite(VMCS_EXCEPTION_BITMAP, vmread(VMCS_EXCEPTION_BITMAP) | 1U << EXC_UD);
    /* As the module's TD VMCS: the VMM gets the interrupt's vector in R9, already taken. */
    if (vmx_caps.exit.may1 & EXIT_ACK_INTR)
        vmwrite(VMCS_EXIT_CONTROLS, vmread(VMCS_EXIT_CONTROLS) | EXIT_ACK_INTR);
    vmwrite(VMCS_GUEST_CR0, TD_RESET_CR0 | (vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG)));
    vmwrite(VMCS_CR0_MASK, TD_CR0_OWNED);
    vmwrite(VMCS_CR0_SHADOW, TD_RESET_CR0);
    vmwrite(VMCS_GUEST_CR4, CR4_MCE | vmx_caps.cr4_fixed0);
    vmwrite(VMCS_CR4_SHADOW, CR4_MCE);
    vmwrite(VMCS_GUEST_EFER, TD_RESET_EFER);
    vmwrite(VMCS_GUEST_RSP, 0);
    cpuid(1, 0, &r);
    vc->gprs->rdx = r.eax; /* RDX = CPUID(1).EAX, as after RESET */
    st->tpr = 0;
}

static int first_entry_setup(struct tdxemu_vmx *st, const struct tdxemu_vcpu *vc)
{
    const struct vcpu_start start = {.mode = START_PROT32, .rip = TD_RESET_RIP};

    st->vmcs = vc->pages[TDXEMU_TDCX_VMCS];
    st->msr_bitmap = vc->pages[TDXEMU_TDCX_MSR_BITMAP];
    vmx_msr_bitmap_init(tdxemu_va(st->msr_bitmap));
    *(uint32_t *)tdxemu_va(st->vmcs) = vmx_caps.revision;
    /* No VPID: every entry and exit flushes this TD's linear mappings. */
    if (vmclear(st->vmcs) || vmptrld(st->vmcs) ||
        vmx_vmcs_setup_foreign(st->msr_bitmap, vc->eptp, &start))
        return -EIO;
    reset_state(st, vc);
    st->set_up = true;
    st->launched = false;
    st->host_lp = 1 + this_cpu_id();
    invept(INVEPT_SINGLE, vc->eptp);
    return 0;
}

/* Makes the vCPU's VMCS current here, with this LP's host state. */
static int load_vmcs(struct tdxemu_vmx *st, const struct tdxemu_vcpu *vc)
{
    if (!st->set_up)
        return first_entry_setup(st, vc);
    if (vmptrld(st->vmcs))
        return -EIO;
    if (st->host_lp != 1 + this_cpu_id()) {
        vmcs_load_host_state();
        invept(INVEPT_SINGLE, vc->eptp);
        st->host_lp = 1 + this_cpu_id();
    }
    return 0;
}

static void td_msrs_load(const struct tdxemu_vmx *st)
{
    for (unsigned i = 0; i < TDXEMU_NATIVE_MSRS; i++)
        wrmsr(native_msrs[i], st->native_msr[i]);
}

/* Keeps the TD's values and leaves the VMM what the module leaves it. */
static void td_msrs_save_and_scrub(struct tdxemu_vmx *st)
{
    for (unsigned i = 0; i < TDXEMU_NATIVE_MSRS; i++) {
        st->native_msr[i] = rdmsr(native_msrs[i]);
        wrmsr(native_msrs[i], native_msrs[i] == MSR_FMASK ? SFMASK_AFTER_EXIT : 0);
    }
}

static int run_vcpu(void *ctx, const struct tdxemu_vcpu *vc, struct tdxemu_exit *x)
{
    struct tdxemu_vmx *st = tdxemu_vmx_state(vc);
    uint64_t flags = irq_save(); /* VMX non-root with the host's interrupts held back */
    int err = load_vmcs(st, vc);
    bool resume = true;

    while (!err && resume) {
        td_msrs_load(st);
        err = vmx_enter((struct guest_regs *)vc->gprs, st->launched, &st->host_rsp) ? -EIO : 0;
        td_msrs_save_and_scrub(st);
        if (err) {
            vmx_dump_entry_failure(true);
            break;
        }
        st->launched = true;
        resume = tdxemu_vmx_exit(st, vc, x);
    }
    if (!err && (x->reason == EXIT_ENTRY_FAIL_GUEST || x->reason == EXIT_ENTRY_FAIL_MSR))
        err = -EIO;
    irq_restore(flags);
    return err;
}

/* TDH.VP.FLUSH: the VMCS leaves this LP (VMCLEAR); the next entry launches it again. */
static void flush_vcpu(void *ctx, const struct tdxemu_vcpu *vc)
{
    struct tdxemu_vmx *st = tdxemu_vmx_state(vc);

    if (st->set_up && st->host_lp)
        vmclear(st->vmcs);
    st->launched = false;
    st->host_lp = 0;
}

void tdxemu_vmx_attach(struct tdxemu_platform *p)
{
    p->vp_run = run_vcpu;
    p->vp_flush = flush_vcpu;
}
