/* SPDX-License-Identifier: MIT */
/*
 * Backend-neutral MSR rules (Intel SDM Vol. 4 for the numbers): IA32_FEATURE_CONTROL
 * reads locked with VMX off (no nested VMX) and refuses writes; IA32_MISC_ENABLE shows
 * fast strings on (Linux keeps ERMS, and with it FSRM, consistent: linux-guest.md);
 * the microcode revision reads 0 and its "write 0, CPUID, read" probe is accepted; the
 * MTRRs read as all write-back and writes have no effect, since memory types come from
 * EPT (vmx) or the TDX module (tdx).
 */
#include "vmm/msr_virt.h"
#include "kernel/x86/msr.h"
#include "lib/errno.h"

#define MSR_FEATURE_CONTROL MSR_IA32_FEATURE_CONTROL
#define MSR_UCODE_REV MSR_IA32_UCODE_REV
#define MSR_MTRRCAP MSR_IA32_MTRRCAP
#define MSR_MISC_ENABLE MSR_IA32_MISC_ENABLE
#define MSR_MTRR_FIRST MSR_IA32_MTRR_FIRST
#define MSR_MTRR_LAST MSR_IA32_MTRR_LAST
#define MSR_MTRR_DEF_TYPE MSR_IA32_MTRR_DEF_TYPE
#define FEATURE_CONTROL_LOCK 1ULL
#define MTRR_DEF_WB_ENABLED 0xC06 /* E, FE, type WB */

static bool is_mtrr(uint32_t msr)
{
    return msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST;
}

int vm_msr_virt_read(uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FEATURE_CONTROL:
        *val = FEATURE_CONTROL_LOCK;
        return 0;
    case MSR_MISC_ENABLE:
        *val = MISC_ENABLE_FAST_STRINGS;
        return 0;
    case MSR_MTRRCAP:
    case MSR_UCODE_REV:
        *val = 0;
        return 0;
    case MSR_MTRR_DEF_TYPE:
        *val = MTRR_DEF_WB_ENABLED;
        return 0;
    }
    if (!is_mtrr(msr))
        return -ENOENT;
    *val = 0;
    return 0;
}

int vm_msr_virt_write(uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_FEATURE_CONTROL:
    case MSR_MTRRCAP:
        return -EPERM; /* locked / read-only */
    case MSR_MISC_ENABLE:
    case MSR_UCODE_REV:
    case MSR_MTRR_DEF_TYPE:
        return 0;
    }
    return is_mtrr(msr) ? 0 : -ENOENT;
}
