/* SPDX-License-Identifier: MIT */
/*
 * msr: for every MSR whose CPUID feature bit is set, RDMSR does not #GP and
 * writable ones read back what was written (restored afterwards): TSC
 * (writes move the TSC), TSC_ADJUST (tracks TSC writes), APIC_BASE,
 * MISC_ENABLE, MTRRcap / MTRRdefType, PAT (and #GP for a reserved memory
 * type), SYSENTER_*, EFER, STAR/LSTAR/CSTAR/FMASK, FS/GS/KERNEL_GS_BASE
 * (#GP for a non-canonical value), TSC_AUX, PERF_CAPABILITIES, MCG_CAP /
 * MCG_STATUS and the MCi banks, DS_AREA, U_CET / S_CET, XSS, SPEC_CTRL,
 * ARCH_CAPABILITIES; a clearly non-existent MSR #GPs.
 */
#include "conf.h"

static void check_read(const char *name, u32 msr, u64 *val)
{
    int v = rdmsr_safe(msr, val);
    report(v == -1, "%s (%#x) readable (vector %d)", name, msr, v);
}

/* writes each value, checks it reads back, restores the original */
static void check_rw(const char *name, u32 msr, const u64 *vals, int n)
{
    u64 orig;
    if (rdmsr_safe(msr, &orig) != -1) {
        report_fail("%s (%#x) readable", name, msr);
        return;
    }
    bool ok = true;
    u64 bad = 0, got = 0;
    for (int i = 0; i < n && ok; i++) {
        if (wrmsr_safe(msr, vals[i]) != -1 || rdmsr_safe(msr, &got) != -1 || got != vals[i]) {
            ok = false;
            bad = vals[i];
        }
    }
    wrmsr_safe(msr, orig);
    if (ok)
        report_pass("%s (%#x) reads back written values", name, msr);
    else
        report_fail("%s (%#x): wrote %#lx, read %#lx", name, msr, bad, got);
}

static void check_gp_write(const char *name, u32 msr, u64 val)
{
    u64 orig = rdmsr(msr);
    int v = wrmsr_safe(msr, val);
    report_tcg_quirk(v == GP_VECTOR && rdmsr(msr) == orig, "WRMSR value checks missing",
                     "%s (%#x): writing %#lx #GPs (vector %d)", name, msr, val, v);
    if (v == -1)
        wrmsr(msr, orig);
}

static void test_tsc(void)
{
    u64 t0 = rdtsc();
    u64 m = rdmsr(MSR_IA32_TSC);
    report_tcg_quirk(m >= t0, "IA32_TSC not connected to RDTSC", "IA32_TSC reads like RDTSC");
    bool adj = this_cpu_has(X86_FEATURE_TSC_ADJUST);
    u64 adj0 = adj ? rdmsr(MSR_IA32_TSC_ADJUST) : 0;
    u64 target = rdtsc() + (1ULL << 40);
    wrmsr(MSR_IA32_TSC, target);
    u64 t1 = rdtsc();
    report_tcg_quirk(t1 >= target && t1 - target < (1ULL << 36), "IA32_TSC not connected to RDTSC",
                     "writing IA32_TSC moves the TSC forward");
    if (adj) {
        u64 adj1 = rdmsr(MSR_IA32_TSC_ADJUST);
        s64 d = (s64)(adj1 - adj0);
        report(d > (s64)(1ULL << 39) && d < (s64)(1ULL << 41),
               "IA32_TSC_ADJUST tracks the TSC write (+%#lx)", (u64)d);
        wrmsr(MSR_IA32_TSC_ADJUST, adj0);
        u64 t2 = rdtsc();
        report(t2 < target, "writing IA32_TSC_ADJUST moves the TSC back");
    } else {
        wrmsr(MSR_IA32_TSC, t0 + (rdtsc() - t1));
        report_skip("no CPUID.7.EBX.TSC_ADJUST", "IA32_TSC_ADJUST");
    }
}

