/* SPDX-License-Identifier: MIT */
/*
 * TPR shadow (SDM Vol. 3C 29.1.1-29.1.2, 29.3; controls 25.6.2, 25.6.8):
 * where the CPU allows "use TPR shadow", a vCPU's MOV to/from CR8 uses
 * VTPR (offset 0x80 of a virtual-APIC page of its own) and does not exit.
 * Without "virtualize APIC accesses" and "virtual-interrupt delivery" that
 * is all the CPU does with the page; the APIC MMIO page and the x2APIC
 * MSRs (TPR 0x808 too) still exit to the local APIC model.
 *
 * The model's TPR stays the one the irqchip decides with: VTPR is read
 * back at every VM exit (vapic_exit, when the guest changed it) and
 * written from the model before every entry (vapic_entry). When a
 * requested vector is held back only by the TPR, the TPR threshold is its
 * class: a CR8 write below it is a TPR-below-threshold exit (trap-like,
 * SDM 29.1.2), and the next entry injects the vector. VM entry requires
 * threshold[3:0] <= VTPR[7:4] (SDM 27.2.1.1), which this keeps.
 *
 * Without the control (or without the page) CR8 exits as before (exit.c).
 *
 * While the guest's APIC is in x2APIC mode, and where the CPU allows it:
 * "virtualize x2APIC mode" lets RDMSR/WRMSR of TPR (0x808) use VTPR
 * without exiting, and "virtual-interrupt delivery" (VID) moves delivery
 * and EOI into the CPU: before each entry the irqchip's requested vectors
 * go into VIRR (RVI) and its ISR into VISR (SVI), and the CPU delivers
 * them as the guest's IF and VPPR allow (SDM 29.2); EOI (0x80B) writes do
 * not exit except for level-triggered vectors (EOI-exit bitmap = TMR, so
 * the IOAPIC's remote IRR is cleared: vapic_eoi_exit), and SELF IPI
 * (0x83F) writes do not exit either: the CPU sets the vector in VIRR and
 * raises RVI (self-IPI virtualization, SDM 29.1.5, 29.5), except for an
 * illegal vector (0-15): an APIC-write exit, vapic_apic_write. At every full exit
 * VIRR/VISR go back to the irqchip, which is complete again until the next
 * entry (ISR/IRR/PPR reads, HLT, the MMIO page all exit). xAPIC mode has
 * its counterpart in apic_access.c, which leaves the other modes to
 * vapic_vid_mode; a CPU without the controls keeps the injection path.
 */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/irqchip.h"
#include "vmm/io.h"
#include "vmm/vm.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"

#define VAPIC_VTPR 0x80  /* SDM 29.1.1 */
#define VAPIC_VISR 0x100 /* ISR, IRR: 8 dwords 16 bytes apart (SDM 29.1.1) */
#define VAPIC_VIRR 0x200
#define X2APIC_TPR_MSR 0x808 /* SDM 11.12.1.2 table 11-6 */
#define X2APIC_EOI_MSR 0x80B
#define X2APIC_SELF_IPI_MSR 0x83F
#define VAPIC_SELF_IPI 0x3F0 /* where WRMSR 0x83F leaves its value (SDM 29.5) */

static volatile uint32_t *vapic_reg(const struct vmx_vcpu *vv, unsigned off)
{
    return (volatile uint32_t *)((uint8_t *)phys_to_virt(vv->vapic) + off);
}

/* The primary controls to ask for: with a TPR shadow, no CR8 exits. */
uint32_t vapic_proc_controls(struct vmx_vcpu *vv, uint32_t proc)
{
    if (!vv->vcpu || !(vmx_caps.proc.may1 & PROC_TPR_SHADOW))
        return proc;
    if (!vv->vapic)
        vv->vapic = page_alloc(1); /* zeroed: VTPR 0 */
    if (!vv->vapic)
        return proc; /* no page: CR8 exits */
    return (proc | PROC_TPR_SHADOW) & ~(PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING);
}

/*
 * The vCPU's task priority, 8 bits: its local APIC's TPR when it has one
 * (CR8 is TPR[7:4], SDM 10.8.6.1), else vv->tpr, the CR8 of a vCPU without
 * one. The CR8 exits and the TPR shadow's sync both go through these.
 */
uint8_t vmx_tpr_get(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    const struct irqchip_ops *chip = v->vm->irqchip;

    return chip->get_tpr ? chip->get_tpr(v->vm->irqchip_ctx, v) : (uint8_t)(vv->tpr << 4);
}

void vmx_tpr_set(struct vmx_vcpu *vv, uint8_t tpr)
{
    struct vcpu *v = vv->vcpu;
    const struct irqchip_ops *chip = v->vm->irqchip;

    if (chip->set_tpr)
        chip->set_tpr(v->vm->irqchip_ctx, v, tpr);
    else
        vv->tpr = tpr >> 4;
}

