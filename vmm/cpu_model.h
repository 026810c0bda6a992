/* SPDX-License-Identifier: MIT */
/*
 * The CPU a VM is shown (docs/guest-abi.md, "CPU model"): a base model
 * (host or baseline) and features removed (-name) or put back (+name) by
 * the launch key cpuid=. Resolved once per VM against what the host CPU and
 * the backend can give into the set of feature flags CPUID shows; the MSR,
 * CR4 and XCR0 rules below follow from that set, so a guest never sees a
 * flag whose MSRs #GP or a CR4 bit accepted for a hidden feature. Pure code,
 * unit-tested on the host (tests/unit/test_cpu_model.c).
 */
#ifndef VMM_CPU_MODEL_H
#define VMM_CPU_MODEL_H

#include "lib/compiler.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"

enum cpu_model_base { CPU_MODEL_HOST, CPU_MODEL_BASELINE };

struct cpu_features {
    uint32_t r[CPUID_NFREGS]; /* indexed by enum cpuid_freg */
};

struct cpu_model {
    uint8_t base;             /* enum cpu_model_base */
    struct cpu_features hide; /* -name */
    struct cpu_features show; /* +name: back on although the base model hides it */
};

/* What the host CPU and the VM's backend and board can give a guest. */
struct cpu_env {
    struct cpu_features host; /* the host's CPUID feature registers */
    bool lapic;               /* a local APIC model per vCPU (x2APIC, TSC-deadline) */
    bool rdtscp_ctl;          /* VMX "enable RDTSCP" (RDTSCP and RDPID) */
    bool invpcid_ctl;         /* VMX "enable INVPCID" */
    bool xsaves_ctl;          /* VMX "enable XSAVES/XRSTORS" */
};

/*
 * cpuid= value: [host|baseline][,|:][+|-]feature..., separators ',' or ':'.
 * 0, or -EINVAL with *err a one-line reason ("cpuid=: unknown feature 'foo'").
 */
int cpu_model_parse(const char *spec, struct cpu_model *m, const char **err);
/* The model asks for f to be hidden (whatever the host has). */
bool cpu_model_hides(const struct cpu_model *m, uint16_t f);
/* The feature flags CPUID shows a VM of model m on env, dependants consistent. */
void cpu_model_resolve(const struct cpu_model *m, const struct cpu_env *env,
                       struct cpu_features *shown);

static inline bool cpu_feat(const struct cpu_features *f, uint16_t id)
{
    return f->r[CPUID_FEAT_REG(id)] >> CPUID_FEAT_BIT(id) & 1;
}

/* CR4 bits a guest may set (SDM Vol. 3A 2.5: the others #GP). */
uint64_t cpu_model_cr4_allowed(const struct cpu_features *shown);
/* XCR0 bits CPUID.0DH.0 shows, from the host's supported ones. */
uint64_t cpu_model_xcr0(const struct cpu_features *shown, uint64_t host_xcr0);
/* XSETBV: 0, or -EPERM for #GP (SDM Vol. 1 13.3). */
int cpu_model_xsetbv_check(uint64_t xcr0_shown, uint32_t xcr, uint64_t val);
/*
 * An MSR that belongs to a feature: 0 when that feature is shown, -EPERM
 * (#GP) when hidden; -ENOENT for MSRs no feature flag governs.
 */
int cpu_model_msr_gate(const struct cpu_features *shown, uint32_t msr);
/*
 * Masks one CPUID leaf's feature registers to the shown set, and zeroes the
 * leaves of features never shown (PT, SGX, RDT, AMX, Key Locker, PCONFIG).
 */
void cpu_model_filter_leaf(const struct cpu_features *shown, uint64_t xcr0_shown, uint32_t leaf,
                           uint32_t sub, struct cpuid_regs *r);
/* Name of feature id f, or NULL (for messages and tests). */
const char *cpu_model_feature_name(uint16_t f);

/* Iteration over the feature table (tests, docs): false past the end. */
struct cpu_feature_info {
    const char *name;
    uint16_t id;
    uint16_t parent; /* CPU_FEAT_NONE or the feature it needs */
    bool hideable;   /* -name accepted */
    bool never;      /* hv never shows it */
};
#define CPU_FEAT_NONE 0xffff
bool cpu_model_feature_at(unsigned i, struct cpu_feature_info *out);

#endif
