/* SPDX-License-Identifier: MIT */
/*
 * The PC board's interrupt controllers (device "pc-irqchip"): a local APIC
 * per vCPU and an IOAPIC, wired as on a PC. Device lines are IOAPIC pins
 * (ISA IRQ n is GSI n, as the MADT declares no override), IOAPIC messages
 * and IPIs land in the local APICs they name (NMIs are latched per vCPU,
 * deliver_nmi), and a vCPU whose APIC gains an interrupt is kicked off its
 * CPU so its backend injects it at the next VM entry. It claims the APIC and IOAPIC pages, IA32_APIC_BASE,
 * TSC_DEADLINE and the x2APIC MSRs, and is the VM's irqchip (vmm/irqchip.h).
 *
 * One lock covers every model: accesses are short, and an IPI or an IOAPIC
 * message touches two models at once.
 */
#include "vmm/platform/board.h"
#include "vmm/platform/guest_platform.h"
#include "vmm/dev/apic_regs.h"
#include "vmm/dev/vlapic.h"
#include "vmm/dev/vioapic.h"
#include "vmm/irqchip.h"
#include "vmm/sched.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "kernel/spinlock.h"
#include "kernel/x86/cpu.h"

#define APIC_PAGE 0x1000

enum ap_state { AP_RESET, AP_INIT, AP_STARTED };

struct vplat;

struct lapic_ctx { /* what a local APIC's callbacks need to know */
    struct vplat *p;
    unsigned id;
};

struct vplat {
    spinlock_t lock;
    struct lapic_ctx lapic_ctx[VM_MAX_VCPUS];
    struct vm *vm;
    struct vioapic ioapic;
    struct vlapic lapic[VM_MAX_VCPUS];
    volatile int ap_state[VM_MAX_VCPUS];
    volatile int sipi_vector[VM_MAX_VCPUS];
    uint32_t kick; /* vCPUs to kick once the lock is dropped */
    uint64_t dropped_nmi;
    bool nmi[VM_MAX_VCPUS]; /* an NMI latched for the vCPU (irqchip nmi_pending/nmi_take) */
};

static void mark_kick(struct vplat *p, unsigned id)
{
    p->kick |= 1U << id;
}

/* Kicks after unlocking: the IPI path must not run under a model lock. */
static void unlock_and_kick(struct vplat *p, uint64_t flags, struct vcpu *self)
{
    uint32_t k = p->kick;

    p->kick = 0;
    spin_unlock_irqrestore(&p->lock, flags);
    for (unsigned i = 0; k; i++, k >>= 1)
        if ((k & 1) && &p->vm->vcpus[i] != self)
            sched_kick(&p->vm->vcpus[i]);
}

static void deliver_fixed(struct vplat *p, unsigned id, uint8_t vector, bool level)
{
    vlapic_set_irq(&p->lapic[id], vector, level);
    mark_kick(p, id);
}

static void deliver_init(struct vplat *p, unsigned id)
{
    if (p->ap_state[id] == AP_RESET)
        p->ap_state[id] = AP_INIT;
}

static void deliver_sipi(struct vplat *p, unsigned id, uint8_t vector)
{
    if (p->ap_state[id] != AP_INIT)
        return; /* SIPIs are ignored unless INIT came first, or once started (SDM 8.4.4) */
    p->sipi_vector[id] = vector;
    p->ap_state[id] = AP_STARTED;
    mark_kick(p, id);
}

/*
 * NMI (ICR or IOAPIC delivery mode NMI): the vector is ignored and the
 * local APIC accepts it even when software-disabled (SDM 11.6.1, 11.4.7.2).
 * It waits for the vCPU's next entry; one latched NMI absorbs the next
 * ones (SDM 6.7.1). A vCPU still waiting for its SIPI takes none (NMIs
 * are blocked in the wait-for-SIPI state, SDM 25.4.2 table 25-4).
 */
static void deliver_nmi(struct vplat *p, unsigned id)
{
    if (p->ap_state[id] != AP_STARTED) {
        p->dropped_nmi++;
        return;
    }
    __atomic_store_n(&p->nmi[id], true, __ATOMIC_RELEASE);
    mark_kick(p, id);
}

