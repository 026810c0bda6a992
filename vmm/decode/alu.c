/* SPDX-License-Identifier: MIT */
/*
 * Integer add/subtract/logic with RFLAGS computed from the operands and the
 * result the way the hardware adder does (SDM Vol. 1 appendix A; Vol. 2 ADD,
 * SUB, ADC, SBB, AND, OR, XOR, CMP, TEST, INC, DEC, NOT, NEG, BT, BTS, BTR,
 * BTC; the "Flags Affected" section of each).
 */
#include <stdbool.h>
#include "vmm/decode/alu.h"
#include "vmm/decode/insn_regs.h"
#include "vmm/decode/x86_flags.h"

/* PF: set when the low byte of the result has an even number of 1 bits. */
static bool parity_even(uint64_t v)
{
    return !__builtin_parity((unsigned)(v & 0xff));
}

static uint64_t msb(uint64_t v, unsigned size)
{
    return (v >> (size * 8 - 1)) & 1;
}

/* Carry out of each bit position of dst + src (+ carry in) = res. */
static uint64_t add_carries(uint64_t d, uint64_t s, uint64_t res)
{
    return (d & s) | ((d | s) & ~res);
}

/* Borrow out of each bit position of dst - src (- borrow in) = res. */
static uint64_t sub_borrows(uint64_t d, uint64_t s, uint64_t res)
{
    return (~d & s) | (~(d ^ s) & res);
}

static uint64_t result_flags(uint64_t res, unsigned size)
{
    uint64_t f = 0;

    if (!(res & insn_size_mask(size)))
        f |= X86_FLAGS_ZF;
    if (msb(res, size))
        f |= X86_FLAGS_SF;
    if (parity_even(res))
        f |= X86_FLAGS_PF;
    return f;
}

static uint64_t add_flags(uint64_t d, uint64_t s, uint64_t res, unsigned size)
{
    uint64_t f = 0;

    if (msb(add_carries(d, s, res), size))
        f |= X86_FLAGS_CF;
    if ((d ^ s ^ res) & 0x10)
        f |= X86_FLAGS_AF;
    if (msb((d ^ res) & (s ^ res), size))
        f |= X86_FLAGS_OF;
    return f;
}

static uint64_t sub_flags(uint64_t d, uint64_t s, uint64_t res, unsigned size)
{
    uint64_t f = 0;

    if (msb(sub_borrows(d, s, res), size))
        f |= X86_FLAGS_CF;
    if ((d ^ s ^ res) & 0x10)
        f |= X86_FLAGS_AF;
    if (msb((d ^ s) & (d ^ res), size))
        f |= X86_FLAGS_OF;
    return f;
}

/*
 * BT/BTS/BTR/BTC (SDM Vol. 2A "BT—Bit Test" and the three after it): the bit
 * offset is taken modulo the operand width here (the memory forms with a
 * register offset move the address first, see insn_emulate.c). CF = the
 * selected bit; ZF is unaffected; OF, SF, AF, PF are undefined and left
 * unchanged.
 */
static uint64_t bit_op(enum alu_op op, unsigned size, uint64_t d, uint64_t src, uint64_t *rflags)
{
    uint64_t bit = 1ULL << (src & (size * 8 - 1));

    *rflags = (*rflags & ~X86_FLAGS_CF) | (d & bit ? X86_FLAGS_CF : 0);
    if (op == ALU_BTS)
        return d | bit;
    if (op == ALU_BTR)
        return d & ~bit;
    if (op == ALU_BTC)
        return d ^ bit;
    return d;
}

uint64_t alu_run(enum alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags)
{
    uint64_t mask = insn_size_mask(size), cin = *rflags & X86_FLAGS_CF ? 1 : 0;
    uint64_t d = dst & mask, s = src & mask, res, f, keep = 0;

    switch (op) {
    case ALU_ADD:
    case ALU_ADC:
        res = (d + s + (op == ALU_ADC ? cin : 0)) & mask;
        f = add_flags(d, s, res, size);
        break;
    case ALU_SUB:
    case ALU_SBB:
    case ALU_CMP:
        res = (d - s - (op == ALU_SBB ? cin : 0)) & mask;
        f = sub_flags(d, s, res, size);
        break;
    case ALU_OR:
        res = d | s;
        f = 0;
        break;
    case ALU_XOR:
        res = d ^ s;
        f = 0;
        break;
    case ALU_INC: /* SDM Vol. 2A INC: CF not affected; OF SF ZF AF PF by the result */
        res = (d + 1) & mask;
        f = add_flags(d, 1, res, size);
        keep = X86_FLAGS_CF;
        break;
    case ALU_DEC: /* SDM Vol. 2A DEC: CF not affected; OF SF ZF AF PF by the result */
        res = (d - 1) & mask;
        f = sub_flags(d, 1, res, size);
        keep = X86_FLAGS_CF;
        break;
    case ALU_NOT: /* SDM Vol. 2B NOT: no flags affected */
        return ~d & mask;
    case ALU_NEG: /* SDM Vol. 2B NEG: CF = (dst != 0); OF SF ZF AF PF by the result of 0 - dst */
        res = (0 - d) & mask;
        f = sub_flags(0, d, res, size);
        break;
    case ALU_BT:
    case ALU_BTS:
    case ALU_BTR:
    case ALU_BTC:
        return bit_op(op, size, d, src, rflags);
    default: /* AND, TEST */
        res = d & s;
        f = 0;
        break;
    }
    f = (f | result_flags(res, size)) & ~keep;
    *rflags = (*rflags & (~X86_FLAGS_ARITH | keep)) | f;
    return res;
}

int alu_writes(enum alu_op op)
{
    return op != ALU_CMP && op != ALU_TEST && op != ALU_BT;
}

int alu_is_bitop(enum alu_op op)
{
    return op == ALU_BT || op == ALU_BTS || op == ALU_BTR || op == ALU_BTC;
}
