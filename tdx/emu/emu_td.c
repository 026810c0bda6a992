/* SPDX-License-Identifier: MIT */
/*
 * TD lifecycle (TDR: HKID_ASSIGNED -> KEYS_CONFIGURED -> BLOCKED ->
 * TEARDOWN) and the TD-scope leaves outside the build phase: create, key
 * configuration, TDCS pages, finalize, and the teardown steps VPFLUSHDONE
 * and KEY.FREEID. Also the op-state gate every TD leaf passes
 * (UNINITIALIZED -> INITIALIZED -> RUNNABLE, module op_state_lookup.c).
 */
#include "tdx/emu/emu_internal.h"

#define OP(s) (1u << (s))

uint64_t tdxemu_tdr_get(uint64_t pa, uint64_t operand, struct tdxemu_tdr **tdr)
{
    struct tdxemu_pamt *e;
    uint64_t st = tdxemu_page_check(pa, TDX_PT_TDR, operand, &e);

    if (st == TDX_SUCCESS)
        *tdr = tdxemu_page(pa);
    return st;
}

/* The TDR owning a (non-TDR) page. */
struct tdxemu_tdr *tdxemu_tdr_of(const struct tdxemu_pamt *e)
{
    return tdxemu_page(e->owner);
}

struct tdxemu_tdcs *tdxemu_tdcs(const struct tdxemu_tdr *tdr)
{
    return tdxemu_page(tdr->tdcx[TDCX_TDCS]);
}

static unsigned op_states_allowed(unsigned leaf)
{
    switch (leaf) {
    case TDH_MNG_ADDCX:
    case TDH_MNG_INIT:
        return OP(OP_UNINITIALIZED);
    case TDH_MEM_SEPT_ADD:
        return OP(OP_INITIALIZED) | OP(OP_RUNNABLE);
    case TDH_VP_ENTER:
        return OP(OP_RUNNABLE);
    case TDH_VP_FLUSH:
    case TDH_VP_RD:
    case TDH_VP_WR:
        return OP(OP_UNINITIALIZED) | OP(OP_INITIALIZED) | OP(OP_RUNNABLE);
    default: /* build phase: PAGE.ADD, VP.CREATE/ADDCX/INIT, MR.EXTEND/FINALIZE */
        return OP(OP_INITIALIZED);
    }
}

/* Leaves that take the TDCS op-state lock (their check_state_map_tdcs_and_lock lock type). */
static bool locks_op_state(unsigned leaf)
{
    switch (leaf) {
    case TDH_VP_ENTER:
    case TDH_VP_CREATE:
    case TDH_VP_ADDCX:
    case TDH_VP_INIT:
    case TDH_MEM_SEPT_ADD:
        return true;
    default: /* MNG.INIT, PAGE.ADD, MR.EXTEND, MR.FINALIZE: TDX_LOCK_NO_LOCK */
        return false;
    }
}

/* Module check_state_map_tdcs_and_lock: TD keyed, TDCS present, op state allows leaf. */
uint64_t tdxemu_td_state(struct tdxemu_tdr *tdr, unsigned leaf, struct tdxemu_tdcs **tdcs)
{
    uint64_t st;

    if (tdr->fatal)
        return TDX_TD_FATAL;
    if (tdr->lifecycle != TD_KEYS_CONFIGURED)
        return TDX_TD_KEYS_NOT_CONFIGURED;
    if (tdr->num_tdcx < TDXEMU_TDCS_PAGES)
        return TDX_TDCS_NOT_ALLOCATED;
    st = locks_op_state(leaf) ? tdxemu_stress_busy(TDX_OPERAND_ID_OP_STATE) : TDX_SUCCESS;
    if (st != TDX_SUCCESS)
        return st;
    *tdcs = tdxemu_tdcs(tdr);
    if (!(op_states_allowed(leaf) & OP((*tdcs)->op_state)))
        return TDX_OP_STATE_INCORRECT;
    return TDX_SUCCESS;
}

/*
 * TDH.MNG.CREATE: RCX = new TDR page, RDX = HKID. tdh_mng_create.c: HKID,
 * TDR page, KOT lock, KOT state, then the random TD_UUID.
 */
uint64_t tdxemu_mng_create(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_pamt *e;
    struct tdxemu_tdr *tdr;
    uint64_t st;

    if ((a->rdx >> 16) || !tdxemu_hkid_private(a->rdx))
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RDX);
    st = tdxemu_page_check(a->rcx, TDX_PT_NDA, TDX_OPERAND_ID_RCX, &e);
    if (st == TDX_SUCCESS)
        st = tdxemu_stress_busy(TDX_OPERAND_ID_KOT);
    if (st != TDX_SUCCESS)
        return st;
    if (tdxemu_kot((uint16_t)a->rdx)->state != TDXEMU_HKID_FREE)
        return TDX_HKID_NOT_FREE;
    st = tdxemu_stress(TDX_RND_NO_ENTROPY);
    if (st != TDX_SUCCESS)
        return st;
    tdxemu_page_take(e, a->rcx, TDX_PT_TDR, 0);
    tdr = tdxemu_page(a->rcx);
    tdr->hkid = (uint16_t)a->rdx;
    tdr->lifecycle = TD_HKID_ASSIGNED;
    tdxemu_kot(tdr->hkid)->state = TDXEMU_HKID_ASSIGNED;
    return TDX_SUCCESS;
}

