/* fuzz-srcs: vmm/decode/insn_decode.c vmm/decode/insn_emulate.c vmm/decode/insn_regs.c vmm/decode/alu.c */
/* SPDX-License-Identifier: MIT */
/*
 * Instruction decoder and emulator on arbitrary bytes. Input:
 *   byte 0  bits 1:0 mode (0 16-bit, 1 32-bit, else 64-bit); bit 2 make the
 *           memory access numbered by bits 4:3 fail; bits 7:5 RCX seed
 *   byte 1  register seed: GPRs, RFLAGS.DF/CF and segment bases derive from it
 *   then    the instruction bytes (at most 15 are given to the decoder)
 * Checked: the decoded fields are in range, the length is 1..15 and within
 * the bytes given, decoding is prefix-stable (same result with exactly len
 * bytes, -ENODATA with fewer), and emulation touches only the registers and
 * memory the instruction names, with the access sizes it decoded: one read
 * and at most one write of the operand (none for CMP, TEST, BT, LODS), at
 * the address the fuzzer computes itself (bit-string BT* included), and only
 * the flags the instruction may change.
 */
#include <string.h>
#include "lib/errno.h"
#include "vmm/decode/insn.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define MEM_BYTES 4096
#define DF (1ULL << 10)
#define ARITH 0x8d5ULL /* CF PF AF ZF SF OF */

struct fake {
    uint8_t mem[MEM_BYTES + 8];
    uint64_t addr[4];
    unsigned size[4];
    bool write[4];
    unsigned n;
    int fail_at; /* access number that fails, or -1 */
};

static struct fake fk;

/* The fake is the checker, not the code under test: no coverage feedback. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

NO_COVERAGE static int access(uint64_t addr, unsigned size, bool write)
{
    CHECK(size == 1 || size == 2 || size == 4 || size == 8);
    CHECK(fk.n < 4);
    if ((int)fk.n == fk.fail_at)
        return -EIO;
    fk.addr[fk.n] = addr;
    fk.size[fk.n] = size;
    fk.write[fk.n++] = write;
    return 0;
}

NO_COVERAGE static int fake_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
    int ret = access(addr, size, false);

    *val = 0;
    if (!ret)
        memcpy(val, fk.mem + (addr % MEM_BYTES), size);
    return ret;
}

NO_COVERAGE static int fake_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
    int ret = access(addr, size, true);

    if (!ret)
        memcpy(fk.mem + (addr % MEM_BYTES), &val, size);
    return ret;
}

static const struct insn_mem_ops ops = {fake_read, fake_write};

static bool size_ok(unsigned s)
{
    return s == 1 || s == 2 || s == 4 || s == 8;
}

static bool gpr_ok(int r)
{
    return r == INSN_REG_NONE || (r >= 0 && r < INSN_NGPR);
}

static void check_mem(const struct insn *in, const struct insn_mem *m)
{
    CHECK(gpr_ok(m->base) && gpr_ok(m->index));
    CHECK(m->scale == 1 || m->scale == 2 || m->scale == 4 || m->scale == 8);
    CHECK(m->seg < INSN_NSEG);
    if (in->mode == INSN_MODE_64)
        CHECK(m->addr_size == 8 || m->addr_size == 4);
    else
        CHECK(m->addr_size == 2 || m->addr_size == 4);
    if (m->rip_rel)
        CHECK(in->mode == INSN_MODE_64 && m->base == INSN_REG_NONE && m->index == INSN_REG_NONE);
}

static void check_fields(const struct insn *in, size_t n)
{
    CHECK(in->len >= 1 && in->len <= INSN_MAX_LEN && in->len <= n);
    CHECK(in->op <= INSN_OP_LAST);
    CHECK(in->op != INSN_ALU || in->alu <= ALU_LAST);
    CHECK(size_ok(in->opsize) && size_ok(in->mem_size) && in->mem_size <= in->opsize);
    CHECK(gpr_ok(in->reg) ||
          (in->reg >= INSN_REG_AH && in->reg <= INSN_REG_BH && in->opsize == 1 && !in->rex));
    CHECK(!in->has_imm || (in->reg == INSN_REG_NONE && in->mem_dst));
    CHECK(in->rex == 0 || (in->mode == INSN_MODE_64 && (in->rex & 0xf0) == 0x40));
    CHECK(in->rep <= INSN_REP_F2);
    CHECK(!in->lock || in->op == INSN_XCHG || in->op == INSN_XADD || in->op == INSN_CMPXCHG ||
          (in->op == INSN_ALU && in->mem_dst && alu_writes(in->alu)));
    /* one-operand ALU forms have no source; BT* have no byte form; CMPXCHG/XADD a register */
    if (in->op == INSN_ALU && in->alu >= ALU_INC && in->alu <= ALU_NEG)
        CHECK(in->reg == INSN_REG_NONE && !in->has_imm && in->mem_dst);
    if (in->op == INSN_ALU && alu_is_bitop(in->alu))
        CHECK(in->opsize >= 2 && in->mem_dst);
    if (in->op == INSN_XADD || in->op == INSN_CMPXCHG)
        CHECK(in->reg != INSN_REG_NONE && !in->has_imm && in->mem_dst);
    check_mem(in, &in->mem);
    if (in->op == INSN_MOVS)
        check_mem(in, &in->src);
    if (in->op == INSN_LODS)
        CHECK(in->reg == INSN_RAX && !in->mem_dst && in->mem.base == INSN_RSI);
}

