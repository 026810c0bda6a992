/* SPDX-License-Identifier: MIT */
/*
 * evdebug: ELF64, PC board, 1 vCPU. Event semantics around VM exits
 * (docs/guest-abi.md, "Events"): RFLAGS.RF in frames, STI blocking, single
 * step and debug registers across instructions hv emulates. Prints
 * "evdebug: check N ok: <what>" or "... FAILED: <what>" (then the recorded
 * values) and ends with debug-exit code 0 when all pass, else the first failed N
 * (every check runs).
 *   1  RDMSR 0xdeadbeef: hv injects #GP, whose frame has RF = 1
 *   2  VMXOFF: hv injects #UD, whose frame has RF = 1
 *   3  INT3: #BP (a trap) has RF = 0 and the RIP after the INT3
 *   4  an interrupt pending with IF = 0, then sti; cpuid: delivered after
 *      the CPUID (in the STI shadow), the handler's RIP is the next one
 *   5  TF = 1 over CPUID: one #DB, DR6.BS, RIP after the CPUID
 *   6  DR7.GD, then a CPUID exit, then MOV from DR0: #DB (a fault, RIP at
 *      the MOV) with DR6.BD: DR7 survives the exit
 *   7  DR0 write breakpoint, then a CPUID exit, then a write: #DB (a trap,
 *      RIP after the write) with DR6.B0
 *   8  DR0 read breakpoint on the MOV SS operand, the next instruction a
 *      CPUID: the #DB is held for the CPUID and comes after it, once
 *   9  TF = 1 over a local APIC register read (MMIO hv emulates): one #DB,
 *      DR6.BS, RIP after the read
 */
#include "lib.S"

#define VEC_IRQ 0x40
#define APIC_SVR 0xFEE000F0
#define RF (1 << 16)
#define TF 0x100
#define DR6_B0 1
#define DR6_BD (1 << 13)
#define DR6_BS (1 << 14)

/* ends check \num: pass when RAX = 0 */
.macro REPORT num, what
	mov %rax, %r12
	PUTS "evdebug: check \num"
	test %r12, %r12
	jnz .Lfail\@
	PUTS " ok: \what\n"
	jmp .Ldone\@
.Lfail\@:
	PUTS " FAILED: \what\n"
	call print_state
	cmpb $0, first_failed(%rip)
	jne .Ldone\@
	movb $\num, first_failed(%rip)
.Ldone\@:
.endm

/* RAX |= (\a != \b) */
.macro NE a, b
	cmpq \b, \a
	setne %dl
	movzbl %dl, %edx
	or %rdx, %rax
.endm

.macro CLEAR_RECORDS
	movq $0, db_count(%rip)
	movq $0, db_rip(%rip)
	movq $0, db_dr6(%rip)
	movq $0, frame_rflags(%rip)
	movq $0, frame_rip(%rip)
	movq $0, frame_count(%rip)
	xor %eax, %eax
	mov %rax, %db6
.endm

	.text
	START64
	PUTS "evdebug: RF, STI blocking, single step and debug registers across exits\n"
	call idt_install
	lea h_db(%rip), %rax
	mov $1, %edi
	call idt_set_gate
	lea h_bp(%rip), %rax
	mov $3, %edi
	call idt_set_gate
	lea h_ud(%rip), %rax
	mov $6, %edi
	call idt_set_gate
	lea h_gp(%rip), %rax
	mov $13, %edi
	call idt_set_gate
	lea h_irq(%rip), %rax
	mov $VEC_IRQ, %edi
	call idt_set_gate
	mov $APIC_SVR, %eax		/* software-enable the local APIC: it takes fixed interrupts */
	movl $0x1FF, (%rax)

	/* 1 */
	movl $1, fault_exit_code(%rip)
	CLEAR_RECORDS
	mov $0xdeadbeef, %ecx
	rdmsr
	xor %eax, %eax
	NE frame_count(%rip), $1
	mov frame_rflags(%rip), %rdx
	not %rdx
	and $RF, %edx
	or %rdx, %rax
	REPORT 1, "#GP from a refused RDMSR has RF=1 in its frame"

	/* 2 */
	movl $2, fault_exit_code(%rip)
	CLEAR_RECORDS
	vmxoff
	xor %eax, %eax
	NE frame_count(%rip), $1
	mov frame_rflags(%rip), %rdx
	not %rdx
	and $RF, %edx
	or %rdx, %rax
	REPORT 2, "#UD injected for VMXOFF has RF=1 in its frame"

	/* 3 */
	movl $3, fault_exit_code(%rip)
	CLEAR_RECORDS
	int3
