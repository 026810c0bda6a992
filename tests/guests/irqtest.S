/* SPDX-License-Identifier: MIT */
/*
 * irqtest: ELF64 at 0x100000. Tests event injection through the
 * self-interrupt hypercall (HC_SELF_IRQ, docs/guest-abi.md): vectors 0x40,
 * 0x41 and 0x42 each get a handler that counts its deliveries. Prints
 * "irqtest: check N ok: <what>" or "irqtest: check N FAILED: <what>" and
 * ends with debug-exit code 0 when all pass, else N of the failing check.
 * An exception (or an interrupt at a vector without a handler) during
 * check N prints it and also exits with N.
 *   1  requested with IF=0 it is held, across a VM exit too; after sti; nop
 *      it has been delivered (through an interrupt window)
 *   2  requested with IF=1 it is delivered before the instruction after
 *      the vmcall
 *   3  requested with IF=0, then sti; hlt: the hlt wakes up and the
 *      interrupt has been delivered
 *   4  vectors 5 and 256 are refused with -22 (EINVAL) and nothing arrives
 * (Check 3 can only fail by hanging if the hlt never wakes up.)
 */
#include "lib.S"

#define VEC_A 0x40
#define VEC_B 0x41
#define VEC_C 0x42

.macro SELF_IRQ vec
	mov $HC_SELF_IRQ, %eax
	mov $\vec, %ebx
	vmcall
.endm

/* ends check \num: "ok: <what>" or "FAILED: <what>" by RAX (0 = pass) */
.macro REPORT num, what
	mov %rax, %r12
	PUTS "irqtest: check \num"
	test %r12, %r12
	jnz .Lfail\@
	PUTS " ok: \what\n"
	jmp .Ldone\@
.Lfail\@:
	PUTS " FAILED: \what\n"
	call print_counts
	mov $\num, %al
	jmp debug_exit
.Ldone\@:
.endm

	.text
	START64
	PUTS "irqtest: self-interrupt hypercall, vectors 0x40-0x42\n"
	call idt_install
	lea irq_a(%rip), %rax
	mov $VEC_A, %edi
	call idt_set_gate
	lea irq_b(%rip), %rax
	mov $VEC_B, %edi
	call idt_set_gate
	lea irq_c(%rip), %rax
	mov $VEC_C, %edi
	call idt_set_gate

	/* 1: held while IF=0, delivered at the first window after sti */
	movl $1, fault_exit_code(%rip)
	cli
	SELF_IRQ VEC_A
	mov %rax, %r13			/* hypercall result */
	mov $1000, %ecx
1:	nop
	dec %ecx
	jnz 1b
	xor %eax, %eax
	cpuid				/* a VM exit and entry with it pending */
	mov count_a(%rip), %r14		/* must be 0 */
	sti
	nop				/* STI shadow: delivered after this one */
	mov count_a(%rip), %r15		/* must be 1 */
	cli
	xor %eax, %eax
	test %r13, %r13
	setnz %al
	test %r14, %r14
	setnz %dl
	or %dl, %al
	cmp $1, %r15
	setne %dl
	or %dl, %al
	REPORT 1, "held while IF=0, delivered after sti"

	/* 2: IF=1, delivered before the next instruction */
	movl $2, fault_exit_code(%rip)
	sti
	nop				/* out of the STI shadow */
	SELF_IRQ VEC_B
	mov count_b(%rip), %r14		/* must be 1 already */
	cli
	mov %rax, %r13
	xor %eax, %eax
	test %r13, %r13
	setnz %al
	cmp $1, %r14
	setne %dl
	or %dl, %al
	REPORT 2, "IF=1, delivered as the vmcall returned"

	/* 3: requested with IF=0, then sti; hlt must wake with it delivered */
	movl $3, fault_exit_code(%rip)
	cli
	SELF_IRQ VEC_C
	mov %rax, %r13
	mov count_c(%rip), %r14		/* must be 0 */
	sti
	hlt
	mov count_c(%rip), %r15		/* must be 1 */
	cli
	xor %eax, %eax
	test %r13, %r13
	setnz %al
	test %r14, %r14
	setnz %dl
	or %dl, %al
	cmp $1, %r15
	setne %dl
	or %dl, %al
	REPORT 3, "sti; hlt woke up, delivered"

	/* 4: out-of-range vectors are refused and never delivered */
	movl $4, fault_exit_code(%rip)
	SELF_IRQ 5
	mov %rax, %r13
	SELF_IRQ 256
	mov %rax, %r14
	sti
	nop
	nop				/* anything wrongly queued arrives by now */
	cli
	xor %eax, %eax
	cmp $HC_EINVAL, %r13
	setne %al
	cmp $HC_EINVAL, %r14
	setne %dl
	or %dl, %al
	cmpq $1, count_a(%rip)		/* and nothing arrived twice */
	setne %dl
	or %dl, %al
	cmpq $1, count_b(%rip)
	setne %dl
	or %dl, %al
	cmpq $1, count_c(%rip)
	setne %dl
	or %dl, %al
	REPORT 4, "vectors 5 and 256 refused with -22"

	PUTS "irqtest: all checks passed\n"
	DEBUG_EXIT 0

/* external interrupts: no error code on the stack */
irq_a:	incq count_a(%rip)
	iretq
irq_b:	incq count_b(%rip)
	iretq
irq_c:	incq count_c(%rip)
	iretq

/* after a failure: the deliveries so far, R13 (the hypercall's result) and
 * R14 (checks 1-3: the count before sti; check 4: the result for 256) */
print_counts:
	PUTS "irqtest: deliveries 0x40 "
	mov count_a(%rip), %rax
	call uart_putdec
	PUTS " 0x41 "
	mov count_b(%rip), %rax
	call uart_putdec
	PUTS " 0x42 "
	mov count_c(%rip), %rax
	call uart_putdec
	PUTS "; r13 "
	mov %r13, %rax
	call uart_puthex
	PUTS " r14 "
	mov %r14, %rax
	call uart_puthex
	PUTS "\n"
	ret

	.bss
	.balign 8
count_a: .quad 0
count_b: .quad 0
count_c: .quad 0
