/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/cpu_model.c vmm/msr_model.c vmm/msr_virt.c lib/string.c */
/*
 * The per-VM CPU model: cpuid= parsing, and for several host CPUs (a Tiger
 * Lake as Bochs shows it, a KVM guest's CPU, one with every bit set) and
 * several cpuid= specs, that every feature the CPUID shows has its MSRs and
 * CR4 bits working and every hidden one has them refused (#GP).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vmm/cpu_model.h"
#include "vmm/msr_virt.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"
#include "lib/errno.h"

#define END 0xffff

static struct cpu_features feats_of(const uint16_t *ids)
{
    struct cpu_features f;

    memset(&f, 0, sizeof(f));
    for (; *ids != END; ids++)
        f.r[CPUID_FEAT_REG(*ids)] |= 1U << CPUID_FEAT_BIT(*ids);
    return f;
}

/* Bochs 2.7 "tigerlake" (CPUID leaves 1, 7, 0xD.1, 0x8000000x as the model sets them). */
static const uint16_t tigerlake[] = {
    F_SSE3,
    F_PCLMULQDQ,
    F_DTES64,
    F_MONITOR,
    F_DS_CPL,
    F_VMX,
    F_EIST,
    F_TM2,
    F_SSSE3,
    F_FMA,
    F_CX16,
    F_XTPR,
    F_PDCM,
    F_PCID,
    F_SSE4_1,
    F_SSE4_2,
    F_X2APIC,
    F_MOVBE,
    F_POPCNT,
    F_TSC_DEADLINE,
    F_AES,
    F_XSAVE,
    F_OSXSAVE,
    F_AVX,
    F_F16C,
    F_RDRAND,
    F_FPU,
    F_VME,
    F_DE,
    F_PSE,
    F_TSC,
    F_MSR,
    F_PAE,
    F_MCE,
    F_CX8,
    F_APIC,
    F_SEP,
    F_MTRR,
    F_PGE,
    F_MCA,
    F_CMOV,
    F_PAT,
    F_PSE36,
    F_CLFSH,
    F_DS,
    F_ACPI,
    F_MMX,
    F_FXSR,
    F_SSE,
    F_SSE2,
    F_SS,
    F_HTT,
    F_TM,
    F_PBE,
    F_FSGSBASE,
    F_TSC_ADJUST,
    F_BMI1,
    F_AVX2,
    F_SMEP,
    F_BMI2,
    F_ERMS,
    F_INVPCID,
    F_AVX512F,
    F_AVX512DQ,
    F_RDSEED,
    F_ADX,
    F_SMAP,
    F_AVX512IFMA,
    F_CLFLUSHOPT,
    F_CLWB,
    F_PT,
    F_AVX512CD,
    F_SHA,
    F_AVX512BW,
    F_AVX512VL,
    F_AVX512VBMI,
    F_UMIP,
    F_PKU,
    F_OSPKE,
    F_AVX512VBMI2,
    F_SHSTK,
    F_GFNI,
    F_VAES,
    F_VPCLMULQDQ,
    F_AVX512VNNI,
    F_AVX512BITALG,
    F_AVX512VPOPCNTDQ,
    F_RDPID,
    F_MOVDIRI,
    F_MOVDIR64B,
    F_FSRM,
    F_AVX512VP2INTERSECT,
    F_MD_CLEAR,
    F_IBT,
    F_IBRS,
    F_STIBP,
    F_FLUSH_L1D,
    F_ARCH_CAPABILITIES,
    F_SSBD,
    F_XSAVEOPT,
    F_XSAVEC,
    F_XGETBV1,
    F_XSAVES,
    F_LAHF_LM,
    F_ABM,
    F_3DNOWPREFETCH,
    F_SYSCALL,
    F_NX,
    F_PDPE1GB,
    F_RDTSCP,
    F_LM,
    F_INVARIANT_TSC,
    F_WBNOINVD,
    END,
};

