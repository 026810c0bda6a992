/* SPDX-License-Identifier: MIT */
/* unit-srcs: tdx/emu/tdx_emu.c tdx/emu/emu_sys.c tdx/emu/emu_tdmr.c tdx/emu/emu_pamt.c tdx/emu/emu_md.c tdx/emu/emu_td.c tdx/emu/emu_tdparams.c tdx/emu/emu_vp.c tdx/emu/emu_mem.c tdx/emu/emu_run.c tdx/emu/emu_tdcall.c tdx/emu/emu_stress.c lib/string.c tests/unit/tdx_emu_fixture.c */
/*
 * Emulated TDX module, TD part: building a TD (create, key config, TDCS,
 * MNG.INIT, vCPUs, S-EPT, PAGE.ADD, MR.EXTEND, finalize), the op-state and
 * lifecycle gates, page ownership, and teardown in the order KVM uses,
 * with every out-of-order step answered by the real module's status, on the
 * fake platform of tdx_emu_fixture.h, brought up before each test.
 */
#include <string.h>

#include "tests/unit/tdx_emu_fixture.h"

static unsigned enter_calls;

/* A scripted platform vp_run: step i sets guest registers and ends with its exit. */
struct run_step {
    bool tdcall, fail, nested;
    uint64_t rax, rcx, rdx, r10, r11, r12, r13;
    uint32_t reason;
    struct tdxemu_ve ve;
};
static struct run_step script[8];
static struct tdxemu_gprs seen[8]; /* the guest registers each step started with */
static struct tdxemu_vcpu last_vc;
static uint64_t flushed_tdvpr;
static unsigned step;

/* What LP 1 tries on the TDVPR while the vCPU runs on LP 0 (a step with .nested). */
static const uint64_t nested_leaf[] = {TDH_VP_FLUSH, TDH_VP_RD, TDH_VP_ENTER};
static uint64_t nested_status[ARRAY_SIZE(nested_leaf)];

static void fake_flush(void *ctx, const struct tdxemu_vcpu *vc)
{
    flushed_tdvpr = vc->tdvpr;
}

static void guest_sets(struct tdxemu_gprs *g, const struct run_step *s)
{
    g->rax = s->rax;
    g->rcx = s->rcx;
    g->rdx = s->rdx;
    g->r10 = s->r10;
    g->r11 = s->r11;
    g->r12 = s->r12;
    g->r13 = s->r13;
}

static int fake_run(void *ctx, const struct tdxemu_vcpu *vc, struct tdxemu_exit *x)
{
    const struct run_step *s = &script[step];

    last_vc = *vc;
    seen[step++] = *vc->gprs;
    enter_calls++;
    if (s->nested) { /* another LP while this vCPU runs: the module lock is free */
        unsigned lp = cur_lp;
        cur_lp = 1;
        for (unsigned i = 0; i < ARRAY_SIZE(nested_leaf); i++) {
            struct tdx_args a = {.rcx = vc->tdvpr, .rdx = 2 /* POSTED_INTR_NV */};
            nested_status[i] = tdxemu_seamcall(nested_leaf[i], &a);
        }
        cur_lp = lp;
    }
    if (s->fail)
        return -1;
    if (s->ve.valid)
        *vc->ve = s->ve;
    guest_sets(vc->gprs, s);
    x->tdcall = s->tdcall;
    x->reason = s->reason;
    x->qual = 0x55;
    x->gpa = 0x2000;
    x->intr_info = 0x800000EF;
    return 0;
}

static int setup(void **state)
{
    fixture_load();
    enter_calls = 0;
    bring_up();
    return 0;
}

/* ------------------------------------------------------------ tests */

static void test_td_build(void **state)
{
    struct td td;

    td_build(&td);
    assert_int_equal(mng_rd(&td, MD_TD_OP_STATE), OP_RUNNABLE);
    assert_int_equal(mng_rd(&td, MD_TD_LIFECYCLE_STATE), TD_KEYS_CONFIGURED);
    assert_int_equal(mng_rd(&td, MD_TD_NUM_VCPUS), 1);
    assert_int_equal(mng_rd(&td, MD_TD_CHLDCNT), 6 + 1 + 5 + 3 + 2);
    assert_int_equal(mng_rd(&td, MD_TD_HKID), HKID);
    assert_int_equal(((uint8_t *)va(td.page[0]))[100], 0xAB);
    assert_int_equal(((uint8_t *)va(td.page[1]))[4095], 0xCD);
    assert_ok(call(TDH_PHYMEM_PAGE_RDMD, td.sept[2], 0));
    assert_int_equal(args.rcx, TDX_PT_EPT);
    assert_int_equal(args.rdx, td.tdr);
}

