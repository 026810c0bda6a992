/* SPDX-License-Identifier: MIT */
/*
 * The MSRs behind a VM's CPU model (vmm/msr_virt.h, vmm/cpu_model.h):
 * per-vCPU state for IA32_TSC/TSC_ADJUST, IA32_MISC_ENABLE and machine
 * check; the feature gate first, the stateless rules (vmm/msr_virt.c) last.
 */
#include "vmm/msr_virt.h"
#include "vmm/cpu_model.h"
#include "kernel/x86/msr.h"
#include "lib/errno.h"

/*
 * IA32_MISC_ENABLE (SDM Vol. 4 table 2-2): fast strings, automatic TCC,
 * limit CPUID maxval and xTPR disable are kept as written; performance
 * monitoring available (0: no vPMU), BTS and PEBS unavailable (1: no DS),
 * EIST, MONITOR FSM and XD disable (0) are read-only here: writing another
 * value #GPs, as does setting a reserved bit.
 */
#define MISC_ENABLE_WRITABLE                                                     \
    (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_AUTO_TCC | MISC_ENABLE_LIMIT_CPUID | \
     MISC_ENABLE_XTPR_DISABLE)
#define MISC_ENABLE_READ_ONLY                                                                      \
    (MISC_ENABLE_PERFMON | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL | MISC_ENABLE_EIST | \
     MISC_ENABLE_MONITOR | MISC_ENABLE_XD_DISABLE)
#define MISC_ENABLE_RESET \
    (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)

/*
 * Machine-check banks (SDM 15.3.2): no error is ever logged, so MCi_STATUS,
 * MCi_ADDR and MCi_MISC read 0 and take only 0 (a non-zero STATUS write
 * #GPs, SDM 15.3.2.2); MCi_CTL keeps what is written. Registers of banks
 * past MCG_CAP.Count, and MCG_CTL (MCG_CAP.MCG_CTL_P is clear), #GP.
 */
#define MC_BANK(msr) (((msr)-MSR_IA32_MC0_CTL) / 4)
#define MC_REG(msr) (((msr)-MSR_IA32_MC0_CTL) % 4)

static bool mc_bank_msr(uint32_t msr)
{
    return msr >= MSR_IA32_MC0_CTL && msr < MSR_IA32_MC0_CTL + 4 * VM_MC_BANKS;
}

static int mc_bank_read(const struct vcpu_msrs *s, uint32_t msr, uint64_t *val)
{
    if (!mc_bank_msr(msr))
        return -EPERM;
    *val = MC_REG(msr) == 0 ? s->mc_ctl[MC_BANK(msr)] : 0;
    return 0;
}

static int mc_bank_write(struct vcpu_msrs *s, uint32_t msr, uint64_t val)
{
    if (!mc_bank_msr(msr))
        return -EPERM;
    if (MC_REG(msr) == 0)
        s->mc_ctl[MC_BANK(msr)] = val;
    else if (val)
        return -EPERM;
    return 0;
}

void vm_msrs_init(struct vcpu_msrs *s)
{
    *s = (struct vcpu_msrs){.misc_enable = MISC_ENABLE_RESET};
}

int vm_msr_model_read(const struct cpu_features *shown, const struct vcpu_msrs *s, uint32_t msr,
                      uint64_t host_tsc, uint64_t *val)
{
    int gate = cpu_model_msr_gate(shown, msr);

    if (gate == -EPERM)
        return -EPERM;
    switch (msr) {
    case MSR_IA32_TSC:
        *val = host_tsc + s->tsc_offset;
        return 0;
    case MSR_IA32_TSC_ADJUST:
        *val = s->tsc_adjust;
        return 0;
    case MSR_IA32_MISC_ENABLE:
        *val = s->misc_enable;
        return 0;
    case MSR_IA32_MCG_STATUS:
        *val = s->mcg_status;
        return 0;
    case MSR_IA32_MCG_CAP: /* VM_MC_BANKS banks; no MCG_CTL, CMCI or LMCE */
        *val = VM_MC_BANKS;
        return 0;
    case MSR_IA32_PERF_CAPABILITIES: /* no vPMU: no LBR format, PEBS or full-width writes */
    case MSR_IA32_XSS:               /* no supervisor state components */
        *val = 0;
        return 0;
    }
    if (msr == MSR_IA32_MCG_CTL)
        return -EPERM;
    if (msr >= MSR_IA32_MC0_CTL && msr <= MSR_IA32_MC_LAST)
        return mc_bank_read(s, msr, val);
    return vm_msr_virt_read(msr, val);
}

/* SDM 17.17.3: a WRMSR to IA32_TSC adds its delta to TSC_ADJUST, and one to TSC_ADJUST to the TSC. */
static void tsc_add(struct vcpu_msrs *s, uint64_t delta)
{
    s->tsc_offset += delta;
    s->tsc_adjust += delta;
}

static int misc_enable_write(struct vcpu_msrs *s, uint64_t val)
{
    if (val & ~(MISC_ENABLE_WRITABLE | MISC_ENABLE_READ_ONLY))
        return -EPERM;
    if ((val ^ s->misc_enable) & MISC_ENABLE_READ_ONLY)
        return -EPERM;
    s->misc_enable = val;
    return 0;
}

int vm_msr_model_write(const struct cpu_features *shown, struct vcpu_msrs *s, uint32_t msr,
                       uint64_t host_tsc, uint64_t val)
{
    if (cpu_model_msr_gate(shown, msr) == -EPERM)
        return -EPERM;
    switch (msr) {
    case MSR_IA32_TSC:
        tsc_add(s, val - (host_tsc + s->tsc_offset));
        return 0;
    case MSR_IA32_TSC_ADJUST:
        tsc_add(s, val - s->tsc_adjust);
        return 0;
    case MSR_IA32_MISC_ENABLE:
        return misc_enable_write(s, val);
    case MSR_IA32_MCG_STATUS:
        if (val & ~MCG_STATUS_VALID)
            return -EPERM;
        s->mcg_status = val;
        return 0;
    case MSR_IA32_MCG_CAP:
    case MSR_IA32_PERF_CAPABILITIES:
        return -EPERM; /* read-only */
    case MSR_IA32_XSS:
        return val ? -EPERM : 0;
    }
    if (msr == MSR_IA32_MCG_CTL)
        return -EPERM;
    if (msr >= MSR_IA32_MC0_CTL && msr <= MSR_IA32_MC_LAST)
        return mc_bank_write(s, msr, val);
    return vm_msr_virt_write(msr, val);
}
