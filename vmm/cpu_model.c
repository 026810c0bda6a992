/* SPDX-License-Identifier: MIT */
/*
 * Per-VM CPU model (vmm/cpu_model.h). The feature table is an allowlist: a
 * host flag hv does not list here is never shown, so a new CPU cannot leak
 * a feature whose MSRs or instructions a guest would find missing. Names
 * are Linux's /proc/cpuinfo spellings (with '-' for '_').
 */
#include "vmm/cpu_model.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"
#include "lib/errno.h"
#include "lib/string.h"

enum {
    H = 1 << 0,      /* may be hidden with -name */
    NEVER = 1 << 1,  /* hv never shows it: no MSRs or state behind it */
    LAPIC = 1 << 2,  /* modelled by the local APIC: shown with one, whatever the host */
    RDTSCP = 1 << 3, /* needs the VMX "enable RDTSCP" control */
    INVPCID = 1 << 4,
    XSAVES = 1 << 5,
};

struct feat {
    const char *name;
    uint16_t id;
    uint16_t parent;
    uint8_t flags;
};

#define NONE CPU_FEAT_NONE

static const struct feat feats[] = {
    /* leaf 1 ECX */
    {"sse3", F_SSE3, NONE, H},
    {"pclmulqdq", F_PCLMULQDQ, F_SSE3, H},
    {"dtes64", F_DTES64, NONE, NEVER}, /* DS: no DS_AREA */
    {"monitor", F_MONITOR, NONE, NEVER},
    {"ds-cpl", F_DS_CPL, NONE, NEVER},
    {"vmx", F_VMX, NONE, NEVER},
    {"smx", F_SMX, NONE, NEVER},
    {"est", F_EIST, NONE, NEVER}, /* no PERF_CTL/PERF_STATUS */
    {"tm2", F_TM2, NONE, NEVER},
    {"ssse3", F_SSSE3, F_SSE3, H},
    {"sdbg", F_SDBG, NONE, NEVER},
    {"fma", F_FMA, F_AVX, H},
    {"cx16", F_CX16, NONE, H},
    {"xtpr", F_XTPR, NONE, NEVER},
    {"pdcm", F_PDCM, NONE, H},
    {"pcid", F_PCID, NONE, H},
    {"dca", F_DCA, NONE, NEVER},
    {"sse4-1", F_SSE4_1, F_SSSE3, H},
    {"sse4-2", F_SSE4_2, F_SSE4_1, H},
    {"x2apic", F_X2APIC, F_APIC, H | LAPIC},
    {"movbe", F_MOVBE, NONE, H},
    {"popcnt", F_POPCNT, NONE, H},
    {"tsc-deadline", F_TSC_DEADLINE, F_APIC, H | LAPIC},
    {"aes", F_AES, NONE, H},
    {"xsave", F_XSAVE, NONE, H},
    {"avx", F_AVX, F_XSAVE, H},
    {"f16c", F_F16C, F_AVX, H},
    {"rdrand", F_RDRAND, NONE, H},
    /* leaf 1 EDX */
    {"fpu", F_FPU, NONE, 0},
    {"vme", F_VME, NONE, H},
    {"de", F_DE, NONE, 0},
    {"pse", F_PSE, NONE, 0},
    {"tsc", F_TSC, NONE, 0},
    {"msr", F_MSR, NONE, 0},
    {"pae", F_PAE, NONE, 0},
    {"mce", F_MCE, NONE, H},
    {"cx8", F_CX8, NONE, 0},
    {"apic", F_APIC, NONE, 0},
    {"sep", F_SEP, NONE, 0},
    {"mtrr", F_MTRR, NONE, H},
    {"pge", F_PGE, NONE, 0},
    {"mca", F_MCA, NONE, H},
    {"cmov", F_CMOV, NONE, 0},
    {"pat", F_PAT, NONE, 0},
    {"pse36", F_PSE36, NONE, 0},
    {"pn", F_PSN, NONE, NEVER},
    {"clflush", F_CLFSH, NONE, 0},
    {"ds", F_DS, NONE, NEVER},
    {"acpi", F_ACPI, NONE, NEVER}, /* no thermal MSRs */
    {"mmx", F_MMX, NONE, 0},
    {"fxsr", F_FXSR, NONE, 0},
    {"sse", F_SSE, NONE, 0},
    {"sse2", F_SSE2, NONE, 0},
    {"ss", F_SS, NONE, H},
    {"ht", F_HTT, NONE, H},
    {"tm", F_TM, NONE, NEVER},
    {"pbe", F_PBE, NONE, NEVER},
    /* leaf 7.0 EBX */
    {"fsgsbase", F_FSGSBASE, NONE, H},
    {"tsc-adjust", F_TSC_ADJUST, NONE, H},
    {"sgx", F_SGX, NONE, NEVER},
    {"bmi1", F_BMI1, NONE, H},
    {"hle", F_HLE, NONE, H},
    {"avx2", F_AVX2, F_AVX, H},
    {"fdp-excptn-only", F_FDP_EXCPTN, NONE, 0},
    {"smep", F_SMEP, NONE, H},
    {"bmi2", F_BMI2, NONE, H},
    {"erms", F_ERMS, NONE, H},
    {"invpcid", F_INVPCID, NONE, H | INVPCID},
    {"rtm", F_RTM, NONE, H},
    {"cqm", F_RDT_M, NONE, NEVER},
    {"zero-fcs-fds", F_FPU_CSDS, NONE, 0},
    {"mpx", F_MPX, NONE, NEVER},
    {"rdt-a", F_RDT_A, NONE, NEVER},
    {"avx512f", F_AVX512F, F_AVX2, H},
    {"avx512dq", F_AVX512DQ, F_AVX512F, H},
    {"rdseed", F_RDSEED, NONE, H},
    {"adx", F_ADX, NONE, H},
    {"smap", F_SMAP, NONE, H},
    {"avx512ifma", F_AVX512IFMA, F_AVX512F, H},
    {"clflushopt", F_CLFLUSHOPT, NONE, H},
    {"clwb", F_CLWB, NONE, H},
    {"intel-pt", F_PT, NONE, NEVER},
    {"avx512pf", F_AVX512PF, F_AVX512F, H},
    {"avx512er", F_AVX512ER, F_AVX512F, H},
    {"avx512cd", F_AVX512CD, F_AVX512F, H},
    {"sha-ni", F_SHA, NONE, H},
    {"avx512bw", F_AVX512BW, F_AVX512F, H},
    {"avx512vl", F_AVX512VL, F_AVX512F, H},
    /* leaf 7.0 ECX */
    {"avx512vbmi", F_AVX512VBMI, F_AVX512F, H},
    {"umip", F_UMIP, NONE, H},
    {"pku", F_PKU, F_XSAVE, H},
    {"waitpkg", F_WAITPKG, NONE, NEVER}, /* no UMWAIT_CONTROL, TPAUSE exiting off */
    {"avx512-vbmi2", F_AVX512VBMI2, F_AVX512F, H},
    {"shstk", F_SHSTK, NONE, NEVER}, /* CET: no U_CET/S_CET/SSP MSRs, no CET state */
    {"gfni", F_GFNI, NONE, H},
    {"vaes", F_VAES, F_AVX, H},
    {"vpclmulqdq", F_VPCLMULQDQ, F_AVX, H},
    {"avx512-vnni", F_AVX512VNNI, F_AVX512F, H},
    {"avx512-bitalg", F_AVX512BITALG, F_AVX512F, H},
    {"tme", F_TME, NONE, NEVER},
    {"avx512-vpopcntdq", F_AVX512VPOPCNTDQ, F_AVX512F, H},
    {"la57", F_LA57, NONE, NEVER}, /* EPT and the guest walker are 4-level */
    {"rdpid", F_RDPID, F_RDTSCP, H | RDTSCP},
    {"keylocker", F_KL, NONE, NEVER},
    {"bus-lock-detect", F_BUS_LOCK_DETECT, NONE, NEVER},
    {"cldemote", F_CLDEMOTE, NONE, H},
    {"movdiri", F_MOVDIRI, NONE, H},
    {"movdir64b", F_MOVDIR64B, NONE, H},
    {"enqcmd", F_ENQCMD, NONE, NEVER},
    {"sgx-lc", F_SGX_LC, NONE, NEVER},
    {"pks", F_PKS, NONE, NEVER},
    /* leaf 7.0 EDX */
    {"fsrm", F_FSRM, F_ERMS, H}, /* Linux 6.1's memmove trusts FSRM to imply ERMS */
    {"uintr", F_UINTR, NONE, NEVER},
    {"avx512-vp2intersect", F_AVX512VP2INTERSECT, F_AVX512F, H},
    {"srbds-ctrl", F_SRBDS_CTRL, NONE, NEVER},
    {"md-clear", F_MD_CLEAR, NONE, H},
    {"tsx-force-abort", F_TSX_FORCE_ABORT, NONE, NEVER},
    {"serialize", F_SERIALIZE, NONE, H},
    {"hybrid-cpu", F_HYBRID, NONE, NEVER},
    {"tsxldtrk", F_TSXLDTRK, NONE, H},
    {"pconfig", F_PCONFIG, NONE, NEVER},
    {"arch-lbr", F_ARCH_LBR, NONE, NEVER},
    {"ibt", F_IBT, NONE, NEVER},
    {"amx-bf16", F_AMX_BF16, NONE, NEVER}, /* no XFD, no AMX state */
    {"avx512-fp16", F_AVX512FP16, F_AVX512F, H},
    {"amx-tile", F_AMX_TILE, NONE, NEVER},
    {"amx-int8", F_AMX_INT8, NONE, NEVER},
    {"ibrs", F_IBRS, NONE, H}, /* IBRS and IBPB */
    {"stibp", F_STIBP, NONE, H},
    {"flush-l1d", F_FLUSH_L1D, NONE, H},
    {"arch-capabilities", F_ARCH_CAPABILITIES, NONE, H},
    {"core-capabilities", F_CORE_CAPABILITIES, NONE, NEVER},
    {"ssbd", F_SSBD, NONE, H},
    /* leaf 7.1 EAX */
    {"avx-vnni", F_AVX_VNNI, F_AVX2, H},
    {"avx512-bf16", F_AVX512BF16, F_AVX512F, H},
    {"fzrm", F_FZRM, NONE, H},
    {"fsrs", F_FSRS, NONE, H},
    {"fsrc", F_FSRC, NONE, H},
    {"hreset", F_HRESET, NONE, NEVER},
    {"lam", F_LAM, NONE, NEVER},
    /* leaf 0xD.1 EAX */
    {"xsaveopt", F_XSAVEOPT, F_XSAVE, H},
    {"xsavec", F_XSAVEC, F_XSAVE, H},
    {"xgetbv1", F_XGETBV1, F_XSAVE, H},
    {"xsaves", F_XSAVES, F_XSAVE, H | XSAVES},
    {"xfd", F_XFD, NONE, NEVER},
    /* leaves 0x80000001, 0x80000007, 0x80000008 */
    {"lahf-lm", F_LAHF_LM, NONE, H},
    {"abm", F_ABM, NONE, H},
    {"3dnowprefetch", F_3DNOWPREFETCH, NONE, H},
    {"syscall", F_SYSCALL, NONE, 0},
    {"nx", F_NX, NONE, 0},
    {"pdpe1gb", F_PDPE1GB, NONE, H},
    {"rdtscp", F_RDTSCP, NONE, H | RDTSCP},
    {"lm", F_LM, NONE, 0},
    {"constant-tsc", F_INVARIANT_TSC, NONE, H},
    {"wbnoinvd", F_WBNOINVD, NONE, H},
};

