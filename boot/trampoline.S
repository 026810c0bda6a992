/* SPDX-License-Identifier: MIT */
/*
 * AP start-up trampoline (Intel SDM Vol. 3A 9.4.4 and 10.8.5). An AP wakes
 * from SIPI in real mode at TRAMPOLINE_PHYS, so this must be assembly: it
 * walks 16-bit -> 32-bit protected -> 64-bit long mode on a CR3 that
 * identity-maps this page, then jumps to the kernel entry the BSP stored in
 * the data block at the end. The BSP copies this blob below 1 MiB.
 */
#include "kernel/layout.h"

#define ABS(x) (TRAMPOLINE_PHYS + ((x) - tramp_start))
#define MSR_EFER 0xC0000080

    .section .trampoline, "a"
    .code16
    .globl tramp_start
tramp_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    movb $1, ABS(t_started)
    lgdtl ABS(t_gdtr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $ABS(tramp_pm32)

    .code32
tramp_pm32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $(1 << 5), %eax /* PAE */
    mov %eax, %cr4
    mov ABS(t_cr3), %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $(1 << 8), %eax /* LME */
    or ABS(t_efer_nx), %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010000, %eax /* PG | WP */
    mov %eax, %cr0
    ljmp $0x18, $ABS(tramp_lm64)

    .code64
tramp_lm64:
    mov ABS(t_stack), %rsp
    mov ABS(t_arg), %rdi
    mov ABS(t_entry), %rax
    xor %ebp, %ebp
    jmp *%rax

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF /* 0x08: 32-bit code */
    .quad 0x00CF92000000FFFF /* 0x10: data */
    .quad 0x00AF9A000000FFFF /* 0x18: 64-bit code */
t_gdtr:
    .short t_gdtr - tramp_gdt - 1
    .long ABS(tramp_gdt)

    /* Filled by the BSP before each SIPI; layout = struct trampoline_data. */
    .balign 8
    .globl tramp_data
tramp_data:
t_cr3:
    .long 0
t_efer_nx:
    .long 0
t_stack:
    .quad 0
t_entry:
    .quad 0
t_arg:
    .quad 0
t_started:
    .long 0
    .long 0
    .globl tramp_end
tramp_end:
