/* SPDX-License-Identifier: MIT */
/*
 * The boot information (multiboot2: memory map, modules, command line,
 * ACPI RSDP), copied once at boot; every floor above reads it from here.
 */
#include "kernel/bootinfo.h"
#include "kernel/layout.h"
#include "kernel/mb2.h"
#include "kernel/panic.h"

#define MAX_MBI_SIZE MiB(1)

static struct boot_info boot_info;

void boot_info_parse(uint32_t magic, uint32_t mbi_phys)
{
    const uint32_t *mbi = phys_to_virt(mbi_phys);

    if (magic != MB2_BOOTLOADER_MAGIC)
        panic("not booted by a multiboot2 loader (magic %#x)", magic);
    if (mb2_parse(mbi, MIN(*mbi, MAX_MBI_SIZE), mbi_phys, &boot_info) < 0)
        panic("unusable multiboot2 boot information");
}

const struct boot_info *boot_info_get(void)
{
    return &boot_info;
}
