/* SPDX-License-Identifier: MIT */
/*
 * selfipi (hostile): ELF64. Sends itself INIT then SIPI by writing the local
 * APIC's ICR (0xFEE00300, shorthand "self"): no APIC is modelled, so the
 * first write must stop the guest (EPT violation on the APIC page). If it
 * gets past the writes, it says so and exits with code 1.
 */
#include "lib.S"

	.text
	START64
	PUTS "hostile: selfipi (INIT and SIPI to itself through the APIC ICR)\n"
	mov $APIC_ICR_LO, %eax		/* zero-extended: above 2 GiB */
	movl $ICR_INIT_SELF, (%rax)
	movl $ICR_SIPI_SELF, (%rax)
	PUTS "hostile: selfipi survived the ICR writes\n"
	DEBUG_EXIT 1
