/* SPDX-License-Identifier: MIT */
/*
 * The part of vmx_public.h that needs the vmx backend's private state: a
 * VMCS set up and an entry failure logged for a vCPU with no struct
 * vmx_vcpu (the emulated TDX module's TD vCPUs).
 */
#include "vmm/vmx/vmx_public.h"
#include "vmm/vmx/vmx_vcpu.h"

int vmx_vmcs_setup_foreign(uint64_t msr_bitmap, uint64_t eptp, const struct vcpu_start *start)
{
    struct vmx_vcpu vv = {.msr_bitmap = msr_bitmap, .vpid = 0};
    int err = vmcs_setup(&vv, eptp, start); /* vv's shadows and registers are not kept */

    /* No vmx_vcpu behind it for the fast path: every exit returns to vmx_enter's caller. */
    if (!err)
        vmwrite(VMCS_HOST_RIP, (uint64_t)vmx_exit_entry);
    return err;
}

void vmx_dump_entry_failure(bool vmfail)
{
    struct vmx_vcpu vv = {.vpid = 0};

    vmcs_dump_entry_failure(&vv, vmfail);
}
