/*
 * vCPUs: TDVPR/TDCX pages, initialization, LP association and TDVPS
 * metadata. As in the module, TDH.VP.INIT associates the vCPU with the LP
 * it runs on (and VP.ENTER with the LP it enters on), so TDH.VP.FLUSH must
 * run on that LP before TDH.MNG.VPFLUSHDONE can succeed.
 */
#include "kernel/string.h"
#include "tdx/emu/emu_internal.h"

struct vp {
    struct emu_pamt *e; /* TDVPR PAMT entry (owner = TDR) */
    struct emu_tdvpr *vp;
    struct emu_tdr *tdr;
};

static uint64_t tdvpr_get(uint64_t pa, uint64_t operand, struct vp *v)
{
    uint64_t st = tdxemu_page_check(pa, TDX_PT_TDVPR, operand, &v->e);

    if (st != TDX_SUCCESS)
        return st;
    v->vp = tdxemu_page(pa);
    v->tdr = tdxemu_tdr_of(v->e);
    return TDX_SUCCESS;
}

/* TDVPR valid, not in VP.ENTER on another LP, its TD keyed, and every TDVPS page added. */
static uint64_t vp_usable(uint64_t pa, struct vp *v)
{
    uint64_t st = tdvpr_get(pa, TDX_OPERAND_ID_RCX, v);

    if (st != TDX_SUCCESS)
        return st;
    if (v->vp->running)
        return tdxemu_err(TDX_OPERAND_BUSY, TDX_OPERAND_ID_TDVPR);
    if (v->tdr->lifecycle != TD_KEYS_CONFIGURED)
        return TDX_TD_KEYS_NOT_CONFIGURED;
    if (v->vp->num_pages < EMU_TDVPS_PAGES)
        return TDX_TDCX_NUM_INCORRECT;
    return TDX_SUCCESS;
}

static void associate(struct emu_tdvpr *vp, struct tdxemu_tdcs *tdcs)
{
    vp->assoc_lp = tdxemu.lp;
    tdcs->num_assoc++;
}

/* TDH.VP.CREATE: RCX = new TDVPR page, RDX = TDR. */
uint64_t tdxemu_vp_create(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs;
    struct emu_tdr *tdr;
    struct emu_tdvpr *vp;
    struct emu_pamt *e;
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
    vp->assoc_lp = EMU_LP_NONE;
    tdr->chldcnt++;
    return TDX_SUCCESS;
}

/* TDH.VP.ADDCX: RCX = new TDCX page, RDX = TDVPR; TDVPS_BASE_SIZE / 4K - 1 times. */
uint64_t tdxemu_vp_addcx(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs;
    struct emu_pamt *e;
    struct vp v;
    uint64_t st = tdvpr_get(a->rdx, TDX_OPERAND_ID_RDX, &v);

    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(v.tdr, TDH_VP_ADDCX, &tdcs);
    if (st == TDX_SUCCESS && v.vp->state != VCPU_UNINITIALIZED)
        st = tdxemu_err(TDX_VCPU_STATE_INCORRECT, v.vp->state);
    if (st == TDX_SUCCESS && v.vp->num_pages >= EMU_TDVPS_PAGES)
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

/* Version 1 passes the vCPU's x2APIC ID in R8; it must be unique in the TD. */
static uint64_t check_x2apic(const struct emu_tdr *tdr, const struct tdxemu_tdcs *tdcs, uint64_t id)
{
    const uint32_t *ids = tdxemu_page(tdr->tdcx[TDCX_X2APIC]);

    if (id > 0xFFFFFFFFULL)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_R8);
    for (unsigned i = 0; i < tdcs->num_vcpus; i++)
        if (ids[i] == id)
            return tdxemu_err(TDX_X2APIC_ID_NOT_UNIQUE, ids[i]);
    return TDX_SUCCESS;
}

