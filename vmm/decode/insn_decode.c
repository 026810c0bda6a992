/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction decoder for the memory-operand instructions MMIO emulation
 * needs (SDM Vol. 2A chapter 2: prefixes 2.1.1, ModRM/SIB 2.1.5, REX 2.2.1;
 * opcode map Vol. 2D appendix A).
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "vmm/decode/insn.h"

#define REX_W 0x8
#define REX_R 0x4
#define REX_X 0x2
#define REX_B 0x1

/* Reading position in the instruction bytes and the prefixes seen so far. */
struct dec {
    const uint8_t *b;
    size_t n, pos;
    enum insn_mode mode;
    bool opsize_pfx, addr_pfx;
    int seg; /* override, or -1 */
    uint8_t modrm;
};

/* Little-endian fetch of `bytes` (1, 2, 4, 8) at the cursor. */
static int fetch(struct dec *d, unsigned bytes, uint64_t *val)
{
    if (d->pos + bytes > INSN_MAX_LEN)
        return -EINVAL;
    if (d->pos + bytes > d->n)
        return -ENODATA;
    *val = 0;
    for (unsigned i = 0; i < bytes; i++)
        *val |= (uint64_t)d->b[d->pos + i] << (8 * i);
    d->pos += bytes;
    return 0;
}

static int64_t sign_extend(uint64_t v, unsigned bytes)
{
    unsigned shift = 64 - 8 * bytes;

    return bytes >= 8 ? (int64_t)v : (int64_t)(v << shift) >> shift;
}

static int fetch_signed(struct dec *d, unsigned bytes, int64_t *val)
{
    uint64_t v;
    int ret = fetch(d, bytes, &v);

    if (!ret)
        *val = sign_extend(v, bytes);
    return ret;
}

static int seg_of_prefix(uint8_t b)
{
    switch (b) {
    case 0x26:
        return INSN_SEG_ES;
    case 0x2e:
        return INSN_SEG_CS;
    case 0x36:
        return INSN_SEG_SS;
    case 0x3e:
        return INSN_SEG_DS;
    case 0x64:
        return INSN_SEG_FS;
    case 0x65:
        return INSN_SEG_GS;
    default:
        return -1;
    }
}

/* One legacy prefix; false if b is not one. */
static bool legacy_prefix(struct dec *d, struct insn *in, uint8_t b)
{
    if (b == 0x66)
        d->opsize_pfx = true;
    else if (b == 0x67)
        d->addr_pfx = true;
    else if (b == 0xf0)
        in->lock = true;
    else if (b == 0xf2)
        in->rep = INSN_REP_F2;
    else if (b == 0xf3)
        in->rep = INSN_REP_F3;
    else if (seg_of_prefix(b) >= 0)
        d->seg = seg_of_prefix(b);
    else
        return false;
    return true;
}

/*
 * Legacy prefixes in any order, REX (64-bit mode) counting only when it comes
 * last, right before the opcode (SDM Vol. 2A 2.2.1).
 */
static int prefixes(struct dec *d, struct insn *in)
{
    uint64_t b;
    int ret;

    for (;;) {
        ret = fetch(d, 1, &b);
        if (ret)
            return ret;
        if (legacy_prefix(d, in, b)) {
            in->rex = 0;
        } else if (d->mode == INSN_MODE_64 && (b & 0xf0) == 0x40) {
            in->rex = b;
        } else {
            d->pos--;
            return 0;
        }
    }
}

static unsigned operand_size(const struct dec *d, const struct insn *in)
{
    unsigned size = d->mode == INSN_MODE_16 ? 2 : 4;

    if (in->rex & REX_W)
        return 8;
    if (d->opsize_pfx)
        size = size == 2 ? 4 : 2;
    return size;
}

static unsigned address_size(const struct dec *d)
{
    if (d->mode == INSN_MODE_64)
        return d->addr_pfx ? 4 : 8;
    if (d->addr_pfx)
        return d->mode == INSN_MODE_16 ? 4 : 2;
    return d->mode;
}

/* Register number of a ModRM.reg field for an operand of `size` bytes. */
static int8_t reg_number(const struct insn *in, unsigned field, unsigned size)
{
    if (size == 1 && !in->rex && field >= 4 && field < 8)
        return INSN_REG_AH + field - 4;
    return field | (in->rex & REX_R ? 8 : 0);
}

static void mem_init(struct dec *d, struct insn_mem *m, int base, int def_seg)
{
    m->base = base;
    m->index = INSN_REG_NONE;
    m->scale = 1;
    m->addr_size = address_size(d);
    m->rip_rel = false;
    m->disp = 0;
    m->seg = d->seg >= 0 ? d->seg : def_seg;
}

