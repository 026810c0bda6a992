/* SPDX-License-Identifier: MIT */
/*
 * VM entry and exit (SDM Vol. 3C 27-28). Assembly because the guest's
 * general registers must be loaded right before VMLAUNCH/VMRESUME and
 * saved right after the exit, before any C code can touch them. Call and
 * return style: vmx_enter() returns to its caller after the next VM exit,
 * so the exit handler is plain C on the vCPU thread's stack.
 *
 *   int vmx_enter(struct guest_regs *regs, int launched, uint64_t *host_rsp)
 *   return 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed (VMfail).
 *   *host_rsp: the HOST_RSP the current VMCS holds, written only when it
 *   changes (as KVM's vmx_update_host_rsp): a run loop enters from the
 *   same stack depth every time.
 *
 * Two host RIPs: vmx_exit_entry, which always returns to vmx_enter's
 * caller, and vmx_exit_fast_entry, the vmx backend's (regs is the first
 * member of struct vmx_vcpu): it first calls vmx_fast_exit(vv), and when
 * that handled the exit it loads the guest registers and resumes the
 * guest right here (Jailhouse's vmx_vmexit does the same), without
 * returning through the run loop and without a HOST_RSP write: RSP is
 * back at the value vmx_enter wrote. Only other exits return to the caller.
 *
 * The frame below HOST_RSP: regs, two padding words (HOST_RSP is then
 * 16-byte aligned for the C call), the caller's callee-saved registers.
 */
#define VMCS_HOST_RSP 0x6C14
#define R_RAX 0
#define R_RCX 8
#define R_RDX 16
#define R_RBX 24
#define R_RBP 40
#define R_RSI 48
#define R_RDI 56
#define R_R8 64
#define R_R9 72
#define R_R10 80
#define R_R11 88
#define R_R12 96
#define R_R13 104
#define R_R14 112
#define R_R15 120

    .text
    .globl vmx_enter
vmx_enter:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rbp /* padding */
    push %rbp /* padding */
    push %rdi /* the exit path finds regs at (%rsp) */
    test %esi, %esi /* a VMCS never launched: its HOST_RSP is unknown */
    jz 4f
    cmp %rsp, (%rdx) /* the same stack depth as last time: already there */
    je 5f
4:  mov %rsp, (%rdx)
    mov $VMCS_HOST_RSP, %eax
    vmwrite %rsp, %rax
5:  test %esi, %esi /* flags survive the movs below */
    mov R_RAX(%rdi), %rax
    mov R_RCX(%rdi), %rcx
    mov R_RDX(%rdi), %rdx
    mov R_RBX(%rdi), %rbx
    mov R_RBP(%rdi), %rbp
    mov R_RSI(%rdi), %rsi
    mov R_R8(%rdi), %r8
    mov R_R9(%rdi), %r9
    mov R_R10(%rdi), %r10
    mov R_R11(%rdi), %r11
    mov R_R12(%rdi), %r12
    mov R_R13(%rdi), %r13
    mov R_R14(%rdi), %r14
    mov R_R15(%rdi), %r15
    mov R_RDI(%rdi), %rdi
    jnz 1f
    vmlaunch
    jmp 2f
1:  vmresume
2:  /* VMfail: nothing was entered; the guest registers are still in memory */
    pop %rdi
    add $16, %rsp
    mov $1, %eax
    jmp 3f

/*
 * The registers the C ABI lets vmx_fast_exit clobber, plus RBX (VMCALL's
 * argument, CPUID's result). RBP and R12-R15 are callee-saved: the guest's
 * values are still in them after the call and are stored only when the
 * exit goes the full way (6f).
 */
.macro SAVE_CLOBBERED
    push %rdi
    mov 8(%rsp), %rdi
    mov %rax, R_RAX(%rdi)
    mov %rcx, R_RCX(%rdi)
    mov %rdx, R_RDX(%rdi)
    mov %rbx, R_RBX(%rdi)
    mov %rsi, R_RSI(%rdi)
    mov %r8, R_R8(%rdi)
    mov %r9, R_R9(%rdi)
    mov %r10, R_R10(%rdi)
    mov %r11, R_R11(%rdi)
    popq R_RDI(%rdi)
.endm

    .globl vmx_exit_fast_entry
vmx_exit_fast_entry:
    SAVE_CLOBBERED
    call vmx_fast_exit /* rdi = regs = the vmx_vcpu; RSP is 16-byte aligned here */
    test %rax, %rax
    jz 5f
    mov R_RCX(%rax), %rcx /* handled: rax = regs; RBP and R12-R15 untouched */
    mov R_RDX(%rax), %rdx
    mov R_RBX(%rax), %rbx
    mov R_RSI(%rax), %rsi
    mov R_RDI(%rax), %rdi
    mov R_R8(%rax), %r8
    mov R_R9(%rax), %r9
    mov R_R10(%rax), %r10
    mov R_R11(%rax), %r11
    mov R_RAX(%rax), %rax
    vmresume
    mov (%rsp), %rdi /* VMfail: the guest's registers are still in memory */
    call 6f
    jmp 2b /* the caller reports it as for its own entry */

    .globl vmx_exit_entry
vmx_exit_entry:
    SAVE_CLOBBERED
5:  mov (%rsp), %rdi /* the full path: every register in regs */
    call 6f
    add $24, %rsp
    xor %eax, %eax
    jmp 3f
6:  mov %rbp, R_RBP(%rdi)
    mov %r12, R_R12(%rdi)
    mov %r13, R_R13(%rdi)
    mov %r14, R_R14(%rdi)
    mov %r15, R_R15(%rdi)
    ret
3:  pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