/* Decoding exactly len bytes gives the same instruction; fewer bytes ask for more. */
static void check_prefix_stable(const uint8_t *b, const struct insn *in)
{
    struct insn again;

    CHECK(insn_decode(b, in->len, in->mode, &again) == in->len);
    CHECK(memcmp(&again, in, sizeof(again)) == 0);
    CHECK(insn_decode(b, in->len - 1, in->mode, &again) == -ENODATA);
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    return x ^ (x >> 27);
}

static void seed_regs(struct insn_regs *r, uint8_t seed, uint8_t rcx)
{
    memset(r, 0, sizeof(*r));
    for (unsigned i = 0; i < INSN_NGPR; i++)
        r->gpr[i] = (seed & 0x80) ? mix(seed * 31 + i) : (seed + i * 0x101) & 0xfff;
    for (unsigned i = 0; i < INSN_NSEG; i++)
        r->seg_base[i] = (seed & 0x40) ? mix(seed + 100 + i) : i * 0x10;
    r->gpr[INSN_RCX] = (rcx & 4) ? mix(rcx) : rcx & 3;
    r->rflags = 0x2 | ((seed & 1) ? DF : 0) | ((seed & 2) ? 1 : 0);
    r->rip = mix(seed ^ 0x55);
}

/* Registers the instruction may write: its register operand, or the string registers. */
static bool may_write(const struct insn *in, unsigned i)
{
    if (in->op == INSN_STOS || in->op == INSN_MOVS)
        return i == INSN_RDI || i == INSN_RCX || (i == INSN_RSI && in->op == INSN_MOVS);
    if (in->op == INSN_LODS)
        return i == INSN_RSI || i == INSN_RCX || i == INSN_RAX;
    if (in->op == INSN_CMPXCHG)
        return i == INSN_RAX;
    if (in->mem_dst && in->op != INSN_XCHG && in->op != INSN_XADD)
        return false;
    if (in->reg >= INSN_REG_AH)
        return i == (unsigned)(in->reg - INSN_REG_AH);
    return (int)i == in->reg;
}

static unsigned expected_accesses(const struct insn *in, const struct insn_regs *before)
{
    bool skipped = in->rep && !(before->gpr[INSN_RCX] & insn_size_mask(in->mem.addr_size));

    switch (in->op) {
    case INSN_XCHG:
    case INSN_XADD:
    case INSN_CMPXCHG: /* written back even when the compare fails */
        return 2;
    case INSN_ALU:
        return in->mem_dst && alu_writes(in->alu) ? 2 : 1;
    case INSN_STOS:
    case INSN_LODS:
        return skipped ? 0 : 1;
    case INSN_MOVS:
        return skipped ? 0 : 2;
    default:
        return 1;
    }
}

/*
 * Where the memory operand is accessed, computed here independently: BT*
 * with a register offset move by whole operands, floor(offset / bits), the
 * offset signed at the operand size (SDM Vol. 2A BT).
 */