/* 16-bit addressing forms (SDM Vol. 2A table 2-1). */
static int modrm_mem16(struct dec *d, struct insn_mem *m)
{
    static const int8_t base[8] = {INSN_RBX, INSN_RBX, INSN_RBP, INSN_RBP,
                                   INSN_RSI, INSN_RDI, INSN_RBP, INSN_RBX};
    static const int8_t index[8] = {INSN_RSI,      INSN_RDI,      INSN_RSI,      INSN_RDI,
                                    INSN_REG_NONE, INSN_REG_NONE, INSN_REG_NONE, INSN_REG_NONE};
    unsigned mod = d->modrm >> 6, rm = d->modrm & 7;
    int b = base[rm], i = index[rm];

    if (mod == 0 && rm == 6)
        b = INSN_REG_NONE;
    mem_init(d, m, b, b == INSN_RBP ? INSN_SEG_SS : INSN_SEG_DS);
    m->index = i;
    if (mod == 1)
        return fetch_signed(d, 1, &m->disp);
    if (mod == 2 || (mod == 0 && rm == 6))
        return fetch_signed(d, 2, &m->disp);
    return 0;
}

/* The SIB byte (SDM Vol. 2A table 2-3): base 5 with mod 0 means disp32, index 4 none. */
static int sib(struct dec *d, const struct insn *in, int *base, int *index, uint8_t *scale)
{
    uint64_t s;
    int ret = fetch(d, 1, &s);

    if (ret)
        return ret;
    *scale = 1 << (s >> 6);
    *index = ((s >> 3) & 7) | (in->rex & REX_X ? 8 : 0);
    if (*index == INSN_RSP)
        *index = INSN_REG_NONE;
    *base = (s & 7) | (in->rex & REX_B ? 8 : 0);
    if ((s & 7) == 5 && (d->modrm >> 6) == 0)
        *base = INSN_REG_NONE;
    return 0;
}

/* 32- and 64-bit addressing forms (SDM Vol. 2A tables 2-2, 2-3; RIP-relative 2.2.1.6). */
static int modrm_mem32(struct dec *d, const struct insn *in, struct insn_mem *m)
{
    unsigned mod = d->modrm >> 6, rm = d->modrm & 7;
    int base = rm | (in->rex & REX_B ? 8 : 0), index = INSN_REG_NONE, ret;
    uint8_t scale = 1;
    bool disp32 = mod == 2;

    if (rm == 4) {
        ret = sib(d, in, &base, &index, &scale);
        if (ret)
            return ret;
        disp32 |= base == INSN_REG_NONE;
    } else if (mod == 0 && rm == 5) {
        base = INSN_REG_NONE;
        disp32 = true;
    }
    mem_init(d, m, base, base == INSN_RSP || base == INSN_RBP ? INSN_SEG_SS : INSN_SEG_DS);
    m->index = index;
    m->scale = scale;
    m->rip_rel = d->mode == INSN_MODE_64 && mod == 0 && rm == 5;
    if (mod == 1)
        return fetch_signed(d, 1, &m->disp);
    return disp32 ? fetch_signed(d, 4, &m->disp) : 0;
}

/* A ModRM that must name memory; its reg field goes to *field. */
static int modrm_mem(struct dec *d, struct insn *in, unsigned *field)
{
    uint64_t b;
    int ret = fetch(d, 1, &b);

    if (ret)
        return ret;
    d->modrm = b;
    *field = (b >> 3) & 7;
    if ((b >> 6) == 3)
        return -EINVAL;
    if (address_size(d) == 2)
        return modrm_mem16(d, &in->mem);
    return modrm_mem32(d, in, &in->mem);
}

/* ModRM memory operand with a register operand in ModRM.reg. */
static int mem_and_reg(struct dec *d, struct insn *in, bool mem_dst)
{
    unsigned field;
    int ret = modrm_mem(d, in, &field);

    in->reg = reg_number(in, field, in->opsize);
    in->mem_dst = mem_dst;
    return ret;
}

/* Immediate of imm_size bytes (at most 4: 64-bit operations sign-extend imm32). */
static int immediate(struct dec *d, struct insn *in, unsigned imm_size)
{
    in->has_imm = true;
    in->reg = INSN_REG_NONE;
    in->mem_dst = true;
    return fetch_signed(d, imm_size > 4 ? 4 : imm_size, &in->imm);
}

/* 00-3B: op r/m, r (bit 1 clear) or op r, r/m (bit 1 set); the ALU op is bits 5:3. */
static int alu_modrm(struct dec *d, struct insn *in, uint8_t op)
{
    in->op = INSN_ALU;
    in->alu = op >> 3;
    return mem_and_reg(d, in, !(op & 2));
}

