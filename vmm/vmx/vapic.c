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
 */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"

#define VAPIC_VTPR 0x80 /* SDM 29.1.1 */

static volatile uint32_t *vtpr_reg(const struct vmx_vcpu *vv)
{
    return (volatile uint32_t *)((uint8_t *)phys_to_virt(vv->vapic) + VAPIC_VTPR);
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

static uint8_t model_tpr(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    const struct irqchip_ops *chip = v->vm->irqchip;

    return chip->get_tpr ? chip->get_tpr(v->vm->irqchip_ctx, v) : (uint8_t)(vv->tpr << 4);
}

/* After the primary controls are written (the current VMCS). */
void vapic_vmcs_setup(struct vmx_vcpu *vv)
{
    if (!vv->vapic || !(vmread(VMCS_PROC_CONTROLS) & PROC_TPR_SHADOW))
        return;
    vv->vtpr = model_tpr(vv);
    *vtpr_reg(vv) = vv->vtpr;
    vv->vtpr_thr = 0;
    vmwrite(VMCS_VIRTUAL_APIC_ADDR, vv->vapic);
    vmwrite(VMCS_TPR_THRESHOLD, 0);
}

/* A VM exit: a CR8 write the guest made without exiting reaches the model. */
void vapic_exit(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    const struct irqchip_ops *chip;
    uint8_t vtpr;

    if (!vv->vapic || (vtpr = (uint8_t)*vtpr_reg(vv)) == vv->vtpr)
        return;
    vv->vtpr = vtpr;
    chip = v->vm->irqchip;
    if (chip->set_tpr)
        chip->set_tpr(v->vm->irqchip_ctx, v, vtpr);
    else
        vv->tpr = vtpr >> 4;
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
    tpr = model_tpr(vv);
    if (tpr != vv->vtpr) {
        vv->vtpr = tpr;
        *vtpr_reg(vv) = tpr;
    }
    if (pending < 0 && (tpr >> 4) && chip->tpr_threshold)
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
