/* SPDX-License-Identifier: MIT */
/* VM lifecycle and guest memory: backend-neutral, through struct vm_ops only (console: vm_console.c). */
#include <stdarg.h>
#include "vmm/vm.h"
#include "vmm/cpuid.h"
#include "vmm/platform/board.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "lib/printf.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"
#include "vmm/sched.h"

#define CHUNK_PAGES 512 /* 2 MiB: lets EPT use large pages */

/* Static slots: a VM's bookkeeping never takes pages, so `mem` after a VM ends matches before. */
static struct vm vm_table[VM_MAX];
static char history_store[VM_MAX][VM_HISTORY];
static spinlock_t vms_lock = SPINLOCK_INIT;
static unsigned next_id = 1;

static int add_chunk(struct vm *vm, uint64_t gpa, uint64_t pages)
{
    uint64_t hpa = page_alloc_aligned(pages, pages);

    if (!hpa)
        return -ENOMEM;
    vm->chunks[vm->nchunks++] = (struct mem_chunk){gpa, hpa, pages * PAGE_SIZE};
    return 0;
}

/* Largest runs first so EPT gets 2 MiB pages; smaller ones when memory is fragmented. */
static int alloc_memory(struct vm *vm)
{
    static const uint64_t sizes[] = {CHUNK_PAGES, 64, 8, 1};
    uint64_t gpa = 0;

    while (gpa < vm->mem_size) {
        uint64_t left = (vm->mem_size - gpa) / PAGE_SIZE;
        unsigned i = 0;
        while (i < ARRAY_SIZE(sizes) &&
               (sizes[i] > left || (gpa / PAGE_SIZE) % sizes[i] || add_chunk(vm, gpa, sizes[i])))
            i++;
        if (i == ARRAY_SIZE(sizes) || vm->nchunks == VM_MAX_CHUNKS)
            return -ENOMEM;
        gpa += sizes[i] * PAGE_SIZE;
    }
    return 0;
}

static void free_memory(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nchunks; i++)
        page_free(vm->chunks[i].hpa, vm->chunks[i].size / PAGE_SIZE);
    vm->nchunks = 0;
}

static int map_memory(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nchunks; i++) {
        const struct mem_chunk *c = &vm->chunks[i];
        int err = vm->ops->map_memory(vm, c->gpa, c->hpa, c->size);
        if (err)
            return err;
    }
    return 0;
}

static bool name_taken(const char *name)
{
    for (unsigned i = 0; i < VM_MAX; i++)
        if (vm_table[i].used && vm_table[i].state <= VM_HALTED && !strcmp(vm_table[i].name, name))
            return true;
    return false;
}

static bool slot_reusable(const struct vm *vm)
{
    return !vm->used || (vm->state >= VM_EXITED && vm->vcpus_done == vm->nvcpus);
}

/* A free slot, or the one of the VM that ended first. */
static struct vm *take_slot(void)
{
    struct vm *best = NULL;

    for (unsigned i = 0; i < VM_MAX; i++) {
        struct vm *vm = &vm_table[i];
        if (slot_reusable(vm) && (!best || !vm->used || (best->used && vm->id < best->id)))
            best = vm;
        if (best && !best->used)
            break;
    }
    return best;
}

static void vm_init_slot(struct vm *vm, const struct vm_config *cfg)
{
    char *hist = history_store[vm - vm_table];

    memset(vm, 0, sizeof(*vm));
    vm->used = true;
    vm->id = next_id++;
    kstrlcpy(vm->name, cfg->name, sizeof(vm->name));
    vm->ops = cfg->ops;
    vm->mem_size = ALIGN_UP(cfg->mem_size, PAGE_SIZE);
    vm->nvcpus = cfg->nvcpus;
    vm->strict_mem = cfg->strict_mem;
    vm->cpu_model = cfg->cpu_model;
    vm->x2apic_start = cfg->x2apic_start;
    vm->state = VM_STOPPED; /* not running until vm_start */
    vm->vcpus_done = cfg->nvcpus;
    ring_init(&vm->history, hist, VM_HISTORY);
}

static int vm_setup(struct vm *vm, const struct board *board, const char **err)
{
    int e = vm->ops->vm_create(vm);

    if (e) {
        *err = "the backend could not create the VM";
        return e;
    }
    e = alloc_memory(vm);
    if (e) {
        *err = "not enough free memory for the guest";
        return e;
    }
    e = map_memory(vm);
    if (e) {
        *err = "could not map guest memory";
        return e;
    }
    e = board_attach(vm, board);
    if (e)
        *err = e == -ENOMEM ? "not enough free memory for the platform devices"
                            : "the board's devices could not be attached";
    else
        vm_cpuid_init(vm); /* the board's irqchip decides x2APIC and TSC-deadline */
    return e;
}

struct vm *vm_create(const struct vm_config *cfg, const char **err)
{
    struct vm *vm;
    uint64_t f;