/*
 * baseline: an xAPIC machine with SSE4.2/AVX2-class user ISA and XCR0 at
 * most x87|SSE|AVX: no x2APIC, TSC-deadline, PCID/INVPCID, AVX-512, PKU,
 * XSAVEC/XSAVES, UMIP, RDPID, PDCM or TSC_ADJUST.
 */
static const uint16_t baseline_hides[] = {
    F_X2APIC, F_TSC_DEADLINE, F_PCID,  F_INVPCID, F_AVX512F,    F_PKU,      F_XSAVEC,
    F_XSAVES, F_UMIP,         F_RDPID, F_PDCM,    F_TSC_ADJUST, F_AVX_VNNI,
};

static void set(struct cpu_features *f, uint16_t id, bool on)
{
    uint32_t bit = 1U << CPUID_FEAT_BIT(id);

    if (on)
        f->r[CPUID_FEAT_REG(id)] |= bit;
    else
        f->r[CPUID_FEAT_REG(id)] &= ~bit;
}

static const struct feat *find(const char *name, size_t len)
{
    for (unsigned i = 0; i < ARRAY_SIZE(feats); i++)
        if (strlen(feats[i].name) == len && !strncmp(feats[i].name, name, len))
            return &feats[i];
    return NULL;
}

static const struct feat *by_id(uint16_t id)
{
    for (unsigned i = 0; i < ARRAY_SIZE(feats); i++)
        if (feats[i].id == id)
            return &feats[i];
    return NULL;
}

