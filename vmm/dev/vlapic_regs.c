/* SPDX-License-Identifier: MIT */
/*
 * Virtual local APIC register interface: one register file reached through
 * the xAPIC MMIO page or the x2APIC MSRs (SDM 11.12.1.2), IA32_APIC_BASE
 * mode transitions (SDM 11.12.5), ICR writes turned into IPIs (SDM 11.6).
 * In x2APIC mode the SDM's #GP rules apply (11.12.1.3): reserved registers,
 * reserved bits, writes to read-only and reads of write-only registers.
 * The xAPIC page has no such faults: those accesses read 0 or are dropped.
 */
#include "vmm/dev/vlapic.h"
#include "vmm/dev/apic_regs.h"
#include "vmm/dev/vlapic_internal.h"
#include "lib/errno.h"

#define NR_VECTOR_REGS 8
#define ICR_X2APIC_RSVD (~(uint64_t)(APIC_ICR_LO_WRITABLE | APIC_ICR_BUSY) & 0xFFFFFFFFULL)
#define SVR_WRITABLE (APIC_SVR_VECTOR | APIC_SVR_ENABLE | APIC_SVR_FOCUS_DISABLE)

/* Writable bits of each LVT register, and the read-only bits that are not reserved (fig. 11-8). */
static const uint32_t lvt_writable[VLAPIC_NR_LVT] = {
    [LVT_TIMER] = APIC_LVT_VECTOR | APIC_LVT_MASKED | APIC_LVT_TIMER_MODE,
    [LVT_THERMAL] = APIC_LVT_VECTOR | APIC_LVT_DM_MASK | APIC_LVT_MASKED,
    [LVT_PERF] = APIC_LVT_VECTOR | APIC_LVT_DM_MASK | APIC_LVT_MASKED,
    [LVT_LINT0] =
        APIC_LVT_VECTOR | APIC_LVT_DM_MASK | APIC_LVT_POLARITY | APIC_LVT_LEVEL | APIC_LVT_MASKED,
    [LVT_LINT1] =
        APIC_LVT_VECTOR | APIC_LVT_DM_MASK | APIC_LVT_POLARITY | APIC_LVT_LEVEL | APIC_LVT_MASKED,
    [LVT_ERROR] = APIC_LVT_VECTOR | APIC_LVT_MASKED,
};

static const uint32_t lvt_read_only[VLAPIC_NR_LVT] = {
    [LVT_TIMER] = APIC_LVT_STATUS,
    [LVT_THERMAL] = APIC_LVT_STATUS,
    [LVT_PERF] = APIC_LVT_STATUS,
    [LVT_LINT0] = APIC_LVT_STATUS | APIC_LVT_REMOTE_IRR,
    [LVT_LINT1] = APIC_LVT_STATUS | APIC_LVT_REMOTE_IRR,
    [LVT_ERROR] = APIC_LVT_STATUS,
};

/* Index of an ISR/TMR/IRR/LVT register whose block starts at base, or -1. */
static int reg_index(unsigned off, unsigned base, unsigned count)
{
    if (off < base || off >= base + count * 16)
        return -1;
    return (int)((off - base) >> 4);
}

/* Reports a vector register (ISR, TMR, IRR) in *val; false if off is none of them. */
static bool read_vector_reg(const struct vlapic *l, unsigned off, uint32_t *val)
{
    int i;

    if ((i = reg_index(off, APIC_ISR, NR_VECTOR_REGS)) >= 0)
        *val = l->isr[i];
    else if ((i = reg_index(off, APIC_TMR, NR_VECTOR_REGS)) >= 0)
        *val = l->tmr[i];
    else if ((i = reg_index(off, APIC_IRR, NR_VECTOR_REGS)) >= 0)
        *val = l->irr[i];
    return i >= 0;
}

/* Registers that exist only in xAPIC mode (x2APIC: reserved, or write-only EOI). */
static int read_xapic_only(const struct vlapic *l, unsigned off, uint32_t *val)
{
    switch (off) {
    case APIC_APR:
        *val = vlapic_apr(l);
        return 0;
    case APIC_DFR:
        *val = l->dfr;
        return 0;
    case APIC_ICR_HI:
        *val = l->icr_hi;
        return 0;
    case APIC_EOI:
    case APIC_RRD:
        *val = 0;
        return 0;
    default:
        return -EINVAL;
    }
}

