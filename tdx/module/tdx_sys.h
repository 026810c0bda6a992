/* SPDX-License-Identifier: MIT */
/* SEAMCALL helpers shared by TDX module init and the tdx backend. */
#ifndef TDX_MODULE_TDX_SYS_H
#define TDX_MODULE_TDX_SYS_H

#include "tdx/module/seamcall.h"

/* SEAMCALL with the ABI's bounded retries (entropy, busy); returns the final status. */
uint64_t tdx_call(uint64_t fn, struct tdx_args *a);
struct tdx_fault;
/* Makes tdx_call fail the call f names (tdx.fail=); copied. */
void tdx_fault_arm(const struct tdx_fault *f);
/* SEAMCALLs issued so far (all CPUs), for the TD build figures; and how many were retries. */
extern uint64_t tdx_calls, tdx_retries;
/* TDH.SYS.RD of one field: 0, or -EIO with *status set. */
int tdx_md_read(uint64_t field, uint64_t *val, uint64_t *status);
unsigned tdx_package_of(uint32_t apic_id);
/* Runs fn(arg) on one CPU (through the cross-CPU call) and waits. */
int tdx_run_on_cpu(unsigned cpu, void (*fn)(void *), void *arg);
/*
 * Runs fn on one online CPU of every package, a package at a time (what
 * KEY.CONFIG and CACHE.WB require). Each call gets a copy of *io (a
 * uint64_t) and leaves a status in it. Returns 0; -EIO with *io the first
 * status other than TDX_SUCCESS; or -ETIMEDOUT with *cpu the CPU that did
 * not answer.
 */
int tdx_each_package(void (*fn)(void *io), uint64_t *io, unsigned *cpu);

#endif
