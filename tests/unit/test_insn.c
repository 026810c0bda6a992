/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/decode/insn_decode.c vmm/decode/insn_emulate.c vmm/decode/insn_regs.c vmm/decode/alu.c */
/*
 * Instruction decoder and emulator tests. The bytes of every case were
 * produced by GNU as from the AT&T text in the comment above it (or written
 * by hand where as does not emit the form, marked "raw" in the text).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/decode/insn.h"

#define M16 INSN_MODE_16
#define M32 INSN_MODE_32
#define M64 INSN_MODE_64
#define NO INSN_REG_NONE
#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RSP 4
#define RBP 5
#define RSI 6
#define RDI 7
#define AH 16
#define CH 17
#define DH 18
#define BH 19

/* RFLAGS bits, spelled out so the tests don't share the emulator's mistakes. */
#define CF 0x1
#define PF 0x4
#define AF 0x10
#define ZF 0x40
#define SF 0x80
#define DF 0x400
#define OF 0x800
#define FIXED 0x2 /* RFLAGS bit 1 is always 1 */
#define ARITH (CF | PF | AF | ZF | SF | OF)

/* ------------------------------------------------------------------ decoding */

struct dcase {
    uint8_t mode;
    const char *bytes;
    int len;
    uint8_t op, alu, opsize, mem_size;
    int8_t reg;
    bool mem_dst, has_imm;
    int64_t imm;
    uint8_t rep, rex;
    bool lock;
    struct insn_mem mem, src;
};

#define MOV(sz) .op = INSN_MOV, .opsize = sz, .mem_size = sz
#define MOVZX(sz, ms) .op = INSN_MOVZX, .opsize = sz, .mem_size = ms
#define MOVSX(sz, ms) .op = INSN_MOVSX, .opsize = sz, .mem_size = ms
#define XCHG(sz) .op = INSN_XCHG, .opsize = sz, .mem_size = sz
#define ALU(a, sz) .op = INSN_ALU, .alu = ALU_##a, .opsize = sz, .mem_size = sz
#define STRING(o, sz) .op = INSN_##o, .opsize = sz, .mem_size = sz, .mem_dst = true
#define LODS(sz) .op = INSN_LODS, .opsize = sz, .mem_size = sz, .reg = RAX, .mem_dst = false
#define OP(o, sz) .op = INSN_##o, .opsize = sz, .mem_size = sz
#define UNARY .reg = NO, .mem_dst = true
#define ST(r) .reg = r, .mem_dst = true
#define LD(r) .reg = r, .mem_dst = false
#define IMM(v) .reg = NO, .mem_dst = true, .has_imm = true, .imm = v
#define REG_OP(r) .reg = r
#define MEM(b, i, sc, d, sg, as)                                                             \
    {                                                                                        \
        .base = b, .index = i, .scale = sc, .seg = INSN_SEG_##sg, .addr_size = as, .disp = d \
    }
#define RIPREL(d, as)                                                                              \
    {                                                                                              \
        .base = NO, .index = NO, .scale = 1, .seg = INSN_SEG_DS, .addr_size = as, .rip_rel = true, \
        .disp = d                                                                                  \
    }