static int read_reg(const struct vlapic *l, unsigned off, bool x2, uint32_t *val, uint64_t now_tsc)
{
    int lvt = reg_index(off, APIC_LVT_TIMER, VLAPIC_NR_LVT);

    if (read_vector_reg(l, off, val))
        return 0;
    if (lvt >= 0) {
        *val = l->lvt[lvt];
        return 0;
    }
    switch (off) {
    case APIC_ID:
        *val = x2 ? l->apic_id : l->xapic_id;
        return 0;
    case APIC_VER:
        *val = APIC_VER_INTEGRATED | ((VLAPIC_NR_LVT - 1) << APIC_VER_MAXLVT_SHIFT);
        return 0;
    case APIC_TPR:
        *val = l->tpr;
        return 0;
    case APIC_PPR:
        *val = vlapic_ppr(l);
        return 0;
    case APIC_LDR:
        *val = x2 ? vlapic_x2apic_ldr(l->apic_id) : l->ldr;
        return 0;
    case APIC_SVR:
        *val = l->svr;
        return 0;
    case APIC_ESR:
        *val = l->esr;
        return 0;
    case APIC_ICR_LO:
        *val = l->icr_lo;
        return 0;
    case APIC_TMICT:
        *val = l->timer_icr;
        return 0;
    case APIC_TMCCT:
        *val = vlapic_timer_ccr(l, now_tsc);
        return 0;
    case APIC_TDCR:
        *val = l->timer_dcr;
        return 0;
    }
    return x2 ? -EINVAL : read_xapic_only(l, off, val);
}

/* Stores val & writable; in x2APIC mode any other bit set is a #GP. */
static int store_masked(uint32_t *reg, uint32_t val, uint32_t writable, bool x2)
{
    if (x2 && (val & ~writable))
        return -EINVAL;
    *reg = val & writable;
    return 0;
}

static int write_lvt(struct vlapic *l, unsigned i, uint32_t val, bool x2)
{
    if (x2 && (val & ~(lvt_writable[i] | lvt_read_only[i])))
        return -EINVAL;
    val &= lvt_writable[i];
    /* SDM 11.4.7.2: while software-disabled, the LVT mask bits cannot be cleared. */
    if (!vlapic_sw_enabled(l))
        val |= APIC_LVT_MASKED;
    if (i == LVT_TIMER)
        vlapic_timer_write_lvt(l, val);
    else
        l->lvt[i] = val;
    return 0;
}

static int write_svr(struct vlapic *l, uint32_t val, bool x2)
{
    int rc = store_masked(&l->svr, val, SVR_WRITABLE, x2);

    if (rc == 0 && !(l->svr & APIC_SVR_ENABLE)) {
        for (unsigned i = 0; i < VLAPIC_NR_LVT; i++)
            l->lvt[i] |= APIC_LVT_MASKED;
    }
    return rc;
}

/* SDM 11.5.3: an ESR write latches the errors seen since the previous one. */
static int write_esr(struct vlapic *l, uint32_t val, bool x2)
{
    if (x2 && val)
        return -EINVAL;
    l->esr = l->esr_pending;
    l->esr_pending = 0;
    return 0;
}

static bool ipi_modelled(const struct vlapic_ipi *ipi)
{
    switch (ipi->delivery) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
    case VLAPIC_DM_NMI:
    case VLAPIC_DM_SIPI:
        return true;
    case VLAPIC_DM_INIT:
        /* INIT level de-assert does nothing on Pentium 4 and later (SDM 11.6.1). */
        return !ipi->level || ipi->assert;
    default:
        return false; /* SMI and the reserved encodings */
    }
}

static void send_icr(struct vlapic *l, uint32_t dest)
{
    uint32_t lo = l->icr_lo;
    struct vlapic_ipi ipi = {
        .dest = dest,
        .vector = lo & APIC_ICR_VECTOR,
        .delivery = (lo & APIC_ICR_DM_MASK) >> APIC_ICR_DM_SHIFT,
        .shorthand = (lo & APIC_ICR_SH_MASK) >> APIC_ICR_SH_SHIFT,
        .logical = lo & APIC_ICR_LOGICAL,
        .level = lo & APIC_ICR_LEVEL,
        .assert = lo & APIC_ICR_ASSERT,
    };
    bool vectored = ipi.delivery == VLAPIC_DM_FIXED || ipi.delivery == VLAPIC_DM_LOWEST;

    if (!ipi_modelled(&ipi))
        return;
    if (vectored && ipi.vector < APIC_FIRST_VECTOR) {
        vlapic_error(l, APIC_ESR_SEND_ILLEGAL);
        return;
    }
    if (l->ops && l->ops->send_ipi)
        l->ops->send_ipi(l->ctx, &ipi);
}