static void test_measurement(void **state)
{
    struct td a, b;
    uint64_t mr_a, mr_b;

    td_build(&a);
    mr_a = mng_rd(&a, MD_TD_MRTD(0));
    assert_int_not_equal(mr_a, 0);
    td_alloc(&b);
    td_create(&b, HKID + 1);
    assert_ok(call(TDH_MNG_INIT, b.tdr, PARAMS_PA));
    vcpu_add(&b);
    sept_add(&b);
    page_add(&b, 0, 0xAB);
    extend(&b, 0);
    page_add(&b, 1, 0xCE); /* unmeasured content: same MRTD */
    assert_ok(call(TDH_MR_FINALIZE, b.tdr, 0));
    mr_b = mng_rd(&b, MD_TD_MRTD(0));
    assert_int_equal(mr_a, mr_b);
    assert_ok(call(TDH_MNG_RD, b.tdr, MD_TD_MRTD(5)));
    assert_int_equal(args.rdx, MD_TD_MRCONFIGID(0)); /* next field */
}

static void test_create_operands(void **state)
{
    struct td td;

    td_alloc(&td);
    assert_status(call(TDH_MNG_CREATE, td.tdr, KEYID_START + NR_KEYIDS),
                  TDX_OPERAND_INVALID | TDX_OPERAND_ID_RDX);
    assert_status(call(TDH_MNG_CREATE, td.tdr, KEYID_START), TDX_HKID_NOT_FREE); /* global */
    assert_status(call(TDH_MNG_CREATE, td.tdr + 8, HKID), TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
    assert_status(call(TDH_MNG_CREATE, MiB(64), HKID),
                  TDX_OPERAND_ADDR_RANGE_ERROR | TDX_OPERAND_ID_RCX);
    assert_status(call(TDH_MNG_CREATE, TDMR_BASE + PAGE_SIZE, HKID),
                  TDX_PAGE_METADATA_INCORRECT | TDX_OPERAND_ID_RCX); /* PAMT */
    assert_ok(call(TDH_MNG_CREATE, td.tdr, HKID));
    assert_status(call(TDH_MNG_CREATE, td.tdcx[0], HKID), TDX_HKID_NOT_FREE);
    assert_status(call(TDH_MNG_CREATE, td.tdr, HKID + 1),
                  TDX_PAGE_METADATA_INCORRECT | TDX_OPERAND_ID_RCX);
}

static void test_key_config_per_package(void **state)
{
    struct td td;

    td_alloc(&td);
    assert_ok(call(TDH_MNG_CREATE, td.tdr, HKID));
    assert_ok(call(TDH_MNG_KEY_CONFIG, td.tdr, 0));
    cur_lp = 1;
    assert_status(call(TDH_MNG_KEY_CONFIG, td.tdr, 0), TDX_KEY_CONFIGURED);
    assert_status(call(TDH_MNG_ADDCX, td.tdcx[0], td.tdr), TDX_TD_KEYS_NOT_CONFIGURED);
    cur_lp = 3;
    assert_ok(call(TDH_MNG_KEY_CONFIG, td.tdr, 0));
    /* all packages keyed: the TD left HKID_ASSIGNED, as in the module */
    assert_status(call(TDH_MNG_KEY_CONFIG, td.tdr, 0), TDX_LIFECYCLE_STATE_INCORRECT);
    assert_ok(call(TDH_MNG_ADDCX, td.tdcx[0], td.tdr));
}

static void test_tdcs_pages(void **state)
{
    struct td td;

    td_alloc(&td);
    assert_ok(call(TDH_MNG_CREATE, td.tdr, HKID));
    on_each_package(TDH_MNG_KEY_CONFIG, td.tdr);
    params();
    assert_status(call(TDH_MNG_INIT, td.tdr, PARAMS_PA), TDX_TDCS_NOT_ALLOCATED);
    assert_status(call(TDH_MNG_RD, td.tdr, MD_TD_OP_STATE), TDX_TDCS_NOT_ALLOCATED);
    for (unsigned i = 0; i < 6; i++)
        assert_ok(call(TDH_MNG_ADDCX, td.tdcx[i], td.tdr));
    assert_status(call(TDH_MNG_ADDCX, td.vcx[0], td.tdr), TDX_TDCX_NUM_INCORRECT);
    assert_status(call(TDH_MNG_ADDCX, td.vcx[0], td.tdcx[0]),
                  TDX_PAGE_METADATA_INCORRECT | TDX_OPERAND_ID_RDX);
    assert_status(call(TDH_VP_CREATE, td.tdvpr, td.tdr), TDX_OP_STATE_INCORRECT);
    assert_ok(call(TDH_MNG_INIT, td.tdr, PARAMS_PA));
    assert_status(call(TDH_MNG_INIT, td.tdr, PARAMS_PA), TDX_OP_STATE_INCORRECT);
}

static uint64_t mng_init(struct td *td)
{
    return call(TDH_MNG_INIT, td->tdr, PARAMS_PA);
}

static void test_td_params_checks(void **state)
{
    uint64_t inval = TDX_OPERAND_INVALID;
    struct td td;

    td_create(td_alloc(&td), HKID);
    params()->attributes |= 1ULL << 2; /* not in ATTRIBUTES_FIXED0 */
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_ATTRIBUTES);
    params()->xfam = 1; /* SSE is fixed-1 */
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_XFAM);
    params()->xfam = 3 | 1ULL << 5; /* half of AVX-512 */
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_XFAM);
    params()->max_vcpus = 0;
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_MAX_VCPUS);
    params()->eptp_controls = EPTP_MEMTYPE_WB | 2 << 3; /* 3-level */
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_EPTP_CONTROLS);
    params()->config_flags |= TD_CONFIG_FLAGS_GPAW; /* 52-bit GPA needs 5 levels */
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_EPTP_CONTROLS);
    params()->tsc_frequency = 1;
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_TSC_FREQUENCY);
    params()->reserved1[3] = 1;
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_RDX);
    assert_status(call(TDH_MNG_INIT, td.tdr, PARAMS_PA + 512), inval | TDX_OPERAND_ID_RDX);
    params()->cpuid_config[1].ebx = 1; /* CPUID(7,0).EBX[0] is not configurable */
    assert_status(mng_init(&td), inval | TDX_OPERAND_ID_CPUID_CONFIG);
    assert_int_equal(args.rcx, 7);
    params();
    assert_ok(mng_init(&td));
    assert_int_equal(mng_rd(&td, MD_TD_XFAM), 3);
    assert_int_equal(mng_rd(&td, MD_TD_MAX_VCPUS), 2);
}

