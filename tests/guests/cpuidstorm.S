/* SPDX-License-Identifier: MIT */
/*
 * cpuidstorm (hostile): ELF64. CPUID in a tight loop, forever: a VM exit per
 * instruction. Other VMs must keep their pace and `kill` must end it.
 */
#include "lib.S"

	.text
	START64
	PUTS "hostile: cpuidstorm (cpuid forever)\n"
1:	xor %eax, %eax
	cpuid
	jmp 1b
