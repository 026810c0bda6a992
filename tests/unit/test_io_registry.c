/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/io.c vmm/cpu_model.c vmm/platform/board.c vmm/platform/irqchip_bare.c vmm/platform/vplat.c vmm/platform/dev_com1.c vmm/platform/dev_debug_exit.c vmm/platform/dev_rtc.c vmm/platform/dev_acpi_pm.c vmm/platform/dev_pm_timer.c vmm/platform/dev_reset.c vmm/platform/dev_testdev.c vmm/dev/acpi_pm1.c vmm/dev/pm_timer.c vmm/dev/reset_ctl.c vmm/dev/testdev.c vmm/dev/uart_model.c vmm/dev/vlapic.c vmm/dev/vlapic_regs.c vmm/dev/vlapic_timer.c vmm/dev/vioapic.c vmm/dev/rtc_cmos.c lib/calendar.c lib/string.c */
/*
 * The per-VM I/O registry (vmm/io.c) and the boards (vmm/platform/): ranges
 * kept sorted, overlaps and empty ranges refused, lookups at both edges of
 * every range, unclaimed accesses, MSR and 64-bit MMIO ranges; then what
 * the bare and PC boards claim, exactly, and that each access reaches the
 * right model (the right vCPU's local APIC, COM1's line at IOAPIC pin 4),
 * the irqchip each board installs, and what is left after the board goes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/io.h"
#include "vmm/irqchip.h"
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/dev/apic_regs.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"
#include "tests/unit/host_stubs.h"

/* ------------------------------------------------------------ kernel stubs */

static struct {
    int locks;       /* spinlocks held now */
    unsigned kicked; /* vCPUs sched_kick'ed, one bit each */
    int exit_code;   /* last vm_exit_code */
    char why[128];   /* last vm_power_off / vm_stop reason */
    char out[64];    /* console output */
    unsigned out_len;
    unsigned pages; /* pages allocated and not freed */
} k;

void *phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)phys;
}

uint64_t virt_to_phys(const void *virt)
{
    return (uint64_t)(uintptr_t)virt;
}

uint64_t page_alloc(uint64_t npages)
{
    void *p = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);

    assert_non_null(p);
    memset(p, 0x5a, npages * PAGE_SIZE); /* the board must zero what it hands out */
    k.pages += npages;
    return (uint64_t)(uintptr_t)p;
}

void page_free(uint64_t phys, uint64_t npages)
{
    assert_true(k.pages >= npages);
    k.pages -= npages;
    free((void *)(uintptr_t)phys);
}

void spin_lock(spinlock_t *l)
{
    k.locks++;
}

bool spin_trylock(spinlock_t *l)
{
    k.locks++;
    return true;
}

void spin_unlock(spinlock_t *l)
{
    assert_true(k.locks > 0);
    k.locks--;
}

uint64_t irq_save(void)
{
    return 0;
}

void irq_restore(uint64_t flags)
{
}

void irq_disable(void)
{
}

void sched_kick(struct vcpu *v)
{
    k.kicked |= 1U << v->id;
}

void vm_exit_code(struct vm *vm, int code)
{
    k.exit_code = code;
}

void vm_power_off(struct vm *vm, const char *why)
{
    snprintf(k.why, sizeof(k.why), "%s", why);
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(k.why, sizeof(k.why), fmt, ap);
    va_end(ap);
}

void vm_console_put_locked(struct vm *vm, char c)
{
    assert_true(k.locks > 0); /* COM1 holds vm->lock */
    if (k.out_len < sizeof(k.out) - 1)
        k.out[k.out_len++] = c;
}

bool vcpu_halt_wait(struct vcpu *v)
{
    fail_msg("no test halts");
    return false;
}

uint64_t host_boot_unix_time(void)
{
    return 1700000000; /* 2023-11-14 22:13:20 UTC */
}

uint64_t uptime_us(void)
{
    return 0;
}

uint64_t tsc_khz(void)
{
    return 1000000;
}

/* ------------------------------------------------------------ fixtures */

static struct vm vm;

static void vm_reset(unsigned nvcpus)
{
    memset(&vm, 0, sizeof(vm));
    memset(&k, 0, sizeof(k));
    snprintf(vm.name, sizeof(vm.name), "t");
    vm.nvcpus = nvcpus;
    for (unsigned i = 0; i < nvcpus; i++) {
        vm.vcpus[i].vm = &vm;
        vm.vcpus[i].id = i;
    }
    host_log_clear();
}

static int setup(void **state)
{
    vm_reset(2);
    return 0;
}

static int teardown(void **state)
{
    board_detach(&vm);
    assert_int_equal(k.pages, 0);
    assert_int_equal(k.locks, 0);
    return 0;
}

/* Handlers that record what reached them. */
struct hit {
    int id;
    uint64_t addr;
    unsigned size;
    bool write;
    uint64_t val;
    unsigned calls;
    struct vcpu *v;
};

static struct hit hits[4];

static void pio_h(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                  uint32_t *val)
{
    struct hit *h = ctx;

    *h = (struct hit){h->id, port, size, write, *val, h->calls + 1, v};
    if (!write)
        *val = 0x1000 + (uint32_t)h->id;
}

static int mmio_h(struct vcpu *v, void *ctx, uint64_t gpa, unsigned size, bool write, uint64_t *val)
{
    struct hit *h = ctx;

    *h = (struct hit){h->id, gpa, size, write, *val, h->calls + 1, v};
    if (!write)
        *val = 0x2000 + (uint64_t)h->id;
    return h->id == 3 ? -EINVAL : 0;
}

