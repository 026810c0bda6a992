/* SPDX-License-Identifier: MIT */
/*
 * Performs a decoded memory instruction on the register file, with memory
 * accesses through the caller's callbacks (the MMIO device or guest RAM).
 */
#include "lib/errno.h"
#include "vmm/decode/insn.h"
#include "vmm/decode/x86_flags.h"

uint64_t insn_ea(const struct insn *in, const struct insn_mem *m, const struct insn_regs *regs)
{
    uint64_t ea = (uint64_t)m->disp;

    if (m->rip_rel)
        ea += regs->rip + in->len;
    if (m->base != INSN_REG_NONE)
        ea += regs->gpr[m->base];
    if (m->index != INSN_REG_NONE)
        ea += regs->gpr[m->index] * m->scale;
    return ea & insn_size_mask(m->addr_size);
}

uint64_t insn_mem_linear(const struct insn *in, const struct insn_mem *m,
                         const struct insn_regs *regs)
{
    return insn_linear(regs, in->mode, m->seg, insn_ea(in, m, regs));
}

/* The non-memory operand: the immediate, the register, or 0 for a one-operand instruction. */
static uint64_t source(const struct insn *in, const struct insn_regs *regs)
{
    if (in->has_imm)
        return (uint64_t)in->imm & insn_size_mask(in->opsize);
    if (in->reg == INSN_REG_NONE)
        return 0;
    return insn_reg_read(regs, in->reg, in->opsize);
}

uint64_t insn_access_linear(const struct insn *in, const struct insn_regs *regs)
{
    unsigned shift = in->opsize == 2 ? 4 : in->opsize == 4 ? 5 : 6;
    uint64_t ea = insn_ea(in, &in->mem, regs), off;
    int64_t unit;

    if (in->op != INSN_ALU || !alu_is_bitop(in->alu) || in->has_imm || in->opsize < 2)
        return insn_mem_linear(in, &in->mem, regs);
    /* The register offset is signed at the operand size; DIV rounds toward -infinity. */
    off = source(in, regs) << (64 - 8 * in->opsize);
    unit = (int64_t)off >> (64 - 8 * in->opsize + shift);
    ea = (ea + (uint64_t)unit * in->opsize) & insn_size_mask(in->mem.addr_size);
    return insn_linear(regs, in->mode, in->mem.seg, ea);
}

/* The access to m (in->mem: where insn_access_linear says). */
static uint64_t access_addr(const struct insn *in, const struct insn_mem *m,
                            const struct insn_regs *regs)
{
    return m == &in->mem ? insn_access_linear(in, regs) : insn_mem_linear(in, m, regs);
}

static int mem_read(const struct insn *in, const struct insn_mem *m, const struct insn_regs *regs,
                    const struct insn_mem_ops *mem, void *ctx, uint64_t *val)
{
    int ret = mem->read(ctx, access_addr(in, m, regs), in->mem_size, val);

    if (!ret)
        *val &= insn_size_mask(in->mem_size);
    return ret;
}

static int mem_write(const struct insn *in, const struct insn_mem *m, const struct insn_regs *regs,
                     const struct insn_mem_ops *mem, void *ctx, uint64_t val)
{
    return mem->write(ctx, access_addr(in, m, regs), in->mem_size,
                      val & insn_size_mask(in->mem_size));
}

static int emul_mov(const struct insn *in, struct insn_regs *regs, const struct insn_mem_ops *mem,
                    void *ctx)
{
    uint64_t val;
    int ret;

    if (in->mem_dst)
        return mem_write(in, &in->mem, regs, mem, ctx, source(in, regs));
    ret = mem_read(in, &in->mem, regs, mem, ctx, &val);
    if (ret)
        return ret;
    if (in->op == INSN_MOVSX)
        val = (uint64_t)((int64_t)(val << (64 - 8 * in->mem_size)) >> (64 - 8 * in->mem_size));
    insn_reg_write(regs, in->reg, in->opsize, val);
    return 0;
}

static int emul_xchg(const struct insn *in, struct insn_regs *regs, const struct insn_mem_ops *mem,
                     void *ctx)
{
    uint64_t old;
    int ret = mem_read(in, &in->mem, regs, mem, ctx, &old);

    if (!ret)
        ret = mem_write(in, &in->mem, regs, mem, ctx, source(in, regs));
    if (!ret)
        insn_reg_write(regs, in->reg, in->opsize, old);
    return ret;
}

/*
 * ALU forms: one read; one write of the result unless the operation only
 * compares (CMP, TEST, BT). INC, DEC, NOT, NEG have no source (reg NONE).
 */
static int emul_alu(const struct insn *in, struct insn_regs *regs, const struct insn_mem_ops *mem,
                    void *ctx)
{
    uint64_t m, res, flags = regs->rflags;
    int ret = mem_read(in, &in->mem, regs, mem, ctx, &m);

    if (ret)
        return ret;
    if (in->mem_dst) {
        res = alu_run(in->alu, in->opsize, m, source(in, regs), &flags);
        if (alu_writes(in->alu))
            ret = mem_write(in, &in->mem, regs, mem, ctx, res);
    } else {
        res = alu_run(in->alu, in->opsize, source(in, regs), m, &flags);
        if (alu_writes(in->alu))
            insn_reg_write(regs, in->reg, in->opsize, res);
    }
    if (!ret)
        regs->rflags = flags;
    return ret;
}

