/*
 * Per-VM PC platform: models (vmm/dev/) wired together. Routing is the PC's:
 * the UART's line is IOAPIC pin 4 (ISA IRQ 4, edge, as the MADT declares no
 * override for it), IOAPIC messages and IPIs land in the local APICs they
 * name, and a vCPU whose APIC gains an interrupt is kicked off its CPU so
 * its backend injects it at the next VM entry.
 *
 * One lock per VM covers every model: accesses are short, and an IPI or an
 * IOAPIC message touches two models at once.
 */
#include "vmm/platform/vplat.h"
#include "vmm/platform/guest_platform.h"

#define GUEST_RTC_PORT 0x70
#include "vmm/dev/vlapic.h"
#include "vmm/dev/vioapic.h"
#include "vmm/dev/rtc_cmos.h"
#include "vmm/sched.h"
#include "vmm/vm.h"
#include "kernel/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"
#include "drivers/cmos_rtc.h"

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
    struct rtc_cmos rtc;
    struct vlapic lapic[VM_MAX_VCPUS];
    volatile int ap_state[VM_MAX_VCPUS];
    volatile int sipi_vector[VM_MAX_VCPUS];
    uint32_t kick; /* vCPUs to kick once the lock is dropped */
    bool uart_line;
    uint64_t dropped_nmi;
};

#define PLAT_PAGES ((sizeof(struct vplat) + PAGE_SIZE - 1) / PAGE_SIZE)

static struct vplat *plat_of(struct vm *vm)
{
    return vm->plat;
}

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
    default: /* NMI, SMI: not modelled; counted for `stats` */
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

/* Guests' wall clock: the host's, read from its RTC at boot, plus the uptime since. */
static uint64_t rtc_seconds(void *ctx)
{
    return host_boot_unix_time() + uptime_us() / 1000000;
}

int vplat_create(struct vm *vm)
{
    uint64_t pa = page_alloc(PLAT_PAGES);
    struct vplat *p;

    if (!pa)
        return -ENOMEM;
    p = phys_to_virt(pa);
    memset(p, 0, PLAT_PAGES * PAGE_SIZE);
    p->lock = (spinlock_t)SPINLOCK_INIT;
    p->vm = vm;
    vioapic_init(&p->ioapic, GUEST_IOAPIC_ID, &ioapic_ops, p);
    rtc_cmos_init(&p->rtc, rtc_seconds, p);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        p->lapic_ctx[i] = (struct lapic_ctx){p, i};
        vlapic_init(&p->lapic[i], i, i == 0, &lapic_ops, &p->lapic_ctx[i]);
    }
    p->ap_state[0] = AP_STARTED;
    vm->plat = p;
    return 0;
}

void vplat_destroy(struct vm *vm)
{
    if (!vm->plat)
        return;
    page_free(virt_to_phys(vm->plat), PLAT_PAGES);
    vm->plat = NULL;
}

int vcpu_irq_pending(struct vcpu *v)
{
    struct vplat *p = plat_of(v->vm);
    uint64_t f = spin_lock_irqsave(&p->lock);
    int vec;

    vlapic_timer_update(&p->lapic[v->id], rdtsc());
    vec = vlapic_pending_vector(&p->lapic[v->id]);
    spin_unlock_irqrestore(&p->lock, f);
    return vec;
}

void vcpu_irq_ack(struct vcpu *v, uint8_t vector)
{
    struct vplat *p = plat_of(v->vm);
    uint64_t f = spin_lock_irqsave(&p->lock);

    vlapic_ack(&p->lapic[v->id], vector);
    spin_unlock_irqrestore(&p->lock, f);
}

uint64_t vcpu_timer_deadline(struct vcpu *v)
{
    struct vplat *p = plat_of(v->vm);

    /* Read without the lock: only this vCPU arms its own timer. */
    return vlapic_next_deadline(&p->lapic[v->id]);
}

static bool in_page(uint64_t gpa, uint64_t base)
{
    return gpa - base < PAGE_SIZE;
}

