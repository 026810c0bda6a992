/*
 * The emulated module's TD execution on VMX (tdx=emulate): per-vCPU state
 * kept in the vCPU's TDCX pages, shared by tdx_emu_vmx.c (VMCS, entry,
 * state switching) and tdx_emu_exit.c (exits the module handles itself).
 */
#ifndef TDX_TDX_EMU_VMX_H
#define TDX_TDX_EMU_VMX_H

#include "tdx/emu/tdx_emu.h"
#include "vmm/vmx/vmx_vcpu.h"

/* TDCX pages of a vCPU the platform uses (struct tdx_emu_vcpu.pages). */
#define TDCX_VMCS 0
#define TDCX_STATE 1
#define TDCX_MSR_BITMAP 2

/* MSRs a TD uses natively that the VMCS does not switch (saved per TD vCPU). */
#define TD_NATIVE_MSRS 6

struct td_vmx {
    struct vmx_vcpu vv; /* for vmcs_setup: VMCS, MSR bitmap, no VPID */
    bool set_up;        /* the VMCS holds the TD's guest state */
    bool launched;
    unsigned host_lp; /* 1 + the LP whose host state the VMCS holds; 0 = none */
    uint8_t tpr;      /* the TD's CR8 (virtual, never the real APIC's) */
    uint64_t native_msr[TD_NATIVE_MSRS];
};

/* Sets the platform's vp_run and vp_flush to the VMX implementation. */
void tdx_emu_vmx_attach(struct tdx_emu_platform *p);
/*
 * tdx/tdx_emu_mem.c: the module's view of memory (alias map, TD pages out of
 * the direct map); sets phys_to_virt, page_private and tdx_seamcall.
 */
int tdx_emu_mem_attach(struct tdx_emu_platform *p);
/* TD private pages now out of the hypervisor's direct map. */
uint64_t tdx_emu_private_pages(void);
/* Where the module reaches physical address pa. */
void *tdx_emu_va(uint64_t pa);
struct td_vmx *td_vmx_state(const struct tdx_emu_vcpu *vc);
/*
 * Handles the exit that just happened. Returns true when the TD resumes,
 * false when vp_run must return *x to the module (TDCALL or a TD exit).
 */
bool td_vmx_exit(struct td_vmx *st, const struct tdx_emu_vcpu *vc, struct tdx_emu_exit *x);

#endif
