/* SPDX-License-Identifier: MIT */
/*
 * The module's global state machine (SYSINIT_PENDING -> SYSINIT_DONE ->
 * SYSCONFIG_DONE -> SYS_READY), per-LP and per-package initialization, and
 * the KeyID ownership table (KOT) with its per-package cache write-back.
 */
#include "kernel/log.h"
#include "tdx/emu/emu_internal.h"

bool tdxemu_hkid_private(uint64_t hkid)
{
    return hkid >= tdxemu.plat.tdx_keyid_start &&
           hkid < (uint64_t)tdxemu.plat.tdx_keyid_start + tdxemu.plat.nr_tdx_keyids;
}

/* KOT entry of a private HKID (callers check tdxemu_hkid_private first). */
struct tdxemu_kot *tdxemu_kot(uint16_t hkid)
{
    return &tdxemu.kot[hkid - tdxemu.plat.tdx_keyid_start];
}

/*
 * TDH.SYS.INIT: RCX = module attributes (all reserved); RCX, RDX, R8-R10
 * out are 0. tdh_sys_init.c: global lock, RCX, state, then the stack canary
 * from RDRAND.
 */
uint64_t tdxemu_sys_init(struct tdx_args *a, unsigned ver)
{
    uint64_t attributes = a->rcx, st = tdxemu_stress(TDX_SYS_BUSY);

    a->rcx = a->rdx = a->r8 = a->r9 = a->r10 = 0;
    if (st != TDX_SUCCESS)
        return st;
    if (attributes)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
    if (tdxemu.state != TDXEMU_SYSINIT_PENDING)
        return TDX_SYS_INIT_NOT_PENDING;
    st = tdxemu_stress(TDX_RND_NO_ENTROPY);
    if (st != TDX_SUCCESS)
        return st;
    tdxemu.state = TDXEMU_SYSINIT_DONE;
    return TDX_SUCCESS;
}

/*
 * TDH.SYS.LP.INIT: once on every LP, only while the module is in
 * SYSINIT_DONE: before SYS.INIT and after SYS.CONFIG it is not pending
 * (tdh_sys_lp_init.c checks sys_state != SYSINIT_DONE before lp_is_init).
 */
uint64_t tdxemu_sys_lp_init(struct tdx_args *a, unsigned ver)
{
    uint64_t bit = 1ULL << (tdxemu.lp % 64), st = tdxemu_stress(TDX_SYS_BUSY);

    a->rcx = a->rdx = a->r8 = 0;
    if (st != TDX_SUCCESS)
        return st; /* the global lock, shared */
    if (tdxemu.state != TDXEMU_SYSINIT_DONE)
        return TDX_SYS_LP_INIT_NOT_PENDING;
    if (tdxemu.lp_init[tdxemu.lp / 64] & bit)
        return TDX_SYS_LP_INIT_DONE;
    tdxemu.lp_init[tdxemu.lp / 64] |= bit;
    tdxemu.nr_lp_init++;
    return TDX_SUCCESS;
}

static uint64_t check_global_keyid(uint64_t r8)
{
    /* R8[15:0] = KeyID; bit 16 (Dynamic PAMT) and up are not supported */
    if ((r8 >> 16) || !tdxemu_hkid_private(r8))
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_R8);
    return TDX_SUCCESS;
}

/* TDH.SYS.CONFIG: RCX = TDMR_INFO PA array, RDX = count, R8 = global KeyID. */
uint64_t tdxemu_sys_config(struct tdx_args *a, unsigned ver)
{
    const uint64_t *array = NULL;
    uint64_t st = tdxemu_stress(TDX_SYS_BUSY); /* tdh_sys_config.c: global lock first */

    if (st != TDX_SUCCESS)
        return st;
    if (tdxemu.state != TDXEMU_SYSINIT_DONE || tdxemu.nr_lp_init < tdxemu.plat.nr_lps)
        return TDX_SYS_CONFIG_NOT_PENDING;
    st = tdxemu_tdmr_array(a->rcx, a->rdx, &array);
    if (st == TDX_SUCCESS)
        st = check_global_keyid(a->r8);
    if (st == TDX_SUCCESS)
        st = tdxemu_tdmr_config(array, a->rdx);
    if (st != TDX_SUCCESS) {
        tdxemu.ntdmr = 0;
        return st;
    }
    tdxemu.hkid = (uint16_t)a->r8;
    tdxemu_kot(tdxemu.hkid)->state = TDXEMU_HKID_RESERVED;
    tdxemu.pkg_key = 0;
    tdxemu.state = TDXEMU_SYSCONFIG_DONE;
    return TDX_SUCCESS;
}