/* What KVM shows a guest on a Skylake (no DS, PDCM, MONITOR; x2APIC and TSC-deadline emulated). */
static const uint16_t kvm[] = {
    F_SSE3,          F_PCLMULQDQ,  F_SSSE3,    F_FMA,     F_CX16,    F_PCID,
    F_SSE4_1,        F_SSE4_2,     F_X2APIC,   F_MOVBE,   F_POPCNT,  F_TSC_DEADLINE,
    F_AES,           F_XSAVE,      F_AVX,      F_F16C,    F_RDRAND,  F_HYPERVISOR,
    F_FPU,           F_VME,        F_DE,       F_PSE,     F_TSC,     F_MSR,
    F_PAE,           F_MCE,        F_CX8,      F_APIC,    F_SEP,     F_MTRR,
    F_PGE,           F_MCA,        F_CMOV,     F_PAT,     F_PSE36,   F_CLFSH,
    F_MMX,           F_FXSR,       F_SSE,      F_SSE2,    F_SS,      F_FSGSBASE,
    F_TSC_ADJUST,    F_BMI1,       F_HLE,      F_AVX2,    F_SMEP,    F_BMI2,
    F_ERMS,          F_INVPCID,    F_RTM,      F_MPX,     F_RDSEED,  F_ADX,
    F_SMAP,          F_CLFLUSHOPT, F_MD_CLEAR, F_IBRS,    F_STIBP,   F_ARCH_CAPABILITIES,
    F_SSBD,          F_XSAVEOPT,   F_XSAVEC,   F_XGETBV1, F_LAHF_LM, F_ABM,
    F_3DNOWPREFETCH, F_SYSCALL,    F_NX,       F_PDPE1GB, F_RDTSCP,  F_LM,
    F_INVARIANT_TSC, END,
};

static struct cpu_env env_of(const uint16_t *host, bool lapic, bool ctls)
{
    struct cpu_env e = {
        .lapic = lapic, .rdtscp_ctl = ctls, .invpcid_ctl = ctls, .xsaves_ctl = ctls};

    if (host)
        e.host = feats_of(host);
    else
        memset(&e.host, 0xff, sizeof(e.host)); /* a CPU with every bit set */
    return e;
}

/* ------------------------------------------------------------------ rules */

/* A feature's MSRs (0: none) and CR4 bit (0: none), as the SDM ties them. */
static const struct rule {
    uint16_t feat;
    uint32_t msr[3];
    uint64_t cr4;
} rules[] = {
    {F_TSC, {MSR_IA32_TSC}, CR4_TSD},
    {F_TSC_ADJUST, {MSR_IA32_TSC_ADJUST}, 0},
    {F_PDCM, {MSR_IA32_PERF_CAPABILITIES}, 0},
    {F_MCA, {MSR_IA32_MCG_CAP, MSR_IA32_MCG_STATUS}, 0},
    {F_MCE, {0}, CR4_MCE},
    {F_MTRR, {MSR_IA32_MTRRCAP, MSR_IA32_MTRR_DEF_TYPE, MSR_IA32_MTRR_FIRST}, 0},
    {F_PAT, {MSR_IA32_PAT}, 0},
    {F_DS, {MSR_IA32_DS_AREA}, 0},
    {F_SHSTK, {MSR_IA32_U_CET, MSR_IA32_INTERRUPT_SSP_TABLE}, CR4_CET},
    {F_IBT, {MSR_IA32_U_CET}, CR4_CET},
    {F_PCID, {0}, CR4_PCIDE},
    {F_XSAVE, {0}, CR4_OSXSAVE},
    {F_XSAVES, {MSR_IA32_XSS}, 0},
    {F_SMEP, {0}, CR4_SMEP},
    {F_SMAP, {0}, CR4_SMAP},
    {F_UMIP, {0}, CR4_UMIP},
    {F_FSGSBASE, {0}, CR4_FSGSBASE},
    {F_PKU, {0}, CR4_PKE},
    {F_LA57, {0}, CR4_LA57},
    {F_VMX, {0}, CR4_VMXE},
    {F_SMX, {0}, CR4_SMXE},
    {F_KL, {0}, CR4_KL},
    {F_PKS, {MSR_IA32_PKRS}, CR4_PKS},
    {F_X2APIC, {MSR_X2APIC_BASE + 2, MSR_X2APIC_BASE + 0x30}, 0},
    {F_TSC_DEADLINE, {MSR_IA32_TSC_DEADLINE}, 0},
    {F_RDTSCP, {MSR_TSC_AUX}, 0},
    {F_SEP, {MSR_IA32_SYSENTER_CS}, 0},
    {F_MPX, {MSR_IA32_BNDCFGS}, 0},
    {F_WAITPKG, {MSR_IA32_UMWAIT_CONTROL}, 0},
    {F_ARCH_CAPABILITIES, {MSR_IA32_ARCH_CAPABILITIES}, 0},
    {F_FLUSH_L1D, {MSR_IA32_FLUSH_CMD}, 0},
    {F_IBRS, {MSR_IA32_PRED_CMD}, 0},
    {F_LM, {MSR_LSTAR, MSR_KERNEL_GS_BASE}, 0},
};

