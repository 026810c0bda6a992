/* SPDX-License-Identifier: MIT */
/*
 * Shared code of the test guests, #included first by each guest. It emits
 * nothing in .text: its routines go to .text.lib, which the linker scripts
 * place after .text, so a guest's first instruction is its entry point.
 *
 * Built with gcc -m32 (__x86_64__ undefined) the file is 16-bit real-mode
 * code for flat images; with -m32 -DGUEST_PROT32 it is 32-bit protected-mode
 * code (flat segments, paging off) for multiboot1 ELF32 images; with -m64 it
 * is 64-bit code for ELF64 images, and with -m64 -DGUEST_TD 64-bit code for
 * trust domains: port I/O and HLT become TDG.VP.VMCALL requests (GHCI),
 * since in a TD they raise #VE.
 * Routines preserve every register except RAX, RCX, RDX, RSI, RDI.
 */
#include "lib.h"

#if defined(__x86_64__)
#elif defined(GUEST_PROT32)
	.code32
#else
	.code16
#endif

/* ------------------------------------------------------------ both modes */

#ifdef GUEST_TD
/* TDCALL (66 0F 01 CC); RAX = leaf */
.macro TDCALL
	.byte 0x66, 0x0f, 0x01, 0xcc
.endm
#define OUT_AL_DX call td_outb
#define IN_DX_AL call td_inb
#else
#define OUT_AL_DX out %al, %dx
#define IN_DX_AL in %dx, %al
#endif

/* (not "OUTB": GAS macro names are case-insensitive, it would capture outb) */
.macro OUTB_CONST port, val
	mov $\port, %dx
	mov $\val, %al
	OUT_AL_DX
.endm

/* 115200 8N1, FIFOs on, interrupts off, DTR+RTS */
.macro UART_INIT
	OUTB_CONST COM1_IER, 0
	OUTB_CONST COM1_LCR, LCR_DLAB
	OUTB_CONST COM1, 1		/* DLL: divisor 1 */
	OUTB_CONST COM1_IER, 0	/* DLM */
	OUTB_CONST COM1_LCR, LCR_8N1
	OUTB_CONST COM1_FCR, 0xC7
	OUTB_CONST COM1_MCR, 0x03
.endm

.macro HALT_FOREVER
	cli
.Lhalt\@:
#ifdef GUEST_TD
	call td_hlt
#else
	hlt
#endif
	jmp .Lhalt\@
.endm

/* ends the VM with exit code \code (a constant), halts if that is ignored */
.macro DEBUG_EXIT code
	mov $\code, %al
#ifdef GUEST_TD
	mov $DEBUG_EXIT_PORT, %dx
	call td_outb
#else
	out %al, $DEBUG_EXIT_PORT
#endif
	HALT_FOREVER
.endm

	.pushsection .text.lib, "ax"
/* AL = byte: waits for LSR.THRE, then writes THR. Clobbers AH, DX. */
uart_putc:
	mov %al, %ah
	mov $COM1_LSR, %dx
1:	IN_DX_AL
	test $LSR_THRE, %al
	jz 1b
	mov %ah, %al
	mov $COM1, %dx
	OUT_AL_DX
	ret

/* (R|E)SI = NUL-terminated string. Clobbers AX, DX, SI. */
uart_puts:
	cld
1:	lodsb
	test %al, %al
	jz 2f
	call uart_putc
	jmp 1b
2:	ret
	.popsection

#if !defined(__x86_64__) && !defined(GUEST_PROT32)
/* ------------------------------------------------- 16-bit real mode only */

/* Entry: CS = 0 (the loader may start at 0x800:0), DS = ES = SS = 0, the
 * stack just below the load address, then the UART. */
.macro START16
	.globl _start
_start:
	cli
	ljmp $0, $.Lcs0\@
.Lcs0\@:
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $_start, %sp
	UART_INIT
.endm

.macro PUTS str
	.pushsection .rodata
.Lstr\@: .asciz "\str"
	.popsection
	mov $.Lstr\@, %si
	call uart_puts
.endm

#elif defined(GUEST_PROT32)
/* ------------------------------------- 32-bit protected mode, paging off */

/* Entry: own stack (multiboot promises none), then the UART. EAX and EBX
 * (the loader's magic and information pointer) are preserved. */
.macro START32
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	cld
	push %eax
	UART_INIT
	pop %eax
.endm

.macro PUTS str
	.pushsection .rodata
.Lstr\@: .asciz "\str"
	.popsection
	mov $.Lstr\@, %esi
	call uart_puts