static int msr_h(struct vcpu *v, void *ctx, uint32_t msr, bool write, uint64_t *val)
{
    struct hit *h = ctx;

    *h = (struct hit){h->id, msr, 0, write, *val, h->calls + 1, v};
    if (!write)
        *val = 0x3000 + (uint64_t)h->id;
    return h->id == 3 ? -EINVAL : 0;
}

static struct hit *hit(int id)
{
    hits[id] = (struct hit){.id = id};
    return &hits[id];
}

/* Which handler context answers addr, or NULL. */
static void *owner(const struct io_table *t, uint64_t addr)
{
    const struct io_range *r = vm_io_find(t, addr);

    return r ? r->ctx : NULL;
}

/* ------------------------------------------------------------ the registry */

/* The port bitmap says exactly what a scan of the pio table says, for every port. */
static void assert_bitmap_matches(void)
{
    for (unsigned p = 0; p <= 0xffff; p++)
        if (vm_io_pio_claimed(&vm.io, (uint16_t)p) != (vm_io_find(&vm.io.pio, p) != NULL))
            fail_msg("port %#x: bitmap %d, table %d", p, vm_io_pio_claimed(&vm.io, (uint16_t)p),
                     vm_io_find(&vm.io.pio, p) != NULL);
}

static void test_sorted_and_edges(void **state)
{
    struct hit *a = hit(0), *b = hit(1), *c = hit(2);

    /* Out of order, and c touching both of its neighbours. */
    assert_int_equal(vm_io_register_pio(&vm, 0x30, 0x30, pio_h, b), 0);
    assert_int_equal(vm_io_register_pio(&vm, 0x10, 0x1f, pio_h, a), 0);
    assert_int_equal(vm_io_register_pio(&vm, 0x20, 0x2f, pio_h, c), 0);
    assert_int_equal(vm.io.pio.n, 3);
    assert_int_equal(vm.io.pio.r[0].first, 0x10);
    assert_int_equal(vm.io.pio.r[1].first, 0x20);
    assert_int_equal(vm.io.pio.r[2].first, 0x30);

    assert_null(owner(&vm.io.pio, 0x0f));
    assert_ptr_equal(owner(&vm.io.pio, 0x10), a);
    assert_ptr_equal(owner(&vm.io.pio, 0x1f), a);
    assert_ptr_equal(owner(&vm.io.pio, 0x20), c);
    assert_ptr_equal(owner(&vm.io.pio, 0x2f), c);
    assert_ptr_equal(owner(&vm.io.pio, 0x30), b);
    assert_null(owner(&vm.io.pio, 0x31));
    assert_null(owner(&vm.io.pio, 0));
    assert_null(owner(&vm.io.pio, 0xffff));
    /* The other spaces are separate. */
    assert_null(owner(&vm.io.mmio, 0x10));
    assert_null(owner(&vm.io.msr, 0x10));
    assert_bitmap_matches();
}

/* The bitmap: both ends of the port space, refused ranges leave no bits, clear forgets them. */
static void test_pio_bitmap(void **state)
{
    assert_bitmap_matches(); /* nothing claimed */
    assert_int_equal(vm_io_register_pio(&vm, 0, 0, pio_h, hit(0)), 0);
    assert_int_equal(vm_io_register_pio(&vm, 0xfffe, 0xffff, pio_h, hit(1)), 0);
    assert_int_equal(vm_io_register_pio(&vm, 0x3f, 0x41, pio_h, hit(2)), 0); /* across a word */
    assert_int_equal(vm_io_register_pio(&vm, 0x40, 0x80, pio_h, hit(3)), -EEXIST);
    assert_int_equal(vm_io_register_pio(&vm, 0x90, 0x80, pio_h, hit(3)), -EINVAL);
    assert_true(vm_io_pio_claimed(&vm.io, 0));
    assert_false(vm_io_pio_claimed(&vm.io, 1));
    assert_true(vm_io_pio_claimed(&vm.io, 0x3f));
    assert_true(vm_io_pio_claimed(&vm.io, 0x41));
    assert_false(vm_io_pio_claimed(&vm.io, 0x42));
    assert_false(vm_io_pio_claimed(&vm.io, 0x80));
    assert_false(vm_io_pio_claimed(&vm.io, 0xfffd));
    assert_true(vm_io_pio_claimed(&vm.io, 0xffff));
    assert_bitmap_matches();
    for (unsigned i = 0; vm.io.pio.n < VM_IO_SLOTS; i++)
        assert_int_equal(vm_io_register_pio(&vm, 0x1000 + 4 * i, 0x1001 + 4 * i, pio_h, hit(0)), 0);
    assert_int_equal(vm_io_register_pio(&vm, 0x2000, 0x2fff, pio_h, hit(0)), -ENOSPC);
    assert_false(vm_io_pio_claimed(&vm.io, 0x2000));
    assert_bitmap_matches();
    vm_io_clear(&vm);
    assert_false(vm_io_pio_claimed(&vm.io, 0));
    assert_false(vm_io_pio_claimed(&vm.io, 0xffff));
    assert_bitmap_matches();
}

static void test_overlap_refused(void **state)
{
    static const struct {
        uint16_t first, last;
    } bad[] = {
        {0x100, 0x10f}, /* the same */
        {0x104, 0x107}, /* inside */
        {0x0f0, 0x1ff}, /* around */
        {0x0f0, 0x100}, /* over the first port */
        {0x10f, 0x120}, /* over the last port */
        {0x10f, 0x10f}, /* the last port alone */
        {0x000, 0xffff},
    };
    struct hit *a = hit(0), *b = hit(1);

    assert_int_equal(vm_io_register_pio(&vm, 0x100, 0x10f, pio_h, a), 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        host_log_clear();
        assert_int_equal(vm_io_register_pio(&vm, bad[i].first, bad[i].last, pio_h, b), -EEXIST);
        assert_true(host_log_contains("vm t: I/O ports"));
        assert_true(host_log_contains("overlap 0x100-0x10f"));
    }
    assert_int_equal(vm.io.pio.n, 1);
    assert_ptr_equal(owner(&vm.io.pio, 0x100), a);
    /* Right next to it on either side is fine. */
    assert_int_equal(vm_io_register_pio(&vm, 0xff, 0xff, pio_h, b), 0);
    assert_int_equal(vm_io_register_pio(&vm, 0x110, 0x110, pio_h, b), 0);
    assert_int_equal(vm.io.pio.n, 3);
}

static void test_empty_range_and_full_table(void **state)
{
    struct hit *a = hit(0);

    assert_int_equal(vm_io_register_mmio(&vm, 0x2000, 0x1fff, mmio_h, a), -EINVAL);
    assert_true(host_log_contains("an empty range"));
    assert_int_equal(vm.io.mmio.n, 0);
    for (unsigned i = 0; i < VM_IO_SLOTS; i++)
        assert_int_equal(vm_io_register_msr(&vm, 0x100 + 2 * i, 0x100 + 2 * i, msr_h, a), 0);
    host_log_clear();
    assert_int_equal(vm_io_register_msr(&vm, 0x50, 0x50, msr_h, a), -ENOSPC);
    assert_true(host_log_contains("no room"));
    assert_int_equal(vm.io.msr.n, VM_IO_SLOTS);
    assert_null(owner(&vm.io.msr, 0x50));
    /* A refused range that overlaps is reported as the overlap even when full. */
    assert_int_equal(vm_io_register_msr(&vm, 0x100, 0x100, msr_h, a), -EEXIST);
}

static void test_pio_dispatch(void **state)
{
    struct vcpu *v1 = &vm.vcpus[1];
    struct hit *a = hit(1);
    uint32_t val;

    assert_int_equal(vm_io_register_pio(&vm, 0x60, 0x64, pio_h, a), 0);
    val = 0xabcd;
    vm_pio(v1, 0x64, 2, false, &val); /* OUT: a write */
    assert_int_equal(a->calls, 1);
    assert_ptr_equal(a->v, v1);
    assert_int_equal(a->addr, 0x64); /* absolute port */
    assert_int_equal(a->size, 2);
    assert_true(a->write);
    assert_int_equal(a->val, 0xabcd);
    val = 0;
    vm_pio(v1, 0x60, 4, true, &val);
    assert_int_equal(a->calls, 2);
    assert_false(a->write);
    assert_int_equal(val, 0x1001);
    assert_int_equal(vm.unhandled_io, 0);

    /* Unclaimed, just past either end: reads float high at their width, writes vanish. */
    val = 0;
    vm_pio(v1, 0x5f, 1, true, &val);
    assert_int_equal(val, 0xff);
    vm_pio(v1, 0x65, 2, true, &val);
    assert_int_equal(val, 0xffff);
    vm_pio(v1, 0x65, 4, true, &val);
    assert_int_equal(val, 0xffffffffu);
    val = 7;
    vm_pio(v1, 0x65, 1, false, &val);
    assert_int_equal(val, 7);
    assert_int_equal(vm.unhandled_io, 4);
    assert_int_equal(a->calls, 2);
}

static void test_mmio_dispatch(void **state)
{
    struct hit *a = hit(1), *bad = hit(3);
    uint64_t val = 0x1122334455667788ULL;

    assert_int_equal(vm_io_register_mmio(&vm, 0xfee00000, 0xfee00fff, mmio_h, a), 0);
    assert_int_equal(vm_io_register_mmio(&vm, 0x100000000ULL, 0x100000fffULL, mmio_h, bad), 0);
    assert_false(vm_mmio_claimed(&vm, 0xfedfffff));
    assert_true(vm_mmio_claimed(&vm, 0xfee00000));
    assert_true(vm_mmio_claimed(&vm, 0xfee00fff));
    assert_false(vm_mmio_claimed(&vm, 0xfee01000));
    assert_int_equal(vm_mmio(&vm.vcpus[0], 0xfee00300, 4, true, &val), 0);
    assert_int_equal(a->addr, 0xfee00300);
    assert_int_equal(a->val, 0x1122334455667788ULL);
    assert_true(a->write);
    assert_int_equal(vm_mmio(&vm.vcpus[0], 0xfee00ffc, 4, false, &val), 0);
    assert_int_equal(val, 0x2001);
    /* Above 4 GiB, and a handler's error comes back as it is. */
    assert_int_equal(vm_mmio(&vm.vcpus[0], 0x100000fffULL, 1, false, &val), -EINVAL);
    assert_int_equal(bad->addr, 0x100000fffULL);
    assert_int_equal(vm_mmio(&vm.vcpus[0], 0x101000000ULL, 4, false, &val), -ENOENT);
    assert_int_equal(vm_mmio(&vm.vcpus[0], 0xfee01000, 4, false, &val), -ENOENT);
    assert_int_equal(a->calls, 2);
    assert_int_equal(bad->calls, 1);
}