const char *cpu_model_feature_name(uint16_t f)
{
    const struct feat *e = by_id(f);

    return e ? e->name : NULL;
}

bool cpu_model_feature_at(unsigned i, struct cpu_feature_info *out)
{
    if (i >= ARRAY_SIZE(feats))
        return false;
    *out = (struct cpu_feature_info){feats[i].name, feats[i].id, feats[i].parent,
                                     feats[i].flags & H, feats[i].flags & NEVER};
    return true;
}

/* ------------------------------------------------------------------ parsing */

/* "<head>'<word>'<tail>" into a static buffer: launches come from the console CPU only. */
static void fail(const char **err, const char *head, const char *word, size_t len, const char *tail)
{
    static char msg[128];
    size_t n = strlen(head);

    if (len > 32)
        len = 32;
    memcpy(msg, head, n);
    msg[n++] = '\'';
    memcpy(msg + n, word, len);
    n += len;
    msg[n++] = '\'';
    kstrlcpy(msg + n, tail, sizeof(msg) - n);
    *err = msg;
}

static int parse_base(const char *w, size_t len, struct cpu_model *m)
{
    if (len == 4 && !strncmp(w, "host", 4))
        m->base = CPU_MODEL_HOST;
    else if (len == 8 && !strncmp(w, "baseline", 8))
        m->base = CPU_MODEL_BASELINE;
    else
        return -EINVAL;
    return 0;
}

