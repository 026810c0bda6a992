/* SPDX-License-Identifier: MIT */
/*
 * hvphys (hostile): ELF64, launched with mem=4M. Writes guest-physical
 * 0x0FFF0000, where Bochs's host ACPI tables live (the loader's identity map
 * covers it): the EPT violation must stop it, and the host must not see the
 * write. If it gets past the write, it says so and exits with code 1.
 */
#include "lib.S"

#define HOST_ACPI_ADDR 0x0FFF0000

	.text
	START64
	PUTS "hostile: hvphys (write to 0x0fff0000, the host's ACPI tables)\n"
	movl $0xDEADBEEF, HOST_ACPI_ADDR
	PUTS "hostile: hvphys survived the write\n"
	DEBUG_EXIT 1