/* Nothing at the address: an unclaimed bus reads all ones, drops writes, counts; strict-mem stops. */
static void test_mmio_unclaimed(void **state)
{
    static const unsigned sizes[] = {1, 2, 4, 8};
    static const uint64_t ones[] = {0xff, 0xffff, 0xffffffffULL, ~0ULL};
    uint64_t val;

    for (unsigned i = 0; i < 4; i++) {
        val = 0;
        assert_int_equal(vm_mmio_unclaimed(&vm.vcpus[0], sizes[i], false, &val), 0);
        assert_int_equal(val, ones[i]);
    }
    val = 0x1234;
    assert_int_equal(vm_mmio_unclaimed(&vm.vcpus[0], 4, true, &val), 0);
    assert_int_equal(val, 0x1234);
    assert_int_equal(vm.unclaimed_mem, 5);
    vm.strict_mem = true;
    assert_int_equal(vm_mmio_unclaimed(&vm.vcpus[0], 4, false, &val), -ENOENT);
    assert_int_equal(vm.unclaimed_mem, 5);
}

static void test_msr_ranges(void **state)
{
    struct hit *x2 = hit(0), *one = hit(1), *top = hit(2), *gp = hit(3);
    uint64_t val = 5;

    assert_int_equal(vm_io_register_msr(&vm, 0x800, 0xbff, msr_h, x2), 0);
    assert_int_equal(vm_io_register_msr(&vm, 0x6e0, 0x6e0, msr_h, one), 0);
    assert_int_equal(vm_io_register_msr(&vm, 0xc0000080, 0xffffffff, msr_h, top), 0);
    assert_int_equal(vm_io_register_msr(&vm, 0x1b, 0x1b, msr_h, gp), 0);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0x7ff, false, &val), -ENOENT);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0x800, false, &val), 0);
    assert_int_equal(val, 0x3000);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0xbff, true, &val), 0);
    assert_int_equal(x2->addr, 0xbff);
    assert_true(x2->write);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0xc00, false, &val), -ENOENT);
    assert_int_equal(x2->calls, 2);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0x6df, false, &val), -ENOENT);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0x6e1, false, &val), -ENOENT);
    assert_int_equal(vm_msr(&vm.vcpus[1], 0x6e0, false, &val), 0);
    assert_ptr_equal(one->v, &vm.vcpus[1]);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0xc000007f, false, &val), -ENOENT);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0xc0000080, false, &val), 0);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0xffffffff, false, &val), 0);
    assert_int_equal(top->calls, 2);
    assert_int_equal(vm_msr(&vm.vcpus[0], 0x1b, true, &val), -EINVAL); /* #GP comes through */
    assert_int_equal(vm_msr(&vm.vcpus[0], 0x1a, true, &val), -ENOENT);
}

/* ------------------------------------------------------------ boards */

struct span {
    uint64_t first, last;
};

static void assert_table(const struct io_table *t, const struct span *want, unsigned n)
{
    assert_int_equal(t->n, n);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(t->r[i].first, want[i].first);
        assert_int_equal(t->r[i].last, want[i].last);
    }
}

static uint32_t in(unsigned cpu, uint16_t port, unsigned size)
{
    uint32_t val = 0;

    vm_pio(&vm.vcpus[cpu], port, size, true, &val);
    assert_int_equal(k.locks, 0);
    return val;
}

static void out(unsigned cpu, uint16_t port, unsigned size, uint32_t val)
{
    vm_pio(&vm.vcpus[cpu], port, size, false, &val);
    assert_int_equal(k.locks, 0);
}

static uint64_t rdmsr_g(unsigned cpu, uint32_t msr, int want_err)
{
    uint64_t val = 0;

    assert_int_equal(vm_msr(&vm.vcpus[cpu], msr, false, &val), want_err);
    return val;
}

static uint32_t mmio_rd(unsigned cpu, uint64_t gpa)
{
    uint64_t val = 0;

    assert_int_equal(vm_mmio(&vm.vcpus[cpu], gpa, 4, false, &val), 0);
    return (uint32_t)val;
}

static void mmio_wr(unsigned cpu, uint64_t gpa, uint32_t v)
{
    uint64_t val = v;

    assert_int_equal(vm_mmio(&vm.vcpus[cpu], gpa, 4, true, &val), 0);
}

static bool console_in(char c)
{
    bool ok;

    k.locks++; /* vm_console_input holds vm->lock */
    ok = vm.console_input(&vm, (uint8_t)c);
    k.locks--;
    return ok;
}

static void test_bare_board_claims(void **state)
{
    static const struct span pio[] = {{0xf4, 0xf7}, {0x3f8, 0x3ff}};

    assert_int_equal(board_attach(&vm, NULL), 0); /* NULL is the bare board */
    assert_ptr_equal(vm.board, &board_bare);
    assert_table(&vm.io.pio, pio, 2);
    assert_table(&vm.io.mmio, NULL, 0);
    assert_table(&vm.io.msr, NULL, 0);
    assert_int_equal(k.pages, 0); /* its state fits the VM's slot */
    assert_ptr_equal(vm.dev_mem, vm.dev_inline);

    /* Nothing at the APIC pages, the RTC, the ACPI ports or the APIC MSRs. */
    assert_false(vm_mmio_claimed(&vm, GUEST_LAPIC_ADDR));
    assert_false(vm_mmio_claimed(&vm, GUEST_IOAPIC_ADDR));
    assert_int_equal(in(0, 0x70, 1), 0xff);
    assert_int_equal(in(0, 0x601, 1), 0xff);
    assert_int_equal(vm.unhandled_io, 2);
    rdmsr_g(0, MSR_IA32_APIC_BASE, -ENOENT); /* the backend's own answer */
    rdmsr_g(0, 0x6e0, -ENOENT);
    rdmsr_g(0, 0x802, -ENOENT);
    out(0, 0x600, 1, 0x34); /* no S5 here */
    assert_string_equal(k.why, "");
}