static int parse_word(const char *w, size_t len, bool first, struct cpu_model *m, const char **err)
{
    const struct feat *f;
    bool add = w[0] == '+';

    if (first && !parse_base(w, len, m))
        return 0;
    if (len < 2 || (w[0] != '+' && w[0] != '-')) {
        fail(err, "cpuid=: expected +feature, -feature, host or baseline, not ", w, len, "");
        return -EINVAL;
    }
    f = find(w + 1, len - 1);
    if (!f) {
        fail(err, "cpuid=: unknown feature ", w + 1, len - 1, "");
        return -EINVAL;
    }
    if (add && (f->flags & NEVER)) {
        fail(err, "cpuid=: ", w + 1, len - 1, " cannot be shown: hv does not virtualize it");
        return -EINVAL;
    }
    if (!add && !(f->flags & (H | NEVER))) {
        fail(err, "cpuid=: ", w + 1, len - 1, " cannot be hidden (guests need it)");
        return -EINVAL;
    }
    set(add ? &m->show : &m->hide, f->id, true);
    set(add ? &m->hide : &m->show, f->id, false);
    return 0;
}

static size_t item_len(const char *s)
{
    size_t n = 0;

    while (s[n] && s[n] != ',' && s[n] != ':')
        n++;
    return n;
}

int cpu_model_parse(const char *spec, struct cpu_model *m, const char **err)
{
    bool first = true;

    memset(m, 0, sizeof(*m));
    if (!*spec) {
        *err = "cpuid=: empty (host, baseline, or +/-feature list)";
        return -EINVAL;
    }
    while (*spec) {
        size_t len = item_len(spec);
        if (!len) {
            *err = "cpuid=: empty item";
            return -EINVAL;
        }
        if (parse_word(spec, len, first, m, err))
            return -EINVAL;
        first = false;
        spec += len;
        if (*spec && !*++spec) {
            *err = "cpuid=: empty item";
            return -EINVAL;
        }
    }
    return 0;
}

