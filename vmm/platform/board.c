/* SPDX-License-Identifier: MIT */
/*
 * The boards and how a VM gets its devices. Device state comes in one
 * piece per VM: inside the VM's static slot when it is small (the bare
 * board's), else in pages taken at creation and given back when the VM's
 * memory goes.
 */
#include "vmm/platform/board.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"
#include "lib/string.h"

#define STATE_ALIGN 64

/* The boards' device lists, from the one table in board.h. */
#define ON_0(x)
#define ON_1(x) x,
#define ON_BARE(d, bare, pc) ON_##bare(&d)
#define ON_PC(d, bare, pc) ON_##pc(&d)
static const struct vm_device *const bare_devices[] = {BOARD_DEVICES(ON_BARE)};
static const struct vm_device *const pc_devices[] = {BOARD_DEVICES(ON_PC)};

const struct board board_bare = {"bare", bare_devices, ARRAY_SIZE(bare_devices)};
const struct board board_pc = {"pc", pc_devices, ARRAY_SIZE(pc_devices)};

static size_t state_size(const struct board *b)
{
    size_t n = 0;

    for (unsigned i = 0; i < b->ndevices; i++)
        n += ALIGN_UP(b->devices[i]->size, STATE_ALIGN);
    return n;
}

static int alloc_state(struct vm *vm, size_t size)
{
    uint64_t pa;

    if (size <= sizeof(vm->dev_inline)) {
        vm->dev_mem = vm->dev_inline;
        memset(vm->dev_inline, 0, sizeof(vm->dev_inline));
        return 0;
    }
    vm->dev_pages = (unsigned)((size + PAGE_SIZE - 1) / PAGE_SIZE);
    pa = page_alloc(vm->dev_pages);
    if (!pa) {
        vm->dev_pages = 0;
        return -ENOMEM;
    }
    vm->dev_mem = phys_to_virt(pa);
    memset(vm->dev_mem, 0, (size_t)vm->dev_pages * PAGE_SIZE);
    return 0;
}

int board_attach(struct vm *vm, const struct board *b)
{
    char *state;
    int err;

    b = b ? b : &board_bare;
    vm->board = b;
    vm_irqchip_install(vm, &irqchip_off, NULL);
    err = alloc_state(vm, state_size(b));
    state = vm->dev_mem;
    for (unsigned i = 0; !err && i < b->ndevices; i++) {
        const struct vm_device *d = b->devices[i];
        err = d->attach(vm, d->size ? state : NULL);
        state += ALIGN_UP(d->size, STATE_ALIGN);
    }
    return err;
}

void board_detach(struct vm *vm)
{
    uint64_t f = spin_lock_irqsave(&vm->lock);

    /* Console input (under vm->lock) may still reach COM1 (in struct vm): its line goes nowhere. */
    vm_irqchip_install(vm, &irqchip_off, NULL);
    spin_unlock_irqrestore(&vm->lock, f);
    vm_io_clear(vm);
    if (vm->dev_pages)
        page_free(virt_to_phys(vm->dev_mem), vm->dev_pages);
    vm->dev_mem = NULL;
    vm->dev_pages = 0;
}

/* ---------------------------------------------------------------- irqchip_off */

static int off_pending(void *chip, struct vcpu *v)
{
    return -1;
}

static void off_ack(void *chip, struct vcpu *v, uint8_t vector)
{
}

static uint64_t off_deadline(void *chip, struct vcpu *v)
{
    return UINT64_MAX;
}

static void off_set_line(void *chip, unsigned line, bool level, struct vcpu *self)
{
}

static int off_raise(void *chip, struct vcpu *v, uint8_t vector)
{
    return -ENODEV;
}

const struct irqchip_ops irqchip_off = {
    .name = "off",
    .pending = off_pending,
    .ack = off_ack,
    .deadline = off_deadline,
    .set_line = off_set_line,
    .raise = off_raise,
};
