/* SPDX-License-Identifier: MIT */
/*
 * SEAMCALL helpers shared by module init and the tdx backend: retries for
 * the statuses the ABI says to retry (tdx-host-abi.md 4.8), metadata reads,
 * per-CPU / per-package execution, and the tdx.fail= injection point, which
 * every SEAMCALL passes on hardware and under emulation alike.
 */
#include "tdx/module/tdx_sys.h"
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_fault.h"
#include "kernel/log.h"
#include "lib/errno.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"

#define RETRIES 10
#define BACKOFF_SPINS 64ULL /* first wait; doubles per retry, ~64K PAUSEs at most */

tdx_seamcall_fn tdx_seamcall = tdx_seamcall_hw;
uint64_t tdx_calls, tdx_retries;
static spinlock_t global_lock = SPINLOCK_INIT;
static struct tdx_fault fault;

void tdx_fault_arm(const struct tdx_fault *f)
{
    fault = *f;
}

static void log_injected(uint64_t n)
{
    const char *name = tdx_status_name(fault.status);

    if (!strcmp(name, "unknown status"))
        pr_info("tdx: injected %#lx into %s (call %lu)", fault.status, tdx_leaf_name(fault.leaf),
                n);
    else
        pr_info("tdx: injected %s into %s (call %lu)", name, tdx_leaf_name(fault.leaf), n);
}

static bool retryable(uint64_t st)
{
    st &= TDX_STATUS_MASK;
    return st == TDX_RND_NO_ENTROPY || st == TDX_KEY_GENERATION_FAILED || st == TDX_SYS_BUSY ||
           st == TDX_OPERAND_BUSY || st == TDX_OPERAND_BUSY_HOST_PRIORITY;
}

/*
 * Leaves that take module-global resources (the KeyID tables, the
 * write-back state): KVM runs them under one mutex, tdx_lock, so they never
 * contend with each other (tdx-host-abi.md 4.8).
 */
static bool takes_global_lock(uint64_t fn)
{
    uint64_t leaf = fn & 0xFFFF;

    return leaf == TDH_MNG_CREATE || leaf == TDH_PHYMEM_CACHE_WB || leaf == TDH_MNG_VPFLUSHDONE ||
           leaf == TDH_MNG_KEY_FREEID;
}

/* Exponential back-off: the holder of a module lock, or the entropy source, needs time. */
static void backoff(int attempt)
{
    for (uint64_t n = 0; n < (BACKOFF_SPINS << attempt); n++)
        cpu_relax();
}

static uint64_t call_once(uint64_t fn, struct tdx_args *a)
{
    uint64_t st, flags = 0;
    bool global = takes_global_lock(fn);

    if (global)
        flags = spin_lock_irqsave(&global_lock); /* irqs off: a cross-CPU call may want it */
    __atomic_add_fetch(&tdx_calls, 1, __ATOMIC_RELAXED);
    st = tdx_seamcall(fn, a);
    if (global)
        spin_unlock_irqrestore(&global_lock, flags);
    return st;
}

uint64_t tdx_call(uint64_t fn, struct tdx_args *a)
{
    struct tdx_args saved = *a;
    uint64_t st, n;

    /* The module never sees the injected call, and the caller gets the status unretried. */
    if (tdx_fault_hit(&fault, fn, &n)) {
        log_injected(n);
        return fault.status;
    }
    for (int i = 0;; i++) {
        st = call_once(fn, a);
        if (!retryable(st) || i == RETRIES)
            return st;
        __atomic_add_fetch(&tdx_retries, 1, __ATOMIC_RELAXED);
        *a = saved; /* outputs may have clobbered the inputs */
        backoff(i);
    }
}

int tdx_md_read(uint64_t field, uint64_t *val, uint64_t *status)
{
    struct tdx_args a = {0};

    a.rdx = field;
    *status = tdx_call(TDH_SYS_RD, &a);
    if (*status != TDX_SUCCESS)
        return -EIO;
    *val = a.r8;
    return 0;
}

/* Package of a CPU from its APIC id: CPUID leaf 0xB gives the bits below the package. */
unsigned tdx_package_of(uint32_t apic_id)
{
    struct cpuid_regs r;
    unsigned shift = 0;

    cpuid(0, 0, &r);
    if (r.eax < 0xB)
        return 0;
    for (uint32_t sub = 0; sub < 8; sub++) {
        cpuid(0xB, sub, &r);
        if (((r.ecx >> 8) & 0xff) == 0)
            break; /* invalid level: the previous shift covers every level below the package */
        shift = r.eax & 0x1f;
    }
    return apic_id >> shift;
}

struct on_cpu {
    unsigned cpu;
    void (*fn)(void *);
    void *arg;
};

static void on_cpu_filter(void *p)
{
    struct on_cpu *o = p;

    if (this_cpu_id() == o->cpu)
        o->fn(o->arg);
}

int tdx_run_on_cpu(unsigned cpu, void (*fn)(void *), void *arg)
{
    struct on_cpu o = {cpu, fn, arg};

    return smp_call_all(on_cpu_filter, &o, 2000000);
}

int tdx_each_package(void (*fn)(void *io), uint64_t *io, unsigned *cpu)
{
    bool done[MAX_CPUS] = {false};

    for (unsigned c = 0; c < cpu_count; c++) {
        unsigned pkg = tdx_package_of(cpu_table[c]->apic_id);
        uint64_t v = *io;
        if (cpu_table[c]->state != CPU_ONLINE || pkg >= MAX_CPUS || done[pkg])
            continue;
        done[pkg] = true;
        *cpu = c;
        if (tdx_run_on_cpu(c, fn, &v))
            return -ETIMEDOUT;
        if (v != TDX_SUCCESS) {
            *io = v;
            return -EIO;
        }
    }
    return 0;
}
