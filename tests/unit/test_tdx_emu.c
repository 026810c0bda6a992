/* SPDX-License-Identifier: MIT */
/* unit-srcs: tdx/emu/tdx_emu.c tdx/emu/emu_sys.c tdx/emu/emu_tdmr.c tdx/emu/emu_pamt.c tdx/emu/emu_md.c tdx/emu/emu_td.c tdx/emu/emu_tdparams.c tdx/emu/emu_vp.c tdx/emu/emu_mem.c tdx/emu/emu_run.c tdx/emu/emu_tdcall.c tdx/emu/emu_stress.c lib/string.c tests/unit/tdx_emu_fixture.c */
/*
 * Emulated TDX module, global part: the module-initialization state
 * machine (SYS.INIT, LP.INIT, SYS.RD, SYS.CONFIG, KEY.CONFIG, TDMR.INIT),
 * TDMR_INFO validation and the dispatcher's generic checks, each wrong
 * order answered with the real module's status, on the fake platform of
 * tdx_emu_fixture.h. TD tests are in test_tdx_emu_td.c.
 */
#include "tests/unit/tdx_emu_fixture.h"

static int setup(void **state)
{
    fixture_load();
    return 0;
}

/* ------------------------------------------------------------ tests */

static void test_unloaded_is_vmfailinvalid(void **state)
{
    tdxemu_init(NULL);
    assert_status(call(TDH_SYS_INIT, 0, 0), TDX_SEAMCALL_VMFAILINVALID);
}

static void test_incomplete_platform_not_loaded(void **state)
{
    plat.phys_to_virt = NULL;
    tdxemu_init(&plat);
    assert_status(call(TDH_SYS_INIT, 0, 0), TDX_SEAMCALL_VMFAILINVALID);
}

static void test_undescribed_lp(void **state)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    cur_lp = NR_LPS; /* package 2 of 2 */
    assert_status(call(TDH_SYS_LP_INIT, 0, 0), TDX_SYS_LP_INIT_NOT_DONE);
}

static void test_full_init_order(void **state)
{
    bring_up();
    assert_status(call(TDH_SYS_TDMR_INIT, TDMR_BASE, 0), TDX_TDMR_ALREADY_INITIALIZED);
    cur_lp = 3;
    assert_ok(call(TDH_SYS_RD, 0, MD_NUM_PKGS));
    assert_int_equal(args.r8, 2);
}

/* A 2 GiB TDMR from 0: [0, 1 MiB) and the PAMT at 64 MiB reserved. */
static void two_gib_tdmr(void)
{
    struct tdmr_info *t = tdmr_set(0, 0, GiB(2), MiB(64));

    t->rsvd[0].offset = 0;
    t->rsvd[0].size = MiB(1);
    t->rsvd[1].offset = MiB(64);
    t->rsvd[1].size = MiB(16);
}

/* Calls TDMR.INIT of the TDMR at base n times; RDX of the last one. */
static uint64_t tdmr_init_n(uint64_t base, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        assert_ok(call(TDH_SYS_TDMR_INIT, base, 0));
    return args.rdx;
}

/*
 * tdh_sys_tdmr_init.c: 1024 4K PAMT entries (4 MiB) per call, RDX = next
 * address rounded down to 1 GiB; pamt_manager.c pamt_get_block: a 1 GiB
 * block is usable only once its whole PAMT is initialized.
 */
