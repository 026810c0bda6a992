/* SPDX-License-Identifier: MIT */
/*
 * echo: ELF64. An interactive guest for console tests: prints a prompt, then
 * echoes every byte typed on COM1 in upper case; Enter ends the line with
 * "echo> " again, 'q' exits with code 0. Waits in HLT (interrupts off) while
 * nothing is typed: the hypervisor wakes it when the UART has data and IER
 * asks for receive interrupts.
 */
#include "lib.S"

	.text
	START64
	OUTB_CONST COM1_IER, 1	/* receive-data interrupt enable: input wakes HLT */
	PUTS "echo: type, q quits\n"
	PUTS "echo> "
wait:
	mov $COM1_LSR, %dx
	in %dx, %al
	test $1, %al		/* LSR.DR */
	jnz got
	hlt
	jmp wait
got:
	mov $COM1, %dx
	in %dx, %al
	cmp $'q', %al
	je quit
	cmp $'\r', %al
	je newline
	cmp $'a', %al
	jb put
	cmp $'z', %al
	ja put
	sub $0x20, %al
put:
	call uart_putc
	jmp wait
newline:
	PUTS "\necho> "
	jmp wait
quit:
	PUTS "\necho: bye\n"
	DEBUG_EXIT 0