static void deliver_one(struct vplat *p, unsigned id, int mode, uint8_t vector, bool level)
{
    switch (mode) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
        deliver_fixed(p, id, vector, level);
        break;
    case VLAPIC_DM_INIT:
        deliver_init(p, id);
        break;
    case VLAPIC_DM_SIPI:
        deliver_sipi(p, id, vector);
        break;
    case VLAPIC_DM_NMI:
        deliver_nmi(p, id);
        break;
    default: /* SMI: not modelled; counted for `stats` */
        p->dropped_nmi++;
        break;
    }
}

static bool ipi_targets(struct vplat *p, const struct vlapic_ipi *ipi, unsigned self, unsigned i)
{
    switch (ipi->shorthand) {
    case VLAPIC_SH_SELF:
        return i == self;
    case VLAPIC_SH_ALL:
        return true;
    case VLAPIC_SH_OTHERS:
        return i != self;
    default:
        return vlapic_match_dest(&p->lapic[i], ipi->dest, ipi->logical);
    }
}

static void lapic_send_ipi(void *ctx, const struct vlapic_ipi *ipi)
{
    const struct lapic_ctx *c = ctx;
    struct vplat *p = c->p;

    for (unsigned i = 0; i < p->vm->nvcpus; i++)
        if (ipi_targets(p, ipi, c->id, i))
            deliver_one(p, i, ipi->delivery, ipi->vector, ipi->level);
}

static void lapic_eoi_level(void *ctx, uint8_t vector)
{
    const struct lapic_ctx *c = ctx;

    vioapic_eoi(&c->p->ioapic, vector);
}

static const struct vlapic_ops lapic_ops = {lapic_send_ipi, lapic_eoi_level};

static void ioapic_deliver(void *ctx, uint8_t dest, bool logical, uint8_t vector, uint8_t mode,
                           bool level)
{
    struct vplat *p = ctx;

    /* Fixed and lowest priority both go to the first APIC the message names. */
    for (unsigned i = 0; i < p->vm->nvcpus; i++)
        if (vlapic_match_dest(&p->lapic[i], dest, logical)) {
            deliver_one(p, i, mode, vector, level);
            if (mode != VLAPIC_DM_FIXED)
                return;
        }
}

static const struct vioapic_ops ioapic_ops = {ioapic_deliver};

/* ---------------------------------------------------------------- irqchip */

static int chip_pending(void *chip, struct vcpu *v)
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);
    int vec;

    vlapic_timer_update(&p->lapic[v->id], rdtsc());
    vec = vlapic_pending_vector(&p->lapic[v->id]);
    spin_unlock_irqrestore(&p->lock, f);
    return vec;
}

static void chip_ack(void *chip, struct vcpu *v, uint8_t vector)
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);

    vlapic_ack(&p->lapic[v->id], vector);
    spin_unlock_irqrestore(&p->lock, f);
}

static uint64_t chip_deadline(void *chip, struct vcpu *v)
{
    struct vplat *p = chip;

    /* Read without the lock: only this vCPU arms its own timer. */
    return vlapic_next_deadline(&p->lapic[v->id]);
}

static void chip_set_line(void *chip, unsigned line, bool level, struct vcpu *self)
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);

    vioapic_set_pin(&p->ioapic, line, level);
    unlock_and_kick(p, f, self);
}

/* The self-interrupt hypercall: an edge-triggered fixed interrupt in the caller's own APIC. */
static int chip_raise(void *chip, struct vcpu *v, uint8_t vector)
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);

    vlapic_set_irq(&p->lapic[v->id], vector, false);
    spin_unlock_irqrestore(&p->lock, f);
    return 0;
}

/* Lock-free: one flag per vCPU, set by senders, consumed by its own CPU before entry. */
static bool chip_nmi_pending(void *chip, struct vcpu *v)
{
    struct vplat *p = chip;

    return __atomic_load_n(&p->nmi[v->id], __ATOMIC_ACQUIRE);
}

