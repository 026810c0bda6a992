/* SPDX-License-Identifier: MIT */
/* Guest MSR, control-register and XCR emulation for the vmx backend. */
#ifndef VMM_VMX_EXIT_MSR_H
#define VMM_VMX_EXIT_MSR_H

#include "lib/compiler.h"
#include "vmm/vmx/vmx_public.h" /* vmx_msr_bitmap_init: public */

struct vmx_vcpu;
struct vm;

/* -EPERM (#GP) for an MSR of a feature the VM's CPU model hides, even a device's; else 0. */
int vmx_msr_gate(struct vmx_vcpu *vv, uint32_t msr);
/* 0, or -EPERM when the guest must get #GP. */
int vmx_msr_read(struct vmx_vcpu *vv, uint32_t msr, uint64_t *val);
int vmx_msr_write(struct vmx_vcpu *vv, uint32_t msr, uint64_t val);
int vmx_write_cr0(struct vmx_vcpu *vv, uint64_t val);
int vmx_write_cr4(struct vmx_vcpu *vv, uint64_t val);
/* CR4 bits the guest may set without an exit (the VMCS CR4 mask is the rest). */
uint64_t vmx_cr4_guest_owned(const struct vm *vm);
/* PROC2_RDTSCP/INVPCID/XSAVES as the VM's CPU model shows RDTSCP/RDPID, INVPCID, XSAVES. */
uint32_t vmx_proc2_model(const struct vm *vm);
int vmx_xsetbv(struct vmx_vcpu *vv, uint32_t xcr, uint64_t val);
/* Puts the pass-through MSRs and the FPU/SSE state in their reset state (no leaks between VMs). */
void vmx_reset_guest_cpu_state(void);

#endif