static void test_bare_board_devices(void **state)
{
    assert_int_equal(board_attach(&vm, &board_bare), 0);
    /* COM1: THR at 0x3f8 is the console; 0x3ff (scratch) is still COM1. */
    out(0, 0x3f8, 1, 'h');
    out(1, 0x3f8, 1, 'i');
    assert_string_equal(k.out, "hi");
    out(0, 0x3ff, 1, 0x5a);
    assert_int_equal(in(1, 0x3ff, 1), 0x5a);
    /* Debug exit, any of its four ports; its reads are nobody's. */
    out(0, 0xf7, 4, 0x102);
    assert_int_equal(k.exit_code, 0x102);
    out(0, 0xf4, 1, 3);
    assert_int_equal(k.exit_code, 3);
    assert_int_equal(in(0, 0xf4, 2), 0xffff);
    assert_int_equal(vm.unhandled_io, 1);
    assert_int_equal(in(0, 0xf3, 1), 0xff);
    assert_int_equal(in(0, 0xf8, 1), 0xff);
    assert_int_equal(vm.unhandled_io, 3);
}

static void test_bare_irqchip(void **state)
{
    struct vcpu *v0 = &vm.vcpus[0], *v1 = &vm.vcpus[1];

    assert_int_equal(board_attach(&vm, &board_bare), 0);
    assert_false(vm.irqchip->lapic);
    assert_int_equal(vcpu_irq_pending(v0), -1);
    assert_int_equal(vcpu_timer_deadline(v0), UINT64_MAX);
    assert_true(vcpu_halt_on_host(v0));
    /* The self-interrupt hook: per vCPU, gone once acknowledged. */
    assert_int_equal(vcpu_irq_raise(v1, 0x41), 0);
    assert_int_equal(vcpu_irq_pending(v0), -1);
    assert_int_equal(vcpu_irq_pending(v1), 0x41);
    vcpu_irq_ack(v1, 0x41);
    assert_int_equal(vcpu_irq_pending(v1), -1);
    /* COM1's line: input wakes a halted vCPU once the guest enabled receive interrupts. */
    assert_true(console_in('a'));
    assert_false(vcpu_irq_wake(v0));
    out(0, 0x3f9, 1, 1); /* IER: received data available */
    assert_true(vcpu_irq_wake(v0));
    assert_true(vm.uart_line);
    assert_int_equal(in(0, 0x3f8, 1), 'a'); /* reading it drops the line */
    assert_false(vcpu_irq_wake(v0));
    assert_int_equal(vcpu_irq_pending(v0), -1); /* nothing is ever delivered for it */
    assert_int_equal(k.kicked, 0);
}

static void test_pc_board_claims(void **state)
{
    static const struct span pio[] = {{0x70, 0x71},   {0x92, 0x92},   {0xe0, 0xeb},
                                      {0xf4, 0xf7},   {0x3f8, 0x3ff}, {0x600, 0x601},
                                      {0x602, 0x602}, {0x604, 0x605}, {0x608, 0x60b},
                                      {0x60c, 0x60f}, {0xcf9, 0xcf9}, {0x2000, 0x2017}};
    static const struct span mmio[] = {{0xfec00000, 0xfec00fff}, {0xfee00000, 0xfee00fff}};
    static const struct span msr[] = {{0x1b, 0x1b}, {0x6e0, 0x6e0}, {0x800, 0xbff}};

    assert_int_equal(board_attach(&vm, &board_pc), 0);
    assert_bitmap_matches();
    assert_ptr_equal(vm.board, &board_pc);
    assert_table(&vm.io.pio, pio, 12);
    assert_table(&vm.io.mmio, mmio, 2);
    assert_table(&vm.io.msr, msr, 3);
    assert_true(k.pages > 0);
    assert_true(vm.irqchip->lapic);
    assert_false(vcpu_halt_on_host(&vm.vcpus[0])); /* HLT may sleep in the guest */
    /* Just outside: nobody. */
    assert_int_equal(in(0, 0x6f, 1), 0xff);
    assert_int_equal(in(0, 0x72, 1), 0xff);
    assert_int_equal(in(0, 0x5ff, 1), 0xff);
    assert_int_equal(in(0, 0x603, 1), 0xff);
    assert_int_equal(vm.unhandled_io, 4);
    assert_false(vm_mmio_claimed(&vm, 0xfebffffc));
    assert_false(vm_mmio_claimed(&vm, 0xfee01000));
    rdmsr_g(0, 0x1a, -ENOENT);
    rdmsr_g(0, 0x6df, -ENOENT);
    rdmsr_g(0, 0xc00, -ENOENT);
}

