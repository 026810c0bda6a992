/* SPDX-License-Identifier: MIT */
/*
 * CPUs. The runtime starts every enabled MADT processor before main():
 * INIT, SIPI, SIPI (xAPIC or x2APIC ICR, as the BSP is), trampoline at
 * 0x70000 (real mode -> long mode), own stacks, IDT, TSS, APIC enabled
 * (SVR 0x1FF). CPU numbers are 0 (the BSP) .. nr_cpus()-1 in MADT order;
 * APIC IDs need not be contiguous. Idle APs spin with interrupts enabled,
 * polling their mailbox.
 */
#ifndef CONF_SMP_H
#define CONF_SMP_H

#include "x86.h"

int nr_cpus(void);                 /* CPUs online (BSP included) */
int smp_id(void);                  /* this CPU's number */
u32 cpu_apic_id(int cpu);          /* APIC ID the CPU read from its own local APIC at start */
int cpu_from_apic_id(u32 apic_id); /* -1 if none */
int smp_madt_cpus(void);           /* enabled MADT processor entries (1 without a MADT) */
/* processors that were sent INIT/SIPI but did not check in */
int smp_failed_cpus(void);

/* runs fn(arg) on cpu and waits for it to return (directly if cpu is this CPU) */
void on_cpu(int cpu, void (*fn)(void *), void *arg);
/* queues fn(arg) on cpu (waiting for its previous one) and returns at once */
void on_cpu_async(int cpu, void (*fn)(void *), void *arg);
/* waits until cpu has finished what on_cpu_async queued */
void on_cpu_wait(int cpu);
/* on_cpu() on every other CPU, one after another, then on this one */
void on_cpus(void (*fn)(void *), void *arg);

#endif
