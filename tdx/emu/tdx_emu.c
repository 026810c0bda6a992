/* SPDX-License-Identifier: MIT */
/*
 * Emulated TDX module: platform setup and the SEAMCALL dispatcher. The
 * dispatcher applies the module's generic checks in the module's order
 * (RAX reserved bits, leaf version, SYS_READY gating, unknown leaf, LP.INIT
 * on the calling LP) and then runs the leaf from a table indexed by leaf
 * number, with "not emulated" as the default entry.
 */
#include "kernel/log.h"
#include "lib/string.h"
#include "tdx/emu/emu_internal.h"

struct tdxemu_state tdxemu;

typedef uint64_t (*emu_leaf_fn)(struct tdx_args *a, unsigned ver);

struct emu_leaf {
    emu_leaf_fn fn;      /* NULL: a real leaf this emulator does not implement */
    uint8_t max_version; /* highest RAX[23:16] accepted */
    uint8_t flags;
    uint8_t locks; /* lock/entropy points a successful call passes (stress mode, emu_stress.c) */
};
#define TDXEMU_PRE_READY 1   /* accepted before SYS_READY */
#define TDXEMU_NO_LP_CHECK 2 /* runs on an LP without LP.INIT */
#define TDXEMU_NR_LEAVES 70

/*
 * max_version is 0 everywhere: the 1.5.01 dispatcher takes no other version
 * of TDH.VP.INIT, and the v1 forms it has of SEPT.ADD, MNG.RD and VP.RD are
 * not emulated.
 */
static const struct emu_leaf leaf_table[TDXEMU_NR_LEAVES] = {
    [TDH_VP_ENTER] = {tdxemu_vp_enter, 0, 0, 4},
    [TDH_MNG_ADDCX] = {tdxemu_mng_addcx, 0, 0, 2},
    [TDH_MEM_PAGE_ADD] = {tdxemu_mem_page_add, 0, 0, 2},
    [TDH_MEM_SEPT_ADD] = {tdxemu_mem_sept_add, 0, 0, 5},
    [TDH_VP_ADDCX] = {tdxemu_vp_addcx, 0, 0, 4},
    [TDH_MNG_KEY_CONFIG] = {tdxemu_mng_key_config, 0, 0, 2},
    [TDH_MNG_CREATE] = {tdxemu_mng_create, 0, 0, 3},
    [TDH_VP_CREATE] = {tdxemu_vp_create, 0, 0, 3},
    [TDH_MNG_RD] = {tdxemu_mng_rd, 0, 0, 2},
    [TDH_MR_EXTEND] = {tdxemu_mr_extend, 0, 0, 1},
    [TDH_MR_FINALIZE] = {tdxemu_mr_finalize, 0, 0, 1},
    [TDH_VP_FLUSH] = {tdxemu_vp_flush, 0, 0, 2},
    [TDH_MNG_VPFLUSHDONE] = {tdxemu_mng_vpflushdone, 0, 0, 2},
    [TDH_MNG_KEY_FREEID] = {tdxemu_mng_key_freeid, 0, 0, 2},
    [TDH_MNG_INIT] = {tdxemu_mng_init, 0, 0, 1},
    [TDH_VP_INIT] = {tdxemu_vp_init, 0, 0, 3}, /* v1 (x2APIC ID) is not in 1.5.01 */
    [TDH_PHYMEM_PAGE_RDMD] = {tdxemu_phymem_page_rdmd, 0, 0, 1},
    [TDH_VP_RD] = {tdxemu_vp_rd, 0, 0, 3},
    [TDH_MNG_KEY_RECLAIMID] = {tdxemu_mng_key_reclaimid, 0, 0, 0},
    [TDH_PHYMEM_PAGE_RECLAIM] = {tdxemu_phymem_page_reclaim, 0, 0, 2},
    [TDH_SYS_KEY_CONFIG] = {tdxemu_sys_key_config, 0, TDXEMU_PRE_READY, 2},
    [TDH_SYS_INFO] = {NULL, 0, TDXEMU_PRE_READY, 0},
    [TDH_SYS_INIT] = {tdxemu_sys_init, 0, TDXEMU_PRE_READY | TDXEMU_NO_LP_CHECK, 2},
    [TDH_SYS_RD] = {tdxemu_sys_rd, 0, TDXEMU_PRE_READY, 0},
    [TDH_SYS_LP_INIT] = {tdxemu_sys_lp_init, 0, TDXEMU_PRE_READY | TDXEMU_NO_LP_CHECK, 1},
    [TDH_SYS_TDMR_INIT] = {tdxemu_sys_tdmr_init, 0, 0, 1},
    [TDH_SYS_RDALL] = {NULL, 0, TDXEMU_PRE_READY, 0},
    [TDH_PHYMEM_CACHE_WB] = {tdxemu_phymem_cache_wb, 0, 0, 2},
    [TDH_PHYMEM_PAGE_WBINVD] = {tdxemu_phymem_page_wbinvd, 0, 0, 1},
    [TDH_VP_WR] = {tdxemu_vp_wr, 0, 0, 3},
    [TDH_SYS_LP_SHUTDOWN] = {NULL, 0, TDXEMU_PRE_READY, 0},
    [TDH_SYS_CONFIG] = {tdxemu_sys_config, 0, TDXEMU_PRE_READY | TDXEMU_NO_LP_CHECK, 1},
    [TDH_SYS_UPDATE] = {NULL, 0, TDXEMU_PRE_READY, 0},
};