/*
 * The secondary controls to ask for (after vapic_proc_controls): with a
 * TPR shadow, "virtualize x2APIC mode" (SDM 25.6.2; it needs the shadow
 * and excludes "virtualize APIC accesses", SDM 27.2.1.1). On its own it
 * changes nothing: the MSR bitmap still exits every x2APIC MSR until
 * vapic_vid_mode sees the guest's APIC in x2APIC mode and lets TPR (0x808)
 * through (SDM 29.5: RDMSR reads VTPR, WRMSR writes it and does TPR
 * virtualization, 29.1.2).
 */
uint32_t vapic_proc2_controls(struct vmx_vcpu *vv, uint32_t proc2)
{
    const struct irqchip_ops *chip;

    vv->x2_virt = vv->vid_ok = false;
    if (vv->msr_bitmap) {
        vmx_msr_bitmap_intercept(phys_to_virt(vv->msr_bitmap), X2APIC_TPR_MSR, true, true);
        vmx_msr_bitmap_intercept(phys_to_virt(vv->msr_bitmap), X2APIC_TPR_MSR, false, true);
        vmx_msr_bitmap_intercept(phys_to_virt(vv->msr_bitmap), X2APIC_EOI_MSR, false, true);
        vmx_msr_bitmap_intercept(phys_to_virt(vv->msr_bitmap), X2APIC_SELF_IPI_MSR, false, true);
    }
    if (!vv->vcpu || !vv->vapic || !(chip = vv->vcpu->vm->irqchip)->x2apic_mode ||
        !(vmread(VMCS_PROC_CONTROLS) & PROC_TPR_SHADOW) ||
        !(vmx_caps.proc2.may1 & PROC2_VIRT_X2APIC))
        return proc2;
    /*
     * Virtual-interrupt delivery needs external-interrupt exiting and
     * virtualized x2APIC mode (SDM 27.2.1.1); it goes on and off with the
     * guest's x2APIC mode (x2apic_virt), so xAPIC guests keep injection.
     */
    vv->vid_ok = (vmx_caps.proc2.may1 & PROC2_VID) &&
                 (vmread(VMCS_PIN_CONTROLS) & PIN_EXT_INT_EXITING) && chip->vid_take &&
                 chip->vid_give && chip->vid_eoi;
    return proc2 | PROC2_VIRT_X2APIC;
}

static int highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--)
        if (v[i])
            return i * 32 + 31 - __builtin_clz(v[i]);
    return 0; /* RVI/SVI 0: nothing (vectors 0-15 are never requested) */
}

/*
 * VIRR and VISR back to the chip: after every full exit while VID is on.
 * Through virtual-interrupt delivery, EOI virtualization and self-IPI
 * virtualization the CPU keeps RVI the highest VIRR vector and SVI the
 * highest VISR one (SDM 29.2.2, 29.1.2, 29.1.5), so RVI and SVI 0 mean
 * both are empty; and SVI was 0 at the last sync (push or give) only if
 * the chip had nothing in service. Then giving back would change nothing:
 * what the CPU delivered meanwhile was already retired. An unchanged SVI
 * above 0 is no such proof: a guest that EOIs it, takes a self-IPI of a
 * lower vector and then one of the first vector again ends with the same
 * SVI over one more VISR bit.
 */
static void vid_give(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    uint32_t irr[8], isr[8];
    uint16_t st = (uint16_t)vmread(VMCS_GUEST_INTR_STATUS);

    if (!st && !(vv->intr_status & 0xFF00)) {
        vv->intr_status = 0;
        return;
    }
    vv->intr_status = st; /* RVI/SVI match the page again */
    for (unsigned i = 0; i < 8; i++) {
        irr[i] = *vapic_reg(vv, VAPIC_VIRR + 16 * i);
        isr[i] = *vapic_reg(vv, VAPIC_VISR + 16 * i);
    }
    v->vm->irqchip->vid_give(v->vm->irqchip_ctx, v, irr, isr);
}

/*
 * Before an entry with VID on: the chip's requested vectors into VIRR, its
 * ISR into VISR, RVI and SVI from them (SDM 29.1.1, 29.2.1: the entry then
 * evaluates and delivers them); EOI exits for level-triggered vectors
 * (the EOI-exit bitmap, SDM 29.1.3). The chip's IRR holds all of VIRR
 * (vid_give gave back what the CPU had not delivered yet; what it did
 * deliver is gone from both), so only its non-zero words are written;
 * VISR, SVI and the rest of VIRR only when the chip's ISR changed on its
 * own (VID_TAKE_ALL). When the chip has nothing new, nothing.
 */
