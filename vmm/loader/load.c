/* SPDX-License-Identifier: MIT */
/*
 * Loading a guest: segments into guest memory, then the start state a
 * real loader would leave (Multiboot 0.6.96 3.2 for multiboot1 kernels;
 * identity paging for 64-bit images).
 */
#include "vmm/loader/load.h"
#include "vmm/loader/fail.h"
#include "vmm/loader/mb1_info.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PT_PAGES 6 /* PML4, PDPT, 4 page directories: 4 GiB of 2 MiB pages */
#define PTE_P 1ULL
#define PTE_W 2ULL
#define PTE_PS 0x80ULL
#define MB1_STACK_TOP 0x9F000
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

static int set_start(struct vm *vm, const struct image_plan *p, const struct guest_boot *b,
                     struct vcpu_start *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = p->mode;
    st->rip = p->entry;
    if (p->kind == IMAGE_MB1)
        return mb1_info_build(vm, p, b->cmdline, b->mods, b->nmods, st);
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
               const struct guest_boot *b, struct vcpu_start *st, const char **err)
{
    if (!fits(vm, p))
        return loader_fail(
            err, "the image does not fit in the guest's memory (give it more with mem=)", -ENOMEM);
    if (copy_segments(vm, img, p))
        return loader_fail(err, "image segment outside guest memory", -EFAULT);
    if (b->nmods && p->kind != IMAGE_MB1)
        return loader_fail(err, "initrd= is for Linux and multiboot1 kernels only", -EINVAL);
    switch (set_start(vm, p, b, st)) {
    case 0:
        break;
    case -ENOSPC:
        return loader_fail(
            err, "the modules do not fit in the guest's memory (give it more with mem=)", -ENOMEM);
    default:
        return loader_fail(err, "could not build the guest's start state", -EFAULT);
    }
    return 0;
}
