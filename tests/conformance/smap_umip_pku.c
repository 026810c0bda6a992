/* SPDX-License-Identifier: MIT */
/*
 * smap_umip_pku: supervisor-mode protections, each skipped when CPUID does
 * not show it. SMEP: a supervisor fetch from a user page #PFs (error code
 * I/D|P, CR2 the address). SMAP: supervisor reads/writes of a user page
 * #PF with AC=0 and work between STAC and CLAC; CPL3 is not affected.
 * UMIP: SGDT, SIDT, SMSW, STR, SLDT at CPL3 #GP(0) with CR4.UMIP and work
 * without it. PKU: RDPKRU/WRPKRU round trip, #UD without CR4.PKE, #GP for
 * ECX != 0; an access-disabled key makes a CPL3 read #PF with error code
 * bit 5 (PK), a write-disabled key a CPL3 write.
 */
#include "conf.h"

static __user_data u8 upage[4096] __attribute__((aligned(4096)));
static __user_data u8 pkpage[4096] __attribute__((aligned(4096)));
static __user_data u8 ubuf[64] __attribute__((aligned(16)));
static __user_data volatile u64 ures;

static void __user_text u_ret(void *p)
{
}

static void __user_text u_read(void *p)
{
    ures = *(volatile u64 *)p;
}

static void __user_text u_write(void *p)
{
    *(volatile u64 *)p = 0x5a5a;
}

static void __user_text u_sgdt(void *p)
{
    asm volatile("sgdt %0" : "=m"(*(u8(*)[10])ubuf));
}
static void __user_text u_sidt(void *p)
{
    asm volatile("sidt %0" : "=m"(*(u8(*)[10])ubuf));
}
static void __user_text u_smsw(void *p)
{
    asm volatile("smsw %0" : "=m"(*(u16 *)ubuf));
}
static void __user_text u_str(void *p)
{
    asm volatile("str %0" : "=m"(*(u16 *)ubuf));
}
static void __user_text u_sldt(void *p)
{
    asm volatile("sldt %0" : "=m"(*(u16 *)ubuf));
}

static void k_read(void *p)
{
    ures = *(volatile u64 *)p;
}

static void k_write(void *p)
{
    *(volatile u64 *)p = 1;
}

static void test_smep(void)
{
    if (!this_cpu_has(X86_FEATURE_SMEP)) {
        report_skip("no CPUID.7.EBX.SMEP", "SMEP");
        return;
    }
    u64 cr4 = read_cr4();
    report(ex_try(u_ret, NULL) == -1, "supervisor fetch from a user page without SMEP");
    write_cr4(cr4 | X86_CR4_SMEP);
    int v = ex_try(u_ret, NULL);
    const struct ex_info *e = ex_last();
    u64 fn = (u64)(uintptr_t)u_ret;
    write_cr4(cr4);
    report(v == PF_VECTOR, "SMEP: supervisor fetch from a user page #PFs (vector %d)", v);
    if (v == PF_VECTOR)
        report(e->error_code == 0x11 && e->cr2 == fn && e->rip == fn,
               "SMEP: error code %#lx (want 0x11), CR2 and RIP the function", e->error_code);
    report(run_in_user(u_ret, NULL) == -1, "SMEP: CPL3 fetch from a user page works");
}

static void test_smap(void)
{
    if (!this_cpu_has(X86_FEATURE_SMAP)) {
        report_skip("no CPUID.7.EBX.SMAP", "SMAP");
        return;
    }
    u64 cr4 = read_cr4();
    u64 *p = (u64 *)upage;
    write_cr4(cr4 | X86_CR4_SMAP);
    int v = ex_try(k_read, p);
    u64 err = ex_last()->error_code, cr2 = ex_last()->cr2;
    report(v == PF_VECTOR && err == 1 && cr2 == (u64)(uintptr_t)p,
           "SMAP: supervisor read of a user page #PFs (vector %d, error %#lx)", v, err);
    v = ex_try(k_write, p);
    err = ex_last()->error_code;
    report(v == PF_VECTOR && err == 3,
           "SMAP: supervisor write of a user page #PFs (vector %d, error %#lx)", v, err);
    asm volatile("stac" : : : "memory");
    bool ac = read_rflags() & X86_EFLAGS_AC;
    v = ex_try(k_write, p);
    u64 val = *(volatile u64 *)p;
    asm volatile("clac" : : : "memory");
    report(ac && v == -1 && val == 1, "SMAP: STAC sets AC and allows the access");
    report(!(read_rflags() & X86_EFLAGS_AC), "SMAP: CLAC clears AC");
    v = ex_try(k_read, p);
    report(v == PF_VECTOR, "SMAP: access #PFs again after CLAC");
    v = run_in_user(u_read, p);
    report(v == -1, "SMAP: CPL3 read of a user page works");
    write_cr4(cr4);
    report(ex_try(k_read, p) == -1, "SMAP off: supervisor read of a user page works");
}

