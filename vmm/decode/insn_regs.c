/* SPDX-License-Identifier: MIT */
/* Register-file accessors with the x86 partial-register rules. */
#include <stdbool.h>
#include "vmm/decode/insn_regs.h"

uint64_t insn_size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static bool is_high8(int reg, unsigned size)
{
    return size == 1 && reg >= INSN_REG_AH && reg <= INSN_REG_BH;
}

uint64_t insn_reg_read(const struct insn_regs *regs, int reg, unsigned size)
{
    if (is_high8(reg, size))
        return (regs->gpr[reg - INSN_REG_AH] >> 8) & 0xff;
    return regs->gpr[reg & (INSN_NGPR - 1)] & insn_size_mask(size);
}

void insn_reg_write(struct insn_regs *regs, int reg, unsigned size, uint64_t val)
{
    uint64_t *r;

    if (is_high8(reg, size)) {
        r = &regs->gpr[reg - INSN_REG_AH];
        *r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
        return;
    }
    r = &regs->gpr[reg & (INSN_NGPR - 1)];
    if (size >= 4)
        *r = val & insn_size_mask(size);
    else
        *r = (*r & ~insn_size_mask(size)) | (val & insn_size_mask(size));
}

void insn_reg_add_addr(struct insn_regs *regs, int reg, unsigned addr_size, int64_t delta)
{
    insn_reg_write(regs, reg, addr_size, regs->gpr[reg] + (uint64_t)delta);
}

uint64_t insn_linear(const struct insn_regs *regs, enum insn_mode mode, int seg, uint64_t offset)
{
    if (mode == INSN_MODE_64)
        return (seg == INSN_SEG_FS || seg == INSN_SEG_GS) ? regs->seg_base[seg] + offset : offset;
    return (regs->seg_base[seg] + offset) & 0xffffffffULL;
}

void insn_advance_rip(struct insn_regs *regs, enum insn_mode mode, unsigned len)
{
    regs->rip = (regs->rip + len) & insn_size_mask(mode);
}