    if (!cfg->nvcpus || cfg->nvcpus > VM_MAX_VCPUS || !cfg->mem_size) {
        *err = "bad vCPU count or memory size";
        return NULL;
    }
    f = spin_lock_irqsave(&vms_lock);
    vm = name_taken(cfg->name) ? NULL : take_slot();
    if (vm)
        vm_init_slot(vm, cfg);
    spin_unlock_irqrestore(&vms_lock, f);
    if (!vm) {
        *err = name_taken(cfg->name) ? "a running VM already has that name"
                                     : "too many VMs (16 slots)";
        return NULL;
    }
    if (vm_setup(vm, cfg->board, err)) {
        vm_destroy(vm);
        kstrlcpy(vm->reason, *err, sizeof(vm->reason));
        return NULL;
    }
    vm->vcpus_done = 0;
    return vm;
}

void vm_destroy(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vm->vcpus[i].arch)
            vm->ops->vcpu_destroy(&vm->vcpus[i]);
    board_detach(vm);
    vm->ops->vm_destroy(vm);
    free_memory(vm);
}

/* Chunks are allocated in rising guest-physical order: binary search (exit paths use this). */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
    unsigned lo = 0, hi = vm->nchunks;
    const struct mem_chunk *c;

    while (hi - lo > 1) {
        unsigned mid = (lo + hi) / 2;
        if (vm->chunks[mid].gpa <= gpa)
            lo = mid;
        else
            hi = mid;
    }
    if (!vm->nchunks)
        return NULL;
    c = &vm->chunks[lo];
    if (gpa >= c->gpa && gpa - c->gpa < c->size && len <= c->size - (gpa - c->gpa))
        return phys_to_virt(c->hpa + (gpa - c->gpa));
    return NULL;
}

int vm_copy_to_guest(struct vm *vm, uint64_t gpa, const void *src, uint64_t len)
{
    const uint8_t *s = src;

    while (len) {
        uint64_t n = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        void *dst = vm_gpa_to_hva(vm, gpa, n);
        if (!dst)
            return -EFAULT;
        memcpy(dst, s, n);
        gpa += n;
        s += n;
        len -= n;
    }
    return 0;
}

struct vm *vm_get(unsigned idx)
{
    return idx < VM_MAX && vm_table[idx].used ? &vm_table[idx] : NULL;
}

unsigned vm_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < VM_MAX; i++)
        n += vm_table[i].used;
    return n;
}

struct vm *vm_find(const char *key)
{
    struct vm *best = NULL;

    for (unsigned i = 0; i < VM_MAX; i++) {
        struct vm *vm = &vm_table[i];
        char id[12];
        if (!vm->used)
            continue;
        ksnprintf(id, sizeof(id), "%u", vm->id);
        if ((!strcmp(vm->name, key) || !strcmp(id, key)) && (!best || vm->id > best->id))
            best = vm; /* the newest VM of that name */
    }
    return best;
}

const char *vm_state_name(int state)
{
    static const char *const names[] = {"running", "halted", "exited", "stopped"};

    return state >= 0 && state < (int)ARRAY_SIZE(names) ? names[state] : "?";
}

/* Only the first end counts: a guest that exits while being killed keeps one reason. */
static bool vm_end(struct vm *vm, int state)
{
    int cur = vm->state;

    while (cur == VM_RUNNING || cur == VM_HALTED) {
        if (__atomic_compare_exchange_n(&vm->state, &cur, state, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            vm->end_tsc = rdtsc();
            if (vm_console_attached() == vm)
                smp_kick(0); /* the console CPU waits for input: tell it the VM ended */
            return true;
        }
    }
    return false;
}

static void stop_vcpus(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        vm->vcpus[i].stop = true;
        sched_kick(&vm->vcpus[i]);
    }
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
    va_list ap;

    if (!vm_end(vm, VM_STOPPED))
        return;
    va_start(ap, fmt);
    kvsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
    va_end(ap);
    pr_info("vm %s: stopped: %s", vm->name, vm->reason);
    stop_vcpus(vm);
}

void vm_exit_code(struct vm *vm, int code)
{
    if (!vm_end(vm, VM_EXITED))
        return;
    vm->exit_code = code;
    ksnprintf(vm->reason, sizeof(vm->reason), "exited with code %d", code);
    pr_info("vm %s: exited: code %d", vm->name, code);
    stop_vcpus(vm);
}

void vm_power_off(struct vm *vm, const char *why)
{
    if (!vm_end(vm, VM_EXITED))
        return;
    vm->exit_code = 0;
    kstrlcpy(vm->reason, why, sizeof(vm->reason));
    pr_info("vm %s: %s", vm->name, why);
    stop_vcpus(vm);
}

int vm_start(struct vm *vm, const struct vcpu_start *start)
{
    int err;

    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->vm = vm;
        v->id = i;
        err = vm->ops->vcpu_create(v, start);
        if (err)
            goto fail;
    }
    vm->state = VM_RUNNING;
    vm->start_tsc = rdtsc();
    err = sched_start_vm(vm);
    if (!err)
        return 0;
fail:
    vm_abandon(vm, err == -EBUSY ? "no free physical CPU" : "vCPU set-up failed");
    return err;
}

void vm_abandon(struct vm *vm, const char *why)
{
    /* Nothing ran: give everything back now and leave the VM listed as stopped. */
    vm->state = VM_STOPPED;
    kstrlcpy(vm->reason, why, sizeof(vm->reason));
    vm->vcpus_done = vm->nvcpus; /* the slot may be reused at once */
    vm_destroy(vm);
}
