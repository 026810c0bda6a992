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

/* TDH.SYS.INIT: RCX = module attributes (all reserved). */
uint64_t tdxemu_sys_init(struct tdx_args *a, unsigned ver)
{
    if (tdxemu.state != EMU_SYSINIT_PENDING)
        return TDX_SYS_INIT_NOT_PENDING;
    if (a->rcx)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
    tdxemu.state = EMU_SYSINIT_DONE;
    return TDX_SUCCESS;
}

/* TDH.SYS.LP.INIT: once on every LP, any time after SYS.INIT. */
uint64_t tdxemu_sys_lp_init(struct tdx_args *a, unsigned ver)
{
    uint64_t bit = 1ULL << (tdxemu.lp % 64);

    if (tdxemu.state == EMU_SYSINIT_PENDING)
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
    uint64_t st;

    if (tdxemu.state != EMU_SYSINIT_DONE || tdxemu.nr_lp_init < tdxemu.plat.nr_lps)
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
    tdxemu_kot(tdxemu.hkid)->state = EMU_HKID_RESERVED;
    tdxemu.pkg_key = 0;
    tdxemu.state = EMU_SYSCONFIG_DONE;
    return TDX_SUCCESS;
}

/* TDH.SYS.KEY.CONFIG: once per package; the last one makes the module ready. */
uint64_t tdxemu_sys_key_config(struct tdx_args *a, unsigned ver)
{
    uint64_t bit = 1ULL << tdxemu.pkg;

    if (tdxemu.state != EMU_SYSCONFIG_DONE)
        return TDX_SYS_KEY_CONFIG_NOT_PENDING;
    if (tdxemu.pkg_key & bit)
        return TDX_KEY_CONFIGURED;
    tdxemu.pkg_key |= bit;
    if (tdxemu.pkg_key == tdxemu.pkg_all) {
        tdxemu.state = EMU_SYS_READY;
        pr_info("tdx-emu: SYS_READY (%u TDMRs, global KeyID %u)", tdxemu.ntdmr, tdxemu.hkid);
    }
    return TDX_SUCCESS;
}

static bool flush_package(void)
{
    bool any = false;

    for (unsigned i = 0; i < tdxemu.plat.nr_tdx_keyids; i++) {
        if (tdxemu.kot[i].state != EMU_HKID_FLUSHED)
            continue;
        tdxemu.kot[i].wbinvd &= ~(1ULL << tdxemu.pkg);
        any = true;
    }
    return any;
}

/*
 * TDH.PHYMEM.CACHE.WB: RCX = 0 start, 1 resume. Write-back is never
 * interrupted here, so there is nothing to resume.
 */
uint64_t tdxemu_phymem_cache_wb(struct tdx_args *a, unsigned ver)
{
    if (a->rcx > 1)
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
    if (a->rcx == 1)
        return TDX_WBCACHE_RESUME_ERROR;
    return flush_package() ? TDX_SUCCESS : TDX_NO_HKID_READY_TO_WBCACHE;
}
