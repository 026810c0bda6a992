/* SPDX-License-Identifier: MIT */
/*
 * Virtual local APIC: reset states, fixed-interrupt acceptance and
 * priority (SDM 11.8), EOI, errors and destination matching (SDM 11.6.2).
 */
#include "vmm/dev/vlapic.h"
#include "vmm/dev/apic_regs.h"
#include "vmm/dev/vlapic_internal.h"
#include "lib/string.h"

#define ARCH_MAX_PHYS_BITS 52

static bool vec_test(const uint32_t *v, unsigned vector)
{
    return v[vector / 32] & (1U << (vector % 32));
}

static void vec_set(uint32_t *v, unsigned vector)
{
    v[vector / 32] |= 1U << (vector % 32);
}

static void vec_clear(uint32_t *v, unsigned vector)
{
    v[vector / 32] &= ~(1U << (vector % 32));
}

/* 32 bytes in four moves: memcpy's REP MOVSB would be 32 steps, on every VM entry with VID. */
static void vec_copy(uint32_t *dst, const uint32_t *src)
{
    __builtin_memcpy(dst, src, 32);
}

/* Highest set vector, or -1. */
static int vec_highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--) {
        if (v[i])
            return i * 32 + 31 - __builtin_clz(v[i]);
    }
    return -1;
}

/* Every register that INIT and a global disable return to its power-up value. */
void vlapic_reset_regs(struct vlapic *l)
{
    l->xapic_id = l->apic_id << 24;
    l->tpr = 0;
    l->svr = APIC_SVR_RESET;
    l->ldr = 0;
    l->dfr = APIC_DFR_FLAT;
    l->esr = l->esr_pending = 0;
    l->icr_lo = l->icr_hi = 0;
    for (unsigned i = 0; i < VLAPIC_NR_LVT; i++)
        l->lvt[i] = APIC_LVT_MASKED;
    memset(l->irr, 0, sizeof(l->irr));
    memset(l->isr, 0, sizeof(l->isr));
    memset(l->tmr, 0, sizeof(l->tmr));
    l->timer_icr = l->timer_dcr = 0;
    l->timer_armed = false;
    l->timer_next = 0;
    l->vid_changed = true;
    l->regs_gen++;
}

void vlapic_init(struct vlapic *l, uint32_t apic_id, bool bsp, const struct vlapic_ops *ops,
                 void *ctx)
{
    memset(l, 0, sizeof(*l));
    l->apic_id = apic_id;
    l->phys_bits = ARCH_MAX_PHYS_BITS;
    l->apic_base = APIC_DEFAULT_BASE | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0);
    l->ops = ops;
    l->ctx = ctx;
    vlapic_reset_regs(l);
}

void vlapic_start_x2apic(struct vlapic *l)
{
    if (!l->no_x2apic)
        l->apic_base |= APIC_BASE_EXTD;
}

void vlapic_init_reset(struct vlapic *l)
{
    uint32_t xapic_id = l->xapic_id;

    vlapic_reset_regs(l);
    /* SDM 11.4.7.3: INIT leaves the APIC ID (and IA32_APIC_BASE) alone. */
    l->xapic_id = xapic_id;
    l->wait_for_sipi = true;
}

bool vlapic_take_sipi(struct vlapic *l, uint8_t vector, uint32_t *start_addr)
{
    if (!l->wait_for_sipi)
        return false;
    l->wait_for_sipi = false;
    *start_addr = (uint32_t)vector << 12;
    return true;
}