.Lafter_int3:
	xor %eax, %eax
	NE frame_count(%rip), $1
	lea .Lafter_int3(%rip), %rcx
	NE frame_rip(%rip), %rcx
	mov frame_rflags(%rip), %rdx
	and $RF, %edx
	or %rdx, %rax
	REPORT 3, "#BP from INT3 has RF=0 and the RIP after it"

	/* 4 */
	movl $4, fault_exit_code(%rip)
	CLEAR_RECORDS
	cli
	mov $HC_SELF_IRQ, %eax
	mov $VEC_IRQ, %ebx
	vmcall
	mov %rax, %r13
	sti
	cpuid				/* in the STI shadow: the interrupt waits for its end */
.Lafter_sti_cpuid:
	cli
	xor %eax, %eax
	NE %r13, $0
	NE irq_count(%rip), $1
	lea .Lafter_sti_cpuid(%rip), %rcx
	NE irq_rip(%rip), %rcx
	REPORT 4, "sti; cpuid: the pending interrupt comes after the cpuid"

	/* 5 */
	movl $5, fault_exit_code(%rip)
	CLEAR_RECORDS
	pushfq
	orq $TF, (%rsp)
	popfq				/* TF traps after the next instruction */
	cpuid
.Lafter_tf_cpuid:
	nop
	nop
	xor %eax, %eax
	NE db_count(%rip), $1
	lea .Lafter_tf_cpuid(%rip), %rcx
	NE db_rip(%rip), %rcx
	mov db_dr6(%rip), %rdx
	not %rdx
	and $DR6_BS, %edx
	or %rdx, %rax
	REPORT 5, "TF over cpuid: #DB with DR6.BS after the cpuid"

	/* 6 */
	movl $6, fault_exit_code(%rip)
	CLEAR_RECORDS
	mov $0x2400, %eax		/* GD, and bit 10 (reads 1) */
	mov %rax, %db7
	xor %eax, %eax
	cpuid				/* a VM exit: DR7 must come back */
.Lgd_mov:
	mov %db0, %rax
	xor %eax, %eax
	NE db_count(%rip), $1
	lea .Lgd_mov(%rip), %rcx
	NE db_rip(%rip), %rcx
	mov db_dr6(%rip), %rdx
	not %rdx
	and $DR6_BD, %edx
	or %rdx, %rax
	REPORT 6, "DR7.GD across an exit: MOV DR raises #DB with DR6.BD"

	/* 7 */
	movl $7, fault_exit_code(%rip)
	CLEAR_RECORDS
	lea watch(%rip), %rax
	mov %rax, %db0
	mov $0x000D0401, %eax		/* L0, R/W0 = write, LEN0 = 4 bytes */
	mov %rax, %db7
	xor %eax, %eax
	cpuid
	movl $1, watch(%rip)
.Lafter_write:
	nop
	xor %eax, %eax
	mov %rax, %db7
	NE db_count(%rip), $1
	lea .Lafter_write(%rip), %rcx
	NE db_rip(%rip), %rcx
	mov db_dr6(%rip), %rdx
	not %rdx
	and $DR6_B0, %edx
	or %rdx, %rax
	REPORT 7, "DR0 write breakpoint across an exit: #DB after the write"

	/* 8 */
	movl $8, fault_exit_code(%rip)
	CLEAR_RECORDS
	lea ss_sel(%rip), %rax
	mov %rax, %db0
	mov $0x00070401, %eax		/* L0, R/W0 = read/write, LEN0 = 2 bytes */
	mov %rax, %db7
	xor %eax, %eax
	mov ss_sel(%rip), %ss		/* hits DR0; #DB held for one instruction */
	cpuid
