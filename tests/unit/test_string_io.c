/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/decode/string_io.c vmm/decode/insn_regs.c */
/*
 * INS/OUTS emulation tests: a fake port that records OUT data and produces
 * IN data, and a fake 64 KiB guest memory indexed by the low 16 bits of the
 * linear address (every access's full address is logged).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/decode/string_io.h"

#define DF 0x400
#define RCX 1
#define RSI 6
#define RDI 7

/* Exit qualification bits, spelled out from the SDM table. */
#define Q_IN (1ULL << 3)
#define Q_STRING (1ULL << 4)
#define Q_REP (1ULL << 5)
#define Q_PORT(p) ((uint64_t)(p) << 16)
#define I_ASIZE(a) ((uint32_t)(a) << 7) /* 0: 16, 1: 32, 2: 64 bits */
#define I_SEG(s) ((uint32_t)(s) << 15)

struct fake {
    uint8_t mem[0x10000];
    uint64_t la[256];
    unsigned nla;
    uint8_t out[256];
    unsigned nout;
    uint32_t in_next;
    unsigned fail_after; /* memory accesses that succeed before -EFAULT; 0 = never */
};

static struct fake f;
static struct insn_regs regs;

static int mem_access(uint64_t la, size_t len)
{
    assert_true(len == 1 || len == 2 || len == 4);
    assert_true(f.nla < 256);
    if (f.fail_after && f.nla == f.fail_after)
        return -EFAULT;
    f.la[f.nla++] = la;
    return 0;
}

static int read_linear(void *ctx, uint64_t la, void *dst, size_t len)
{
    int ret = mem_access(la, len);

    for (size_t i = 0; !ret && i < len; i++)
        ((uint8_t *)dst)[i] = f.mem[(la + i) & 0xffff];
    return ret;
}

static int write_linear(void *ctx, uint64_t la, const void *src, size_t len)
{
    int ret = mem_access(la, len);

    for (size_t i = 0; !ret && i < len; i++)
        f.mem[(la + i) & 0xffff] = ((const uint8_t *)src)[i];
    return ret;
}

static int port_out(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
    assert_int_equal(port, 0x3f8);
    for (unsigned i = 0; i < size; i++) {
        assert_true(f.nout < sizeof(f.out));
        f.out[f.nout++] = val >> (8 * i);
    }
    return 0;
}

static int port_in(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
    assert_int_equal(port, 0x1f0);
    *val = f.in_next & (size == 4 ? 0xffffffff : (1u << (8 * size)) - 1);
    f.in_next += 0x01010101;
    return 0;
}

static const struct string_io_ops ops = {port_in, port_out, read_linear, write_linear};

static int setup(void **state)
{
    memset(&f, 0, sizeof(f));
    memset(&regs, 0, sizeof(regs));
    regs.rflags = 0x2;
    regs.rip = 0x1000;
    return 0;
}

static struct string_io_exit outsb(enum insn_mode mode, bool rep, unsigned asize, int seg)
{
    return (struct string_io_exit){.mode = mode,
                                   .size = 1,
                                   .rep = rep,
                                   .port = 0x3f8,
                                   .addr_size = asize,
                                   .seg = seg,
                                   .insn_len = rep ? 2 : 1};
}

static void test_exit_decode(void **state)
{
    struct string_io_exit x;

    /* rep outsb %fs:(%esi),(%dx) in 32-bit code, port 0x3f8 */
    assert_int_equal(string_io_exit_decode(Q_PORT(0x3f8) | Q_REP | Q_STRING, I_ASIZE(1) | I_SEG(4),
                                           3, INSN_MODE_32, &x),
                     0);
    assert_int_equal(x.size, 1);
    assert_false(x.in);
    assert_true(x.rep);
    assert_int_equal(x.port, 0x3f8);
    assert_int_equal(x.addr_size, 4);
    assert_int_equal(x.seg, INSN_SEG_FS);
    assert_int_equal(x.insn_len, 3);
    assert_int_equal(x.mode, INSN_MODE_32);
    /* insl (%dx),%es:(%rdi): the segment field is undefined for INS */
    assert_int_equal(string_io_exit_decode(Q_PORT(0x1f0) | Q_IN | Q_STRING | 3,
                                           I_ASIZE(2) | I_SEG(7), 1, INSN_MODE_64, &x),
                     0);
    assert_int_equal(x.size, 4);
    assert_true(x.in);
    assert_false(x.rep);
    assert_int_equal(x.addr_size, 8);
    assert_int_equal(x.seg, INSN_SEG_ES);
    /* not string I/O; a 3-byte size; address size 3; segment 6 */
    assert_int_equal(string_io_exit_decode(Q_PORT(0x80), 0, 1, INSN_MODE_64, &x), -EINVAL);
    assert_int_equal(string_io_exit_decode(Q_STRING | 2, 0, 1, INSN_MODE_64, &x), -EINVAL);
    assert_int_equal(string_io_exit_decode(Q_STRING, I_ASIZE(3), 1, INSN_MODE_64, &x), -EINVAL);
    assert_int_equal(string_io_exit_decode(Q_STRING, I_SEG(6), 1, INSN_MODE_64, &x), -EINVAL);
}

