/* SPDX-License-Identifier: MIT */
/* VMX control adjustment (SDM Vol. 3D A.3): pure, unit-tested on the host. */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_hw.h"

struct vmx_ctl vmx_ctl_from_msr(uint64_t msr)
{
    struct vmx_ctl c = {(uint32_t)msr, (uint32_t)(msr >> 32)};

    return c;
}

uint32_t vmx_adjust_ctl(const struct vmx_ctl *c, uint32_t want)
{
    return (want | c->must1) & c->may1;
}

/*
 * The VM-exit controls of a backend vCPU (SDM Vol. 3C 25.7.1): a 64-bit
 * host; EFER, PAT and the debug controls switched; external interrupts
 * acknowledged on exit, so the vector comes with the exit and a kick costs
 * its EOI alone (irq_take_exit_interrupt), as KVM's VM_EXIT_ACK_INTR_ON_EXIT.
 */
uint32_t vmx_exit_controls(const struct vmx_ctl *exit)
{
    return vmx_adjust_ctl(exit, EXIT_HOST_ADDR64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT |
                                    EXIT_LOAD_PAT | EXIT_SAVE_DEBUG | EXIT_ACK_INTR);
}