static void test_tdmr_init_progress(void **state)
{
    const unsigned per_gib = GiB(1) / MiB(4);

    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    two_gib_tdmr();
    assert_ok(sys_config(1, GLOBAL_KEYID));
    on_each_package(TDH_SYS_KEY_CONFIG, 0);
    assert_int_equal(tdmr_init_n(0, 1), 0); /* 4 MiB done: RDX does not move */
    assert_status(call(TDH_PHYMEM_PAGE_RDMD, MiB(1), 0),
                  TDX_OPERAND_ADDR_RANGE_ERROR | TDX_OPERAND_ID_RCX); /* block not complete */
    assert_int_equal(tdmr_init_n(0, per_gib - 2), 0);
    assert_int_equal(tdmr_init_n(0, 1), GiB(1)); /* the 256th call completes the first GiB */
    assert_ok(call(TDH_PHYMEM_PAGE_RDMD, MiB(1), 0));
    assert_int_equal(args.rcx, TDX_PT_NDA);
    assert_ok(call(TDH_PHYMEM_PAGE_RDMD, 0, 0));
    assert_int_equal(args.rcx, TDX_PT_RSVD);
    assert_int_equal(tdmr_init_n(0, 1), GiB(1));
    assert_status(call(TDH_PHYMEM_PAGE_RDMD, GiB(1), 0),
                  TDX_OPERAND_ADDR_RANGE_ERROR | TDX_OPERAND_ID_RCX);
    assert_int_equal(tdmr_init_n(0, per_gib - 1), GiB(2));
    assert_ok(call(TDH_PHYMEM_PAGE_RDMD, GiB(2) - PAGE_SIZE, 0));
    assert_status(call(TDH_SYS_TDMR_INIT, 0, 0), TDX_TDMR_ALREADY_INITIALIZED);
    assert_int_equal(args.rdx, 0);
    assert_status(call(TDH_SYS_TDMR_INIT, GiB(1), 0), TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
    assert_status(call(TDH_SYS_TDMR_INIT, PAGE_SIZE, 0), TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
}

static void test_sys_init_twice(void **state)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    assert_status(call(TDH_SYS_INIT, 0, 0), TDX_SYS_INIT_NOT_PENDING);
}

static void test_sys_init_attributes_reserved(void **state)
{
    assert_status(call(TDH_SYS_INIT, 1, 0), TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
    assert_ok(call(TDH_SYS_INIT, 0, 0));
}

static void test_lp_init_before_sys_init(void **state)
{
    assert_status(call(TDH_SYS_LP_INIT, 0, 0), TDX_SYS_LP_INIT_NOT_PENDING);
}

static void test_lp_init_twice(void **state)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    assert_ok(call(TDH_SYS_LP_INIT, 0, 0));
    assert_status(call(TDH_SYS_LP_INIT, 0, 0), TDX_SYS_LP_INIT_DONE);
}

/* tdh_sys_lp_init.c: sys_state != SYSINIT_DONE comes before the LP's own state. */
static void test_lp_init_after_config(void **state)
{
    configured();
    assert_status(call(TDH_SYS_LP_INIT, 0, 0), TDX_SYS_LP_INIT_NOT_PENDING); /* not _DONE */
    on_each_package(TDH_SYS_KEY_CONFIG, 0);
    cur_lp = 3;
    assert_status(call(TDH_SYS_LP_INIT, 0, 0), TDX_SYS_LP_INIT_NOT_PENDING);
}

/* MCHECK counts every LP the firmware enabled; an LP that never calls blocks SYS.CONFIG. */
static void test_config_counts_described_lps(void **state)
{
    plat.nr_lps = NR_LPS + 1; /* one more LP than ever makes a SEAMCALL */
    tdxemu_init(&plat);
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    default_tdmr();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_SYS_CONFIG_NOT_PENDING);
}

static void test_leaf_on_lp_without_lp_init(void **state)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    assert_status(call(TDH_SYS_RD, 0, MD_NUM_PKGS), TDX_SYS_LP_INIT_NOT_DONE);
    assert_ok(call(TDH_SYS_LP_INIT, 0, 0));
    cur_lp = 1;
    assert_status(call(TDH_SYS_KEY_CONFIG, 0, 0), TDX_SYS_LP_INIT_NOT_DONE);
}

static void test_config_before_all_lps(void **state)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    for (unsigned lp = 0; lp < NR_LPS - 1; lp++) {
        cur_lp = lp;
        assert_ok(call(TDH_SYS_LP_INIT, 0, 0));
    }
    default_tdmr();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_SYS_CONFIG_NOT_PENDING);
    cur_lp = NR_LPS - 1;
    assert_ok(call(TDH_SYS_LP_INIT, 0, 0));
    assert_ok(sys_config(1, GLOBAL_KEYID));
}

static void test_config_twice(void **state)
{
    configured();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_SYS_CONFIG_NOT_PENDING);
}

static void test_config_before_sys_init(void **state)
{
    default_tdmr();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_SYS_CONFIG_NOT_PENDING);
}

static void test_key_config_before_config(void **state)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(call(TDH_SYS_KEY_CONFIG, 0, 0), TDX_SYS_KEY_CONFIG_NOT_PENDING);
}

