/* SPDX-License-Identifier: MIT */
/* unit-srcs: tdx/emu/tdx_emu.c tdx/emu/emu_sys.c tdx/emu/emu_tdmr.c tdx/emu/emu_pamt.c tdx/emu/emu_md.c tdx/emu/emu_td.c tdx/emu/emu_tdparams.c tdx/emu/emu_vp.c tdx/emu/emu_mem.c tdx/emu/emu_run.c tdx/emu/emu_tdcall.c tdx/emu/emu_stress.c lib/string.c tests/unit/tdx_emu_fixture.c */
/*
 * Emulated TDX module, stress mode (platform stress_permille): a host that
 * retries lost races and resumes CACHE.WB, as a correct host does, still
 * initializes the module, builds, runs and tears down TDs, with nothing
 * leaked; every status the mode produces is one the real module returns on
 * that leaf (with the operand the module names), each is produced, and a
 * TD entry cut short by an async exit leaves the guest as it was.
 */
#include <string.h>

#include "tests/unit/tdx_emu_fixture.h"

#define EXIT_HLT 12
#define EXIT_TDCALL 77
#define VMCALL_R12 (1ULL << 12)
#define INITS 200        /* SYS.INIT .. SYS.KEY.CONFIG only */
#define ROUNDS 10        /* whole module initializations */
#define CYCLES 20        /* TDs built, run and torn down per initialization */
#define PERMILLE 200     /* 20 % of calls, CACHE.WB sub-blocks and TD entries lose a race */
#define MAX_ENTRIES 1000 /* VP.ENTER attempts for one guest step */
#define ANSWER 0xA000000000ULL

/* What the observer saw of the stress statuses. */
enum kind { K_BUSY, K_SYS_BUSY, K_RND, K_KEYGEN, K_INTERRUPTED, K_ASYNC, NR_KINDS };
static unsigned produced[NR_KINDS];
static unsigned async_reasons[80];

/* The statuses only a lost race gives, per leaf (module source of each in emu_stress.c). */
struct legal {
    uint16_t leaf;
    uint64_t st[6];
};
#define BUSY(op) (TDX_OPERAND_BUSY | (op))
static const struct legal legal[] = {
    {TDH_SYS_INIT, {TDX_SYS_BUSY, TDX_RND_NO_ENTROPY}},
    {TDH_SYS_LP_INIT, {TDX_SYS_BUSY}},
    {TDH_SYS_CONFIG, {TDX_SYS_BUSY}},
    {TDH_SYS_KEY_CONFIG, {TDX_SYS_BUSY, BUSY(TDX_OPERAND_ID_KET), TDX_KEY_GENERATION_FAILED}},
    {TDH_SYS_TDMR_INIT, {BUSY(TDX_OPERAND_ID_RCX)}},
    {TDH_MNG_CREATE, {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_KOT), TDX_RND_NO_ENTROPY}},
    {TDH_MNG_KEY_CONFIG,
     {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_KET), TDX_KEY_GENERATION_FAILED}},
    {TDH_MNG_ADDCX, {BUSY(TDX_OPERAND_ID_RDX), BUSY(TDX_OPERAND_ID_RCX)}},
    {TDH_MNG_INIT, {BUSY(TDX_OPERAND_ID_RCX)}},
    {TDH_MNG_RD, {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_OP_STATE)}},
    {TDH_VP_CREATE,
     {BUSY(TDX_OPERAND_ID_RDX), BUSY(TDX_OPERAND_ID_OP_STATE), BUSY(TDX_OPERAND_ID_RCX)}},
    {TDH_VP_ADDCX,
     {BUSY(TDX_OPERAND_ID_RDX), BUSY(TDX_OPERAND_ID_TDR), BUSY(TDX_OPERAND_ID_OP_STATE),
      BUSY(TDX_OPERAND_ID_RCX)}},
    {TDH_VP_INIT,
     {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_TDR), BUSY(TDX_OPERAND_ID_OP_STATE)}},
    {TDH_MEM_SEPT_ADD,
     {BUSY(TDX_OPERAND_ID_RDX), BUSY(TDX_OPERAND_ID_OP_STATE), BUSY(TDX_OPERAND_ID_SEPT_TREE),
      BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_R8)}},
    {TDH_MEM_PAGE_ADD, {BUSY(TDX_OPERAND_ID_RDX), BUSY(TDX_OPERAND_ID_R8)}},
    {TDH_MR_EXTEND, {BUSY(TDX_OPERAND_ID_RDX)}},
    {TDH_MR_FINALIZE, {BUSY(TDX_OPERAND_ID_RCX)}},
    {TDH_VP_ENTER,
     {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_TDR), BUSY(TDX_OPERAND_ID_OP_STATE),
      BUSY(TDX_OPERAND_ID_TD_EPOCH)}},
    {TDH_VP_FLUSH, {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_TDR)}},
    {TDH_VP_RD,
     {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_TDR), BUSY(TDX_OPERAND_ID_OP_STATE)}},
    {TDH_VP_WR,
     {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_TDR), BUSY(TDX_OPERAND_ID_OP_STATE)}},
    {TDH_MNG_VPFLUSHDONE, {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_KOT)}},
    {TDH_PHYMEM_CACHE_WB,
     {BUSY(TDX_OPERAND_ID_WBCACHE), BUSY(TDX_OPERAND_ID_KOT), TDX_INTERRUPTED_RESUMABLE}},
    {TDH_MNG_KEY_FREEID, {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_KOT)}},
    {TDH_PHYMEM_PAGE_RECLAIM, {BUSY(TDX_OPERAND_ID_RCX), BUSY(TDX_OPERAND_ID_TDR)}},
    {TDH_PHYMEM_PAGE_WBINVD, {BUSY(TDX_OPERAND_ID_RCX)}},
    {TDH_PHYMEM_PAGE_RDMD, {BUSY(TDX_OPERAND_ID_RCX)}},
};