static void test_pc_board_devices(void **state)
{
    uint64_t val;

    assert_int_equal(board_attach(&vm, &board_pc), 0);
    /* Each vCPU reaches its own local APIC at the same address and MSR. */
    assert_int_equal(mmio_rd(0, GUEST_LAPIC_ADDR + APIC_ID), 0);
    assert_int_equal(mmio_rd(1, GUEST_LAPIC_ADDR + APIC_ID), 1U << 24);
    assert_int_equal(rdmsr_g(0, MSR_IA32_APIC_BASE, 0), 0xfee00000 | APIC_BASE_EN | APIC_BASE_BSP);
    assert_int_equal(rdmsr_g(1, MSR_IA32_APIC_BASE, 0), 0xfee00000 | APIC_BASE_EN);
    rdmsr_g(0, 0x802, -EINVAL); /* x2APIC ID in xAPIC mode: #GP */
    /* Misaligned or narrow APIC accesses are not emulated. */
    val = 0;
    assert_int_equal(vm_mmio(&vm.vcpus[0], GUEST_LAPIC_ADDR + 0x22, 4, false, &val), -EINVAL);
    assert_int_equal(vm_mmio(&vm.vcpus[0], GUEST_IOAPIC_ADDR, 1, false, &val), -EINVAL);
    /* The IOAPIC page: IOREGSEL/IOWIN, the version register with 24 pins. */
    mmio_wr(0, GUEST_IOAPIC_ADDR, 1);
    assert_int_equal(mmio_rd(1, GUEST_IOAPIC_ADDR + 0x10), 0x170020);
    /* RTC: register B as reset (24-hour, BCD), then the year 2023 in BCD. */
    out(0, 0x70, 1, 0x0b);
    assert_int_equal(in(0, 0x71, 1), 0x02);
    out(0, 0x70, 1, 0x09);
    assert_int_equal(in(0, 0x71, 1), 0x23);
    /* ACPI: WAK_STS, then S5, then reset. */
    assert_int_equal(in(0, GUEST_SLEEP_STS_PORT, 1), 0x80);
    assert_int_equal(in(0, GUEST_SLEEP_CTL_PORT, 1), 0);
    out(0, GUEST_SLEEP_CTL_PORT, 1, GUEST_SLP_EN | 3 << GUEST_SLP_TYP_SHIFT);
    assert_string_equal(k.why, "asked for ACPI sleep type 3, which is not supported");
    out(0, GUEST_SLEEP_CTL_PORT, 1, 0x34);
    assert_string_equal(k.why, "powered off (ACPI S5)");
    out(0, GUEST_RESET_PORT, 1, 0x01);
    assert_string_equal(k.why, "reset itself (ACPI reset register)");
    /* COM1 and debug exit are there too. */
    out(1, 0x3f8, 1, '!');
    assert_string_equal(k.out, "!");
    out(1, 0xf4, 1, 9);
    assert_int_equal(k.exit_code, 9);
    assert_int_equal(vm.unhandled_io, 0);
}

/*
 * The exit fast path calls COM1 itself (io_range.fast) and counts on the
 * vCPU's fast_exits ending when its access raises the line: THR writes
 * with the THRE interrupt off keep them; enabling it, and a THR write
 * that raises the line again, end them. Other devices take the full path.
 */
static void test_com1_fast_ports(void **state)
{
    struct vcpu *v0 = &vm.vcpus[0];
    const struct io_range *r;

    assert_int_equal(board_attach(&vm, &board_pc), 0);
    r = vm_io_find(&vm.io.pio, 0x3f8);
    assert_true(r && r->fast);
    assert_false(vm_io_find(&vm.io.pio, GUEST_RESET_PORT)->fast);
    assert_false(vm_io_find(&vm.io.pio, 0xf4)->fast); /* debug exit */
    v0->fast_exits = 1;
    out(0, 0x3f8, 1, 'a');
    assert_int_equal(in(0, 0x3fd, 1) & 0x60, 0x60); /* LSR: THR and line empty */
    assert_int_equal(v0->fast_exits, 1);
    out(0, 0x3f9, 1, 2); /* IER: THR empty, which it is: the line goes up */
    assert_int_equal(v0->fast_exits, 0);
    assert_int_equal(in(0, 0x3fa, 1) & 0xf, 2); /* IIR: THRE; reading it drops the line */
    v0->fast_exits = 1;
    out(0, 0x3f8, 1, 'b'); /* sent at once: THRE again, the line up again */
    assert_int_equal(v0->fast_exits, 0);
}

/* COM1's line is IOAPIC pin 4: through the redirection entry to the local APIC it names. */
static void test_pc_irqchip_routes_com1(void **state)
{
    struct vcpu *v0 = &vm.vcpus[0], *v1 = &vm.vcpus[1];

    assert_int_equal(board_attach(&vm, &board_pc), 0);
    for (unsigned i = 0; i < 2; i++)
        mmio_wr(i, GUEST_LAPIC_ADDR + APIC_SVR, APIC_SVR_ENABLE | 0xff);
    mmio_wr(0, GUEST_IOAPIC_ADDR, 0x10 + 2 * GUEST_COM1_IRQ + 1); /* pin 4, high: dest APIC 1 */
    mmio_wr(0, GUEST_IOAPIC_ADDR + 0x10, 1U << 24);
    mmio_wr(0, GUEST_IOAPIC_ADDR, 0x10 + 2 * GUEST_COM1_IRQ); /* low: vector 0x24, unmasked */
    mmio_wr(0, GUEST_IOAPIC_ADDR + 0x10, 0x24);
    out(0, 0x3f9, 1, 1); /* IER: received data available */
    k.kicked = 0;
    assert_true(console_in('x'));
    assert_int_equal(k.kicked, 1U << 1); /* the target vCPU leaves the guest to take it */
    assert_int_equal(vcpu_irq_pending(v0), -1);
    assert_int_equal(vcpu_irq_pending(v1), 0x24);
    vcpu_irq_ack(v1, 0x24);
    assert_int_equal(vcpu_irq_pending(v1), -1);
    assert_false(vcpu_irq_wake(v1)); /* wake-ups are interrupts only */
    /* The self-interrupt hook lands in the caller's own APIC. */
    assert_int_equal(vcpu_irq_raise(v0, 0x50), 0);
    assert_int_equal(vcpu_irq_pending(v0), 0x50);
    assert_int_equal(k.locks, 0);
}

