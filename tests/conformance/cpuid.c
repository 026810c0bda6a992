/* SPDX-License-Identifier: MIT */
/*
 * cpuid: CPUID and control registers agree. Leaf 0 (max leaf, vendor),
 * the CPUID.1 features x86-64 requires, every basic leaf readable, leaf
 * 0xB / 0x1F topology consistent with the APIC ID on every CPU, the
 * extended leaves (LM, brand string, 0x80000008 address widths). Each
 * CR4 feature bit can be set iff its CPUID bit is shown (#GP otherwise):
 * VME, PVI, TSD, DE, PSE, MCE, PGE, PCE, OSFXSR, OSXMMEXCPT, UMIP, VMXE,
 * SMXE, FSGSBASE, PCIDE, OSXSAVE, SMEP, SMAP, PKE, CET, PKS; LA57 cannot be
 * changed in long mode; CR4 reserved bits, CR4.PAE clear, CR0 PG without
 * PE and NW without CD, CR3 bits above MAXPHYADDR #GP; CPUID.1:ECX.OSXSAVE
 * mirrors CR4.OSXSAVE.
 */
#include "conf.h"

struct cr4_bit {
    const char *name;
    u64 bit;
    struct x86_feature feat;
    bool always; /* architectural in x86-64, no CPUID bit needed */
};

#define X86_FEATURE_VME X86_FEATURE(1, 0, 3, 1)
#define X86_FEATURE_DE X86_FEATURE(1, 0, 3, 2)
#define X86_FEATURE_PSE X86_FEATURE(1, 0, 3, 3)
#define X86_FEATURE_TSC X86_FEATURE(1, 0, 3, 4)
#define X86_FEATURE_PGE X86_FEATURE(1, 0, 3, 13)
#define X86_FEATURE_FXSR X86_FEATURE(1, 0, 3, 24)
#define X86_FEATURE_CET_SS X86_FEATURE(7, 0, 2, 7)
#define X86_FEATURE_PKS X86_FEATURE(7, 0, 2, 31)

/* on QEMU TCG: reports what as skipped and returns true */
static bool tcg_skip(const char *what)
{
    if (!cpu_is_qemu_tcg())
        return false;
    report_skip("QEMU TCG: no #GP check, the write would break the guest", "%s", what);
    return true;
}

static bool cet_shown(void)
{
    return this_cpu_has(X86_FEATURE_CET_SS) || this_cpu_has(X86_FEATURE_IBT);
}