/* Async TD exits the module reports with TDX_SUCCESS that can come at any TD entry. */
static bool async_reason(uint64_t reason)
{
    return reason == 3 || reason == 6 || reason == 42 || reason == 74 || reason == 75;
}

static bool race_status(uint64_t st)
{
    uint64_t s = st & TDX_STATUS_MASK;

    return s == TDX_OPERAND_BUSY || s == TDX_SYS_BUSY || s == TDX_RND_NO_ENTROPY ||
           s == TDX_KEY_GENERATION_FAILED || s == TDX_INTERRUPTED_RESUMABLE ||
           s == TDX_OPERAND_BUSY_HOST_PRIORITY || s == 0x8000020100000000ULL /* TLB epoch */;
}

static enum kind kind_of(uint64_t st)
{
    switch (st & TDX_STATUS_MASK) {
    case TDX_SYS_BUSY:
        return K_SYS_BUSY;
    case TDX_RND_NO_ENTROPY:
        return K_RND;
    case TDX_KEY_GENERATION_FAILED:
        return K_KEYGEN;
    case TDX_INTERRUPTED_RESUMABLE:
        return K_INTERRUPTED;
    default:
        return K_BUSY;
    }
}

static unsigned legal_seen[ARRAY_SIZE(legal)][6];

/* Is st one of leaf's race statuses? Counts it. */
static bool legal_on(uint64_t leaf, uint64_t st)
{
    for (unsigned i = 0; i < ARRAY_SIZE(legal); i++) {
        if (legal[i].leaf != leaf)
            continue;
        for (unsigned j = 0; j < ARRAY_SIZE(legal[i].st); j++) {
            if (legal[i].st[j] && legal[i].st[j] == st) {
                legal_seen[i][j]++;
                return true;
            }
        }
    }
    return false;
}

/* An async exit before the guest ran: exit information only, all of it 0. */
static void check_async(uint64_t st)
{
    assert_true(async_reason(st));
    assert_int_equal(args.rcx, 0); /* OTHER_SMI: not an MSMI; NOTIFICATION: context valid */
    assert_int_equal(args.rdx, 0);
    assert_int_equal(args.r8, 0);
    assert_int_equal(args.r9, 0);
    produced[K_ASYNC]++;
    async_reasons[st]++;
}

static void observe(uint64_t fn, uint64_t st)
{
    uint64_t leaf = SEAMCALL_LEAF(fn);

    if (leaf == TDH_VP_ENTER && async_reason(st)) {
        check_async(st);
        return;
    }
    if (!race_status(st))
        return;
    if (!legal_on(leaf, st))
        fail_msg("leaf %llu returned %#llx, which the module never returns there",
                 (unsigned long long)leaf, (unsigned long long)st);
    produced[kind_of(st)]++;
}

/* ------------------------------------------------ the guest: one TDG.VP.VMCALL, then HLT */

static unsigned runs;
static uint64_t answer_seen, rax_seen;
static bool in_vmcall;

static int guest_run(void *ctx, const struct tdxemu_vcpu *vc, struct tdxemu_exit *x)
{
    struct tdxemu_gprs *g = vc->gprs;

    runs++;
    if (!in_vmcall) {
        g->rax = 0; /* TDG.VP.VMCALL exposing R12 */
        g->rcx = VMCALL_R12;
        g->r12 = runs;
        x->tdcall = true;
        in_vmcall = true;
        return 0;
    }
    answer_seen = g->r12;
    rax_seen = g->rax;
    x->reason = EXIT_HLT;
    in_vmcall = false;
    return 0;
}

