/* SPDX-License-Identifier: MIT */
/* SMP bring-up with INIT-SIPI-SIPI (Intel SDM Vol. 3A 9.4.4.1) and IPI calls. */
#include "kernel/smp.h"
#include "lib/errno.h"
#include "kernel/heap.h"
#include "kernel/idt.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/paging.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/x86/regs.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"
#include "kernel/apic.h"

#define AP_START_TIMEOUT_US 200000 /* per CPU, after the SIPIs */
#define STACK_PAGES (CPU_STACK_SIZE / PAGE_SIZE)
#define IST_PAGES (IST_STACK_SIZE / PAGE_SIZE)

struct trampoline_data { /* mirrors the data block in boot/trampoline.S */
    uint32_t cr3;
    uint32_t efer_nx;
    uint64_t stack;
    uint64_t entry;
    uint64_t arg;
    uint32_t started;
    uint32_t pad;
} __packed;

extern const char tramp_start[], tramp_data[], tramp_end[];

static unsigned enabled_count = 1;
static unsigned max_cpus = MAX_CPUS;
static volatile bool stop_requested;

static spinlock_t call_lock = SPINLOCK_INIT;
static spinlock_t run_lock = SPINLOCK_INIT;
static smp_fn_t call_fn;
static void *call_arg;
static volatile uint64_t call_seq;
static volatile uint32_t call_pending;

void smp_set_max_cpus(unsigned n)
{
    max_cpus = MAX(1U, MIN(n, (unsigned)MAX_CPUS));
}

unsigned smp_enabled_count(void)
{
    return enabled_count;
}

unsigned smp_online_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < cpu_count; i++)
        n += cpu_table[i]->state == CPU_ONLINE;
    return n;
}

bool smp_stop_requested(void)
{
    return stop_requested;
}

static void ap_idle(void)
{
    struct percpu *pc = this_cpu();

    for (;;) {
        smp_fn_t fn;
        irq_disable();
        fn = pc->work_fn;
        if (!fn) {
            irq_enable_and_halt();
            continue;
        }
        irq_enable();
        fn(pc->work_arg);
        __atomic_store_n(&pc->work_fn, NULL, __ATOMIC_RELEASE);
    }
}

