/* SPDX-License-Identifier: MIT */
/*
 * What a multiboot1 loader hands the kernel (Multiboot 0.6.96, 3.3): the
 * info block with the memory map, command line and loader name, and the
 * modules, copied into guest memory above the kernel, page aligned as
 * GRUB places them, with their strings.
 */
#include "vmm/loader/load.h"
#include "vmm/loader/mb1_info.h"
#include "vmm/loader/multiboot1.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MB1_INFO_GPA 0x10000 /* below any multiboot kernel (they load at >= 1 MiB) */
#define MB1_INFO_SIZE 4096
#define MB1_STACK_TOP 0x9F000
#define LOW_MEM_END 0x9FC00
#define MB1_MMAP_ENTRIES 3

struct mb1_info { /* 3.3 */
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

struct mb1_mmap {
    uint32_t size; /* of the rest of the entry: 20 */
    uint64_t addr, len;
    uint32_t type; /* 1 RAM, 2 reserved */
} __packed;

struct mb1_mod {
    uint32_t mod_start, mod_end, string, reserved;
} __packed;

#define MB1_INFO_MEM (1U << 0)
#define MB1_INFO_CMDLINE (1U << 2)
#define MB1_INFO_MODS (1U << 3)
#define MB1_INFO_MMAP (1U << 6)
#define MB1_INFO_LOADER (1U << 9)

/* Fills the info page from its start; strings go after the fixed parts. */
struct info_writer {
    uint8_t *page;
    size_t used;
};

static uint32_t put_string(struct info_writer *w, const char *s)
{
    size_t room = MB1_INFO_SIZE - w->used, n = strlen(s) + 1;
    uint32_t gpa = (uint32_t)(MB1_INFO_GPA + w->used);

    if (!room)
        return 0;
    n = MIN(n, room);
    kstrlcpy((char *)w->page + w->used, s, n);
    w->used += n;
    return gpa;
}

static void put_mmap(struct vm *vm, struct mb1_mmap *m)
{
    m[0] = (struct mb1_mmap){20, 0, LOW_MEM_END, 1};
    m[1] = (struct mb1_mmap){20, LOW_MEM_END, 0x100000 - LOW_MEM_END, 2}; /* EBDA, ROM, ACPI */
    m[2] = (struct mb1_mmap){20, 0x100000, vm->mem_size - 0x100000, 1};
}

/* Modules above the kernel image, each page aligned (what GRUB does, and flags bit 0 asks). */
static int put_modules(struct vm *vm, uint64_t image_end, const struct guest_module *mods,
                       unsigned n, struct mb1_mod *out, struct info_writer *w)
{
    uint64_t at = ALIGN_UP(image_end, 4096);

    for (unsigned i = 0; i < n; i++) {
        if (at + mods[i].len > vm->mem_size || vm_copy_to_guest(vm, at, mods[i].data, mods[i].len))
            return -ENOSPC;
        out[i] = (struct mb1_mod){(uint32_t)at, (uint32_t)(at + mods[i].len),
                                  put_string(w, mods[i].string), 0};
        at = ALIGN_UP(at + mods[i].len, 4096);
    }
    return 0;
}

int mb1_info_build(struct vm *vm, const struct image_plan *p, const char *cmdline,
                   const struct guest_module *mods, unsigned nmods, struct vcpu_start *st)
{
    struct mb1_info *mi = vm_gpa_to_hva(vm, MB1_INFO_GPA, MB1_INFO_SIZE);
    struct info_writer w = {(uint8_t *)mi, sizeof(*mi)};
    struct mb1_mmap *mm = (struct mb1_mmap *)(mi + 1);
    struct mb1_mod *md = (struct mb1_mod *)(mm + MB1_MMAP_ENTRIES);

    if (!mi || vm->mem_size < MiB(2) || nmods > MB1_MAX_MODULES)
        return -EFAULT;
    w.used += MB1_MMAP_ENTRIES * sizeof(*mm) + nmods * sizeof(*md);
    put_mmap(vm, mm);
    *mi = (struct mb1_info){
        .flags = MB1_INFO_MEM | MB1_INFO_CMDLINE | MB1_INFO_MMAP | MB1_INFO_LOADER | MB1_INFO_MODS,
        .mem_lower = LOW_MEM_END / 1024,
        .mem_upper = (uint32_t)((vm->mem_size - 0x100000) / 1024),
        .cmdline = put_string(&w, cmdline ? cmdline : ""),
        .mods_count = nmods,
        .mods_addr = (uint32_t)(MB1_INFO_GPA + ((uint8_t *)md - (uint8_t *)mi)),
        .mmap_length = MB1_MMAP_ENTRIES * sizeof(*mm),
        .mmap_addr = (uint32_t)(MB1_INFO_GPA + sizeof(*mi)),
        .boot_loader_name = put_string(&w, "hv"),
    };
    if (put_modules(vm, p->mem_needed, mods, nmods, md, &w))
        return -ENOSPC;
    st->rax = MB1_BOOTLOADER_MAGIC;
    st->rbx = MB1_INFO_GPA;
    st->rsp = MB1_STACK_TOP;
    return 0;
}
