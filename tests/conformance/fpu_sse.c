/* SPDX-License-Identifier: MIT */
/*
 * fpu_sse: x87/SSE/AVX state and the CR0 bits that guard it. CR0.TS makes
 * x87 and SSE instructions #NM (WAIT only with CR0.MP), CLTS clears it;
 * CR0.EM makes x87 #NM and SSE #UD (WAIT unaffected); LDMXCSR of a value
 * with bits outside MXCSR_MASK (from FXSAVE) is #GP, a valid one reads back;
 * FXSAVE/FXRSTOR round-trips XMM; the x87 stack, XMM0-15 and (with AVX)
 * YMM0-15 keep their values across many VM-exit-causing instructions
 * (CPUID, port I/O to the test device, RDMSR, self-IPIs) on every CPU at
 * once, each CPU with its own values.
 */
#include "conf.h"

#define IPI_VEC 0x60
#define ROUNDS 40
#define MXCSR_QUIRK "no #GP for reserved MXCSR bits"

static bool use_avx;
static volatile int ipis[MAX_CPUS];

static void ipi_isr(struct ex_regs *r)
{
    ipis[smp_id()]++;
    apic_eoi();
}

static void fill(u64 *p, int n, u64 seed)
{
    for (int i = 0; i < n; i++)
        p[i] = seed * 0x9e3779b97f4a7c15ULL + (u64)i * 0x0101010101010101ULL + seed;
}

static void load_xmm(const u64 *p)
{
    asm volatile("movdqu 0x00(%0), %%xmm0\n\tmovdqu 0x10(%0), %%xmm1\n\t"
                 "movdqu 0x20(%0), %%xmm2\n\tmovdqu 0x30(%0), %%xmm3\n\t"
                 "movdqu 0x40(%0), %%xmm4\n\tmovdqu 0x50(%0), %%xmm5\n\t"
                 "movdqu 0x60(%0), %%xmm6\n\tmovdqu 0x70(%0), %%xmm7\n\t"
                 "movdqu 0x80(%0), %%xmm8\n\tmovdqu 0x90(%0), %%xmm9\n\t"
                 "movdqu 0xa0(%0), %%xmm10\n\tmovdqu 0xb0(%0), %%xmm11\n\t"
                 "movdqu 0xc0(%0), %%xmm12\n\tmovdqu 0xd0(%0), %%xmm13\n\t"
                 "movdqu 0xe0(%0), %%xmm14\n\tmovdqu 0xf0(%0), %%xmm15"
                 :
                 : "r"(p)
                 : "memory");
}

static void store_xmm(u64 *p)
{
    asm volatile("movdqu %%xmm0, 0x00(%0)\n\tmovdqu %%xmm1, 0x10(%0)\n\t"
                 "movdqu %%xmm2, 0x20(%0)\n\tmovdqu %%xmm3, 0x30(%0)\n\t"
                 "movdqu %%xmm4, 0x40(%0)\n\tmovdqu %%xmm5, 0x50(%0)\n\t"
                 "movdqu %%xmm6, 0x60(%0)\n\tmovdqu %%xmm7, 0x70(%0)\n\t"
                 "movdqu %%xmm8, 0x80(%0)\n\tmovdqu %%xmm9, 0x90(%0)\n\t"
                 "movdqu %%xmm10, 0xa0(%0)\n\tmovdqu %%xmm11, 0xb0(%0)\n\t"
                 "movdqu %%xmm12, 0xc0(%0)\n\tmovdqu %%xmm13, 0xd0(%0)\n\t"
                 "movdqu %%xmm14, 0xe0(%0)\n\tmovdqu %%xmm15, 0xf0(%0)"
                 :
                 : "r"(p)
                 : "memory");
}

static void load_ymm(const u64 *p)
{
    asm volatile("vmovdqu 0x000(%0), %%ymm0\n\tvmovdqu 0x020(%0), %%ymm1\n\t"
                 "vmovdqu 0x040(%0), %%ymm2\n\tvmovdqu 0x060(%0), %%ymm3\n\t"
                 "vmovdqu 0x080(%0), %%ymm4\n\tvmovdqu 0x0a0(%0), %%ymm5\n\t"
                 "vmovdqu 0x0c0(%0), %%ymm6\n\tvmovdqu 0x0e0(%0), %%ymm7\n\t"
                 "vmovdqu 0x100(%0), %%ymm8\n\tvmovdqu 0x120(%0), %%ymm9\n\t"
                 "vmovdqu 0x140(%0), %%ymm10\n\tvmovdqu 0x160(%0), %%ymm11\n\t"
                 "vmovdqu 0x180(%0), %%ymm12\n\tvmovdqu 0x1a0(%0), %%ymm13\n\t"
                 "vmovdqu 0x1c0(%0), %%ymm14\n\tvmovdqu 0x1e0(%0), %%ymm15"
                 :
                 : "r"(p)
                 : "memory");
}

