/* SPDX-License-Identifier: MIT */
/*
 * Running a TD vCPU (tdx-host-abi.md 5.6): TDH.VP.ENTER on the vCPU's own
 * CPU (after TDH.VP.FLUSH on the CPU it was associated with, if another),
 * host state the module scrubs restored after every TD exit, and the exit
 * dispatched: TDG.VP.VMCALL to tdx_ghci.c, interrupts taken here, NMIs as
 * the vmx backend takes them, the rest ends the TD with a reason. The same
 * code runs on a TDX module and on tdx=emulate.
 */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/td/tdx_td.h"
#include "vmm/vm.h"
#include "vmm/vmx/vmx_public.h"
#include "lib/errno.h"
#include "kernel/idt.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"

#define TD_EXIT_REASON(s) ((uint32_t)(s)&0xFFFF)

/* What a TD exit leaves changed on the host (module load_vmm_state_before_td_exit). */
static const uint32_t host_msrs[] = {
    MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_FMASK, MSR_TSC_AUX,
};

struct host_state {
    uint64_t msr[ARRAY_SIZE(host_msrs)];
    uint64_t xcr0;
    bool xsave;
};

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

static void host_state_save(struct host_state *h)
{
    for (unsigned i = 0; i < ARRAY_SIZE(host_msrs); i++)
        h->msr[i] = rdmsr(host_msrs[i]);
    h->xsave = read_cr4() & CR4_OSXSAVE;
    if (h->xsave)
        h->xcr0 = xgetbv0();
}

static void host_state_restore(const struct host_state *h)
{
    for (unsigned i = 0; i < ARRAY_SIZE(host_msrs); i++)
        wrmsr(host_msrs[i], h->msr[i]);
    if (h->xsave)
        __asm__ volatile("xsetbv" ::"a"((uint32_t)h->xcr0), "d"((uint32_t)(h->xcr0 >> 32)), "c"(0));
}

struct flush_req {
    uint64_t tdvpr, status;
};

static void flush_here(void *arg)
{
    struct flush_req *r = arg;
    struct tdx_args a = {0};

    a.rcx = r->tdvpr;
    r->status = tdx_call(TDH_VP_FLUSH, &a);
}

/* A vCPU enters only on the CPU it is associated with: VP.FLUSH it where it was. */
static int move_here(struct td_vcpu *tv)
{
    struct flush_req r = {tv->tdvpr, TDX_SUCCESS};

    if (tv->assoc_cpu == this_cpu_id())
        return 0;
    if (tdx_run_on_cpu(tv->assoc_cpu, flush_here, &r) ||
        (r.status != TDX_SUCCESS && r.status != TDX_VCPU_NOT_ASSOCIATED)) {
        pr_warn("tdx: TDH.VP.FLUSH on CPU %u failed: %s", tv->assoc_cpu, tdx_status_name(r.status));
        return -EIO;
    }
    tv->assoc_cpu = this_cpu_id();
    return 0;
}

static bool td_stop(struct vcpu *v, const char *what, const struct tdx_args *a)
{
    vm_stop(v->vm, "%s (exit qualification %#lx, GPA %#lx)", what, a->rcx, a->r8);
    return false;
}

static bool td_nmi(void)
{
    vcpu_host_nmi();
    return true;
}

/*
 * The TD's VMCS acknowledges interrupts on exit: the vector is in R9 and in
 * the APIC's ISR, and only its handler (with its EOI) frees the APIC for
 * the next one (KVM vmx_handle_external_interrupt_irqoff).
 */
static bool td_extint(struct vcpu *v, const struct tdx_args *a)
{
    return vcpu_host_interrupt(v, (uint32_t)a->r9);
}

/*
 * Exits the module ends with TDX_SUCCESS that need nothing from the VMM:
 * the SMI was handled by the firmware, the bus lock or notification was
 * accounted, INIT is blocked for TDs (module tdx_td_dispatcher.c,
 * async_tdexit_to_vmm(TDX_SUCCESS, ...)). Re-enter.
 */
static bool td_async_resume(struct vcpu *v, uint32_t reason, const struct tdx_args *a)
{
    if (reason == EXIT_OTHER_SMI && (a->rcx & TD_EXIT_QUAL_SMI_MSMI))
        return td_stop(v, "machine-check SMI in a TD", a);
    return !v->stop;
}

static bool td_ept_violation(struct vcpu *v, const struct tdx_args *a)
{
    bool shared = a->r8 >> (TD_GPA_WIDTH - 1) & 1;

    vm_stop(v->vm, "TD access to %s GPA %#lx outside its memory", shared ? "shared" : "private",
            a->r8);
    return false;
}

/* One TD exit; false when the vCPU must stop. *cls is the statistics class. */
static bool td_exit(struct vcpu *v, struct td_vcpu *tv, uint64_t s, int *cls)
{
    const struct tdx_args a = tv->ret;

    *cls = VMEXIT_OTHER;
    if (s & TDX_STATUS_MASK) {
        vm_stop(v->vm, "TDH.VP.ENTER failed: %s (%#lx)", tdx_status_name(s), s);
        return false;
    }
    switch (TD_EXIT_REASON(s)) {
    case EXIT_TDCALL:
        return td_ghci(v, &a, &tv->ret, cls);
    case EXIT_EXTERNAL_INTERRUPT:
        *cls = VMEXIT_EXTINT;
        return td_extint(v, &a);
    case EXIT_OTHER_SMI:
    case TD_EXIT_C_STATE_SMI:
    case EXIT_BUS_LOCK:
    case EXIT_NOTIFY:
    case EXIT_INIT:
        return td_async_resume(v, TD_EXIT_REASON(s), &a);
    case EXIT_EXCEPTION_NMI:
        return (a.r9 & INTR_TYPE_MASK) == INTR_TYPE_NMI ? td_nmi()
                                                        : td_stop(v, "machine check in a TD", &a);
    case EXIT_TRIPLE_FAULT:
        return td_stop(v, "TD triple fault", &a);
    case EXIT_EPT_VIOLATION:
        *cls = VMEXIT_MMIO;
        return td_ept_violation(v, &a);
    default:
        vm_stop(v->vm, "unhandled TD exit %u", TD_EXIT_REASON(s));
        return false;
    }
}

static void run_loop(struct vcpu *v, struct td_vcpu *tv, const struct host_state *h)
{
    bool go = true;

    tv->ret = (struct tdx_args){0};
    while (go && !v->stop) {
        uint64_t t0, s;
        int cls;
        tv->ret.rcx = tv->tdvpr; /* RCX is never a TDG.VP.VMCALL register */
        s = tdx_call(TDH_VP_ENTER, &tv->ret);
        host_state_restore(h);
        t0 = rdtsc();
        go = td_exit(v, tv, s, &cls);
        vcpu_account_exit(v, cls, t0, rdtsc());
    }
}

int td_vcpu_run(struct vcpu *v)
{
    struct td_vcpu *tv = v->arch;
    struct host_state h = {0};
    int err;

    err = move_here(tv); /* a cross-CPU call: with interrupts on, or two callers deadlock */
    if (err)
        return err;
    irq_disable();
    host_state_save(&h);
    run_loop(v, tv, &h);
    irq_enable();
    return 0;
}
