/* SPDX-License-Identifier: MIT */
/*
 * evnmi: ELF64, PC board, 2 vCPUs (cpus=2). NMIs sent through the local
 * APIC's ICR (docs/guest-abi.md, "Events"). Prints "evnmi: check N ok:
 * <what>" or "... FAILED: <what>" (then the counts) and ends with
 * debug-exit code 0 when all pass, else the first failed N (every check
 * runs).
 *   1  an NMI to itself (shorthand self) arrives as vector 2, once, right
 *      after the ICR write
 *   2  inside the NMI handler two more self-NMIs (and a CPUID exit) are
 *      held: no nesting; after the handler's IRET exactly one more NMI
 *      arrives
 *   3  the AP, started with INIT + SIPI (real mode at 0x8000, halted with
 *      its own NMI handler in the IVT), takes an NMI sent to APIC ID 1
 *   4  and one sent with shorthand "all excluding self", while the BSP
 *      takes none
 *   5  an IOAPIC entry in NMI mode (COM1's IRQ 4, to APIC ID 0): the UART's
 *      THRE interrupt arrives as one NMI on the BSP
 */
#include "lib.S"

#define APIC_SVR 0xFEE000F0
#define APIC_ICR_HI 0xFEE00310
#define ICR_NMI_SELF 0x00044400	/* NMI, assert, shorthand self */
#define ICR_NMI_DEST 0x00004400	/* NMI, assert, physical destination in ICR_HI */
#define ICR_NMI_OTHERS 0x000C4400	/* NMI, assert, all excluding self */
#define ICR_INIT 0x00004500
#define ICR_SIPI 0x00004608	/* start-up at 0x8000 */
#define AP_CODE 0x8000
#define AP_READY 0x7F00		/* the AP's flag and NMI count (real-mode DS = 0) */
#define AP_NMIS 0x7F02

.macro REPORT num, what
	mov %rax, %r12
	PUTS "evnmi: check \num"
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

.macro NE a, b
	cmpq \b, \a
	setne %dl
	movzbl %dl, %edx
	or %rdx, %rax
.endm

/* ICR_HI = \dest << 24, then ICR_LO = \lo (the write sends) */
.macro SEND_ICR lo, dest=0
	mov $APIC_ICR_HI, %eax
	movl $(\dest << 24), (%rax)
	mov $APIC_ICR_LO, %eax
	movl $\lo, (%rax)
.endm

/* spin until the 16-bit word at \addr is \val, at most ~10M rounds */
.macro WAIT_WORD addr, val
	mov $10000000, %ecx
.Lw\@:	cmpw $\val, \addr
	je .Lwd\@
	pause
	dec %ecx
	jnz .Lw\@
.Lwd\@:
.endm

	.text
	START64
	PUTS "evnmi: NMI IPIs, NMI blocking until IRET, NMIs to the other vCPU\n"
	call idt_install
	lea h_nmi(%rip), %rax
	mov $2, %edi
	call idt_set_gate
	mov $APIC_SVR, %eax
	movl $0x1FF, (%rax)

	/* 1 */
	movl $1, fault_exit_code(%rip)
	SEND_ICR ICR_NMI_SELF
	mov nmi_count(%rip), %r13	/* right after the write */
	xor %eax, %eax
	NE %r13, $1
	NE nested(%rip), $0
	REPORT 1, "self NMI through the ICR taken at once"

	/* 2 */
	movl $2, fault_exit_code(%rip)
	movq $1, resend(%rip)
	SEND_ICR ICR_NMI_SELF		/* its handler sends two more */
	mov nmi_count(%rip), %r13
	mov $1000, %ecx