static void test_basic(void)
{
    u64 v;
    check_read("IA32_APIC_BASE", MSR_IA32_APICBASE, &v);
    report((v & 0xfffff000) == 0xfee00000 && (v & MSR_IA32_APICBASE_ENABLE) &&
               (v & MSR_IA32_APICBASE_BSP),
           "IA32_APIC_BASE %#lx: 0xFEE00000, enabled, BSP", v);
    check_read("IA32_MISC_ENABLE", MSR_IA32_MISC_ENABLE, &v);

    if (this_cpu_has(X86_FEATURE_MTRR)) {
        check_read("IA32_MTRRCAP", 0xfe, &v);
        int vcnt = (int)(v & 0xff);
        report(vcnt <= 32, "MTRRcap VCNT %d", vcnt);
        check_read("IA32_MTRR_DEF_TYPE", 0x2ff, &v);
        for (int i = 0; i < vcnt && i < 2; i++) {
            u64 b, m;
            check_read("IA32_MTRR_PHYSBASE", 0x200 + 2 * i, &b);
            check_read("IA32_MTRR_PHYSMASK", 0x201 + 2 * i, &m);
        }
        /* a variable range whose mask has V clear does not change caching */
        u32 maxphy = cpuid(0x80000008).a & 0xff;
        u64 mask_bits = ((1ULL << maxphy) - 1) & ~0xfffULL;
        for (int i = vcnt - 1; i >= 0; i--) {
            u64 m;
            if (rdmsr_safe(0x201 + 2 * i, &m) != -1 || (m & BIT(11)))
                continue;
            u64 bases[] = {0x1000000 | 6, 0x2000000 | 0};
            u64 masks[] = {mask_bits & ~0xffffffULL, mask_bits & ~0x1ffffffULL};
            check_rw("unused IA32_MTRR_PHYSBASE", 0x200 + 2 * i, bases, 2);
            check_rw("unused IA32_MTRR_PHYSMASK (V clear)", 0x201 + 2 * i, masks, 2);
            break;
        }
        if (v & BIT(8))
            check_read("IA32_MTRR_FIX64K_00000", 0x250, &v);
    } else {
        report_skip("no CPUID.1:EDX.MTRR", "MTRR MSRs");
    }

    if (this_cpu_has(X86_FEATURE_PAT)) {
        u64 pats[] = {0x0007040600070406ULL, 0x0000000000000000ULL, 0x0105060401050604ULL};
        check_rw("IA32_PAT", MSR_IA32_PAT, pats, 3);
        check_gp_write("IA32_PAT", MSR_IA32_PAT, 0x0007040600070402ULL); /* type 2 reserved */
    } else {
        report_skip("no CPUID.1:EDX.PAT", "IA32_PAT");
    }

    u64 cs[] = {0x10, 0x0};
    check_rw("IA32_SYSENTER_CS", MSR_IA32_SYSENTER_CS, cs, 2);
    u64 addrs[] = {0xffffffff81000000ULL, 0x1234567000ULL, 0};
    check_rw("IA32_SYSENTER_ESP", MSR_IA32_SYSENTER_ESP, addrs, 3);
    check_rw("IA32_SYSENTER_EIP", MSR_IA32_SYSENTER_EIP, addrs, 3);

    u64 efer = rdmsr(MSR_EFER);
    report((efer & (X86_EFER_LME | X86_EFER_LMA)) == (X86_EFER_LME | X86_EFER_LMA),
           "EFER %#lx: LME and LMA set", efer);
    u64 efers[] = {efer | X86_EFER_SCE, efer & ~X86_EFER_SCE};
    check_rw("IA32_EFER", MSR_EFER, efers, 2);
    check_gp_write("IA32_EFER (reserved bit 2)", MSR_EFER, efer | BIT(2));
    report_tcg_quirk(wrmsr_safe(MSR_EFER, efer & ~X86_EFER_LME) == GP_VECTOR,
                     "WRMSR value checks missing", "clearing EFER.LME with paging on #GPs");
    wrmsr(MSR_EFER, efer);

    u64 star[] = {0x0023001000000000ULL, 0};
    check_rw("IA32_STAR", MSR_STAR, star, 2);
    check_rw("IA32_LSTAR", MSR_LSTAR, addrs, 3);
    check_rw("IA32_CSTAR", MSR_CSTAR, addrs, 3);
    u64 fmask[] = {0x47700, 0};
    check_rw("IA32_FMASK", MSR_SYSCALL_MASK, fmask, 2);
    check_rw("IA32_FS_BASE", MSR_FS_BASE, addrs, 3);
    check_rw("IA32_GS_BASE", MSR_GS_BASE, addrs, 3);
    check_rw("IA32_KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, addrs, 3);
    check_gp_write("IA32_FS_BASE (non-canonical)", MSR_FS_BASE, 0x8000000000000000ULL);
    check_gp_write("IA32_GS_BASE (non-canonical)", MSR_GS_BASE, 0x0000800000000000ULL);
    check_gp_write("IA32_KERNEL_GS_BASE (non-canonical)", MSR_KERNEL_GS_BASE,
                   0x8000000000000000ULL);
    check_gp_write("IA32_LSTAR (non-canonical)", MSR_LSTAR, 0x8000000000000000ULL);

    if (this_cpu_has(X86_FEATURE_RDTSCP)) {
        u64 aux[] = {0x12345678, 0};
        check_rw("IA32_TSC_AUX", MSR_TSC_AUX, aux, 2);
        wrmsr(MSR_TSC_AUX, 0xabcd);
        u32 a;
        rdtscp(&a);
        report(a == 0xabcd, "RDTSCP returns IA32_TSC_AUX (%#x)", a);
        wrmsr(MSR_TSC_AUX, 0);
    } else {
        report_skip("no CPUID.80000001H:EDX.RDTSCP", "IA32_TSC_AUX");
    }
}

static void test_optional(void)
{
    u64 v;
    if (this_cpu_has(X86_FEATURE_PDCM))
        check_read("IA32_PERF_CAPABILITIES", 0x345, &v);
    else
        report_skip("no CPUID.1:ECX.PDCM", "IA32_PERF_CAPABILITIES");

    if (this_cpu_has(X86_FEATURE_MCA) && this_cpu_has(X86_FEATURE_MCE)) {
        u64 cap;
        check_read("IA32_MCG_CAP", MSR_IA32_MCG_CAP, &cap);
        check_read("IA32_MCG_STATUS", MSR_IA32_MCG_STATUS, &v);
        int banks = (int)(cap & 0xff);
        report(banks >= 1 && banks <= 32, "MCG_CAP.Count %d", banks);
        bool ok = true;
        for (int i = 0; i < banks && i < 32; i++) {
            u64 x;
            ok &= rdmsr_safe(0x400 + 4 * i, &x) == -1;
            ok &= rdmsr_safe(0x401 + 4 * i, &x) == -1;
        }
        report(ok, "IA32_MCi_CTL and IA32_MCi_STATUS readable for all %d banks", banks);
    } else {
        report_skip("no CPUID.1:EDX.MCA", "machine-check MSRs");
    }

    if (this_cpu_has(X86_FEATURE_DS)) {
        u64 ds[] = {0x100000, 0};
        check_rw("IA32_DS_AREA", 0x600, ds, 2);
    } else {
        report_skip("no CPUID.1:EDX.DS", "IA32_DS_AREA");
    }

    if (this_cpu_has(X86_FEATURE_SHSTK) || this_cpu_has(X86_FEATURE_IBT)) {
        check_read("IA32_U_CET", 0x6a0, &v);
        check_read("IA32_S_CET", 0x6a2, &v);
    } else {
        report_skip("no CPUID.7.ECX.CET_SS or EDX.CET_IBT", "IA32_U_CET/IA32_S_CET");
    }

    if (this_cpu_has(X86_FEATURE_XSAVES))
        check_read("IA32_XSS", 0xda0, &v);
    else
        report_skip("no CPUID.0DH.1:EAX.XSAVES", "IA32_XSS");

    if (this_cpu_has(X86_FEATURE_SPEC_CTRL)) {
        check_read("IA32_SPEC_CTRL", MSR_IA32_SPEC_CTRL, &v);
        u64 sc[] = {0, 1}; /* IBRS */
        check_rw("IA32_SPEC_CTRL", MSR_IA32_SPEC_CTRL, sc, 2);
    } else {
        report_skip("no CPUID.7.EDX.SPEC_CTRL", "IA32_SPEC_CTRL");
    }

    if (this_cpu_has(X86_FEATURE_ARCH_CAPABILITIES)) {
        check_read("IA32_ARCH_CAPABILITIES", 0x10a, &v);
        report(wrmsr_safe(0x10a, v) == GP_VECTOR, "IA32_ARCH_CAPABILITIES is read-only");
    } else {
        report_skip("no CPUID.7.EDX.ARCH_CAPABILITIES", "IA32_ARCH_CAPABILITIES");
    }
}

static void test_nonexistent(void)
{
    u64 v;
    report_tcg_quirk(rdmsr_safe(0xdeadbeef, &v) == GP_VECTOR, "unknown MSRs read as 0",
                     "RDMSR of non-existent MSR 0xdeadbeef #GPs");
    report_tcg_quirk(wrmsr_safe(0xdeadbeef, 0) == GP_VECTOR, "unknown MSR writes ignored",
                     "WRMSR of non-existent MSR 0xdeadbeef #GPs");
    report(rdmsr_safe(0x40000000 - 1, &v) == -1 || ex_vector() == GP_VECTOR,
           "RDMSR of 0x3fffffff: a value or #GP, nothing else");
}

int main(void)
{
    test_tsc();
    test_basic();
    test_optional();
    test_nonexistent();
    return 0;
}
