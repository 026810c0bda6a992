/* SPDX-License-Identifier: MIT */
/*
 * triplefault (hostile): flat image, mode=real load=0x8000. Loads an IDT
 * with limit 0, then int3: the #GP and #DF that follow cannot be delivered
 * either, so the guest triple-faults and the hypervisor must stop it. If it
 * ever gets past that, it says so and exits with code 1.
 */
#include "lib.S"

	.text
	START16
	PUTS "hostile: triplefault (real mode, IDT limit 0, int3)\n"
	lidt idt_null
	int3
	ud2
	PUTS "hostile: triplefault survived int3 and ud2\n"
	DEBUG_EXIT 1

	.section .rodata
idt_null:
	.word 0
	.long 0