static bool chip_nmi_take(void *chip, struct vcpu *v)
{
    struct vplat *p = chip;

    return __atomic_exchange_n(&p->nmi[v->id], false, __ATOMIC_ACQ_REL);
}

static int chip_wait_start(void *chip, struct vcpu *v)
{
    struct vplat *p = chip;

    v->state = VCPU_HALTED;
    while (!v->stop && p->ap_state[v->id] != AP_STARTED) {
        irq_enable_and_halt(); /* a SIPI or the VM's end kicks this CPU */
        irq_disable();
    }
    v->state = VCPU_RUNNING;
    return v->stop ? -1 : p->sipi_vector[v->id];
}

/* Read without the lock: CPUID of the vCPU itself, which alone writes its IA32_APIC_BASE. */
static bool chip_apic_enabled(void *chip, struct vcpu *v)
{
    struct vplat *p = chip;

    return p->lapic[v->id].apic_base & APIC_BASE_EN;
}

static uint8_t chip_get_tpr(void *chip, struct vcpu *v)
{
    return (uint8_t)((struct vplat *)chip)->lapic[v->id].tpr; /* one aligned load */
}

static void chip_set_tpr(void *chip, struct vcpu *v, uint8_t tpr)
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);

    p->lapic[v->id].tpr = tpr;
    spin_unlock_irqrestore(&p->lock, f); /* held interrupts are taken at the next entry */
}

static uint8_t chip_tpr_threshold(void *chip, struct vcpu *v)
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);
    uint8_t thr = vlapic_tpr_threshold(&p->lapic[v->id]);

    spin_unlock_irqrestore(&p->lock, f);
    return thr;
}

/* Read without the lock, as chip_apic_enabled. */
static bool chip_x2apic_mode(void *chip, struct vcpu *v)
{
    return vlapic_x2apic_mode(&((struct vplat *)chip)->lapic[v->id]);
}

_Static_assert((int)VLAPIC_VID_NONE == VID_TAKE_NONE && (int)VLAPIC_VID_IRR == VID_TAKE_IRR &&
                   (int)VLAPIC_VID_ALL == VID_TAKE_ALL,
               "vlapic_vid_take answers as vid_take");

static int chip_vid_take(void *chip, struct vcpu *v, uint32_t irr[8], uint32_t isr[8],
                         uint32_t tmr[8])
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);
    int took;

    vlapic_timer_update(&p->lapic[v->id], rdtsc());
    took = vlapic_vid_take(&p->lapic[v->id], irr, isr, tmr);
    spin_unlock_irqrestore(&p->lock, f);
    return took;
}

/* A TMR bit another CPU changed bumps regs_gen: xapic_sync must copy it to the page first. */
static int chip_vid_add(void *chip, struct vcpu *v, uint32_t gen, uint32_t irr[8], uint32_t tmr[8])
{
    struct vplat *p = chip;
    struct vlapic *l = &p->lapic[v->id];
    uint64_t f = spin_lock_irqsave(&p->lock);
    uint32_t isr[8];
    bool stale = l->vid_changed || (vlapic_xapic_mode(l) && l->regs_gen != gen);
    int took = stale ? -1 : (int)vlapic_vid_take(l, irr, isr, tmr);

    spin_unlock_irqrestore(&p->lock, f);
    return took;
}

static void chip_vid_give(void *chip, struct vcpu *v, const uint32_t irr[8], const uint32_t isr[8])
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);

    vlapic_vid_give(&p->lapic[v->id], irr, isr);
    spin_unlock_irqrestore(&p->lock, f);
}

static void chip_vid_eoi(void *chip, struct vcpu *v, uint8_t vector)
{
    struct vplat *p = chip;
    uint64_t f = spin_lock_irqsave(&p->lock);

    vlapic_vid_eoi(&p->lapic[v->id], vector);
    unlock_and_kick(p, f, v); /* the IOAPIC may deliver the still-asserted line again */
}

/*
 * Lock-free when nothing is due: only v changes its own mode, and other
 * CPUs bump regs_gen (a TMR bit) under the lock before they kick v.
 */