static void test_cr4_bits(void)
{
    static const struct cr4_bit bits[] = {
        {"VME", X86_CR4_VME, X86_FEATURE_VME, false},
        {"PVI", X86_CR4_PVI, X86_FEATURE_VME, false},
        {"TSD", X86_CR4_TSD, X86_FEATURE_TSC, false},
        {"DE", X86_CR4_DE, X86_FEATURE_DE, false},
        {"PSE", X86_CR4_PSE, X86_FEATURE_PSE, false},
        {"MCE", X86_CR4_MCE, X86_FEATURE_MCE, false},
        {"PGE", X86_CR4_PGE, X86_FEATURE_PGE, false},
        {"PCE", X86_CR4_PCE, X86_FEATURE_PGE, true},
        {"OSFXSR", X86_CR4_OSFXSR, X86_FEATURE_FXSR, false},
        {"OSXMMEXCPT", X86_CR4_OSXMMEXCPT, X86_FEATURE_SSE, true},
        {"UMIP", X86_CR4_UMIP, X86_FEATURE_UMIP, false},
        {"VMXE", X86_CR4_VMXE, X86_FEATURE_VMX, false},
        {"SMXE", X86_CR4_SMXE, X86_FEATURE_SMX, false},
        {"FSGSBASE", X86_CR4_FSGSBASE, X86_FEATURE_FSGSBASE, false},
        {"PCIDE", X86_CR4_PCIDE, X86_FEATURE_PCID, false},
        {"OSXSAVE", X86_CR4_OSXSAVE, X86_FEATURE_XSAVE, false},
        {"SMEP", X86_CR4_SMEP, X86_FEATURE_SMEP, false},
        {"SMAP", X86_CR4_SMAP, X86_FEATURE_SMAP, false},
        {"PKE", X86_CR4_PKE, X86_FEATURE_PKU, false},
        {"PKS", X86_CR4_PKS, X86_FEATURE_PKS, false},
    };
    u64 cr4 = read_cr4();
    for (unsigned i = 0; i < ARRAY_SIZE(bits); i++) {
        const struct cr4_bit *b = &bits[i];
        bool shown = b->always || this_cpu_has(b->feat);
        if (cr4 & b->bit) {
            report(shown, "CR4.%s already set and CPUID shows it", b->name);
            continue;
        }
        if (!shown && (b->bit & (X86_CR4_VMXE | X86_CR4_SMXE)) && cpu_is_qemu_tcg()) {
            char what[32];
            snprintf(what, sizeof(what), "CR4.%s #GPs", b->name);
            tcg_skip(what);
            continue;
        }
        int v = write_cr4_safe(cr4 | b->bit);
        bool set = v == -1 && (read_cr4() & b->bit);
        write_cr4(cr4);
        if (shown)
            report(set, "CR4.%s can be set (CPUID shows it; vector %d)", b->name, v);
        else
            report_tcg_quirk(v == GP_VECTOR, "CR4 bit accepted without its CPUID bit",
                             "CR4.%s #GPs (CPUID does not show it; vector %d)", b->name, v);
    }
    /* CET needs CR0.WP, which the runtime sets */
    int v = -1;
    if (cet_shown() || !tcg_skip("CR4.CET #GPs"))
        v = write_cr4_safe(cr4 | X86_CR4_CET);
    bool set = v == -1 && (read_cr4() & X86_CR4_CET);
    write_cr4(cr4);
    if (cet_shown())
        report(set, "CR4.CET can be set (CPUID shows CET)");
    else if (!cpu_is_qemu_tcg())
        report(v == GP_VECTOR, "CR4.CET #GPs (CPUID does not show CET; vector %d)", v);

    v = write_cr4_safe(cr4 ^ X86_CR4_LA57);
    report(v == GP_VECTOR && read_cr4() == cr4, "toggling CR4.LA57 in long mode #GPs (%s)",
           this_cpu_has(X86_FEATURE_LA57) ? "LA57 shown" : "LA57 not shown");

    /* QEMU TCG accepts these writes (or loops on them) and would be left broken */
    if (!tcg_skip("CR4 bit 32 (reserved) #GPs"))
        report(write_cr4_safe(cr4 | BIT(32)) == GP_VECTOR, "CR4 bit 32 (reserved) #GPs");
    if (!tcg_skip("clearing CR4.PAE in long mode #GPs"))
        report(write_cr4_safe(cr4 & ~X86_CR4_PAE) == GP_VECTOR,
               "clearing CR4.PAE in long mode #GPs");
    u64 cr0 = read_cr0();
    if (!tcg_skip("CR0.PG without CR0.PE #GPs"))
        report(write_cr0_safe(cr0 & ~X86_CR0_PE) == GP_VECTOR, "CR0.PG without CR0.PE #GPs");
    if (!tcg_skip("CR0.NW without CR0.CD #GPs"))
        report(write_cr0_safe((cr0 & ~X86_CR0_CD) | X86_CR0_NW) == GP_VECTOR,
               "CR0.NW without CR0.CD #GPs");
    if (!tcg_skip("CR0 bit 32 (reserved) #GPs"))
        report(write_cr0_safe(cr0 | BIT(32)) == GP_VECTOR, "CR0 bit 32 (reserved) #GPs");
    u32 maxphy = cpuid(0x80000008).a & 0xff;
    if (maxphy < 52 && !tcg_skip("CR3 bit above MAXPHYADDR #GPs")) {
        u64 cr3 = read_cr3();
        report(write_cr3_safe(cr3 | BIT(maxphy)) == GP_VECTOR && read_cr3() == cr3,
               "CR3 bit above MAXPHYADDR (%u) #GPs", maxphy);
    }

    if (this_cpu_has(X86_FEATURE_XSAVE)) {
        write_cr4(cr4 | X86_CR4_OSXSAVE);
        bool on = this_cpu_has(X86_FEATURE_OSXSAVE);
        write_cr4(cr4 & ~X86_CR4_OSXSAVE);
        bool off = this_cpu_has(X86_FEATURE_OSXSAVE);
        write_cr4(cr4);
        report(on && !off, "CPUID.1:ECX.OSXSAVE mirrors CR4.OSXSAVE");
    } else {
        report_skip("no CPUID.1:ECX.XSAVE", "CPUID.1:ECX.OSXSAVE mirrors CR4.OSXSAVE");
    }
}

