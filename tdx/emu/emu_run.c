/* SPDX-License-Identifier: MIT */
/*
 * TD execution: what TDH.VP.ENTER does once its checks passed. The module
 * lock is dropped while the platform runs the vCPU (the TDVPR stays locked:
 * other leaves on it get TDX_OPERAND_BUSY), TDCALLs the module serves
 * itself resume the TD at once, and the rest become TD exits with the
 * registers of tdx-host-abi.md 5.6: RAX = status | exit reason, RCX exit
 * qualification, RDX extended qualification, R8 GPA, R9 interruption info.
 */
#include "lib/string.h"
#include "tdx/emu/emu_internal.h"

#define GPAW_WIDE 52
#define GPAW_NARROW 48

/* Architectural GPRs at the reset vector (module tdh_vp_init.c, tdx-host-abi.md 5.11). */
void tdxemu_vcpu_reset_regs(struct tdxemu_tdvpr *vp, const struct tdxemu_tdcs *tdcs)
{
    memset(&vp->gprs, 0, sizeof(vp->gprs));
    vp->gprs.rbx = tdcs->gpaw ? GPAW_WIDE : GPAW_NARROW;
    vp->gprs.rcx = vp->init_rcx;
    vp->gprs.r8 = vp->init_rcx;
    vp->gprs.rsi = vp->vcpu_index;
}

static void describe(const struct tdxemu_tdcs *tdcs, struct tdxemu_tdvpr *vp,
                     struct tdxemu_vcpu *vc)
{
    memset(vc, 0, sizeof(*vc));
    vc->gprs = &vp->gprs;
    vc->ve = &vp->ve;
    vc->tdvpr = vp->pages[0];
    for (unsigned i = 0; i < ARRAY_SIZE(vc->pages); i++)
        vc->pages[i] = vp->pages[1 + i];
    vc->eptp = tdcs->eptp;
    vc->gpa_width = tdcs->gpaw ? GPAW_WIDE : GPAW_NARROW;
    vc->vcpu_index = vp->vcpu_index;
    vc->xfam = tdcs->xfam;
}

/*
 * Exits whose VM-exit interruption information the module passes to the
 * VMM in R9 (tdx_td_dispatcher.c, td_other_exits.c): exception or NMI,
 * external interrupt (vector acknowledged on exit), other SMI, C-state SMI.
 */
static bool reports_intr_info(uint32_t reason)
{
    switch (reason & 0xFFFF) {
    case 0:
    case 1:
    case 6:
    case 42:
        return true;
    default:
        return false;
    }
}

/*
 * An asynchronous TD exit (td_exit.c async_tdexit_to_vmm): RAX = status +
 * exit reason, RCX qualification, RDX extended qualification, R8 GPA,
 * R9 interruption information, every other GPR 0.
 */
static uint64_t async_exit(const struct tdxemu_exit *x, struct tdx_args *a)
{
    memset(a, 0, sizeof(*a));
    a->rcx = x->qual;
    a->rdx = x->ext_qual;
    a->r8 = x->gpa;
    a->r9 = reports_intr_info(x->reason) ? x->intr_info : 0;
    return TDX_SUCCESS | x->reason;
}

/* Runs the vCPU without the module lock; the caller's LP is the vCPU's. */
static int run_unlocked(const struct tdxemu_vcpu *vc, struct tdxemu_exit *x)
{
    unsigned lp = tdxemu.lp, pkg = tdxemu.pkg;
    int err;

    if (tdxemu.plat.unlock)
        tdxemu.plat.unlock(tdxemu.plat.ctx);
    err = tdxemu.plat.vp_run(tdxemu.plat.ctx, vc, x);
    if (tdxemu.plat.lock)
        tdxemu.plat.lock(tdxemu.plat.ctx);
    tdxemu.lp = lp;
    tdxemu.pkg = pkg;
    return err;
}

uint64_t tdxemu_run(struct tdxemu_tdcs *tdcs, struct tdxemu_tdvpr *vp, struct tdx_args *a)
{
    struct tdxemu_vcpu vc;
    struct tdxemu_exit x;
    uint64_t st;

    vp->last_exit = TDXEMU_EXIT_ASYNC;
    if (tdxemu_stress_async_exit(&x))
        return async_exit(&x, a); /* an SMI, INIT, ... at VM entry: the guest did not run */
    describe(tdcs, vp, &vc);
    vp->running = 1;
    for (;;) {
        memset(&x, 0, sizeof(x));
        if (run_unlocked(&vc, &x)) {
            vp->state = VCPU_DISABLED;
            memset(a, 0, sizeof(*a));
            st = TDX_NON_RECOVERABLE_VCPU;
            break;
        }
        if (!x.tdcall) {
            st = async_exit(&x, a);
            break;
        }
        if (tdxemu_tdcall(tdcs, vp, a, &st))
            break;
    }
    vp->running = 0;
    return st;
}