/* Level-triggered vectors exit at their EOI (the EOI-exit bitmap, SDM 29.1.3): field i. */
static void eoi_exit_field(struct vmx_vcpu *vv, unsigned i, const uint32_t tmr[8])
{
    uint64_t eoi_exit = ((uint64_t)tmr[2 * i + 1] << 32) | tmr[2 * i];

    if (eoi_exit != vv->eoi_exit[i]) {
        vv->eoi_exit[i] = eoi_exit;
        vmwrite(VMCS_EOI_EXIT_BITMAP0 + 2 * i, eoi_exit);
    }
}

static void eoi_exits(struct vmx_vcpu *vv, const uint32_t tmr[8])
{
    for (unsigned i = 0; i < 4; i++)
        eoi_exit_field(vv, i, tmr);
}

void vapic_vid_push(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    volatile uint32_t *virr = vapic_reg(vv, VAPIC_VIRR), *visr = vapic_reg(vv, VAPIC_VISR);
    uint32_t irr[8], isr[8], tmr[8];
    int took = v->vm->irqchip->vid_take(v->vm->irqchip_ctx, v, irr, isr, tmr);
    uint16_t st;

    if (took == VID_TAKE_NONE)
        return;
    eoi_exits(vv, tmr);
    for (unsigned i = 0; i < 8; i++) /* registers 16 bytes apart: 4 words */
        if (irr[i] || took == VID_TAKE_ALL)
            virr[4 * i] = irr[i];
    if (took == VID_TAKE_ALL)
        for (unsigned i = 0; i < 8; i++)
            visr[4 * i] = isr[i];
    st = (uint16_t)((took == VID_TAKE_ALL ? highest(isr) << 8 : vv->intr_status & 0xFF00) |
                    highest(irr));
    if (st != vv->intr_status) {
        vv->intr_status = st;
        vmwrite(VMCS_GUEST_INTR_STATUS, st);
    }
}

/*
 * The kick fast path (exit_fast.c): the chip's new requested vectors join
 * VIRR and RVI as the CPU left them, with no give-back first: the CPU
 * still holds what it had. VISR, SVI and vv->intr_status stay as they are
 * (vid_give's shortcut relies on the SVI of the last sync). False, with
 * nothing taken, when the chip's ISR changed on its own or the xAPIC
 * page is out of date: the full path.
 */
bool vapic_vid_add(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    const struct irqchip_ops *chip = v->vm->irqchip;
    volatile uint32_t *virr = vapic_reg(vv, VAPIC_VIRR);
    uint32_t irr[8], tmr[8];
    uint16_t st;
    int took, top = 0;

    if (!(vv->proc2_ctl & PROC2_VID) || !chip->vid_add)
        return false;
    took = chip->vid_add(v->vm->irqchip_ctx, v, vv->xapic_gen, irr, tmr);
    if (took != VID_TAKE_IRR)
        return took == VID_TAKE_NONE;
    /* A TMR bit changes only with its IRR bit (vlapic_set_irq): only those words' fields. */
    for (int i = 7; i >= 0; i--) {
        if (!irr[i])
            continue;
        virr[4 * i] |= irr[i];
        top = top ? top : i * 32 + 31 - __builtin_clz(irr[i]);
        eoi_exit_field(vv, (unsigned)i / 2, tmr);
    }
    st = (uint16_t)vmread(VMCS_GUEST_INTR_STATUS);
    if (top > (st & 0xFF))
        vmwrite(VMCS_GUEST_INTR_STATUS, (st & 0xFF00) | (uint16_t)top);
    return true;
}

/*
 * An APIC-write exit (SDM 29.4.3.3; trap-like, qualification: the page
 * offset). With virtualized x2APIC mode and VID the only one is a SELF IPI
 * write of vector 0-15 (SDM 29.5), its value on the page: the model logs
 * the illegal vector as the APIC would (ESR, SDM 11.5.3).
 */
bool vapic_apic_write(struct vmx_vcpu *vv)
{
    uint64_t val = *vapic_reg(vv, VAPIC_SELF_IPI);

    if ((vmread(VMCS_EXIT_QUALIFICATION) & 0xFFF) != VAPIC_SELF_IPI) {
        vm_stop(vv->vcpu->vm, "APIC-write exit at offset %#lx",
                vmread(VMCS_EXIT_QUALIFICATION) & 0xFFF);
        return false;
    }
    /* Cannot fail: the CPU did the #GP checks (bits 63:8) and the APIC is in x2APIC mode. */
    vm_msr(vv->vcpu, X2APIC_SELF_IPI_MSR, true, &val);
    return true;
}

/* An EOI-induced exit (SDM 29.1.3; trap-like, qualification: the vector): VISR is already done. */
bool vapic_eoi_exit(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;

    v->vm->irqchip->vid_eoi(v->vm->irqchip_ctx, v, (uint8_t)vmread(VMCS_EXIT_QUALIFICATION));
    return true;
}

