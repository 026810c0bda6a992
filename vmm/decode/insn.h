/* SPDX-License-Identifier: MIT */
/*
 * Decoder and emulator for the x86 instructions that access memory in MMIO
 * emulation: MOV (88-8B, C6/C7, A0-A3), MOVZX/MOVSX, MOVSXD, XCHG, the ALU
 * read-modify-write forms (00-3B, group 1 80-83, TEST 84/85 and F6/F7 /0),
 * INC/DEC (FE/FF /0 /1), NOT/NEG (F6/F7 /2 /3), BT/BTS/BTR/BTC (0F A3/AB/
 * B3/BB, 0F BA /4-/7), XADD (0F C0/C1), CMPXCHG (0F B0/B1), and STOS, MOVS,
 * LODS (one iteration). Everything else is refused; see docs/decoder.md.
 * Opcode facts: Intel SDM Vol. 2, chapter 2 and appendix A.
 */
#ifndef VMM_DECODE_INSN_H
#define VMM_DECODE_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmm/decode/alu.h"
#include "vmm/decode/insn_regs.h"

#define INSN_MAX_LEN 15 /* SDM Vol. 2A 2.3.11 */

enum insn_op {
    INSN_MOV,   /* first operand = second */
    INSN_MOVZX, /* register = zero-extended memory of mem_size bytes */
    INSN_MOVSX, /* register = sign-extended memory (MOVSX, MOVSXD) */
    INSN_XCHG,
    INSN_ALU,     /* alu: first operand = first op second (or op first), flags */
    INSN_STOS,    /* ES:rDI = rAX */
    INSN_MOVS,    /* ES:rDI = seg:rSI (src) */
    INSN_LODS,    /* rAX = seg:rSI (mem) */
    INSN_XADD,    /* memory = memory + reg, reg = old memory, flags of the ADD */
    INSN_CMPXCHG, /* rAX == memory ? memory = reg : rAX = memory (written back), flags of CMP */
};
#define INSN_OP_LAST INSN_CMPXCHG

enum insn_rep {
    INSN_REP_NONE,
    INSN_REP_F3, /* REP / REPE */
    INSN_REP_F2, /* REPNE */
};

/* A memory operand: seg:[base + index * scale + disp], or [rip + len + disp]. */
struct insn_mem {
    int8_t base;       /* register 0-15 or INSN_REG_NONE */
    int8_t index;      /* register 0-15 or INSN_REG_NONE */
    uint8_t scale;     /* 1, 2, 4, 8 */
    uint8_t seg;       /* enum insn_seg: the override, else DS or SS (rBP/rSP base) */
    uint8_t addr_size; /* 2, 4, 8 bytes: offsets wrap at this width */
    bool rip_rel;
    int64_t disp; /* sign-extended; moffs values are zero-extended */
};

struct insn {
    uint8_t len;      /* bytes, 1..15: RIP advances by this */
    uint8_t mode;     /* enum insn_mode the bytes were decoded in */
    uint8_t op;       /* enum insn_op */
    uint8_t alu;      /* enum alu_op, for INSN_ALU */
    uint8_t opsize;   /* operation and register width, bytes: 1, 2, 4, 8 */
    uint8_t mem_size; /* bytes read or written in memory (< opsize for MOVZX/MOVSX) */
    bool mem_dst;     /* memory is the first (destination) operand */
    bool has_imm;     /* the second operand is imm (else register reg, or none) */
    int8_t reg;       /* register operand: 0-15, INSN_REG_AH..BH, or INSN_REG_NONE */
    uint8_t rep;      /* enum insn_rep */
    bool lock;
    uint8_t rex;         /* the REX prefix in effect, 0 if none */
    uint16_t opcode;     /* the opcode byte, 0x0Fxx for two-byte opcodes */
    int64_t imm;         /* sign-extended to 64 bits */
    struct insn_mem mem; /* the memory operand; STOS/MOVS: ES:rDI; LODS: seg:rSI */
    struct insn_mem src; /* MOVS only: the source seg:rSI */
};

/*
 * Decodes the instruction at bytes[0..n) in `mode`. Returns its length, or
 * -EOPNOTSUPP: an opcode this decoder does not handle (including instructions
 *              that are valid x86 but not emulated);
 * -EINVAL:     malformed for the CPU too (register ModRM where memory is
 *              required, LOCK on an unlockable form, longer than 15 bytes);
 * -ENODATA:    n ran out before the instruction ended: fetch more bytes.
 */
int insn_decode(const uint8_t *bytes, size_t n, enum insn_mode mode, struct insn *in);

/* Effective address (offset in the segment) of m, wrapped to its address size. */
uint64_t insn_ea(const struct insn *in, const struct insn_mem *m, const struct insn_regs *regs);

/* Linear address of m: segment base (regs->seg_base) + effective address. */
uint64_t insn_mem_linear(const struct insn *in, const struct insn_mem *m,
                         const struct insn_regs *regs);

/*
 * Linear address the instruction's in->mem access goes to: insn_mem_linear
 * of in->mem, except for BT/BTS/BTR/BTC with a register bit offset, whose
 * signed offset also selects the operand-sized unit of the bit string:
 * EA + opsize * (offset DIV (8 * opsize)), wrapped to the address size
 * (SDM Vol. 2A BT, Description: "Effective Address + (4 * (BitOffset DIV
 * 32))"; the register offset is signed, -2^15..2^15-1 for 16-bit operands,
 * -2^31.. for 32-bit, -2^63.. for 64-bit).
 */
uint64_t insn_access_linear(const struct insn *in, const struct insn_regs *regs);

/*
 * Memory callbacks of insn_emulate: addr is the linear address (the caller
 * translates it, e.g. with guest_walk, or compares it with the exit's guest
 * linear address); size is 1, 2, 4 or 8; values are little-endian in the low
 * bytes. A negative return aborts the emulation and is passed up.
 */
struct insn_mem_ops {
    int (*read)(void *ctx, uint64_t addr, unsigned size, uint64_t *val);
    int (*write)(void *ctx, uint64_t addr, unsigned size, uint64_t val);
};

/*
 * Performs a decoded instruction on regs and memory. All memory reads come
 * before any write, and registers change only after every access succeeded,
 * so a callback error leaves regs untouched. Each operand is read at most
 * once and written at most once (a device sees one read and one write for a
 * read-modify-write; CMP, TEST, BT and LODS never write; CMPXCHG always
 * writes: the source on success, the value read on failure, as the SDM's
 * locked write cycle does). RIP advances by in->len, except
 * for a REP string instruction whose count is still non-zero after its one
 * iteration: RIP stays so the guest re-executes it. Returns 0 or a callback's
 * negative error.
 */
int insn_emulate(const struct insn *in, struct insn_regs *regs, const struct insn_mem_ops *mem,
                 void *ctx);

#endif
