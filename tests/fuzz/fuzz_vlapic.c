/* fuzz-srcs: vmm/dev/vlapic.c vmm/dev/vlapic_regs.c vmm/dev/vlapic_timer.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * Virtual local APIC, driven by a guest's MMIO and MSR accesses, incoming
 * interrupts, injections and the passing of time. The first input byte is
 * the APIC ID (bit 0 also makes it the BSP); then each byte is an
 * operation (bits 2:0), with flags in bits 7:3 and operands in the bytes
 * after it (little-endian, zero past the end):
 *   0 MMIO read  off16             1 MMIO write off16, val32
 *   2 MSR read   sel8              3 MSR write  sel8, val64
 *   4 set_irq    vector8 (level = bit 3)
 *   5 inject the pending vector; EOI it when bit 3 is set
 *   6 time passes: delta16 << (4 * bits 5:3), then vlapic_timer_update
 *   7 bits 4:3 = 0 INIT, 1 SIPI vector8, 2 match_dest dest32, 3 set_irq all levels
 * MSR selector: 0xFF IA32_APIC_BASE, 0xFE IA32_TSC_DEADLINE, 0xFD an MSR the
 * model does not own, 0xFC the x2APIC ICR, anything else 0x800 + sel.
 * Fixed IPIs the model sends come back to it when they name it, as the
 * lead's routing would do. Invariants are checked after every operation,
 * among them that a virtual-APIC page kept by vlapic_xapic_sync reads as
 * the MMIO page (every change of a copied register moves regs_gen).
 */
#include <string.h>
#include "vmm/dev/vlapic.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define BASE_BSP 0x100ULL
#define BASE_EXTD 0x400ULL
#define BASE_EN 0x800ULL
#define TMCCT 0x390
#define TMICT 0x380

struct fuzz_state {
    struct vlapic l;
    uint64_t now;
    bool bsp;
    unsigned ipis;
    uint32_t page[1024]; /* vmm/vmx/apic_access.c's virtual-APIC page */
    uint32_t gen;
    bool mirrored;
};

static void send_ipi(void *ctx, const struct vlapic_ipi *ipi)
{
    struct fuzz_state *s = ctx;
    bool vectored = ipi->delivery == VLAPIC_DM_FIXED || ipi->delivery == VLAPIC_DM_LOWEST;
    bool to_self;

    CHECK(ipi->shorthand <= VLAPIC_SH_OTHERS);
    CHECK(vectored || ipi->delivery == VLAPIC_DM_NMI || ipi->delivery == VLAPIC_DM_INIT ||
          ipi->delivery == VLAPIC_DM_SIPI);
    CHECK(!vectored || ipi->vector >= 16);
    CHECK(!(ipi->delivery == VLAPIC_DM_INIT && ipi->level && !ipi->assert));
    s->ipis++;
    to_self =
        ipi->shorthand == VLAPIC_SH_SELF || ipi->shorthand == VLAPIC_SH_ALL ||
        (ipi->shorthand == VLAPIC_SH_NONE && vlapic_match_dest(&s->l, ipi->dest, ipi->logical));
    if (vectored && to_self)
        vlapic_set_irq(&s->l, ipi->vector, ipi->level);
}

static void eoi_level(void *ctx, uint8_t vector)
{
    CHECK(vector >= 16);
}

static const struct vlapic_ops ops = {.send_ipi = send_ipi, .eoi_level = eoi_level};

static uint32_t msr_of(uint8_t sel)
{
    switch (sel) {
    case 0xFF:
        return 0x1B;
    case 0xFE:
        return 0x6E0;
    case 0xFD:
        return 0x10;
    case 0xFC:
        return 0x830;
    default:
        return 0x800 + sel;
    }
}

static bool apic_msr(uint32_t msr)
{
    return msr == 0x1B || msr == 0x6E0 || (msr >= 0x800 && msr <= 0xBFF);
}

static void check_msr_rc(const struct vlapic *l, uint32_t msr, int rc)
{
    bool x2_reg = msr >= 0x800 && msr <= 0xBFF;

    CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
    CHECK((rc == -ENOENT) == !apic_msr(msr));
    if (x2_reg && !vlapic_x2apic_mode(l))
        CHECK(rc == -EINVAL);
}

static void do_msr(struct fuzz_state *s, struct fuzz_input *in, bool write)
{
    uint32_t msr = msr_of((uint8_t)fuzz_take(in, 1));
    uint64_t before = s->l.apic_base, val = 0;
    bool was_disabled = !(before & BASE_EN), was_x2 = vlapic_x2apic_mode(&s->l);
    int rc;

    if (write)
        rc = vlapic_msr_write(&s->l, msr, fuzz_take(in, 8), s->now);
    else
        rc = vlapic_msr_read(&s->l, msr, &val, s->now);
    check_msr_rc(&s->l, msr, rc);
    /* SDM 11.12.5: no disabled -> x2APIC, no x2APIC -> xAPIC. */
    if (was_disabled)
        CHECK(!vlapic_x2apic_mode(&s->l));
    if (was_x2)
        CHECK(!vlapic_xapic_mode(&s->l));
    if (msr == 0x1B && rc)
        CHECK(s->l.apic_base == before);
}

