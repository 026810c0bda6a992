/* SPDX-License-Identifier: MIT */
/*
 * What a PC's firmware leaves in memory for an OS that boots without its
 * own loader protocol (flat, ELF64 and multiboot1 images on the PC board):
 * the ACPI tables, with the RSDP where the ACPI spec says to scan for it,
 * and a full (not hardware-reduced) FADT, which is what names the PM timer
 * and the PM1 block to an OS that follows the spec.
 */
#ifndef VMM_PLATFORM_FIRMWARE_H
#define VMM_PLATFORM_FIRMWARE_H

struct vm;

/*
 * The RSDP goes on a 16-byte boundary in 0xE0000-0xFFFFF, the BIOS area an
 * OS scans (ACPI 6.5 5.2.5.1); the other tables follow it.
 */
#define PC_FIRMWARE_ACPI_GPA 0xE0000u

/* Writes the VM's ACPI tables (its vCPU count) into its memory: 0 or -EINVAL with *err. */
int pc_firmware_install(struct vm *vm, const char **err);

#endif