/* helpers.c check_xfam against TDX_XFAM_FIXED0 = 0x6DBE7 (td_control_structures.h). */
static void test_xfam_rules(void **state)
{
    static const struct {
        uint64_t xfam;
        bool ok;
    } cases[] = {
        {3 | 1ULL << 8, true},               /* PT: in FIXED0 */
        {3 | 1ULL << 14 | 1ULL << 15, true}, /* ULI, LBR: in FIXED0 */
        {3 | 1ULL << 3, false},              /* MPX: not in FIXED0 */
        {3 | 1ULL << 13, false},             /* HDC */
        {3 | 7ULL << 5, false},              /* AVX-512 without AVX */
        {7 | 7ULL << 5, true},
        {3 | 1ULL << 11, false}, /* CET_U without CET_S */
        {3 | 3ULL << 11, true},
        {3 | 1ULL << 18, false}, /* XTILEDATA without XTILECFG */
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        struct td td; /* a TD per value: a valid one initializes it */
        td_create(td_alloc(&td), HKID + i);
        params()->xfam = cases[i].xfam;
        assert_status(mng_init(&td),
                      cases[i].ok ? TDX_SUCCESS : TDX_OPERAND_INVALID | TDX_OPERAND_ID_XFAM);
    }
}

static void test_vcpu_rules(void **state)
{
    struct td td;
    uint64_t second = page_alloc(), third = page_alloc();

    td_init(td_alloc(&td));
    assert_ok(call(TDH_VP_CREATE, td.tdvpr, td.tdr));
    assert_status(call(TDH_VP_INIT, td.tdvpr, 0), TDX_TDCX_NUM_INCORRECT);
    for (unsigned i = 0; i < 5; i++)
        assert_ok(call(TDH_VP_ADDCX, td.vcx[i], td.tdvpr));
    assert_status(call(TDH_VP_ADDCX, td.page[0], td.tdvpr), TDX_TDCX_NUM_INCORRECT);
    assert_ok(call(TDH_VP_INIT, td.tdvpr, 0));
    /* tdh_vp_init.c / tdh_vp_addcx.c: TDX_VCPU_STATE_INCORRECT without an operand */
    assert_status(call(TDH_VP_INIT, td.tdvpr, 0), TDX_VCPU_STATE_INCORRECT);
    assert_status(call(TDH_VP_ADDCX, td.page[0], td.tdvpr), TDX_VCPU_STATE_INCORRECT);
    assert_ok(call(TDH_VP_CREATE, second, td.tdr));
    for (unsigned i = 0; i < 5; i++)
        assert_ok(call(TDH_VP_ADDCX, page_alloc(), second));
    assert_ok(call(TDH_VP_INIT, second, 0));
    assert_ok(call(TDH_VP_CREATE, third, td.tdr));
    for (unsigned i = 0; i < 5; i++)
        assert_ok(call(TDH_VP_ADDCX, page_alloc(), third));
    assert_status(call(TDH_VP_INIT, third, 0), TDX_MAX_VCPUS_EXCEEDED); /* max_vcpus 2 */
}

/* The 1.5.01 dispatcher takes no version above 0 for TDH.VP.INIT (no x2APIC ID in R8). */
static void test_vp_init_version_1_rejected(void **state)
{
    struct td td;

    td_init(td_alloc(&td));
    assert_ok(call(TDH_VP_CREATE, td.tdvpr, td.tdr));
    for (unsigned i = 0; i < 5; i++)
        assert_ok(call(TDH_VP_ADDCX, td.vcx[i], td.tdvpr));
    assert_status(call4(TDH_VP_INIT | 1 << 16, td.tdvpr, 0, 7, 0),
                  TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX);
    assert_int_equal(mng_rd(&td, MD_TD_NUM_VCPUS), 0);
    assert_ok(call(TDH_VP_INIT, td.tdvpr, 0));
}

