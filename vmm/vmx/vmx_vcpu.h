/* SPDX-License-Identifier: MIT */
/* The vmx backend's per-vCPU and per-VM state (private to vmm/vmx/). */
#ifndef VMM_VMX_VMX_VCPU_H
#define VMM_VMX_VMX_VCPU_H

#include "lib/compiler.h"
#include "vmm/vmx/ept.h"
#include "vmm/vmx/vmx_public.h" /* struct guest_regs, vmx_enter, injection: public */

struct vcpu;

struct vmx_vcpu {
    struct guest_regs regs; /* first: vmx_enter() takes its address */
    struct vcpu *vcpu;
    uint64_t vmcs;       /* host-physical VMCS region */
    uint64_t msr_bitmap; /* host-physical */
    uint16_t vpid;
    bool launched;
    uint64_t cr0_shadow, cr4_shadow;
    uint8_t tpr;            /* the guest's CR8: virtual, never the real APIC's */
    uint64_t vapic;         /* host-physical virtual-APIC page (TPR shadow), 0 without */
    uint8_t vtpr, vtpr_thr; /* VTPR and TPR threshold as written at the last entry */
    uint32_t exit_reason;
    uint32_t proc_ctl, pin_ctl;                  /* cached VMCS controls the entry path toggles */
    uint32_t idt_info, idt_error, idt_instr_len; /* event a VM exit interrupted */
};

struct vmx_vm {
    struct ept ept;
};

/* vmm/vmx/entry.S: where VM exits land (the VMCS host RIP); vmx_enter is in vmx_public.h. */
void vmx_exit_entry(void);

/* vmm/vmx/vmcs.c */
int vmcs_setup(struct vmx_vcpu *vv, uint64_t eptp, const void *start);
void vmcs_dump_entry_failure(struct vmx_vcpu *vv, bool vmfail);

/* vmm/vmx/exit.c: handles one exit; false when the vCPU must stop. */
bool vmx_handle_exit(struct vmx_vcpu *vv);
/*
 * hv completed the guest's instruction and moved RIP past it (rflags: as
 * the instruction started): STI / MOV SS blocking ends and the #DB due
 * after it is injected (single step, a held breakpoint). vmx_skip_instruction
 * is this for the exit's own instruction length.
 */
void vmx_instruction_done(uint64_t rflags);

/* vmm/vmx/exit_mmio.c: platform MMIO (EPT violations) and INS/OUTS; false: stop. */
bool vmx_ept_violation(struct vmx_vcpu *vv);
bool vmx_string_io(struct vmx_vcpu *vv, uint64_t qual);

/* vmm/vmx/vapic.c: TPR shadow. */
uint32_t vapic_proc_controls(struct vmx_vcpu *vv, uint32_t proc);
void vapic_vmcs_setup(struct vmx_vcpu *vv);
void vapic_exit(struct vmx_vcpu *vv);
void vapic_entry(struct vmx_vcpu *vv, int pending);
void vapic_free(struct vmx_vcpu *vv);

/* vmm/vmx/vmx_events.c: interrupt injection, timers and HLT. */
void vmx_save_idt_vectoring(struct vmx_vcpu *vv);
void vmx_prepare_entry(struct vmx_vcpu *vv);
/* The guest executed HLT (already skipped): false when the vCPU must stop. */
bool vmx_halt(struct vmx_vcpu *vv);
const char *vmx_exit_reason_name(uint32_t reason);

#endif