static bool chip_xapic_sync(void *chip, struct vcpu *v, uint32_t *page, uint32_t *gen, bool fill)
{
    struct vplat *p = chip;
    struct vlapic *l = &p->lapic[v->id];
    uint64_t f;
    bool on = vlapic_xapic_mode(l);

    if (fill ? !on : on && *gen == __atomic_load_n(&l->regs_gen, __ATOMIC_RELAXED))
        return on;
    f = spin_lock_irqsave(&p->lock);
    on = vlapic_xapic_sync(l, page, gen, fill);
    spin_unlock_irqrestore(&p->lock, f);
    return on;
}

/*
 * Whether a physical x2APIC destination reaches lapic[dest] alone, as
 * lapic_send_ipi's loop would find: x2APIC IDs are the vCPU indices and
 * read-only (SDM 11.12.5.1), but an APIC still in xAPIC mode answers to
 * its 8-bit ID, which its guest may have moved (SDM 11.4.6).
 */
static bool sole_x2apic_target(struct vplat *p, uint32_t dest)
{
    for (unsigned i = 0; i < p->vm->nvcpus; i++)
        if (i != dest && vlapic_xapic_mode(&p->lapic[i]) &&
            vlapic_match_dest(&p->lapic[i], dest, false))
            return false;
    return vlapic_x2apic_mode(&p->lapic[dest]);
}

/*
 * The ICR write of lapic_msr without its timer updates (they concern v's
 * own APIC, whose expiry its preemption timer brings anyway), delivered
 * straight to its one target: the routing loop costs this hot path more
 * than the rest of it.
 */
static bool chip_icr_to_other(void *chip, struct vcpu *v, uint64_t icr)
{
    struct vplat *p = chip;
    struct vlapic *l = &p->lapic[v->id];
    uint32_t dest = (uint32_t)(icr >> 32);
    uint64_t f = spin_lock_irqsave(&p->lock);
    bool other =
        dest < p->vm->nvcpus && vlapic_x2apic_icr_to_other(l, icr) && sole_x2apic_target(p, dest);

    if (other) {
        vlapic_x2apic_icr_latch(l, icr);
        deliver_fixed(p, dest, icr & APIC_ICR_VECTOR, icr & APIC_ICR_LEVEL);
    }
    unlock_and_kick(p, f, v);
    return other;
}

static const struct irqchip_ops pc_irqchip_ops = {
    .name = "pc",
    .apic_enabled = chip_apic_enabled,
    .lapic = true,
    .pending = chip_pending,
    .ack = chip_ack,
    .deadline = chip_deadline,
    .set_line = chip_set_line,
    .raise = chip_raise,
    .wait_start = chip_wait_start,
    .get_tpr = chip_get_tpr,
    .set_tpr = chip_set_tpr,
    .tpr_threshold = chip_tpr_threshold,
    .x2apic_mode = chip_x2apic_mode,
    .vid_take = chip_vid_take,
    .vid_give = chip_vid_give,
    .vid_eoi = chip_vid_eoi,
    .vid_add = chip_vid_add,
    .xapic_page = GUEST_LAPIC_ADDR,
    .xapic_sync = chip_xapic_sync,
    .nmi_pending = chip_nmi_pending,
    .nmi_take = chip_nmi_take,
    .icr_to_other = chip_icr_to_other,
};

/* ---------------------------------------------------------------- registers */

/* The APIC registers are aligned dwords (SDM 11.4.1), as are the IOAPIC's (82093AA 3.0). */
static bool dword(uint64_t gpa, unsigned size)
{
    return size == 4 && !(gpa & 3);
}

static int lapic_mmio(struct vcpu *v, void *ctx, uint64_t gpa, unsigned size, bool write,
                      uint64_t *val)
{
    struct vplat *p = ctx;
    uint64_t f;

    /* Globally disabled or in x2APIC mode, the page is not there (SDM 11.4.3, 11.12.2). */
    if (!vlapic_xapic_mode(&p->lapic[v->id]))
        return -ENOENT;
    if (!dword(gpa, size))
        return -EINVAL;
    f = spin_lock_irqsave(&p->lock);
    if (write)
        vlapic_mmio_write(&p->lapic[v->id], gpa & 0xfff, (uint32_t)*val, rdtsc());
    else
        *val = vlapic_mmio_read(&p->lapic[v->id], gpa & 0xfff, rdtsc());
    unlock_and_kick(p, f, v);
    return 0;
}