/* The MSR is readable: the model answers it, or leaves it to the backend with the feature shown. */
static bool msr_readable(const struct cpu_features *s, uint32_t msr)
{
    struct vcpu_msrs st;
    uint64_t v;
    int e;

    vm_msrs_init(&st);
    e = vm_msr_model_read(s, &st, msr, 1000, &v);
    return e == 0 || (e == -ENOENT && cpu_model_msr_gate(s, msr) == 0);
}

static bool feature_shown(const struct cpu_features *s, const struct rule *r)
{
    if (r->feat == F_SHSTK || r->feat == F_IBT) /* CET: either one brings the MSRs and CR4.CET */
        return cpu_feat(s, F_SHSTK) || cpu_feat(s, F_IBT);
    if (r->feat == F_RDTSCP)
        return cpu_feat(s, F_RDTSCP) || cpu_feat(s, F_RDPID);
    return cpu_feat(s, r->feat);
}

static void check_rules(const struct cpu_features *s)
{
    uint64_t cr4 = cpu_model_cr4_allowed(s);

    for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        const struct rule *r = &rules[i];
        bool on = feature_shown(s, r);
        for (unsigned j = 0; j < 3 && r->msr[j]; j++) {
            if (msr_readable(s, r->msr[j]) != on)
                fail_msg("%s %s but MSR %#x %s", cpu_model_feature_name(r->feat),
                         on ? "shown" : "hidden", r->msr[j], on ? "#GP" : "readable");
        }
        if (r->cr4 && !!(cr4 & r->cr4) != on)
            fail_msg("%s %s but CR4 bit %#lx %s", cpu_model_feature_name(r->feat),
                     on ? "shown" : "hidden", (unsigned long)r->cr4, on ? "refused" : "allowed");
    }
}

/* Only table features, never the never-shown ones, and every dependant with its parent. */
static void check_consistent(const struct cpu_features *s)
{
    struct cpu_features known;
    struct cpu_feature_info fi;

    memset(&known, 0, sizeof(known));
    for (unsigned i = 0; cpu_model_feature_at(i, &fi); i++) {
        known.r[CPUID_FEAT_REG(fi.id)] |= 1U << CPUID_FEAT_BIT(fi.id);
        if (!cpu_feat(s, fi.id))
            continue;
        if (fi.never)
            fail_msg("%s shown but hv never backs it", fi.name);
        if (fi.parent != CPU_FEAT_NONE && !cpu_feat(s, fi.parent))
            fail_msg("%s shown without %s", fi.name, cpu_model_feature_name(fi.parent));
    }
    for (unsigned r = 0; r < CPUID_NFREGS; r++)
        if (s->r[r] & ~known.r[r])
            fail_msg("register %u shows unknown bits %#x", r, s->r[r] & ~known.r[r]);
}