static void test_key_config_twice_on_package(void **state)
{
    configured();
    assert_ok(call(TDH_SYS_KEY_CONFIG, 0, 0));
    cur_lp = 1; /* same package */
    assert_status(call(TDH_SYS_KEY_CONFIG, 0, 0), TDX_KEY_CONFIGURED);
    assert_status(call(TDH_MNG_CREATE, 0, 0), TDX_SYS_NOT_READY);
    cur_lp = 3;
    assert_ok(call(TDH_SYS_KEY_CONFIG, 0, 0)); /* last package: SYS_READY */
    assert_status(call(TDH_SYS_KEY_CONFIG, 0, 0), TDX_SYS_KEY_CONFIG_NOT_PENDING);
    assert_status(call(TDH_SYS_TDMR_INIT, TDMR_BASE, 0), TDX_SUCCESS);
}

static void config_expect(uint64_t want)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(sys_config(2, GLOBAL_KEYID), want);
}

static void test_tdmr_misordered(void **state)
{
    default_tdmr();
    tdmr_set(1, 0, GiB(1), MiB(512)); /* below TDMR 0 */
    config_expect(TDX_NON_ORDERED_TDMR | 1);
}

static void test_tdmr_overlapping(void **state)
{
    default_tdmr();
    tdmr_set(1, TDMR_BASE, GiB(1), MiB(512));
    config_expect(TDX_NON_ORDERED_TDMR | 1);
}

static void test_tdmr_outside_cmrs(void **state)
{
    default_tdmr();
    tdmr_set(1, GiB(2), GiB(1), MiB(512)); /* CMR ends at 2 GiB */
    config_expect(TDX_TDMR_OUTSIDE_CMRS | 1);
}

static void test_tdmr_first_mib_not_convertible(void **state)
{
    struct tdmr_info *t = tdmr_set(0, 0, GiB(2), MiB(64));

    t->rsvd[0].offset = MiB(64);
    t->rsvd[0].size = MiB(16);
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_TDMR_OUTSIDE_CMRS | 0);
    two_gib_tdmr();
    assert_ok(sys_config(1, GLOBAL_KEYID));
}

static void test_tdmr_not_gib_aligned(void **state)
{
    tdmr_set(0, TDMR_BASE + MiB(2), GiB(1), MiB(512));
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_INVALID_TDMR | 0);
}

static void test_pamt_too_small(void **state)
{
    default_tdmr()->pamt_4k_size -= PAGE_SIZE;
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_INVALID_PAMT | PAMT_4K << 8);
}

static void test_pamt_in_available_area(void **state)
{
    default_tdmr()->rsvd[0].size = MiB(2); /* PAMT_4K spills into usable memory */
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_PAMT_OVERLAP | PAMT_4K << 8);
}

static void test_pamts_overlap(void **state)
{
    struct tdmr_info *t = default_tdmr();

    t->pamt_2m_base = t->pamt_4k_base;
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_PAMT_OVERLAP | PAMT_4K << 8);
}

static void test_pamt_outside_cmrs(void **state)
{
    struct tdmr_info *t = default_tdmr();

    t->pamt_1g_base = 0; /* first MiB: not convertible */
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_PAMT_OUTSIDE_CMRS | PAMT_1G << 8);
}

static void test_reserved_areas_rules(void **state)
{
    struct tdmr_info *t = default_tdmr();

    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    t->rsvd[1].offset = MiB(4); /* overlaps area 0 */
    t->rsvd[1].size = MiB(1);
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_NON_ORDERED_RESERVED_IN_TDMR | 1 << 8);
    t->rsvd[1].offset = MiB(16) + 1; /* not 4K aligned */
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_INVALID_RESERVED_IN_TDMR | 1 << 8);
    t->rsvd[1].offset = GiB(1) - PAGE_SIZE; /* runs past the TDMR */
    t->rsvd[1].size = 2 * PAGE_SIZE;
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_INVALID_RESERVED_IN_TDMR | 1 << 8);
    t->rsvd[1].size = 0; /* a hole in the list */
    t->rsvd[2].offset = MiB(16);
    t->rsvd[2].size = PAGE_SIZE;
    assert_status(sys_config(1, GLOBAL_KEYID), TDX_NON_ORDERED_RESERVED_IN_TDMR | 1 << 8);
}

