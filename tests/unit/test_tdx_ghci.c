/* SPDX-License-Identifier: MIT */
/* unit-srcs: tdx/td/ghci.c vmm/msr_virt.c lib/string.c */
/*
 * The tdx backend's GHCI rules that need no device model: MapGPA in a TD
 * without shared memory, the ReportFatalError message registers (GHCI
 * order, as Linux's tdx_panic packs them), the typed accessors of the
 * TDG.VP.VMCALL registers, and the TD's virtual MSRs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tdx/td/ghci.h"

#define MEM (4ULL << 20)
#define SHARED (1ULL << 47)

static uint64_t map(uint64_t gpa, uint64_t size, uint64_t *next)
{
    return td_ghci_map_gpa(gpa, size, 48, MEM, next);
}

static void test_map_gpa_private(void **state)
{
    uint64_t next;

    assert_int_equal(map(0, 4096, &next), GHCI_SUCCESS);
    assert_int_equal(next, 4096);
    assert_int_equal(map(0, MEM, &next), GHCI_SUCCESS);
    assert_int_equal(map(MEM - 4096, 8192, &next), GHCI_INVALID_OPERAND);
    assert_int_equal(next, MEM); /* the first page not converted */
    assert_int_equal(map(MEM, 4096, &next), GHCI_INVALID_OPERAND);
    assert_int_equal(next, MEM);
}

static void test_map_gpa_shared_and_bad(void **state)
{
    uint64_t next;

    assert_int_equal(map(SHARED, 4096, &next), GHCI_INVALID_OPERAND);
    assert_int_equal(next, SHARED);
    assert_int_equal(map(SHARED - 4096, 8192, &next), GHCI_INVALID_OPERAND); /* straddles */
    assert_int_equal(map(0x800, 4096, &next), GHCI_ALIGN_ERROR);
    assert_int_equal(map(0, 100, &next), GHCI_ALIGN_ERROR);
    assert_int_equal(map(0, 0, &next), GHCI_INVALID_OPERAND);
    assert_int_equal(map(1ULL << 48, 4096, &next), GHCI_INVALID_OPERAND);
    assert_int_equal(map(~0xFFFULL, 8192, &next), GHCI_INVALID_OPERAND); /* wraps */
    assert_int_equal(td_ghci_map_gpa(1ULL << 51, 4096, 52, MEM, &next), GHCI_INVALID_OPERAND);
}

static void test_fatal_message(void **state)
{
    char text[64] = "tdfatal: the guest gave up", out[GHCI_FATAL_MSG_LEN + 1];
    uint64_t q[8];
    struct tdx_args a = {0};

    memcpy(q, text, sizeof(q));
    a.r14 = q[0];
    a.r15 = q[1];
    a.rbx = q[2];
    a.rdi = q[3];
    a.rsi = q[4];
    a.r8 = q[5];
    a.r9 = q[6];
    a.rdx = q[7];
    td_ghci_fatal_message(&a, out);
    assert_string_equal(out, text);
    memset(q, 'x', sizeof(q)); /* 64 bytes, no NUL: cut at 64 */
    q[0] = 0x0A41;             /* "A\n": control characters are not printed */
    a.r14 = q[0];
    a.r15 = a.rbx = a.rdi = a.rsi = a.r8 = a.r9 = a.rdx = q[1];
    td_ghci_fatal_message(&a, out);
    assert_int_equal(strlen(out), 2); /* "A?", then the NUL bytes of q[0] */
    assert_string_equal(out, "A?");
    a.r14 = 0x7878787878787878ULL;
    td_ghci_fatal_message(&a, out);
    assert_int_equal(strlen(out), 64);
}

/* The accessors name the GHCI registers: R10 type/status, R11 sub-function/output 0, R12-R15. */
static void test_register_accessors(void **state)
{
    struct tdx_args in = {.r10 = 0, .r11 = GHCI_IO, .r12 = 1, .r13 = 2, .r14 = 3, .r15 = 4};
    struct tdx_args out = {0};

    assert_false(td_ghci_vendor(&in));
    in.r10 = 1;
    assert_true(td_ghci_vendor(&in));
    assert_int_equal(td_ghci_subfn(&in), GHCI_IO);
    for (unsigned n = 0; n < 4; n++)
        assert_int_equal(td_ghci_arg(&in, n), n + 1);
    assert_int_equal(td_ghci_arg(&in, 4), 0);
    td_ghci_set_status(&out, GHCI_RETRY);
    assert_int_equal(out.r10, GHCI_RETRY);
    assert_int_equal(td_ghci_status(&out), GHCI_RETRY);
    for (unsigned n = 0; n < 5; n++)
        td_ghci_set_out(&out, n, 10 + n);
    td_ghci_set_out(&out, 5, 99); /* beyond R15: nothing */
    assert_int_equal(out.r11, 10);
    assert_int_equal(out.r12, 11);
    assert_int_equal(out.r13, 12);
    assert_int_equal(out.r14, 13);
    assert_int_equal(out.r15, 14);
    assert_int_equal(out.r10, GHCI_RETRY);
    assert_int_equal(out.rbx | out.rdi | out.rsi | out.rcx | out.rdx | out.r8 | out.r9, 0);
}

static void test_msrs(void **state)
{
    uint64_t v;

    assert_int_equal(td_msr_read(0x1B, 0, &v), 0);
    assert_int_equal(v, 0xFEE00000ULL | 1 << 11 | 1 << 10 | 1 << 8); /* x2APIC, BSP */
    assert_int_equal(td_msr_read(0x1B, 1, &v), 0);
    assert_int_equal(v & (1 << 8), 0);
    assert_int_equal(td_msr_write(0x1B, 0xFEE00000ULL | 1 << 11 | 1 << 10), 0);
    assert_int_equal(td_msr_write(0x1B, 0xFEE00000ULL | 1 << 11), -1); /* leave x2APIC: no */
    assert_int_equal(td_msr_read(0x2FF, 0, &v), 0);
    assert_int_equal(v, 0xC06);
    assert_int_equal(td_msr_read(0x250, 0, &v), 0);
    assert_int_equal(td_msr_write(0x250, 0x06060606), 0); /* MTRR programming: ignored */
    assert_int_equal(td_msr_read(0x12345678, 0, &v), -1);
    assert_int_equal(td_msr_write(0x12345678, 0), -1);
    assert_int_equal(td_msr_write(0x3A, 5), -1); /* FEATURE_CONTROL stays locked */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_gpa_private),
        cmocka_unit_test(test_map_gpa_shared_and_bad),
        cmocka_unit_test(test_fatal_message),
        cmocka_unit_test(test_register_accessors),
        cmocka_unit_test(test_msrs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
