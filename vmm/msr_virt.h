/* SPDX-License-Identifier: MIT */
/*
 * MSRs that are virtual, and the same, for every backend (vmm/msr_virt.c):
 * what a guest may probe but must not reach on the real CPU.
 */
#ifndef VMM_MSR_VIRT_H
#define VMM_MSR_VIRT_H

#include "lib/compiler.h"

struct cpu_features;

/*
 * A vCPU's virtual MSR state (struct vcpu): what the guest wrote to MSRs
 * that exist only in hv's model. tsc_offset is guest TSC minus host TSC,
 * the VMCS TSC offset of a vmx vCPU.
 */
/* Machine-check banks shown in MCG_CAP.Count: enough for OSes that expect some (SDM 15.3.1.1). */
#define VM_MC_BANKS 2

struct vcpu_msrs {
    uint64_t misc_enable;
    uint64_t mcg_status;
    uint64_t mc_ctl[VM_MC_BANKS]; /* MCi_CTL: which errors a bank reports; none ever happens */
    uint64_t tsc_adjust;
    uint64_t tsc_offset;
};

/* Power-up values (SDM Vol. 4 table 2-2). */
void vm_msrs_init(struct vcpu_msrs *s);
/*
 * The MSRs behind the VM's CPU model (vmm/cpu_model.h): an MSR of a hidden
 * feature, a read-only one written, or a reserved bit set is -EPERM (#GP);
 * -ENOENT when the MSR is not modelled here (the backend's, or #GP). host_tsc
 * is the host's TSC now (IA32_TSC and TSC_ADJUST, SDM Vol. 3B 17.17.3).
 */
int vm_msr_model_read(const struct cpu_features *shown, const struct vcpu_msrs *s, uint32_t msr,
                      uint64_t host_tsc, uint64_t *val);
int vm_msr_model_write(const struct cpu_features *shown, struct vcpu_msrs *s, uint32_t msr,
                       uint64_t host_tsc, uint64_t val);

/* 0 and *val, or -ENOENT when msr is not one of them. */
int vm_msr_virt_read(uint32_t msr, uint64_t *val);
/* 0 (accepted, no effect), -EPERM (the guest gets #GP), or -ENOENT when not one of them. */
int vm_msr_virt_write(uint32_t msr, uint64_t val);

#endif
