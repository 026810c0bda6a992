/* SPDX-License-Identifier: MIT */
/*
 * cliloop (hostile): ELF64. Interrupts off, then a jump to itself forever:
 * no VM exit of its own, no interrupt it would take. `kill` must still end it.
 */
#include "lib.S"

	.text
	START64
	PUTS "hostile: cliloop (cli; jmp . forever)\n"
	cli
1:	jmp 1b