/* CPUID as filtered from an all-ones host answer shows nothing outside the set. */
static void check_leaves(const struct cpu_features *s, uint64_t xcr0)
{
    struct cpuid_regs r = {~0U, ~0U, ~0U, ~0U};

    cpu_model_filter_leaf(s, xcr0, 1, 0, &r);
    assert_int_equal(r.ecx, s->r[FR_1_ECX]);
    assert_int_equal(r.edx, s->r[FR_1_EDX]);
    r = (struct cpuid_regs){~0U, ~0U, ~0U, ~0U};
    cpu_model_filter_leaf(s, xcr0, 7, 0, &r);
    assert_int_equal(r.eax, 1);
    assert_int_equal(r.ebx, s->r[FR_7_EBX]);
    assert_int_equal(r.ecx, s->r[FR_7_ECX]);
    assert_int_equal(r.edx, s->r[FR_7_EDX]);
    r = (struct cpuid_regs){~0U, ~0U, ~0U, ~0U};
    cpu_model_filter_leaf(s, xcr0, 0xD, 0, &r);
    assert_int_equal(((uint64_t)r.edx << 32) | r.eax, cpu_feat(s, F_XSAVE) ? xcr0 : 0);
    r = (struct cpuid_regs){~0U, ~0U, ~0U, ~0U};
    cpu_model_filter_leaf(s, xcr0, 0x80000001, 0, &r);
    assert_int_equal(r.edx, s->r[FR_81_EDX]);
    r = (struct cpuid_regs){~0U, ~0U, ~0U, ~0U};
    cpu_model_filter_leaf(s, xcr0, 0x14, 0, &r); /* PT: never */
    assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static const char *const specs[] = {
    "host",
    "baseline",
    "-x2apic,-pcid",
    "-x2apic:-pcid",
    "-xsave",
    "-avx",
    "baseline,+x2apic,+pcid",
    "-tsc-deadline,-xsave,-avx,-pku,-smap,-smep,-umip,-fsgsbase,-rdtscp,-invpcid,-pdcm,-mca",
    "-mtrr,-tsc-adjust,-mce,-ibrs,-stibp,-ssbd,-arch-capabilities,-flush-l1d",
};

static void walk(const uint16_t *host, bool lapic, bool ctls)
{
    struct cpu_env env = env_of(host, lapic, ctls);

    for (unsigned i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        struct cpu_model m;
        struct cpu_features s;
        const char *err = NULL;
        uint64_t xcr0;

        assert_int_equal(cpu_model_parse(specs[i], &m, &err), 0);
        cpu_model_resolve(&m, &env, &s);
        xcr0 = cpu_model_xcr0(&s, ~0ULL);
        check_consistent(&s);
        check_rules(&s);
        check_leaves(&s, xcr0);
    }
}

static void test_tigerlake(void **state)
{
    walk(tigerlake, true, true);
    walk(tigerlake, false, true);
    walk(tigerlake, true, false);
}

static void test_kvm(void **state)
{
    walk(kvm, true, true);
    walk(kvm, true, false);
}

static void test_everything(void **state)
{
    walk(NULL, true, true);
    walk(NULL, false, false);
}

/* ------------------------------------------------------------- specifics */

static struct cpu_features resolve(const char *spec, const uint16_t *host)
{
    struct cpu_env env = env_of(host, true, true);
    struct cpu_model m;
    struct cpu_features s;
    const char *err;

    assert_int_equal(cpu_model_parse(spec, &m, &err), 0);
    cpu_model_resolve(&m, &env, &s);
    return s;
}

static void test_host_model(void **state)
{
    struct cpu_features s = resolve("host", tigerlake);

    assert_true(cpu_feat(&s, F_X2APIC) && cpu_feat(&s, F_TSC_DEADLINE) && cpu_feat(&s, F_PCID));
    assert_true(cpu_feat(&s, F_INVPCID) && cpu_feat(&s, F_AVX512F) && cpu_feat(&s, F_PDCM));
    assert_true(cpu_feat(&s, F_TSC_ADJUST) && cpu_feat(&s, F_MCA) && cpu_feat(&s, F_XSAVES));
    /* CET, DS, PT, MONITOR, VMX: no backing, hidden */
    assert_false(cpu_feat(&s, F_SHSTK) || cpu_feat(&s, F_IBT) || cpu_feat(&s, F_DS));
    assert_false(cpu_feat(&s, F_DTES64) || cpu_feat(&s, F_PT) || cpu_feat(&s, F_MONITOR));
    assert_false(cpu_feat(&s, F_VMX) || cpu_feat(&s, F_OSXSAVE) || cpu_feat(&s, F_OSPKE));
    assert_int_equal(cpu_model_cr4_allowed(&s) & (CR4_CET | CR4_VMXE), 0);
    assert_true(cpu_model_cr4_allowed(&s) & CR4_PCIDE);
}

static void test_baseline(void **state)
{
    struct cpu_features s = resolve("baseline", NULL);

    assert_false(cpu_feat(&s, F_X2APIC) || cpu_feat(&s, F_TSC_DEADLINE) || cpu_feat(&s, F_PCID));
    assert_false(cpu_feat(&s, F_INVPCID) || cpu_feat(&s, F_AVX512F) || cpu_feat(&s, F_AVX512VL));
    assert_false(cpu_feat(&s, F_PKU) || cpu_feat(&s, F_XSAVES) || cpu_feat(&s, F_XSAVEC));
    assert_true(cpu_feat(&s, F_AVX2) && cpu_feat(&s, F_XSAVE) && cpu_feat(&s, F_APIC));
    assert_int_equal(cpu_model_xcr0(&s, ~0ULL), XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX);
    s = resolve("baseline:+x2apic", NULL);
    assert_true(cpu_feat(&s, F_X2APIC));
    assert_false(cpu_feat(&s, F_PCID));
}

/* Hiding a feature hides what needs it. */
static void test_dependants(void **state)
{
    struct cpu_features s = resolve("-xsave", tigerlake);

    assert_false(cpu_feat(&s, F_AVX) || cpu_feat(&s, F_AVX2) || cpu_feat(&s, F_FMA));
    assert_false(cpu_feat(&s, F_AVX512F) || cpu_feat(&s, F_AVX512BW) || cpu_feat(&s, F_VAES));
    assert_false(cpu_feat(&s, F_XSAVEOPT) || cpu_feat(&s, F_XSAVES) || cpu_feat(&s, F_PKU));
    assert_int_equal(cpu_model_xcr0(&s, ~0ULL), 0);
    assert_int_equal(cpu_model_cr4_allowed(&s) & (CR4_OSXSAVE | CR4_PKE), 0);
    s = resolve("-avx", tigerlake);
    assert_true(cpu_feat(&s, F_XSAVE));
    assert_false(cpu_feat(&s, F_AVX2) || cpu_feat(&s, F_AVX512F));
    assert_int_equal(cpu_model_xcr0(&s, ~0ULL), XFEATURE_X87 | XFEATURE_SSE | XFEATURE_PKRU);
    s = resolve("-erms", tigerlake);
    assert_false(cpu_feat(&s, F_FSRM));
    s = resolve("-rdtscp", tigerlake);
    assert_false(cpu_feat(&s, F_RDPID));
    assert_int_equal(cpu_model_msr_gate(&s, MSR_TSC_AUX), -EPERM);
}

/* A backend without a VMX control cannot show what needs it. */
static void test_controls(void **state)
{
    struct cpu_env env = env_of(tigerlake, true, false);
    struct cpu_model m;
    struct cpu_features s;
    const char *err;

    assert_int_equal(cpu_model_parse("host", &m, &err), 0);
    cpu_model_resolve(&m, &env, &s);
    assert_false(cpu_feat(&s, F_INVPCID) || cpu_feat(&s, F_RDTSCP) || cpu_feat(&s, F_RDPID));
    assert_false(cpu_feat(&s, F_XSAVES));
    assert_true(cpu_feat(&s, F_PCID));
    env.lapic = false;
    cpu_model_resolve(&m, &env, &s);
    assert_false(cpu_feat(&s, F_APIC) || cpu_feat(&s, F_X2APIC) || cpu_feat(&s, F_TSC_DEADLINE));
    assert_int_equal(cpu_model_msr_gate(&s, MSR_IA32_APIC_BASE), -EPERM);
}

static void bad(const char *spec, const char *want)
{
    struct cpu_model m;
    const char *err = NULL;

    assert_int_equal(cpu_model_parse(spec, &m, &err), -EINVAL);
    assert_non_null(err);
    assert_string_equal(err, want);
}

static void test_parse(void **state)
{
    struct cpu_model m;
    const char *err;

    assert_int_equal(cpu_model_parse("-x2apic,-pcid", &m, &err), 0);
    assert_true(cpu_model_hides(&m, F_X2APIC) && cpu_model_hides(&m, F_PCID));
    assert_false(cpu_model_hides(&m, F_AVX));
    assert_int_equal(cpu_model_parse("baseline", &m, &err), 0);
    assert_int_equal(m.base, CPU_MODEL_BASELINE);
    assert_true(cpu_model_hides(&m, F_X2APIC));
    assert_int_equal(cpu_model_parse("baseline:+x2apic:-avx", &m, &err), 0);
    assert_false(cpu_model_hides(&m, F_X2APIC));
    assert_true(cpu_model_hides(&m, F_AVX));
    assert_int_equal(cpu_model_parse("-vmx", &m, &err), 0); /* already hidden: accepted */
    bad("-foo", "cpuid=: unknown feature 'foo'");
    bad("+shstk", "cpuid=: 'shstk' cannot be shown: hv does not virtualize it");
    bad("-fpu", "cpuid=: 'fpu' cannot be hidden (guests need it)");
    bad("x2apic", "cpuid=: expected +feature, -feature, host or baseline, not 'x2apic'");
    bad("-x2apic,baseline",
        "cpuid=: expected +feature, -feature, host or baseline, not 'baseline'");
    bad("", "cpuid=: empty (host, baseline, or +/-feature list)");
    bad("-x2apic,,-pcid", "cpuid=: empty item");
    bad("-x2apic,", "cpuid=: empty item");
    bad("-", "cpuid=: expected +feature, -feature, host or baseline, not '-'");
}

/* SDM 17.17.3: writes to IA32_TSC and TSC_ADJUST move each other by the same delta. */
static void test_tsc(void **state)
{
    struct cpu_features s = resolve("host", tigerlake);
    struct vcpu_msrs m;
    uint64_t v;

    vm_msrs_init(&m);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_TSC, 1000, &v), 0);
    assert_int_equal(v, 1000);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_TSC, 1000, 5000), 0);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_TSC, 1100, &v), 0);
    assert_int_equal(v, 5100);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_TSC_ADJUST, 1100, &v), 0);
    assert_int_equal(v, 4000);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_TSC_ADJUST, 1100, 0), 0);
    assert_int_equal(m.tsc_offset, 0);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_TSC, 1200, &v), 0);
    assert_int_equal(v, 1200);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_TSC, 1200, 200), 0);
    assert_int_equal(m.tsc_adjust, (uint64_t)-1000);
    s = resolve("-tsc-adjust", tigerlake);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_TSC_ADJUST, 0, &v), -EPERM);
}