static void do_inject(struct fuzz_state *s, bool eoi)
{
    int v = vlapic_pending_vector(&s->l);

    if (v < 0)
        return;
    vlapic_ack(&s->l, (uint8_t)v);
    CHECK(s->l.isr[v / 32] & (1U << (v % 32)));
    if (!eoi)
        return;
    if (vlapic_x2apic_mode(&s->l))
        CHECK(vlapic_msr_write(&s->l, 0x80B, 0, s->now) == 0);
    else
        vlapic_mmio_write(&s->l, 0xB0, 0, s->now);
}

static void do_misc(struct fuzz_state *s, struct fuzz_input *in, unsigned sub)
{
    uint32_t start = 0;

    switch (sub) {
    case 0:
        vlapic_init_reset(&s->l);
        break;
    case 1:
        if (vlapic_take_sipi(&s->l, (uint8_t)fuzz_take(in, 1), &start))
            CHECK(!(start & 0xFFF) && start < 0x100000);
        break;
    case 2:
        vlapic_match_dest(&s->l, (uint32_t)fuzz_take(in, 4), in->pos & 1);
        break;
    default:
        for (unsigned v = 0; v < 256; v += 17)
            vlapic_set_irq(&s->l, (uint8_t)v, v & 1);
        break;
    }
}

static void check_timer(struct fuzz_state *s)
{
    uint64_t dl = vlapic_next_deadline(&s->l);
    uint64_t ccr;

    /* Every access at now has already fired what expired by now. */
    CHECK(dl == UINT64_MAX || dl > s->now);
    if (vlapic_xapic_mode(&s->l)) {
        CHECK(vlapic_mmio_read(&s->l, TMCCT, s->now) <= vlapic_mmio_read(&s->l, TMICT, s->now));
    } else if (vlapic_x2apic_mode(&s->l)) {
        CHECK(vlapic_msr_read(&s->l, 0x839, &ccr, s->now) == 0);
        CHECK(ccr <= s->l.timer_icr);
    }
}

static void check_state(struct fuzz_state *s)
{
    const struct vlapic *l = &s->l;
    int v = vlapic_pending_vector(l);
    uint32_t ppr =
        vlapic_x2apic_mode(l) || !vlapic_xapic_mode(l) ? 0 : vlapic_mmio_read(&s->l, 0xA0, s->now);

    CHECK(!(l->irr[0] & 0xFFFF) && !(l->isr[0] & 0xFFFF));
    CHECK(v == -1 || (v >= 16 && v <= 255));
    if (v >= 0) {
        CHECK(l->irr[v / 32] & (1U << (v % 32)));
        CHECK(((unsigned)v & 0xF0) > (ppr & 0xF0));
    }
    CHECK((l->apic_base & (BASE_EN | BASE_EXTD)) != BASE_EXTD);
    CHECK(!(l->apic_base & 0x2FF));
    CHECK(!!(l->apic_base & BASE_BSP) == s->bsp);
    if (!vlapic_xapic_mode(l))
        CHECK(vlapic_mmio_read(&s->l, 0x30, s->now) == 0);
    check_timer(s);
}

/* The registers vlapic_xapic_sync copies: not TPR, ISR, IRR (others'), nor the ICR (the page's). */
static bool copied(unsigned reg)
{
    return reg == 0x20 || reg == 0x30 || reg == 0xB0 || reg == 0xD0 || reg == 0xE0 || reg == 0xF0 ||
           (reg >= 0x180 && reg <= 0x1F0) || reg == 0x280 || (reg >= 0x320 && reg <= 0x380) ||
           reg == 0x3E0;
}

/* After check_state: its reads have run the timers up to now, so these reads change nothing. */
static void check_mirror(struct fuzz_state *s)
{
    s->mirrored = vlapic_xapic_sync(&s->l, s->page, &s->gen, !s->mirrored);
    for (unsigned reg = 0; s->mirrored && reg < 0x400; reg += 16)
        if (copied(reg))
            CHECK(s->page[reg / 4] == vlapic_mmio_read(&s->l, reg, s->now));
}

static void step(struct fuzz_state *s, struct fuzz_input *in)
{
    uint8_t op = (uint8_t)fuzz_take(in, 1);
    unsigned flags = op >> 3;

    switch (op & 7) {
    case 0:
        vlapic_mmio_read(&s->l, (unsigned)fuzz_take(in, 2) & 0xFFF, s->now);
        break;
    case 1: {
        unsigned off = (unsigned)fuzz_take(in, 2) & 0xFFF;

        vlapic_mmio_write(&s->l, off, (uint32_t)fuzz_take(in, 4), s->now);
        break;
    }
    case 2:
    case 3:
        do_msr(s, in, op & 1);
        break;
    case 4:
        vlapic_set_irq(&s->l, (uint8_t)fuzz_take(in, 1), flags & 1);
        break;
    case 5:
        do_inject(s, flags & 1);
        break;
    case 6:
        s->now += fuzz_take(in, 2) << (4 * (flags & 7));
        vlapic_timer_update(&s->l, s->now);
        break;
    default:
        do_misc(s, in, flags & 3);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fuzz_state s;
    struct fuzz_input in = {data, size, 0};
    uint8_t id = (uint8_t)fuzz_take(&in, 1);

    host_log_clear();
    memset(&s, 0, sizeof(s));
    s.bsp = id & 1;
    s.now = 1000;
    vlapic_init(&s.l, id, s.bsp, &ops, &s);
    while (in.pos < in.size) {
        step(&s, &in);
        check_state(&s);
        check_mirror(&s);
    }
    return 0;
}
