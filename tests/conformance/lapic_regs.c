/* SPDX-License-Identifier: MIT */
/*
 * lapic_regs: local APIC register behaviour in xAPIC mode. The version
 * register (integrated APIC, 4-7 LVT entries); the APIC ID register matches
 * CPUID.1:EBX[31:24] on every CPU; read-only registers (version, PPR, ISR,
 * TMR, IRR, current count) ignore writes; SVR's vector and enable bit read
 * back, and while software-disabled every LVT is masked and cannot be
 * unmasked; LVT fields read back and delivery status is read-only; ESR is
 * 0 with no error and records a send/receive illegal vector for an IPI
 * with vector < 16, which is not delivered, and signals through LVT Error;
 * LDR[31:24] and DFR[31:28] read back, their other bits do not; ICR2's
 * destination reads back; every timer divide encoding reads back and
 * divide by 2 counts about 64 times faster than divide by 128.
 */
#include "conf.h"

#define ERR_VEC 0xe0
#define LOW_VEC 0x05
#define SWDIS_QUIRK "LVT masks not forced while software-disabled"
#define ESR_QUIRK "no illegal-vector checks"

static volatile int err_hits, low_hits;

static void err_isr(struct ex_regs *r)
{
    err_hits++;
    apic_eoi();
}

static void low_isr(struct ex_regs *r)
{
    low_hits++;
    apic_eoi();
}

static volatile bool id_ok[MAX_CPUS];
static volatile u32 id_seen[MAX_CPUS];

static void check_id(void *arg)
{
    u32 id = apic_read(APIC_ID) >> 24;
    id_seen[smp_id()] = id;
    id_ok[smp_id()] = id == cpuid(1).b >> 24 && id == cpu_apic_id(smp_id());
}

static void test_id_version(void)
{
    u32 v = apic_read(APIC_LVR);
    u32 maxlvt = (v >> 16) & 0xff;
    report((v & 0xff) >= 0x10 && (v & 0xff) <= 0x15, "version %#x: integrated APIC", v & 0xff);
    report(maxlvt >= 3 && maxlvt <= 6, "max LVT entry %u (4-7 LVT entries)", maxlvt);
    on_cpus(check_id, NULL);
    for (int c = 0; c < nr_cpus(); c++)
        report(id_ok[c], "cpu %d: APIC ID register %u == CPUID.1:EBX[31:24] and the boot ID", c,
               id_seen[c]);
}

static void clear_esr(void)
{
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
}

static void test_readonly(void)
{
    static const u32 regs[] = {APIC_LVR, APIC_PPR, APIC_ISR,        APIC_ISR + 0x70,
                               APIC_TMR, APIC_IRR, APIC_IRR + 0x10, APIC_TMCCT};
    static const char *const names[] = {"version", "PPR",  "ISR0", "ISR7",
                                        "TMR0",    "IRR0", "IRR1", "current count"};
    for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
        u32 before = apic_read(regs[i]);
        apic_write(regs[i], ~before);
        u32 after = apic_read(regs[i]);
        report(after == before, "%s register (%#x) ignores a write (%#x -> %#x)", names[i], regs[i],
               before, after);
    }
    clear_esr();
}

static void test_svr(void)
{
    u32 svr = apic_read(APIC_SPIV);
    report(svr & APIC_SPIV_ENABLE, "SVR: APIC software-enabled at start (%#x)", svr);
    apic_write(APIC_SPIV, APIC_SPIV_ENABLE | 0xef);
    u32 v = apic_read(APIC_SPIV);
    report((v & 0x1ff) == (APIC_SPIV_ENABLE | 0xef), "SVR vector and enable read back (%#x)", v);

    apic_write(APIC_LVTT, APIC_LVT_MASKED | 0x40);
    apic_write(APIC_SPIV, 0xff); /* software-disabled */
    v = apic_read(APIC_SPIV);
    report(!(v & APIC_SPIV_ENABLE), "SVR: software disable reads back (%#x)", v);
    apic_write(APIC_LVTT, 0x40);
    apic_write(APIC_LVTERR, 0x41);
    u32 t = apic_read(APIC_LVTT), e = apic_read(APIC_LVTERR);
    report_tcg_quirk((t & APIC_LVT_MASKED) && (e & APIC_LVT_MASKED), SWDIS_QUIRK,
                     "software-disabled: LVT entries cannot be unmasked (%#x %#x)", t, e);
    apic_write(APIC_SPIV, APIC_SPIV_ENABLE | 0xff);
    t = apic_read(APIC_LVTT);
    report_tcg_quirk(t & APIC_LVT_MASKED, SWDIS_QUIRK,
                     "LVTs stay masked after software enable (%#x)", t);
    apic_write(APIC_LVTT, 0x40);
    t = apic_read(APIC_LVTT);
    report(t == 0x40, "LVT timer can be unmasked once enabled (%#x)", t);
    apic_write(APIC_LVTT, APIC_LVT_MASKED);
    apic_write(APIC_LVTERR, APIC_LVT_MASKED);
}

