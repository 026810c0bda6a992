/* SPDX-License-Identifier: MIT */
/*
 * badmsr (hostile): ELF64. Loads an IDT with limit 0, then WRMSR to
 * IA32_FEATURE_CONTROL (not an allowed MSR): the #GP the hypervisor injects
 * cannot be delivered, the guest triple-faults and must be stopped. If it
 * ever gets past that, it says so and exits with code 1.
 */
#include "lib.S"

	.text
	START64
	PUTS "hostile: badmsr (wrmsr IA32_FEATURE_CONTROL, IDT limit 0)\n"
	call idt_zero
	mov $MSR_IA32_FEATURE_CONTROL, %ecx
	mov $1, %eax			/* lock bit */
	xor %edx, %edx
	wrmsr
	PUTS "hostile: badmsr survived the wrmsr\n"
	DEBUG_EXIT 1