static void store_ymm(u64 *p)
{
    asm volatile("vmovdqu %%ymm0, 0x000(%0)\n\tvmovdqu %%ymm1, 0x020(%0)\n\t"
                 "vmovdqu %%ymm2, 0x040(%0)\n\tvmovdqu %%ymm3, 0x060(%0)\n\t"
                 "vmovdqu %%ymm4, 0x080(%0)\n\tvmovdqu %%ymm5, 0x0a0(%0)\n\t"
                 "vmovdqu %%ymm6, 0x0c0(%0)\n\tvmovdqu %%ymm7, 0x0e0(%0)\n\t"
                 "vmovdqu %%ymm8, 0x100(%0)\n\tvmovdqu %%ymm9, 0x120(%0)\n\t"
                 "vmovdqu %%ymm10, 0x140(%0)\n\tvmovdqu %%ymm11, 0x160(%0)\n\t"
                 "vmovdqu %%ymm12, 0x180(%0)\n\tvmovdqu %%ymm13, 0x1a0(%0)\n\t"
                 "vmovdqu %%ymm14, 0x1c0(%0)\n\tvmovdqu %%ymm15, 0x1e0(%0)"
                 :
                 : "r"(p)
                 : "memory");
}

/* eight x87 registers from doubles, and back (ST0 first out) */
static void load_x87(const u64 *p)
{
    asm volatile("fninit\n\t"
                 "fldl 0x00(%0)\n\tfldl 0x08(%0)\n\tfldl 0x10(%0)\n\tfldl 0x18(%0)\n\t"
                 "fldl 0x20(%0)\n\tfldl 0x28(%0)\n\tfldl 0x30(%0)\n\tfldl 0x38(%0)"
                 :
                 : "r"(p)
                 : "memory");
}

static void store_x87(u64 *p)
{
    asm volatile("fstpl 0x38(%0)\n\tfstpl 0x30(%0)\n\tfstpl 0x28(%0)\n\tfstpl 0x20(%0)\n\t"
                 "fstpl 0x18(%0)\n\tfstpl 0x10(%0)\n\tfstpl 0x08(%0)\n\tfstpl 0x00(%0)"
                 :
                 : "r"(p)
                 : "memory");
}

static void exits(int rounds)
{
    for (int i = 0; i < rounds; i++) {
        cpuid(i & 7);
        outl(0x1000 + i, TESTDEV_SCRATCH_PORT);
        inl(TESTDEV_SCRATCH_PORT);
        rdmsr(MSR_IA32_APICBASE);
        if (i % 8 == 0) {
            apic_self_ipi(IPI_VEC);
            irq_enable();
            udelay(20);
            irq_disable();
        }
    }
}

struct result {
    bool xmm, ymm, x87;
};
static struct result results[MAX_CPUS];

static void enable_avx(void *arg)
{
    write_cr4(read_cr4() | X86_CR4_OSXSAVE);
    xsetbv_safe(0, 7);
}

static void worker(void *arg)
{
    int me = smp_id();
    irq_disable();
    u64 want[64], got[64];
    /* finite doubles: exponent field kept away from all ones */
    fill(want, 8, 0x87 + me);
    for (int i = 0; i < 8; i++)
        want[i] = (want[i] & 0x800fffffffffffffULL) | ((u64)(0x3ff + i) << 52);
    load_x87(want);
    exits(ROUNDS / 2);
    store_x87(got);
    results[me].x87 = !memcmp(want, got, 64);

    fill(want, 32, 0x55 + me);
    load_xmm(want);
    exits(ROUNDS);
    store_xmm(got);
    results[me].xmm = !memcmp(want, got, 256);
    if (use_avx) {
        fill(want, 64, 0xa0 + me);
        load_ymm(want);
        exits(ROUNDS);
        store_ymm(got);
        results[me].ymm = !memcmp(want, got, 512);
    }
    irq_enable();
}

static void test_preserved(void)
{
    for (int c = 1; c < nr_cpus(); c++)
        on_cpu_async(c, worker, NULL);
    worker(NULL);
    irq_disable();
    for (int c = 1; c < nr_cpus(); c++)
        on_cpu_wait(c);
    for (int c = 0; c < nr_cpus(); c++) {
        report(results[c].x87, "cpu %d: x87 stack preserved across VM exits", c);
        report(results[c].xmm, "cpu %d: XMM0-15 preserved across VM exits", c);
        if (use_avx)
            report(results[c].ymm, "cpu %d: YMM0-15 preserved across VM exits", c);
        report(ipis[c] >= ROUNDS / 8, "cpu %d: self-IPIs delivered in between (%d)", c, ipis[c]);
    }
    if (!use_avx)
        report_skip("no CPUID.1:ECX.AVX/XSAVE", "YMM registers preserved");
}

static int try_insn(int which)
{
    ex_reset();
    switch (which) {
    case 0:
        asm volatile(ASM_SAFE("fld1") : : : "memory");
        break;
    case 1:
        asm volatile(ASM_SAFE("movaps %%xmm1, %%xmm2") : : : "memory");
        break;
    case 2:
        asm volatile(ASM_SAFE("fwait") : : : "memory");
        break;
    case 3:
        asm volatile(ASM_SAFE("addps %%xmm1, %%xmm2") : : : "memory");
        break;
    }
    return ex_vector();
}

