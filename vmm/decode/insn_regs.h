/* SPDX-License-Identifier: MIT */
/*
 * The guest register file the instruction and string-I/O emulators work on,
 * and the x86 rules for reading and writing parts of it.
 */
#ifndef VMM_DECODE_INSN_REGS_H
#define VMM_DECODE_INSN_REGS_H

#include <stdint.h>

/* Register numbers in the SDM's encoding (Vol. 2A 2.1.5, table 2-2): rax=0 ... r15=15. */
#define INSN_RAX 0
#define INSN_RCX 1
#define INSN_RDX 2
#define INSN_RBX 3
#define INSN_RSP 4
#define INSN_RBP 5
#define INSN_RSI 6
#define INSN_RDI 7
#define INSN_NGPR 16
/* The legacy high-byte registers, encodings 4-7 of byte operands without REX. */
#define INSN_REG_AH 16
#define INSN_REG_CH 17
#define INSN_REG_DH 18
#define INSN_REG_BH 19
#define INSN_REG_NONE (-1)

/* Segment registers in the SDM's encoding (Vol. 3C, VM-exit instruction information). */
enum insn_seg {
    INSN_SEG_ES,
    INSN_SEG_CS,
    INSN_SEG_SS,
    INSN_SEG_DS,
    INSN_SEG_FS,
    INSN_SEG_GS,
    INSN_NSEG,
};

/* The code size of the guest (CS.L, CS.D): the default address size, in bytes. */
enum insn_mode {
    INSN_MODE_16 = 2,
    INSN_MODE_32 = 4,
    INSN_MODE_64 = 8,
};

/*
 * gpr[] is in register-number order, the same layout as the vmx backend's
 * struct guest_regs (with rsp filled in from the VMCS). seg_base[] holds the
 * segment bases by enum insn_seg; in 64-bit mode only FS and GS are used.
 */
struct insn_regs {
    uint64_t gpr[INSN_NGPR];
    uint64_t rflags;
    uint64_t rip;
    uint64_t seg_base[INSN_NSEG];
};

/* All-ones in the low `size` bytes (1, 2, 4 or 8). */
uint64_t insn_size_mask(unsigned size);

/* Low `size` bytes of register `reg` (0-15 or INSN_REG_AH..BH). */
uint64_t insn_reg_read(const struct insn_regs *regs, int reg, unsigned size);

/* Writes `size` bytes: 4 zero-extends to 64 bits, 1 and 2 merge (SDM Vol. 1 3.4.1.1). */
void insn_reg_write(struct insn_regs *regs, int reg, unsigned size, uint64_t val);

/* Adds delta to a register used as an address or count of `addr_size` bytes (rSI, rDI, rCX). */
void insn_reg_add_addr(struct insn_regs *regs, int reg, unsigned addr_size, int64_t delta);

/*
 * Linear address of seg:offset. In 64-bit mode only FS/GS have a base and the
 * sum wraps at 2^64; otherwise it wraps at 2^32 (SDM Vol. 3A 3.4.4).
 */
uint64_t insn_linear(const struct insn_regs *regs, enum insn_mode mode, int seg, uint64_t offset);

/* RIP += len, wrapping at the mode's instruction-pointer width. */
void insn_advance_rip(struct insn_regs *regs, enum insn_mode mode, unsigned len);

#endif
