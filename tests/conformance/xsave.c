/* SPDX-License-Identifier: MIT */
/*
 * xsave: XCR0 through XSETBV/XGETBV (only bits of CPUID.0DH.0 EDX:EAX are
 * accepted; #GP for an unsupported bit, for x87 clear, for AVX without SSE,
 * for XCR index 1); the leaf 0xD sizes follow XCR0; XSAVE/XRSTOR round
 * trip of x87, SSE and (if present) AVX state, XSTATE_BV in the header;
 * XSAVEOPT and XSAVEC (compacted format, XCOMP_BV bit 63) when shown.
 * The runtime is built without SSE code, so XMM/YMM registers are ours.
 */
#include "conf.h"

#define XFEATURE_X87 BIT(0)
#define XFEATURE_SSE BIT(1)
#define XFEATURE_AVX BIT(2)

static u8 area[2][8192] __attribute__((aligned(64)));
static u8 pattern[32] __attribute__((aligned(32)));
static u8 out[32] __attribute__((aligned(32)));

static inline void xsave(void *a, u64 mask)
{
    asm volatile("xsave64 (%0)" : : "r"(a), "a"((u32)mask), "d"((u32)(mask >> 32)) : "memory");
}
static inline void xrstor(const void *a, u64 mask)
{
    asm volatile("xrstor64 (%0)" : : "r"(a), "a"((u32)mask), "d"((u32)(mask >> 32)) : "memory");
}
static inline void xsaveopt(void *a, u64 mask)
{
    asm volatile("xsaveopt64 (%0)" : : "r"(a), "a"((u32)mask), "d"((u32)(mask >> 32)) : "memory");
}
static inline void xsavec(void *a, u64 mask)
{
    asm volatile("xsavec64 (%0)" : : "r"(a), "a"((u32)mask), "d"((u32)(mask >> 32)) : "memory");
}

static void fill_pattern(u8 seed)
{
    for (int i = 0; i < 32; i++)
        pattern[i] = (u8)(seed + i * 7);
}

static void load_regs(bool avx)
{
    asm volatile("movdqu %0, %%xmm3" : : "m"(*(u8(*)[16])pattern));
    if (avx)
        asm volatile("vmovdqu %0, %%ymm5" : : "m"(*(u8(*)[32])pattern));
    asm volatile("fninit; fld1; fldpi" : : : "memory");
}

static void clobber_regs(bool avx)
{
    asm volatile("pxor %xmm3, %xmm3");
    if (avx)
        asm volatile("vpxor %ymm5, %ymm5, %ymm5");
    asm volatile("fninit");
}

static bool check_regs(bool avx, const char *what)
{
    bool ok = true;
    asm volatile("movdqu %%xmm3, %0" : "=m"(*(u8(*)[16])out));
    ok &= !memcmp(out, pattern, 16);
    report(ok, "%s: XMM3 restored", what);
    if (avx) {
        memset(out, 0, 32);
        asm volatile("vmovdqu %%ymm5, %0" : "=m"(*(u8(*)[32])out));
        bool y = !memcmp(out, pattern, 32);
        report(y, "%s: YMM5 (both halves) restored", what);
        ok &= y;
    }
    u64 pi_bits = 0, one_bits = 0;
    asm volatile("fstpl %0; fstpl %1" : "=m"(pi_bits), "=m"(one_bits));
    bool x = pi_bits == 0x400921fb54442d18ULL && one_bits == 0x3ff0000000000000ULL;
    report(x, "%s: x87 stack restored (%#lx %#lx)", what, pi_bits, one_bits);
    return ok && x;
}

