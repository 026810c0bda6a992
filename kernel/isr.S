/* SPDX-License-Identifier: MIT */
/*
 * Interrupt entry stubs. Assembly because the CPU pushes a frame C cannot
 * describe, and some vectors push an error code while others do not: each
 * stub makes the frame uniform (vector + error code), then the common path
 * saves all general registers and calls interrupt_dispatch(frame).
 */
    .text

.macro ISR_NOERR n
    .balign 16
isr_\n:
    pushq $0
    pushq $\n
    jmp isr_common
.endm

.macro ISR_ERR n
    .balign 16
isr_\n:
    pushq $\n
    jmp isr_common
.endm

/* Vectors whose exceptions push an error code (SDM Vol. 3A table 6-1). */
.irp n, 8, 10, 11, 12, 13, 14, 17, 21, 29, 30
    .set has_err_\n, 1
.endr

.altmacro
.macro ISR n
    .ifdef has_err_\n
        ISR_ERR \n
    .else
        ISR_NOERR \n
    .endif
.endm

.set i, 0
.rept 256
    ISR %i
    .set i, i + 1
.endr

isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, %rdi
    cld
    call interrupt_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    add $16, %rsp
    iretq

/*
 * void irq_run_vector(unsigned vector): runs the IDT stub of an external
 * interrupt a VM exit already acknowledged ("acknowledge interrupt on exit":
 * the vector was taken from the APIC and sits in its ISR, so the CPU will
 * not deliver it again). Builds the frame interrupt delivery would push in
 * 64-bit mode (SDM Vol. 3A 6.14.2: RSP aligned to 16, then SS, RSP, RFLAGS,
 * CS, RIP) and calls the stub, whose IRETQ comes back here with RFLAGS as
 * it was (interrupts off). Assembly: C cannot build an interrupt frame.
 * Linux does the same in vmx_do_interrupt_irqoff.
 */
    .text
    .globl irq_run_vector
irq_run_vector:
    push %rbp
    mov %rsp, %rbp
    and $-16, %rsp
    mov %ss, %eax
    push %rax
    push %rbp
    pushf
    push $0x08                  /* GDT_KCODE */
    mov %edi, %edi
    lea isr_stub_table(%rip), %rax
    call *(%rax, %rdi, 8)
    leave
    ret

/* Table of stub addresses for idt_init(). */
    .section .rodata
    .balign 8
    .globl isr_stub_table
.macro STUB_ADDR n
    .quad isr_\n
.endm
isr_stub_table:
.set i, 0
.rept 256
    STUB_ADDR %i
    .set i, i + 1
.endr