/*
 * VP.ENTER as a host does it: again after a lost race, and again (with
 * registers that must not matter) after an async exit that came before
 * the guest ran.
 */
static uint64_t enter(uint64_t tdvpr, uint64_t r12)
{
    for (unsigned i = 0; i < MAX_ENTRIES; i++) {
        unsigned before = runs;
        uint64_t st;

        memset(&args, 0, sizeof(args));
        args.rcx = tdvpr;
        args.r12 = r12;
        st = tdxemu_seamcall(TDH_VP_ENTER, &args);
        observe(TDH_VP_ENTER, st);
        if (async_reason(st)) {
            assert_int_equal(runs, before); /* the guest did not run */
            r12 = 0xBAD;                    /* the VMCALL answer was taken already */
            continue;
        }
        if ((st & TDX_STATUS_MASK) != TDX_OPERAND_BUSY)
            return st;
    }
    fail_msg("VP.ENTER never got through");
    return 0;
}

/* The guest's TDG.VP.VMCALL reaches the host once and the answer reaches the guest once. */
static void vmcall_round_trip(struct td *td)
{
    uint64_t asked;

    assert_int_equal(enter(td->tdvpr, 0), EXIT_TDCALL);
    assert_int_equal(args.rcx, VMCALL_R12);
    asked = args.r12;
    assert_int_equal(enter(td->tdvpr, ANSWER | asked), EXIT_HLT);
    assert_int_equal(answer_seen, ANSWER | asked);
    assert_int_equal(rax_seen, TDX_SUCCESS);
}

/* ------------------------------------------------ leak checks */

/* Every page of the TDMR outside its reserved area is free again, every guest KeyID too. */
static void assert_nothing_leaked(void)
{
    const struct tdxemu_pamt *p = va(TDMR_BASE); /* PAMT_4K of the default TDMR */

    for (uint64_t pa = TDMR_BASE + RSVD_SIZE; pa < TDMR_BASE + GiB(1); pa += PAGE_SIZE) {
        const struct tdxemu_pamt *e = &p[(pa - TDMR_BASE) >> PAGE_SHIFT];
        if (e->type != TDX_PT_NDA || e->owner)
            fail_msg("page %#llx still has type %u owner %#llx", (unsigned long long)pa, e->type,
                     (unsigned long long)e->owner);
    }
    for (unsigned i = 1; i < NR_KEYIDS; i++) {
        assert_int_equal(tdxemu.kot[i].state, TDXEMU_HKID_FREE);
        assert_int_equal(tdxemu.kot[i].wbinvd, 0);
    }
    for (unsigned pkg = 0; pkg < 2; pkg++)
        assert_int_equal(tdxemu.wb_intr[pkg], 0);
}

static void stressed_platform(uint64_t seed, unsigned permille)
{
    fixture_load();
    plat.vp_run = guest_run;
    plat.stress_seed = seed;
    plat.stress_permille = permille;
    tdxemu_init(&plat);
    fixture_retry = true;
    fixture_observe = observe;
    runs = 0;
    in_vmcall = false;
}

/* One TD: build, a VMCALL round trip, some metadata, teardown, all pages back. */
static void td_cycle(void)
{
    struct td td;

    next_page = POOL_PA; /* the same pages again: everything was reclaimed */
    td_build(&td);
    vmcall_round_trip(&td);
    assert_ok(call(TDH_VP_RD, td.tdvpr, 2));
    assert_ok(call4(TDH_VP_WR, td.tdvpr, 2, 0xF2, 0xFF));
    assert_int_equal(mng_rd(&td, MD_TD_NUM_VCPUS), 1);
    assert_ok(call(TDH_PHYMEM_PAGE_RDMD, td.page[0], 0));
    assert_int_equal(args.rcx, TDX_PT_REG);
    td_release_hkid(&td);
    td_reclaim_all(&td);
    assert_nothing_leaked();
}