static void test_rep_outsb_forwards(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_64, true, 8, INSN_SEG_DS);

    memcpy(f.mem + 0x100, "hello", 5);
    regs.gpr[RSI] = 0x100;
    regs.gpr[RCX] = 5;
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_int_equal(f.nout, 5);
    assert_memory_equal(f.out, "hello", 5);
    assert_int_equal(regs.gpr[RSI], 0x105);
    assert_int_equal(regs.gpr[RCX], 0);
    assert_int_equal(regs.rip, 0x1002);
}

static void test_rep_outsb_backwards(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_64, true, 8, INSN_SEG_DS);

    memcpy(f.mem + 0x100, "hello", 5);
    regs.rflags |= DF;
    regs.gpr[RSI] = 0x104;
    regs.gpr[RCX] = 5;
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_memory_equal(f.out, "olleh", 5);
    assert_int_equal(regs.gpr[RSI], 0xff);
}

static void test_outs_segment_base(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_32, false, 4, INSN_SEG_FS);

    regs.seg_base[INSN_SEG_FS] = 0x12340000;
    regs.seg_base[INSN_SEG_DS] = 0x55550000;
    regs.gpr[RSI] = 0x20;
    regs.gpr[RCX] = 7; /* no REP: rCX is not a count */
    f.mem[0x20] = 'z';
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_int_equal(f.la[0], 0x12340020);
    assert_int_equal(f.out[0], 'z');
    assert_int_equal(regs.gpr[RSI], 0x21);
    assert_int_equal(regs.gpr[RCX], 7);
    assert_int_equal(regs.rip, 0x1001);
}

static void test_insw(void **state)
{
    struct string_io_exit x = {.mode = INSN_MODE_64,
                               .size = 2,
                               .in = true,
                               .port = 0x1f0,
                               .addr_size = 8,
                               .seg = INSN_SEG_ES,
                               .insn_len = 2};

    f.in_next = 0xbeef;
    regs.gpr[RDI] = 0x300;
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_int_equal(f.la[0], 0x300);
    assert_int_equal(f.mem[0x300], 0xef);
    assert_int_equal(f.mem[0x301], 0xbe);
    assert_int_equal(regs.gpr[RDI], 0x302);
    assert_int_equal(regs.rip, 0x1002);
}

static void test_rep_insd_16bit_code_uses_es(void **state)
{
    /* addr32 rep insl in 16-bit code: ES base, EDI, ECX */
    struct string_io_exit x = {.mode = INSN_MODE_16,
                               .size = 4,
                               .in = true,
                               .rep = true,
                               .port = 0x1f0,
                               .addr_size = 4,
                               .seg = INSN_SEG_ES,
                               .insn_len = 4};

    regs.seg_base[INSN_SEG_ES] = 0x8000;
    regs.seg_base[INSN_SEG_DS] = 0x4000;
    regs.gpr[RDI] = 0x10;
    regs.gpr[RCX] = 2;
    f.in_next = 0x04030201;
    regs.rip = 0xfffe;
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_int_equal(f.la[0], 0x8010);
    assert_int_equal(f.la[1], 0x8014);
    assert_memory_equal(f.mem + 0x8010, "\x01\x02\x03\x04\x02\x03\x04\x05", 8);
    assert_int_equal(regs.gpr[RDI], 0x18);
    assert_int_equal(regs.rip, 0x2); /* IP wraps at 64 KiB */
}