/* -------------------------------------------------------------- resolving */

static bool base_hides(uint8_t base, uint16_t id)
{
    if (base != CPU_MODEL_BASELINE)
        return false;
    for (unsigned i = 0; i < ARRAY_SIZE(baseline_hides); i++)
        if (baseline_hides[i] == id)
            return true;
    return false;
}

bool cpu_model_hides(const struct cpu_model *m, uint16_t id)
{
    if (cpu_feat(&m->hide, id))
        return true;
    return base_hides(m->base, id) && !cpu_feat(&m->show, id);
}

static bool env_gives(const struct feat *f, const struct cpu_env *env)
{
    if (f->flags & NEVER)
        return false;
    if (f->flags & LAPIC)
        return env->lapic;
    if (f->id == F_APIC) /* the local APIC is hv's model, not the host's */
        return env->lapic;
    if ((f->flags & RDTSCP) && !env->rdtscp_ctl)
        return false;
    if ((f->flags & INVPCID) && !env->invpcid_ctl)
        return false;
    if ((f->flags & XSAVES) && !env->xsaves_ctl)
        return false;
    return cpu_feat(&env->host, f->id);
}

void cpu_model_resolve(const struct cpu_model *m, const struct cpu_env *env,
                       struct cpu_features *shown)
{
    bool changed = true;

    memset(shown, 0, sizeof(*shown));
    for (unsigned i = 0; i < ARRAY_SIZE(feats); i++)
        if (env_gives(&feats[i], env) && !cpu_model_hides(m, feats[i].id))
            set(shown, feats[i].id, true);
    /* A feature whose parent is hidden goes too (avx without xsave, ...). */
    while (changed) {
        changed = false;
        for (unsigned i = 0; i < ARRAY_SIZE(feats); i++) {
            const struct feat *f = &feats[i];
            if (f->parent != NONE && cpu_feat(shown, f->id) && !cpu_feat(shown, f->parent)) {
                set(shown, f->id, false);
                changed = true;
            }
        }
    }
}

/* ------------------------------------------------------------- CR4, XCR0 */

static const struct {
    uint64_t bit;
    uint16_t feat, feat2;
} cr4_rules[] = {
    {CR4_VME, F_VME, NONE},        {CR4_PVI, F_VME, NONE},
    {CR4_TSD, F_TSC, NONE},        {CR4_DE, F_DE, NONE},
    {CR4_PSE, F_PSE, NONE},        {CR4_PAE, F_PAE, NONE},
    {CR4_MCE, F_MCE, NONE},        {CR4_PGE, F_PGE, NONE},
    {CR4_PCE, F_FPU, NONE},        {CR4_OSFXSR, F_FXSR, NONE},
    {CR4_OSXMMEXCPT, F_SSE, NONE}, {CR4_UMIP, F_UMIP, NONE},
    {CR4_LA57, F_LA57, NONE},      {CR4_VMXE, F_VMX, NONE},
    {CR4_SMXE, F_SMX, NONE},       {CR4_FSGSBASE, F_FSGSBASE, NONE},
    {CR4_PCIDE, F_PCID, NONE},     {CR4_OSXSAVE, F_XSAVE, NONE},
    {CR4_KL, F_KL, NONE},          {CR4_SMEP, F_SMEP, NONE},
    {CR4_SMAP, F_SMAP, NONE},      {CR4_PKE, F_PKU, NONE},
    {CR4_CET, F_SHSTK, F_IBT},     {CR4_PKS, F_PKS, NONE},
    {CR4_UINTR, F_UINTR, NONE},
};

static bool any(const struct cpu_features *s, uint16_t a, uint16_t b)
{
    return cpu_feat(s, a) || (b != NONE && cpu_feat(s, b));
}

uint64_t cpu_model_cr4_allowed(const struct cpu_features *shown)
{
    uint64_t ok = 0;

    for (unsigned i = 0; i < ARRAY_SIZE(cr4_rules); i++)
        if (any(shown, cr4_rules[i].feat, cr4_rules[i].feat2))
            ok |= cr4_rules[i].bit;
    return ok;
}