static void test_config_operands(void **state)
{
    default_tdmr();
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(sys_config(1, KEYID_START - 1), TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8);
    assert_status(sys_config(1, KEYID_START + NR_KEYIDS), TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8);
    assert_status(sys_config(1, GLOBAL_KEYID | 1 << 16), TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8);
    assert_status(sys_config(0, GLOBAL_KEYID), TDX_OPERAND_INVALID | TDX_OPERAND_ID_RDX);
    assert_status(sys_config(65, GLOBAL_KEYID), TDX_OPERAND_INVALID | TDX_OPERAND_ID_RDX);
    assert_status(call4(TDH_SYS_CONFIG, ARRAY_PA + 8, 1, GLOBAL_KEYID, 0),
                  TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
    assert_ok(sys_config(1, GLOBAL_KEYID)); /* failures left CONFIG pending */
}

static void test_non_sys_leaf_before_ready(void **state)
{
    assert_status(call(TDH_MNG_CREATE, TDMR_BASE + MiB(16), KEYID_START + 1), TDX_SYS_NOT_READY);
    configured();
    assert_status(call(TDH_SYS_TDMR_INIT, TDMR_BASE, 0), TDX_SYS_NOT_READY);
    assert_status(call(TDH_PHYMEM_CACHE_WB, 0, 0), TDX_SYS_NOT_READY);
}

static void test_unknown_and_malformed_leaves(void **state)
{
    uint64_t bad_rax = TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX;

    assert_status(call(99, 0, 0), TDX_SYS_NOT_READY); /* gated first, like the module */
    bring_up();
    assert_status(call(99, 0, 0), bad_rax);
    assert_status(call(TDH_MEM_PAGE_AUG, 0, 0), bad_rax); /* real leaf, not emulated */
    assert_status(call(TDH_SYS_RD | 1ULL << 24, 0, MD_NUM_PKGS), bad_rax);
    assert_status(call(TDH_SYS_RD | 1ULL << 16, 0, MD_NUM_PKGS), bad_rax);
    assert_status(call(TDH_VP_ENTER, 0, 0), bad_rax); /* no vp_enter callback */
}

static void test_sys_rd_iteration(void **state)
{
    uint64_t id, n = 0, features = 0;

    configured();
    assert_status(call(TDH_SYS_RD, 0, 0), TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
    id = args.rdx;
    assert_int_equal(id, MD_NUM_PKGS);
    while (id != MD_FIELD_ID_NA) {
        assert_ok(call(TDH_SYS_RD, 0, id));
        if (id == MD_TDX_FEATURES0)
            features = args.r8;
        id = args.rdx;
        n++;
    }
    /* 21 scalars, one CMR base and size, 4 CPUID leaves with 2 values each */
    assert_int_equal(n, 21 + 2 + 4 * 3);
    assert_true(features & TDX_FEATURES0_NO_RBP_MOD);
}

static uint64_t rd(uint64_t id)
{
    assert_ok(call(TDH_SYS_RD, 0, id));
    return args.r8;
}

static void test_sys_rd_values(void **state)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_int_equal(rd(MD_MAJOR_VERSION), 1);
    assert_int_equal(rd(MD_MINOR_VERSION), 5);
    assert_int_equal(rd(MD_NUM_CMRS), 1);
    assert_int_equal(rd(MD_CMR_BASE(0)), MiB(1));
    assert_int_equal(rd(MD_CMR_SIZE(0)), MEM_SIZE - MiB(1));
    assert_int_equal(rd(MD_MAX_TDMRS), 64);
    assert_int_equal(rd(MD_MAX_RESERVED_PER_TDMR), 16);
    assert_int_equal(rd(MD_PAMT_4K_ENTRY_SIZE), 16);
    assert_int_equal(rd(MD_TDR_BASE_SIZE), 4096);
    assert_int_equal(rd(MD_TDCS_BASE_SIZE), 6 * 4096);
    assert_int_equal(rd(MD_TDVPS_BASE_SIZE), 6 * 4096);
    assert_int_equal(rd(MD_NUM_CPUID_CONFIG), 4);
    assert_int_equal(rd(MD_CPUID_CONFIG_LEAVES(0)), 0xFFFFFFFF00000001ULL);
    assert_int_equal(rd(MD_CPUID_CONFIG_VALUES(0, 1)), 0x72D81201);
    assert_int_equal(rd(MD_MAX_VCPUS_PER_TD), 576);
    assert_int_equal(rd(MD_XFAM_FIXED0), 0x6DBE7); /* TDX_XFAM_FIXED0, td_control_structures.h */
    assert_int_equal(rd(MD_XFAM_FIXED1), 3);
    /* KVM-style IDs without the element-size bits name the same field */
    assert_int_equal(rd(MD_MAX_TDMRS & ~(3ULL << 32)), 64);
}

static void test_sys_rd_unknown_field(void **state)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    assert_status(call(TDH_SYS_RD, 0, MD_CMR_BASE(1)), TDX_METADATA_FIELD_ID_INCORRECT);
    assert_int_equal(args.rdx, MD_FIELD_ID_NA);
    assert_status(call(TDH_SYS_RD, 0, 0x1234000100000077ULL), TDX_METADATA_FIELD_ID_INCORRECT);
}