.endm

	.pushsection .text.lib, "ax"
/* EAX = unsigned value, printed in decimal */
uart_putdec:
	push %ebx
	sub $12, %esp
	lea 12(%esp), %esi		/* digits are stored backwards from here */
	mov $10, %ebx
1:	xor %edx, %edx
	div %ebx
	add $'0', %dl
	dec %esi
	mov %dl, (%esi)
	test %eax, %eax
	jnz 1b
	lea 12(%esp), %ecx
	sub %esi, %ecx
2:	lodsb
	call uart_putc
	loop 2b
	add $12, %esp
	pop %ebx
	ret

/* EDX:EAX = 64-bit value, printed as 0x and 16 hex digits */
uart_puthex:
	push %ebx
	push %ebp
	mov %edx, %ebx			/* EBX:EBP, shifted left a digit at a time */
	mov %eax, %ebp
	mov $'0', %al
	call uart_putc
	mov $'x', %al
	call uart_putc
	mov $16, %ecx
1:	mov %ebx, %eax
	shr $28, %eax
	shld $4, %ebp, %ebx
	shl $4, %ebp
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $('A' - '9' - 1), %al
2:	call uart_putc
	dec %ecx
	jnz 1b
	pop %ebp
	pop %ebx
	ret

/* AL = exit code: debug exit, halts if that is ignored */
debug_exit:
	out %al, $DEBUG_EXIT_PORT
	HALT_FOREVER
	.popsection

	.pushsection .bss
	.balign 16
stack:	.skip 16384
stack_top:
	.popsection

#else
/* ------------------------------------------------------------ 64-bit only */

/* Entry: own stack (the ABI promises none), then the UART. */
.macro START64
	.globl _start
_start:
	lea stack_top(%rip), %rsp
	cld
	UART_INIT
.endm

.macro PUTS str
	.pushsection .rodata
.Lstr\@: .asciz "\str"
	.popsection
	lea .Lstr\@(%rip), %rsi
	call uart_puts
.endm

/* VMCALL print of a literal (no NUL); RAX = the hypercall's result */
.macro HC_PRINT_STR str
	.pushsection .rodata
.Lhs\@:	.ascii "\str"
.Lhe\@:
	.popsection
	mov $HC_PRINT, %eax
	lea .Lhs\@(%rip), %rbx
	mov $(.Lhe\@ - .Lhs\@), %ecx
	vmcall
.endm

/* The next exception (any vector) resumes at \label instead of being fatal;
 * fault_vec/fault_err then hold what happened. Clobbers RAX. */
.macro ON_FAULT_GOTO label
	lea \label(%rip), %rax
	mov %rax, fault_resume(%rip)
.endm
.macro FAULT_DISARM
	movq $0, fault_resume(%rip)
.endm

/* After idt_install: \insn (one instruction; set its registers up before the
 * macro, which preserves every register) must raise exception \vec. Prints
 * "hostile: \what: ok", or "hostile: \what: no fault" / "...: exception <n>"
 * and counts a miss in expect_misses. Clobbers RAX, RCX, RDX, RSI, RDI after
 * \insn has run. */
.macro EXPECT_FAULT vec, what, insn:vararg
	movq $-1, fault_vec(%rip)
	push %rax
	lea .Lef_fault\@(%rip), %rax
	mov %rax, fault_resume(%rip)
	pop %rax
	\insn
	FAULT_DISARM
	PUTS "hostile: \what: no fault\n"
	jmp .Lef_miss\@
.Lef_fault\@:
	cmpq $\vec, fault_vec(%rip)
	jne .Lef_other\@
	PUTS "hostile: \what: ok\n"
	jmp .Lef_end\@
.Lef_other\@:
	PUTS "hostile: \what: exception "
	mov fault_vec(%rip), %rax
	call uart_putdec
	PUTS "\n"
.Lef_miss\@:
	incq expect_misses(%rip)
.Lef_end\@:
.endm

/* Exit code 0 when no EXPECT_FAULT missed, else 1 (after printing the count). */
.macro EXPECT_DONE name
	mov expect_misses(%rip), %rax
	test %rax, %rax
	jnz .Led_bad\@
	PUTS "hostile: \name: all faulted as expected\n"
	DEBUG_EXIT 0
.Led_bad\@:
	PUTS "hostile: \name: misses: "
	mov expect_misses(%rip), %rax
	call uart_putdec
	PUTS "\n"
	DEBUG_EXIT 1
.endm

	.pushsection .text.lib, "ax"
/* RSI = bytes, RCX = count */
uart_write:
	jrcxz 2f