static void test_lvt_fields(void)
{
    /* LINT1: vector, NMI delivery mode bits, polarity, level, mask; delivery status RO */
    u32 save = apic_read(APIC_LVT1);
    apic_write(APIC_LVT1, APIC_LVT_MASKED | APIC_INT_LEVELTRIG | BIT(13) | 0x7a);
    u32 v = apic_read(APIC_LVT1);
    report(v == (APIC_LVT_MASKED | APIC_INT_LEVELTRIG | BIT(13) | 0x7a),
           "LVT LINT1 fields read back (%#x)", v);
    apic_write(APIC_LVT1, APIC_LVT_MASKED | 0x1000 | 0x7a);
    v = apic_read(APIC_LVT1);
    report_tcg_quirk(v == (APIC_LVT_MASKED | 0x7a), "LVT delivery status bit is writable",
                     "LVT LINT1 delivery status (bit 12) is read-only (%#x)", v);
    apic_write(APIC_LVT1, save);
    apic_write(APIC_LVTT, APIC_LVT_MASKED | APIC_LVT_TIMER_PERIODIC | 0x66);
    v = apic_read(APIC_LVTT);
    report(v == (APIC_LVT_MASKED | APIC_LVT_TIMER_PERIODIC | 0x66),
           "LVT timer: mode, mask and vector read back (%#x)", v);
    apic_write(APIC_LVTT, APIC_LVT_MASKED);
    apic_write(APIC_LVTERR, APIC_LVT_MASKED | 0x77);
    v = apic_read(APIC_LVTERR);
    report(v == (APIC_LVT_MASKED | 0x77), "LVT Error: mask and vector read back (%#x)", v);
    apic_write(APIC_LVTERR, APIC_LVT_MASKED);
}

static void test_esr(void)
{
    clear_esr();
    report(apic_read(APIC_ESR) == 0, "ESR reads 0 with no error");
    handle_irq(ERR_VEC, err_isr);
    handle_irq(LOW_VEC, low_isr);
    err_hits = low_hits = 0;
    apic_write(APIC_LVTERR, ERR_VEC);
    apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | LOW_VEC, apic_id());
    irq_enable();
    udelay(1000);
    irq_disable();
    apic_write(APIC_ESR, 0);
    u32 esr = apic_read(APIC_ESR);
    report_tcg_quirk(esr & 0x60, ESR_QUIRK,
                     "IPI with vector %d: ESR send/receive illegal vector (%#x)", LOW_VEC, esr);
    report_tcg_quirk(low_hits == 0, ESR_QUIRK, "the illegal vector is not delivered");
    report_tcg_quirk(err_hits >= 1, ESR_QUIRK, "LVT Error interrupt delivered (%d)", err_hits);
    apic_write(APIC_LVTERR, APIC_LVT_MASKED);
    clear_esr();
    report(apic_read(APIC_ESR) == 0, "ESR clear after write, read, write");
    handle_irq(ERR_VEC, NULL);
    handle_irq(LOW_VEC, NULL);
}

static void test_ldr_dfr(void)
{
    u32 ldr = apic_read(APIC_LDR), dfr = apic_read(APIC_DFR);
    report(dfr == 0xffffffff, "DFR: flat model at start (%#x)", dfr);
    apic_write(APIC_LDR, 0xa5123456);
    u32 v = apic_read(APIC_LDR);
    report(v == 0xa5000000, "LDR: bits 31:24 read back, 23:0 read 0 (%#x)", v);
    apic_write(APIC_DFR, 0x0fffffff);
    v = apic_read(APIC_DFR);
    report(v == 0x0fffffff, "DFR: cluster model reads back (%#x)", v);
    apic_write(APIC_DFR, 0x00000000);
    v = apic_read(APIC_DFR);
    report(v == 0x0fffffff, "DFR bits 27:0 read 1 (%#x)", v);
    apic_write(APIC_DFR, dfr);
    apic_write(APIC_LDR, ldr);
    report(apic_read(APIC_DFR) == dfr && apic_read(APIC_LDR) == ldr, "LDR/DFR restored");

    u32 icr2 = apic_read(APIC_ICR2);
    apic_write(APIC_ICR2, 0x5a000000);
    v = apic_read(APIC_ICR2);
    report(v == 0x5a000000, "ICR2 destination field reads back (%#x)", v);
    apic_write(APIC_ICR2, icr2);
}

/*
 * Current-count decrements per 2^20 TSC ticks, over about 200 us. A rate,
 * not a count: the window may stretch (a loaded host descheduling QEMU),
 * and both clocks stretch with it.
 */
static u64 count_rate(u32 tdcr)
{
    apic_write(APIC_TDCR, tdcr);
    apic_write(APIC_LVTT, APIC_LVT_MASKED);
    apic_write(APIC_TMICT, 0xffffffff);
    u64 t0 = rdtsc();
    u32 a = apic_read(APIC_TMCCT);
    udelay(200);
    u32 b = apic_read(APIC_TMCCT);
    u64 t1 = rdtsc();
    apic_write(APIC_TMICT, 0);
    return t1 > t0 ? ((u64)(a - b) << 20) / (t1 - t0) : 0;
}

static void test_divide(void)
{
    bool ok = true;
    for (u32 i = 0; i < 16; i++) {
        u32 enc = (i & 3) | ((i & 4) << 1);
        apic_write(APIC_TDCR, enc);
        ok &= (apic_read(APIC_TDCR) & 0xb) == enc;
    }
    report(ok, "timer divide configuration: all 8 encodings read back");
    u64 d2 = count_rate(0x0), d128 = count_rate(0xa);
    report(d128 > 0 && d2 >= 32 * d128 && d2 <= 128 * d128,
           "divide by 2 counts about 64 times faster than by 128 (%lu vs %lu per 2^20 TSC ticks)",
           (unsigned long)d2, (unsigned long)d128);
    apic_write(APIC_TDCR, 0xb);
}

int main(void)
{
    if (apic_x2apic_mode())
        report_abort("the local APIC is in x2APIC mode; this guest checks xAPIC");
    test_id_version();
    test_readonly();
    test_svr();
    test_lvt_fields();
    test_esr();
    test_ldr_dfr();
    test_divide();
    return 0;
}
