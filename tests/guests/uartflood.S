/* SPDX-License-Identifier: MIT */
/*
 * uartflood (hostile): ELF64. Writes UARTFLOOD_BYTES bytes to COM1's THR
 * without ever waiting for THRE (a VM exit each), then exits with code 0.
 * The bytes are printable, with a newline every 64, so the flood goes all
 * the way to the host console. The hypervisor must survive it and keep only
 * a bounded history (64 KiB) for `log uartflood`.
 * 256 KiB, 4 times that history, not 1 MiB: in Bochs 1 MiB takes ~190 s
 * (~90 s of them the 1M I/O exits alone), 256 KiB ~50 s.
 */
#include "lib.S"

#define UARTFLOOD_BYTES (256 << 10)
#define LINE_LEN 64

	.text
	START64
	PUTS "hostile: uartflood (256 KiB to the THR without waiting for THRE)\n"
	mov $COM1, %dx
	xor %ecx, %ecx			/* bytes written */
1:	mov %ecx, %eax
	and $(LINE_LEN - 1), %eax
	cmp $(LINE_LEN - 1), %eax
	je 2f
	and $31, %eax			/* '@' .. '_' */
	add $'@', %al
	jmp 3f
2:	mov $10, %al			/* newline */
3:	out %al, %dx
	inc %ecx
	cmp $UARTFLOOD_BYTES, %ecx
	jne 1b
	PUTS "hostile: uartflood: done\n"
	DEBUG_EXIT 0