/* tdh_mr_finalize.c: a TD without an initialized vCPU cannot be finalized. */
static void test_finalize_needs_a_vcpu(void **state)
{
    struct td td;

    td_init(td_alloc(&td));
    assert_status(call(TDH_MR_FINALIZE, td.tdr, 0), TDX_NO_VCPUS);
    vcpu_add(&td);
    assert_ok(call(TDH_MR_FINALIZE, td.tdr, 0));
}

static void test_sept_and_page_add_rules(void **state)
{
    struct td td;

    td_init(td_alloc(&td));
    assert_status(call4(TDH_MEM_PAGE_ADD, 0, td.tdr, td.page[0], SRC_PA),
                  TDX_EPT_WALK_FAILED | TDX_OPERAND_ID_RCX);
    assert_int_equal(args.rdx, 3); /* missing below the root (level 3) */
    assert_status(call4(TDH_MEM_SEPT_ADD, 1, td.tdr, td.sept[0], 0),
                  TDX_EPT_WALK_FAILED | TDX_OPERAND_ID_RCX);
    assert_status(call4(TDH_MEM_SEPT_ADD, PAGE_SIZE | 1, td.tdr, td.sept[0], 0),
                  TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX); /* level 1 wants 2 MiB alignment */
    assert_status(call4(TDH_MEM_SEPT_ADD, 4, td.tdr, td.sept[0], 0),
                  TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX); /* above the root */
    sept_add(&td);
    assert_status(call4(TDH_MEM_SEPT_ADD, 1, td.tdr, td.page[0], 0),
                  TDX_EPT_ENTRY_STATE_INCORRECT | TDX_OPERAND_ID_RCX);
    page_add(&td, 0, 1);
    assert_status(call4(TDH_MEM_PAGE_ADD, 0, td.tdr, td.page[1], SRC_PA),
                  TDX_EPT_ENTRY_STATE_INCORRECT | TDX_OPERAND_ID_RCX);
    assert_status(call4(TDH_MEM_PAGE_ADD, 1ULL << 47, td.tdr, td.page[1], SRC_PA),
                  TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX); /* shared GPA */
    assert_status(call4(TDH_MEM_PAGE_ADD, PAGE_SIZE, td.tdr, td.page[0], SRC_PA),
                  TDX_PAGE_METADATA_INCORRECT | TDX_OPERAND_ID_R8);
    assert_status(call4(TDH_MEM_PAGE_ADD, PAGE_SIZE, td.tdr, td.page[1], SRC_PA + 1),
                  TDX_OPERAND_INVALID | TDX_OPERAND_ID_R9);
    assert_status(call4(TDH_MEM_PAGE_ADD, PAGE_SIZE, td.tdr, td.page[1],
                        SRC_PA | (uint64_t)KEYID_START << 46),
                  TDX_OPERAND_INVALID | TDX_OPERAND_ID_R9); /* private KeyID source */
}

