/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/decode/insn_cache.c vmm/decode/insn_decode.c vmm/decode/insn_regs.c vmm/decode/alu.c */
/*
 * Decoded-instruction cache: every call must return what insn_decode returns
 * for the same bytes and mode, hit or miss.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/decode/insn_cache.h"

static void mem_equal(const struct insn_mem *a, const struct insn_mem *b)
{
    assert_int_equal(a->base, b->base);
    assert_int_equal(a->index, b->index);
    assert_int_equal(a->scale, b->scale);
    assert_int_equal(a->seg, b->seg);
    assert_int_equal(a->addr_size, b->addr_size);
    assert_int_equal(a->rip_rel, b->rip_rel);
    assert_int_equal(a->disp, b->disp);
}

/* Decodes through the cache and checks the result against a plain decode. */
static int cached(struct insn_cache *c, uint64_t la, const uint8_t *bytes, size_t n,
                  enum insn_mode mode)
{
    struct insn a, b;
    int ra, rb;

    memset(&a, 0xa5, sizeof(a));
    ra = insn_cache_decode(c, la, bytes, n, mode, &a);
    rb = insn_decode(bytes, n, mode, &b);
    assert_int_equal(ra, rb);
    if (rb <= 0)
        return ra;
    assert_int_equal(a.len, b.len);
    assert_int_equal(a.mode, b.mode);
    assert_int_equal(a.op, b.op);
    assert_int_equal(a.alu, b.alu);
    assert_int_equal(a.opsize, b.opsize);
    assert_int_equal(a.mem_size, b.mem_size);
    assert_int_equal(a.mem_dst, b.mem_dst);
    assert_int_equal(a.has_imm, b.has_imm);
    assert_int_equal(a.reg, b.reg);
    assert_int_equal(a.rep, b.rep);
    assert_int_equal(a.lock, b.lock);
    assert_int_equal(a.rex, b.rex);
    assert_int_equal(a.opcode, b.opcode);
    assert_int_equal(a.imm, b.imm);
    mem_equal(&a.mem, &b.mem);
    mem_equal(&a.src, &b.src);
    return ra;
}

/* mov 0xfee00080, %eax (8b 04 25 disp32), then padding the decoder never reads */
static const uint8_t tpr_read[15] = {0x8b, 0x04, 0x25, 0x80, 0x00, 0xe0, 0xfe, 0x90, 0x90};
/* movl $1, 0xb0(%rdi) (c7 87 disp32 imm32) */
static const uint8_t eoi_write[15] = {0xc7, 0x87, 0xb0, 0, 0, 0, 0x01, 0, 0, 0};

static void test_hit_after_miss(void **state)
{
    struct insn_cache c = {0};

    (void)state;
    assert_int_equal(cached(&c, 0x1000, tpr_read, 15, INSN_MODE_64), 7);
    assert_int_equal(c.misses, 1);
    assert_int_equal(cached(&c, 0x1000, tpr_read, 15, INSN_MODE_64), 7);
    assert_int_equal(c.hits, 1);
    /* only the instruction's own bytes count, and a fetch that stops right after it */
    uint8_t other_tail[15];
    memcpy(other_tail, tpr_read, 7);
    memset(other_tail + 7, 0xcc, 8);
    assert_int_equal(cached(&c, 0x1000, other_tail, 7, INSN_MODE_64), 7);
    assert_int_equal(c.hits, 2);
    assert_int_equal(c.misses, 1);
}

static void test_changed_bytes_miss(void **state)
{
    struct insn_cache c = {0};
    uint8_t code[15];

    (void)state;
    memcpy(code, tpr_read, sizeof(code));
    cached(&c, 0x1000, code, 15, INSN_MODE_64);
    code[3] = 0xb0; /* same instruction, other displacement: the guest rewrote its code */
    cached(&c, 0x1000, code, 15, INSN_MODE_64);
    assert_int_equal(c.misses, 2);
    cached(&c, 0x1000, code, 15, INSN_MODE_64);
    assert_int_equal(c.hits, 1);
    /* the stale entry at 0x1000 was replaced, not kept beside the new one */
    unsigned at = 0;
    for (unsigned i = 0; i < INSN_CACHE_WAYS; i++)
        at += c.e[i].in.len && c.e[i].la == 0x1000;
    assert_int_equal(at, 1);
    /* another instruction at the same place */
    cached(&c, 0x1000, eoi_write, 15, INSN_MODE_64);
    assert_int_equal(c.misses, 3);
}

static void test_mode_and_address_are_key(void **state)
{
    struct insn_cache c = {0};

    (void)state;
    cached(&c, 0x1000, tpr_read, 15, INSN_MODE_64);
    /* the same bytes in 32-bit mode: 8b 04 25 is mov (,%eiz,1)... a different decode */
    cached(&c, 0x1000, tpr_read, 15, INSN_MODE_32);
    cached(&c, 0x1000, tpr_read, 15, INSN_MODE_16);
    assert_int_equal(c.hits, 0);
    cached(&c, 0x2000, tpr_read, 15, INSN_MODE_64);
    assert_int_equal(c.hits, 0);
    assert_int_equal(c.misses, 4);
    /* one entry per address: the latest mode replaced the others */
    cached(&c, 0x1000, tpr_read, 15, INSN_MODE_16);
    cached(&c, 0x2000, tpr_read, 15, INSN_MODE_64);
    assert_int_equal(c.hits, 2);
    cached(&c, 0x1000, tpr_read, 15, INSN_MODE_64);
    assert_int_equal(c.hits, 2);
}

static void test_short_fetch(void **state)
{
    struct insn_cache c = {0};

    (void)state;
    cached(&c, 0x1000, tpr_read, 15, INSN_MODE_64);
    /* the fetch stopped before the instruction's end (a faulting second page) */
    assert_int_equal(cached(&c, 0x1000, tpr_read, 6, INSN_MODE_64), -ENODATA);
    assert_int_equal(c.hits, 0);
}

static void test_errors_not_cached(void **state)
{
    static const uint8_t ud2[15] = {0x0f, 0x0b};
    struct insn_cache c = {0};

    (void)state;
    assert_true(cached(&c, 0x1000, ud2, 15, INSN_MODE_64) < 0);
    assert_true(cached(&c, 0x1000, ud2, 15, INSN_MODE_64) < 0);
    assert_int_equal(c.hits, 0);
    for (unsigned i = 0; i < INSN_CACHE_WAYS; i++)
        assert_int_equal(c.e[i].in.len, 0);
}

static void test_eviction(void **state)
{
    struct insn_cache c = {0};

    (void)state;
    for (uint64_t la = 0; la < INSN_CACHE_WAYS + 1; la++)
        cached(&c, 0x1000 + la * 16, la & 1 ? eoi_write : tpr_read, 15, INSN_MODE_64);
    assert_int_equal(c.misses, INSN_CACHE_WAYS + 1);
    /* the oldest went; the others stay */
    cached(&c, 0x1000, tpr_read, 15, INSN_MODE_64);
    assert_int_equal(c.hits, 0);
    cached(&c, 0x1000 + INSN_CACHE_WAYS * 16, tpr_read, 15, INSN_MODE_64);
    assert_int_equal(c.hits, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_after_miss),           cmocka_unit_test(test_changed_bytes_miss),
        cmocka_unit_test(test_mode_and_address_are_key), cmocka_unit_test(test_short_fetch),
        cmocka_unit_test(test_errors_not_cached),        cmocka_unit_test(test_eviction),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