uint64_t cpu_model_xcr0(const struct cpu_features *shown, uint64_t host_xcr0)
{
    uint64_t x = 0;

    if (!cpu_feat(shown, F_XSAVE))
        return 0;
    x = XFEATURE_X87 | XFEATURE_SSE;
    if (cpu_feat(shown, F_AVX))
        x |= XFEATURE_AVX;
    if (cpu_feat(shown, F_AVX512F))
        x |= XFEATURE_AVX512;
    if (cpu_feat(shown, F_PKU))
        x |= XFEATURE_PKRU;
    return x & host_xcr0;
}

int cpu_model_xsetbv_check(uint64_t xcr0_shown, uint32_t xcr, uint64_t val)
{
    uint64_t avx512 = val & XFEATURE_AVX512;

    if (xcr != 0 || !(val & XFEATURE_X87) || (val & ~xcr0_shown))
        return -EPERM;
    if ((val & XFEATURE_AVX) && !(val & XFEATURE_SSE))
        return -EPERM;
    if (avx512 && (avx512 != XFEATURE_AVX512 || !(val & XFEATURE_AVX)))
        return -EPERM;
    return 0;
}

/* ------------------------------------------------------------------- MSRs */

static const struct {
    uint32_t first, last;
    uint16_t feat, feat2, feat3;
} msr_rules[] = {
    /* Scanned in order on every MSR exit: first the ones a guest's timer ticks and IPIs write. */
    {MSR_X2APIC_BASE, MSR_X2APIC_LAST, F_X2APIC, NONE, NONE},
    {MSR_IA32_TSC_DEADLINE, MSR_IA32_TSC_DEADLINE, F_TSC_DEADLINE, NONE, NONE},
    {MSR_IA32_TSC, MSR_IA32_TSC, F_TSC, NONE, NONE},
    {MSR_IA32_APIC_BASE, MSR_IA32_APIC_BASE, F_APIC, NONE, NONE},
    {MSR_IA32_TSC_ADJUST, MSR_IA32_TSC_ADJUST, F_TSC_ADJUST, NONE, NONE},
    {MSR_IA32_SPEC_CTRL, MSR_IA32_SPEC_CTRL, F_IBRS, F_STIBP, F_SSBD},
    {MSR_IA32_PRED_CMD, MSR_IA32_PRED_CMD, F_IBRS, NONE, NONE},
    {MSR_IA32_ARCH_CAPABILITIES, MSR_IA32_ARCH_CAPABILITIES, F_ARCH_CAPABILITIES, NONE, NONE},
    {MSR_IA32_FLUSH_CMD, MSR_IA32_FLUSH_CMD, F_FLUSH_L1D, NONE, NONE},
    {MSR_IA32_UMWAIT_CONTROL, MSR_IA32_UMWAIT_CONTROL, F_WAITPKG, NONE, NONE},
    {MSR_IA32_MTRRCAP, MSR_IA32_MTRRCAP, F_MTRR, NONE, NONE},
    {MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_EIP, F_SEP, NONE, NONE},
    {MSR_IA32_MCG_CAP, MSR_IA32_MCG_CTL, F_MCA, NONE, NONE},
    {MSR_IA32_MTRR_FIRST, MSR_IA32_MTRR_LAST, F_MTRR, NONE, NONE},
    {MSR_IA32_PAT, MSR_IA32_PAT, F_PAT, NONE, NONE},
    {MSR_IA32_MTRR_DEF_TYPE, MSR_IA32_MTRR_DEF_TYPE, F_MTRR, NONE, NONE},
    {MSR_IA32_PERF_CAPABILITIES, MSR_IA32_PERF_CAPABILITIES, F_PDCM, NONE, NONE},
    {MSR_IA32_MC0_CTL, MSR_IA32_MC_LAST, F_MCA, NONE, NONE},
    {MSR_IA32_DS_AREA, MSR_IA32_DS_AREA, F_DS, NONE, NONE},
    {MSR_IA32_U_CET, MSR_IA32_INTERRUPT_SSP_TABLE, F_SHSTK, F_IBT, NONE},
    {MSR_IA32_PKRS, MSR_IA32_PKRS, F_PKS, NONE, NONE},
    {MSR_IA32_BNDCFGS, MSR_IA32_BNDCFGS, F_MPX, NONE, NONE},
    {MSR_IA32_XSS, MSR_IA32_XSS, F_XSAVES, NONE, NONE},
    {MSR_EFER, MSR_EFER, F_LM, F_SYSCALL, F_NX},
    {MSR_STAR, MSR_STAR, F_SYSCALL, NONE, NONE},
    {MSR_LSTAR, MSR_FMASK, F_LM, NONE, NONE},
    {MSR_FS_BASE, MSR_KERNEL_GS_BASE, F_LM, NONE, NONE},
    {MSR_TSC_AUX, MSR_TSC_AUX, F_RDTSCP, F_RDPID, NONE},
};