/*
 * The guest's APIC entered or left x2APIC mode: its TPR MSR (and, with
 * VID, its EOI MSR and interrupt delivery) is the CPU's, or exits. Leaving,
 * the last exit already gave VIRR/VISR back (vapic_exit): the page is
 * cleared and injection takes over again.
 */
static void x2apic_virt(struct vmx_vcpu *vv, bool on)
{
    uint8_t *bm = phys_to_virt(vv->msr_bitmap);

    vv->x2_virt = on;
    vmx_msr_bitmap_intercept(bm, X2APIC_TPR_MSR, true, !on);
    vmx_msr_bitmap_intercept(bm, X2APIC_TPR_MSR, false, !on);
    if (!vv->vid_ok)
        return;
    vmx_msr_bitmap_intercept(bm, X2APIC_EOI_MSR, false, !on);
    vmx_msr_bitmap_intercept(bm, X2APIC_SELF_IPI_MSR, false, !on);
    for (unsigned i = 0; i < 8; i++)
        *vapic_reg(vv, VAPIC_VIRR + 16 * i) = *vapic_reg(vv, VAPIC_VISR + 16 * i) = 0;
    vv->intr_status = 0;
    vmwrite(VMCS_GUEST_INTR_STATUS, 0);
    for (unsigned i = 0; i < 4; i++) {
        vv->eoi_exit[i] = 0;
        vmwrite(VMCS_EOI_EXIT_BITMAP0 + 2 * i, 0);
    }
    vv->proc2_ctl = on ? vv->proc2_ctl | PROC2_VID : vv->proc2_ctl & ~PROC2_VID;
    vmwrite(VMCS_PROC2_CONTROLS, vv->proc2_ctl);
}

/*
 * At the start of vmx_prepare_entry: VID follows the guest's x2APIC mode.
 * True when it is on: the interrupts go in by vapic_vid_push, not injection.
 */
bool vapic_vid_mode(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;

    if (!(vv->proc2_ctl & PROC2_VIRT_X2APIC))
        return false;
    if (v->vm->irqchip->x2apic_mode(v->vm->irqchip_ctx, v) != vv->x2_virt)
        x2apic_virt(vv, !vv->x2_virt);
    return vv->proc2_ctl & PROC2_VID;
}

/* After the primary controls are written (the current VMCS). */
void vapic_vmcs_setup(struct vmx_vcpu *vv)
{
    if (!vv->vapic || !(vmread(VMCS_PROC_CONTROLS) & PROC_TPR_SHADOW))
        return;
    vv->vtpr = vmx_tpr_get(vv);
    *vapic_reg(vv, VAPIC_VTPR) = vv->vtpr;
    vv->vtpr_thr = 0;
    vmwrite(VMCS_VIRTUAL_APIC_ADDR, vv->vapic);
    vmwrite(VMCS_TPR_THRESHOLD, 0);
}

/* A VM exit: a CR8 write the guest made without exiting reaches the model. */
void vapic_exit(struct vmx_vcpu *vv)
{
    uint8_t vtpr;

    if (!vv->vapic)
        return;
    if (vv->proc2_ctl & PROC2_VID)
        vid_give(vv);
    if ((vtpr = (uint8_t)*vapic_reg(vv, VAPIC_VTPR)) == vv->vtpr)
        return;
    vv->vtpr = vtpr;
    vmx_tpr_set(vv, vtpr);
}

/* Before an entry; pending: the vector the model would still deliver now, or -1. */
void vapic_entry(struct vmx_vcpu *vv, int pending)
{
    struct vcpu *v = vv->vcpu;
    const struct irqchip_ops *chip;
    uint8_t tpr, thr = 0;

    if (!vv->vapic)
        return;
    chip = v->vm->irqchip;
    tpr = vmx_tpr_get(vv);
    if (tpr != vv->vtpr) {
        vv->vtpr = tpr;
        *vapic_reg(vv, VAPIC_VTPR) = tpr;
    }
    /* With VID a TPR write re-evaluates VIRR itself (SDM 29.1.2): no threshold. */
    if (pending < 0 && (tpr >> 4) && chip->tpr_threshold && !(vv->proc2_ctl & PROC2_VID))
        thr = chip->tpr_threshold(v->vm->irqchip_ctx, v);
    if (thr > (tpr >> 4))
        thr = 0; /* never above VTPR[7:4] (entry check) */
    if (thr != vv->vtpr_thr) {
        vv->vtpr_thr = thr;
        vmwrite(VMCS_TPR_THRESHOLD, thr);
    }
}

void vapic_free(struct vmx_vcpu *vv)
{
    if (vv->vapic)
        page_free(vv->vapic, 1);
    vv->vapic = 0;
}