int vm_mmio(struct vcpu *v, uint64_t gpa, unsigned size, bool write, uint64_t *val)
{
    struct vplat *p = plat_of(v->vm);
    uint64_t f;

    if (!p || size != 4 || (gpa & 3))
        return -ENOENT; /* the APIC registers are aligned dwords (SDM 11.4.1) */
    f = spin_lock_irqsave(&p->lock);
    if (in_page(gpa, GUEST_LAPIC_ADDR)) {
        if (write)
            vlapic_mmio_write(&p->lapic[v->id], gpa & 0xfff, (uint32_t)*val, rdtsc());
        else
            *val = vlapic_mmio_read(&p->lapic[v->id], gpa & 0xfff, rdtsc());
    } else if (in_page(gpa, GUEST_IOAPIC_ADDR)) {
        if (write)
            vioapic_mmio_write(&p->ioapic, gpa & 0xfff, (uint32_t)*val);
        else
            *val = vioapic_mmio_read(&p->ioapic, gpa & 0xfff);
    } else {
        spin_unlock_irqrestore(&p->lock, f);
        return -ENOENT;
    }
    unlock_and_kick(p, f, v);
    return 0;
}

int vm_platform_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    struct vplat *p = plat_of(v->vm);
    uint64_t f;
    int err;

    if (!p)
        return -ENOENT;
    f = spin_lock_irqsave(&p->lock);
    if (write)
        err = vlapic_msr_write(&p->lapic[v->id], msr, *val, rdtsc());
    else
        err = vlapic_msr_read(&p->lapic[v->id], msr, val, rdtsc());
    unlock_and_kick(p, f, v);
    return err;
}

static void sleep_control(struct vcpu *v, uint8_t val)
{
    unsigned typ = (val >> GUEST_SLP_TYP_SHIFT) & 7;

    if (!(val & GUEST_SLP_EN))
        return;
    if (typ == GUEST_S5_SLP_TYP)
        vm_power_off(v->vm, "powered off (ACPI S5)");
    else
        vm_stop(v->vm, "asked for ACPI sleep type %u, which is not supported", typ);
}

bool vplat_pio(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *val)
{
    struct vplat *p = plat_of(v->vm);
    uint64_t f;

    if (!p)
        return false;
    if ((unsigned)(port - GUEST_RTC_PORT) < RTC_CMOS_NR_PORTS) { /* ports below wrap high */
        f = spin_lock_irqsave(&p->lock);
        if (in)
            *val = rtc_cmos_read(&p->rtc, port - GUEST_RTC_PORT);
        else
            rtc_cmos_write(&p->rtc, port - GUEST_RTC_PORT, (uint8_t)*val);
        spin_unlock_irqrestore(&p->lock, f);
        return true;
    }
    if (port == GUEST_SLEEP_CTL_PORT || port == GUEST_SLEEP_STS_PORT) {
        if (in) /* WAK_STS: a guest polling for its wake-up after a sleep request stops */
            *val = port == GUEST_SLEEP_STS_PORT ? GUEST_WAK_STS : 0;
        else if (port == GUEST_SLEEP_CTL_PORT)
            sleep_control(v, (uint8_t)*val);
        return true;
    }
    if (port == GUEST_RESET_PORT) {
        if (!in && (uint8_t)*val == GUEST_RESET_VALUE)
            vm_power_off(v->vm, "reset itself (ACPI reset register)");
        else if (in)
            *val = 0;
        return true;
    }
    return false;
}

void vplat_uart_changed(struct vm *vm, struct vcpu *self)
{
    struct vplat *p = plat_of(vm);
    uint64_t f;
    bool line;

    if (!p)
        return;
    line = uart_model_irq_pending(&vm->uart); /* caller holds vm->lock */
    if (line == p->uart_line)
        return;
    f = spin_lock_irqsave(&p->lock);
    p->uart_line = line;
    vioapic_set_pin(&p->ioapic, GUEST_COM1_IRQ, line);
    unlock_and_kick(p, f, self);
}

int vplat_wait_sipi(struct vcpu *v)
{
    struct vplat *p = plat_of(v->vm);

    v->state = VCPU_HALTED;
    while (!v->stop && p->ap_state[v->id] != AP_STARTED) {
        irq_enable_and_halt(); /* a SIPI or the VM's end kicks this CPU */
        irq_disable();
    }
    v->state = VCPU_RUNNING;
    return v->stop ? -1 : p->sipi_vector[v->id];
}
