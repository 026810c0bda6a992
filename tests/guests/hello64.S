/* SPDX-License-Identifier: MIT */
/*
 * hello64: ELF64 at 0x100000, entered in 64-bit mode. Prints a line on COM1,
 * one through the print hypercall, then ends with the exit hypercall, code 0.
 */
#include "lib.S"

	.text
	START64
	PUTS "hello from long mode\n"
	HC_PRINT_STR "hypercall print works\n"
	test %rax, %rax
	jz 1f
	PUTS "hello64: hypercall print returned an error\n"
1:	mov $HC_EXIT, %eax
	xor %ebx, %ebx
	vmcall
	PUTS "hello64: exit hypercall returned\n"
	DEBUG_EXIT 1