static void test_misc_enable(void **state)
{
    struct cpu_features s = resolve("host", tigerlake);
    struct vcpu_msrs m;
    uint64_t v, v0;

    vm_msrs_init(&m);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_MISC_ENABLE, 0, &v0), 0);
    assert_true(v0 & MISC_ENABLE_FAST_STRINGS);
    assert_true(v0 & MISC_ENABLE_BTS_UNAVAIL);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MISC_ENABLE, 0, v0 & ~1ULL), 0);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_MISC_ENABLE, 0, &v), 0);
    assert_int_equal(v, v0 & ~1ULL); /* kept */
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MISC_ENABLE, 0, v | (1ULL << 22)), 0);
    assert_int_equal(
        vm_msr_model_write(&s, &m, MSR_IA32_MISC_ENABLE, 0, v & ~MISC_ENABLE_BTS_UNAVAIL), -EPERM);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MISC_ENABLE, 0, v | (1ULL << 40)), -EPERM);
}

static void test_mca_pdcm_xss(void **state)
{
    struct cpu_features s = resolve("host", tigerlake);
    struct vcpu_msrs m;
    uint64_t v = 1;

    vm_msrs_init(&m);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_MCG_CAP, 0, &v), 0);
    assert_int_equal(v, VM_MC_BANKS); /* Count; no MCG_CTL_P, CMCI or LMCE */
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MCG_CAP, 0, 0), -EPERM);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MCG_STATUS, 0, 0), 0);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MCG_STATUS, 0, 1ULL << 8), -EPERM);
    /* banks: CTL kept, STATUS/ADDR/MISC read 0 and take only 0, banks past Count #GP */
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MC0_CTL + 4, 0, ~0ULL), 0);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_MC0_CTL + 4, 0, &v), 0);
    assert_int_equal(v, ~0ULL);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_MC0_CTL, 0, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_MC0_CTL + 1, 0, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MC0_CTL + 1, 0, 0), 0);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_MC0_CTL + 1, 0, 1), -EPERM);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_MC0_CTL + 4 * VM_MC_BANKS, 0, &v), -EPERM);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_MCG_CTL, 0, &v), -EPERM);
    assert_int_equal(vm_msr_model_read(&s, &m, MSR_IA32_PERF_CAPABILITIES, 0, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_PERF_CAPABILITIES, 0, 0), -EPERM);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_XSS, 0, 0), 0);
    assert_int_equal(vm_msr_model_write(&s, &m, MSR_IA32_XSS, 0, 1ULL << 11), -EPERM);
    assert_int_equal(vm_msr_model_read(&s, &m, 0x12345678, 0, &v), -ENOENT);
}

