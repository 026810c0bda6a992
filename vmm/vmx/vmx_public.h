/* SPDX-License-Identifier: MIT */
/*
 * What code outside vmm/vmx/ may use to run a vCPU of its own on VMX: its
 * own VMCS and register block, none of the vmx backend's per-vCPU state
 * (struct vmx_vcpu, vmx_vcpu.h, stays private to vmm/vmx/). The one user
 * today is the emulated TDX module (tdx/emu/vmx/), which runs TD vCPUs in
 * VMX non-root operation as the real module does in SEAM. VMX on/off and
 * the shared capabilities are in vmx.h. Each item says why it is public;
 * anything else a new user needs goes here with its reason.
 */
#ifndef VMM_VMX_VMX_PUBLIC_H
#define VMM_VMX_VMX_PUBLIC_H

#include "lib/compiler.h"
/* vmx_caps: a VMCS built outside vmm/vmx/ must keep to the controls and fixed CR bits all CPUs allow. */
#include "vmm/vmx/vmx.h"
/* VMCLEAR, VMPTRLD, VMREAD, VMWRITE, INVEPT: the instructions themselves, no backend state. */
#include "vmm/vmx/vmx_asm.h"
/* VMCS field encodings, exit reasons, controls: architectural constants (SDM). */
#include "vmm/vmx/vmx_hw.h"
/* ept_translate: a TD's S-EPT is in EPT format; pure code over the caller's own tables. */
#include "vmm/vmx/ept.h"

struct vcpu_start;

/*
 * Guest GPRs in the order of the SDM's register encoding (table 28-3), rsp
 * unused (in the VMCS). Public because vmx_enter loads and saves them: a
 * caller keeps its own block in this layout.
 */
struct guest_regs {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/*
 * vmm/vmx/entry.S: runs the guest of the current VMCS until the next VM
 * exit; 0 = exited, 1 = VM entry failed. Public: it is the only way to
 * enter a guest, whoever owns the VMCS.
 */
int vmx_enter(struct guest_regs *regs, int launched, uint64_t *host_rsp);

/*
 * VMCS setup for a vCPU whose state lives outside vmm/vmx/: the current
 * VMCS gets the vmx backend's controls (EPT eptp, the MSR bitmap at
 * msr_bitmap, no VPID), this CPU's host state, and guest state for start.
 * The caller then adjusts what its vCPU does differently. Public so a
 * second VMCS user needs no struct vmx_vcpu. 0 or -EIO.
 */
int vmx_vmcs_setup_foreign(uint64_t msr_bitmap, uint64_t eptp, const struct vcpu_start *start);
/* Host state is per CPU: public for a vCPU that moves to another CPU between entries. */
void vmcs_load_host_state(void);
/* Logs why VM entry failed (vmfail: VMfail, else invalid guest state); public for the same log line. */
void vmx_dump_entry_failure(bool vmfail);

/* Event injection on the current VMCS: public for a caller's own exit handling. */
void vmx_inject_exception(uint8_t vector, bool has_error, uint32_t error);
void vmx_skip_instruction(void);

/*
 * Fills a 4 KiB MSR bitmap (SDM 25.6.9): every MSR exits except the
 * pass-through set. Public so another VMCS passes through the same MSRs.
 */
void vmx_msr_bitmap_init(uint8_t *bitmap);

#endif
