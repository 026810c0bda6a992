/* SPDX-License-Identifier: MIT */
/*
 * TDCALL from a TD: the guest side of the module (TDX module ABI, TDCALL
 * leaves; module tdg_vp_vmcall.c, tdg_vp_info.c, tdg_vp_veinfo_get.c).
 * TDG.VP.INFO and TDG.VP.VEINFO.GET are answered here and the TD goes on;
 * TDG.VP.VMCALL is a trap-like TD exit: the VMM gets RAX = exit reason 77
 * (TDCALL), RCX = the GPR bitmap the guest chose, those GPRs, and zeros in
 * the others; on the next VP.ENTER the module copies the same GPRs back
 * from the VMM and the guest sees RAX = TDX_SUCCESS.
 */
#include "lib/string.h"
#include "tdx/emu/emu_internal.h"

#define TDG_VP_VMCALL 0
#define TDG_VP_INFO 1
#define TDG_VP_VEINFO_GET 3
#define EXIT_REASON_TDCALL 77
#define VP_INFO_TDG_SYS_RD 1ULL /* R10 bit 0: TDG.SYS.RD available (tdg_commands_available_t) */
/* RCX of TDG.VP.VMCALL: GPR bitmap 15:0, XMM bitmap 31:16, 63:32 reserved */
#define VMCALL_GPR_MASK 0xFFFFULL
#define VMCALL_RSVD_MASK 0xFFFFFFFF00000000ULL
#define GPR_RAX 0
#define GPR_RCX 1
#define GPR_RSP 4
#define GPR_RBP 5
#define NR_GPRS 16

static uint64_t *guest_gpr(struct tdxemu_gprs *g, unsigned i)
{
    return &((uint64_t *)g)[i];
}

/* The VMM's register i in struct tdx_args (RBP is not there: NO_RBP_MOD keeps it). */
static uint64_t *vmm_gpr(struct tdx_args *a, unsigned i)
{
    switch (i) {
    case 2:
        return &a->rdx;
    case 3:
        return &a->rbx;
    case 6:
        return &a->rsi;
    case 7:
        return &a->rdi;
    default:
        return i >= 8 ? &a->r8 + (i - 8) : NULL;
    }
}

/*
 * RAX, RCX, RSP and (with or without NO_RBP_MOD: this module has no RBP in
 * its VMM register image) RBP cannot be exposed.
 */
static bool vmcall_bitmap_ok(uint64_t rcx)
{
    uint64_t forbidden = 1u << GPR_RAX | 1u << GPR_RCX | 1u << GPR_RSP | 1u << GPR_RBP;

    return !(rcx & VMCALL_RSVD_MASK) && !(rcx & forbidden);
}

static bool vp_vmcall(struct tdxemu_tdvpr *vp, struct tdx_args *a, uint64_t *status)
{
    struct tdxemu_gprs *g = &vp->gprs;

    if (!vmcall_bitmap_ok(g->rcx)) {
        g->rax = tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
        return false;
    }
    memset(a, 0, sizeof(*a));
    a->rcx = g->rcx & (VMCALL_GPR_MASK | 0xFFFF0000ULL);
    for (unsigned i = 2; i < NR_GPRS; i++)
        if ((g->rcx >> i) & 1)
            *vmm_gpr(a, i) = *guest_gpr(g, i);
    vp->vmcall_gprs = g->rcx & VMCALL_GPR_MASK;
    vp->last_exit = TDXEMU_EXIT_TDVMCALL;
    *status = TDX_SUCCESS | EXIT_REASON_TDCALL;
    return true;
}

void tdxemu_vmcall_return(struct tdxemu_tdvpr *vp, const struct tdx_args *a)
{
    struct tdxemu_gprs *g = &vp->gprs;

    for (unsigned i = 2; i < NR_GPRS; i++)
        if ((vp->vmcall_gprs >> i) & 1)
            *guest_gpr(g, i) = *vmm_gpr((struct tdx_args *)a, i);
    g->rax = TDX_SUCCESS;
    vp->last_exit = TDXEMU_EXIT_ASYNC;
}

/*
 * tdg_vp_info.c: RCX = GPA width, RDX = attributes, R8 = vCPUs (31:0) and
 * maximum (63:32) (td_num_of_vcpus_t), R9 = vCPU index, R10 = commands
 * available (bit 0: TDG.SYS.RD), R11 = 0; R12 and R13 are not touched.
 */
static void vp_info(const struct tdxemu_tdcs *tdcs, struct tdxemu_tdvpr *vp)
{
    struct tdxemu_gprs *g = &vp->gprs;

    g->rcx = tdcs->gpaw ? 52 : 48;
    g->rdx = tdcs->attributes;
    g->r8 = (uint64_t)tdcs->max_vcpus << 32 | tdcs->num_vcpus;
    g->r9 = vp->vcpu_index;
    g->r10 = VP_INFO_TDG_SYS_RD;
    g->r11 = 0;
    g->rax = TDX_SUCCESS;
}

/* RCX exit reason, RDX qualification, R8 GLA, R9 GPA, R10 length (31:0) and info (63:32). */
static void vp_veinfo_get(struct tdxemu_tdvpr *vp)
{
    struct tdxemu_gprs *g = &vp->gprs;
    struct tdxemu_ve *ve = &vp->ve;

    if (!ve->valid) {
        g->rax = TDX_NO_VALID_VE_INFO;
        return;
    }
    g->rcx = ve->exit_reason;
    g->rdx = ve->qual;
    g->r8 = ve->gla;
    g->r9 = ve->gpa;
    g->r10 = (uint64_t)ve->instr_info << 32 | ve->instr_len;
    ve->valid = 0;
    g->rax = TDX_SUCCESS;
}

bool tdxemu_tdcall(const struct tdxemu_tdcs *tdcs, struct tdxemu_tdvpr *vp, struct tdx_args *a,
                   uint64_t *status)
{
    uint64_t leaf = vp->gprs.rax;

    switch (leaf) { /* a version or reserved bit makes the leaf unknown */
    case TDG_VP_VMCALL:
        return vp_vmcall(vp, a, status);
    case TDG_VP_INFO:
        vp_info(tdcs, vp);
        return false;
    case TDG_VP_VEINFO_GET:
        vp_veinfo_get(vp);
        return false;
    default:
        vp->gprs.rax = tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RAX);
        return false;
    }
}
