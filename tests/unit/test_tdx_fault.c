/* SPDX-License-Identifier: MIT */
/* unit-srcs: tdx/module/tdx_fault.c tdx/module/tdx_leaf_names.c tdx/module/tdx_status.c lib/shell_parse.c lib/string.c */
/* tdx.fail= parsing and counting, SEAMCALL leaf names and status names both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "lib/errno.h"
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_fault.h"

static struct tdx_fault parse_ok(const char *spec)
{
    struct tdx_fault f;

    memset(&f, 0xa5, sizeof(f));
    assert_int_equal(tdx_fault_parse(spec, &f), 0);
    assert_true(f.armed);
    assert_int_equal(f.calls, 0);
    return f;
}

static void test_parse_name_default_nth(void **state)
{
    struct tdx_fault f = parse_ok("TDH.SYS.INIT:TDX_SYS_BUSY");

    assert_int_equal(f.leaf, TDH_SYS_INIT);
    assert_int_equal(f.status, TDX_SYS_BUSY);
    assert_int_equal(f.nth, 1);
}

static void test_parse_hex_status_and_nth(void **state)
{
    struct tdx_fault f = parse_ok("TDH.PHYMEM.PAGE.RECLAIM:0xC000010000000001:300");

    assert_int_equal(f.leaf, TDH_PHYMEM_PAGE_RECLAIM);
    assert_int_equal(f.status, TDX_OPERAND_INVALID | TDX_OPERAND_ID_RCX);
    assert_int_equal(f.nth, 300);
    assert_int_equal(parse_ok("TDH.SYS.INIT:0xc000030000000000").status,
                     TDX_PAGE_METADATA_INCORRECT);
    f = parse_ok("TDH.SYS.KEY.CONFIG:TDX_KEY_GENERATION_FAILED:0x2");
    assert_int_equal(f.nth, 2);
}

/* Every init step and teardown step the e2e tests and docs name. */
static void test_parse_every_step(void **state)
{
    static const struct {
        const char *spec;
        uint64_t leaf;
    } steps[] = {
        {"TDH.SYS.INIT:TDX_SYS_BUSY", TDH_SYS_INIT},
        {"TDH.SYS.LP.INIT:TDX_SYS_LP_INIT_DONE", TDH_SYS_LP_INIT},
        {"TDH.SYS.RD:TDX_METADATA_FIELD_ID_INCORRECT:7", TDH_SYS_RD},
        {"TDH.SYS.CONFIG:TDX_SYS_CONFIG_NOT_PENDING", TDH_SYS_CONFIG},
        {"TDH.SYS.KEY.CONFIG:TDX_KEY_GENERATION_FAILED", TDH_SYS_KEY_CONFIG},
        {"TDH.SYS.TDMR.INIT:TDX_SYS_BUSY", TDH_SYS_TDMR_INIT},
        {"TDH.MNG.KEY.FREEID:TDX_HKID_NOT_FREE", TDH_MNG_KEY_FREEID},
        {"TDH.PHYMEM.PAGE.RECLAIM:TDX_PAGE_METADATA_INCORRECT", TDH_PHYMEM_PAGE_RECLAIM},
    };

    for (unsigned i = 0; i < ARRAY_SIZE(steps); i++)
        assert_int_equal(parse_ok(steps[i].spec).leaf, steps[i].leaf);
}

static void test_parse_malformed_leaves_fault_alone(void **state)
{
    static const char *const bad[] = {
        "",
        ":",
        "TDH.SYS.INIT",
        "TDH.SYS.INIT:",
        ":TDX_SYS_BUSY",
        "TDH.SYS.BOGUS:TDX_SYS_BUSY",
        "tdh.sys.init:TDX_SYS_BUSY", /* the ABI's spelling only */
        "TDH.SYS.INIT.:TDX_SYS_BUSY",
        "TDH.SYS:TDX_SYS_BUSY", /* a prefix of a name */
        "TDH.SYS.INIT:TDX_NO_SUCH_STATUS",
        "TDH.SYS.INIT:tdx_sys_busy",
        "TDH.SYS.INIT:TDX_SUCCESS", /* success is not a failure */
        "TDH.SYS.INIT:0",
        "TDH.SYS.INIT:0x",
        "TDH.SYS.INIT:0x10000000000000000", /* over 64 bits */
        "TDH.SYS.INIT:TDX_SYS_BUSY:",
        "TDH.SYS.INIT:TDX_SYS_BUSY:0", /* calls count from 1 */
        "TDH.SYS.INIT:TDX_SYS_BUSY:-1",
        "TDH.SYS.INIT:TDX_SYS_BUSY:two",
        "TDH.SYS.INIT:TDX_SYS_BUSY:1:2",
        "TDH.SYS.INIT:TDX_SYS_BUSY_AND_A_NAME_LONGER_THAN_ANY_FIELD_CAN_HOLD_X",
    };

    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        struct tdx_fault f = {.armed = false, .leaf = 99, .status = 1, .nth = 5, .calls = 7};
        assert_int_equal(tdx_fault_parse(bad[i], &f), -EINVAL);
        assert_false(f.armed);
        assert_int_equal(f.leaf, 99);
        assert_int_equal(f.nth, 5);
        assert_int_equal(f.calls, 7);
    }
}

