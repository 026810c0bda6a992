/* SPDX-License-Identifier: MIT */
/*
 * tprloop (hostile): ELF64. Raises CR8 (the task-priority register) to 15,
 * which masks every interrupt vector, then spins with interrupts off for
 * TPRLOOP_SPINS iterations (a few seconds in Bochs) and exits with code 0.
 * `kill` during the spin must still stop it at once, and once it is gone
 * its physical CPU must run the next VM: CR8 must not reach the host's
 * local APIC, or must be reset when the vCPU leaves.
 */
#include "lib.S"

#define TPRLOOP_SPINS 40000000

	.text
	START64
	PUTS "hostile: tprloop (cr8 = 15, then cli and spin, then exit 0)\n"
	mov $15, %eax
	mov %rax, %cr8
	mov %cr8, %rax
	cmp $15, %rax
	jne 1f
	PUTS "hostile: tprloop: cr8 is 15, spinning\n"
	cli
	mov $TPRLOOP_SPINS, %ecx
2:	dec %ecx
	jnz 2b
	PUTS "hostile: tprloop: spin done\n"
	DEBUG_EXIT 0
1:	PUTS "hostile: tprloop: cr8 did not read back 15\n"
	DEBUG_EXIT 1
