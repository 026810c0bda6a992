/* SPDX-License-Identifier: MIT */
/*
 * progress: ELF64, the well-behaved neighbour of the hostile cpuidstorm.
 * Runs rounds of PROGRESS_WORK multiply-add iterations (no VM exits) and
 * prints "progress <n>" after every PROGRESS_ROUNDS rounds, forever.
 */
#include "lib.S"

#define PROGRESS_WORK 1000
#define PROGRESS_ROUNDS 1000

	.text
	START64
	PUTS "hostile: progress (counter, prints progress <n>)\n"
	xor %r12d, %r12d		/* lines printed */
	mov $1, %r14			/* the work's state */
1:	mov $PROGRESS_ROUNDS, %r13d
2:	mov $PROGRESS_WORK, %ecx
3:	imul $1103515245, %r14, %r14
	add $1442695041, %r14
	dec %ecx
	jnz 3b
	dec %r13d
	jnz 2b
	inc %r12
	PUTS "progress "
	mov %r12, %rax
	call uart_putdec
	PUTS "\n"
	jmp 1b