static void test_cr0(void)
{
    u64 cr0 = read_cr0();
    asm volatile("fninit");
    write_cr0(cr0 | X86_CR0_TS);
    int x87 = try_insn(0), sse = try_insn(1), wait_mp = try_insn(2);
    write_cr0((cr0 | X86_CR0_TS) & ~X86_CR0_MP);
    int wait_nomp = try_insn(2);
    write_cr0(cr0 | X86_CR0_TS);
    asm volatile("clts");
    bool cleared = !(read_cr0() & X86_CR0_TS);
    int after = try_insn(1);
    write_cr0(cr0);
    report(x87 == NM_VECTOR, "CR0.TS: x87 FLD1 #NM (%d)", x87);
    report(sse == NM_VECTOR, "CR0.TS: SSE MOVAPS #NM (%d)", sse);
    report(wait_mp == NM_VECTOR, "CR0.TS with CR0.MP: WAIT #NM (%d)", wait_mp);
    report(wait_nomp == -1, "CR0.TS without CR0.MP: WAIT does not fault (%d)", wait_nomp);
    report(cleared && after == -1, "CLTS clears CR0.TS, SSE works again");

    write_cr0((cr0 | X86_CR0_EM) & ~X86_CR0_TS);
    x87 = try_insn(0);
    sse = try_insn(3);
    wait_nomp = try_insn(2);
    write_cr0(cr0);
    report(x87 == NM_VECTOR, "CR0.EM: x87 FLD1 #NM (%d)", x87);
    report(sse == UD_VECTOR, "CR0.EM: SSE ADDPS #UD (%d)", sse);
    report(wait_nomp == -1, "CR0.EM: WAIT does not fault (%d)", wait_nomp);
    asm volatile("fninit");
}

static u8 fx[512] __attribute__((aligned(16)));

static void test_mxcsr(void)
{
    memset(fx, 0, sizeof(fx));
    asm volatile("fxsave %0" : "=m"(fx));
    u32 mask = *(u32 *)(fx + 28);
    if (!mask)
        mask = 0xffbf;
    report_info("MXCSR_MASK %#x, MXCSR %#x", mask, *(u32 *)(fx + 24));
    u32 v = 0x1f80 | 0x6000 | 0x8000; /* round toward zero, flush to zero */
    v &= mask;
    u32 r = 0;
    asm volatile("ldmxcsr %1; stmxcsr %0" : "=m"(r) : "m"(v));
    report(r == v, "LDMXCSR/STMXCSR round trip (%#x)", r);
    u32 bad = 0x1f80 | BIT(31);
    ex_reset();
    asm volatile(ASM_SAFE("ldmxcsr %0") : : "m"(bad));
    report_tcg_quirk(ex_vector() == GP_VECTOR, MXCSR_QUIRK, "LDMXCSR with bit 31 set: #GP (%d)",
                     ex_vector());
    u32 after = 0;
    asm volatile("stmxcsr %0" : "=m"(after));
    report_tcg_quirk(after == v, MXCSR_QUIRK, "MXCSR unchanged by the faulting LDMXCSR (%#x)",
                     after);
    if (!(mask & BIT(6))) {
        bad = 0x1f80 | BIT(6);
        ex_reset();
        asm volatile(ASM_SAFE("ldmxcsr %0") : : "m"(bad));
        report_tcg_quirk(ex_vector() == GP_VECTOR, MXCSR_QUIRK,
                         "LDMXCSR with DAZ (not in MXCSR_MASK): #GP");
    }
    u32 def = 0x1f80;
    asm volatile("ldmxcsr %0" : : "m"(def));

    /* FXSAVE/FXRSTOR round trip of XMM3 */
    u64 pat[32], out[32];
    fill(pat, 32, 0x3333);
    load_xmm(pat);
    asm volatile("fxsave %0" : "=m"(fx));
    u64 zero[32] = {0};
    load_xmm(zero);
    asm volatile("fxrstor %0" : : "m"(fx));
    store_xmm(out);
    report(!memcmp(pat, out, sizeof(pat)), "FXSAVE/FXRSTOR restore XMM0-15");
    report(!memcmp(fx + 160 + 3 * 16, &pat[6], 16), "FXSAVE stores XMM3 at offset 208");
}

int main(void)
{
    handle_irq(IPI_VEC, ipi_isr);
    report(this_cpu_has(X86_FEATURE_SSE2), "CPUID.1:EDX.SSE2 (long mode requires it)");
    test_cr0();
    test_mxcsr();
    use_avx = this_cpu_has(X86_FEATURE_AVX) && this_cpu_has(X86_FEATURE_XSAVE);
    if (use_avx) {
        on_cpus(enable_avx, NULL);
        report((xgetbv(0) & 7) == 7, "XCR0 = x87|SSE|AVX (%#lx)", xgetbv(0));
    }
    test_preserved();
    return 0;
}