int cpu_model_msr_gate(const struct cpu_features *shown, uint32_t msr)
{
    for (unsigned i = 0; i < ARRAY_SIZE(msr_rules); i++) {
        if (msr < msr_rules[i].first || msr > msr_rules[i].last)
            continue;
        if (any(shown, msr_rules[i].feat, msr_rules[i].feat2) ||
            (msr_rules[i].feat3 != NONE && cpu_feat(shown, msr_rules[i].feat3)))
            return 0;
        return -EPERM;
    }
    return -ENOENT;
}

/* ------------------------------------------------------------ CPUID leaves */

static void leaf7(const struct cpu_features *s, uint32_t sub, struct cpuid_regs *r)
{
    if (sub == 0) {
        r->eax = r->eax < 1 ? r->eax : 1; /* subleaf 1 at most */
        r->ebx &= s->r[FR_7_EBX];
        r->ecx &= s->r[FR_7_ECX];
        r->edx &= s->r[FR_7_EDX];
    } else if (sub == 1) {
        *r = (struct cpuid_regs){r->eax & s->r[FR_7_1_EAX], 0, 0, 0};
    } else {
        *r = (struct cpuid_regs){0, 0, 0, 0};
    }
}

/* Leaf 0DH (SDM Vol. 1 13.2): only the components XCR0 may hold; no supervisor state (XSS = 0). */
static void leaf_d(const struct cpu_features *s, uint64_t xcr0, uint32_t sub, struct cpuid_regs *r)
{
    if (!cpu_feat(s, F_XSAVE))
        *r = (struct cpuid_regs){0, 0, 0, 0};
    else if (sub == 0)
        *r = (struct cpuid_regs){(uint32_t)xcr0, r->ebx, r->ecx, (uint32_t)(xcr0 >> 32)};
    else if (sub == 1)
        *r = (struct cpuid_regs){r->eax & s->r[FR_D_1_EAX], r->ebx, 0, 0};
    else if (sub >= 64 || !(xcr0 >> sub & 1))
        *r = (struct cpuid_regs){0, 0, 0, 0};
}

void cpu_model_filter_leaf(const struct cpu_features *s, uint64_t xcr0, uint32_t leaf, uint32_t sub,
                           struct cpuid_regs *r)
{
    switch (leaf) {
    case 1:
        r->ecx &= s->r[FR_1_ECX];
        r->edx &= s->r[FR_1_EDX];
        break;
    case 7:
        leaf7(s, sub, r);
        break;
    case 0xD:
        leaf_d(s, xcr0, sub, r);
        break;
    case 0xF:  /* RDT monitoring */
    case 0x10: /* RDT allocation */
    case 0x12: /* SGX */
    case 0x14: /* processor trace */
    case 0x19: /* Key Locker */
    case 0x1B: /* PCONFIG */
    case 0x1D: /* AMX tiles */
    case 0x1E:
        *r = (struct cpuid_regs){0, 0, 0, 0};
        break;
    case 0x80000001:
        r->ecx &= s->r[FR_81_ECX];
        r->edx &= s->r[FR_81_EDX];
        break;
    case 0x80000007:
        *r = (struct cpuid_regs){0, 0, 0, r->edx & s->r[FR_87_EDX]};
        break;
    case 0x80000008:
        r->ebx &= s->r[FR_88_EBX];
        break;
    }
}
