/* SPDX-License-Identifier: MIT */
/*
 * The per-VM I/O registry (vmm/io.h): sorted fixed tables, filled at VM
 * creation and read without a lock by the exit handlers. Hot path: no
 * allocation, no lock, a scan of a few entries; for "does anyone claim
 * this port", one bit of a per-VM bitmap.
 */
#include "vmm/io.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/log.h"

static const char *const space_name[] = {"I/O ports", "MMIO", "MSRs"};

/* Inserts r in address order; refuses overlaps, so a lookup's first hit is the only one. */
static int table_insert(struct vm *vm, struct io_table *t, const struct io_range *r, int space)
{
    unsigned i = 0;

    if (r->first > r->last) {
        pr_err("vm %s: %s %#lx-%#lx: an empty range", vm->name, space_name[space], r->first,
               r->last);
        return -EINVAL;
    }
    while (i < t->n && t->r[i].last < r->first)
        i++;
    if (i < t->n && t->r[i].first <= r->last) {
        pr_err("vm %s: %s %#lx-%#lx overlap %#lx-%#lx, already taken", vm->name, space_name[space],
               r->first, r->last, t->r[i].first, t->r[i].last);
        return -EEXIST;
    }
    if (t->n == VM_IO_SLOTS) {
        pr_err("vm %s: %s %#lx-%#lx: no room (%d ranges)", vm->name, space_name[space], r->first,
               r->last, VM_IO_SLOTS);
        return -ENOSPC;
    }
    for (unsigned j = t->n; j > i; j--)
        t->r[j] = t->r[j - 1];
    t->r[i] = *r;
    t->n++;
    return 0;
}

static int register_pio(struct vm *vm, const struct io_range *r)
{
    int e = table_insert(vm, &vm->io.pio, r, 0);

    for (uint64_t p = r->first; !e && p <= r->last; p++)
        vm->io.pio_claimed[p >> 6] |= 1ULL << (p & 63);
    return e;
}

int vm_io_register_pio(struct vm *vm, uint16_t first, uint16_t last, vm_pio_handler fn, void *ctx)
{
    struct io_range r = {.first = first, .last = last, .fn.pio = fn, .ctx = ctx};

    return register_pio(vm, &r);
}

int vm_io_register_pio_fast(struct vm *vm, uint16_t first, uint16_t last, vm_pio_handler fn,
                            void *ctx)
{
    struct io_range r = {.first = first, .last = last, .fn.pio = fn, .ctx = ctx, .fast = true};

    return register_pio(vm, &r);
}

int vm_io_register_mmio(struct vm *vm, uint64_t gpa_first, uint64_t gpa_last, vm_mmio_handler fn,
                        void *ctx)
{
    struct io_range r = {.first = gpa_first, .last = gpa_last, .fn.mmio = fn, .ctx = ctx};

    return table_insert(vm, &vm->io.mmio, &r, 1);
}

int vm_io_register_msr(struct vm *vm, uint32_t first, uint32_t last, vm_msr_handler fn, void *ctx)
{
    struct io_range r = {.first = first, .last = last, .fn.msr = fn, .ctx = ctx};

    return table_insert(vm, &vm->io.msr, &r, 2);
}

void vm_io_clear(struct vm *vm)
{
    vm->io.pio.n = vm->io.mmio.n = vm->io.msr.n = 0;
    memset(vm->io.pio_claimed, 0, sizeof(vm->io.pio_claimed));
}

const struct io_range *vm_io_find(const struct io_table *t, uint64_t addr)
{
    for (unsigned i = 0; i < t->n && t->r[i].first <= addr; i++)
        if (addr <= t->r[i].last)
            return &t->r[i];
    return NULL;
}

void vm_pio(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *val)
{
    const struct io_range *r =
        vm_io_pio_claimed(&v->vm->io, port) ? vm_io_find(&v->vm->io.pio, port) : NULL;

    if (r)
        r->fn.pio(v, r->ctx, port, size, !in, val);
    else
        vm_pio_unclaimed(v, size, in, val);
}

int vm_mmio(struct vcpu *v, uint64_t gpa, unsigned size, bool write, uint64_t *val)
{
    const struct io_range *r = vm_io_find(&v->vm->io.mmio, gpa);

    return r ? r->fn.mmio(v, r->ctx, gpa, size, write, val) : -ENOENT;
}

int vm_mmio_unclaimed(struct vcpu *v, unsigned size, bool write, uint64_t *val)
{
    if (v->vm->strict_mem)
        return -ENOENT;
    v->vm->unclaimed_mem++;
    if (!write) /* reads float high, writes vanish, as for ports */
        *val = size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
    return 0;
}

bool vm_mmio_claimed(struct vm *vm, uint64_t gpa)
{
    return vm_io_find(&vm->io.mmio, gpa) != NULL;
}

int vm_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    const struct io_range *r = vm_io_find(&v->vm->io.msr, msr);

    return r ? r->fn.msr(v, r->ctx, msr, write, val) : -ENOENT;
}