/* The TSC-deadline timer: its MSR is the local APIC's, its deadline the irqchip's. */
static void test_pc_irqchip_deadline(void **state)
{
    struct vcpu *v1 = &vm.vcpus[1];
    uint64_t val;

    assert_int_equal(board_attach(&vm, &board_pc), 0);
    assert_int_equal(vcpu_timer_deadline(v1), UINT64_MAX);
    mmio_wr(1, GUEST_LAPIC_ADDR + APIC_SVR, APIC_SVR_ENABLE | 0xff);
    mmio_wr(1, GUEST_LAPIC_ADDR + 0x320, 0x30 | 2U << 17); /* LVT timer: TSC-deadline mode */
    val = ~0ULL >> 2;                                      /* far away */
    assert_int_equal(vm_msr(v1, MSR_IA32_TSC_DEADLINE, true, &val), 0);
    assert_int_equal(vcpu_timer_deadline(v1), ~0ULL >> 2);
    assert_int_equal(vcpu_timer_deadline(&vm.vcpus[0]), UINT64_MAX);
    assert_int_equal(vcpu_irq_pending(v1), -1);
    val = 1; /* long past */
    assert_int_equal(vm_msr(v1, MSR_IA32_TSC_DEADLINE, true, &val), 0);
    assert_int_equal(vcpu_irq_pending(v1), 0x30);
}

static void x2apic_on(unsigned cpu)
{
    uint64_t val = GUEST_LAPIC_ADDR | APIC_BASE_EN | APIC_BASE_EXTD | (cpu ? 0 : APIC_BASE_BSP);

    assert_int_equal(vm_msr(&vm.vcpus[cpu], MSR_IA32_APIC_BASE, true, &val), 0);
    val = APIC_SVR_ENABLE | 0xff;
    assert_int_equal(vm_msr(&vm.vcpus[cpu], X2APIC_MSR_BASE + (APIC_SVR >> 4), true, &val), 0);
}

/* The exit fast path's ICR write: a fixed IPI to another vCPU only, else nothing done. */
static void test_pc_irqchip_icr_to_other(void **state)
{
    struct vcpu *v0 = &vm.vcpus[0], *v1 = &vm.vcpus[1];
    void *chip;

    assert_int_equal(board_attach(&vm, &board_pc), 0);
    chip = vm.irqchip_ctx;
    x2apic_on(0);
    x2apic_on(1);
    k.kicked = 0;
    assert_false(vm.irqchip->icr_to_other(chip, v0, 0x62));                   /* itself */
    assert_false(vm.irqchip->icr_to_other(chip, v0, (1ULL << 32) | 0x40062)); /* shorthand */
    assert_false(vm.irqchip->icr_to_other(chip, v0, (2ULL << 32) | 0x62));    /* no such vCPU */
    assert_int_equal(k.kicked, 0);
    assert_true(vm.irqchip->icr_to_other(chip, v0, (1ULL << 32) | 0x4062));
    assert_int_equal(k.kicked, 1U << 1);
    assert_int_equal(vcpu_irq_pending(v0), -1);
    assert_int_equal(vcpu_irq_pending(v1), 0x62);
    assert_int_equal(rdmsr_g(0, X2APIC_ICR_MSR, 0), (1ULL << 32) | 0x4062); /* as WRMSR left it */
    assert_int_equal(k.locks, 0);
}

/*
 * Mixed modes: the fast path's direct delivery must reach every APIC the
 * routing loop would. An xAPIC-mode APIC answers to its 8-bit ID, which
 * its guest may move (SDM 11.4.6), and a target still in xAPIC mode is
 * the loop's to judge: both refused, then routed by the full path.
 */
static void test_pc_irqchip_icr_to_other_mixed(void **state)
{
    struct vcpu *v0 = &vm.vcpus[0], *v2 = &vm.vcpus[2];
    uint64_t to1 = (1ULL << 32) | 0x62;
    void *chip;

    vm_reset(3);
    assert_int_equal(board_attach(&vm, &board_pc), 0);
    chip = vm.irqchip_ctx;
    x2apic_on(0);
    assert_false(vm.irqchip->icr_to_other(chip, v0, to1)); /* APIC 1 is in xAPIC mode */
    x2apic_on(1);
    mmio_wr(2, GUEST_LAPIC_ADDR + APIC_SVR, APIC_SVR_ENABLE | 0xff);
    mmio_wr(2, GUEST_LAPIC_ADDR + APIC_ID, 1U << 24); /* APIC 2 moves to xAPIC ID 1 */
    assert_false(vm.irqchip->icr_to_other(chip, v0, to1));
    assert_int_equal(vcpu_irq_pending(&vm.vcpus[1]), -1);        /* refused: nothing sent */
    assert_int_equal(vm_msr(v0, X2APIC_ICR_MSR, true, &to1), 0); /* the full path */
    assert_int_equal(vcpu_irq_pending(&vm.vcpus[1]), 0x62);
    assert_int_equal(vcpu_irq_pending(v2), 0x62);
    mmio_wr(2, GUEST_LAPIC_ADDR + APIC_ID, 2U << 24); /* back: APIC 1 alone */
    assert_true(vm.irqchip->icr_to_other(chip, v0, (1ULL << 32) | 0x63));
    assert_int_equal(k.locks, 0);
}

