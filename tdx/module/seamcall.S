/* SPDX-License-Identifier: MIT */
/*
 * SEAMCALL (Intel TDX module ABI; register use as Linux's tdxcall.S).
 * Assembly because the module takes and returns values in nearly every
 * general register, callee-saved ones included.
 *
 *   uint64_t tdx_seamcall_hw(uint64_t fn, struct tdx_args *args)
 *
 * Returns RAX (the completion status), TDX_SEAMCALL_VMFAILINVALID when
 * CF=1 (no module loaded: RAX is then not a status), or TDX_SW_ERROR | the
 * vector when SEAMCALL raised #UD (no VMX operation) or #GP (TDX off),
 * through the exception fixup table.
 */
#define A_RCX 0
#define A_RDX 8
#define A_R8 16
#define A_R9 24
#define A_R10 32
#define A_R11 40
#define A_R12 48
#define A_R13 56
#define A_R14 64
#define A_R15 72
#define A_RBX 80
#define A_RDI 88
#define A_RSI 96

    .text
    .globl tdx_seamcall_hw
tdx_seamcall_hw:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rsi /* args, found again after the call */
    mov %rdi, %rax
    mov A_RCX(%rsi), %rcx
    mov A_RDX(%rsi), %rdx
    mov A_R8(%rsi), %r8
    mov A_R9(%rsi), %r9
    mov A_R10(%rsi), %r10
    mov A_R11(%rsi), %r11
    mov A_R12(%rsi), %r12
    mov A_R13(%rsi), %r13
    mov A_R14(%rsi), %r14
    mov A_R15(%rsi), %r15
    mov A_RBX(%rsi), %rbx
    mov A_RDI(%rsi), %rdi
    mov A_RSI(%rsi), %rsi
1:  .byte 0x66, 0x0f, 0x01, 0xcf /* seamcall */
    jc 3f
    push %rsi
    mov 8(%rsp), %rsi
    mov %rcx, A_RCX(%rsi)
    mov %rdx, A_RDX(%rsi)
    mov %r8, A_R8(%rsi)
    mov %r9, A_R9(%rsi)
    mov %r10, A_R10(%rsi)
    mov %r11, A_R11(%rsi)
    mov %r12, A_R12(%rsi)
    mov %r13, A_R13(%rsi)
    mov %r14, A_R14(%rsi)
    mov %r15, A_R15(%rsi)
    mov %rbx, A_RBX(%rsi)
    mov %rdi, A_RDI(%rsi)
    popq A_RSI(%rsi)
    jmp 4f
2:  /* #UD or #GP: the fixup handler left the vector in RAX */
    movabs $0x8000FF0000000000, %rcx
    or %rcx, %rax
    jmp 4f
3:  movabs $0x8000FF00FFFF0000, %rax
4:  add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    .pushsection .extable, "a"
    .quad 1b, 2b
    .popsection