static void test_xcr0(u64 supported)
{
    report(supported & XFEATURE_X87 && supported & XFEATURE_SSE,
           "CPUID.0DH.0: x87 and SSE supported (%#lx)", supported);
    report(xgetbv(0) & XFEATURE_X87, "XCR0 x87 bit set (%#lx)", xgetbv(0));
    report(xsetbv_safe(0, 3) == -1 && xgetbv(0) == 3, "XSETBV XCR0=3 (x87|SSE)");
    report(cpuid_indexed(0xd, 0).b == 576, "CPUID.0DH.0:EBX 576 for x87|SSE (%u)",
           cpuid_indexed(0xd, 0).b);
    report(xsetbv_safe(0, 2) == GP_VECTOR, "XSETBV with x87 clear #GPs");
    report(xsetbv_safe(0, BIT(63) | 3) == GP_VECTOR, "XSETBV with bit 63 #GPs");
    int unsup = -1;
    for (int b = 2; b < 63; b++)
        if (!(supported & BIT(b))) {
            unsup = b;
            break;
        }
    if (unsup >= 0)
        report(xsetbv_safe(0, 3 | BIT(unsup)) == GP_VECTOR, "XSETBV with unsupported bit %d #GPs",
               unsup);
    report(xsetbv_safe(1, 3) == GP_VECTOR, "XSETBV of XCR index 1 #GPs");
    report(xgetbv(0) == 3, "XCR0 unchanged by refused XSETBVs");
    if (supported & XFEATURE_AVX) {
        report(xsetbv_safe(0, XFEATURE_X87 | XFEATURE_AVX) == GP_VECTOR,
               "XSETBV with AVX but not SSE #GPs");
        report(xsetbv_safe(0, 7) == -1 && xgetbv(0) == 7, "XSETBV XCR0=7 (x87|SSE|AVX)");
        struct cpuid c = cpuid_indexed(0xd, 2);
        report(c.a == 256 && c.b == 576, "CPUID.0DH.2: AVX state 256 bytes at 576 (%u at %u)", c.a,
               c.b);
        report(cpuid_indexed(0xd, 0).b == 832, "CPUID.0DH.0:EBX 832 with AVX enabled (%u)",
               cpuid_indexed(0xd, 0).b);
    } else {
        report_skip("no AVX in CPUID.0DH.0:EAX", "XCR0 AVX state");
    }
    report(cpuid_indexed(0xd, 0).c >= cpuid_indexed(0xd, 0).b,
           "CPUID.0DH.0:ECX (max size) >= EBX (current size)");
}

static void test_roundtrip(bool avx)
{
    u64 mask = avx ? 7 : 3;
    fill_pattern(0x31);
    load_regs(avx);
    memset(area[0], 0, sizeof(area[0]));
    xsave(area[0], mask);
    u64 bv = *(u64 *)(area[0] + 512);
    report((bv & 3) == 3, "XSAVE: XSTATE_BV has x87 and SSE (%#lx)", bv);
    if (avx)
        report(bv & XFEATURE_AVX, "XSAVE: XSTATE_BV has AVX");
    report(!memcmp(area[0] + 160 + 3 * 16, pattern, 16), "XSAVE: XMM3 in the legacy area");
    clobber_regs(avx);
    xrstor(area[0], mask);
    check_regs(avx, "XSAVE/XRSTOR");

    /* restoring with XSTATE_BV clear puts SSE in its initial state */
    load_regs(avx);
    xsave(area[1], mask);
    *(u64 *)(area[1] + 512) &= ~XFEATURE_SSE;
    xrstor(area[1], mask);
    asm volatile("movdqu %%xmm3, %0" : "=m"(*(u8(*)[16])out));
    static const u8 zero[16];
    report(!memcmp(out, zero, 16), "XRSTOR with XSTATE_BV.SSE clear zeroes XMM3");
    asm volatile("fninit");
}

static void test_opt_and_compact(bool avx)
{
    u64 mask = avx ? 7 : 3;
    if (this_cpu_has(X86_FEATURE_XSAVEOPT)) {
        fill_pattern(0x55);
        load_regs(avx);
        memset(area[0], 0, sizeof(area[0]));
        xsaveopt(area[0], mask);
        clobber_regs(avx);
        xrstor(area[0], mask);
        check_regs(avx, "XSAVEOPT/XRSTOR");
    } else {
        report_skip("no CPUID.0DH.1:EAX.XSAVEOPT", "XSAVEOPT");
    }
    if (this_cpu_has(X86_FEATURE_XSAVEC)) {
        fill_pattern(0x77);
        load_regs(avx);
        memset(area[1], 0, sizeof(area[1]));
        xsavec(area[1], mask);
        u64 comp = *(u64 *)(area[1] + 520);
        report(comp & BIT(63), "XSAVEC: XCOMP_BV bit 63 set (%#lx)", comp);
        report((comp & mask) == (mask & ~0ULL), "XSAVEC: XCOMP_BV has the requested features");
        clobber_regs(avx);
        xrstor(area[1], mask);
        check_regs(avx, "XSAVEC/XRSTOR (compacted)");
    } else {
        report_skip("no CPUID.0DH.1:EAX.XSAVEC", "XSAVEC");
    }
}

int main(void)
{
    if (!this_cpu_has(X86_FEATURE_XSAVE)) {
        report_skip("no CPUID.1:ECX.XSAVE", "XSAVE");
        return 0;
    }
    report(xsetbv_safe(0, 3) == UD_VECTOR, "XSETBV with CR4.OSXSAVE clear #UDs");
    write_cr4(read_cr4() | X86_CR4_OSXSAVE);
    struct cpuid d = cpuid_indexed(0xd, 0);
    u64 supported = d.a | ((u64)d.d << 32);
    test_xcr0(supported);
    bool avx = (supported & XFEATURE_AVX) && this_cpu_has(X86_FEATURE_AVX);
    xsetbv_safe(0, avx ? 7 : 3);
    test_roundtrip(avx);
    test_opt_and_compact(avx);
    return 0;
}
