/* SPDX-License-Identifier: MIT */
/*
 * The emulated module's TD execution on VMX (tdx=emulate): per-vCPU state
 * kept in the vCPU's TDCX pages, shared by tdx_emu_vmx.c (VMCS, entry,
 * state switching), tdx_emu_exit.c (exits the module handles itself) and
 * tdx_emu_mem.c (the module's view of memory). vmm/vmx/ is reached only
 * through its public header.
 */
#ifndef TDX_EMU_VMX_TDX_EMU_VMX_H
#define TDX_EMU_VMX_TDX_EMU_VMX_H

#include "tdx/emu/tdx_emu.h"
#include "vmm/vmx/vmx_public.h"

/* TDCX pages of a vCPU the platform uses (struct tdxemu_vcpu.pages). */
#define TDXEMU_TDCX_VMCS 0
#define TDXEMU_TDCX_STATE 1
#define TDXEMU_TDCX_MSR_BITMAP 2

/* MSRs a TD uses natively that the VMCS does not switch (saved per TD vCPU). */
#define TDXEMU_NATIVE_MSRS 6

struct tdxemu_vmx {
    uint64_t vmcs;       /* host-physical: TDCX page TDXEMU_TDCX_VMCS */
    uint64_t msr_bitmap; /* host-physical: TDCX page TDXEMU_TDCX_MSR_BITMAP */
    bool set_up;         /* the VMCS holds the TD's guest state */
    bool launched;
    uint64_t host_rsp; /* as the VMCS holds it (vmx_enter) */
    unsigned host_lp;  /* 1 + the LP whose host state the VMCS holds; 0 = none */
    uint8_t tpr;       /* the TD's CR8 (virtual, never the real APIC's) */
    uint64_t native_msr[TDXEMU_NATIVE_MSRS];
};

/* Sets the platform's vp_run and vp_flush to the VMX implementation. */
void tdxemu_vmx_attach(struct tdxemu_platform *p);
/*
 * tdx/emu/vmx/tdx_emu_mem.c: the module's view of memory (alias map, TD pages out of
 * the direct map); sets phys_to_virt, page_private and tdx_seamcall.
 */
int tdxemu_mem_attach(struct tdxemu_platform *p);
/* Where the module reaches physical address pa. */
void *tdxemu_va(uint64_t pa);
struct tdxemu_vmx *tdxemu_vmx_state(const struct tdxemu_vcpu *vc);
/*
 * Handles the exit that just happened. Returns true when the TD resumes,
 * false when vp_run must return *x to the module (TDCALL or a TD exit).
 */
bool tdxemu_vmx_exit(struct tdxemu_vmx *st, const struct tdxemu_vcpu *vc, struct tdxemu_exit *x);

#endif