static void test_stress_init_build_teardown(void **state)
{
    memset(produced, 0, sizeof(produced));
    memset(async_reasons, 0, sizeof(async_reasons));
    memset(legal_seen, 0, sizeof(legal_seen));
    for (unsigned i = 0; i < INITS; i++) { /* the global leaves run a few times per init */
        stressed_platform(0x1417 + i, PERMILLE);
        configured();
        on_each_package(TDH_SYS_KEY_CONFIG, 0);
    }
    for (unsigned round = 0; round < ROUNDS; round++) {
        stressed_platform(0x5EED0000 + round, PERMILLE);
        bring_up();
        for (unsigned c = 0; c < CYCLES; c++)
            td_cycle();
    }
    /* every lost race of every leaf happened, and only those (observe) */
    for (unsigned i = 0; i < ARRAY_SIZE(legal); i++)
        for (unsigned j = 0; j < ARRAY_SIZE(legal[i].st); j++)
            if (legal[i].st[j] && !legal_seen[i][j])
                fail_msg("leaf %u never returned %#llx", legal[i].leaf,
                         (unsigned long long)legal[i].st[j]);
    for (unsigned k = 0; k < NR_KINDS; k++)
        assert_true(produced[k] > 0);
    for (unsigned r = 0; r < ARRAY_SIZE(async_reasons); r++)
        if (async_reason(r) && !async_reasons[r])
            fail_msg("async exit %u never produced", r);
}

/* Off (permille 0): not one lost race in the same work. */
static void test_stress_off_produces_nothing(void **state)
{
    memset(produced, 0, sizeof(produced));
    stressed_platform(1, 0);
    bring_up();
    td_cycle();
    for (unsigned k = 0; k < NR_KINDS; k++)
        assert_int_equal(produced[k], 0);
}

/* The same seed gives the same run; another seed another one. */
static uint64_t busy_trace(uint64_t seed)
{
    uint64_t h = 0;

    stressed_platform(seed, PERMILLE);
    fixture_retry = false;
    for (unsigned i = 0; i < 64; i++)
        h = h * 31 + call(TDH_SYS_INIT, 0, 0);
    return h;
}

static void test_stress_deterministic(void **state)
{
    assert_int_equal(busy_trace(7), busy_trace(7));
    assert_int_not_equal(busy_trace(7), busy_trace(8));
}

/* fn(rcx) past lost locks: the first status that is not TDX_OPERAND_BUSY. */
static uint64_t past_busy(uint64_t fn, uint64_t rcx)
{
    uint64_t st;

    do
        st = call(fn, rcx, 0);
    while ((st & TDX_STATUS_MASK) == TDX_OPERAND_BUSY);
    return st;
}

/* Resumes (RCX = 1) until the write-back completes. */
static void cache_wb_finish(void)
{
    uint64_t st;

    while ((st = past_busy(TDH_PHYMEM_CACHE_WB, 1)) == TDX_INTERRUPTED_RESUMABLE)
        ;
    assert_ok(st);
}

/*
 * tdh_phymem_cache_wb.c: an interrupted write-back keeps its progress for
 * a resume (RCX = 1) and does not count until it completes; a start
 * (RCX = 0) begins again from the first sub-block; a resume with nothing
 * interrupted is TDX_WBCACHE_RESUME_ERROR.
 */
static void test_cache_wb_resume(void **state)
{
    uint32_t progress;
    struct td td;

    stressed_platform(0xCAC4E, 600);
    bring_up();
    td_build(&td);
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0));
    assert_ok(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0));
    fixture_retry = false;
    assert_status(past_busy(TDH_PHYMEM_CACHE_WB, 0), TDX_INTERRUPTED_RESUMABLE);
    assert_true(tdxemu.wb_intr[0] > 0);
    assert_status(past_busy(TDH_MNG_KEY_FREEID, td.tdr), TDX_WBCACHE_NOT_COMPLETE);
    cache_wb_finish();
    assert_int_equal(tdxemu.wb_intr[0], 0);
    assert_status(past_busy(TDH_PHYMEM_CACHE_WB, 1), TDX_WBCACHE_RESUME_ERROR); /* done */
    cur_lp = 2;
    assert_status(past_busy(TDH_PHYMEM_CACHE_WB, 0), TDX_INTERRUPTED_RESUMABLE);
    while (tdxemu.wb_intr[1] < 2) /* progress beyond the first sub-block... */
        assert_status(past_busy(TDH_PHYMEM_CACHE_WB, 1), TDX_INTERRUPTED_RESUMABLE);
    progress = tdxemu.wb_intr[1];
    do /* ...a start drops it (a resume only adds to it) */
        assert_status(past_busy(TDH_PHYMEM_CACHE_WB, 0), TDX_INTERRUPTED_RESUMABLE);
    while (tdxemu.wb_intr[1] >= progress);
    cache_wb_finish();
    assert_status(past_busy(TDH_MNG_KEY_FREEID, td.tdr), TDX_SUCCESS);
    cur_lp = 0;
    fixture_retry = true;
    td_reclaim_all(&td);
    assert_nothing_leaked();
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_stress_init_build_teardown),
        T(test_stress_off_produces_nothing),
        T(test_stress_deterministic),
        T(test_cache_wb_resume),
    };

    return cmocka_run_group_tests(tests, fixture_group_setup, fixture_group_teardown);
}