/* 80-83 group 1, F6/F7 group 3 (TEST, NOT, NEG), C6/C7 group 11 (MOV only), r/m with imm. */
static int group_imm(struct dec *d, struct insn *in, uint8_t op)
{
    unsigned field, imm_size = op == 0x81 || op == 0xc7 || op == 0xf7 ? in->opsize : 1;
    int ret = modrm_mem(d, in, &field);

    /* A register form is -EINVAL, but an unhandled group member (e.g. C6 F8 XABORT) wins. */
    if (ret && ret != -EINVAL)
        return ret;
    if (op == 0xc6 || op == 0xc7) {
        if (field != 0)
            return -EOPNOTSUPP;
        in->op = INSN_MOV;
    } else if (op == 0xf6 || op == 0xf7) {
        /* Group 3: /0 /1 TEST imm (/1 an undocumented alias), /2 NOT, /3 NEG; not MUL..IDIV. */
        if (field > 3)
            return -EOPNOTSUPP;
        in->op = INSN_ALU;
        in->alu = field <= 1 ? ALU_TEST : field == 2 ? ALU_NOT : ALU_NEG;
        if (field >= 2) {
            in->mem_dst = true;
            return ret;
        }
    } else {
        in->op = INSN_ALU;
        in->alu = field;
    }
    if (ret)
        return ret;
    return immediate(d, in, imm_size);
}

/* A0-A3: MOV between rAX and a moffs (an absolute offset of the address size). */
static int moffs(struct dec *d, struct insn *in, uint8_t op)
{
    uint64_t off;
    int ret;

    mem_init(d, &in->mem, INSN_REG_NONE, INSN_SEG_DS);
    ret = fetch(d, in->mem.addr_size, &off);
    in->mem.disp = (int64_t)off;
    in->op = INSN_MOV;
    in->reg = INSN_RAX;
    in->mem_dst = op >= 0xa2;
    return ret;
}

/*
 * A4/A5 MOVS, AA/AB STOS: ES:rDI destination (no override), MOVS reads
 * seg:rSI. AC/AD LODS (SDM Vol. 2A LODS): rAX = seg:rSI, in->mem and src.
 */
static int string_op(struct dec *d, struct insn *in, uint8_t op)
{
    int seg = d->seg;

    if (op == 0xac || op == 0xad) {
        in->op = INSN_LODS;
        in->reg = INSN_RAX;
        mem_init(d, &in->mem, INSN_RSI, INSN_SEG_DS);
        in->src = in->mem;
        return 0;
    }
    in->op = op <= 0xa5 ? INSN_MOVS : INSN_STOS;
    in->reg = in->op == INSN_STOS ? INSN_RAX : INSN_REG_NONE;
    in->mem_dst = true;
    d->seg = -1;
    mem_init(d, &in->mem, INSN_RDI, INSN_SEG_ES);
    d->seg = seg;
    mem_init(d, &in->src, INSN_RSI, INSN_SEG_DS);
    return 0;
}

/*
 * FE group 4, FF group 5: /0 INC, /1 DEC r/m (SDM Vol. 2A INC, DEC). The
 * rest (FE /2-/7 undefined, FF CALL/JMP/PUSH) is not emulated.
 */
static int group_incdec(struct dec *d, struct insn *in)
{
    unsigned field;
    int ret = modrm_mem(d, in, &field);

    if (ret && ret != -EINVAL)
        return ret;
    if (field > 1)
        return -EOPNOTSUPP;
    in->op = INSN_ALU;
    in->alu = field ? ALU_DEC : ALU_INC;
    in->mem_dst = true;
    return ret;
}

/* 0F BA group 8: /4 BT, /5 BTS, /6 BTR, /7 BTC r/m, imm8 (/0-/3 undefined). */
static int group_bt_imm(struct dec *d, struct insn *in)
{
    unsigned field;
    int ret = modrm_mem(d, in, &field);

    if (ret && ret != -EINVAL)
        return ret;
    if (field < 4)
        return -EOPNOTSUPP;
    in->op = INSN_ALU;
    in->alu = ALU_BT + (field - 4);
    if (ret)
        return ret;
    return immediate(d, in, 1);
}

/*
 * Two-byte opcodes: 0F B6/B7/BE/BF MOVZX, MOVSX from an 8- or 16-bit memory
 * operand; 0F A3/AB/B3/BB BT/BTS/BTR/BTC r/m, r (bits 4:3 pick which);
 * 0F BA group 8; 0F B0/B1 CMPXCHG r/m, r; 0F C0/C1 XADD r/m, r (B0, C0:
 * byte operands).
 */