static void test_mr_extend_rules(void **state)
{
    struct td td;

    td_init(td_alloc(&td));
    sept_add(&td);
    assert_status(call(TDH_MR_EXTEND, 0, td.tdr), TDX_EPT_WALK_FAILED | TDX_OPERAND_ID_RCX);
    page_add(&td, 0, 1);
    assert_status(call(TDH_MR_EXTEND, 128, td.tdr), TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
    extend(&td, 0);
}

static void test_after_finalize(void **state)
{
    struct td td;

    td_build(&td);
    memset(va(SRC_PA), 0, PAGE_SIZE);
    assert_status(call4(TDH_MEM_PAGE_ADD, 2 * PAGE_SIZE, td.tdr, page_alloc(), SRC_PA),
                  TDX_OP_STATE_INCORRECT);
    assert_status(call(TDH_VP_CREATE, page_alloc(), td.tdr), TDX_OP_STATE_INCORRECT);
    assert_status(call(TDH_MR_EXTEND, 0, td.tdr), TDX_OP_STATE_INCORRECT);
    assert_status(call(TDH_MR_FINALIZE, td.tdr, 0), TDX_OP_STATE_INCORRECT);
    assert_ok(call4(TDH_MEM_SEPT_ADD, GiB(1) | 2, td.tdr, page_alloc(), 0)); /* S-EPT may grow */
}

static void test_teardown_in_order(void **state)
{
    struct td td;

    td_build(&td);
    td_release_hkid(&td);
    assert_int_equal(mng_rd(&td, MD_TD_LIFECYCLE_STATE), TD_TEARDOWN);
    td_reclaim_all(&td);
    assert_ok(call(TDH_PHYMEM_PAGE_RDMD, td.tdr, 0));
    assert_int_equal(args.rcx, TDX_PT_NDA);
    assert_status(call(TDH_PHYMEM_PAGE_RECLAIM, td.tdr, 0),
                  TDX_PAGE_METADATA_INCORRECT | TDX_OPERAND_ID_RCX);
}

static void test_reclaim_tdr_first(void **state)
{
    struct td td;

    td_build(&td);
    td_release_hkid(&td);
    assert_status(call(TDH_PHYMEM_PAGE_RECLAIM, td.tdr, 0), TDX_TD_ASSOCIATED_PAGES_EXIST);
    assert_int_equal(args.rcx, TDX_PT_TDR);
    td_reclaim_all(&td);
}

static void test_reclaim_before_freeid(void **state)
{
    struct td td;

    td_build(&td);
    assert_status(call(TDH_PHYMEM_PAGE_RECLAIM, td.page[0], 0), TDX_LIFECYCLE_STATE_INCORRECT);
    assert_status(call(TDH_PHYMEM_PAGE_RECLAIM, td.tdr, 0), TDX_LIFECYCLE_STATE_INCORRECT);
    assert_status(call(TDH_MNG_KEY_FREEID, td.tdr, 0), TDX_LIFECYCLE_STATE_INCORRECT);
    assert_status(call(TDH_PHYMEM_PAGE_WBINVD, td.page[0], 0),
                  TDX_PAGE_METADATA_INCORRECT | TDX_OPERAND_ID_RCX);
}

static void test_freeid_before_cache_wb(void **state)
{
    struct td td;

    td_build(&td);
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0));
    assert_ok(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0));
    assert_status(call(TDH_MNG_KEY_FREEID, td.tdr, 0), TDX_WBCACHE_NOT_COMPLETE);
    assert_ok(call(TDH_PHYMEM_CACHE_WB, 0, 0));
    assert_status(call(TDH_MNG_KEY_FREEID, td.tdr, 0), TDX_WBCACHE_NOT_COMPLETE);
    cur_lp = 3;
    assert_ok(call(TDH_PHYMEM_CACHE_WB, 0, 0));
    assert_ok(call(TDH_MNG_KEY_FREEID, td.tdr, 0));
    assert_status(call(TDH_PHYMEM_CACHE_WB, 0, 0), TDX_NO_HKID_READY_TO_WBCACHE);
}

static void test_cache_wb_operands(void **state)
{
    assert_status(call(TDH_PHYMEM_CACHE_WB, 0, 0), TDX_NO_HKID_READY_TO_WBCACHE);
    assert_status(call(TDH_PHYMEM_CACHE_WB, 1, 0), TDX_WBCACHE_RESUME_ERROR);
    assert_status(call(TDH_PHYMEM_CACHE_WB, 2, 0), TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
}

static void test_flush_on_associated_lp(void **state)
{
    struct td td;

    td_build(&td); /* VP.INIT ran on LP 0 and associated the vCPU there */
    assert_int_equal(mng_rd(&td, MD_TD_NUM_ASSOC_VCPUS), 1);
    assert_status(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0), TDX_FLUSHVP_NOT_DONE);
    cur_lp = 1;
    assert_status(call(TDH_VP_FLUSH, td.tdvpr, 0), TDX_VCPU_NOT_ASSOCIATED);
    cur_lp = 0;
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0));
    assert_status(call(TDH_VP_FLUSH, td.tdvpr, 0), TDX_VCPU_NOT_ASSOCIATED);
    assert_ok(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0));
    assert_status(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0), TDX_LIFECYCLE_STATE_INCORRECT);
    assert_status(call(TDH_VP_FLUSH, td.tdvpr, 0), TDX_TD_KEYS_NOT_CONFIGURED);
}

static void test_hkid_reuse_after_teardown(void **state)
{
    struct td td, again;

    td_build(&td);
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0));
    assert_ok(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0));
    td_alloc(&again);
    assert_status(call(TDH_MNG_CREATE, again.tdr, HKID), TDX_HKID_NOT_FREE); /* flushed, not free */
    on_each_package(TDH_PHYMEM_CACHE_WB, 0);
    assert_ok(call(TDH_MNG_KEY_FREEID, td.tdr, 0));
    td_reclaim_all(&td);
    td_create(&again, HKID);
    assert_ok(call(TDH_MNG_INIT, again.tdr, PARAMS_PA));
}

static void test_teardown_of_partial_td(void **state)
{
    struct td td;

    td_alloc(&td);
    assert_ok(call(TDH_MNG_CREATE, td.tdr, HKID));
    assert_ok(call(TDH_MNG_KEY_CONFIG, td.tdr, 0)); /* only one package keyed */
    assert_ok(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0));
    on_each_package(TDH_PHYMEM_CACHE_WB, 0);
    assert_ok(call(TDH_MNG_KEY_FREEID, td.tdr, 0));
    reclaim(td.tdr, TDX_PT_TDR, 0);
}

static void run_platform(void)
{
    plat.vp_run = fake_run;
    plat.vp_flush = fake_flush;
    tdxemu_init(&plat);
    bring_up();
    memset(script, 0, sizeof(script));
    step = 0;
}