static uint64_t expected_addr(const struct insn *in, const struct insn_regs *r)
{
    int64_t off, bits = in->opsize * 8, q;
    uint64_t ea;

    if (in->op != INSN_ALU || !alu_is_bitop(in->alu) || in->has_imm)
        return insn_mem_linear(in, &in->mem, r);
    off = in->opsize == 2   ? (int16_t)insn_reg_read(r, in->reg, 2)
          : in->opsize == 4 ? (int32_t)insn_reg_read(r, in->reg, 4)
                            : (int64_t)insn_reg_read(r, in->reg, 8);
    q = off / bits - (off % bits < 0);
    ea = (insn_ea(in, &in->mem, r) + (uint64_t)q * in->opsize) & insn_size_mask(in->mem.addr_size);
    return insn_linear(r, in->mode, in->mem.seg, ea);
}

/* RFLAGS bits the instruction may change (SDM Vol. 2, "Flags Affected"). */
static uint64_t flags_changed(const struct insn *in)
{
    if (in->op == INSN_XADD || in->op == INSN_CMPXCHG)
        return ARITH;
    if (in->op != INSN_ALU || in->alu == ALU_NOT)
        return 0;
    if (in->alu == ALU_INC || in->alu == ALU_DEC)
        return ARITH & ~1ULL;
    if (alu_is_bitop(in->alu))
        return 1; /* CF */
    return ARITH;
}

static void check_emulation(const struct insn *in, const struct insn_regs *before,
                            const struct insn_regs *after, int ret)
{
    unsigned want = expected_accesses(in, before);
    uint64_t next = (before->rip + in->len) & insn_size_mask(in->mode);

    if (ret) {
        CHECK(ret == -EIO && memcmp(before, after, sizeof(*before)) == 0);
        return;
    }
    CHECK(fk.n == want);
    for (unsigned i = 0; i < fk.n; i++)
        CHECK(fk.size[i] == in->mem_size);
    if (fk.n && in->op != INSN_MOVS) {
        /* a store is one write; anything else one read, then at most one write, of one place */
        bool store = in->op == INSN_STOS || (in->op == INSN_MOV && in->mem_dst);

        CHECK(fk.addr[0] == expected_addr(in, before) && fk.write[0] == store);
        if (fk.n == 2)
            CHECK(fk.addr[1] == fk.addr[0] && fk.write[1]);
    }
    if (fk.n && in->op == INSN_MOVS)
        CHECK(fk.addr[0] == insn_mem_linear(in, &in->src, before) &&
              fk.addr[1] == insn_mem_linear(in, &in->mem, before) && fk.write[1]);
    for (unsigned i = 0; i < INSN_NGPR; i++)
        CHECK(after->gpr[i] == before->gpr[i] || may_write(in, i));
    CHECK(((after->rflags ^ before->rflags) & ~flags_changed(in)) == 0);
    CHECK(memcmp(after->seg_base, before->seg_base, sizeof(after->seg_base)) == 0);
    CHECK(after->rip == next ||
          (in->rep && after->rip == before->rip &&
           (in->op == INSN_STOS || in->op == INSN_MOVS || in->op == INSN_LODS)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum insn_mode modes[4] = {INSN_MODE_16, INSN_MODE_32, INSN_MODE_64, INSN_MODE_64};
    struct insn_regs before, after;
    struct insn in;
    size_t n;
    int ret;

    if (size < 2)
        return 0;
    n = size - 2 > INSN_MAX_LEN ? INSN_MAX_LEN : size - 2;
    ret = insn_decode(data + 2, n, modes[data[0] & 3], &in);
    if (ret < 0) {
        CHECK(ret == -EINVAL || ret == -EOPNOTSUPP || (ret == -ENODATA && n < INSN_MAX_LEN));
        return 0;
    }
    CHECK(ret == in.len && in.mode == modes[data[0] & 3]);
    check_fields(&in, n);
    check_prefix_stable(data + 2, &in);
    seed_regs(&before, data[1], data[0] >> 5);
    after = before;
    memset(&fk, 0, sizeof(fk));
    fk.fail_at = (data[0] & 4) ? (data[0] >> 3) & 3 : -1;
    ret = insn_emulate(&in, &after, &ops, &fk);
    check_emulation(&in, &before, &after, ret);
    return 0;
}
