/* SPDX-License-Identifier: MIT */
/*
 * Panic: print what is known (message or exception frame, registers,
 * backtrace by symbol), stop every other CPU with an NMI, then halt, reboot
 * or power off as the command line asks.
 */
#include <stdarg.h>
#include "kernel/panic.h"
#include "kernel/console.h"
#include "kernel/idt.h"
#include "kernel/ksyms.h"
#include "kernel/percpu.h"
#include "kernel/power.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"
#include "kernel/smp.h"

enum panic_action { PANIC_HALT, PANIC_REBOOT, PANIC_POWEROFF };

static volatile int panic_owner = -1;
static volatile bool panic_nested;
static enum panic_action action = PANIC_HALT;

static const char *const exc_names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
};

static void pprintf(const char *fmt, ...) __printf(1, 2);
static void pprintf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write_raw(buf, MIN((size_t)n, sizeof(buf) - 1));
}

bool panic_in_progress(void)
{
    return panic_owner >= 0;
}

void panic_set_action(const char *a)
{
    if (!strcmp(a, "reboot"))
        action = PANIC_REBOOT;
    else if (!strcmp(a, "poweroff"))
        action = PANIC_POWEROFF;
    else
        action = PANIC_HALT;
}

void panic_stop_this_cpu(void)
{
    power_run_cpu_stop_hooks();
    this_cpu()->state = CPU_STOPPED;
    for (;;) {
        irq_disable();
        halt();
    }
}

/* Only the first CPU to panic reports; any other one just stops. */
static void panic_claim(void)
{
    int expect = -1;

    irq_disable();
    if (!__atomic_compare_exchange_n(&panic_owner, &expect, (int)this_cpu_id(), false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        if (expect == (int)this_cpu_id())
            panic_nested = true; /* fault while printing: stop here */
        panic_stop_this_cpu();
    }
    console_panic_mode();
}

static bool frame_ptr_ok(uint64_t rbp)
{
    return rbp >= 0xFFFF800000000000ULL && (rbp & 7) == 0;
}

static void print_addr(uint64_t addr)
{
    uint64_t off = 0;
    const char *name = ksym_lookup(addr, &off);

    if (name)
        pprintf("  [<%016lx>] %s+0x%lx\n", addr, name, off);
    else
        pprintf("  [<%016lx>] ?\n", addr);
}

static void backtrace(uint64_t rip, uint64_t rbp)
{
    pprintf("backtrace:\n");
    print_addr(rip);
    for (int depth = 0; depth < 24 && frame_ptr_ok(rbp); depth++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        if (!frame[1])
            break;
        print_addr(frame[1] - 1); /* return address points after the call */
        if (frame[0] <= rbp)
            break; /* the stack grows down: frames must go up */
        rbp = frame[0];
    }
}

static __noreturn void panic_finish(void)
{
    smp_nmi_others();
    power_run_cpu_stop_hooks();
    pprintf("all CPUs stopped\n");
    if (action == PANIC_POWEROFF)
        power_off();
    else if (action == PANIC_REBOOT)
        power_reboot();
    panic_stop_this_cpu();
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    panic_claim();
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    pprintf("\nPANIC on cpu %u: %s\n", this_cpu_id(), buf);
    backtrace((uint64_t)__builtin_return_address(0), (uint64_t)__builtin_frame_address(0));
    panic_finish();
}

static void dump_regs(const struct irq_frame *f)
{
    pprintf("rip %016lx cs %04lx rflags %016lx rsp %016lx ss %04lx\n", f->rip, f->cs, f->rflags,
            f->rsp, f->ss);
    pprintf("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    pprintf("rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
    pprintf("r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
    pprintf("r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
    pprintf("cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx\n", read_cr0(), read_cr2(), read_cr3(),
            read_cr4());
}

void panic_exception(struct irq_frame *f)
{
    unsigned v = (unsigned)f->vector;

    panic_claim();
    pprintf("\nPANIC on cpu %u: exception %u (%s), error code 0x%lx\n", this_cpu_id(), v,
            v < 32 && exc_names[v] ? exc_names[v] : "?", f->error);
    dump_regs(f);
    if (!panic_nested)
        backtrace(f->rip, f->rbp);
    panic_finish();
}