int smp_run_on(unsigned cpu, smp_fn_t fn, void *arg)
{
    struct percpu *pc;
    smp_fn_t none = NULL;

    if (cpu >= cpu_count || cpu == this_cpu_id() || cpu_table[cpu]->state != CPU_ONLINE)
        return -EINVAL;
    pc = cpu_table[cpu];
    spin_lock(&run_lock); /* work_arg and work_fn are set as one */
    if (__atomic_load_n(&pc->work_fn, __ATOMIC_ACQUIRE)) {
        spin_unlock(&run_lock);
        return -EBUSY;
    }
    pc->work_arg = arg;
    __atomic_compare_exchange_n(&pc->work_fn, &none, fn, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    spin_unlock(&run_lock);
    lapic_send_ipi(pc->apic_id, VEC_IPI_KICK);
    return 0;
}

bool smp_cpu_busy(unsigned cpu)
{
    return cpu < cpu_count && __atomic_load_n(&cpu_table[cpu]->work_fn, __ATOMIC_ACQUIRE);
}

void smp_kick(unsigned cpu)
{
    if (cpu < cpu_count && cpu != this_cpu_id() && cpu_table[cpu]->state == CPU_ONLINE)
        lapic_send_ipi(cpu_table[cpu]->apic_id, VEC_IPI_KICK);
}

static void kick_handler(struct irq_frame *f)
{
    /*
     * Nothing to do: the interrupt itself ended HLT or the guest's run.
     * A kick a VM exit acknowledged skips the IDT stub and this handler
     * (irq_take_exit_interrupt).
     */
}

void ap_entry(struct percpu *pc);
void ap_entry(struct percpu *pc)
{
    write_cr3(paging_kernel_cr3());
    cpu_tables_init(pc);
    lapic_init_ap();
    pc->apic_id = lapic_id();
    __atomic_store_n(&pc->state, CPU_ONLINE, __ATOMIC_RELEASE);
    pr_debug("smp: CPU %u (APIC id %u) online", pc->cpu, pc->apic_id);
    ap_idle();
}

static struct percpu *percpu_alloc(unsigned idx, uint32_t apic_id)
{
    struct percpu *pc = kzalloc(sizeof(*pc));
    uint64_t stack = page_alloc(STACK_PAGES);

    if (!pc || !stack)
        goto fail;
    pc->cpu = idx;
    pc->apic_id = apic_id;
    pc->self = pc;
    pc->stack_top = (uint64_t)phys_to_virt(stack) + CPU_STACK_SIZE;
    for (int i = 0; i < 3; i++) {
        uint64_t ist = page_alloc(IST_PAGES);
        if (!ist)
            goto fail;
        pc->ist_stacks[i] = (uint64_t)phys_to_virt(ist) + IST_STACK_SIZE;
    }
    return pc;
fail:
    pr_err("smp: out of memory for CPU %u", idx);
    return NULL; /* the few pages taken stay allocated: boot is failing anyway */
}

static bool wait_online(struct percpu *pc, uint64_t us)
{
    uint64_t end = uptime_us() + us;

    while (uptime_us() < end) {
        if (__atomic_load_n(&pc->state, __ATOMIC_ACQUIRE) == CPU_ONLINE)
            return true;
        cpu_relax();
    }
    return false;
}

static bool start_ap(struct percpu *pc, volatile struct trampoline_data *td)
{
    td->stack = pc->stack_top;
    td->arg = (uint64_t)pc;
    td->started = 0;
    pc->state = CPU_STARTING;
    lapic_send_init(pc->apic_id);
    mdelay(10);
    lapic_send_sipi(pc->apic_id, TRAMPOLINE_PHYS >> 12);
    udelay(200);
    if (!td->started) { /* the second SIPI of the MP protocol, only if needed */
        lapic_send_sipi(pc->apic_id, TRAMPOLINE_PHYS >> 12);
        udelay(200);
    }
    if (wait_online(pc, AP_START_TIMEOUT_US))
        return true;
    /* Park it again so it cannot run later on a reused trampoline. */
    lapic_send_init(pc->apic_id);
    pc->state = CPU_FAILED;
    pr_warn("smp: CPU %u (APIC id %u) did not come online in %u ms; leaving it out", pc->cpu,
            pc->apic_id, AP_START_TIMEOUT_US / 1000);
    return false;
}

static volatile struct trampoline_data *trampoline_install(uint64_t cr3)
{
    size_t len = (size_t)(tramp_end - tramp_start);
    volatile struct trampoline_data *td;

    memcpy(phys_to_virt(TRAMPOLINE_PHYS), tramp_start, len);
    td = phys_to_virt(TRAMPOLINE_PHYS + (uint64_t)(tramp_data - tramp_start));
    td->cr3 = (uint32_t)cr3;
    td->efer_nx = (uint32_t)(rdmsr(MSR_EFER) & EFER_NXE);
    td->entry = (uint64_t)ap_entry;
    return td;
}

static void start_listed_cpus(const struct smp_cpu_desc *cpus, unsigned n,
                              volatile struct trampoline_data *td)
{
    uint32_t bsp = this_cpu()->apic_id;

    for (unsigned i = 0; i < n; i++) {
        const struct smp_cpu_desc *c = &cpus[i];
        struct percpu *pc;
        if (!c->enabled || c->apic_id == bsp)
            continue;
        enabled_count++;
        if (c->apic_id > 0xff && !lapic_is_x2apic()) {
            pr_warn("smp: APIC id %u needs x2APIC; leaving it out", c->apic_id);
            continue;
        }
        if (cpu_count == max_cpus) {
            if (max_cpus == MAX_CPUS)
                pr_warn("smp: more than %d CPUs; leaving APIC id %u out", MAX_CPUS, c->apic_id);
            else
                pr_info("smp: maxcpus=%u: leaving APIC id %u out", max_cpus, c->apic_id);
            continue;
        }
        pc = percpu_alloc(cpu_count, c->apic_id);
        if (!pc)
            break;
        cpu_table[cpu_count++] = pc;
        start_ap(pc, td);
    }
}

static void call_ipi_handler(struct irq_frame *f)
{
    smp_fn_t fn = call_fn;
    void *arg = call_arg;

    this_cpu()->ipi_count++;
    fn(arg);
    this_cpu()->call_ack = call_seq;
    __atomic_sub_fetch(&call_pending, 1, __ATOMIC_RELEASE);
}

static void checkin(void *arg)
{
    struct percpu *pc = this_cpu();

    if (lapic_id() == pc->apic_id)
        __atomic_add_fetch((volatile unsigned *)arg, 1, __ATOMIC_RELAXED);
}

/* Every online CPU answers one cross-CPU call and confirms its APIC id. */
static void smp_checkin(void)
{
    volatile unsigned answered = 0;
    int err = smp_call_all(checkin, (void *)&answered, 100000);

    pr_info("smp: %u/%u CPUs answered a cross-CPU call%s", answered, smp_online_count(),
            err ? " (timeout)" : "");
}

void smp_boot(const struct smp_cpu_desc *cpus, unsigned n)
{
    uint64_t cr3;
    volatile struct trampoline_data *td;

    irq_register(VEC_IPI_CALL, call_ipi_handler);
    irq_register(VEC_IPI_KICK, kick_handler);
    if (n) {
        cr3 = paging_trampoline_cr3();
        if (!cr3) {
            pr_err("smp: no memory for the AP trampoline");
        } else {
            td = trampoline_install(cr3);
            start_listed_cpus(cpus, n, td);
        }
    }
    pr_info("smp: %u/%u CPUs online (%s)", smp_online_count(), enabled_count,
            lapic_is_x2apic() ? "x2apic" : "xapic");
    smp_checkin();
}

/* A CPU that cannot finish a call in time is no longer trusted with work. */
static void report_laggards(uint64_t seq, unsigned self)
{
    for (unsigned i = 0; i < cpu_count; i++) {
        struct percpu *pc = cpu_table[i];
        if (i == self || pc->state != CPU_ONLINE || pc->call_ack == seq)
            continue;
        pc->state = CPU_FAILED;
        pr_warn("smp: CPU %u (APIC id %u) did not answer a cross-CPU call; leaving it out", i,
                pc->apic_id);
    }
}

int smp_call_all(smp_fn_t fn, void *arg, uint64_t timeout_us)
{
    unsigned self = this_cpu_id(), sent = 0;
    uint64_t end;
    int err = 0;

    /* With interrupts off, two callers would wait for each other forever (docs/locking.md). */
    BUG_ON(!(read_rflags() & RFLAGS_IF));
    spin_lock(&call_lock);
    call_fn = fn;
    call_arg = arg;
    call_seq++;
    for (unsigned i = 0; i < cpu_count; i++)
        sent += (i != self && cpu_table[i]->state == CPU_ONLINE);
    __atomic_store_n(&call_pending, sent, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < cpu_count; i++)
        if (i != self && cpu_table[i]->state == CPU_ONLINE)
            lapic_send_ipi(cpu_table[i]->apic_id, VEC_IPI_CALL);
    fn(arg);
    end = uptime_us() + timeout_us;
    while (__atomic_load_n(&call_pending, __ATOMIC_ACQUIRE) && uptime_us() < end)
        cpu_relax();
    if (call_pending) {
        report_laggards(call_seq, self);
        err = -ETIMEDOUT;
    }
    spin_unlock(&call_lock);
    return err;
}

void smp_nmi_others(void)
{
    unsigned self = this_cpu_id();

    for (unsigned i = 0; i < cpu_count; i++)
        if (i != self && (cpu_table[i]->state == CPU_ONLINE || cpu_table[i]->state == CPU_FAILED))
            lapic_send_nmi(cpu_table[i]->apic_id);
}

/* Waits (bounded) for the others to run their stop hooks, e.g. VMXOFF, before power goes. */
void smp_stop_others(void)
{
    uint64_t end;
    unsigned self = this_cpu_id();

    stop_requested = true;
    smp_nmi_others();
    end = uptime_us() + 100000;
    for (unsigned i = 0; i < cpu_count; i++)
        while (i != self && cpu_table[i]->state == CPU_ONLINE && uptime_us() < end)
            cpu_relax();
}