/*
 * TDH.SYS.KEY.CONFIG: once per package; the last one makes the module
 * ready. tdh_sys_key_config.c: global lock, state, package, then PCONFIG.
 */
uint64_t tdxemu_sys_key_config(struct tdx_args *a, unsigned ver)
{
    uint64_t bit = 1ULL << tdxemu.pkg, st = tdxemu_stress(TDX_SYS_BUSY);

    if (st != TDX_SUCCESS)
        return st;
    if (tdxemu.state != TDXEMU_SYSCONFIG_DONE)
        return TDX_SYS_KEY_CONFIG_NOT_PENDING;
    if (tdxemu.pkg_key & bit)
        return TDX_KEY_CONFIGURED;
    st = tdxemu_stress_pconfig();
    if (st != TDX_SUCCESS)
        return st;
    tdxemu.pkg_key |= bit;
    if (tdxemu.pkg_key == tdxemu.pkg_all) {
        tdxemu.state = TDXEMU_SYS_READY;
        pr_info("tdx-emu: SYS_READY (%u TDMRs, global KeyID %u)", tdxemu.ntdmr, tdxemu.hkid);
    }
    return TDX_SUCCESS;
}

/* Start of a CACHE.WB session: the flushed KeyIDs it will cover on this package. */
static bool wb_snapshot(uint64_t bit)
{
    bool any = false;

    for (unsigned i = 0; i < tdxemu.plat.nr_tdx_keyids; i++) {
        struct tdxemu_kot *k = &tdxemu.kot[i];

        k->wb_snap &= ~bit;
        if (k->state == TDXEMU_HKID_FLUSHED) {
            k->wb_snap |= bit;
            any = true;
        }
    }
    return any;
}

/* End of a session: its KeyIDs no longer owe this package a write-back. */
static void wb_done(uint64_t bit)
{
    for (unsigned i = 0; i < tdxemu.plat.nr_tdx_keyids; i++) {
        struct tdxemu_kot *k = &tdxemu.kot[i];

        if (k->wb_snap & bit)
            k->wbinvd &= ~bit;
        k->wb_snap &= ~bit;
    }
}

/* The write-back loop: stops between sub-blocks on a (stress) pending interrupt. */
static uint64_t wb_run(uint32_t *intr)
{
    do {
        (*intr)++;
        if (*intr < TDXEMU_WB_SUB_BLOCKS && tdxemu_stress_hit())
            return TDX_INTERRUPTED_RESUMABLE;
    } while (*intr < TDXEMU_WB_SUB_BLOCKS);
    *intr = 0;
    return TDX_SUCCESS;
}

/*
 * TDH.PHYMEM.CACHE.WB: RCX = 0 start, 1 resume (tdh_phymem_cache_wb.c).
 * A start records the KeyIDs flushed so far and restarts the package's
 * write-back; an interrupted one returns TDX_INTERRUPTED_RESUMABLE with its
 * progress kept for a resume; only a completed pass clears the package in
 * those KeyIDs' WBINVD bitmaps. Resuming with nothing interrupted is
 * TDX_WBCACHE_RESUME_ERROR.
 */
uint64_t tdxemu_phymem_cache_wb(struct tdx_args *a, unsigned ver)
{
    uint32_t *intr = &tdxemu.wb_intr[tdxemu.pkg];
    uint64_t bit = 1ULL << tdxemu.pkg, st;

    if (a->rcx > 1)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
    st = tdxemu_stress_busy(TDX_OPERAND_ID_WBCACHE); /* the package's WBT entry */
    if (st == TDX_SUCCESS)
        st = tdxemu_stress_busy(TDX_OPERAND_ID_KOT);
    if (st != TDX_SUCCESS)
        return st;
    if (a->rcx == 0) {
        *intr = 0;
        if (!wb_snapshot(bit))
            return TDX_NO_HKID_READY_TO_WBCACHE;
    } else if (*intr == 0) {
        return TDX_WBCACHE_RESUME_ERROR;
    }
    st = wb_run(intr);
    if (st == TDX_SUCCESS)
        wb_done(bit);
    return st;
}
