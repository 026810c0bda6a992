/* SPDX-License-Identifier: MIT */
/*
 * tdfatal: trust-domain test guest (ELF64, backend=tdx) that gives up the
 * way a TD guest kernel panics: TDG.VP.VMCALL<ReportFatalError> with error
 * code 0x2A and a 64-byte message in R14, R15, RBX, RDI, RSI, R8, R9, RDX
 * (GHCI order, as Linux's tdx_panic). The VMM must stop it with that
 * reason; if the call returns, it exits with debug-exit code 1.
 */
#include "lib.S"

#define FATAL_CODE 0x2A

	.text
	START64
	PUTS "tdfatal: reporting a fatal error\n"
	lea message(%rip), %rax
	mov 0(%rax), %r14
	mov 8(%rax), %r15
	mov 16(%rax), %rbx
	mov 24(%rax), %rdi
	mov 32(%rax), %rsi
	mov 40(%rax), %r8
	mov 48(%rax), %r9
	mov 56(%rax), %rdx
	mov $GHCI_REPORT_FATAL_ERROR, %r11d
	mov $FATAL_CODE, %r12d
	xor %r10d, %r10d
	mov $TD_VMCALL_FATAL_REGS, %ecx
	xor %eax, %eax
	TDCALL
	PUTS "tdfatal: ReportFatalError returned\n"
	DEBUG_EXIT 1

	.section .rodata
	.balign 8
message:
	.ascii "tdfatal: the guest gave up"
	.fill 64 - (. - message), 1, 0