bool vlapic_xapic_mode(const struct vlapic *l)
{
    return (l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN;
}

bool vlapic_x2apic_mode(const struct vlapic *l)
{
    return (l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

bool vlapic_sw_enabled(const struct vlapic *l)
{
    return (l->apic_base & APIC_BASE_EN) && (l->svr & APIC_SVR_ENABLE);
}

/* Logs errors for the next ESR write, raising the error LVT if it is unmasked (SDM 11.5.3). */
void vlapic_error(struct vlapic *l, uint32_t esr_bits)
{
    uint32_t lvt = l->lvt[LVT_ERROR];
    uint8_t vector = lvt & APIC_LVT_VECTOR;

    l->esr_pending |= esr_bits;
    /* An illegal error vector would report another error: drop it instead. */
    if (!(lvt & APIC_LVT_MASKED) && vector >= APIC_FIRST_VECTOR)
        vlapic_set_irq(l, vector, false);
}

void vlapic_set_irq(struct vlapic *l, uint8_t vector, bool level)
{
    if (!vlapic_sw_enabled(l))
        return;
    if (vector < APIC_FIRST_VECTOR) {
        vlapic_error(l, APIC_ESR_RECV_ILLEGAL);
        return;
    }
    vec_set(l->irr, vector);
    /* SDM 11.8.4: TMR follows the trigger mode of the interrupt accepted last. */
    if (vec_test(l->tmr, vector) == level)
        return;
    if (level)
        vec_set(l->tmr, vector);
    else
        vec_clear(l->tmr, vector);
    l->regs_gen++;
}

/* PPR (SDM 11.8.3.1): the TPR, or the in-service class if that is higher. */
uint32_t vlapic_ppr(const struct vlapic *l)
{
    int isrv = vec_highest(l->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;

    if ((l->tpr & 0xF0) >= isr_class)
        return l->tpr & 0xFF;
    return isr_class;
}

/* APR (SDM 11.8.3.1, figure 11-15 footnote): as PPR, with the highest request counted too. */
uint32_t vlapic_apr(const struct vlapic *l)
{
    int isrv = vec_highest(l->isr), irrv = vec_highest(l->irr);
    uint32_t top = (uint32_t)MAX(MAX(isrv, irrv), 0) & 0xF0;

    if ((l->tpr & 0xF0) >= top)
        return l->tpr & 0xFF;
    return top;
}

int vlapic_pending_vector(const struct vlapic *l)
{
    int irrv;

    if (!vlapic_sw_enabled(l))
        return -1;
    irrv = vec_highest(l->irr);
    if (irrv < 0 || ((uint32_t)irrv & 0xF0) <= (vlapic_ppr(l) & 0xF0))
        return -1;
    return irrv;
}

uint8_t vlapic_tpr_threshold(const struct vlapic *l)
{
    int isrv, irrv;
    uint32_t irr_class;

    if (!vlapic_sw_enabled(l) || (irrv = vec_highest(l->irr)) < 0)
        return 0;
    isrv = vec_highest(l->isr);
    irr_class = (uint32_t)irrv >> 4;
    if (isrv >= 0 && irr_class <= ((uint32_t)isrv >> 4))
        return 0; /* held by the in-service vector: its EOI is an exit */
    return irr_class <= (l->tpr >> 4) ? (uint8_t)irr_class : 0;
}

void vlapic_ack(struct vlapic *l, uint8_t vector)
{
    if (!vec_test(l->irr, vector))
        return;
    vec_clear(l->irr, vector);
    vec_set(l->isr, vector);
    l->vid_changed = true;
}

/* EOI (SDM 11.8.5): retires the highest in-service vector. */
void vlapic_eoi(struct vlapic *l)
{
    int vector = vec_highest(l->isr);

    if (vector < 0)
        return;
    vec_clear(l->isr, (unsigned)vector);
    l->vid_changed = true;
    if (vec_test(l->tmr, (unsigned)vector) && l->ops && l->ops->eoi_level)
        l->ops->eoi_level(l->ctx, (uint8_t)vector);
}

enum vlapic_vid vlapic_vid_take(struct vlapic *l, uint32_t irr[8], uint32_t isr[8], uint32_t tmr[8])
{
    bool all = l->vid_changed;
    uint32_t any = 0;

    for (unsigned i = 0; i < 8; i++)
        any |= l->irr[i];
    /* A TMR bit changes only with an IRR one (vlapic_set_irq). */
    if (!any && !all)
        return VLAPIC_VID_NONE;
    l->vid_changed = false;
    vec_copy(irr, l->irr);
    __builtin_memset(l->irr, 0, sizeof(l->irr));
    vec_copy(tmr, l->tmr);
    if (!all)
        return VLAPIC_VID_IRR;
    vec_copy(isr, l->isr);
    return VLAPIC_VID_ALL;
}

void vlapic_vid_give(struct vlapic *l, const uint32_t irr[8], const uint32_t isr[8])
{
    for (unsigned i = 0; i < 8; i++) {
        l->irr[i] |= irr[i];
        l->isr[i] = isr[i];
    }
}

void vlapic_vid_eoi(struct vlapic *l, uint8_t vector)
{
    if (vec_test(l->tmr, vector) && l->ops && l->ops->eoi_level)
        l->ops->eoi_level(l->ctx, vector);
}

/* SDM 11.12.10.2: cluster in bits 31:16, one bit of 16 for the member. */
uint32_t vlapic_x2apic_ldr(uint32_t x2apic_id)
{
    return ((x2apic_id >> 4) << 16) | (1U << (x2apic_id & 0xF));
}

static bool match_x2apic(const struct vlapic *l, uint32_t dest, bool logical)
{
    uint32_t ldr = vlapic_x2apic_ldr(l->apic_id);

    if (dest == APIC_X2APIC_BROADCAST)
        return true;
    if (!logical)
        return dest == l->apic_id;
    return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xFFFF);
}

static bool match_xapic(const struct vlapic *l, uint8_t dest, bool logical)
{
    uint8_t ldr = l->ldr >> 24;

    if (dest == APIC_XAPIC_BROADCAST)
        return true;
    if (!logical)
        return dest == (uint8_t)(l->xapic_id >> 24);
    if ((l->dfr & APIC_DFR_MODEL_MASK) == APIC_DFR_MODEL_MASK)
        return dest & ldr; /* flat model: one bit per APIC */
    /* Cluster model: cluster number in bits 7:4, member bits in 3:0. */
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xF);
}

bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical)
{
    if (vlapic_x2apic_mode(l))
        return match_x2apic(l, dest, logical);
    if (vlapic_xapic_mode(l))
        return match_xapic(l, (uint8_t)dest, logical);
    return false; /* globally disabled: deaf to the bus */
}