static void test_hit_fires_on_nth_call_only(void **state)
{
    struct tdx_fault f = parse_ok("TDH.SYS.TDMR.INIT:TDX_SYS_BUSY:3");
    uint64_t n = 0;

    assert_false(tdx_fault_hit(&f, TDH_SYS_TDMR_INIT, &n));
    assert_int_equal(n, 1);
    assert_false(tdx_fault_hit(&f, TDH_SYS_CONFIG, &n)); /* another leaf does not count */
    assert_int_equal(n, 1);
    assert_false(tdx_fault_hit(&f, TDH_SYS_TDMR_INIT, &n));
    assert_true(tdx_fault_hit(&f, TDH_SYS_TDMR_INIT, &n));
    assert_int_equal(n, 3);
    assert_false(tdx_fault_hit(&f, TDH_SYS_TDMR_INIT, &n)); /* once only */
    assert_int_equal(f.calls, 4);
}

/* RAX[23:16] is the leaf version: version 1 of a leaf is still that leaf. */
static void test_hit_ignores_leaf_version(void **state)
{
    struct tdx_fault f = parse_ok("TDH.VP.ENTER:TDX_OPERAND_BUSY");
    uint64_t n = 0;

    assert_true(tdx_fault_hit(&f, TDH_VP_ENTER | (1ULL << 16), &n));
    assert_int_equal(n, 1);
}

static void test_unarmed_never_hits(void **state)
{
    struct tdx_fault f = {0};
    uint64_t n = 42;

    for (int i = 0; i < 3; i++)
        assert_false(tdx_fault_hit(&f, 0, &n));
    assert_int_equal(n, 42);
    assert_int_equal(f.calls, 0);
}

static void test_leaf_names_round_trip(void **state)
{
    unsigned known = 0;

    for (uint64_t leaf = 0; leaf < 128; leaf++) {
        const char *name = tdx_leaf_name(leaf);
        uint64_t back = ~0ULL;
        if (!name)
            continue;
        known++;
        assert_true(tdx_leaf_by_name(name, strlen(name), &back));
        assert_int_equal(back, leaf);
    }
    assert_int_equal(known, 35); /* every leaf in tdx/module/tdx_abi.h */
    assert_string_equal(tdx_leaf_name(TDH_SYS_KEY_CONFIG), "TDH.SYS.KEY.CONFIG");
    assert_null(tdx_leaf_name(5));
}

static void test_status_names_both_ways(void **state)
{
    static const uint64_t codes[] = {TDX_SYS_BUSY, TDX_KEY_GENERATION_FAILED, TDX_HKID_NOT_FREE,
                                     TDX_SYS_CONFIG_NOT_PENDING, TDX_PAGE_METADATA_INCORRECT};

    for (unsigned i = 0; i < ARRAY_SIZE(codes); i++) {
        uint64_t back = 0;
        assert_true(tdx_status_by_name(tdx_status_name(codes[i]), &back));
        assert_int_equal(back, codes[i]);
    }
}

/* Decoding looks at class and details only; the operand ID below them does not matter. */
static void test_status_decoding(void **state)
{
    uint64_t v;

    assert_string_equal(tdx_status_name(TDX_OPERAND_INVALID | TDX_OPERAND_ID_R8),
                        "TDX_OPERAND_INVALID");
    assert_string_equal(tdx_status_name(TDX_SEAMCALL_UD), "#UD (CPU not in VMX operation)");
    assert_string_equal(tdx_status_name(TDX_SEAMCALL_GP), "#GP (TDX not enabled by the BIOS)");
    assert_string_equal(tdx_status_name(TDX_SEAMCALL_VMFAILINVALID),
                        "VMfailInvalid (no TDX module loaded)");
    assert_string_equal(tdx_status_name(0xC0000F0F00000000ULL), "unknown status");
    assert_false(tdx_status_by_name("TDX_SYS", &v));
    assert_false(tdx_status_by_name("", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_name_default_nth),
        cmocka_unit_test(test_parse_hex_status_and_nth),
        cmocka_unit_test(test_parse_every_step),
        cmocka_unit_test(test_parse_malformed_leaves_fault_alone),
        cmocka_unit_test(test_hit_fires_on_nth_call_only),
        cmocka_unit_test(test_hit_ignores_leaf_version),
        cmocka_unit_test(test_unarmed_never_hits),
        cmocka_unit_test(test_leaf_names_round_trip),
        cmocka_unit_test(test_status_names_both_ways),
        cmocka_unit_test(test_status_decoding),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