1:	lodsb
	call uart_putc
	loop 1b
2:	ret

/* RAX = unsigned value, printed in decimal */
uart_putdec:
	push %rbx
	sub $24, %rsp
	lea 24(%rsp), %rsi		/* digits are stored backwards from here */
	mov $10, %ebx
1:	xor %edx, %edx
	div %rbx
	add $'0', %dl
	dec %rsi
	mov %dl, (%rsi)
	test %rax, %rax
	jnz 1b
	lea 24(%rsp), %rcx
	sub %rsi, %rcx
	call uart_write
	add $24, %rsp
	pop %rbx
	ret

/* RAX = value, printed as 0x and 16 hex digits */
uart_puthex:
	push %rbx
	mov %rax, %rbx
	mov $'0', %al
	call uart_putc
	mov $'x', %al
	call uart_putc
	mov $16, %ecx
1:	rol $4, %rbx
	mov %bl, %al
	and $0xF, %al
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $('A' - '9' - 1), %al
2:	call uart_putc
	dec %ecx
	jnz 1b
	pop %rbx
	ret

/* AL = exit code: debug exit, halts if that is ignored */
debug_exit:
#ifdef GUEST_TD
	mov $DEBUG_EXIT_PORT, %dx
	call td_outb
#else
	out %al, $DEBUG_EXIT_PORT
#endif
	HALT_FOREVER

#ifdef GUEST_TD
/* R13 = direction (GHCI_IO_OUT or 0), R14 = port, R15 = byte:
 * TDG.VP.VMCALL<Instruction.IO>, size 1, exposing R10-R15. R10 = status,
 * R11 = the byte read. Clobbers RAX, RCX, R12. */
td_io:
	mov $1, %r12d
	mov $GHCI_IO, %r11d
	xor %r10d, %r10d
	mov $TD_VMCALL_R10_R15, %ecx
	xor %eax, %eax			/* TDG.VP.VMCALL */
	TDCALL
	ret

/* DX = port, AL = byte: OUT. Preserves every register. */
td_outb:
	push %rax
	push %rcx
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	movzbl %al, %r15d
	movzwl %dx, %r14d
	mov $GHCI_IO_OUT, %r13d
	call td_io
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %rcx
	pop %rax
	ret

/* DX = port: IN to AL. Preserves every other register (AH included). */
td_inb:
	push %rcx
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	push %rax
	movzwl %dx, %r14d
	xor %r13d, %r13d
	xor %r15d, %r15d
	call td_io
	pop %rax
	mov %r11b, %al
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %rcx
	ret

/* TDG.VP.VMCALL<Instruction.HLT>: waits for an interrupt or the VM's end. Clobbers RAX, RCX, R10-R12. */
td_hlt:
	xor %r12d, %r12d
	mov $GHCI_HLT, %r11d
	xor %r10d, %r10d
	mov $TD_VMCALL_R10_R15, %ecx
	xor %eax, %eax
	TDCALL
	ret
#endif

/* RAX = the guest's memory size: the loader puts its identity page tables in
 * the top GUEST_PT_PAGES pages (docs/guest-abi.md), so it is CR3 + their size.
 * Valid while CR3 is the loader's. */
guest_mem_size:
	mov %cr3, %rax
	and $~0xFFF, %rax
	add $(GUEST_PT_PAGES * 4096), %rax
	ret

/* RDI = start (8-aligned), RCX = bytes (a multiple of 8), RAX = pattern:
 * fills the range with the pattern, a quadword at a time. */
mem_fill_q:
	shr $3, %rcx
	rep stosq
	ret

/* RDI = start (8-aligned), RCX = bytes (a multiple of 8), RDX = a pattern of
 * eight equal bytes. RAX = address of the first run of PATTERN_RUN_QWORDS
 * aligned quadwords equal to the pattern, or -1. Any 64-byte run of the
 * pattern byte, aligned or not, holds 7 aligned such quadwords. */
mem_find_run:
	shr $3, %rcx
	xor %esi, %esi			/* quadwords in the current run */
1:	jrcxz 3f
	cmp (%rdi), %rdx
	je 2f
	xor %esi, %esi
	add $8, %rdi
	dec %rcx
	jmp 1b
2:	add $8, %rdi
	dec %rcx
	inc %esi
	cmp $PATTERN_RUN_QWORDS, %esi
	jne 1b
	lea (-8 * PATTERN_RUN_QWORDS)(%rdi), %rax
	ret
3:	mov $-1, %rax
	ret