static void test_pages_need_tdmr_init(void **state)
{
    configured();
    on_each_package(TDH_SYS_KEY_CONFIG, 0);
    /* SYS_READY, but the PAMT of the TDMR is not initialized yet */
    assert_status(call(TDH_MNG_CREATE, TDMR_BASE + MiB(16), KEYID_START + 1),
                  TDX_OPERAND_ADDR_RANGE_ERROR | TDX_OPERAND_ID_RCX);
    tdmr_init_all();
    assert_ok(call(TDH_MNG_CREATE, TDMR_BASE + MiB(16), KEYID_START + 1));
}

static void test_pamt_marks_reserved_and_free(void **state)
{
    bring_up();
    assert_ok(call(TDH_PHYMEM_PAGE_RDMD, TDMR_BASE, 0)); /* PAMT itself: reserved */
    assert_int_equal(args.rcx, TDX_PT_RSVD);
    assert_ok(call(TDH_PHYMEM_PAGE_RDMD, TDMR_BASE + RSVD_SIZE, 0));
    assert_int_equal(args.rcx, TDX_PT_NDA);
    assert_status(call(TDH_PHYMEM_PAGE_RDMD, MiB(32), 0),
                  TDX_OPERAND_ADDR_RANGE_ERROR | TDX_OPERAND_ID_RCX);
    assert_status(call(TDH_MNG_CREATE, TDMR_BASE, KEYID_START + 1),
                  TDX_PAGE_METADATA_INCORRECT | TDX_OPERAND_ID_RCX);
}

static int lock_depth, lock_calls;

static void fake_lock(void *ctx)
{
    lock_depth++;
    lock_calls++;
}

static void fake_unlock(void *ctx)
{
    lock_depth--;
}

static void test_lock_callbacks_bracket_calls(void **state)
{
    plat.lock = fake_lock;
    plat.unlock = fake_unlock;
    tdxemu_init(&plat);
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    assert_status(call(TDH_SYS_INIT, 0, 0), TDX_SYS_INIT_NOT_PENDING);
    assert_int_equal(lock_calls, 2);
    assert_int_equal(lock_depth, 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_unloaded_is_vmfailinvalid),
        T(test_incomplete_platform_not_loaded),
        T(test_undescribed_lp),
        T(test_full_init_order),
        T(test_tdmr_init_progress),
        T(test_sys_init_twice),
        T(test_sys_init_attributes_reserved),
        T(test_lp_init_before_sys_init),
        T(test_lp_init_twice),
        T(test_lp_init_after_config),
        T(test_config_counts_described_lps),
        T(test_leaf_on_lp_without_lp_init),
        T(test_config_before_all_lps),
        T(test_config_twice),
        T(test_config_before_sys_init),
        T(test_key_config_before_config),
        T(test_key_config_twice_on_package),
        T(test_tdmr_misordered),
        T(test_tdmr_overlapping),
        T(test_tdmr_outside_cmrs),
        T(test_tdmr_first_mib_not_convertible),
        T(test_tdmr_not_gib_aligned),
        T(test_pamt_too_small),
        T(test_pamt_in_available_area),
        T(test_pamts_overlap),
        T(test_pamt_outside_cmrs),
        T(test_reserved_areas_rules),
        T(test_config_operands),
        T(test_non_sys_leaf_before_ready),
        T(test_unknown_and_malformed_leaves),
        T(test_sys_rd_iteration),
        T(test_sys_rd_values),
        T(test_sys_rd_unknown_field),
        T(test_pages_need_tdmr_init),
        T(test_pamt_marks_reserved_and_free),
        T(test_lock_callbacks_bracket_calls),
    };

    return cmocka_run_group_tests(tests, fixture_group_setup, fixture_group_teardown);
}
