/* SPDX-License-Identifier: MIT */
/* Guest MSR, control-register and XCR emulation for the vmx backend. */
#ifndef VMM_VMX_EXIT_MSR_H
#define VMM_VMX_EXIT_MSR_H

#include "lib/compiler.h"
#include "vmm/vmx/vmx_public.h" /* vmx_msr_bitmap_init: public */

struct vmx_vcpu;

/* 0, or -EPERM when the guest must get #GP. */
int vmx_msr_read(struct vmx_vcpu *vv, uint32_t msr, uint64_t *val);
int vmx_msr_write(struct vmx_vcpu *vv, uint32_t msr, uint64_t val);
int vmx_write_cr0(struct vmx_vcpu *vv, uint64_t val);
int vmx_write_cr4(struct vmx_vcpu *vv, uint64_t val);
int vmx_xsetbv(struct vmx_vcpu *vv, uint32_t xcr, uint64_t val);
/* Puts the pass-through MSRs and the FPU/SSE state in their reset state (no leaks between VMs). */
void vmx_reset_guest_cpu_state(void);

#endif