static uint64_t vp_init_checks(struct vp *v, struct tdxemu_tdcs **tdcs, struct tdx_args *a,
                               unsigned ver)
{
    uint64_t st = tdvpr_get(a->rcx, TDX_OPERAND_ID_RCX, v);

    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(v->tdr, TDH_VP_INIT, tdcs);
    if (st != TDX_SUCCESS)
        return st;
    if (v->vp->num_pages < EMU_TDVPS_PAGES)
        return TDX_TDCX_NUM_INCORRECT;
    if (v->vp->state != VCPU_UNINITIALIZED)
        return tdxemu_err(TDX_VCPU_STATE_INCORRECT, v->vp->state);
    if ((*tdcs)->num_vcpus >= (*tdcs)->max_vcpus)
        return TDX_MAX_VCPUS_EXCEEDED;
    return ver ? check_x2apic(v->tdr, *tdcs, a->r8) : TDX_SUCCESS;
}

/* TDH.VP.INIT: RCX = TDVPR, RDX = initial guest RCX/R8; v1: R8 = x2APIC ID. */
uint64_t tdxemu_vp_init(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs = NULL;
    uint32_t *ids;
    struct vp v;
    uint64_t st = vp_init_checks(&v, &tdcs, a, ver);

    if (st != TDX_SUCCESS)
        return st;
    v.vp->vcpu_index = tdcs->num_vcpus++;
    v.vp->x2apic_id = ver ? (uint32_t)a->r8 : v.vp->vcpu_index;
    ids = tdxemu_page(v.tdr->tdcx[TDCX_X2APIC]);
    ids[v.vp->vcpu_index] = v.vp->x2apic_id;
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
    uint64_t st = vp_usable(a->rcx, &v);

    if (st != TDX_SUCCESS)
        return st;
    if (v.vp->assoc_lp != tdxemu.lp)
        return TDX_VCPU_NOT_ASSOCIATED;
    if (tdxemu.plat.vp_flush) {
        struct tdx_emu_vcpu vc = {.tdvpr = a->rcx};
        for (unsigned i = 0; i < ARRAY_SIZE(vc.pages); i++)
            vc.pages[i] = v.vp->pages[1 + i];
        tdxemu.plat.vp_flush(tdxemu.plat.ctx, &vc);
    }
    v.vp->assoc_lp = EMU_LP_NONE;
    tdxemu_tdcs(v.tdr)->num_assoc--;
    return TDX_SUCCESS;
}

/*
 * TDH.VP.ENTER: RCX = TDVPR; after a TDG.VP.VMCALL exit, the GPRs the
 * guest exposed carry the VMM's answers. Checks and associates the vCPU
 * like the module, then runs it (emu_run.c); without the platform's vp_run,
 * TD execution is not emulated (TDX_OPERAND_INVALID | operand RAX).
 */
uint64_t tdxemu_vp_enter(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs;
    uint64_t tdvpr = a->rcx;
    struct vp v;
    uint64_t st;

    if (!tdxemu.plat.vp_run)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RAX);
    st = vp_usable(tdvpr, &v);
    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(v.tdr, TDH_VP_ENTER, &tdcs);
    if (st == TDX_SUCCESS && v.vp->state != VCPU_READY)
        st = tdxemu_err(TDX_VCPU_STATE_INCORRECT, v.vp->state);
    if (st == TDX_SUCCESS && v.vp->assoc_lp != EMU_LP_NONE && v.vp->assoc_lp != tdxemu.lp)
        st = TDX_VCPU_ASSOCIATED;
    if (st != TDX_SUCCESS)
        return st;
    if (v.vp->assoc_lp == EMU_LP_NONE)
        associate(v.vp, tdcs);
    if (v.vp->last_exit == EMU_EXIT_TDVMCALL)
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
static uint64_t *vp_slot(struct emu_tdvpr *vp, uint64_t key, bool create)
{
    for (unsigned i = 0; i < vp->nfields; i++)
        if (vp->fields[i].id == key)
            return &vp->fields[i].val;
    if (!create || vp->nfields >= EMU_VP_FIELDS)
        return NULL;
    vp->fields[vp->nfields].id = key;
    vp->fields[vp->nfields].val = 0;
    return &vp->fields[vp->nfields++].val;
}

/* TDH.VP.RD: RCX = TDVPR, RDX = field ID; out R8 = value. */
uint64_t tdxemu_vp_rd(struct tdx_args *a, unsigned ver)
{
    struct vp v;
    uint64_t *slot, st = vp_usable(a->rcx, &v);

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
    uint64_t *slot, old, st = vp_usable(a->rcx, &v);

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
