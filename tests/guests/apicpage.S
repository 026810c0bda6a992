/* SPDX-License-Identifier: MIT */
/*
 * apicpage (hostile): ELF64. Writes the local APIC page (0xFEE00000, the
 * task-priority register at +0x80): no APIC is modelled and the page is not
 * in the guest's EPT, so the guest must be stopped. If it gets past the
 * write, it says so and exits with code 1.
 */
#include "lib.S"

	.text
	START64
	PUTS "hostile: apicpage (write to the local APIC page 0xFEE00000)\n"
	mov $(APIC_BASE_ADDR + 0x80), %eax	/* zero-extended: above 2 GiB */
	movl $0xFF, (%rax)
	PUTS "hostile: apicpage survived the write\n"
	DEBUG_EXIT 1