static void test_umip(void)
{
    if (!this_cpu_has(X86_FEATURE_UMIP)) {
        report_skip("no CPUID.7.ECX.UMIP", "UMIP");
        return;
    }
    static const struct {
        const char *name;
        void (*fn)(void *);
    } insns[] = {
        {"SGDT", u_sgdt}, {"SIDT", u_sidt}, {"SMSW", u_smsw}, {"STR", u_str}, {"SLDT", u_sldt}};
    u64 cr4 = read_cr4();
    for (unsigned i = 0; i < ARRAY_SIZE(insns); i++)
        report(run_in_user(insns[i].fn, NULL) == -1, "UMIP off: %s at CPL3 works", insns[i].name);
    write_cr4(cr4 | X86_CR4_UMIP);
    for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
        int v = run_in_user(insns[i].fn, NULL);
        report(v == GP_VECTOR && ex_last()->error_code == 0, "UMIP: %s at CPL3 #GP(0) (vector %d)",
               insns[i].name, v);
    }
    struct descriptor_ptr g;
    sgdt(&g);
    report(g.base == (u64)(uintptr_t)gdt, "UMIP: SGDT at CPL0 still works");
    write_cr4(cr4);
}

static inline u32 rdpkru(void)
{
    u32 a, d;
    asm volatile("rdpkru" : "=a"(a), "=d"(d) : "c"(0));
    return a;
}

static int wrpkru_safe(u32 val, u32 ecx)
{
    ex_reset();
    asm volatile(ASM_SAFE("wrpkru") : : "a"(val), "c"(ecx), "d"(0) : "memory");
    return ex_vector();
}

static int rdpkru_safe(void)
{
    u32 a, d;
    ex_reset();
    asm volatile(ASM_SAFE("rdpkru") : "=a"(a), "=d"(d) : "c"(0));
    return ex_vector();
}

static void test_pku(void)
{
    if (!this_cpu_has(X86_FEATURE_PKU)) {
        report_skip("no CPUID.7.ECX.PKU", "PKU");
        return;
    }
    u64 cr4 = read_cr4();
    report(rdpkru_safe() == UD_VECTOR, "RDPKRU with CR4.PKE clear #UDs");
    write_cr4(cr4 | X86_CR4_PKE);
    report(this_cpu_has(X86_FEATURE_OSPKE), "CPUID.7.ECX.OSPKE mirrors CR4.PKE");
    report(wrpkru_safe(0x4, 0) == -1 && rdpkru() == 0x4, "WRPKRU/RDPKRU round trip");
    report(wrpkru_safe(0, 1) == GP_VECTOR, "WRPKRU with ECX != 0 #GPs");

    u64 va = (u64)(uintptr_t)pkpage;
    vm_update(va, 4096, PT_PKEY(1), 0);
    wrpkru_safe(0, 0);
    report(run_in_user(u_read, pkpage) == -1, "PKRU 0: CPL3 read of a key-1 page works");
    wrpkru_safe(1u << 2, 0); /* key 1 access-disable */
    int v = run_in_user(u_read, pkpage);
    report(v == PF_VECTOR && ex_last()->error_code == 0x25 && ex_last()->cr2 == va,
           "PKRU.AD1: CPL3 read #PFs with PK (vector %d, error %#lx)", v, ex_last()->error_code);
    wrpkru_safe(1u << 3, 0); /* key 1 write-disable */
    report(run_in_user(u_read, pkpage) == -1, "PKRU.WD1: CPL3 read works");
    v = run_in_user(u_write, pkpage);
    report(v == PF_VECTOR && ex_last()->error_code == 0x27,
           "PKRU.WD1: CPL3 write #PFs with PK (vector %d, error %#lx)", v, ex_last()->error_code);
    wrpkru_safe(1u << 4, 0); /* key 2 only */
    report(run_in_user(u_write, pkpage) == -1, "PKRU for another key: CPL3 write works");
    wrpkru_safe(0, 0);
    vm_update(va, 4096, 0, PT_PKEY_MASK);
    write_cr4(cr4);
}

int main(void)
{
    test_smep();
    test_smap();
    test_umip();
    test_pku();
    return 0;
}
