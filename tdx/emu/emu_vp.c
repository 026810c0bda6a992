/* SPDX-License-Identifier: MIT */
/*
 * vCPUs: TDVPR/TDCX pages, initialization, LP association and TDVPS
 * metadata. As in the module, TDH.VP.INIT associates the vCPU with the LP
 * it runs on (and VP.ENTER, VP.RD and VP.WR with the LP they run on), so
 * TDH.VP.FLUSH must run on that LP before TDH.MNG.VPFLUSHDONE can succeed.
 */
#include "lib/string.h"
#include "tdx/emu/emu_internal.h"

struct vp {
    struct tdxemu_pamt *e; /* TDVPR PAMT entry (owner = TDR) */
    struct tdxemu_tdvpr *vp;
    struct tdxemu_tdr *tdr;
};

/* How a leaf locks the TDVPR (check_and_lock_explicit_4k_private_hpa lock type). */
enum tdvpr_lock { TDVPR_SHARED, TDVPR_EXCLUSIVE };

/*
 * The TDVPR operand and its owner TDR (implicit shared lock). VP.ENTER
 * holds the TDVPR lock shared while the vCPU runs (td_exit.c
 * td_vmexit_to_vmm releases it), so only exclusive users find it busy;
 * VP.ENTER, VP.RD and VP.WR from another LP get TDX_VCPU_ASSOCIATED.
 */
static uint64_t tdvpr_get(uint64_t pa, uint64_t operand, enum tdvpr_lock lock, struct vp *v)
{
    uint64_t st = tdxemu_page_check(pa, TDX_PT_TDVPR, operand, &v->e);

    if (st != TDX_SUCCESS)
        return st;
    v->vp = tdxemu_page(pa);
    if (lock == TDVPR_EXCLUSIVE && v->vp->running)
        return tdxemu_err(TDX_OPERAND_BUSY, operand);
    v->tdr = tdxemu_tdr_of(v->e);
    return tdxemu_stress_busy(TDX_OPERAND_ID_TDR);
}

/* TDVPR (RCX) valid and lockable, its TD keyed, and every TDVPS page added. */
static uint64_t vp_usable(uint64_t pa, enum tdvpr_lock lock, struct vp *v)
{
    uint64_t st = tdvpr_get(pa, TDX_OPERAND_ID_RCX, lock, v);

    if (st != TDX_SUCCESS)
        return st;
    if (v->tdr->lifecycle != TD_KEYS_CONFIGURED)
        return TDX_TD_KEYS_NOT_CONFIGURED;
    if (v->vp->num_pages < TDXEMU_TDVPS_PAGES)
        return TDX_TDCX_NUM_INCORRECT;
    return TDX_SUCCESS;
}

static void associate(struct tdxemu_tdvpr *vp, struct tdxemu_tdcs *tdcs)
{
    vp->assoc_lp = tdxemu.lp;
    tdcs->num_assoc++;
}

/*
 * helpers.c check_and_associate_vcpu: the vCPU must be READY (or DISABLED
 * where allowed; TDX_VCPU_STATE_INCORRECT without operand otherwise), and
 * not associated with another LP; it becomes associated with this one.
 */
static uint64_t check_and_associate(struct tdxemu_tdvpr *vp, struct tdxemu_tdcs *tdcs,
                                    bool allow_disabled)
{
    if (vp->state != VCPU_READY && !(vp->state == VCPU_DISABLED && allow_disabled))
        return TDX_VCPU_STATE_INCORRECT;
    if (vp->assoc_lp != TDXEMU_LP_NONE && vp->assoc_lp != tdxemu.lp)
        return TDX_VCPU_ASSOCIATED;
    if (vp->assoc_lp == TDXEMU_LP_NONE)
        associate(vp, tdcs);
    return TDX_SUCCESS;
}

/* TDH.VP.CREATE: RCX = new TDVPR page, RDX = TDR. */
uint64_t tdxemu_vp_create(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs;
    struct tdxemu_tdr *tdr;
    struct tdxemu_tdvpr *vp;
    struct tdxemu_pamt *e;
    uint64_t st = tdxemu_tdr_get(a->rdx, TDX_OPERAND_ID_RDX, &tdr);

    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(tdr, TDH_VP_CREATE, &tdcs);
    if (st == TDX_SUCCESS)
        st = tdxemu_page_check(a->rcx, TDX_PT_NDA, TDX_OPERAND_ID_RCX, &e);
    if (st != TDX_SUCCESS)
        return st;
    tdxemu_page_take(e, a->rcx, TDX_PT_TDVPR, a->rdx);
    vp = tdxemu_page(a->rcx);
    vp->pages[vp->num_pages++] = a->rcx;
    vp->assoc_lp = TDXEMU_LP_NONE;
    tdr->chldcnt++;
    return TDX_SUCCESS;
}

