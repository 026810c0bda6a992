/* SPDX-License-Identifier: MIT */
/*
 * Loading a guest: segments into guest memory, then the start state a
 * real loader would leave (Multiboot 0.6.96 3.2 for multiboot1 kernels;
 * identity paging for 64-bit images).
 */
#include "vmm/loader/load.h"
#include "vmm/loader/fail.h"
#include "vmm/loader/multiboot1.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PT_PAGES 6 /* PML4, PDPT, 4 page directories: 4 GiB of 2 MiB pages */
#define PTE_P 1ULL
#define PTE_W 2ULL
#define PTE_PS 0x80ULL
#define MB1_INFO_GPA 0x10000 /* below any multiboot kernel (they load at >= 1 MiB) */
#define MB1_STACK_TOP 0x9F000
#define LOW_MEM_END 0x9FC00

struct mb1_info { /* Multiboot 0.6.96, 3.3 */
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

struct mb1_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __packed;

#define MB1_INFO_MEM (1U << 0)
#define MB1_INFO_CMDLINE (1U << 2)
#define MB1_INFO_MMAP (1U << 6)
#define MB1_INFO_LOADER (1U << 9)

static int copy_segments(struct vm *vm, const uint8_t *img, const struct image_plan *p)
{
    for (unsigned i = 0; i < p->nsegs; i++) {
        const struct image_seg *s = &p->segs[i];
        if (vm_copy_to_guest(vm, s->gpa, img + s->file_off, s->file_size))
            return -EFAULT;
        /* The rest up to mem_size is already zero: guest memory is zeroed when allocated. */
    }
    return 0;
}

/* Identity map of the low 4 GiB with 2 MiB pages, in the top pages of guest memory. */
static int build_page_tables(struct vm *vm, uint64_t *cr3)
{
    uint64_t base = vm->mem_size - PT_PAGES * 4096, *pml4, *pdpt;

    pml4 = vm_gpa_to_hva(vm, base, 4096);
    pdpt = vm_gpa_to_hva(vm, base + 4096, 4096);
    if (!pml4 || !pdpt)
        return -EFAULT;
    pml4[0] = (base + 4096) | PTE_P | PTE_W;
    for (unsigned d = 0; d < 4; d++) {
        uint64_t pd_gpa = base + (2 + d) * 4096, *pd = vm_gpa_to_hva(vm, pd_gpa, 4096);
        if (!pd)
            return -EFAULT;
        pdpt[d] = pd_gpa | PTE_P | PTE_W;
        for (unsigned i = 0; i < 512; i++)
            pd[i] = ((uint64_t)(d * 512 + i) << 21) | PTE_P | PTE_W | PTE_PS;
    }
    *cr3 = base;
    return 0;
}

static void mb1_mmap(struct vm *vm, struct mb1_mmap *m)
{
    m[0] = (struct mb1_mmap){20, 0, LOW_MEM_END, 1};
    m[1] = (struct mb1_mmap){20, LOW_MEM_END, 0x100000 - LOW_MEM_END, 2};
    m[2] = (struct mb1_mmap){20, 0x100000, vm->mem_size - 0x100000, 1};
}

/* The multiboot1 info block, memory map and command line, at MB1_INFO_GPA. */
static int build_mb1_info(struct vm *vm, const char *cmdline, struct vcpu_start *st)
{
    struct mb1_info *mi = vm_gpa_to_hva(vm, MB1_INFO_GPA, 4096);
    struct mb1_mmap *mm = (struct mb1_mmap *)(mi + 1);
    char *cl = (char *)(mm + 3), *name;
    uint64_t off = (uint64_t)(cl - (char *)mi);

    if (!mi || vm->mem_size < MiB(2))
        return -EFAULT;
    mb1_mmap(vm, mm);
    kstrlcpy(cl, cmdline ? cmdline : "", 4096 - off - 16);
    name = cl + strlen(cl) + 1;
    kstrlcpy(name, "hv", 8);
    *mi = (struct mb1_info){
        .flags = MB1_INFO_MEM | MB1_INFO_CMDLINE | MB1_INFO_MMAP | MB1_INFO_LOADER,
        .mem_lower = LOW_MEM_END / 1024,
        .mem_upper = (uint32_t)((vm->mem_size - 0x100000) / 1024),
        .cmdline = (uint32_t)(MB1_INFO_GPA + off),
        .mmap_length = 3 * sizeof(*mm),
        .mmap_addr = (uint32_t)(MB1_INFO_GPA + sizeof(*mi)),
        .boot_loader_name = (uint32_t)(MB1_INFO_GPA + off + strlen(cl) + 1),
    };
    st->rax = MB1_BOOTLOADER_MAGIC;
    st->rbx = MB1_INFO_GPA;
    st->rsp = MB1_STACK_TOP;
    return 0;
}

static int set_start(struct vm *vm, const struct image_plan *p, const char *cmdline,
                     struct vcpu_start *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = p->mode;
    st->rip = p->entry;
    if (p->kind == IMAGE_MB1)
        return build_mb1_info(vm, cmdline, st);
    if (p->mode == START_LONG64) {
        st->rsp = vm->mem_size - PT_PAGES * 4096;
        return build_page_tables(vm, &st->cr3);
    }
    st->rsp = p->mode == START_REAL16 ? (p->entry & 0xffff) : MIN(vm->mem_size, MB1_STACK_TOP);
    return 0;
}

static bool fits(const struct vm *vm, const struct image_plan *p)
{
    uint64_t reserved = p->mode == START_LONG64 ? PT_PAGES * 4096 : 0;

    if (p->kind == IMAGE_MB1 && vm->mem_size < MiB(2))
        return false;
    return p->mem_needed + reserved <= vm->mem_size;
}

int guest_load(struct vm *vm, const void *img, size_t len, const struct image_plan *p,
               const char *cmdline, struct vcpu_start *st, const char **err)
{
    if (!fits(vm, p))
        return loader_fail(
            err, "the image does not fit in the guest's memory (give it more with mem=)", -ENOMEM);
    if (copy_segments(vm, img, p))
        return loader_fail(err, "image segment outside guest memory", -EFAULT);
    if (set_start(vm, p, cmdline, st))
        return loader_fail(err, "could not build the guest's start state", -EFAULT);
    return 0;
}