/* TDH.MNG.KEY.CONFIG: RCX = TDR; once on each package. */
uint64_t tdxemu_mng_key_config(struct tdx_args *a, unsigned ver)
{
    uint64_t bit = 1ULL << tdxemu.pkg;
    struct tdxemu_tdr *tdr;
    uint64_t st = tdxemu_tdr_get(a->rcx, TDX_OPERAND_ID_RCX, &tdr);

    if (st != TDX_SUCCESS)
        return st;
    if (tdr->fatal)
        return TDX_TD_FATAL;
    if (tdr->lifecycle != TD_HKID_ASSIGNED)
        return TDX_LIFECYCLE_STATE_INCORRECT;
    if (tdr->pkg_config & bit)
        return TDX_KEY_CONFIGURED;
    st = tdxemu_stress_pconfig(); /* tdh_mng_key_config.c: program_mktme_keys */
    if (st != TDX_SUCCESS)
        return st;
    tdr->pkg_config |= bit;
    if (tdr->pkg_config == tdxemu.pkg_all)
        tdr->lifecycle = TD_KEYS_CONFIGURED;
    return TDX_SUCCESS;
}

/* TDH.MNG.ADDCX: RCX = new TDCS page, RDX = TDR; TDCS_BASE_SIZE / 4K times. */
uint64_t tdxemu_mng_addcx(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_pamt *e;
    struct tdxemu_tdr *tdr;
    uint64_t st = tdxemu_tdr_get(a->rdx, TDX_OPERAND_ID_RDX, &tdr);

    if (st != TDX_SUCCESS)
        return st;
    if (tdr->fatal)
        return TDX_TD_FATAL;
    if (tdr->lifecycle != TD_KEYS_CONFIGURED)
        return TDX_TD_KEYS_NOT_CONFIGURED;
    if (tdr->num_tdcx >= TDXEMU_TDCS_PAGES)
        return TDX_TDCX_NUM_INCORRECT;
    st = tdxemu_page_check(a->rcx, TDX_PT_NDA, TDX_OPERAND_ID_RCX, &e);
    if (st != TDX_SUCCESS)
        return st;
    tdxemu_page_take(e, a->rcx, TDX_PT_TDCX, a->rdx);
    tdr->tdcx[tdr->num_tdcx++] = a->rcx;
    tdr->chldcnt++;
    return TDX_SUCCESS;
}

/* TDH.MR.FINALIZE: RCX = TDR; INITIALIZED -> RUNNABLE, with at least one vCPU initialized. */
uint64_t tdxemu_mr_finalize(struct tdx_args *a, unsigned ver)
{
    static const char tag[] = "MR.FINALIZE";
    struct tdxemu_tdcs *tdcs;
    struct tdxemu_tdr *tdr;
    uint64_t st = tdxemu_tdr_get(a->rcx, TDX_OPERAND_ID_RCX, &tdr);

    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(tdr, TDH_MR_FINALIZE, &tdcs);
    if (st != TDX_SUCCESS)
        return st;
    if (!tdcs->num_vcpus)
        return TDX_NO_VCPUS; /* tdh_mr_finalize.c: the TD must have a vCPU */
    tdxemu_measure(tdcs->mrtd, tag, sizeof(tag));
    tdcs->op_state = OP_RUNNABLE;
    return TDX_SUCCESS;
}

static bool vcpus_associated(const struct tdxemu_tdr *tdr)
{
    const struct tdxemu_tdcs *tdcs;

    if (tdr->num_tdcx < TDXEMU_TDCS_PAGES)
        return false;
    tdcs = tdxemu_tdcs(tdr);
    return tdcs->op_state != OP_UNINITIALIZED && tdcs->num_assoc;
}

/* TDH.MNG.VPFLUSHDONE: RCX = TDR; no vCPU may still be associated -> BLOCKED. */
uint64_t tdxemu_mng_vpflushdone(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdr *tdr;
    struct tdxemu_kot *kot;
    uint64_t st = tdxemu_tdr_get(a->rcx, TDX_OPERAND_ID_RCX, &tdr);

    if (st == TDX_SUCCESS)
        st = tdxemu_stress_busy(TDX_OPERAND_ID_KOT); /* tdh_mng_vpflushdone.c: KOT before state */
    if (st != TDX_SUCCESS)
        return st;
    if (tdr->lifecycle != TD_HKID_ASSIGNED && tdr->lifecycle != TD_KEYS_CONFIGURED)
        return TDX_LIFECYCLE_STATE_INCORRECT;
    if (vcpus_associated(tdr))
        return TDX_FLUSHVP_NOT_DONE;
    kot = tdxemu_kot(tdr->hkid);
    kot->wbinvd = tdxemu.pkg_all;
    kot->state = TDXEMU_HKID_FLUSHED;
    tdr->lifecycle = TD_BLOCKED;
    return TDX_SUCCESS;
}

/* TDH.MNG.KEY.FREEID: RCX = TDR; after CACHE.WB on every package -> TEARDOWN. */
uint64_t tdxemu_mng_key_freeid(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdr *tdr;
    struct tdxemu_kot *kot;
    uint64_t st = tdxemu_tdr_get(a->rcx, TDX_OPERAND_ID_RCX, &tdr);

    if (st != TDX_SUCCESS)
        return st;
    if (tdr->lifecycle != TD_BLOCKED)
        return TDX_LIFECYCLE_STATE_INCORRECT;
    st = tdxemu_stress_busy(TDX_OPERAND_ID_KOT); /* tdh_mng_key_freeid.c: KOT after state */
    if (st != TDX_SUCCESS)
        return st;
    kot = tdxemu_kot(tdr->hkid);
    if (kot->wbinvd)
        return TDX_WBCACHE_NOT_COMPLETE;
    kot->state = TDXEMU_HKID_FREE;
    tdr->lifecycle = TD_TEARDOWN;
    return TDX_SUCCESS;
}

/* TDH.MNG.KEY.RECLAIMID: kept for compatibility, does nothing. */
uint64_t tdxemu_mng_key_reclaimid(struct tdx_args *a, unsigned ver)
{
    return TDX_SUCCESS;
}