/* TDH.VP.ADDCX: RCX = new TDCX page, RDX = TDVPR; TDVPS_BASE_SIZE / 4K - 1 times. */
uint64_t tdxemu_vp_addcx(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs;
    struct tdxemu_pamt *e;
    struct vp v;
    uint64_t st = tdvpr_get(a->rdx, TDX_OPERAND_ID_RDX, TDVPR_EXCLUSIVE, &v);

    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(v.tdr, TDH_VP_ADDCX, &tdcs);
    if (st == TDX_SUCCESS && v.vp->state != VCPU_UNINITIALIZED)
        st = TDX_VCPU_STATE_INCORRECT; /* tdh_vp_addcx.c: no operand */
    if (st == TDX_SUCCESS && v.vp->num_pages >= TDXEMU_TDVPS_PAGES)
        st = TDX_TDCX_NUM_INCORRECT;
    if (st == TDX_SUCCESS)
        st = tdxemu_page_check(a->rcx, TDX_PT_NDA, TDX_OPERAND_ID_RCX, &e);
    if (st != TDX_SUCCESS)
        return st;
    tdxemu_page_take(e, a->rcx, TDX_PT_TDCX, v.e->owner);
    v.vp->pages[v.vp->num_pages++] = a->rcx;
    v.tdr->chldcnt++;
    return TDX_SUCCESS;
}

static uint64_t vp_init_checks(struct vp *v, struct tdxemu_tdcs **tdcs, struct tdx_args *a)
{
    uint64_t st = tdvpr_get(a->rcx, TDX_OPERAND_ID_RCX, TDVPR_EXCLUSIVE, v);

    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(v->tdr, TDH_VP_INIT, tdcs);
    if (st != TDX_SUCCESS)
        return st;
    if (v->vp->num_pages < TDXEMU_TDVPS_PAGES)
        return TDX_TDCX_NUM_INCORRECT;
    if (v->vp->state != VCPU_UNINITIALIZED)
        return TDX_VCPU_STATE_INCORRECT; /* tdh_vp_init.c: no operand */
    if ((*tdcs)->num_vcpus >= (*tdcs)->max_vcpus)
        return TDX_MAX_VCPUS_EXCEEDED;
    return TDX_SUCCESS;
}

/*
 * TDH.VP.INIT: RCX = TDVPR, RDX = initial guest RCX/R8. Version 0 only:
 * the 1.5.01 dispatcher has no TDH.VP.INIT v1 (x2APIC ID in R8).
 */
uint64_t tdxemu_vp_init(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs = NULL;
    struct vp v;
    uint64_t st = vp_init_checks(&v, &tdcs, a);

    if (st != TDX_SUCCESS)
        return st;
    v.vp->vcpu_index = tdcs->num_vcpus++;
    v.vp->init_rcx = a->rdx;
    tdxemu_vcpu_reset_regs(v.vp, tdcs);
    v.vp->state = VCPU_READY;
    associate(v.vp, tdcs);
    return TDX_SUCCESS;
}

/* TDH.VP.FLUSH: RCX = TDVPR; only on the LP the vCPU is associated with. */
uint64_t tdxemu_vp_flush(struct tdx_args *a, unsigned ver)
{
    struct vp v;
    uint64_t st = vp_usable(a->rcx, TDVPR_EXCLUSIVE, &v);

    if (st != TDX_SUCCESS)
        return st;
    if (v.vp->assoc_lp != tdxemu.lp)
        return TDX_VCPU_NOT_ASSOCIATED;
    if (tdxemu.plat.vp_flush) {
        struct tdxemu_vcpu vc = {.tdvpr = a->rcx};
        for (unsigned i = 0; i < ARRAY_SIZE(vc.pages); i++)
            vc.pages[i] = v.vp->pages[1 + i];
        tdxemu.plat.vp_flush(tdxemu.plat.ctx, &vc);
    }
    v.vp->assoc_lp = TDXEMU_LP_NONE;
    tdxemu_tdcs(v.tdr)->num_assoc--;
    return TDX_SUCCESS;
}

/*
 * TDH.VP.ENTER: RCX = TDVPR; after a TDG.VP.VMCALL exit, the GPRs the
 * guest exposed carry the VMM's answers. Checks and associates the vCPU
 * like the module (tdh_vp_enter.c: the TD epoch lock comes after the
 * association), then runs it (emu_run.c); without the platform's vp_run,
 * TD execution is not emulated (TDX_OPERAND_INVALID | operand RAX).
 */
