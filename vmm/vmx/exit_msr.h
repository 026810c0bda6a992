/* Guest MSR, control-register and XCR emulation for the vmx backend. */
#ifndef VMM_VMX_EXIT_MSR_H
#define VMM_VMX_EXIT_MSR_H

#include "kernel/compiler.h"

struct vmx_vcpu;

/* Fills a 4 KiB MSR bitmap (SDM 25.6.9): every MSR exits except the pass-through set. */
void vmx_msr_bitmap_init(uint8_t *bitmap);
/* 0, or -EPERM when the guest must get #GP. */
int vmx_msr_read(struct vmx_vcpu *vv, uint32_t msr, uint64_t *val);
int vmx_msr_write(struct vmx_vcpu *vv, uint32_t msr, uint64_t val);
int vmx_write_cr0(struct vmx_vcpu *vv, uint64_t val);
int vmx_write_cr4(struct vmx_vcpu *vv, uint64_t val);
int vmx_xsetbv(struct vmx_vcpu *vv, uint32_t xcr, uint64_t val);
/* Puts the pass-through MSRs and the FPU/SSE state in their reset state (no leaks between VMs). */
void vmx_reset_guest_cpu_state(void);

#endif