1:	nop
	loop 1b
	xor %eax, %eax
	NE %r13, $3			/* 1 + this one + exactly one of the two held */
	NE nmi_count(%rip), $3
	NE nested(%rip), $0
	NE in_handler_count(%rip), $2	/* the count the handler saw after its sends */
	REPORT 2, "NMIs held until IRET, then exactly one delivered"

	/* 3: start the AP */
	movl $3, fault_exit_code(%rip)
	lea ap_code(%rip), %rsi
	mov $AP_CODE, %edi
	mov $(ap_code_end - ap_code), %ecx
	rep movsb
	movw $0, AP_READY
	movw $0, AP_NMIS
	SEND_ICR ICR_INIT, 1
	SEND_ICR ICR_SIPI, 1
	WAIT_WORD AP_READY, 1
	movzwl AP_READY, %r14d
	SEND_ICR ICR_NMI_DEST, 1
	WAIT_WORD AP_NMIS, 1
	xor %eax, %eax
	NE %r14, $1
	movzwl AP_NMIS, %edx
	NE %rdx, $1
	REPORT 3, "NMI to APIC ID 1 taken by the AP (started with INIT+SIPI)"

	/* 4 */
	movl $4, fault_exit_code(%rip)
	mov nmi_count(%rip), %r13
	SEND_ICR ICR_NMI_OTHERS
	WAIT_WORD AP_NMIS, 2
	xor %eax, %eax
	movzwl AP_NMIS, %edx
	NE %rdx, $2
	NE nmi_count(%rip), %r13
	REPORT 4, "NMI to all excluding self: the AP only"

	movzbl first_failed(%rip), %eax
	test %al, %al
	jnz debug_exit			/* the first failed check's number */
	/* 5 */
	movl $5, fault_exit_code(%rip)
	mov nmi_count(%rip), %r13
	mov $IOAPIC_BASE_ADDR, %eax
	movl $0x19, (%rax)		/* RTE 4 high: destination APIC ID 0 */
	movl $0, 0x10(%rax)
	movl $0x18, (%rax)		/* RTE 4 low: NMI, edge, unmasked */
	movl $0x400, 0x10(%rax)
	OUTB_CONST COM1_IER, 0x02	/* THR empty: IRQ 4 rises */
	mov nmi_count(%rip), %r14
	OUTB_CONST COM1_IER, 0
	mov $IOAPIC_BASE_ADDR, %eax
	movl $0x18, (%rax)
	movl $0x10000, 0x10(%rax)	/* masked again */
	mov $COM1_IER, %dx		/* IIR: acknowledge THRE */
	inc %dx
	in %dx, %al
	inc %r13
	xor %eax, %eax
	NE %r14, %r13
	NE nmi_count(%rip), %r13
	REPORT 5, "IOAPIC entry in NMI mode delivers an NMI"

	PUTS "evnmi: all checks passed\n"
	DEBUG_EXIT 0

/*
 * NMI: counts; a nested entry is an error. With resend set (once) it sends
 * itself two more NMIs and makes a VM exit: none may come in before IRET.
 */
h_nmi:	push %rax
	push %rcx
	push %rdx
	push %rbx
	cmpq $0, in_nmi(%rip)
	jne .Lnested
	movq $1, in_nmi(%rip)
	incq nmi_count(%rip)
	cmpq $0, resend(%rip)
	je .Lnmi_out
	movq $0, resend(%rip)
	SEND_ICR ICR_NMI_SELF
	SEND_ICR ICR_NMI_SELF
	xor %eax, %eax
	cpuid
	mov nmi_count(%rip), %rax
	mov %rax, in_handler_count(%rip)
.Lnmi_out:
	movq $0, in_nmi(%rip)
	pop %rbx
	pop %rdx
	pop %rcx
	pop %rax
	iretq
.Lnested:
	incq nested(%rip)
	pop %rbx
	pop %rdx
	pop %rcx
	pop %rax
	iretq

print_state:
	PUTS "evnmi: nmis "
	mov nmi_count(%rip), %rax
	call uart_putdec
	PUTS " nested "
	mov nested(%rip), %rax
	call uart_putdec
	PUTS " in-handler "
	mov in_handler_count(%rip), %rax
	call uart_putdec
	PUTS " r13 "
	mov %r13, %rax
	call uart_putdec
	PUTS "; ap ready "
	movzwl AP_READY, %eax
	call uart_putdec
	PUTS " ap nmis "
	movzwl AP_NMIS, %eax
	call uart_putdec
	PUTS "\n"
	ret

/*
 * The AP's code, copied to 0x8000 and started there by the SIPI (real
 * mode, CS = 0x800): IVT entry 2 to its NMI handler, then halts forever
 * with IF = 1 (nothing maskable is sent to it; see docs/tdx.md on Bochs
 * and IF) so that NMIs wake it.
 */
	.section .rodata
ap_code:
	.code16
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7000, %sp
	movw $(ap_nmi - ap_code), 0x8
	movw $(AP_CODE >> 4), 0xA
	movw $1, AP_READY
	sti
1:	hlt
	jmp 1b
ap_nmi:
	incw AP_NMIS
	iret
	.code64
ap_code_end:

	.bss
	.balign 8
first_failed: .quad 0
nmi_count: .quad 0
nested: .quad 0
in_nmi: .quad 0
resend: .quad 0
in_handler_count: .quad 0