uint64_t tdxemu_vp_enter(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs;
    struct vp v;
    uint64_t st;

    if (!tdxemu.plat.vp_run)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RAX);
    st = vp_usable(a->rcx, TDVPR_SHARED, &v);
    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(v.tdr, TDH_VP_ENTER, &tdcs);
    if (st == TDX_SUCCESS)
        st = check_and_associate(v.vp, tdcs, false);
    if (st == TDX_SUCCESS)
        st = tdxemu_stress_busy(TDX_OPERAND_ID_TD_EPOCH);
    if (st != TDX_SUCCESS)
        return st;
    if (v.vp->last_exit == TDXEMU_EXIT_TDVMCALL)
        tdxemu_vmcall_return(v.vp, a);
    return tdxemu_run(tdcs, v.vp, a);
}

/* Which TDVPS fields exist: 1 = read/write, 2 = read-only zero, 0 = unknown. */
static int vp_field_kind(uint64_t id)
{
    bool non_arch = id >> 63;

    if (MD_ID_CLASS(id) == TDVPS_CLASS_VMCS && !non_arch)
        return 1;
    if (MD_ID_CLASS(id) == TDVPS_CLASS_MANAGEMENT && MD_ID_CODE(id) == TDVPS_MGMT_PEND_NMI)
        return 1;
    if (MD_ID_CLASS(id) == TDVPS_CLASS_OTHER_GUEST && non_arch &&
        MD_ID_CODE(id) == TDVPS_STATE_DETAILS_NON_ARCH)
        return 2;
    return 0;
}

/* The stored value of field key, created (as 0) when create is set. */
static uint64_t *vp_slot(struct tdxemu_tdvpr *vp, uint64_t key, bool create)
{
    for (unsigned i = 0; i < vp->nfields; i++)
        if (vp->fields[i].id == key)
            return &vp->fields[i].val;
    if (!create || vp->nfields >= TDXEMU_VP_FIELDS)
        return NULL;
    vp->fields[vp->nfields].id = key;
    vp->fields[vp->nfields].val = 0;
    return &vp->fields[vp->nfields++].val;
}

/*
 * VP.RD/WR (tdh_vp_rd_wr.c): the TDVPR and TDR shared, the op-state lock,
 * then the vCPU is associated with this LP like VP.ENTER does (a disabled
 * vCPU may still be read, not written).
 */
static uint64_t vp_rd_wr_checks(uint64_t tdvpr, bool write, struct vp *v)
{
    uint64_t st = vp_usable(tdvpr, TDVPR_SHARED, v);

    if (st == TDX_SUCCESS)
        st = tdxemu_stress_busy(TDX_OPERAND_ID_OP_STATE);
    if (st == TDX_SUCCESS)
        st = check_and_associate(v->vp, tdxemu_tdcs(v->tdr), !write);
    return st;
}

/* TDH.VP.RD: RCX = TDVPR, RDX = field ID; out R8 = value. */
uint64_t tdxemu_vp_rd(struct tdx_args *a, unsigned ver)
{
    struct vp v;
    uint64_t *slot, st = vp_rd_wr_checks(a->rcx, false, &v);

    a->r8 = 0;
    if (st != TDX_SUCCESS)
        return st;
    if (!vp_field_kind(a->rdx))
        return TDX_METADATA_FIELD_ID_INCORRECT;
    slot = vp_slot(v.vp, MD_ID_KEY(a->rdx), false);
    a->r8 = slot ? *slot : 0;
    return TDX_SUCCESS;
}

/* TDH.VP.WR: RCX = TDVPR, RDX = field, R8 = value, R9 = write mask; out R8 = old value. */
uint64_t tdxemu_vp_wr(struct tdx_args *a, unsigned ver)
{
    struct vp v;
    uint64_t *slot, old, st = vp_rd_wr_checks(a->rcx, true, &v);

    if (st != TDX_SUCCESS)
        return st;
    switch (vp_field_kind(a->rdx)) {
    case 0:
        return TDX_METADATA_FIELD_ID_INCORRECT;
    case 2:
        return TDX_METADATA_FIELD_NOT_WRITABLE;
    }
    slot = vp_slot(v.vp, MD_ID_KEY(a->rdx), true);
    if (!slot)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RDX);
    old = *slot;
    *slot = (old & ~a->r9) | (a->r8 & a->r9);
    a->r8 = old;
    return TDX_SUCCESS;
}