static void test_basic_leaves(void)
{
    struct cpuid c = cpuid(0);
    char vendor[13];
    memcpy(vendor, &c.b, 4);
    memcpy(vendor + 4, &c.d, 4);
    memcpy(vendor + 8, &c.c, 4);
    vendor[12] = 0;
    report_info("vendor '%s', max leaf %#x, brand '%s'", vendor, c.a, cpu_brand());
    report(c.a >= 1, "CPUID.0: max basic leaf %#x >= 1", c.a);
    bool printable = true;
    for (int i = 0; i < 12; i++)
        printable &= vendor[i] >= 0x20 && vendor[i] < 0x7f;
    report(printable, "vendor string printable");

    u32 sum = 0;
    for (u32 l = 0; l <= c.a && l < 0x100; l++)
        sum += cpuid(l).a; /* CPUID never faults: every leaf readable */
    report_pass("basic leaves 0..%#x readable (sum %#x)", c.a, sum);

    struct cpuid one = cpuid(1);
    static const struct {
        const char *name;
        int bit;
    } req[] = {{"FPU", 0},   {"TSC", 4},  {"MSR", 5},   {"PAE", 6},  {"CX8", 8},  {"APIC", 9},
               {"CMOV", 15}, {"PAT", 16}, {"FXSR", 24}, {"SSE", 25}, {"SSE2", 26}};
    bool ok = true;
    for (unsigned i = 0; i < ARRAY_SIZE(req); i++) {
        if (!(one.d & BIT(req[i].bit))) {
            report_fail("CPUID.1:EDX.%s required in long mode is clear", req[i].name);
            ok = false;
        }
    }
    if (ok)
        report_pass("CPUID.1:EDX shows the features x86-64 requires");
    report_info("hypervisor bit %s", (one.c & BIT(31)) ? "set" : "clear");
    if (this_cpu_has(X86_FEATURE_XSAVE))
        report(c.a >= 0xd && cpuid_indexed(0xd, 0).c >= 512 + 64,
               "XSAVE shown: leaf 0xD present with a sane area size");
}

static volatile bool topo_ok[MAX_CPUS];
static volatile int topo_levels[MAX_CPUS];

static void check_topology(u32 leaf, int cpu)
{
    u32 id = apic_x2apic_mode() ? apic_id() : cpu_apic_id(cpu);
    bool ok = true;
    u32 last_shift = 0;
    int levels = 0;
    for (u32 sub = 0; sub < 8; sub++) {
        struct cpuid c = cpuid_indexed(leaf, sub);
        u32 type = (c.c >> 8) & 0xff;
        if (type == 0)
            break;
        levels++;
        ok &= (c.c & 0xff) == sub;
        ok &= c.d == id;
        ok &= (c.a & 0x1f) >= last_shift;
        last_shift = c.a & 0x1f;
    }
    ok &= levels >= 1;
    topo_ok[cpu] = ok;
    topo_levels[cpu] = levels;
}

static void topo_b(void *arg)
{
    check_topology(0xb, smp_id());
}

static void topo_1f(void *arg)
{
    check_topology(0x1f, smp_id());
}

static void test_topology(void)
{
    u32 max = cpuid(0).a;
    if (max >= 0xb && cpuid_indexed(0xb, 0).b) {
        on_cpus(topo_b, NULL);
        for (int i = 0; i < nr_cpus(); i++)
            report(topo_ok[i], "cpu %d: leaf 0xB: %d levels, EDX == APIC ID, shifts increase", i,
                   topo_levels[i]);
    } else {
        report_skip("no CPUID leaf 0xB", "leaf 0xB topology");
    }
    if (max >= 0x1f && cpuid_indexed(0x1f, 0).b) {
        on_cpus(topo_1f, NULL);
        for (int i = 0; i < nr_cpus(); i++)
            report(topo_ok[i], "cpu %d: leaf 0x1F: %d levels, EDX == APIC ID", i, topo_levels[i]);
    }
}

static void test_extended(void)
{
    u32 max = cpuid(0x80000000).a;
    report(max >= 0x80000008 && max < 0x80000100, "extended max leaf %#x >= 0x80000008", max);
    report(this_cpu_has(X86_FEATURE_LM), "CPUID.80000001H:EDX.LM set (we run in long mode)");
    if (max >= 0x80000004) {
        const char *b = cpu_brand();
        bool ok = strlen(b) < 49;
        for (const char *p = b; *p; p++)
            ok &= *p >= 0x20 && *p < 0x7f;
        report(ok && strlen(b) > 0, "brand string printable and terminated");
    }
    if (max >= 0x80000008) {
        struct cpuid c = cpuid(0x80000008);
        u32 phys = c.a & 0xff, lin = (c.a >> 8) & 0xff;
        report(phys >= 36 && phys <= 52, "physical address width %u in 36..52", phys);
        report(lin == 48 || lin == 57, "linear address width %u is 48 or 57", lin);
        report(lin == 48 || this_cpu_has(X86_FEATURE_LA57), "57-bit linear width only with LA57");
    }
}

int main(void)
{
    test_basic_leaves();
    test_cr4_bits();
    test_topology();
    test_extended();
    return 0;
}
