/* SPDX-License-Identifier: MIT */
/* INS/OUTS: string I/O between a port and guest memory (SDM Vol. 2B INS, OUTS, REP). */
#include "lib/errno.h"
#include "lib/string.h"
#include "vmm/decode/string_io.h"
#include "vmm/decode/x86_flags.h"

/* Exit qualification for I/O instructions (SDM Vol. 3C 28.2.1). */
#define IOQ_SIZE_MASK 0x7ULL
#define IOQ_IN (1ULL << 3)
#define IOQ_STRING (1ULL << 4)
#define IOQ_REP (1ULL << 5)
#define IOQ_PORT_SHIFT 16
/* Instruction information for INS/OUTS (SDM Vol. 3C 28.2.5). */
#define IOI_ASIZE_SHIFT 7
#define IOI_SEG_SHIFT 15

int string_io_exit_decode(uint64_t qual, uint32_t info, unsigned insn_len, enum insn_mode mode,
                          struct string_io_exit *x)
{
    unsigned size = (qual & IOQ_SIZE_MASK) + 1, asize = (info >> IOI_ASIZE_SHIFT) & 7;
    unsigned seg = (info >> IOI_SEG_SHIFT) & 7;

    if (!(qual & IOQ_STRING) || (size != 1 && size != 2 && size != 4) || asize > 2)
        return -EINVAL;
    x->mode = mode;
    x->size = size;
    x->in = qual & IOQ_IN;
    x->rep = qual & IOQ_REP;
    x->port = (qual >> IOQ_PORT_SHIFT) & 0xffff;
    x->addr_size = 2 << asize;
    x->seg = x->in ? INSN_SEG_ES : seg; /* undefined for INS */
    x->insn_len = insn_len;
    if (x->seg >= INSN_NSEG || insn_len == 0 || insn_len > 15)
        return -EINVAL;
    return 0;
}

static uint64_t count(const struct string_io_exit *x, const struct insn_regs *regs)
{
    return regs->gpr[INSN_RCX] & insn_size_mask(x->addr_size);
}

/* One transfer; registers unchanged on failure. */
static int transfer(const struct string_io_exit *x, struct insn_regs *regs,
                    const struct string_io_ops *ops, void *ctx)
{
    int reg = x->in ? INSN_RDI : INSN_RSI;
    uint64_t off = regs->gpr[reg] & insn_size_mask(x->addr_size);
    uint64_t la = insn_linear(regs, x->mode, x->in ? INSN_SEG_ES : x->seg, off);
    uint32_t val = 0;
    int ret;

    if (x->in) {
        ret = ops->port_in(ctx, x->port, x->size, &val);
        if (!ret)
            ret = ops->write_linear(ctx, la, &val, x->size);
    } else {
        ret = ops->read_linear(ctx, la, &val, x->size);
        if (!ret)
            ret = ops->port_out(ctx, x->port, x->size, val);
    }
    if (ret)
        return ret;
    insn_reg_add_addr(regs, reg, x->addr_size,
                      regs->rflags & X86_FLAGS_DF ? -(int64_t)x->size : x->size);
    if (x->rep)
        insn_reg_add_addr(regs, INSN_RCX, x->addr_size, -1);
    return 0;
}

int string_io_run(const struct string_io_exit *x, struct insn_regs *regs,
                  const struct string_io_ops *ops, void *ctx, unsigned max_iter)
{
    int ret;

    for (unsigned i = 0; i < max_iter || i == 0; i++) {
        if (x->rep && !count(x, regs))
            break;
        ret = transfer(x, regs, ops, ctx);
        if (ret)
            return ret;
        if (!x->rep)
            break;
    }
    if (x->rep && count(x, regs))
        return STRING_IO_AGAIN;
    insn_advance_rip(regs, x->mode, x->insn_len);
    return STRING_IO_DONE;
}