static int ioapic_mmio(struct vcpu *v, void *ctx, uint64_t gpa, unsigned size, bool write,
                       uint64_t *val)
{
    struct vplat *p = ctx;
    uint64_t f;

    if (!dword(gpa, size))
        return -EINVAL;
    f = spin_lock_irqsave(&p->lock);
    if (write)
        vioapic_mmio_write(&p->ioapic, gpa & 0xfff, (uint32_t)*val);
    else
        *val = vioapic_mmio_read(&p->ioapic, gpa & 0xfff);
    unlock_and_kick(p, f, v);
    return 0;
}

/*
 * IA32_APIC_BASE, TSC_DEADLINE and the x2APIC MSRs: the vCPU's own local
 * APIC. The APIC counts host TSC; a guest that wrote IA32_TSC sees its TSC
 * offset by v->msrs.tsc_offset, so a deadline is moved by it both ways.
 */
static int lapic_msr(struct vcpu *v, void *ctx, uint32_t msr, bool write, uint64_t *val)
{
    struct vplat *p = ctx;
    uint64_t off = msr == MSR_IA32_TSC_DEADLINE ? v->msrs.tsc_offset : 0;
    uint64_t f = spin_lock_irqsave(&p->lock);
    int err;

    /* The page is registered at GUEST_LAPIC_ADDR only: moving it is refused (#GP). */
    if (write && msr == MSR_IA32_APIC_BASE && (*val & APIC_BASE_ADDR_MASK) != GUEST_LAPIC_ADDR)
        err = -EINVAL;
    else if (write)
        err = vlapic_msr_write(&p->lapic[v->id], msr, *val && off ? *val - off : *val, rdtsc());
    else
        err = vlapic_msr_read(&p->lapic[v->id], msr, val, rdtsc());
    if (!write && !err && *val && off)
        *val += off;
    unlock_and_kick(p, f, v);
    return err;
}

static int attach(struct vm *vm, void *state)
{
    struct vplat *p = state;
    int err;

    p->lock = (spinlock_t)SPINLOCK_INIT;
    p->vm = vm;
    vioapic_init(&p->ioapic, GUEST_IOAPIC_ID, &ioapic_ops, p);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        p->lapic_ctx[i] = (struct lapic_ctx){p, i};
        vlapic_init(&p->lapic[i], i, i == 0, &lapic_ops, &p->lapic_ctx[i]);
        p->lapic[i].no_x2apic = cpu_model_hides(&vm->cpu_model, F_X2APIC); /* cpuid=-x2apic */
        if (vm->x2apic_start)
            vlapic_start_x2apic(&p->lapic[i]);
    }
    p->ap_state[0] = AP_STARTED;
    err =
        vm_io_register_mmio(vm, GUEST_LAPIC_ADDR, GUEST_LAPIC_ADDR + APIC_PAGE - 1, lapic_mmio, p);
    if (!err)
        err = vm_io_register_mmio(vm, GUEST_IOAPIC_ADDR, GUEST_IOAPIC_ADDR + APIC_PAGE - 1,
                                  ioapic_mmio, p);
    if (!err)
        err = vm_io_register_msr(vm, MSR_IA32_APIC_BASE, MSR_IA32_APIC_BASE, lapic_msr, p);
    if (!err)
        err = vm_io_register_msr(vm, MSR_IA32_TSC_DEADLINE, MSR_IA32_TSC_DEADLINE, lapic_msr, p);
    if (!err)
        err = vm_io_register_msr(vm, X2APIC_MSR_BASE, X2APIC_MSR_LAST, lapic_msr, p);
    if (!err)
        vm_irqchip_install(vm, &pc_irqchip_ops, p);
    return err;
}

const struct vm_device dev_pc_irqchip = {"pc-irqchip", sizeof(struct vplat), attach};
