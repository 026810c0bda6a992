/* SPDX-License-Identifier: MIT */
/* Starting the other CPUs and running functions on all of them. */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "lib/compiler.h"

/* A CPU the firmware lists (on ACPI machines, a MADT entry). */
struct smp_cpu_desc {
    uint32_t apic_id;
    bool enabled;
};

/*
 * Starts every enabled CPU of the list (n == 0: the firmware lists none, the
 * boot CPU runs alone); logs "smp: <online>/<enabled> CPUs online (mode)".
 */
void smp_boot(const struct smp_cpu_desc *cpus, unsigned n);
unsigned smp_online_count(void);
/* maxcpus=<n>: start at most n CPUs (the boot CPU included); before smp_boot. */
void smp_set_max_cpus(unsigned n);
unsigned smp_enabled_count(void);

typedef void (*smp_fn_t)(void *arg);
/*
 * Runs fn(arg) on every online CPU (the caller's too) and waits until all
 * finished or timeout_us passed. CPUs that did not answer are reported and
 * marked failed. Returns 0 or -ETIMEDOUT. Must not be called with
 * interrupts off or from an interrupt handler.
 */
int smp_call_all(smp_fn_t fn, void *arg, uint64_t timeout_us);
/*
 * Hands fn(arg) to an idle CPU's idle loop, where it runs with interrupts
 * enabled for as long as it likes (a vCPU). -EBUSY if the CPU has work,
 * -EINVAL if it is not online or is the caller.
 */
int smp_run_on(unsigned cpu, smp_fn_t fn, void *arg);
bool smp_cpu_busy(unsigned cpu);
/* Wakes a CPU from HLT or makes a running guest exit (IPI, no work). */
void smp_kick(unsigned cpu);

/* NMIs every other CPU we started (online or failed), never firmware-parked ones. */
void smp_nmi_others(void);
/* Stops every other CPU (NMI); used by power-off and reboot. */
void smp_stop_others(void);
bool smp_stop_requested(void);

#endif
