/* SPDX-License-Identifier: MIT */
/* What the kernel keeps from the boot loader, copied out of the multiboot2 info. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include "lib/compiler.h"

#define BOOT_MAX_MMAP 128
#define BOOT_MAX_MODULES 96
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODSTR_MAX 256

/* Memory types as in the multiboot2 / E820 map (ACPI 6.5 table 15.1). */
enum mem_type {
    MEM_USABLE = 1,
    MEM_RESERVED = 2,
    MEM_ACPI = 3,
    MEM_NVS = 4,
    MEM_BAD = 5,
    MEM_PERSISTENT = 7,
};

struct mem_range {
    uint64_t base;
    uint64_t end; /* exclusive */
    uint32_t type;
};

struct boot_module {
    uint64_t start;
    uint64_t end; /* exclusive */
    char string[BOOT_MODSTR_MAX];
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    char loader[64];
    bool efi; /* booted through UEFI (EFI system table or EFI memory map tag) */
    bool mmap_from_efi;
    unsigned nmmap;
    struct mem_range mmap[BOOT_MAX_MMAP];
    unsigned nmodules;
    struct boot_module modules[BOOT_MAX_MODULES];
    uint8_t rsdp[64]; /* copy of the RSDP from tag 15 (preferred) or 14 */
    size_t rsdp_len;
    uint64_t mbi_phys;
    uint64_t mbi_size;
    uint64_t efi_systab;
};

/* Copies the multiboot2 information at mbi_phys (kernel/bootinfo.c); panics if there is none. */
void boot_info_parse(uint32_t magic, uint32_t mbi_phys);
/* The boot information copied at boot. */
const struct boot_info *boot_info_get(void);

#endif
