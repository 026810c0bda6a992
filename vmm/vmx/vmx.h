/* SPDX-License-Identifier: MIT */
/* VMX on every CPU, enabled once at boot and kept on (the vmx backend's base). */
#ifndef VMM_VMX_VMX_H
#define VMM_VMX_VMX_H

#include "lib/compiler.h"

struct vmx_ctl { /* a control MSR split: bits that must be 1, bits that may be 1 */
    uint32_t must1;
    uint32_t may1;
};

struct vmx_caps {
    uint64_t basic;
    uint32_t revision;
    struct vmx_ctl pin, proc, proc2, exit, entry;
    uint64_t ept_vpid;
    uint64_t misc;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

/* The capabilities every enabled CPU shares (valid once vmx_ready()). */
extern struct vmx_caps vmx_caps;

/* Checks, VMXONs every CPU and logs "vmx: enabled on N/M CPUs (...)" or "vmx: unavailable: ...". */
void vmx_init_all(void);
bool vmx_ready(void);
const char *vmx_unavailable_reason(void);
/* True if this CPU is in VMX operation and shares vmx_caps (may run guests). */
bool vmx_cpu_usable(unsigned cpu);

/*
 * Control value from what we want and what the CPU allows (SDM Vol. 3D
 * A.3): forced bits set, unsupported bits cleared. Pure; unit-tested.
 */
uint32_t vmx_adjust_ctl(const struct vmx_ctl *c, uint32_t want);
/* Reads a control MSR pair: allowed-0 in the low half, allowed-1 in the high half. */
struct vmx_ctl vmx_ctl_from_msr(uint64_t msr);
/* The VM-exit controls a backend vCPU runs with, from the capability MSR's. */
uint32_t vmx_exit_controls(const struct vmx_ctl *exit);

/* Called once after every CPU is in VMX operation (TDX module init goes here). */
typedef void (*vmx_post_enable_hook_t)(void);
int vmx_add_post_enable_hook(vmx_post_enable_hook_t h);

#endif
