/* SPDX-License-Identifier: MIT */
/*
 * ioapicpage (hostile): ELF64. Writes the IOAPIC's index register
 * (0xFEC00000): no IOAPIC is modelled and the page is not in the guest's EPT,
 * so the guest must be stopped. If it gets past the write, it says so and
 * exits with code 1.
 */
#include "lib.S"

	.text
	START64
	PUTS "hostile: ioapicpage (write to the IOAPIC page 0xFEC00000)\n"
	mov $IOAPIC_BASE_ADDR, %eax	/* zero-extended: above 2 GiB */
	movl $0x10, (%rax)		/* select redirection entry 0 */
	PUTS "hostile: ioapicpage survived the write\n"
	DEBUG_EXIT 1