/* The kick fast path's vid_add: new requested vectors only, while the ISR is the CPU's. */
static void test_pc_irqchip_vid_add(void **state)
{
    struct vcpu *v0 = &vm.vcpus[0], *v1 = &vm.vcpus[1];
    uint32_t irr[8], isr[8], tmr[8];
    void *chip;

    assert_int_equal(board_attach(&vm, &board_pc), 0);
    chip = vm.irqchip_ctx;
    x2apic_on(0);
    x2apic_on(1);
    assert_int_equal(vm.irqchip->vid_add(chip, v1, 0, irr, tmr), -1); /* mode changed: full path */
    assert_int_equal(vm.irqchip->vid_take(chip, v1, irr, isr, tmr), VID_TAKE_ALL);
    assert_int_equal(vm.irqchip->vid_add(chip, v1, 0, irr, tmr), VID_TAKE_NONE);
    assert_true(vm.irqchip->icr_to_other(chip, v0, (1ULL << 32) | 0x62));
    assert_int_equal(vm.irqchip->vid_add(chip, v1, 0, irr, tmr), VID_TAKE_IRR);
    assert_int_equal(irr[0x62 / 32], 1U << (0x62 % 32));
    assert_int_equal(vcpu_irq_pending(v1), -1); /* moved out: the CPU's VIRR has it */
    assert_int_equal(vm.irqchip->vid_add(chip, v1, 0, irr, tmr), VID_TAKE_NONE);
    assert_true(vm.irqchip->icr_to_other(chip, v0, (1ULL << 32) | 0x63));
    vcpu_irq_ack(v1, 0x63); /* the ISR changed without the CPU */
    assert_int_equal(vm.irqchip->vid_add(chip, v1, 0, irr, tmr), -1);
    assert_int_equal(k.locks, 0);
}

/* After the board: nothing is routed, the pages are back, late console input is harmless. */
static void test_detach(void **state)
{
    assert_int_equal(board_attach(&vm, &board_pc), 0);
    out(0, 0x3f9, 1, 1); /* IER: input raises COM1's line */
    board_detach(&vm);
    assert_int_equal(k.pages, 0);
    assert_int_equal(vm.io.pio.n + vm.io.mmio.n + vm.io.msr.n, 0);
    assert_bitmap_matches();
    assert_ptr_equal(vm.irqchip, &irqchip_off);
    assert_int_equal(vcpu_irq_pending(&vm.vcpus[0]), -1);
    assert_int_equal(vcpu_timer_deadline(&vm.vcpus[0]), UINT64_MAX);
    out(0, 0x3fc, 1, 0);
    assert_int_equal(vm.unhandled_io, 1);
    assert_true(console_in('z'));
    assert_int_equal(k.kicked, 0);
}

/* A board whose two devices claim the same ports fails to attach, with a log line. */
static const struct vm_device *const twice[] = {&dev_bare_irqchip, &dev_com1, &dev_com1};
static const struct board board_twice = {"twice", twice, 3};

static void test_board_conflict(void **state)
{
    assert_int_equal(board_attach(&vm, &board_twice), -EEXIST);
    assert_true(host_log_contains("vm t: I/O ports 0x3f8-0x3ff overlap 0x3f8-0x3ff"));
}

/* A new device: one definition plus one line in a board's list. */
static void beep_pio(struct vcpu *v, void *ctx, uint16_t port, unsigned size, bool write,
                     uint32_t *val)
{
    unsigned *count = ctx;

    if (!write)
        *val = ++*count;
}

static int beep_attach(struct vm *m, void *state)
{
    return vm_io_register_pio(m, 0x61, 0x61, beep_pio, state);
}

static const struct vm_device dev_beep = {"beep", sizeof(unsigned), beep_attach};
static const struct vm_device *const with_beep[] = {&dev_bare_irqchip, &dev_com1, &dev_beep};
static const struct board board_beep = {"beep", with_beep, 3};

static void test_new_device(void **state)
{
    assert_int_equal(board_attach(&vm, &board_beep), 0);
    assert_int_equal(in(0, 0x61, 1), 1);
    assert_int_equal(in(1, 0x61, 1), 2);
    assert_int_equal(in(0, 0xf4, 1), 0xff); /* no debug exit on this board */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sorted_and_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pio_bitmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_range_and_full_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pio_dispatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mmio_unclaimed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mmio_dispatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_msr_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bare_board_claims, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bare_board_devices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bare_irqchip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pc_board_claims, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pc_board_devices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pc_irqchip_routes_com1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pc_irqchip_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_com1_fast_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pc_irqchip_icr_to_other, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pc_irqchip_icr_to_other_mixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pc_irqchip_vid_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_device, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
