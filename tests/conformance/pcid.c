/* SPDX-License-Identifier: MIT */
/*
 * pcid: process-context identifiers (skipped without CPUID.1:ECX.PCID).
 * Setting CR4.PCIDE #GPs unless CR3[11:0] is 0; with PCIDE, CR3 carries a
 * 12-bit PCID that reads back, and bit 63 (no flush) is accepted and not
 * stored; INVPCID (CPUID.7.EBX[10]) types 0-3 work, type > 3 #GPs, a PCID
 * above 4095 #GPs, a non-canonical address for type 0 #GPs. (No TLB
 * behaviour is tested: emulators differ in what they cache.)
 */
#include "conf.h"

struct invpcid_desc {
    u64 pcid, addr;
};

static int invpcid_safe(u64 type, u64 pcid, u64 addr)
{
    struct invpcid_desc d = {pcid, addr};
    ex_reset();
    asm volatile(ASM_SAFE("invpcid %0, %1") : : "m"(d), "r"(type) : "memory");
    return ex_vector();
}

static void test_invpcid(bool pcide)
{
    if (!this_cpu_has(X86_FEATURE_INVPCID)) {
        report_skip("no CPUID.7.EBX.INVPCID", "INVPCID");
        return;
    }
    u64 va = (u64)(uintptr_t)&test_invpcid;
    report(invpcid_safe(0, 0, va) == -1, "INVPCID type 0 (address) PCID 0");
    report(invpcid_safe(1, 0, 0) == -1, "INVPCID type 1 (single context) PCID 0");
    report(invpcid_safe(2, 0, 0) == -1, "INVPCID type 2 (all, including globals)");
    report(invpcid_safe(3, 0, 0) == -1, "INVPCID type 3 (all non-global)");
    report(invpcid_safe(4, 0, 0) == GP_VECTOR, "INVPCID type 4 #GPs");
    report(invpcid_safe(1, 4096, 0) == GP_VECTOR, "INVPCID with PCID 4096 #GPs");
    report(invpcid_safe(0, 1, 0x8000000000000000ULL) == GP_VECTOR,
           "INVPCID type 0 with a non-canonical address #GPs");
    if (pcide)
        report(invpcid_safe(1, 7, 0) == -1, "INVPCID type 1 for PCID 7 with CR4.PCIDE=1");
    else
        report(invpcid_safe(1, 7, 0) == GP_VECTOR,
               "INVPCID type 1 for PCID 7 with CR4.PCIDE=0 #GPs");
}

int main(void)
{
    if (!this_cpu_has(X86_FEATURE_PCID)) {
        report_skip("no CPUID.1:ECX.PCID", "PCID");
        test_invpcid(false);
        return 0;
    }
    u64 cr3 = read_cr3(), cr4 = read_cr4();
    report((cr3 & 0xfff) == 0, "CR3[11:0] is 0 at start");

    write_cr3(cr3 | 0x8); /* PWT: a non-zero low 12 bits */
    int v = write_cr4_safe(cr4 | X86_CR4_PCIDE);
    report(v == GP_VECTOR && !(read_cr4() & X86_CR4_PCIDE),
           "setting CR4.PCIDE with CR3[11:0] != 0 #GPs (vector %d)", v);
    write_cr3(cr3);

    v = write_cr4_safe(cr4 | X86_CR4_PCIDE);
    report(v == -1 && (read_cr4() & X86_CR4_PCIDE), "setting CR4.PCIDE with CR3[11:0] = 0");
    if (v != -1)
        return 0;

    write_cr3(cr3 | 5);
    report(read_cr3() == (cr3 | 5), "CR3 PCID 5 reads back (%#lx)", read_cr3());
    write_cr3(cr3 | 0xfff);
    report(read_cr3() == (cr3 | 0xfff), "CR3 PCID 0xfff reads back");
    v = write_cr3_safe(cr3 | 5 | BIT(63));
    report(v == -1, "CR3 write with bit 63 (no flush) accepted");
    report(read_cr3() == (cr3 | 5), "CR3 bit 63 is not stored (%#lx)", read_cr3());
    test_invpcid(true);
    write_cr3(cr3);
    v = write_cr4_safe(cr4);
    report(v == -1 && !(read_cr4() & X86_CR4_PCIDE), "clearing CR4.PCIDE with PCID 0");
    write_cr3(cr3);
    return 0;
}
