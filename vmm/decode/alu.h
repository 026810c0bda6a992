/* SPDX-License-Identifier: MIT */
/* The integer ALU operations of the emulated instructions, with their flags. */
#ifndef VMM_DECODE_ALU_H
#define VMM_DECODE_ALU_H

#include <stdint.h>

/*
 * In the order of the group-1 opcode extension (SDM Vol. 2 table A-6), then
 * TEST; the one-operand group 3/4/5 operations; the bit tests in the order
 * of the group-8 extension /4-/7 (0F BA).
 */
enum alu_op {
    ALU_ADD,
    ALU_OR,
    ALU_ADC,
    ALU_SBB,
    ALU_AND,
    ALU_SUB,
    ALU_XOR,
    ALU_CMP,
    ALU_TEST,
    ALU_INC, /* dst + 1, CF unchanged; src ignored */
    ALU_DEC, /* dst - 1, CF unchanged; src ignored */
    ALU_NOT, /* ~dst, no flags; src ignored */
    ALU_NEG, /* 0 - dst; src ignored */
    ALU_BT,  /* CF = bit (src mod width) of dst */
    ALU_BTS, /* ... and set it */
    ALU_BTR, /* ... and clear it */
    ALU_BTC, /* ... and complement it */
};
#define ALU_LAST ALU_BTC

/*
 * dst op src on `size` bytes (1, 2, 4, 8); returns the result (the value
 * written back, for CMP, TEST and BT the value that is not) and updates the
 * status flags in *rflags as the instruction does (ADC/SBB read CF; INC/DEC
 * keep CF; NOT changes none; BT* write CF only). Flags the SDM leaves
 * undefined: logic operations clear AF, as Intel hardware does; BT* leave
 * OF, SF, AF, PF unchanged.
 */
uint64_t alu_run(enum alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags);

/* Whether the operation writes its destination (all but CMP, TEST and BT). */
int alu_writes(enum alu_op op);

/* BT, BTS, BTR, BTC: the bit offset may address outside the operand in memory. */
int alu_is_bitop(enum alu_op op);

#endif
