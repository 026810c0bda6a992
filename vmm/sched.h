/* SPDX-License-Identifier: MIT */
/*
 * vCPU placement: each vCPU gets a physical CPU of its own for its whole
 * life (no time slicing yet), never the console CPU (0), which keeps the
 * shell responsive. Placement runs on CPU 0 only (docs/locking.md).
 */
#ifndef VMM_SCHED_H
#define VMM_SCHED_H

struct vm;
struct vcpu;

/* Starts every vCPU of vm on a free CPU; -EBUSY (nothing started) if there are too few. */
int sched_start_vm(struct vm *vm);
/* Makes the vCPU's CPU leave the guest or HLT so it sees a stop request or an event. */
void sched_kick(struct vcpu *v);
/* Physical CPUs that could take a vCPU now. */
unsigned sched_free_cpus(const struct vm *vm);

#endif