static int write_xapic_only(struct vlapic *l, unsigned off, uint32_t val)
{
    switch (off) {
    case APIC_ID:
        /* Writable on the xAPIC (SDM 11.4.6); Linux never moves it. */
        l->xapic_id = val & APIC_LDR_XAPIC_MASK;
        break;
    case APIC_LDR:
        l->ldr = val & APIC_LDR_XAPIC_MASK;
        break;
    case APIC_DFR:
        l->dfr = (val & APIC_DFR_MODEL_MASK) | ~APIC_DFR_MODEL_MASK;
        break;
    case APIC_ICR_HI:
        l->icr_hi = val & APIC_LDR_XAPIC_MASK;
        break;
    case APIC_ICR_LO:
        l->icr_lo = val & APIC_ICR_LO_WRITABLE;
        send_icr(l, l->icr_hi >> APIC_ICR_XAPIC_DEST_SHIFT);
        break;
    }
    return 0; /* read-only and reserved registers ignore writes */
}

static int write_self_ipi(struct vlapic *l, uint32_t val)
{
    uint8_t vector = val & APIC_ICR_VECTOR;

    if (val & ~APIC_ICR_VECTOR)
        return -EINVAL;
    /* SDM 11.12.11: a fixed, edge-triggered interrupt to this APIC alone. */
    if (vector < APIC_FIRST_VECTOR)
        vlapic_error(l, APIC_ESR_SEND_ILLEGAL);
    else
        vlapic_set_irq(l, vector, false);
    return 0;
}

/* Registers whose writes leave what vlapic_xapic_sync copies alone (its ICR is the page's). */
static bool sync_ignores(unsigned off)
{
    return off == APIC_TPR || off == APIC_EOI || off == APIC_ICR_LO || off == APIC_ICR_HI;
}

static int write_reg(struct vlapic *l, unsigned off, uint32_t val, bool x2, uint64_t now_tsc)
{
    int lvt = reg_index(off, APIC_LVT_TIMER, VLAPIC_NR_LVT);

    if (!sync_ignores(off))
        l->regs_gen++;
    if (lvt >= 0)
        return write_lvt(l, (unsigned)lvt, val, x2);
    switch (off) {
    case APIC_TPR:
        return store_masked(&l->tpr, val, 0xFF, x2);
    case APIC_EOI:
        if (x2 && val)
            return -EINVAL;
        vlapic_eoi(l);
        return 0;
    case APIC_SVR:
        return write_svr(l, val, x2);
    case APIC_ESR:
        return write_esr(l, val, x2);
    case APIC_TMICT:
        vlapic_timer_write_icr(l, val, now_tsc);
        return 0;
    case APIC_TDCR:
        if (x2 && (val & ~APIC_TDCR_MASK))
            return -EINVAL;
        vlapic_timer_write_dcr(l, val, now_tsc);
        return 0;
    }
    if (!x2)
        return write_xapic_only(l, off, val);
    return off == APIC_SELF_IPI ? write_self_ipi(l, val) : -EINVAL;
}

static bool mmio_decodes(const struct vlapic *l, unsigned offset)
{
    /* In x2APIC mode the page behaves like a globally disabled xAPIC (SDM 11.12.2). */
    return vlapic_xapic_mode(l) && offset < APIC_REG_END && !(offset & 0xF);
}

uint32_t vlapic_mmio_read(struct vlapic *l, unsigned offset, uint64_t now_tsc)
{
    uint32_t val;

    if (!mmio_decodes(l, offset))
        return 0;
    vlapic_timer_update(l, now_tsc);
    if (read_reg(l, offset, false, &val, now_tsc) < 0)
        return 0;
    return val;
}