static void test_vp_enter_rules(void **state)
{
    struct td td;

    run_platform();
    td_init(td_alloc(&td));
    vcpu_add(&td);
    script[0].reason = script[1].reason = 12; /* HLT */
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), TDX_OP_STATE_INCORRECT);
    assert_ok(call(TDH_MR_FINALIZE, td.tdr, 0));
    cur_lp = 1;
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), TDX_VCPU_ASSOCIATED);
    cur_lp = 0;
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), 12);
    assert_int_equal(enter_calls, 1);
    /* async exit: exit information only */
    assert_int_equal(args.rcx, 0x55);
    assert_int_equal(args.r8, 0x2000);
    assert_int_equal(args.r9, 0); /* no interruption information for HLT */
    /* the platform gets the S-EPT as an EPT pointer (WB, 4-level) and the TDCX pages */
    assert_int_equal(last_vc.eptp, td.tdcx[TDCX_SEPT] | 6 | 3 << 3);
    assert_int_equal(last_vc.pages[0], td.vcx[0]);
    assert_int_equal(last_vc.gpa_width, 48);
    /* reset state of VP.INIT: RBX = GPAW, RCX = R8 = VMM value, RSI = index */
    assert_int_equal(seen[0].rbx, 48);
    assert_int_equal(seen[0].rcx, 0x1234);
    assert_int_equal(seen[0].r8, 0x1234);
    assert_int_equal(seen[0].rsi, 0);
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0));
    assert_int_equal(flushed_tdvpr, td.tdvpr);
    cur_lp = 1; /* migrate: flushed on the old LP, entered on the new one */
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), 12);
    assert_status(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0), TDX_FLUSHVP_NOT_DONE);
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0));
}

/* A TD vCPU ready to enter, with this script. */
static void run_td(struct td *td)
{
    run_platform();
    td_init(td_alloc(td));
    vcpu_add(td);
    assert_ok(call(TDH_MR_FINALIZE, td->tdr, 0));
}

static void test_tdcall_served_in_module(void **state)
{
    struct td td;

    run_td(&td);
    script[0] = (struct run_step){.tdcall = true, .rax = 1};           /* TDG.VP.INFO */
    script[1] = (struct run_step){.tdcall = true, .rax = 0x55};        /* unknown leaf */
    script[2] = (struct run_step){.tdcall = true, .rax = 1 | 1 << 16}; /* version 1 */
    script[3] = (struct run_step){.tdcall = true, .rax = 3};           /* VEINFO.GET: none */
    script[4] = (struct run_step){.reason = 1};                        /* external interrupt */
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), 1);
    assert_int_equal(enter_calls, 5); /* one VP.ENTER, the TDCALLs never left the module */
    assert_int_equal(seen[2].rax, TDX_OPERAND_INVALID | 0);
    assert_int_equal(seen[3].rax, TDX_OPERAND_INVALID | 0);
    assert_int_equal(seen[4].rax, TDX_NO_VALID_VE_INFO);
    assert_int_equal(seen[4].rax, 0xC000070400000000ULL);
}

/* tdg_vp_info.c: every output register as the module sets it; R12 and R13 are not outputs. */
static void test_vp_info_outputs(void **state)
{
    struct td td;

    run_td(&td);
    script[0] = (struct run_step){
        .tdcall = true, .rax = 1, .r10 = 0x77, .r11 = 0x88, .r12 = 0x99, .r13 = 0xAA};
    script[1] = (struct run_step){.reason = 1};
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), 1);
    assert_int_equal(seen[1].rax, TDX_SUCCESS);
    assert_int_equal(seen[1].rcx, 48);                      /* GPA width */
    assert_int_equal(seen[1].rdx, TD_ATTR_SEPT_VE_DISABLE); /* attributes */
    assert_int_equal(seen[1].r8, 2ULL << 32 | 1);           /* MAX_VCPUS 63:32, NUM_VCPUS 31:0 */
    assert_int_equal(seen[1].r9, 0);                        /* vCPU index */
    assert_int_equal(seen[1].r10, 1);                       /* TDG.SYS.RD available */
    assert_int_equal(seen[1].r11, 0);
    assert_int_equal(seen[1].r12, 0x99);
    assert_int_equal(seen[1].r13, 0xAA);
}

static void test_veinfo_get(void **state)
{
    struct tdxemu_ve ve = {1, 12, 0x11, 0x22, 0x33, 1, 7};
    struct td td;

    run_td(&td);
    script[0] = (struct run_step){.tdcall = true, .rax = 3, .ve = ve};
    script[1] = (struct run_step){.tdcall = true, .rax = 3};
    script[2] = (struct run_step){.reason = 1};
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), 1);
    assert_int_equal(seen[1].rax, TDX_SUCCESS);
    assert_int_equal(seen[1].rcx, 12);
    assert_int_equal(seen[1].rdx, 0x11);
    assert_int_equal(seen[1].r8, 0x22);
    assert_int_equal(seen[1].r9, 0x33);
    assert_int_equal(seen[1].r10, 7ULL << 32 | 1);
    assert_int_equal(seen[2].rax, TDX_NO_VALID_VE_INFO); /* consumed */
}

