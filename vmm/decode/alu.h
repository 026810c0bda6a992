/* SPDX-License-Identifier: MIT */
/* The two-operand integer ALU operations of the emulated instructions, with their flags. */
#ifndef VMM_DECODE_ALU_H
#define VMM_DECODE_ALU_H

#include <stdint.h>

/* In the order of the group-1 opcode extension (SDM Vol. 2 table A-6), then TEST. */
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
};

/*
 * dst op src on `size` bytes (1, 2, 4, 8); returns the result (the value
 * written back, for CMP and TEST the value that is not) and updates CF, PF,
 * AF, ZF, SF, OF in *rflags as the instruction does (ADC/SBB read CF).
 * Logic operations clear AF, which the SDM leaves undefined, as Intel
 * hardware does.
 */
uint64_t alu_run(enum alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags);

/* Whether the operation writes its destination (all but CMP and TEST). */
int alu_writes(enum alu_op op);

#endif