static bool platform_ok(const struct tdxemu_platform *p)
{
    return p->this_lp && p->phys_to_virt && p->nr_lps && p->nr_pkgs && p->nr_tdx_keyids >= 2 &&
           !p->lock == !p->unlock;
}

void tdxemu_init(const struct tdxemu_platform *p)
{
    memset(&tdxemu, 0, sizeof(tdxemu));
    if (!p)
        return;
    if (!platform_ok(p)) {
        pr_err("tdx-emu: incomplete platform description; module not loaded");
        return;
    }
    tdxemu.plat = *p;
    if (!tdxemu.plat.phys_bits)
        tdxemu.plat.phys_bits = 46;
    tdxemu.plat.nr_lps = MIN(tdxemu.plat.nr_lps, TDXEMU_MAX_LPS);
    tdxemu.plat.nr_pkgs = MIN(tdxemu.plat.nr_pkgs, TDXEMU_MAX_PKGS);
    tdxemu.plat.nr_cmrs = MIN(tdxemu.plat.nr_cmrs, TDXEMU_MAX_CMRS);
    tdxemu.plat.nr_tdx_keyids = MIN(tdxemu.plat.nr_tdx_keyids, TDXEMU_MAX_KEYIDS);
    tdxemu.plat.stress_permille = MIN(tdxemu.plat.stress_permille, 1000u);
    tdxemu.pkg_all = tdxemu.plat.nr_pkgs >= 64 ? ~0ULL : (1ULL << tdxemu.plat.nr_pkgs) - 1;
    tdxemu_stress_seed(tdxemu.plat.stress_seed);
    tdxemu.loaded = true;
    pr_info("tdx-emu: module %u.%u.%u loaded: %u LPs, %u packages, KeyIDs %u+%u",
            TDXEMU_VERSION_MAJOR, TDXEMU_VERSION_MINOR, TDXEMU_VERSION_UPDATE, tdxemu.plat.nr_lps,
            tdxemu.plat.nr_pkgs, tdxemu.plat.tdx_keyid_start, tdxemu.plat.nr_tdx_keyids);
    if (tdxemu.plat.stress_permille)
        pr_info("tdx-emu: stress mode: %u/1000 of locks and entropy draws fail, seed %#llx",
                tdxemu.plat.stress_permille, (unsigned long long)tdxemu.plat.stress_seed);
}

void *tdxemu_map(uint64_t pa)
{
    return tdxemu.plat.phys_to_virt(tdxemu.plat.ctx, pa);
}

static bool lp_inited(void)
{
    return (tdxemu.lp_init[tdxemu.lp / 64] >> (tdxemu.lp % 64)) & 1;
}

static const struct emu_leaf *leaf_entry(uint64_t leaf)
{
    return leaf < TDXEMU_NR_LEAVES ? &leaf_table[leaf] : NULL;
}

/* The module dispatcher's checks, in its order; 0 = run the leaf. */
static uint64_t generic_checks(uint64_t fn, const struct emu_leaf *e)
{
    uint64_t bad_rax = tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RAX);

    if (fn & SEAMCALL_RSVD_MASK)
        return bad_rax;
    if (SEAMCALL_VERSION(fn) > (e ? e->max_version : 0))
        return bad_rax;
    if (tdxemu.state != TDXEMU_SYS_READY && !(e && (e->flags & TDXEMU_PRE_READY)))
        return TDX_SYS_NOT_READY;
    if (!e || !e->fn)
        return bad_rax;
    if (!(e->flags & TDXEMU_NO_LP_CHECK) && !lp_inited())
        return TDX_SYS_LP_INIT_NOT_DONE;
    return TDX_SUCCESS;
}

static uint64_t dispatch(uint64_t fn, struct tdx_args *a)
{
    const struct emu_leaf *e = leaf_entry(SEAMCALL_LEAF(fn));
    uint64_t st;

    tdxemu.plat.this_lp(tdxemu.plat.ctx, &tdxemu.lp, &tdxemu.pkg);
    if (tdxemu.lp >= tdxemu.plat.nr_lps || tdxemu.pkg >= tdxemu.plat.nr_pkgs)
        return TDX_SYS_LP_INIT_NOT_DONE; /* an LP the platform did not describe */
    st = generic_checks(fn, e);
    if (st == TDX_SUCCESS) {
        tdxemu_stress_arm(e->locks);
        return e->fn(a, SEAMCALL_VERSION(fn));
    }
    if (st == TDX_OPERAND_INVALID && e && !e->fn)
        pr_warn("tdx-emu: SEAMCALL leaf %llu is not emulated",
                (unsigned long long)SEAMCALL_LEAF(fn));
    return st;
}

uint64_t tdxemu_seamcall(uint64_t fn, struct tdx_args *a)
{
    uint64_t st;

    if (!tdxemu.loaded)
        return TDX_SEAMCALL_VMFAILINVALID;
    if (tdxemu.plat.lock)
        tdxemu.plat.lock(tdxemu.plat.ctx);
    st = dispatch(fn, a);
    if (tdxemu.plat.unlock)
        tdxemu.plat.unlock(tdxemu.plat.ctx);
    if (st & (1ULL << 63))
        pr_debug("tdx-emu: leaf %llu -> %#llx", (unsigned long long)SEAMCALL_LEAF(fn),
                 (unsigned long long)st);
    return st;
}