/* async_tdexit_to_vmm: R9 = VM-exit interruption information for reasons 0, 1, 6 and 42 only. */
static void test_exit_interruption_info(void **state)
{
    static const struct {
        uint32_t reason;
        bool r9;
    } cases[] = {{1, true}, {0, true}, {6, true}, {42, true}, {48, false}, {12, false}};
    struct td td;

    run_td(&td);
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        step = 0;
        script[0] = (struct run_step){.reason = cases[i].reason};
        assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), cases[i].reason);
        assert_int_equal(args.r9, cases[i].r9 ? 0x800000EF : 0);
        assert_int_equal(args.rcx, 0x55);
    }
}

static void test_tdvmcall_exit_and_return(void **state)
{
    const uint64_t bitmap = 0xFC04; /* RDX, R10-R15 */
    struct td td;

    run_td(&td);
    script[0] = (struct run_step){
        .tdcall = true, .rax = 0, .rcx = bitmap, .rdx = 7, .r10 = 0, .r11 = 30, .r12 = 1};
    script[1] = (struct run_step){.reason = 12};
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), 77); /* TDCALL exit, status SUCCESS */
    assert_int_equal(args.rcx, bitmap);
    assert_int_equal(args.rdx, 7);
    assert_int_equal(args.r11, 30);
    assert_int_equal(args.r12, 1);
    assert_int_equal(args.rbx, 0); /* not exposed: zero, not the guest's GPAW */
    assert_int_equal(args.rsi, 0);
    /* the VMM answers in the same registers; only exposed ones reach the guest */
    memset(&args, 0, sizeof(args));
    args.rcx = td.tdvpr;
    args.r10 = 0;
    args.r11 = 0x41;
    args.rbx = 0xBAD;
    assert_status(tdxemu_seamcall(TDH_VP_ENTER, &args), 12);
    assert_int_equal(seen[1].rax, TDX_SUCCESS);
    assert_int_equal(seen[1].r11, 0x41);
    assert_int_equal(seen[1].rdx, 0);
    assert_int_equal(seen[1].rbx, 48); /* kept */
    assert_int_equal(seen[1].rcx, bitmap);
}

static void test_tdvmcall_bad_bitmap(void **state)
{
    struct td td;

    run_td(&td);
    script[0] = (struct run_step){.tdcall = true, .rcx = 0xFC02}; /* RCX */
    script[1] = (struct run_step){.tdcall = true, .rcx = 0xFC10}; /* RSP */
    script[2] = (struct run_step){.tdcall = true, .rcx = 1ULL << 32};
    script[3] = (struct run_step){.reason = 1};
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), 1);
    for (unsigned i = 1; i <= 3; i++)
        assert_int_equal(seen[i].rax, TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
}

/*
 * VP.ENTER holds the TDVPR lock shared while the vCPU runs: an exclusive
 * user (VP.FLUSH) finds it busy (operand: its register), shared users
 * (VP.RD, VP.ENTER) get in and find the vCPU associated with another LP.
 */
static void test_vp_busy_while_running(void **state)
{
    struct td td;

    run_td(&td);
    script[0] = (struct run_step){.reason = 1, .nested = true};
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), 1);
    assert_int_equal(nested_status[0], TDX_OPERAND_BUSY | TDX_OPERAND_ID_RCX);
    assert_int_equal(nested_status[1], TDX_VCPU_ASSOCIATED);
    assert_int_equal(nested_status[2], TDX_VCPU_ASSOCIATED);
    assert_int_equal(enter_calls, 1);
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0)); /* back on LP 0 after the run */
}

static void test_entry_failure_disables_vcpu(void **state)
{
    struct td td;

    run_td(&td);
    script[0] = (struct run_step){.fail = true};
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), TDX_NON_RECOVERABLE_VCPU);
    /* helpers.c check_and_associate_vcpu: no operand (not the vCPU state) in the status */
    assert_status(call(TDH_VP_ENTER, td.tdvpr, 0), TDX_VCPU_STATE_INCORRECT);
    assert_ok(call(TDH_VP_RD, td.tdvpr, 2)); /* a disabled vCPU can still be read */
    assert_status(call4(TDH_VP_WR, td.tdvpr, 2, 1, ~0ULL), TDX_VCPU_STATE_INCORRECT);
}

/* tdh_vp_rd_wr.c: VP.RD/WR associate the vCPU with their LP, like VP.ENTER. */
static void test_vp_rd_wr_associate(void **state)
{
    const uint64_t pi_nv = 2;
    struct td td;

    td_build(&td);
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0));
    assert_int_equal(mng_rd(&td, MD_TD_NUM_ASSOC_VCPUS), 0);
    cur_lp = 3;
    assert_ok(call(TDH_VP_RD, td.tdvpr, pi_nv)); /* associates it with LP 3 */
    assert_int_equal(mng_rd(&td, MD_TD_NUM_ASSOC_VCPUS), 1);
    cur_lp = 0;
    assert_status(call4(TDH_VP_WR, td.tdvpr, pi_nv, 1, ~0ULL), TDX_VCPU_ASSOCIATED);
    assert_status(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0), TDX_FLUSHVP_NOT_DONE);
    cur_lp = 3;
    assert_ok(call(TDH_VP_FLUSH, td.tdvpr, 0));
    assert_ok(call(TDH_MNG_VPFLUSHDONE, td.tdr, 0));
}