/*
 * XADD (SDM Vol. 2C XADD): TEMP = SRC + DEST; SRC = DEST; DEST = TEMP, with
 * the flags of the addition. One read, one write, then the register.
 */
static int emul_xadd(const struct insn *in, struct insn_regs *regs, const struct insn_mem_ops *mem,
                     void *ctx)
{
    uint64_t old, sum, flags = regs->rflags;
    int ret = mem_read(in, &in->mem, regs, mem, ctx, &old);

    if (ret)
        return ret;
    sum = alu_run(ALU_ADD, in->opsize, old, source(in, regs), &flags);
    ret = mem_write(in, &in->mem, regs, mem, ctx, sum);
    if (ret)
        return ret;
    insn_reg_write(regs, in->reg, in->opsize, old);
    regs->rflags = flags;
    return 0;
}

/*
 * CMPXCHG (SDM Vol. 2A CMPXCHG): TEMP = DEST; flags of CMP accumulator, TEMP;
 * equal: ZF = 1, DEST = SRC; else ZF = 0, accumulator = TEMP, DEST = TEMP.
 * "The destination operand is written back if the comparison fails" (the
 * processor never produces a locked read without a locked write), so a
 * failed compare writes the value it read back to the device, as hardware
 * and other emulators (KVM) do: one read and one write either way. On
 * success the accumulator is not written (RAX bits 63:32 keep their value
 * for a 32-bit operand); on failure a 32-bit write zero-extends RAX.
 */
static int emul_cmpxchg(const struct insn *in, struct insn_regs *regs,
                        const struct insn_mem_ops *mem, void *ctx)
{
    uint64_t old, flags = regs->rflags;
    int ret = mem_read(in, &in->mem, regs, mem, ctx, &old);
    bool equal;

    if (ret)
        return ret;
    alu_run(ALU_CMP, in->opsize, insn_reg_read(regs, INSN_RAX, in->opsize), old, &flags);
    equal = flags & X86_FLAGS_ZF;
    ret = mem_write(in, &in->mem, regs, mem, ctx, equal ? source(in, regs) : old);
    if (ret)
        return ret;
    if (!equal)
        insn_reg_write(regs, INSN_RAX, in->opsize, old);
    regs->rflags = flags;
    return 0;
}

/*
 * One iteration of STOS, MOVS or LODS (SDM Vol. 2A LODS, Vol. 2B MOVS, STOS;
 * REP: Vol. 2B REP); returns 1 if a REP count remains (RIP must stay).
 */
static int emul_string(const struct insn *in, struct insn_regs *regs,
                       const struct insn_mem_ops *mem, void *ctx)
{
    unsigned as = in->mem.addr_size;
    int64_t step = regs->rflags & X86_FLAGS_DF ? -(int64_t)in->opsize : in->opsize;
    uint64_t val = insn_reg_read(regs, INSN_RAX, in->opsize);
    int ret = 0;

    if (in->rep && !(regs->gpr[INSN_RCX] & insn_size_mask(as)))
        return 0;
    if (in->op == INSN_MOVS)
        ret = mem_read(in, &in->src, regs, mem, ctx, &val);
    else if (in->op == INSN_LODS)
        ret = mem_read(in, &in->mem, regs, mem, ctx, &val);
    if (!ret && in->op != INSN_LODS)
        ret = mem_write(in, &in->mem, regs, mem, ctx, val);
    if (ret)
        return ret;
    if (in->op == INSN_LODS)
        insn_reg_write(regs, INSN_RAX, in->opsize, val);
    else
        insn_reg_add_addr(regs, INSN_RDI, as, step);
    if (in->op != INSN_STOS)
        insn_reg_add_addr(regs, INSN_RSI, as, step);
    if (!in->rep)
        return 0;
    insn_reg_add_addr(regs, INSN_RCX, as, -1);
    return (regs->gpr[INSN_RCX] & insn_size_mask(as)) != 0;
}

int insn_emulate(const struct insn *in, struct insn_regs *regs, const struct insn_mem_ops *mem,
                 void *ctx)
{
    int ret;

    switch (in->op) {
    case INSN_MOV:
    case INSN_MOVZX:
    case INSN_MOVSX:
        ret = emul_mov(in, regs, mem, ctx);
        break;
    case INSN_XCHG:
        ret = emul_xchg(in, regs, mem, ctx);
        break;
    case INSN_ALU:
        ret = emul_alu(in, regs, mem, ctx);
        break;
    case INSN_XADD:
        ret = emul_xadd(in, regs, mem, ctx);
        break;
    case INSN_CMPXCHG:
        ret = emul_cmpxchg(in, regs, mem, ctx);
        break;
    case INSN_STOS:
    case INSN_MOVS:
    case INSN_LODS:
        ret = emul_string(in, regs, mem, ctx);
        if (ret == 1)
            return 0;
        break;
    default:
        return -EINVAL;
    }
    if (!ret)
        insn_advance_rip(regs, in->mode, in->len);
    return ret;
}