/* IDTR limit 0: any exception then escalates to a triple fault */
idt_zero:
	lidt idt_zero_desc(%rip)
	ret

/* Loads the GDT below (CS = SEL_CODE64, DS/ES/SS = SEL_DATA) and a 32-gate
 * IDT whose handlers resume at fault_resume, or print the exception and
 * exit with fault_exit_code when it is 0. */
idt_install:
	lgdt gdt_desc(%rip)
	pushq $SEL_CODE64
	lea 1f(%rip), %rax
	push %rax
	lretq
1:	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	lea isr_table(%rip), %rsi
	lea idt(%rip), %rdi
	mov $32, %ecx
2:	lodsq
	mov %ax, (%rdi)			/* offset 15:0 */
	movw $SEL_CODE64, 2(%rdi)
	movw $0x8E00, 4(%rdi)		/* present, DPL 0, interrupt gate, IST 0 */
	shr $16, %rax
	mov %ax, 6(%rdi)		/* offset 31:16 */
	shr $16, %rax
	mov %rax, 8(%rdi)		/* offset 63:32, reserved */
	add $16, %rdi
	dec %ecx
	jnz 2b
	lidt idt_desc(%rip)
	ret

/* After idt_install: EDI = vector, RAX = handler. Installs an interrupt gate
 * (DPL 0, IST 0) for it, growing the IDT limit to cover it if need be. A
 * handler for an external interrupt gets no error code: it ends in iretq. */
idt_set_gate:
	movzbl %dil, %ecx
	mov %rcx, %rdi
	shl $4, %rdi
	lea idt(%rip), %rdx
	add %rdx, %rdi
	mov %ax, (%rdi)			/* offset 15:0 */
	movw $SEL_CODE64, 2(%rdi)
	movw $0x8E00, 4(%rdi)		/* present, DPL 0, interrupt gate, IST 0 */
	shr $16, %rax
	mov %ax, 6(%rdi)		/* offset 31:16 */
	shr $16, %rax
	mov %rax, 8(%rdi)		/* offset 63:32, reserved */
	inc %ecx
	shl $4, %ecx
	dec %ecx			/* the limit that covers the gate */
	cmp idt_desc(%rip), %cx
	jbe 1f
	mov %cx, idt_desc(%rip)
1:	lidt idt_desc(%rip)
	ret

/* one stub per vector; those without an error code push a 0 */
.macro ISR vec
isr\vec:
	.if !((\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30))
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
.endm
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ISR \v
	.endr

/* stack: saved RAX, vector, error code, RIP, CS, RFLAGS, RSP, SS */
isr_common:
	push %rax
	mov 8(%rsp), %rax
	mov %rax, fault_vec(%rip)
	mov 16(%rsp), %rax
	mov %rax, fault_err(%rip)
	incq fault_count(%rip)
	mov fault_resume(%rip), %rax
	test %rax, %rax
	jz 1f
	movq $0, fault_resume(%rip)
	mov %rax, 24(%rsp)		/* resume there */
	pop %rax
	add $16, %rsp
	iretq
1:	PUTS "unexpected exception "
	mov fault_vec(%rip), %rax
	call uart_putdec
	PUTS " at rip "
	mov 24(%rsp), %rax
	call uart_puthex
	PUTS "\n"
	mov fault_exit_code(%rip), %eax
	jmp debug_exit
	.popsection

	.pushsection .rodata
	.balign 8
isr_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr\v
	.endr
	.popsection

	.pushsection .data
	.balign 8
gdt:		/* in .data: the CPU may set descriptors' accessed bits */
	.quad 0
	.quad 0x00AF9A000000FFFF	/* SEL_CODE64: 64-bit code, DPL 0 */
	.quad 0x00CF92000000FFFF	/* SEL_DATA: data, read/write */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt
idt_desc:
	.word 32 * 16 - 1
	.quad idt
idt_zero_desc:
	.word 0
	.quad 0
	.balign 8
fault_resume:	.quad 0		/* where the next exception resumes; 0: fatal */
fault_vec:	.quad -1	/* vector of the last exception */
fault_err:	.quad 0		/* its error code (0 when it has none) */
fault_count:	.quad 0
fault_exit_code: .long 255	/* debug-exit code of a fatal exception */
	.balign 8
expect_misses:	.quad 0		/* EXPECT_FAULTs that got no fault or another one */
	.popsection

	.pushsection .bss
	.balign 16
idt:	.skip IDT_VECTORS * 16		/* idt_install loads 32, idt_set_gate more */
stack:	.skip 16384
stack_top:
	.popsection
#endif