static void test_vp_rd_wr(void **state)
{
    const uint64_t pi_nv = 0x0000000000000002ULL; /* VMCS POSTED_INTR_NV, class 0 */
    const uint64_t pend_nmi = (uint64_t)TDVPS_CLASS_MANAGEMENT << 56 | TDVPS_MGMT_PEND_NMI;
    const uint64_t details = 1ULL << 63 | (uint64_t)TDVPS_CLASS_OTHER_GUEST << 56 | 0x100;
    struct td td;

    td_build(&td);
    assert_ok(call4(TDH_VP_WR, td.tdvpr, pi_nv, 0xF2, 0xFFFF));
    assert_ok(call4(TDH_VP_WR, td.tdvpr, pi_nv, 0x1FF, 0xFF)); /* masked write */
    assert_int_equal(args.r8, 0xF2);
    assert_ok(call(TDH_VP_RD, td.tdvpr, pi_nv));
    assert_int_equal(args.r8, 0xFF);
    assert_ok(call4(TDH_VP_WR, td.tdvpr, pend_nmi, 1, ~0ULL));
    assert_ok(call(TDH_VP_RD, td.tdvpr, details));
    assert_int_equal(args.r8, 0);
    assert_status(call4(TDH_VP_WR, td.tdvpr, details, 1, ~0ULL), TDX_METADATA_FIELD_NOT_WRITABLE);
    assert_status(call(TDH_VP_RD, td.tdvpr, 16ULL << 56), TDX_METADATA_FIELD_ID_INCORRECT);
    assert_status(call(TDH_VP_RD, td.tdr, pi_nv), TDX_PAGE_METADATA_INCORRECT | TDX_OPERAND_ID_RCX);
}

static void test_mng_rd_gates(void **state)
{
    struct td td;

    td_alloc(&td);
    assert_ok(call(TDH_MNG_CREATE, td.tdr, HKID));
    assert_int_equal(mng_rd(&td, MD_TD_LIFECYCLE_STATE), TD_HKID_ASSIGNED);
    assert_status(call(TDH_MNG_RD, td.tdr, MD_TD_OP_STATE), TDX_TD_KEYS_NOT_CONFIGURED);
    assert_status(call(TDH_MNG_RD, td.tdr, 0x1234ULL), TDX_METADATA_FIELD_ID_INCORRECT);
    assert_status(call(TDH_MNG_RD, td.tdr, 0), TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
    assert_int_equal(args.rdx, MD_TD_NUM_TDCX);
    /* KVM's TDCS_EXEC(TSC_OFFSET) form: class 17, field 10, no size bits */
    on_each_package(TDH_MNG_KEY_CONFIG, td.tdr);
    for (unsigned i = 0; i < 6; i++)
        assert_ok(call(TDH_MNG_ADDCX, td.tdcx[i], td.tdr));
    params();
    assert_ok(mng_init(&td));
    assert_int_equal(mng_rd(&td, 17ULL << 56 | 10), 0);
    assert_int_equal(mng_rd(&td, MD_TD_TSC_MULTIPLIER), 1ULL << 48);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_td_build),
        T(test_measurement),
        T(test_create_operands),
        T(test_key_config_per_package),
        T(test_tdcs_pages),
        T(test_td_params_checks),
        T(test_xfam_rules),
        T(test_vcpu_rules),
        T(test_vp_init_version_1_rejected),
        T(test_finalize_needs_a_vcpu),
        T(test_sept_and_page_add_rules),
        T(test_mr_extend_rules),
        T(test_after_finalize),
        T(test_teardown_in_order),
        T(test_reclaim_tdr_first),
        T(test_reclaim_before_freeid),
        T(test_freeid_before_cache_wb),
        T(test_cache_wb_operands),
        T(test_flush_on_associated_lp),
        T(test_hkid_reuse_after_teardown),
        T(test_teardown_of_partial_td),
        T(test_vp_enter_rules),
        T(test_tdcall_served_in_module),
        T(test_vp_info_outputs),
        T(test_veinfo_get),
        T(test_exit_interruption_info),
        T(test_tdvmcall_exit_and_return),
        T(test_tdvmcall_bad_bitmap),
        T(test_vp_busy_while_running),
        T(test_entry_failure_disables_vcpu),
        T(test_vp_rd_wr_associate),
        T(test_vp_rd_wr),
        T(test_mng_rd_gates),
    };

    return cmocka_run_group_tests(tests, fixture_group_setup, fixture_group_teardown);
}