static void test_xsetbv(void **state)
{
    uint64_t all = XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX | XFEATURE_AVX512 | XFEATURE_PKRU;

    assert_int_equal(cpu_model_xsetbv_check(all, 0, 3), 0);
    assert_int_equal(cpu_model_xsetbv_check(all, 0, all), 0);
    assert_int_equal(cpu_model_xsetbv_check(all, 1, 3), -EPERM);
    assert_int_equal(cpu_model_xsetbv_check(all, 0, 2), -EPERM);    /* no x87 */
    assert_int_equal(cpu_model_xsetbv_check(all, 0, 5), -EPERM);    /* AVX without SSE */
    assert_int_equal(cpu_model_xsetbv_check(all, 0, 0x27), -EPERM); /* part of AVX-512 */
    assert_int_equal(cpu_model_xsetbv_check(all, 0, 0xE3), -EPERM); /* AVX-512 without AVX */
    assert_int_equal(cpu_model_xsetbv_check(3, 0, 7), -EPERM);      /* AVX hidden */
    assert_int_equal(cpu_model_xsetbv_check(all, 0, 3 | (1ULL << 17)), -EPERM); /* AMX */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tigerlake),    cmocka_unit_test(test_kvm),
        cmocka_unit_test(test_everything),   cmocka_unit_test(test_host_model),
        cmocka_unit_test(test_baseline),     cmocka_unit_test(test_dependants),
        cmocka_unit_test(test_controls),     cmocka_unit_test(test_parse),
        cmocka_unit_test(test_tsc),          cmocka_unit_test(test_misc_enable),
        cmocka_unit_test(test_mca_pdcm_xss), cmocka_unit_test(test_xsetbv),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
