/* SPDX-License-Identifier: MIT */
/* Multiboot2 boot information parser (Multiboot2 spec 1.0, section 3.6). */
#ifndef KERNEL_MB2_H
#define KERNEL_MB2_H

#include "kernel/bootinfo.h"

#define MB2_BOOTLOADER_MAGIC 0x36D76289

/*
 * Copies what the kernel needs from the MBI at mbi (avail readable bytes)
 * into out. Every tag is bounds-checked; malformed tags are skipped with a
 * warning, a malformed header is an error (-EINVAL). Memory comes from the
 * BIOS map (tag 6) when present, else from the EFI map (tag 17).
 */
int mb2_parse(const void *mbi, size_t avail, uint64_t mbi_phys, struct boot_info *out);

/* Name of a module: the first word of its string. Copies into buf. */
void mb2_module_name(const struct boot_module *m, char *buf, size_t len);

#endif