void vlapic_mmio_write(struct vlapic *l, unsigned offset, uint32_t val, uint64_t now_tsc)
{
    if (!mmio_decodes(l, offset))
        return;
    vlapic_timer_update(l, now_tsc);
    write_reg(l, offset, val, false, now_tsc);
    vlapic_timer_update(l, now_tsc);
}

static void page_set(uint32_t *page, unsigned off, uint32_t val)
{
    page[off / 4] = val;
}

/* What reads of the xAPIC page show, except TPR, PPR, ISR and IRR (vlapic_xapic_sync). */
static void store_regs(const struct vlapic *l, uint32_t *page)
{
    uint32_t ver;

    read_reg(l, APIC_VER, false, &ver, 0);
    page_set(page, APIC_ID, l->xapic_id);
    page_set(page, APIC_VER, ver);
    page_set(page, APIC_EOI, 0);
    page_set(page, APIC_LDR, l->ldr);
    page_set(page, APIC_DFR, l->dfr);
    page_set(page, APIC_SVR, l->svr);
    page_set(page, APIC_ESR, l->esr);
    for (unsigned i = 0; i < NR_VECTOR_REGS; i++)
        page_set(page, APIC_TMR + 16 * i, l->tmr[i]);
    for (unsigned i = 0; i < VLAPIC_NR_LVT; i++)
        page_set(page, APIC_LVT_TIMER + 16 * i, l->lvt[i]);
    page_set(page, APIC_TMICT, l->timer_icr);
    page_set(page, APIC_TDCR, l->timer_dcr);
}

/* The ICR the guest wrote into the page, as an MMIO write would have stored it. */
static void load_icr(struct vlapic *l, const uint32_t *page)
{
    l->icr_lo = page[APIC_ICR_LO / 4] & APIC_ICR_LO_WRITABLE;
    l->icr_hi = page[APIC_ICR_HI / 4] & APIC_LDR_XAPIC_MASK;
}

bool vlapic_xapic_sync(struct vlapic *l, uint32_t page[1024], uint32_t *gen, bool fill)
{
    if (!vlapic_xapic_mode(l)) {
        if (!fill && vlapic_x2apic_mode(l))
            load_icr(l, page);
        return false;
    }
    if (fill) {
        page_set(page, APIC_ICR_LO, l->icr_lo);
        page_set(page, APIC_ICR_HI, l->icr_hi);
    } else if (*gen == l->regs_gen) {
        return true;
    }
    store_regs(l, page);
    *gen = l->regs_gen;
    return true;
}

uint64_t vlapic_mmio_base(const struct vlapic *l)
{
    return l->apic_base & APIC_BASE_ADDR_MASK;
}

/* EN/EXTD pairs (SDM figure 11-27). */
enum apic_mode { MODE_DISABLED, MODE_INVALID, MODE_XAPIC, MODE_X2APIC };

static enum apic_mode mode_of(uint64_t apic_base)
{
    return (enum apic_mode)(((apic_base & APIC_BASE_EN) ? 2 : 0) |
                            ((apic_base & APIC_BASE_EXTD) ? 1 : 0));
}

/* SDM 11.12.5: x2APIC is entered only from xAPIC, and left only by disabling. */
static bool legal_transition(enum apic_mode from, enum apic_mode to)
{
    if (to == MODE_INVALID)
        return false;
    if (from == MODE_X2APIC && to == MODE_XAPIC)
        return false;
    return !(from == MODE_DISABLED && to == MODE_X2APIC);
}

static int write_apic_base(struct vlapic *l, uint64_t val)
{
    uint64_t rsvd = APIC_BASE_RSVD_LOW;
    enum apic_mode from = mode_of(l->apic_base), to = mode_of(val);

    if (l->phys_bits < 64)
        rsvd |= ~0ULL << l->phys_bits;
    if (l->no_x2apic)
        rsvd |= APIC_BASE_EXTD; /* reserved without CPUID.1:ECX.x2APIC (SDM 11.12.1) */
    if ((val & rsvd) || !legal_transition(from, to))
        return -EINVAL;
    /* The BSP flag belongs to the platform, not to the guest. */
    l->apic_base = (val & ~APIC_BASE_BSP) | (l->apic_base & APIC_BASE_BSP);
    /* SDM 11.4.3: a globally disabled APIC loses its state. */
    if (to == MODE_DISABLED && from != MODE_DISABLED)
        vlapic_reset_regs(l);
    /* A backend that virtualizes one mode only starts afresh: all of the state is news. */
    if (to != from)
        l->vid_changed = true;
    return 0;
}