.Lafter_movss_cpuid:
	nop
	xor %eax, %eax
	mov %rax, %db7
	NE db_count(%rip), $1
	lea .Lafter_movss_cpuid(%rip), %rcx
	NE db_rip(%rip), %rcx
	mov db_dr6(%rip), %rdx
	not %rdx
	and $DR6_B0, %edx
	or %rdx, %rax
	REPORT 8, "mov ss (breakpoint) then cpuid: #DB after the cpuid"

	/* 9 */
	movl $9, fault_exit_code(%rip)
	CLEAR_RECORDS
	mov $0xFEE00030, %ecx		/* APIC version register */
	pushfq
	orq $TF, (%rsp)
	popfq
	mov (%rcx), %eax
.Lafter_tf_mmio:
	nop
	nop
	xor %eax, %eax
	NE db_count(%rip), $1
	lea .Lafter_tf_mmio(%rip), %rcx
	NE db_rip(%rip), %rcx
	mov db_dr6(%rip), %rdx
	not %rdx
	and $DR6_BS, %edx
	or %rdx, %rax
	REPORT 9, "TF over an emulated MMIO read: #DB with DR6.BS after it"

	movzbl first_failed(%rip), %eax
	test %al, %al
	jnz debug_exit			/* the first failed check's number */
	PUTS "evdebug: all checks passed\n"
	DEBUG_EXIT 0

/* #DB: RIP, DR6 and the count; TF off and breakpoints off in what it returns to */
h_db:	push %rax
	incq db_count(%rip)
	mov 8(%rsp), %rax
	mov %rax, db_rip(%rip)
	mov %db6, %rax
	mov %rax, db_dr6(%rip)
	andq $~TF, 24(%rsp)
	xor %eax, %eax
	mov %rax, %db7
	pop %rax
	iretq

/* #BP: a trap, returns after the INT3 */
h_bp:	push %rax
	incq frame_count(%rip)
	mov 8(%rsp), %rax
	mov %rax, frame_rip(%rip)
	mov 24(%rsp), %rax
	mov %rax, frame_rflags(%rip)
	pop %rax
	iretq

/* #UD (VMXOFF, 3 bytes): records RFLAGS, resumes after it */
h_ud:	push %rax
	incq frame_count(%rip)
	mov 8(%rsp), %rax
	mov %rax, frame_rip(%rip)
	mov 24(%rsp), %rax
	mov %rax, frame_rflags(%rip)
	addq $3, 8(%rsp)
	pop %rax
	iretq

/* #GP (RDMSR, 2 bytes; error code on the stack): records RFLAGS, resumes after it */
h_gp:	push %rax
	incq frame_count(%rip)
	mov 16(%rsp), %rax
	mov %rax, frame_rip(%rip)
	mov 32(%rsp), %rax
	mov %rax, frame_rflags(%rip)
	pop %rax
	add $8, %rsp
	addq $2, (%rsp)
	iretq

h_irq:	push %rax
	incq irq_count(%rip)
	mov 8(%rsp), %rax
	mov %rax, irq_rip(%rip)
	mov $0xFEE000B0, %eax		/* EOI */
	movl $0, (%rax)
	pop %rax
	iretq

print_state:
	PUTS "evdebug: #DB count "
	mov db_count(%rip), %rax
	call uart_putdec
	PUTS " rip "
	mov db_rip(%rip), %rax
	call uart_puthex
	PUTS " dr6 "
	mov db_dr6(%rip), %rax
	call uart_puthex
	PUTS "; frames "
	mov frame_count(%rip), %rax
	call uart_putdec
	PUTS " rip "
	mov frame_rip(%rip), %rax
	call uart_puthex
	PUTS " rflags "
	mov frame_rflags(%rip), %rax
	call uart_puthex
	PUTS "; irqs "
	mov irq_count(%rip), %rax
	call uart_putdec
	PUTS " rip "
	mov irq_rip(%rip), %rax
	call uart_puthex
	PUTS "\n"
	ret

	.data
	.balign 8
ss_sel:	.quad SEL_DATA
watch:	.quad 0

	.bss
	.balign 8
first_failed: .quad 0
db_count: .quad 0
db_rip: .quad 0
db_dr6: .quad 0
frame_count: .quad 0
frame_rip: .quad 0
frame_rflags: .quad 0
irq_count: .quad 0
irq_rip: .quad 0
