/* SPDX-License-Identifier: MIT */
/*
 * A VM's I/O registry: which handler answers a guest's port I/O, MMIO
 * (guest-physical addresses outside its RAM) and MSR accesses. The VM's
 * board (vmm/platform/board.c) fills it at creation, one inclusive range
 * per registration; backends' exit handlers call the dispatchers below and
 * never see a device model.
 *
 * Each address space is a fixed table of VM_IO_SLOTS ranges, kept sorted by
 * first address, in the VM's static slot: nothing is allocated, and nothing
 * is registered once vCPUs run, so lookups take no lock. Lookup is a linear
 * scan with an early stop: a board registers at most a handful of ranges
 * per space (5 port ranges, 2 MMIO pages, 3 MSR ranges on the PC board),
 * which fit in a few cache lines, and for so few entries a scan is as
 * short as a binary search without its unpredictable branches.
 */
#ifndef VMM_IO_H
#define VMM_IO_H

#include "lib/compiler.h"

struct vm;
struct vcpu;

#define VM_IO_SLOTS 16 /* ranges per address space and VM */

/*
 * Handlers, called on the accessing vCPU's CPU with the absolute address.
 * Port I/O: size 1, 2 or 4; a read fills *val (the low size bytes count),
 * a write takes the low size bytes of *val. It never fails: the device
 * decides what an odd access does.
 */
typedef void (*vm_pio_handler)(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                               uint32_t *val);
/* MMIO: 0 when done, a negative error when the access cannot be emulated (the VM stops). */
typedef int (*vm_mmio_handler)(struct vcpu *v, void *ctx, uint64_t gpa, unsigned size, bool write,
                               uint64_t *val);
/* MSR (RDMSR/WRMSR): 0 when done, -EINVAL when the guest must get #GP. */
typedef int (*vm_msr_handler)(struct vcpu *v, void *ctx, uint32_t msr, bool write, uint64_t *val);

struct io_range {
    uint64_t first, last; /* inclusive */
    union {
        vm_pio_handler pio;
        vm_mmio_handler mmio;
        vm_msr_handler msr;
    } fn;
    void *ctx;
    /*
     * The exit fast path may call fn (vm_io_register_pio_fast): it reads
     * and writes no guest register but *val, and what it makes pending
     * for the calling vCPU comes through vm_irq_line or a kick, which end
     * that vCPU's fast exits.
     */
    bool fast;
};

struct io_table {
    unsigned n;
    struct io_range r[VM_IO_SLOTS]; /* sorted by first, never overlapping */
};

struct vm_io {
    struct io_table pio, mmio, msr;
    /* One bit per port, set for the ports a pio range holds: the exit fast path's O(1) test. */
    uint64_t pio_claimed[65536 / 64];
};

/*
 * Registration, at VM creation (before any vCPU runs): 0, -EINVAL when
 * first > last, -EEXIST when the range overlaps one already registered,
 * -ENOSPC when the space's table is full. Refusals are logged with the
 * VM's name.
 */
int vm_io_register_pio(struct vm *vm, uint16_t first, uint16_t last, vm_pio_handler fn, void *ctx);
int vm_io_register_pio_fast(struct vm *vm, uint16_t first, uint16_t last, vm_pio_handler fn,
                            void *ctx);
int vm_io_register_mmio(struct vm *vm, uint64_t gpa_first, uint64_t gpa_last, vm_mmio_handler fn,
                        void *ctx);
int vm_io_register_msr(struct vm *vm, uint32_t first, uint32_t last, vm_msr_handler fn, void *ctx);
/* Forgets every range (the board's devices are going away). */
void vm_io_clear(struct vm *vm);
/* The range holding addr, or NULL. */
const struct io_range *vm_io_find(const struct io_table *t, uint64_t addr);

/* Some range holds port: vm_io_find(&io->pio, port) != NULL, without the scan. */
static inline bool vm_io_pio_claimed(const struct vm_io *io, uint16_t port)
{
    return io->pio_claimed[port >> 6] >> (port & 63) & 1;
}

/*
 * Dispatch, for the backends' exit handlers. The range holding the first
 * byte (port, MSR) decides.
 *
 * Port I/O: nobody's port reads all ones and ignores writes, counted in
 * vm->unhandled_io. Whether the vCPU must stop afterwards is in v->stop.
 */
void vm_pio(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *val);
/* vm_pio_unclaimed (vm.h): what vm_pio does for a port nobody claimed. */
/* Guest-physical MMIO outside RAM: the handler's result, -ENOENT when nothing lives at gpa. */
int vm_mmio(struct vcpu *v, uint64_t gpa, unsigned size, bool write, uint64_t *val);
/*
 * What an access vm_mmio found nothing for does: an unclaimed PC bus reads
 * all ones and drops writes, counted in vm->unclaimed_mem (0); with
 * strict-mem=on, -ENOENT (the backend stops the VM).
 */
int vm_mmio_unclaimed(struct vcpu *v, unsigned size, bool write, uint64_t *val);
bool vm_mmio_claimed(struct vm *vm, uint64_t gpa);
/* MSRs a device owns: 0, -EINVAL (#GP), or -ENOENT: the backend's own rules decide. */
int vm_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);

#endif