static int x2apic_read(struct vlapic *l, uint32_t msr, uint64_t *val, uint64_t now_tsc)
{
    unsigned off = (msr - X2APIC_MSR_BASE) << 4;
    uint32_t v;

    if (!vlapic_x2apic_mode(l) || off >= APIC_REG_END)
        return -EINVAL;
    if (off == APIC_ICR_LO) {
        *val = ((uint64_t)l->icr_hi << 32) | l->icr_lo;
        return 0;
    }
    if (read_reg(l, off, true, &v, now_tsc) < 0)
        return -EINVAL;
    *val = v;
    return 0;
}

static int x2apic_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now_tsc)
{
    unsigned off = (msr - X2APIC_MSR_BASE) << 4;

    if (!vlapic_x2apic_mode(l) || off >= APIC_REG_END)
        return -EINVAL;
    if (off == APIC_ICR_LO)
        return vlapic_x2apic_icr_write(l, val);
    /* Only the ICR is 64 bits wide; bits 63:32 of the rest are reserved. */
    if (val >> 32)
        return -EINVAL;
    return write_reg(l, off, (uint32_t)val, true, now_tsc);
}

void vlapic_x2apic_icr_latch(struct vlapic *l, uint64_t icr)
{
    l->icr_lo = (uint32_t)icr & APIC_ICR_LO_WRITABLE;
    l->icr_hi = (uint32_t)(icr >> 32);
}

int vlapic_x2apic_icr_write(struct vlapic *l, uint64_t icr)
{
    if (icr & ICR_X2APIC_RSVD)
        return -EINVAL;
    vlapic_x2apic_icr_latch(l, icr);
    send_icr(l, l->icr_hi);
    return 0;
}

/*
 * Fixed, physical, no shorthand, a legal vector (an illegal one sets this
 * APIC's ESR and may raise its error LVT), and a destination that is
 * neither this APIC nor the broadcast ID: the write changes no state of
 * this APIC that needs an entry (only its ICR).
 */
bool vlapic_x2apic_icr_to_other(const struct vlapic *l, uint64_t icr)
{
    uint32_t lo = (uint32_t)icr, dest = (uint32_t)(icr >> 32);

    return vlapic_x2apic_mode(l) && !(icr & ICR_X2APIC_RSVD) &&
           (lo & (APIC_ICR_DM_MASK | APIC_ICR_LOGICAL | APIC_ICR_SH_MASK)) == 0 &&
           (lo & APIC_ICR_VECTOR) >= APIC_FIRST_VECTOR && dest != l->apic_id &&
           dest != APIC_X2APIC_BROADCAST;
}

static bool is_x2apic_msr(uint32_t msr)
{
    return msr >= X2APIC_MSR_BASE && msr <= X2APIC_MSR_LAST;
}

int vlapic_msr_read(struct vlapic *l, uint32_t msr, uint64_t *val, uint64_t now_tsc)
{
    vlapic_timer_update(l, now_tsc);
    if (msr == MSR_IA32_APIC_BASE) {
        *val = l->apic_base;
        return 0;
    }
    if (msr == MSR_IA32_TSC_DEADLINE) {
        *val = vlapic_tsc_deadline_read(l);
        return 0;
    }
    if (!is_x2apic_msr(msr))
        return -ENOENT;
    return x2apic_read(l, msr, val, now_tsc);
}

static int msr_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now_tsc)
{
    if (msr == MSR_IA32_APIC_BASE)
        return write_apic_base(l, val);
    if (msr == MSR_IA32_TSC_DEADLINE) {
        vlapic_tsc_deadline_write(l, val);
        return 0;
    }
    if (!is_x2apic_msr(msr))
        return -ENOENT;
    return x2apic_write(l, msr, val, now_tsc);
}

int vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now_tsc)
{
    int rc;

    vlapic_timer_update(l, now_tsc);
    rc = msr_write(l, msr, val, now_tsc);
    /* A deadline already in the past has expired by now. */
    vlapic_timer_update(l, now_tsc);
    return rc;
}