static void test_address_size_32_wraps(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_64, true, 4, INSN_SEG_DS);

    regs.gpr[RSI] = 0xdead0000fffffffe;
    regs.gpr[RCX] = 0xffff000000000004; /* ecx = 4 */
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_int_equal(f.nla, 4);
    assert_int_equal(f.la[0], 0xfffffffe);
    assert_int_equal(f.la[1], 0xffffffff);
    assert_int_equal(f.la[2], 0);
    assert_int_equal(f.la[3], 1);
    assert_int_equal(regs.gpr[RSI], 2); /* 32-bit writes zero-extend */
    assert_int_equal(regs.gpr[RCX], 0);
}

static void test_address_size_16_wraps(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_16, true, 2, INSN_SEG_DS);

    regs.seg_base[INSN_SEG_DS] = 0x20000;
    regs.gpr[RSI] = 0x123400000000ffff;
    regs.gpr[RCX] = 0xabcd0002; /* cx = 2 */
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_int_equal(f.la[0], 0x2ffff);
    assert_int_equal(f.la[1], 0x20000);
    assert_int_equal(regs.gpr[RSI], 0x1234000000000001); /* 16-bit writes merge */
    assert_int_equal(regs.gpr[RCX], 0xabcd0000);
}

static void test_batching(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_64, true, 8, INSN_SEG_DS);

    for (unsigned i = 0; i < 100; i++)
        f.mem[0x1000 + i] = i;
    regs.gpr[RSI] = 0x1000;
    regs.gpr[RCX] = 100;
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_AGAIN);
    assert_int_equal(f.nout, 64);
    assert_int_equal(regs.gpr[RCX], 36);
    assert_int_equal(regs.gpr[RSI], 0x1040);
    assert_int_equal(regs.rip, 0x1000);
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_int_equal(f.nout, 100);
    assert_memory_equal(f.out, f.mem + 0x1000, 100);
    assert_int_equal(regs.gpr[RCX], 0);
    assert_int_equal(regs.rip, 0x1002);
}

static void test_single_iteration_when_max_is_one(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_64, true, 8, INSN_SEG_DS);

    regs.gpr[RCX] = 2;
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, 1), STRING_IO_AGAIN);
    assert_int_equal(f.nout, 1);
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, 1), STRING_IO_DONE);
    assert_int_equal(f.nout, 2);
}

static void test_rep_zero_count(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_64, true, 8, INSN_SEG_DS);

    regs.gpr[RSI] = 0x100;
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_int_equal(f.nout, 0);
    assert_int_equal(f.nla, 0);
    assert_int_equal(regs.gpr[RSI], 0x100);
    assert_int_equal(regs.rip, 0x1002);
}

static void test_fault_mid_batch_keeps_progress(void **state)
{
    struct string_io_exit x = outsb(INSN_MODE_64, true, 8, INSN_SEG_DS);

    memcpy(f.mem + 0x100, "abcdef", 6);
    regs.gpr[RSI] = 0x100;
    regs.gpr[RCX] = 6;
    f.fail_after = 2;
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), -EFAULT);
    assert_int_equal(f.nout, 2);
    assert_int_equal(regs.gpr[RSI], 0x102);
    assert_int_equal(regs.gpr[RCX], 4);
    assert_int_equal(regs.rip, 0x1000);
    f.fail_after = 0; /* the guest handled its #PF and re-executes */
    assert_int_equal(string_io_run(&x, &regs, &ops, NULL, STRING_IO_BATCH), STRING_IO_DONE);
    assert_memory_equal(f.out, "abcdef", 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_exit_decode, setup),
        cmocka_unit_test_setup(test_rep_outsb_forwards, setup),
        cmocka_unit_test_setup(test_rep_outsb_backwards, setup),
        cmocka_unit_test_setup(test_outs_segment_base, setup),
        cmocka_unit_test_setup(test_insw, setup),
        cmocka_unit_test_setup(test_rep_insd_16bit_code_uses_es, setup),
        cmocka_unit_test_setup(test_address_size_32_wraps, setup),
        cmocka_unit_test_setup(test_address_size_16_wraps, setup),
        cmocka_unit_test_setup(test_batching, setup),
        cmocka_unit_test_setup(test_single_iteration_when_max_is_one, setup),
        cmocka_unit_test_setup(test_rep_zero_count, setup),
        cmocka_unit_test_setup(test_fault_mid_batch_keeps_progress, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