static const struct dcase dcases[] = {
    /* mov %eax,0x300(%rbx) */
    {M64, "\x89\x83\x00\x03\x00\x00", 6, MOV(4), ST(RAX), .mem = MEM(RBX, NO, 1, 0x300, DS, 8)},
    /* mov 0x20(%rip),%ecx */
    {M64, "\x8b\x0d\x20\x00\x00\x00", 6, MOV(4), LD(RCX), .mem = RIPREL(0x20, 8)},
    /* movl $0x1,0xb0(%rax) */
    {M64, "\xc7\x80\xb0\x00\x00\x00\x01\x00\x00\x00", 10, MOV(4), IMM(1),
     .mem = MEM(RAX, NO, 1, 0xb0, DS, 8)},
    /* movzbl (%rdx),%eax */
    {M64, "\x0f\xb6\x02", 3, MOVZX(4, 1), LD(RAX), .mem = MEM(RDX, NO, 1, 0, DS, 8)},
    /* mov %ah,(%rsi) */
    {M64, "\x88\x26", 2, MOV(1), ST(AH), .mem = MEM(RSI, NO, 1, 0, DS, 8)},
    /* mov %sil,(%rdi) */
    {M64, "\x40\x88\x37", 3, MOV(1), ST(RSI), .mem = MEM(RDI, NO, 1, 0, DS, 8), .rex = 0x40},
    /* mov (%rbx),%bh */
    {M64, "\x8a\x3b", 2, MOV(1), LD(BH), .mem = MEM(RBX, NO, 1, 0, DS, 8)},
    /* mov (%rbx),%dil */
    {M64, "\x40\x8a\x3b", 3, MOV(1), LD(RDI), .mem = MEM(RBX, NO, 1, 0, DS, 8), .rex = 0x40},
    /* mov %r9,-0x8(%r12,%r13,8) */
    {M64, "\x4f\x89\x4c\xec\xf8", 5, MOV(8), ST(9), .mem = MEM(12, 13, 8, -8, DS, 8), .rex = 0x4f},
    /* mov 0x10(,%rax,4),%edx */
    {M64, "\x8b\x14\x85\x10\x00\x00\x00", 7, MOV(4), LD(RDX), .mem = MEM(NO, RAX, 4, 0x10, DS, 8)},
    /* mov 0x1234,%eax */
    {M64, "\x8b\x04\x25\x34\x12\x00\x00", 7, MOV(4), LD(RAX), .mem = MEM(NO, NO, 1, 0x1234, DS, 8)},
    /* mov 0x0(,%r12,2),%eax */
    {M64, "\x42\x8b\x04\x65\x00\x00\x00\x00", 8, MOV(4), LD(RAX), .mem = MEM(NO, 12, 2, 0, DS, 8),
     .rex = 0x42},
    /* mov %eax,(%r13) */
    {M64, "\x41\x89\x45\x00", 4, MOV(4), ST(RAX), .mem = MEM(13, NO, 1, 0, DS, 8), .rex = 0x41},
    /* mov %eax,(%r12) */
    {M64, "\x41\x89\x04\x24", 4, MOV(4), ST(RAX), .mem = MEM(12, NO, 1, 0, DS, 8), .rex = 0x41},
    /* mov %eax,0x8(%rsp) */
    {M64, "\x89\x44\x24\x08", 4, MOV(4), ST(RAX), .mem = MEM(RSP, NO, 1, 8, SS, 8)},
    /* mov %eax,-0x4(%rbp) */
    {M64, "\x89\x45\xfc", 3, MOV(4), ST(RAX), .mem = MEM(RBP, NO, 1, -4, SS, 8)},
    /* movabs 0xfee00300,%eax */
    {M64, "\xa1\x00\x03\xe0\xfe\x00\x00\x00\x00", 9, MOV(4), LD(RAX),
     .mem = MEM(NO, NO, 1, 0xfee00300, DS, 8)},
    /* movabs %al,0x8877665544332211 */
    {M64, "\xa2\x11\x22\x33\x44\x55\x66\x77\x88", 9, MOV(1), ST(RAX),
     .mem = MEM(NO, NO, 1, (int64_t)0x8877665544332211, DS, 8)},
    /* addr32 mov 0xfec00000,%eax */
    {M64, "\x67\xa1\x00\x00\xc0\xfe", 6, MOV(4), LD(RAX), .mem = MEM(NO, NO, 1, 0xfec00000, DS, 4)},
    /* addr32 mov 0x10(%eax),%ecx */
    {M64, "\x67\x8b\x48\x10", 4, MOV(4), LD(RCX), .mem = MEM(RAX, NO, 1, 0x10, DS, 4)},
    /* mov %ecx,0x10(%eip) */
    {M64, "\x67\x89\x0d\x10\x00\x00\x00", 7, MOV(4), ST(RCX), .mem = RIPREL(0x10, 4)},
    /* movw $0x1234,%fs:0x8(%rbx) */
    {M64, "\x64\x66\xc7\x43\x08\x34\x12", 7, MOV(2), IMM(0x1234), .mem = MEM(RBX, NO, 1, 8, FS, 8)},
    /* movq $-1,(%rax) */
    {M64, "\x48\xc7\x00\xff\xff\xff\xff", 7, MOV(8), IMM(-1), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .rex = 0x48},
    /* movb $0xff,0x1(%rcx) */
    {M64, "\xc6\x41\x01\xff", 4, MOV(1), IMM(-1), .mem = MEM(RCX, NO, 1, 1, DS, 8)},
    /* mov %gs:0x28,%rax */
    {M64, "\x65\x48\x8b\x04\x25\x28\x00\x00\x00", 9, MOV(8), LD(RAX),
     .mem = MEM(NO, NO, 1, 0x28, GS, 8), .rex = 0x48},
    /* movzwl 0x2(%rbp),%r8d */
    {M64, "\x44\x0f\xb7\x45\x02", 5, MOVZX(4, 2), LD(8), .mem = MEM(RBP, NO, 1, 2, SS, 8),
     .rex = 0x44},
    /* movsbq (%rsp),%rax */
    {M64, "\x48\x0f\xbe\x04\x24", 5, MOVSX(8, 1), LD(RAX), .mem = MEM(RSP, NO, 1, 0, SS, 8),
     .rex = 0x48},
    /* movswl (%rcx),%edx */
    {M64, "\x0f\xbf\x11", 3, MOVSX(4, 2), LD(RDX), .mem = MEM(RCX, NO, 1, 0, DS, 8)},
    /* movzbw (%rcx),%dx */
    {M64, "\x66\x0f\xb6\x11", 4, MOVZX(2, 1), LD(RDX), .mem = MEM(RCX, NO, 1, 0, DS, 8)},
    /* movslq 0x4(%rdi),%rax */
    {M64, "\x48\x63\x47\x04", 4, MOVSX(8, 4), LD(RAX), .mem = MEM(RDI, NO, 1, 4, DS, 8),
     .rex = 0x48},
    /* movsxd (%rdi),%eax (no REX.W: a plain 32-bit load) */
    {M64, "\x63\x07", 2, MOV(4), LD(RAX), .mem = MEM(RDI, NO, 1, 0, DS, 8)},
    /* xchg %ebx,0x100(%rax) */
    {M64, "\x87\x98\x00\x01\x00\x00", 6, XCHG(4), ST(RBX), .mem = MEM(RAX, NO, 1, 0x100, DS, 8)},
    /* lock xchg %al,(%rdx) */
    {M64, "\xf0\x86\x02", 3, XCHG(1), ST(RAX), .mem = MEM(RDX, NO, 1, 0, DS, 8), .lock = true},
    /* orl $0x100,0x300(%rbx) */
    {M64, "\x81\x8b\x00\x03\x00\x00\x00\x01\x00\x00", 10, ALU(OR, 4), IMM(0x100),
     .mem = MEM(RBX, NO, 1, 0x300, DS, 8)},
    /* andl $0xfffffeff,0xf0(%rax) */
    {M64, "\x81\xa0\xf0\x00\x00\x00\xff\xfe\xff\xff", 10, ALU(AND, 4), IMM(-0x101),
     .mem = MEM(RAX, NO, 1, 0xf0, DS, 8)},
    /* lock addl $1,(%rax) */
    {M64, "\xf0\x83\x00\x01", 4, ALU(ADD, 4), IMM(1), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .lock = true},
    /* subq $0x10,0x8(%rsp) */
    {M64, "\x48\x83\x6c\x24\x08\x10", 6, ALU(SUB, 8), IMM(0x10), .mem = MEM(RSP, NO, 1, 8, SS, 8),
     .rex = 0x48},
    /* andq $0xffffffffffff0000,(%rdi) */
    {M64, "\x48\x81\x27\x00\x00\xff\xff", 7, ALU(AND, 8), IMM(-0x10000),
     .mem = MEM(RDI, NO, 1, 0, DS, 8), .rex = 0x48},
    /* xorb $0x80,(%rcx) */
    {M64, "\x80\x31\x80", 3, ALU(XOR, 1), IMM(-0x80), .mem = MEM(RCX, NO, 1, 0, DS, 8)},
    /* cmpw $0x5,(%rdi) */
    {M64, "\x66\x83\x3f\x05", 4, ALU(CMP, 2), IMM(5), .mem = MEM(RDI, NO, 1, 0, DS, 8)},
    /* adcw $0x1234,(%rbx) */
    {M64, "\x66\x81\x13\x34\x12", 5, ALU(ADC, 2), IMM(0x1234), .mem = MEM(RBX, NO, 1, 0, DS, 8)},
    /* sbbl $0x7,0x4(%rbx) */
    {M64, "\x83\x5b\x04\x07", 4, ALU(SBB, 4), IMM(7), .mem = MEM(RBX, NO, 1, 4, DS, 8)},
    /* or %eax,(%rdx) */
    {M64, "\x09\x02", 2, ALU(OR, 4), ST(RAX), .mem = MEM(RDX, NO, 1, 0, DS, 8)},
    /* and %cl,(%rbx) */
    {M64, "\x20\x0b", 2, ALU(AND, 1), ST(RCX), .mem = MEM(RBX, NO, 1, 0, DS, 8)},
    /* xor %r10,(%r11) */
    {M64, "\x4d\x31\x13", 3, ALU(XOR, 8), ST(10), .mem = MEM(11, NO, 1, 0, DS, 8), .rex = 0x4d},
    /* add 0x8(%rsi),%eax */
    {M64, "\x03\x46\x08", 3, ALU(ADD, 4), LD(RAX), .mem = MEM(RSI, NO, 1, 8, DS, 8)},
    /* sub (%rsi),%dl */
    {M64, "\x2a\x16", 2, ALU(SUB, 1), LD(RDX), .mem = MEM(RSI, NO, 1, 0, DS, 8)},
    /* cmp %eax,(%rdi) */
    {M64, "\x39\x07", 2, ALU(CMP, 4), ST(RAX), .mem = MEM(RDI, NO, 1, 0, DS, 8)},
    /* cmp (%rdi),%r15d */
    {M64, "\x44\x3b\x3f", 3, ALU(CMP, 4), LD(15), .mem = MEM(RDI, NO, 1, 0, DS, 8), .rex = 0x44},
    /* test %eax,0x30(%rbx) */
    {M64, "\x85\x43\x30", 3, ALU(TEST, 4), ST(RAX), .mem = MEM(RBX, NO, 1, 0x30, DS, 8)},
    /* test %ch,(%rax) */
    {M64, "\x84\x28", 2, ALU(TEST, 1), ST(CH), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* testb $0x1,(%rax) */
    {M64, "\xf6\x00\x01", 3, ALU(TEST, 1), IMM(1), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* testl $0x80000000,0x4(%rax) */
    {M64, "\xf7\x40\x04\x00\x00\x00\x80", 7, ALU(TEST, 4), IMM(-0x80000000LL),
     .mem = MEM(RAX, NO, 1, 4, DS, 8)},
    /* rep stos %eax,%es:(%rdi) */
    {M64, "\xf3\xab", 2, STRING(STOS, 4), REG_OP(RAX), .mem = MEM(RDI, NO, 1, 0, ES, 8),
     .src = MEM(RSI, NO, 1, 0, DS, 8), .rep = INSN_REP_F3},
    /* stos %al,%es:(%rdi) */
    {M64, "\xaa", 1, STRING(STOS, 1), REG_OP(RAX), .mem = MEM(RDI, NO, 1, 0, ES, 8),
     .src = MEM(RSI, NO, 1, 0, DS, 8)},
    /* rep movsq */
    {M64, "\xf3\x48\xa5", 3, STRING(MOVS, 8), REG_OP(NO), .mem = MEM(RDI, NO, 1, 0, ES, 8),
     .src = MEM(RSI, NO, 1, 0, DS, 8), .rep = INSN_REP_F3, .rex = 0x48},
    /* movsb %fs:(%rsi),%es:(%rdi) */
    {M64, "\x64\xa4", 2, STRING(MOVS, 1), REG_OP(NO), .mem = MEM(RDI, NO, 1, 0, ES, 8),
     .src = MEM(RSI, NO, 1, 0, FS, 8)},
    /* addr32 rep movsw */
    {M64, "\x67\x66\xf3\xa5", 4, STRING(MOVS, 2), REG_OP(NO), .mem = MEM(RDI, NO, 1, 0, ES, 4),
     .src = MEM(RSI, NO, 1, 0, DS, 4), .rep = INSN_REP_F3},
    /* repnz stosb */
    {M64, "\xf2\xaa", 2, STRING(STOS, 1), REG_OP(RAX), .mem = MEM(RDI, NO, 1, 0, ES, 8),
     .src = MEM(RSI, NO, 1, 0, DS, 8), .rep = INSN_REP_F2},
    /* ds mov %eax,(%rax) */
    {M64, "\x3e\x89\x00", 3, MOV(4), ST(RAX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* rex.W data16 mov %eax,(%rax): a REX before a legacy prefix is ignored */
    {M64, "\x48\x66\x89\x00", 4, MOV(2), ST(RAX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* data16 mov %rax,(%rax): REX.W beats 66 */
    {M64, "\x66\x48\x89\x00", 4, MOV(8), ST(RAX), .mem = MEM(RAX, NO, 1, 0, DS, 8), .rex = 0x48},
    /* rex.B rex.W mov %rax,(%rax): only the last REX counts */
    {M64, "\x41\x48\x89\x00", 4, MOV(8), ST(RAX), .mem = MEM(RAX, NO, 1, 0, DS, 8), .rex = 0x48},
    /* rex.W mov %spl,(%rax): REX.W on a byte op, REX makes 4 SPL */
    {M64, "\x48\x88\x20", 3, MOV(1), ST(RSP), .mem = MEM(RAX, NO, 1, 0, DS, 8), .rex = 0x48},
    /* mov 0xfffffffffee00000,%eax: disp32 sign-extends */
    {M64, "\x8b\x04\x25\x00\x00\xe0\xfe", 7, MOV(4), LD(RAX),
     .mem = MEM(NO, NO, 1, -0x1200000, DS, 8)},
    /* mov -0x10(%rax,%riz,4),%eax: SIB index 4 is none */
    {M64, "\x8b\x44\xa0\xf0", 4, MOV(4), LD(RAX), .mem = MEM(RAX, NO, 4, -0x10, DS, 8)},
    /* mov 0x100(,%rbp,4),%eax: SIB base 5 with mod 0 has no base */
    {M64, "\x8b\x04\xad\x00\x01\x00\x00", 7, MOV(4), LD(RAX), .mem = MEM(NO, RBP, 4, 0x100, DS, 8)},
    /* mov 0x100(,%rbp,1),%eax with REX.B: base 13 with mod 0 still none */
    {M64, "\x41\x8b\x04\x2d\x00\x01\x00\x00", 8, MOV(4), LD(RAX),
     .mem = MEM(NO, RBP, 1, 0x100, DS, 8), .rex = 0x41},
    /* repz repnz mov %eax,(%rax): the last F2/F3 wins */
    {M64, "\xf3\xf2\x89\x00", 4, MOV(4), ST(RAX), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .rep = INSN_REP_F2},
    /* 13 x data16 mov %ax,(%rax): exactly 15 bytes */
    {M64, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x00", 15, MOV(2), ST(RAX),
     .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* mov %eax,0xfee000b0 */
    {M32, "\xa3\xb0\x00\xe0\xfe", 5, MOV(4), ST(RAX), .mem = MEM(NO, NO, 1, 0xfee000b0, DS, 4)},
    /* mov 0xfec00010,%ecx */
    {M32, "\x8b\x0d\x10\x00\xc0\xfe", 6, MOV(4), LD(RCX),
     .mem = MEM(NO, NO, 1, (int32_t)0xfec00010, DS, 4)},
    /* movl $0x0,0xb0(%ebx) */
    {M32, "\xc7\x83\xb0\x00\x00\x00\x00\x00\x00\x00", 10, MOV(4), IMM(0),
     .mem = MEM(RBX, NO, 1, 0xb0, DS, 4)},
    /* mov %ax,(%esi) */
    {M32, "\x66\x89\x06", 3, MOV(2), ST(RAX), .mem = MEM(RSI, NO, 1, 0, DS, 4)},
    /* addr16 mov %eax,(%bx,%si) */
    {M32, "\x67\x89\x00", 3, MOV(4), ST(RAX), .mem = MEM(RBX, RSI, 1, 0, DS, 2)},
    /* mov %dh,0x4(%ebp) */
    {M32, "\x88\x75\x04", 3, MOV(1), ST(DH), .mem = MEM(RBP, NO, 1, 4, SS, 4)},
    /* lock orl $0x0,(%esp) */
    {M32, "\xf0\x83\x0c\x24\x00", 5, ALU(OR, 4), IMM(0), .mem = MEM(RSP, NO, 1, 0, SS, 4),
     .lock = true},
    /* movzbl 0x1(%eax,%ecx,2),%edx */
    {M32, "\x0f\xb6\x54\x48\x01", 5, MOVZX(4, 1), LD(RDX), .mem = MEM(RAX, RCX, 2, 1, DS, 4)},
    /* xorb $0x1,0x7(%esi) */
    {M32, "\x80\x76\x07\x01", 4, ALU(XOR, 1), IMM(1), .mem = MEM(RSI, NO, 1, 7, DS, 4)},
    /* orb $0x1,(%esi) via the 82 alias of 80 */
    {M32, "\x82\x0e\x01", 3, ALU(OR, 1), IMM(1), .mem = MEM(RSI, NO, 1, 0, DS, 4)},
    /* rep stos %eax,%es:(%edi) */
    {M32, "\xf3\xab", 2, STRING(STOS, 4), REG_OP(RAX), .mem = MEM(RDI, NO, 1, 0, ES, 4),
     .src = MEM(RSI, NO, 1, 0, DS, 4), .rep = INSN_REP_F3},
    /* mov %es:(%ebx),%eax */
    {M32, "\x26\x8b\x03", 3, MOV(4), LD(RAX), .mem = MEM(RBX, NO, 1, 0, ES, 4)},
    /* mov %ax,(%bx,%si) */
    {M16, "\x89\x00", 2, MOV(2), ST(RAX), .mem = MEM(RBX, RSI, 1, 0, DS, 2)},
    /* movl $1,0x10(%bp) */
    {M16, "\x66\xc7\x46\x10\x01\x00\x00\x00", 8, MOV(4), IMM(1),
     .mem = MEM(RBP, NO, 1, 0x10, SS, 2)},
    /* mov 0x1234,%al */
    {M16, "\xa0\x34\x12", 3, MOV(1), LD(RAX), .mem = MEM(NO, NO, 1, 0x1234, DS, 2)},
    /* mov %cl,0x5(%di) */
    {M16, "\x88\x4d\x05", 3, MOV(1), ST(RCX), .mem = MEM(RDI, NO, 1, 5, DS, 2)},
    /* mov (%bp),%ax */
    {M16, "\x8b\x46\x00", 3, MOV(2), LD(RAX), .mem = MEM(RBP, NO, 1, 0, SS, 2)},
    /* mov 0x1234,%bx */
    {M16, "\x8b\x1e\x34\x12", 4, MOV(2), LD(RBX), .mem = MEM(NO, NO, 1, 0x1234, DS, 2)},
    /* mov %dx,-0x2(%bp,%di) */
    {M16, "\x89\x53\xfe", 3, MOV(2), ST(RDX), .mem = MEM(RBP, RDI, 1, -2, SS, 2)},
    /* mov %ah,0x8000(%bx) */
    {M16, "\x88\xa7\x00\x80", 4, MOV(1), ST(AH), .mem = MEM(RBX, NO, 1, -0x8000, DS, 2)},
    /* addr32 mov %eax,(%ebx) */
    {M16, "\x67\x66\x89\x03", 4, MOV(4), ST(RAX), .mem = MEM(RBX, NO, 1, 0, DS, 4)},
    /* incl (%rax) */
    {M64, "\xff\x00", 2, ALU(INC, 4), UNARY, .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* lock incl (%rax) */
    {M64, "\xf0\xff\x00", 3, ALU(INC, 4), UNARY, .mem = MEM(RAX, NO, 1, 0, DS, 8), .lock = true},
    /* decl 0x80(%rbx) */
    {M64, "\xff\x8b\x80\x00\x00\x00", 6, ALU(DEC, 4), UNARY, .mem = MEM(RBX, NO, 1, 0x80, DS, 8)},
    /* incb (%rcx) */
    {M64, "\xfe\x01", 2, ALU(INC, 1), UNARY, .mem = MEM(RCX, NO, 1, 0, DS, 8)},
    /* decw (%rdx) */
    {M64, "\x66\xff\x0a", 3, ALU(DEC, 2), UNARY, .mem = MEM(RDX, NO, 1, 0, DS, 8)},
    /* incq %fs:0x80 */
    {M64, "\x64\x48\xff\x04\x25\x80\x00\x00\x00", 9, ALU(INC, 8), UNARY,
     .mem = MEM(NO, NO, 1, 0x80, FS, 8), .rex = 0x48},
    /* lock decq (%rsi,%rdi,8) */
    {M64, "\xf0\x48\xff\x0c\xfe", 5, ALU(DEC, 8), UNARY, .mem = MEM(RSI, RDI, 8, 0, DS, 8),
     .rex = 0x48, .lock = true},
    /* incl 0xb4(%rip) */
    {M64, "\xff\x05\xb4\x00\x00\x00", 6, ALU(INC, 4), UNARY, .mem = RIPREL(0xb4, 8)},
    /* notl (%rax) */
    {M64, "\xf7\x10", 2, ALU(NOT, 4), UNARY, .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* notb 0x1(%rbx) */
    {M64, "\xf6\x53\x01", 3, ALU(NOT, 1), UNARY, .mem = MEM(RBX, NO, 1, 1, DS, 8)},
    /* negl (%rax) */
    {M64, "\xf7\x18", 2, ALU(NEG, 4), UNARY, .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* lock negq (%rax) */
    {M64, "\xf0\x48\xf7\x18", 4, ALU(NEG, 8), UNARY, .mem = MEM(RAX, NO, 1, 0, DS, 8), .rex = 0x48,
     .lock = true},
    /* negw (%rcx) */
    {M64, "\x66\xf7\x19", 3, ALU(NEG, 2), UNARY, .mem = MEM(RCX, NO, 1, 0, DS, 8)},
    /* cmpl $0x44,(%rax) */
    {M64, "\x83\x38\x44", 3, ALU(CMP, 4), IMM(0x44), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* bt %ecx,(%rax) */
    {M64, "\x0f\xa3\x08", 3, ALU(BT, 4), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* bts %ecx,(%rax) */
    {M64, "\x0f\xab\x08", 3, ALU(BTS, 4), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* lock btr %ecx,(%rax) */
    {M64, "\xf0\x0f\xb3\x08", 4, ALU(BTR, 4), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .lock = true},
    /* btc %rcx,(%rax) */
    {M64, "\x48\x0f\xbb\x08", 4, ALU(BTC, 8), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .rex = 0x48},
    /* bt %cx,(%rax) */
    {M64, "\x66\x0f\xa3\x08", 4, ALU(BT, 2), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* btl $0x5,(%rax) */
    {M64, "\x0f\xba\x20\x05", 4, ALU(BT, 4), IMM(5), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* btsl $0x6,(%rax) */
    {M64, "\x0f\xba\x28\x06", 4, ALU(BTS, 4), IMM(6), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* lock btrl $0x7,(%rax) */
    {M64, "\xf0\x0f\xba\x30\x07", 5, ALU(BTR, 4), IMM(7), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .lock = true},
    /* btcq $0x3f,(%rax) */
    {M64, "\x48\x0f\xba\x38\x3f", 5, ALU(BTC, 8), IMM(0x3f), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .rex = 0x48},
    /* btw $0xf,(%rax) */
    {M64, "\x66\x0f\xba\x20\x0f", 5, ALU(BT, 2), IMM(0xf), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* xadd %ecx,(%rax) */
    {M64, "\x0f\xc1\x08", 3, OP(XADD, 4), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* lock xadd %ecx,(%rax) */
    {M64, "\xf0\x0f\xc1\x08", 4, OP(XADD, 4), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .lock = true},
    /* xadd %cl,(%rax) */
    {M64, "\x0f\xc0\x08", 3, OP(XADD, 1), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* xadd %ah,(%rbx) */
    {M64, "\x0f\xc0\x23", 3, OP(XADD, 1), ST(AH), .mem = MEM(RBX, NO, 1, 0, DS, 8)},
    /* xadd %r9,(%rax) */
    {M64, "\x4c\x0f\xc1\x08", 4, OP(XADD, 8), ST(9), .mem = MEM(RAX, NO, 1, 0, DS, 8), .rex = 0x4c},
    /* cmpxchg %ecx,(%rax) */
    {M64, "\x0f\xb1\x08", 3, OP(CMPXCHG, 4), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* lock cmpxchg %ecx,(%rax) */
    {M64, "\xf0\x0f\xb1\x08", 4, OP(CMPXCHG, 4), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8),
     .lock = true},
    /* cmpxchg %cl,(%rax) */
    {M64, "\x0f\xb0\x08", 3, OP(CMPXCHG, 1), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* cmpxchg %r10,(%r11) */
    {M64, "\x4d\x0f\xb1\x13", 4, OP(CMPXCHG, 8), ST(10), .mem = MEM(11, NO, 1, 0, DS, 8),
     .rex = 0x4d},
    /* cmpxchg %cx,(%rax) */
    {M64, "\x66\x0f\xb1\x08", 4, OP(CMPXCHG, 2), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 8)},
    /* lods %ds:(%rsi),%eax */
    {M64, "\xad", 1, LODS(4), .mem = MEM(RSI, NO, 1, 0, DS, 8), .src = MEM(RSI, NO, 1, 0, DS, 8)},
    /* lods %ds:(%rsi),%al */
    {M64, "\xac", 1, LODS(1), .mem = MEM(RSI, NO, 1, 0, DS, 8), .src = MEM(RSI, NO, 1, 0, DS, 8)},
    /* lods %ds:(%rsi),%rax */
    {M64, "\x48\xad", 2, LODS(8), .mem = MEM(RSI, NO, 1, 0, DS, 8),
     .src = MEM(RSI, NO, 1, 0, DS, 8), .rex = 0x48},
    /* lods %fs:(%rsi),%ax */
    {M64, "\x64\x66\xad", 3, LODS(2), .mem = MEM(RSI, NO, 1, 0, FS, 8),
     .src = MEM(RSI, NO, 1, 0, FS, 8)},
    /* rep lods %ds:(%rsi),%eax */
    {M64, "\xf3\xad", 2, LODS(4), .mem = MEM(RSI, NO, 1, 0, DS, 8),
     .src = MEM(RSI, NO, 1, 0, DS, 8), .rep = INSN_REP_F3},
    /* lods %ds:(%esi),%eax */
    {M64, "\x67\xad", 2, LODS(4), .mem = MEM(RSI, NO, 1, 0, DS, 4),
     .src = MEM(RSI, NO, 1, 0, DS, 4)},
    /* incl (%eax) */
    {M32, "\xff\x00", 2, ALU(INC, 4), UNARY, .mem = MEM(RAX, NO, 1, 0, DS, 4)},
    /* decl 0xfee00080 */
    {M32, "\xff\x0d\x80\x00\xe0\xfe", 6, ALU(DEC, 4), UNARY,
     .mem = MEM(NO, NO, 1, (int32_t)0xfee00080, DS, 4)},
    /* lock xadd %ecx,(%eax) */
    {M32, "\xf0\x0f\xc1\x08", 4, OP(XADD, 4), ST(RCX), .mem = MEM(RAX, NO, 1, 0, DS, 4),
     .lock = true},
    /* lods %ds:(%esi),%eax */
    {M32, "\xad", 1, LODS(4), .mem = MEM(RSI, NO, 1, 0, DS, 4), .src = MEM(RSI, NO, 1, 0, DS, 4)},
    /* incw (%bx,%si) */
    {M16, "\xff\x00", 2, ALU(INC, 2), UNARY, .mem = MEM(RBX, RSI, 1, 0, DS, 2)},
    /* lods %ds:(%si),%al */
    {M16, "\xac", 1, LODS(1), .mem = MEM(RSI, NO, 1, 0, DS, 2), .src = MEM(RSI, NO, 1, 0, DS, 2)},
    /* movzbw %es:(%si),%ax */
    {M16, "\x26\x0f\xb6\x04", 4, MOVZX(2, 1), LD(RAX), .mem = MEM(RSI, NO, 1, 0, ES, 2)},
    /* rep movsw */
    {M16, "\xf3\xa5", 2, STRING(MOVS, 2), REG_OP(NO), .mem = MEM(RDI, NO, 1, 0, ES, 2),
     .src = MEM(RSI, NO, 1, 0, DS, 2), .rep = INSN_REP_F3},
};

static void check_mem(const struct insn_mem *got, const struct insn_mem *want, const char *what)
{
    if (got->base != want->base || got->index != want->index || got->scale != want->scale ||
        got->seg != want->seg || got->addr_size != want->addr_size ||
        got->rip_rel != want->rip_rel || got->disp != want->disp)
        fail_msg("%s: got base %d index %d scale %u seg %u asz %u rip %d disp %lld, want base %d "
                 "index %d scale %u seg %u asz %u rip %d disp %lld",
                 what, got->base, got->index, got->scale, got->seg, got->addr_size, got->rip_rel,
                 (long long)got->disp, want->base, want->index, want->scale, want->seg,
                 want->addr_size, want->rip_rel, (long long)want->disp);
}

static void check_case(const struct dcase *c, size_t i)
{
    struct insn in;
    int ret = insn_decode((const uint8_t *)c->bytes, c->len, c->mode, &in);

    if (ret != c->len)
        fail_msg("case %zu: decode returned %d, want %d", i, ret, c->len);
    if (in.len != c->len || in.mode != c->mode || in.op != c->op || in.opsize != c->opsize ||
        in.mem_size != c->mem_size || in.reg != c->reg || in.mem_dst != c->mem_dst ||
        in.has_imm != c->has_imm || in.imm != c->imm || in.rep != c->rep || in.lock != c->lock ||
        in.rex != c->rex || (c->op == INSN_ALU && in.alu != c->alu))
        fail_msg("case %zu: got op %u alu %u size %u/%u reg %d dst %d imm %d:%lld rep %u lock %d "
                 "rex %#x",
                 i, in.op, in.alu, in.opsize, in.mem_size, in.reg, in.mem_dst, in.has_imm,
                 (long long)in.imm, in.rep, in.lock, in.rex);
    check_mem(&in.mem, &c->mem, "mem");
    check_mem(&in.src, &c->src, "src");
}

static void test_decode_table(void **state)
{
    for (size_t i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++)
        check_case(&dcases[i], i);
}

/* Every proper prefix of a valid instruction asks for more bytes. */
static void test_decode_truncated_table(void **state)
{
    struct insn in;

    for (size_t i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
        const struct dcase *c = &dcases[i];

        for (int n = 0; n < c->len; n++)
            if (insn_decode((const uint8_t *)c->bytes, n, c->mode, &in) != -ENODATA)
                fail_msg("case %zu cut to %d bytes: not -ENODATA", i, n);
    }
}

/* Trailing bytes after the instruction are not consumed. */
static void test_decode_ignores_trailing_bytes(void **state)
{
    uint8_t buf[INSN_MAX_LEN + 8];
    struct insn in;

    for (size_t i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
        const struct dcase *c = &dcases[i];

        memset(buf, 0x90, sizeof(buf));
        memcpy(buf, c->bytes, c->len);
        assert_int_equal(insn_decode(buf, sizeof(buf), c->mode, &in), c->len);
    }
}

struct ecase {
    uint8_t mode;
    const char *bytes;
    size_t n;
    int err;
};

static const struct ecase ecases[] = {
    /* mov %eax,%ebx: register form, no memory operand */
    {M64, "\x89\xc3", 2, -EINVAL},
    /* movl $1,%eax (C7 /0 register form) */
    {M32, "\xc7\xc0\x01\x00\x00\x00", 6, -EINVAL},
    /* movzbl %al,%eax */
    {M64, "\x0f\xb6\xc0", 3, -EINVAL},
    /* lock mov %eax,(%rax): MOV is not lockable */
    {M64, "\xf0\x89\x00", 3, -EINVAL},
    /* lock cmpl $1,(%rax) */
    {M64, "\xf0\x83\x38\x01", 4, -EINVAL},
    /* lock add (%rax),%eax: register destination */
    {M64, "\xf0\x03\x00", 3, -EINVAL},
    /* lock test %eax,(%rax) */
    {M64, "\xf0\x85\x00", 3, -EINVAL},
    /* lock stos */
    {M64, "\xf0\xab", 2, -EINVAL},
    /* 14 x data16 + mov %ax,(%rax): 16 bytes, over the 15-byte limit */
    {M64, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x00", 16, -EINVAL},
    /* nop */
    {M64, "\x90", 1, -EOPNOTSUPP},
    /* push %rax */
    {M64, "\x50", 1, -EOPNOTSUPP},
    /* movups (%rax),%xmm0 */
    {M64, "\x0f\x10\x00", 3, -EOPNOTSUPP},
    /* arpl %ax,(%eax) in 32-bit mode: 63 is not MOVSXD there */
    {M32, "\x63\x00", 2, -EOPNOTSUPP},
    /* inc %eax in 32-bit mode (a REX byte in 64-bit mode) */
    {M32, "\x40", 1, -EOPNOTSUPP},
    /* 82 /1 is invalid in 64-bit mode */
    {M64, "\x82\x08\x01", 3, -EOPNOTSUPP},
    /* C7 /1 is not MOV */
    {M64, "\xc7\x08\x01\x00\x00\x00", 6, -EOPNOTSUPP},
    /* mull (%rax) (F7 /4): MUL/IMUL/DIV/IDIV are not emulated */
    {M64, "\xf7\x20", 2, -EOPNOTSUPP},
    /* idivb (%rax) (F6 /7) */
    {M64, "\xf6\x38", 2, -EOPNOTSUPP},
    /* notl %eax: register form */
    {M64, "\xf7\xd0", 2, -EINVAL},
    /* incl %eax (FF /0 register form) */
    {M64, "\xff\xc0", 2, -EINVAL},
    /* call *(%rax) (FF /2) */
    {M64, "\xff\x10", 2, -EOPNOTSUPP},
    /* call *%rax: an unhandled group member wins over the register form */
    {M64, "\xff\xd0", 2, -EOPNOTSUPP},
    /* push (%rax) (FF /6) */
    {M64, "\xff\x30", 2, -EOPNOTSUPP},
    /* FE /2 (raw): undefined */
    {M64, "\xfe\x10", 2, -EOPNOTSUPP},
    /* 0F BA /0 (raw): undefined */
    {M64, "\x0f\xba\x00\x05", 4, -EOPNOTSUPP},
    /* bt %ecx,%eax: register form */
    {M64, "\x0f\xa3\xc8", 3, -EINVAL},
    /* btl $5,%eax */
    {M64, "\x0f\xba\xe0\x05", 4, -EINVAL},
    /* xadd %ecx,%eax */
    {M64, "\x0f\xc1\xc8", 3, -EINVAL},
    /* cmpxchg %ecx,%eax */
    {M64, "\x0f\xb1\xc8", 3, -EINVAL},
    /* lock bt %ecx,(%rax) (raw): BT is not lockable */
    {M64, "\xf0\x0f\xa3\x08", 4, -EINVAL},
    /* lock btl $5,(%rax) (raw) */
    {M64, "\xf0\x0f\xba\x20\x05", 5, -EINVAL},
    /* lock testl $8,(%rax) (raw) */
    {M64, "\xf0\xf7\x00\x08\x00\x00\x00", 7, -EINVAL},
    /* lock lods (raw) */
    {M64, "\xf0\xad", 2, -EINVAL},
    /* lock cmpxchg8b (%rax) */
    {M64, "\xf0\x0f\xc7\x08", 4, -EOPNOTSUPP},
    /* cmpsb, scasb: compare strings are not emulated */
    {M64, "\xa6", 1, -EOPNOTSUPP},
    {M64, "\xae", 1, -EOPNOTSUPP},
    /* xabort $0x1 (C6 F8): an unhandled group member wins over register form */
    {M64, "\xc6\xf8\x01", 3, -EOPNOTSUPP},
    /* mov (%rax),%es (8E) */
    {M64, "\x8e\x00", 2, -EOPNOTSUPP},
    /* empty input */
    {M64, "", 0, -ENODATA},
    /* only prefixes */
    {M64, "\x66\x48", 2, -ENODATA},
    /* two-byte escape without its second byte */
    {M32, "\x0f", 1, -ENODATA},
    /* mov %eax,0x300(%rbx) missing its last disp byte */
    {M64, "\x89\x83\x00\x03\x00", 5, -ENODATA},
};

static void test_decode_errors(void **state)
{
    struct insn in;

    for (size_t i = 0; i < sizeof(ecases) / sizeof(ecases[0]); i++) {
        int ret = insn_decode((const uint8_t *)ecases[i].bytes, ecases[i].n, ecases[i].mode, &in);

        if (ret != ecases[i].err)
            fail_msg("error case %zu: got %d, want %d", i, ret, ecases[i].err);
    }
}

/* ------------------------------------------------------------------ emulation */

#define MEM_BASE 0xfee00000ULL
#define MEM_SIZE 0x2000

struct access {
    bool write;
    uint64_t addr;
    unsigned size;
    uint64_t val;
};

/* A window of guest memory at MEM_BASE that logs every access. */
struct fake {
    uint8_t bytes[MEM_SIZE];
    struct access log[4];
    unsigned nlog;
    int fail;          /* returned by the next access when non-zero */
    unsigned fail_nth; /* when non-zero: access number fail_nth (from 1) returns -EIO */
};

static struct fake fm;
static struct insn_regs regs;

static uint8_t *fake_at(uint64_t addr, unsigned size)
{
    assert_true(size == 1 || size == 2 || size == 4 || size == 8);
    assert_true(addr >= MEM_BASE && addr + size <= MEM_BASE + MEM_SIZE);
    return fm.bytes + (addr - MEM_BASE);
}

static int fake_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
    assert_ptr_equal(ctx, &fm);
    assert_true(fm.nlog < 4);
    if (fm.fail)
        return fm.fail;
    if (fm.fail_nth && fm.nlog + 1 == fm.fail_nth)
        return -EIO;
    *val = 0;
    memcpy(val, fake_at(addr, size), size);
    fm.log[fm.nlog++] = (struct access){false, addr, size, *val};
    return 0;
}

static int fake_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
    assert_ptr_equal(ctx, &fm);
    assert_true(fm.nlog < 4);
    if (fm.fail)
        return fm.fail;
    if (fm.fail_nth && fm.nlog + 1 == fm.fail_nth)
        return -EIO;
    memcpy(fake_at(addr, size), &val, size);
    fm.log[fm.nlog++] = (struct access){true, addr, size, val};
    return 0;
}

static const struct insn_mem_ops ops = {fake_read, fake_write};

static int setup(void **state)
{
    memset(&fm, 0, sizeof(fm));
    memset(&regs, 0, sizeof(regs));
    regs.rflags = FIXED;
    regs.rip = 0x1000;
    return 0;
}

static void put(uint64_t addr, uint64_t val, unsigned size)
{
    memcpy(fake_at(addr, size), &val, size);
}

static uint64_t get(uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    memcpy(&v, fake_at(addr, size), size);
    return v;
}

/* Decodes `bytes` (all of them must be the instruction) and emulates it. */
static int run(enum insn_mode mode, const char *bytes, size_t n)
{
    struct insn in;

    assert_int_equal(insn_decode((const uint8_t *)bytes, n, mode, &in), n);
    return insn_emulate(&in, &regs, &ops, &fm);
}

static void assert_access(unsigned i, bool write, uint64_t addr, unsigned size, uint64_t val)
{
    assert_true(i < fm.nlog);
    assert_int_equal(fm.log[i].write, write);
    assert_int_equal(fm.log[i].addr, addr);
    assert_int_equal(fm.log[i].size, size);
    assert_int_equal(fm.log[i].val, val);
}

static void test_mov_store_32(void **state)
{
    regs.gpr[RAX] = 0x1122334455667788;
    regs.gpr[RBX] = MEM_BASE;
    /* mov %eax,0x300(%rbx) */
    assert_int_equal(run(M64, "\x89\x83\x00\x03\x00\x00", 6), 0);
    assert_int_equal(fm.nlog, 1);
    assert_access(0, true, MEM_BASE + 0x300, 4, 0x55667788);
    assert_int_equal(regs.rip, 0x1006);
    assert_int_equal(regs.gpr[RAX], 0x1122334455667788);
    assert_int_equal(regs.rflags, FIXED);
}

static void test_mov_load_rip_relative_zero_extends(void **state)
{
    regs.rip = MEM_BASE + 0x100;
    regs.gpr[RCX] = ~0ULL;
    put(MEM_BASE + 0x126, 0xdeadbeef, 4);
    /* mov 0x20(%rip),%ecx: rip + 6 + 0x20 */
    assert_int_equal(run(M64, "\x8b\x0d\x20\x00\x00\x00", 6), 0);
    assert_access(0, false, MEM_BASE + 0x126, 4, 0xdeadbeef);
    assert_int_equal(regs.gpr[RCX], 0xdeadbeef);
    assert_int_equal(regs.rip, MEM_BASE + 0x106);
}

static void test_mov_load_16_and_8_merge(void **state)
{
    regs.gpr[RAX] = 0x1111111111111111;
    regs.gpr[RDX] = MEM_BASE;
    regs.gpr[RSI] = MEM_BASE + 2;
    put(MEM_BASE, 0xabcd, 2);
    put(MEM_BASE + 2, 0xef, 1);
    /* mov (%rdx),%ax */
    assert_int_equal(run(M64, "\x66\x8b\x02", 3), 0);
    assert_int_equal(regs.gpr[RAX], 0x111111111111abcd);
    /* mov (%rsi),%ah */
    assert_int_equal(run(M64, "\x8a\x26", 2), 0);
    assert_int_equal(regs.gpr[RAX], 0x111111111111efcd);
    assert_int_equal(regs.rip, 0x1005);
}

static void test_mov_store_high_and_rex_bytes(void **state)
{
    regs.gpr[RAX] = 0xa1b2;
    regs.gpr[RSI] = MEM_BASE + 0x10;
    regs.gpr[RDI] = MEM_BASE + 0x20;
    /* mov %ah,(%rsi) */
    assert_int_equal(run(M64, "\x88\x26", 2), 0);
    assert_access(0, true, MEM_BASE + 0x10, 1, 0xa1);
    /* mov %sil,(%rdi): with REX, 6 is SIL, not DH */
    assert_int_equal(run(M64, "\x40\x88\x37", 3), 0);
    assert_access(1, true, MEM_BASE + 0x20, 1, 0x10);
}

static void test_mov_imm_sign_extends(void **state)
{
    regs.gpr[RAX] = MEM_BASE;
    regs.gpr[RCX] = MEM_BASE;
    /* movq $-1,(%rax) */
    assert_int_equal(run(M64, "\x48\xc7\x00\xff\xff\xff\xff", 7), 0);
    assert_access(0, true, MEM_BASE, 8, ~0ULL);
    /* movl $0x1,0xb0(%rax) */
    assert_int_equal(run(M64, "\xc7\x80\xb0\x00\x00\x00\x01\x00\x00\x00", 10), 0);
    assert_access(1, true, MEM_BASE + 0xb0, 4, 1);
    /* movb $0xff,0x1(%rcx) */
    assert_int_equal(run(M64, "\xc6\x41\x01\xff", 4), 0);
    assert_access(2, true, MEM_BASE + 1, 1, 0xff);
}

static void test_movzx_movsx(void **state)
{
    regs.gpr[RAX] = MEM_BASE;
    regs.gpr[RDI] = MEM_BASE + 8;
    regs.gpr[RCX] = 0xffffffffffffffff;
    regs.gpr[RDX] = 0xffffffffffffffff;
    put(MEM_BASE, 0x8081, 2);
    put(MEM_BASE + 12, 0x80000000, 4);
    /* movsbl (%rax),%ecx */
    assert_int_equal(run(M64, "\x0f\xbe\x08", 3), 0);
    assert_int_equal(regs.gpr[RCX], 0xffffff81);
    /* movswq (%rax),%rcx */
    assert_int_equal(run(M64, "\x48\x0f\xbf\x08", 4), 0);
    assert_int_equal(regs.gpr[RCX], 0xffffffffffff8081);
    /* movzbw (%rcx),%dx: a 16-bit destination merges */
    regs.gpr[RCX] = MEM_BASE;
    assert_int_equal(run(M64, "\x66\x0f\xb6\x11", 4), 0);
    assert_int_equal(regs.gpr[RDX], 0xffffffffffff0081);
    /* movslq 0x4(%rdi),%rax */
    assert_int_equal(run(M64, "\x48\x63\x47\x04", 4), 0);
    assert_int_equal(regs.gpr[RAX], 0xffffffff80000000);
}

static void test_moffs(void **state)
{
    regs.gpr[RAX] = 0x5555555555555555;
    put(MEM_BASE + 0x20, 0x12345678, 4);
    /* movabs 0xfee00020,%eax */
    assert_int_equal(run(M64, "\xa1\x20\x00\xe0\xfe\x00\x00\x00\x00", 9), 0);
    assert_int_equal(regs.gpr[RAX], 0x12345678);
    /* mov %eax,0xfee000b0 in 32-bit mode */
    assert_int_equal(run(M32, "\xa3\xb0\x00\xe0\xfe", 5), 0);
    assert_access(1, true, MEM_BASE + 0xb0, 4, 0x12345678);
}

static void test_xchg(void **state)
{
    regs.gpr[RAX] = MEM_BASE;
    regs.gpr[RCX] = 0xffffffff00000001;
    put(MEM_BASE, 0xcafef00d, 4);
    /* xchg %ecx,(%rax) */
    assert_int_equal(run(M64, "\x87\x08", 2), 0);
    assert_int_equal(fm.nlog, 2);
    assert_access(0, false, MEM_BASE, 4, 0xcafef00d);
    assert_access(1, true, MEM_BASE, 4, 1);
    assert_int_equal(regs.gpr[RCX], 0xcafef00d);
}

struct alu_case {
    const char *text;
    const char *bytes;
    size_t n;
    uint64_t mem, reg, flags_in;
    unsigned size;
    bool writes_mem, writes_reg;
    uint64_t result, flags;
};

/* Memory operand at MEM_BASE + 0x300 (rbx = MEM_BASE + 0x300 - disp), register operand rax. */
static const struct alu_case alu_cases[] = {
    {"orl $0x100,0x300(%rbx)", "\x81\x8b\x00\x03\x00\x00\x00\x01\x00\x00", 10, 0xff, 0,
     CF | ZF | OF, 4, true, false, 0x1ff, PF},
    {"subl $1,(%rbx)", "\x83\x2b\x01", 3, 0, 0, 0, 4, true, false, 0xffffffff, CF | PF | AF | SF},
    {"cmpb $0x80,(%rbx)", "\x80\x3b\x80", 3, 0x7f, 0, 0, 1, false, false, 0, CF | PF | SF | OF},
    {"add (%rbx),%eax", "\x03\x03", 2, 1, 0xaaaaaaaaffffffff, 0, 4, false, true, 0,
     CF | PF | AF | ZF},
    {"adc %eax,(%rbx)", "\x11\x03", 2, 0x7fffffff, 0, CF, 4, true, false, 0x80000000,
     PF | AF | SF | OF},
    {"sbb %al,(%rbx)", "\x18\x03", 2, 0, 0, CF, 1, true, false, 0xff, CF | PF | AF | SF},
    {"test %eax,(%rbx)", "\x85\x03", 2, 0x80000000, 0xffffffff, CF | OF | AF, 4, false, false, 0,
     PF | SF},
    {"xor %rax,(%rbx)", "\x48\x31\x03", 3, 0x123456789, 0x123456789, 0, 8, true, false, 0, ZF | PF},
    {"and %al,(%rbx)", "\x20\x03", 2, 0xf0, 0x3c, SF, 1, true, false, 0x30, PF},
    {"sub (%rbx),%ax", "\x66\x2b\x03", 3, 0x8000, 0xffff00000000007f, 0, 2, false, true,
     0xffff00000000807f, CF | SF | OF},
    {"lock addw $0x1,(%rbx)", "\xf0\x66\x83\x03\x01", 5, 0xffff, 0, 0, 2, true, false, 0,
     CF | PF | AF | ZF},
    {"cmp (%rbx),%eax", "\x3b\x03", 2, 5, 5, CF | SF, 4, false, false, 0, ZF | PF},
    /* INC/DEC: CF is left as it was, set or clear (SDM Vol. 2A INC, DEC) */
    {"incl (%rbx)", "\xff\x03", 2, 0x7fffffff, 0, CF, 4, true, false, 0x80000000,
     CF | PF | AF | SF | OF},
    {"lock incb (%rbx)", "\xf0\xfe\x03", 3, 0xff, 0, 0, 1, true, false, 0, PF | AF | ZF},
    {"incw (%rbx)", "\x66\xff\x03", 3, 0x1233, 0, SF | ZF, 2, true, false, 0x1234, 0},
    {"incq (%rbx)", "\x48\xff\x03", 3, 0xffffffffffffffff, 0, CF, 8, true, false, 0,
     CF | PF | AF | ZF},
    {"decw (%rbx)", "\x66\xff\x0b", 3, 0, 0, CF, 2, true, false, 0xffff, CF | PF | AF | SF},
    {"lock decq (%rbx)", "\xf0\x48\xff\x0b", 4, 0x8000000000000000, 0, 0, 8, true, false,
     0x7fffffffffffffff, PF | AF | OF},
    {"decl (%rbx) to zero", "\xff\x0b", 2, 1, 0, CF | SF, 4, true, false, 0, CF | ZF | PF},
    {"decb (%rbx)", "\xfe\x0b", 2, 0x80, 0, 0, 1, true, false, 0x7f, AF | OF},
    /* NOT: no flags (SDM Vol. 2B NOT) */
    {"notl (%rbx)", "\xf7\x13", 2, 0xf0f0f0f0, 0, CF | ZF | OF, 4, true, false, 0x0f0f0f0f,
     CF | ZF | OF},
    {"notb (%rbx)", "\xf6\x13", 2, 0, 0, 0, 1, true, false, 0xff, 0},
    {"lock notq (%rbx)", "\xf0\x48\xf7\x13", 4, 1, 0, ARITH, 8, true, false, 0xfffffffffffffffe,
     ARITH},
    {"notw (%rbx)", "\x66\xf7\x13", 3, 0x00ff, 0, PF, 2, true, false, 0xff00, PF},
    /* NEG: CF = (operand != 0) (SDM Vol. 2B NEG) */
    {"negl (%rbx)", "\xf7\x1b", 2, 1, 0, 0, 4, true, false, 0xffffffff, CF | PF | AF | SF},
    {"negl (%rbx) of 0", "\xf7\x1b", 2, 0, 0, CF | SF, 4, true, false, 0, ZF | PF},
    {"lock negb (%rbx)", "\xf0\xf6\x1b", 3, 0x80, 0, 0, 1, true, false, 0x80, CF | SF | OF},
    {"negq (%rbx)", "\x48\xf7\x1b", 3, 0x10, 0, 0, 8, true, false, 0xfffffffffffffff0,
     CF | PF | SF},
    {"negw (%rbx)", "\x66\xf7\x1b", 3, 0x8001, 0, 0, 2, true, false, 0x7fff, CF | PF | AF},
    /* CMP/TEST with memory: flags only, no write */
    {"cmpl $0x44,(%rbx)", "\x83\x3b\x44", 3, 0x44, 0, CF, 4, false, false, 0, ZF | PF},
    {"cmp %eax,(%rbx)", "\x39\x03", 2, 1, 2, 0, 4, false, false, 0, CF | PF | AF | SF},
    {"cmpq $-1,(%rbx)", "\x48\x83\x3b\xff", 4, 0, 0, 0, 8, false, false, 0, CF | AF},
    {"testl $8,(%rbx)", "\xf7\x03\x08\x00\x00\x00", 6, 0x44, 0, CF | OF, 4, false, false, 0,
     ZF | PF},
    {"testb $0x80,(%rbx)", "\xf6\x03\x80", 3, 0x80, 0, 0, 1, false, false, 0, SF},
    {"test %ax,(%rbx)", "\x66\x85\x03", 3, 0x0101, 0x0100, 0, 2, false, false, 0, PF},
    /* BT*: CF = the bit, ZF and the undefined OF SF AF PF unchanged (SDM Vol. 2A BT) */
    {"bt %eax,(%rbx)", "\x0f\xa3\x03", 3, 0x80, 7, ZF | SF, 4, false, false, 0, ZF | SF | CF},
    {"bt %eax,(%rbx) clear", "\x0f\xa3\x03", 3, 0x80, 6, CF | PF, 4, false, false, 0, PF},
    {"btsl $6,(%rbx)", "\x0f\xba\x2b\x06", 4, 0x84, 0, CF | ZF, 4, true, false, 0xc4, ZF},
    {"lock btrl $7,(%rbx)", "\xf0\x0f\xba\x33\x07", 5, 0xc4, 0, 0, 4, true, false, 0x44, CF},
    {"btc %rax,(%rbx)", "\x48\x0f\xbb\x03", 4, 0, 63, PF | OF, 8, true, false, 0x8000000000000000,
     PF | OF},
    {"lock bts %ax,(%rbx)", "\xf0\x66\x0f\xab\x03", 5, 0x8000, 15, 0, 2, true, false, 0x8000, CF},
    {"btr %eax,(%rbx)", "\x0f\xb3\x03", 3, 0xffffffff, 31, AF, 4, true, false, 0x7fffffff, AF | CF},
    {"btcq $0x3f,(%rbx)", "\x48\x0f\xba\x3b\x3f", 5, 0x8000000000000001, 0, SF, 8, true, false, 1,
     SF | CF},
    /* an immediate offset is taken modulo the operand size: 0x1f is bit 15 of a word */
    {"btw $0x1f,(%rbx)", "\x66\x0f\xba\x23\x1f", 5, 0x8000, 0, 0, 2, false, false, 0, CF},
    {"btl $0x21,(%rbx)", "\x0f\xba\x23\x21", 4, 2, 0, 0, 4, false, false, 0, CF},
    {"btsl $0xff,(%rbx)", "\x0f\xba\x2b\xff", 4, 0, 0, 0, 4, true, false, 0x80000000, 0},
};

static void test_alu_emulation(void **state)
{
    for (size_t i = 0; i < sizeof(alu_cases) / sizeof(alu_cases[0]); i++) {
        const struct alu_case *c = &alu_cases[i];
        uint64_t disp = c->n == 10 ? 0x300 : 0;

        setup(NULL);
        regs.gpr[RBX] = MEM_BASE + 0x300 - disp;
        regs.gpr[RAX] = c->reg;
        regs.rflags = FIXED | c->flags_in | DF;
        put(MEM_BASE + 0x300, c->mem, c->size);
        if (run(M64, c->bytes, c->n))
            fail_msg("%s: emulation failed", c->text);
        if (regs.rflags != (FIXED | DF | c->flags))
            fail_msg("%s: flags %#llx, want %#llx", c->text, (unsigned long long)regs.rflags,
                     (unsigned long long)(FIXED | DF | c->flags));
        if (c->writes_mem && (fm.nlog != 2 || get(MEM_BASE + 0x300, c->size) != c->result))
            fail_msg("%s: memory %#llx after %u accesses", c->text,
                     (unsigned long long)get(MEM_BASE + 0x300, c->size), fm.nlog);
        if (!c->writes_mem && fm.nlog != 1)
            fail_msg("%s: %u accesses, want a read only", c->text, fm.nlog);
        /* one read of the operand, then (at most) one write to the same place */
        if (fm.log[0].write || fm.log[0].addr != MEM_BASE + 0x300 || fm.log[0].size != c->size)
            fail_msg("%s: first access is not a %u-byte read of the operand", c->text, c->size);
        if (fm.nlog == 2 &&
            (!fm.log[1].write || fm.log[1].addr != MEM_BASE + 0x300 || fm.log[1].size != c->size))
            fail_msg("%s: second access is not a %u-byte write of the operand", c->text, c->size);
        if (c->writes_reg && regs.gpr[RAX] != c->result)
            fail_msg("%s: rax %#llx", c->text, (unsigned long long)regs.gpr[RAX]);
        if (!c->writes_reg && regs.gpr[RAX] != c->reg)
            fail_msg("%s: rax changed", c->text);
        assert_int_equal(regs.rip, 0x1000 + c->n);
    }
}

static void test_rep_stos_one_iteration_per_call(void **state)
{
    regs.gpr[RAX] = 0xabcdef0123;
    regs.gpr[RDI] = MEM_BASE + 0x100;
    regs.gpr[RCX] = 2;
    /* rep stos %eax,%es:(%rdi) */
    assert_int_equal(run(M64, "\xf3\xab", 2), 0);
    assert_access(0, true, MEM_BASE + 0x100, 4, 0xabcdef0123 & 0xffffffff);
    assert_int_equal(regs.gpr[RDI], MEM_BASE + 0x104);
    assert_int_equal(regs.gpr[RCX], 1);
    assert_int_equal(regs.rip, 0x1000); /* count left: re-executed */
    assert_int_equal(run(M64, "\xf3\xab", 2), 0);
    assert_access(1, true, MEM_BASE + 0x104, 4, 0xcdef0123);
    assert_int_equal(regs.gpr[RCX], 0);
    assert_int_equal(regs.rip, 0x1002);
}

static void test_rep_with_zero_count_does_nothing(void **state)
{
    regs.gpr[RDI] = MEM_BASE;
    regs.gpr[RCX] = 0xffffffff00000000; /* ecx = 0 with a 32-bit address size */
    /* addr32 rep stosb */
    assert_int_equal(run(M64, "\x67\xf3\xaa", 3), 0);
    assert_int_equal(fm.nlog, 0);
    assert_int_equal(regs.gpr[RCX], 0xffffffff00000000);
    assert_int_equal(regs.rip, 0x1003);
}

static void test_stos_backwards_with_df(void **state)
{
    regs.rflags |= DF;
    regs.gpr[RAX] = 0x7766;
    regs.gpr[RDI] = MEM_BASE + 0x10;
    /* stos %ax,%es:(%rdi) */
    assert_int_equal(run(M64, "\x66\xab", 2), 0);
    assert_access(0, true, MEM_BASE + 0x10, 2, 0x7766);
    assert_int_equal(regs.gpr[RDI], MEM_BASE + 0xe);
}

static void test_movs_with_segment_override(void **state)
{
    regs.seg_base[INSN_SEG_FS] = MEM_BASE;
    regs.seg_base[INSN_SEG_ES] = 0x12345; /* ignored in 64-bit mode */
    regs.gpr[RSI] = 0x40;
    regs.gpr[RDI] = MEM_BASE + 0x80;
    put(MEM_BASE + 0x40, 0x5a, 1);
    /* movsb %fs:(%rsi),%es:(%rdi) */
    assert_int_equal(run(M64, "\x64\xa4", 2), 0);
    assert_access(0, false, MEM_BASE + 0x40, 1, 0x5a);
    assert_access(1, true, MEM_BASE + 0x80, 1, 0x5a);
    assert_int_equal(regs.gpr[RSI], 0x41);
    assert_int_equal(regs.gpr[RDI], MEM_BASE + 0x81);
    assert_int_equal(regs.rip, 0x1002);
}

static void test_movs_addr32_wraps_and_zero_extends(void **state)
{
    regs.gpr[RSI] = 0xaaaaaaaafee00010;
    regs.gpr[RDI] = 0xbbbbbbbbfee00020;
    regs.gpr[RCX] = 0x100000001; /* ecx = 1 */
    /* addr32 rep movsw */
    assert_int_equal(run(M64, "\x67\xf3\x66\xa5", 4), 0);
    assert_access(0, false, MEM_BASE + 0x10, 2, 0);
    assert_access(1, true, MEM_BASE + 0x20, 2, 0);
    assert_int_equal(regs.gpr[RSI], 0xfee00012);
    assert_int_equal(regs.gpr[RDI], 0xfee00022);
    assert_int_equal(regs.gpr[RCX], 0);
    assert_int_equal(regs.rip, 0x1004);
}

static void test_32bit_address_wraps(void **state)
{
    regs.gpr[RAX] = 0x42;
    regs.gpr[RBX] = 0xfffffff8;
    regs.seg_base[INSN_SEG_DS] = MEM_BASE + 0x8;
    /* mov %eax,0x10(%ebx) in 32-bit mode: (0xfffffff8 + 0x10) wraps to 8 */
    assert_int_equal(run(M32, "\x89\x43\x10", 3), 0);
    assert_access(0, true, MEM_BASE + 0x10, 4, 0x42);
    /* the linear address wraps at 4 GiB too: 0xffffff00 + 0xfee00110 */
    regs.seg_base[INSN_SEG_DS] = 0xffffff00;
    regs.gpr[RBX] = 0xfee00100;
    assert_int_equal(run(M32, "\x89\x43\x10", 3), 0);
    assert_access(1, true, MEM_BASE + 0x10, 4, 0x42);
}

static void test_16bit_addressing_and_rip_wrap(void **state)
{
    regs.gpr[RAX] = 0xbeef;
    regs.gpr[RBX] = 0xfff0;
    regs.gpr[RSI] = 0x8;
    regs.seg_base[INSN_SEG_DS] = MEM_BASE;
    regs.rip = 0xfffe;
    /* mov %ax,0x10(%bx,%si): 0xfff0 + 8 + 0x10 wraps to 8 */
    assert_int_equal(run(M16, "\x89\x40\x10", 3), 0);
    assert_access(0, true, MEM_BASE + 0x8, 2, 0xbeef);
    assert_int_equal(regs.rip, 0x1);
}

static void test_16bit_bp_uses_ss(void **state)
{
    regs.gpr[RBP] = 0x100;
    regs.seg_base[INSN_SEG_SS] = MEM_BASE;
    regs.seg_base[INSN_SEG_DS] = 0x1000;
    /* movl $1,0x10(%bp) */
    assert_int_equal(run(M16, "\x66\xc7\x46\x10\x01\x00\x00\x00", 8), 0);
    assert_access(0, true, MEM_BASE + 0x110, 4, 1);
}

static void test_callback_error_leaves_registers(void **state)
{
    struct insn_regs before;

    regs.gpr[RBX] = MEM_BASE;
    regs.gpr[RCX] = 3;
    regs.gpr[RDI] = MEM_BASE;
    before = regs;
    fm.fail = -EIO;
    /* add (%rbx),%eax */
    assert_int_equal(run(M64, "\x03\x03", 2), -EIO);
    assert_memory_equal(&regs, &before, sizeof(regs));
    /* rep stos %eax,%es:(%rdi) */
    assert_int_equal(run(M64, "\xf3\xab", 2), -EIO);
    assert_memory_equal(&regs, &before, sizeof(regs));
}

/* BT* with a register offset address a bit string: EA + size * (offset DIV bits). */
static void test_bt_register_offset_bit_string(void **state)
{
    static const struct {
        const char *text, *bytes;
        size_t n;
        uint64_t rax;
        int64_t delta; /* from MEM_BASE + 0x300 */
        unsigned size, bit;
        bool writes;
    } c[] = {
        {"bt %eax,(%rbx) +35", "\x0f\xa3\x03", 3, 35, 4, 4, 3, false},
        /* bits 63:32 of rax are not part of a 32-bit offset */
        {"bt %eax,(%rbx) upper rax ignored", "\x0f\xa3\x03", 3, 0xffffffff00000023, 4, 4, 3, false},
        {"bt %eax,(%rbx) -1", "\x0f\xa3\x03", 3, 0xffffffff, -4, 4, 31, false},
        {"bts %eax,(%rbx) -33", "\x0f\xab\x03", 3, (uint32_t)-33, -8, 4, 31, true},
        {"btr %eax,(%rbx) 0x7fffffff", "\x0f\xb3\x03", 3, 0x7fffffff, 0xffffffc, 4, 31, true},
        {"btc %rax,(%rbx) 64*3+5", "\x48\x0f\xbb\x03", 4, 64 * 3 + 5, 24, 8, 5, true},
        {"bt %rax,(%rbx) -64", "\x48\x0f\xa3\x03", 4, (uint64_t)-64, -8, 8, 0, false},
        {"bt %ax,(%rbx) -16", "\x66\x0f\xa3\x03", 4, 0xfff0, -2, 2, 0, false},
        {"bts %ax,(%rbx) 0x8000", "\x66\x0f\xab\x03", 4, 0x12348000, -0x1000, 2, 0, true},
    };

    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        uint64_t addr = MEM_BASE + 0x300 + (uint64_t)c[i].delta, want;

        setup(NULL);
        regs.gpr[RBX] = MEM_BASE + 0x300;
        regs.gpr[RAX] = c[i].rax;
        if (addr + c[i].size > MEM_BASE + MEM_SIZE || addr < MEM_BASE) {
            /* outside the fake window: only the address of the one read matters */
            regs.gpr[RBX] -= (uint64_t)c[i].delta;
            addr = MEM_BASE + 0x300;
        }
        put(addr, 1ULL << c[i].bit, c[i].size);
        if (run(M64, c[i].bytes, c[i].n))
            fail_msg("%s: emulation failed", c[i].text);
        if (fm.log[0].write || fm.log[0].addr != addr || fm.log[0].size != c[i].size)
            fail_msg("%s: read at %#llx size %u, want %#llx", c[i].text,
                     (unsigned long long)fm.log[0].addr, fm.log[0].size, (unsigned long long)addr);
        if (!(regs.rflags & CF))
            fail_msg("%s: CF clear", c[i].text);
        if (fm.nlog != (c[i].writes ? 2u : 1u))
            fail_msg("%s: %u accesses", c[i].text, fm.nlog);
        want = strstr(c[i].text, "bts") ? 1ULL << c[i].bit : 0;
        if (c[i].writes && (fm.log[1].addr != addr || fm.log[1].val != want))
            fail_msg("%s: wrote %#llx at %#llx", c[i].text, (unsigned long long)fm.log[1].val,
                     (unsigned long long)fm.log[1].addr);
        assert_int_equal(regs.gpr[RAX], c[i].rax);
    }
}

/* The unit offset wraps at the address size like the rest of the effective address. */
static void test_bt_register_offset_wraps_addr32(void **state)
{
    struct insn in;

    regs.gpr[RBX] = 0x8;
    regs.gpr[RAX] = (uint32_t)-0x80; /* 4 dwords back: ebx - 16 wraps below 0 */
    regs.seg_base[INSN_SEG_FS] = MEM_BASE;
    /* bt %eax,%fs:(%ebx) (raw: 64 67 0F A3 03): fs base + (8 - 16 mod 2^32) */
    assert_int_equal(insn_decode((const uint8_t *)"\x64\x67\x0f\xa3\x03", 5, M64, &in), 5);
    assert_int_equal(insn_access_linear(&in, &regs), MEM_BASE + 0xfffffff8ULL);
    /* an immediate offset never moves the address: btl $0x5,%fs:(%ebx) */
    assert_int_equal(insn_decode((const uint8_t *)"\x64\x67\x0f\xba\x23\x85", 6, M64, &in), 6);
    assert_int_equal(insn_access_linear(&in, &regs), MEM_BASE + 8);
}

/* XADD: one read, one write of the sum, the register gets the old value (SDM Vol. 2C XADD). */
static void test_xadd(void **state)
{
    regs.gpr[RBX] = MEM_BASE;
    regs.gpr[RAX] = 0xffffffff00000010;
    regs.rflags = FIXED | CF | ZF;
    put(MEM_BASE, 0x90, 4);
    /* lock xadd %eax,(%rbx) */
    assert_int_equal(run(M64, "\xf0\x0f\xc1\x03", 4), 0);
    assert_int_equal(fm.nlog, 2);
    assert_access(0, false, MEM_BASE, 4, 0x90);
    assert_access(1, true, MEM_BASE, 4, 0xa0);
    assert_int_equal(regs.gpr[RAX], 0x90); /* 32-bit write zero-extends */
    assert_int_equal(regs.rflags, FIXED | PF);
    assert_int_equal(regs.rip, 0x1004);

    /* xadd %ah,(%rbx): byte, high-byte register */
    setup(NULL);
    regs.gpr[RBX] = MEM_BASE;
    regs.gpr[RAX] = 0x1111111111110122;
    put(MEM_BASE, 0xff, 1);
    assert_int_equal(run(M64, "\x0f\xc0\x23", 3), 0);
    assert_access(0, false, MEM_BASE, 1, 0xff);
    assert_access(1, true, MEM_BASE, 1, 0);
    assert_int_equal(regs.gpr[RAX], 0x111111111111ff22);
    assert_int_equal(regs.rflags, FIXED | CF | PF | AF | ZF);

    /* xadd %r9,(%rax): 64-bit, signed overflow */
    setup(NULL);
    regs.gpr[RAX] = MEM_BASE + 8;
    regs.gpr[9] = 1;
    put(MEM_BASE + 8, 0x7fffffffffffffff, 8);
    assert_int_equal(run(M64, "\x4c\x0f\xc1\x08", 4), 0);
    assert_access(1, true, MEM_BASE + 8, 8, 0x8000000000000000);
    assert_int_equal(regs.gpr[9], 0x7fffffffffffffff);
    assert_int_equal(regs.rflags, FIXED | PF | AF | SF | OF);

    /* xadd %cx,(%rbx): 16-bit merges */
    setup(NULL);
    regs.gpr[RBX] = MEM_BASE;
    regs.gpr[RCX] = 0xaaaaaaaaaaaa0001;
    put(MEM_BASE, 0x7fff, 2);
    assert_int_equal(run(M64, "\x66\x0f\xc1\x0b", 4), 0);
    assert_access(1, true, MEM_BASE, 2, 0x8000);
    assert_int_equal(regs.gpr[RCX], 0xaaaaaaaaaaaa7fff);
    assert_int_equal(regs.rflags, FIXED | PF | AF | SF | OF);
}

/*
 * CMPXCHG (SDM Vol. 2A CMPXCHG): flags of CMP rAX, DEST; equal: DEST = SRC,
 * rAX untouched; not equal: rAX = DEST and DEST written back with the value
 * read (one read, one write either way).
 */
static void test_cmpxchg(void **state)
{
    regs.gpr[RBX] = MEM_BASE + 0x80;
    regs.gpr[RAX] = 0xdead000000000070; /* eax matches; bits 63:32 must survive success */
    regs.gpr[RCX] = 0x90;
    regs.rflags = FIXED | CF | SF;
    put(MEM_BASE + 0x80, 0x70, 4);
    /* lock cmpxchg %ecx,(%rbx): success */
    assert_int_equal(run(M64, "\xf0\x0f\xb1\x0b", 4), 0);
    assert_int_equal(fm.nlog, 2);
    assert_access(0, false, MEM_BASE + 0x80, 4, 0x70);
    assert_access(1, true, MEM_BASE + 0x80, 4, 0x90);
    assert_int_equal(regs.gpr[RAX], 0xdead000000000070);
    assert_int_equal(regs.rflags, FIXED | ZF | PF);
    assert_int_equal(regs.rip, 0x1004);

    /* failure: eax 0x12 vs 0x90; the old value is written back, eax loads it */
    regs.gpr[RAX] = 0xffffffff00000012;
    regs.gpr[RCX] = 0xa0;
    assert_int_equal(run(M64, "\xf0\x0f\xb1\x0b", 4), 0);
    assert_int_equal(fm.nlog, 4);
    assert_access(2, false, MEM_BASE + 0x80, 4, 0x90);
    assert_access(3, true, MEM_BASE + 0x80, 4, 0x90);
    assert_int_equal(get(MEM_BASE + 0x80, 4), 0x90);
    assert_int_equal(regs.gpr[RAX], 0x90);
    assert_int_equal(regs.gpr[RCX], 0xa0);
    assert_int_equal(regs.rflags, FIXED | CF | SF | PF); /* 0x12 - 0x90 */

    /* cmpxchg %cl,(%rbx), byte failure: AL only */
    setup(NULL);
    regs.gpr[RBX] = MEM_BASE;
    regs.gpr[RAX] = 0x1111111111111180;
    regs.gpr[RCX] = 0x55;
    put(MEM_BASE, 0x7f, 1);
    assert_int_equal(run(M64, "\x0f\xb0\x0b", 3), 0);
    assert_access(1, true, MEM_BASE, 1, 0x7f);
    assert_int_equal(regs.gpr[RAX], 0x111111111111117f);
    assert_int_equal(regs.rflags, FIXED | AF | OF); /* 0x80 - 0x7f = 1 */

    /* cmpxchg %r10,(%r11), 64-bit success */
    setup(NULL);
    regs.gpr[11] = MEM_BASE + 0x10;
    regs.gpr[RAX] = 0x8000000000000000;
    regs.gpr[10] = 0x0123456789abcdef;
    put(MEM_BASE + 0x10, 0x8000000000000000, 8);
    assert_int_equal(run(M64, "\x4d\x0f\xb1\x13", 4), 0);
    assert_access(1, true, MEM_BASE + 0x10, 8, 0x0123456789abcdef);
    assert_int_equal(regs.gpr[RAX], 0x8000000000000000);
    assert_int_equal(regs.rflags, FIXED | ZF | PF);

    /* cmpxchg %cx,(%rbx), 16-bit failure merges AX */
    setup(NULL);
    regs.gpr[RBX] = MEM_BASE;
    regs.gpr[RAX] = 0xaaaaaaaaaaaa0001;
    put(MEM_BASE, 0x0002, 2);
    assert_int_equal(run(M64, "\x66\x0f\xb1\x0b", 4), 0);
    assert_access(1, true, MEM_BASE, 2, 2);
    assert_int_equal(regs.gpr[RAX], 0xaaaaaaaaaaaa0002);
    assert_int_equal(regs.rflags, FIXED | CF | PF | AF | SF); /* 1 - 2 */
}

/* LODS: one read of seg:rSI into rAX, rSI steps by the size (SDM Vol. 2A LODS). */
static void test_lods(void **state)
{
    regs.gpr[RAX] = 0xffffffffffffffff;
    regs.gpr[RSI] = MEM_BASE + 0x80;
    put(MEM_BASE + 0x80, 0x70, 4);
    /* lods %ds:(%rsi),%eax */
    assert_int_equal(run(M64, "\xad", 1), 0);
    assert_int_equal(fm.nlog, 1);
    assert_access(0, false, MEM_BASE + 0x80, 4, 0x70);
    assert_int_equal(regs.gpr[RAX], 0x70);
    assert_int_equal(regs.gpr[RSI], MEM_BASE + 0x84);
    assert_int_equal(regs.rip, 0x1001);
    assert_int_equal(regs.rflags, FIXED);

    /* lodsb backwards: AL merges, rSI - 1 */
    regs.rflags = FIXED | DF;
    regs.gpr[RAX] = 0x1234;
    put(MEM_BASE + 0x84, 0xab, 1);
    assert_int_equal(run(M64, "\xac", 1), 0);
    assert_int_equal(regs.gpr[RAX], 0x12ab);
    assert_int_equal(regs.gpr[RSI], MEM_BASE + 0x83);

    /* lods %fs:(%rsi),%ax; lodsq */
    setup(NULL);
    regs.seg_base[INSN_SEG_FS] = MEM_BASE;
    regs.gpr[RSI] = 0x10;
    regs.gpr[RAX] = 0xffffffffffffffff;
    put(MEM_BASE + 0x10, 0x0123456789abcdef, 8);
    assert_int_equal(run(M64, "\x64\x66\xad", 3), 0);
    assert_access(0, false, MEM_BASE + 0x10, 2, 0xcdef);
    assert_int_equal(regs.gpr[RAX], 0xffffffffffffcdef);
    assert_int_equal(regs.gpr[RSI], 0x12);
    regs.gpr[RSI] = MEM_BASE + 0x10;
    assert_int_equal(run(M64, "\x48\xad", 2), 0);
    assert_int_equal(regs.gpr[RAX], 0x0123456789abcdef);
    assert_int_equal(regs.gpr[RSI], MEM_BASE + 0x18);

    /* rep lodsl: one iteration per call, RIP stays while the count is non-zero */
    setup(NULL);
    regs.gpr[RSI] = MEM_BASE;
    regs.gpr[RCX] = 2;
    put(MEM_BASE, 1, 4);
    put(MEM_BASE + 4, 2, 4);
    assert_int_equal(run(M64, "\xf3\xad", 2), 0);
    assert_int_equal(regs.gpr[RAX], 1);
    assert_int_equal(regs.gpr[RCX], 1);
    assert_int_equal(regs.rip, 0x1000);
    assert_int_equal(run(M64, "\xf3\xad", 2), 0);
    assert_int_equal(regs.gpr[RAX], 2);
    assert_int_equal(regs.gpr[RCX], 0);
    assert_int_equal(regs.rip, 0x1002);
    assert_int_equal(fm.nlog, 2);
    /* count 0: nothing read */
    assert_int_equal(run(M64, "\xf3\xad", 2), 0);
    assert_int_equal(fm.nlog, 2);
    assert_int_equal(regs.rip, 0x1004);

    /* addr32 lodsl: esi wraps and zero-extends */
    setup(NULL);
    regs.gpr[RSI] = 0xaaaaaaaafee00ffc;
    assert_int_equal(run(M64, "\x67\xad", 2), 0);
    assert_access(0, false, MEM_BASE + 0xffc, 4, 0);
    assert_int_equal(regs.gpr[RSI], 0xfee01000);
}

/* A failed write of a read-modify-write leaves every register (and RFLAGS) as it was. */
static void test_rmw_write_error_leaves_registers(void **state)
{
    static const struct {
        const char *bytes;
        size_t n;
    } c[] = {
        {"\xf0\x0f\xb1\x0b", 4}, /* lock cmpxchg %ecx,(%rbx) (success) */
        {"\x0f\xb1\x03", 3},     /* cmpxchg %eax,(%rbx) (eax = mem: success) */
        {"\x0f\xb1\x13", 3},     /* cmpxchg %edx,(%rbx): failure, eax would load */
        {"\x0f\xc1\x0b", 3},     /* xadd %ecx,(%rbx) */
        {"\xff\x03", 2},         /* incl (%rbx) */
        {"\xf7\x1b", 2},         /* negl (%rbx) */
        {"\x0f\xab\x0b", 3},     /* bts %ecx,(%rbx) */
        {"\x87\x0b", 2},         /* xchg %ecx,(%rbx) */
    };

    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        struct insn_regs before;

        setup(NULL);
        regs.gpr[RBX] = MEM_BASE;
        regs.gpr[RCX] = 3;
        regs.gpr[RAX] = i == 2 ? 5 : 0;
        regs.rflags = FIXED | ZF | CF;
        put(MEM_BASE, 0, 4);
        before = regs;
        fm.fail_nth = 2;
        if (run(M64, c[i].bytes, c[i].n) != -EIO)
            fail_msg("case %zu: the write error is not passed up", i);
        if (memcmp(&regs, &before, sizeof(regs)))
            fail_msg("case %zu: registers changed", i);
        assert_int_equal(fm.nlog, 1);
    }
}

/*
 * The mmio_insn conformance guest's TPR sequence on one 32-bit register
 * (tests/conformance/mmio_insn.c test_alu/test_atomic), counting accesses.
 */
static void test_tpr_sequence(void **state)
{
    static const struct {
        const char *text, *bytes;
        size_t n;
        uint32_t tpr; /* after */
        unsigned reads, writes;
    } c[] = {
        {"incl (%rax)", "\xff\x00", 2, 0x86, 1, 1},
        {"decl (%rax)", "\xff\x08", 2, 0x85, 1, 1},
        {"decl (%rax)", "\xff\x08", 2, 0x84, 1, 1},
        {"btsl $6,(%rax)", "\x0f\xba\x28\x06", 4, 0xc4, 1, 1},
        {"btrl $7,(%rax)", "\x0f\xba\x30\x07", 4, 0x44, 1, 1},
        {"cmpl $0x44,(%rax)", "\x83\x38\x44", 3, 0x44, 1, 0},
        {"testl $8,(%rax)", "\xf7\x00\x08\x00\x00\x00", 6, 0x44, 1, 0},
    };
    uint32_t tpr;

    regs.gpr[RAX] = MEM_BASE + 0x80;
    put(MEM_BASE + 0x80, 0x85, 4);
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        unsigned r = 0, w = 0;

        fm.nlog = 0;
        if (run(M64, c[i].bytes, c[i].n))
            fail_msg("%s: emulation failed", c[i].text);
        for (unsigned k = 0; k < fm.nlog; k++) {
            assert_int_equal(fm.log[k].addr, MEM_BASE + 0x80);
            assert_int_equal(fm.log[k].size, 4);
            if (fm.log[k].write)
                w++;
            else
                r++;
        }
        tpr = (uint32_t)get(MEM_BASE + 0x80, 4);
        if (tpr != c[i].tpr || r != c[i].reads || w != c[i].writes)
            fail_msg("%s: tpr %#x, %u reads, %u writes", c[i].text, tpr, r, w);
    }
    /* CMP and TEST set ZF */
    assert_true(regs.rflags & ZF);
}

/* ------------------------------------------------------------------ ALU vs this CPU */

/* Runs `op` on the host CPU with CF = cin; returns the result, *flags the arithmetic flags. */
#define HOST(insn, T)                                                                       \
    do {                                                                                    \
        T dd = (T)d, ss = (T)s;                                                             \
        asm volatile("bt $0, %[c]\n\t" insn " %[s], %[d]\n\t"                               \
                     "lea -128(%%rsp), %%rsp\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp" \
                     : [d] "+r"(dd), [f] "=&r"(f)                                           \
                     : [s] "r"(ss), [c] "r"(cin)                                            \
                     : "cc");                                                               \
        res = (uint64_t)dd;                                                                 \
    } while (0)
#define HOST_SIZES(mn)              \
    do {                            \
        if (size == 1)              \
            HOST(mn "b", uint8_t);  \
        else if (size == 2)         \
            HOST(mn "w", uint16_t); \
        else if (size == 4)         \
            HOST(mn "l", uint32_t); \
        else                        \
            HOST(mn "q", uint64_t); \
    } while (0)

/* The same for a one-operand instruction (INC, DEC, NOT, NEG). */
#define HOST1(insn, T)                                                                      \
    do {                                                                                    \
        T dd = (T)d;                                                                        \
        asm volatile("bt $0, %[c]\n\t" insn " %[d]\n\t"                                     \
                     "lea -128(%%rsp), %%rsp\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp" \
                     : [d] "+r"(dd), [f] "=&r"(f)                                           \
                     : [c] "r"(cin)                                                         \
                     : "cc");                                                               \
        res = (uint64_t)dd;                                                                 \
    } while (0)
#define HOST1_SIZES(mn)              \
    do {                             \
        if (size == 1)               \
            HOST1(mn "b", uint8_t);  \
        else if (size == 2)          \
            HOST1(mn "w", uint16_t); \
        else if (size == 4)          \
            HOST1(mn "l", uint32_t); \
        else                         \
            HOST1(mn "q", uint64_t); \
    } while (0)
/* BT* have no byte form: the caller skips size 1. */
#define HOST_BT_SIZES(mn)           \
    do {                            \
        if (size == 2)              \
            HOST(mn "w", uint16_t); \
        else if (size == 4)         \
            HOST(mn "l", uint32_t); \
        else if (size == 8)         \
            HOST(mn "q", uint64_t); \
    } while (0)

static uint64_t host_alu(enum alu_op op, unsigned size, uint64_t d, uint64_t s, uint64_t cin,
                         uint64_t *flags)
{
    uint64_t res = 0, f = 0;

    switch (op) {
    case ALU_ADD:
        HOST_SIZES("add");
        break;
    case ALU_OR:
        HOST_SIZES("or");
        break;
    case ALU_ADC:
        HOST_SIZES("adc");
        break;
    case ALU_SBB:
        HOST_SIZES("sbb");
        break;
    case ALU_AND:
        HOST_SIZES("and");
        break;
    case ALU_SUB:
        HOST_SIZES("sub");
        break;
    case ALU_XOR:
        HOST_SIZES("xor");
        break;
    case ALU_CMP:
        HOST_SIZES("cmp");
        break;
    case ALU_TEST:
        HOST_SIZES("test");
        break;
    case ALU_INC:
        HOST1_SIZES("inc");
        break;
    case ALU_DEC:
        HOST1_SIZES("dec");
        break;
    case ALU_NOT:
        HOST1_SIZES("not");
        break;
    case ALU_NEG:
        HOST1_SIZES("neg");
        break;
    case ALU_BT:
        HOST_BT_SIZES("bt");
        break;
    case ALU_BTS:
        HOST_BT_SIZES("bts");
        break;
    case ALU_BTR:
        HOST_BT_SIZES("btr");
        break;
    case ALU_BTC:
        HOST_BT_SIZES("btc");
        break;
    }
    *flags = f & ARITH;
    return res;
}

static uint64_t interesting(unsigned i)
{
    static const uint64_t v[] = {0,
                                 1,
                                 2,
                                 0x7f,
                                 0x80,
                                 0xff,
                                 0x7fff,
                                 0x8000,
                                 0xffff,
                                 0x7fffffff,
                                 0x80000000,
                                 0xffffffff,
                                 0x7fffffffffffffff,
                                 0x8000000000000000,
                                 ~0ULL,
                                 0x0f,
                                 0x10};

    if (i < sizeof(v) / sizeof(v[0]))
        return v[i];
    return ((uint64_t)rand() << 40) ^ ((uint64_t)rand() << 20) ^ (uint64_t)rand();
}

/* alu_run against the same instruction on the host: results and flags must match exactly. */
/*
 * alu_run against the same instruction on the host (register operands):
 * results and defined flags must match exactly. Undefined flags are not
 * compared: AF after logic operations; OF, SF, AF, PF after BT* (alu_run
 * leaves them, and ZF, unchanged, checked by the emulation tests). NOT
 * changes no flag: alu_run's must come back as they went in.
 */
static void test_alu_matches_host_cpu(void **state)
{
    static const unsigned sizes[] = {1, 2, 4, 8};

    srand(1);
    for (unsigned op = ALU_ADD; op <= ALU_LAST; op++) {
        bool logic = op == ALU_OR || op == ALU_AND || op == ALU_XOR || op == ALU_TEST;
        bool bitop = alu_is_bitop(op);
        uint64_t mask = logic ? ~(uint64_t)AF : bitop ? CF : op == ALU_NOT ? 0 : ~0ULL;

        for (unsigned k = bitop ? 1 : 0; k < 4; k++) {
            for (unsigned i = 0; i < 4000; i++) {
                uint64_t d = interesting(i / 64), s = interesting(i % 64), cin = i & 1;
                uint64_t want_f, got_f = FIXED | (cin ? CF : 0);
                uint64_t want = host_alu(op, sizes[k], d, s, cin, &want_f);
                uint64_t got = alu_run(op, sizes[k], d, s, &got_f);

                if (op == ALU_NOT && got_f != (FIXED | (cin ? CF : 0)))
                    fail_msg("NOT changed flags: %#llx", (unsigned long long)got_f);
                if (alu_writes(op) && got != want)
                    fail_msg("op %u size %u %#llx,%#llx: result %#llx, cpu %#llx", op, sizes[k],
                             (unsigned long long)d, (unsigned long long)s, (unsigned long long)got,
                             (unsigned long long)want);
                if (((got_f & ARITH) & mask) != (want_f & mask) || (got_f & ~ARITH) != FIXED)
                    fail_msg("op %u size %u %#llx,%#llx cf %llu: flags %#llx, cpu %#llx", op,
                             sizes[k], (unsigned long long)d, (unsigned long long)s,
                             (unsigned long long)cin, (unsigned long long)got_f,
                             (unsigned long long)want_f);
                if ((bitop || op == ALU_NOT) && (got_f & ARITH & ~CF) != 0)
                    fail_msg("op %u changed flags it must leave alone: %#llx", op,
                             (unsigned long long)got_f);
            }
        }
    }
}

/* Host CMPXCHG/XADD of size T on a local: result memory, accumulator/register, flags. */
#define HOST_RMW(insn, T)                                                                        \
    do {                                                                                         \
        T mm = (T)m, aa = (T)a, ss = (T)s;                                                       \
        asm volatile(insn " %[s], %[m]\n\t"                                                      \
                          "lea -128(%%rsp), %%rsp\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp" \
                     : [m] "+m"(mm), [a] "+a"(aa), [s] "+r"(ss), [f] "=&r"(f)                    \
                     :                                                                           \
                     : "cc", "memory");                                                          \
        *mem_out = (uint64_t)mm;                                                                 \
        *a_out = (uint64_t)aa;                                                                   \
        *s_out = (uint64_t)ss;                                                                   \
    } while (0)

static uint64_t host_rmw(bool xadd, unsigned size, uint64_t m, uint64_t a, uint64_t s,
                         uint64_t *mem_out, uint64_t *a_out, uint64_t *s_out)
{
    uint64_t f = 0;

    if (xadd) {
        if (size == 1)
            HOST_RMW("lock xaddb", uint8_t);
        else if (size == 2)
            HOST_RMW("lock xaddw", uint16_t);
        else if (size == 4)
            HOST_RMW("lock xaddl", uint32_t);
        else
            HOST_RMW("lock xaddq", uint64_t);
    } else {
        if (size == 1)
            HOST_RMW("lock cmpxchgb", uint8_t);
        else if (size == 2)
            HOST_RMW("lock cmpxchgw", uint16_t);
        else if (size == 4)
            HOST_RMW("lock cmpxchgl", uint32_t);
        else
            HOST_RMW("lock cmpxchgq", uint64_t);
    }
    return f & ARITH;
}

/*
 * Emulated CMPXCHG and XADD (memory at MEM_BASE, rAX, rCX the source) against
 * the host CPU: memory, registers (low `size` bytes) and flags must match.
 */
static void test_cmpxchg_xadd_match_host_cpu(void **state)
{
    static const struct {
        bool xadd;
        unsigned size;
        const char *bytes;
        size_t n;
    } c[] = {
        {false, 1, "\xf0\x0f\xb0\x0b", 4}, {false, 2, "\xf0\x66\x0f\xb1\x0b", 5},
        {false, 4, "\xf0\x0f\xb1\x0b", 4}, {false, 8, "\xf0\x48\x0f\xb1\x0b", 5},
        {true, 1, "\xf0\x0f\xc0\x0b", 4},  {true, 2, "\xf0\x66\x0f\xc1\x0b", 5},
        {true, 4, "\xf0\x0f\xc1\x0b", 4},  {true, 8, "\xf0\x48\x0f\xc1\x0b", 5},
    };

    srand(2);
    for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
        uint64_t mask = insn_size_mask(c[k].size);

        for (unsigned i = 0; i < 17 * 17 * 2; i++) {
            uint64_t m = interesting(i % 17), s = interesting(i / 17 % 17);
            uint64_t a = i / 289 ? m : interesting((i * 7) % 17); /* half equal for CMPXCHG */
            uint64_t hm, ha, hs, hf = host_rmw(c[k].xadd, c[k].size, m, a, s, &hm, &ha, &hs);

            setup(NULL);
            regs.gpr[RBX] = MEM_BASE;
            regs.gpr[RAX] = a;
            regs.gpr[RCX] = s;
            put(MEM_BASE, m & mask, c[k].size);
            if (run(M64, c[k].bytes, c[k].n) || fm.nlog != 2)
                fail_msg("case %zu: emulation failed or %u accesses", k, fm.nlog);
            if (get(MEM_BASE, c[k].size) != (hm & mask) || (regs.gpr[RAX] & mask) != (ha & mask) ||
                (regs.gpr[RCX] & mask) != (hs & mask) || (regs.rflags & ARITH) != hf)
                fail_msg("case %zu m %#llx a %#llx s %#llx: mem %#llx rax %#llx rcx %#llx flags "
                         "%#llx; cpu %#llx %#llx %#llx %#llx",
                         k, (unsigned long long)m, (unsigned long long)a, (unsigned long long)s,
                         (unsigned long long)get(MEM_BASE, c[k].size),
                         (unsigned long long)regs.gpr[RAX], (unsigned long long)regs.gpr[RCX],
                         (unsigned long long)regs.rflags, (unsigned long long)hm,
                         (unsigned long long)ha, (unsigned long long)hs, (unsigned long long)hf);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_decode_truncated_table),
        cmocka_unit_test(test_decode_ignores_trailing_bytes),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test_setup(test_mov_store_32, setup),
        cmocka_unit_test_setup(test_mov_load_rip_relative_zero_extends, setup),
        cmocka_unit_test_setup(test_mov_load_16_and_8_merge, setup),
        cmocka_unit_test_setup(test_mov_store_high_and_rex_bytes, setup),
        cmocka_unit_test_setup(test_mov_imm_sign_extends, setup),
        cmocka_unit_test_setup(test_movzx_movsx, setup),
        cmocka_unit_test_setup(test_moffs, setup),
        cmocka_unit_test_setup(test_xchg, setup),
        cmocka_unit_test_setup(test_alu_emulation, setup),
        cmocka_unit_test_setup(test_rep_stos_one_iteration_per_call, setup),
        cmocka_unit_test_setup(test_rep_with_zero_count_does_nothing, setup),
        cmocka_unit_test_setup(test_stos_backwards_with_df, setup),
        cmocka_unit_test_setup(test_movs_with_segment_override, setup),
        cmocka_unit_test_setup(test_movs_addr32_wraps_and_zero_extends, setup),
        cmocka_unit_test_setup(test_32bit_address_wraps, setup),
        cmocka_unit_test_setup(test_16bit_addressing_and_rip_wrap, setup),
        cmocka_unit_test_setup(test_16bit_bp_uses_ss, setup),
        cmocka_unit_test_setup(test_callback_error_leaves_registers, setup),
        cmocka_unit_test_setup(test_bt_register_offset_bit_string, setup),
        cmocka_unit_test_setup(test_bt_register_offset_wraps_addr32, setup),
        cmocka_unit_test_setup(test_xadd, setup),
        cmocka_unit_test_setup(test_cmpxchg, setup),
        cmocka_unit_test_setup(test_lods, setup),
        cmocka_unit_test_setup(test_rmw_write_error_leaves_registers, setup),
        cmocka_unit_test_setup(test_tpr_sequence, setup),
        cmocka_unit_test(test_alu_matches_host_cpu),
        cmocka_unit_test(test_cmpxchg_xadd_match_host_cpu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