static int two_byte(struct dec *d, struct insn *in)
{
    uint64_t op;
    int ret = fetch(d, 1, &op);

    if (ret)
        return ret;
    in->opcode = 0x0f00 | op;
    switch (op) {
    case 0xb6:
    case 0xb7:
    case 0xbe:
    case 0xbf:
        in->op = op & 8 ? INSN_MOVSX : INSN_MOVZX;
        in->mem_size = op & 1 ? 2 : 1;
        return mem_and_reg(d, in, false);
    case 0xa3:
    case 0xab:
    case 0xb3:
    case 0xbb:
        in->op = INSN_ALU;
        in->alu = ALU_BT + ((op >> 3) & 3);
        return mem_and_reg(d, in, true);
    case 0xba:
        return group_bt_imm(d, in);
    case 0xb0:
    case 0xb1:
    case 0xc0:
    case 0xc1:
        in->op = op >= 0xc0 ? INSN_XADD : INSN_CMPXCHG;
        if (!(op & 1))
            in->opsize = in->mem_size = 1;
        return mem_and_reg(d, in, true);
    default:
        return -EOPNOTSUPP;
    }
}

/* 63: MOVSXD r, r/m32 in 64-bit mode (ARPL elsewhere, not handled). */
static int movsxd(struct dec *d, struct insn *in)
{
    if (d->mode != INSN_MODE_64)
        return -EOPNOTSUPP;
    in->op = in->opsize == 8 ? INSN_MOVSX : INSN_MOV;
    in->mem_size = in->opsize == 8 ? 4 : in->opsize;
    return mem_and_reg(d, in, false);
}

static int one_byte(struct dec *d, struct insn *in, uint8_t op)
{
    if (op < 0x40 && (op & 7) < 4)
        return alu_modrm(d, in, op);
    if (op == 0x63)
        return movsxd(d, in);
    if (op == 0x80 || op == 0x81 || op == 0x83 || op == 0xc6 || op == 0xc7 || op == 0xf6 ||
        op == 0xf7 || (op == 0x82 && d->mode != INSN_MODE_64))
        return group_imm(d, in, op);
    if (op == 0x84 || op == 0x85) {
        in->op = INSN_ALU;
        in->alu = ALU_TEST;
        return mem_and_reg(d, in, true);
    }
    if (op == 0x86 || op == 0x87) {
        in->op = INSN_XCHG;
        return mem_and_reg(d, in, true);
    }
    if (op >= 0x88 && op <= 0x8b) {
        in->op = INSN_MOV;
        return mem_and_reg(d, in, !(op & 2));
    }
    if (op >= 0xa0 && op <= 0xa3)
        return moffs(d, in, op);
    if (op == 0xa4 || op == 0xa5 || op == 0xaa || op == 0xab || op == 0xac || op == 0xad)
        return string_op(d, in, op);
    if (op == 0xfe || op == 0xff)
        return group_incdec(d, in);
    return -EOPNOTSUPP;
}

/* Width of the operation: bit 0 clear means a byte operation, except for 0F B6-BF. */
static unsigned opcode_size(const struct dec *d, const struct insn *in, uint8_t op)
{
    return (op & 1) || op == 0x0f || op == 0x63 ? operand_size(d, in) : 1;
}

/*
 * LOCK is legal only on the memory-destination forms of ADD, ADC, AND, BTC,
 * BTR, BTS, CMPXCHG, DEC, INC, NEG, NOT, OR, SBB, SUB, XOR, XADD and XCHG
 * (SDM Vol. 2A LOCK); elsewhere #UD. Not on CMP, TEST, BT, MOV, strings.
 */
static bool lock_ok(const struct insn *in)
{
    if (in->op == INSN_XCHG || in->op == INSN_XADD || in->op == INSN_CMPXCHG)
        return true;
    return in->op == INSN_ALU && in->mem_dst && alu_writes(in->alu);
}

int insn_decode(const uint8_t *bytes, size_t n, enum insn_mode mode, struct insn *in)
{
    struct dec d = {.b = bytes, .n = n, .mode = mode, .seg = -1};
    uint64_t op;
    int ret;

    memset(in, 0, sizeof(*in));
    in->mode = mode;
    in->reg = INSN_REG_NONE;
    ret = prefixes(&d, in);
    if (!ret)
        ret = fetch(&d, 1, &op);
    if (ret)
        return ret;
    in->opcode = op;
    in->opsize = opcode_size(&d, in, op);
    in->mem_size = in->opsize;
    ret = op == 0x0f ? two_byte(&d, in) : one_byte(&d, in, op);
    if (ret)
        return ret;
    if (in->lock && !lock_ok(in))
        return -EINVAL;
    in->len = d.pos;
    return d.pos;
}
