/* SPDX-License-Identifier: MIT */
/*
 * Conformance guest entry: multiboot1 header, 32-bit entry (EAX = 0x2BADB002,
 * EBX = info), 4 GiB identity map in 2 MiB pages (0xFE000000 and up PCD|PWT),
 * switch to long mode, call conf_start(). Also the IDT stubs, ex_try(), the
 * ring-3 entry and the AP real-mode trampoline.
 */
#include "asm-defs.h"

	.section .multiboot, "a"
	.balign 4
	.long 0x1BADB002
	.long 0x00000003 /* page-aligned modules, memory info */
	.long -(0x1BADB002 + 0x00000003)

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	mov %eax, %ebp
	mov %ebx, %esi
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %ebp, mb_magic
	mov %esi, mb_info_addr
	mov $(cpu_stacks + STACK_SIZE), %esp

	mov $pdpt, %eax
	or $7, %eax
	mov %eax, pml4
	mov $pd, %eax
	or $7, %eax
	xor %ecx, %ecx
1:	mov %eax, pdpt(, %ecx, 8)
	add $4096, %eax
	inc %ecx
	cmp $4, %ecx
	jb 1b
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax /* P, RW, PS; U clear: supervisor pages */
	cmp $0x7f0, %ecx /* 0xFE000000 >> 21 */
	jb 3f
	or $0x18, %eax /* PWT, PCD */
3:	mov %eax, pd(, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jb 2b

	lgdt gdt_desc
	call enter_long32
	ljmp $KERNEL_CS, $start64

/* PAE, CR3, EFER.LME, paging; shared by the BSP and the APs */
enter_long32:
	mov %cr4, %eax
	or $0x20, %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax /* PG, WP, PE */
	mov %eax, %cr0
	ret

	.code64
start64:
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $(cpu_stacks + STACK_SIZE), %rsp
	call conf_start
4:	cli
	hlt
	jmp 4b

	.globl ap_start64
ap_start64:
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov ap_boot_rsp(%rip), %rsp
	call ap_entry
5:	cli
	hlt
	jmp 5b

/* ---------------------------------------------------------------- IDT stubs */
	.text
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set v, 0
	.rept 256
	.balign 16
	.if (v == 8) || (v == 10) || (v == 11) || (v == 12) || (v == 13) || (v == 14) || (v == 17) || (v == 21) || (v == 29) || (v == 30)
	.else
	pushq $0
	.endif
	pushq $v
	jmp isr_common
	.set v, v + 1
	.endr

isr_common:
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rbp
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %rbx
	push %rax
	mov %rsp, %rdi
	cld
	call do_isr
	pop %rax
	pop %rbx
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
	pop %rbp
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	add $16, %rsp
	iretq

/* int ex_try(void (*fn)(void *), void *arg): -1, or the vector that ended fn */
	.globl ex_try, ex_try_resume
ex_try:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	pushfq
	mov %rsp, %rax
	and $-STACK_SIZE, %rax
	mov (%rax), %rax /* struct percpu *, try_rsp is its first field */
	push (%rax)
	sub $8, %rsp
	mov %rsp, (%rax)
	mov %rdi, %rcx
	mov %rsi, %rdi
	call *%rcx
	mov $-1, %eax
ex_try_resume:
	add $8, %rsp
	mov %rsp, %rcx
	and $-STACK_SIZE, %rcx
	mov (%rcx), %rcx
	pop %rdx
	mov %rdx, (%rcx)
	popfq
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/* void enter_user(struct user_call *): fn, arg, stack top ([top-8] = user_exit) */
	.globl enter_user
enter_user:
	mov 16(%rdi), %rax
	pushq $USER_DS
	push %rax
	pushfq
	pushq $USER_CS
	pushq (%rdi)
	mov 8(%rdi), %rdi
	iretq

	.section .user_text, "ax"
	.globl user_exit
user_exit:
	int $USER_EXIT_VECTOR
	ud2

/* ---------------------------------------------------------------- AP trampoline */
	.section .rodata
	.code16
	.globl tramp_start, tramp_end
tramp_start:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	lgdtl (tramp_gdtr - tramp_start)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $KERNEL_CS32, $(TRAMP_BASE + tramp32 - tramp_start)
	.code32
tramp32:
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $(TRAMP_BASE + 0x1000), %esp /* a scratch stack for the call below */
	mov $enter_long32, %eax
	call *%eax
	ljmp $KERNEL_CS, $ap_start64
	.balign 8
tramp_gdtr:
	.word gdt_end - gdt - 1
	.long gdt
tramp_end:
	.code64

/* ---------------------------------------------------------------- data */
	.data
	.balign 16
	.globl gdt, gdt_end, gdt_desc
gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08 code64 */
	.quad 0x00cf92000000ffff /* 0x10 data */
	.quad 0x00cffa000000ffff /* 0x18 user code32 */
	.quad 0x00cff2000000ffff /* 0x20 user data */
	.quad 0x00affa000000ffff /* 0x28 user code64 */
	.quad 0x00cf9a000000ffff /* 0x30 code32 */
	.quad 0x00009a000000ffff /* 0x38 code16, base 0, limit 64 KiB */
	.quad 0x000092000000ffff /* 0x40 data16 */
	.quad 0 /* 0x48 spare */
	.fill 2 * MAX_CPUS, 8, 0 /* 0x50 TSS descriptors, 16 bytes each */
gdt_end:
	.balign 8
	.word 0, 0, 0
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

	.globl mb_magic, mb_info_addr, ap_boot_rsp
mb_magic:
	.long 0
mb_info_addr:
	.long 0
	.balign 8
ap_boot_rsp:
	.quad 0

	.bss
	.balign 4096
	.globl pml4, pdpt, pd, cpu_stacks
pml4:
	.skip 4096
pdpt:
	.skip 4096
pd:
	.skip 4 * 4096
	.balign STACK_SIZE
cpu_stacks:
	.skip 2 * MAX_CPUS * STACK_SIZE
