/* SPDX-License-Identifier: MIT */
/*
 * xAPIC register virtualization (SDM Vol. 3C 29.4, "Virtualizing
 * Memory-Mapped APIC Accesses"; controls 25.6.2, 25.6.8): the xAPIC
 * counterpart of vapic.c's x2APIC path. Where the CPU allows "virtualize
 * APIC accesses", "APIC-register virtualization" and "virtual-interrupt
 * delivery" (with the TPR shadow and external-interrupt exiting they need,
 * SDM 27.2.1.1), a VM whose APICs start in xAPIC mode gets an APIC-access
 * page of its own, which EPT maps at its xAPIC page. While a vCPU's APIC
 * is in xAPIC mode the three controls are on:
 *  - reads of ID, version, TPR, EOI, LDR, DFR, SVR, ISR, TMR, IRR, ESR,
 *    ICR, the LVTs, initial count and divide configuration come from the
 *    vCPU's virtual-APIC page without an exit (29.4.2): before an entry the
 *    irqchip's xapic_sync copies the model's registers there when they
 *    changed; TPR, ISR and IRR are the TPR shadow's and VID's (vapic.c);
 *  - TPR and EOI writes are virtualized (EOI-exit bitmap = TMR, as in
 *    x2APIC mode), and so are ICR high and ICR writes of a fixed
 *    edge-triggered self-IPI (self-IPI virtualization, 29.4.3.2); the other
 *    writes of those registers land in the page and end in a trap-like
 *    APIC-write exit (reason 56, 29.4.3.3) that hands the value to the model;
 *  - everything else (PPR, APR, current count, other sizes) is a
 *    fault-like APIC-access exit (reason 44), emulated with the decoder as
 *    an EPT violation would be, the access going to the model.
 * In x2APIC mode or with the APIC disabled the controls are off ("virtualize
 * x2APIC mode" excludes them), and the vCPU reads and writes the
 * APIC-access page as plain memory: a page of its VM's own, as under KVM
 * and Xen (XSA-412: never share one between VMs), where an unclaimed
 * address would read all ones. VMs whose APICs start in x2APIC mode
 * (Linux's) map no page and keep the MMIO path, as does every VM on a CPU
 * without one of the controls (exit_mmio.c).
 */
#include "vmm/vmx/apic_access_rules.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/dev/apic_regs.h"
#include "vmm/cpu_model.h"
#include "vmm/io.h"
#include "vmm/irqchip.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"

#define XAPIC_CONTROLS (PROC2_VIRT_APIC_ACCESSES | PROC2_APIC_REG_VIRT | PROC2_VID)

static uint32_t *vapic_page(const struct vmx_vcpu *vv)
{
    return phys_to_virt(vv->vapic);
}

static bool cpu_allows(void)
{
    return (vmx_caps.proc.may1 & PROC_TPR_SHADOW) && (vmx_caps.pin.may1 & PIN_EXT_INT_EXITING) &&
           (vmx_caps.proc2.may1 & XAPIC_CONTROLS) == XAPIC_CONTROLS;
}

static bool chip_allows(const struct irqchip_ops *chip)
{
    return chip->xapic_sync && chip->x2apic_mode && chip->vid_take && chip->vid_give &&
           chip->vid_eoi;
}

/*
 * When the VM's first vCPU is created, before any runs: the page is mapped
 * once and stays until the VM ends, so no running vCPU's EPT translations
 * change (only an empty entry is filled).
 */
int apic_access_vm_init(struct vm *vm)
{
    struct vmx_vm *xv = vm->arch;
    const struct irqchip_ops *chip = vm->irqchip;
    uint64_t pa;
    int err;

    if (!cpu_allows() || !chip_allows(chip) || cpu_model_hides(&vm->cpu_model, F_APIC) ||
        chip->x2apic_mode(vm->irqchip_ctx, &vm->vcpus[0]))
        return 0;
    pa = page_alloc(1); /* zeroed: the guest learns nothing from it */
    if (!pa)
        return -ENOMEM;
    /* Not executable: a fetch stays an EPT violation, which stops the guest. */
    err = ept_map(&xv->ept, chip->xapic_page, pa, PAGE_SIZE, EPT_R | EPT_W);
    if (err) {
        page_free(pa, 1);
        return err;
    }
    xv->apic_access = pa;
    return 0;
}

void apic_access_vm_free(struct vm *vm)
{
    struct vmx_vm *xv = vm->arch;

    if (xv->apic_access)
        page_free(xv->apic_access, 1);
    xv->apic_access = 0;
}

/*
 * At VMCS set-up, after vapic_proc2_controls: whether this vCPU may use
 * them. They go on at its first entry in xAPIC mode (apic_access_entry).
 */
uint32_t apic_access_proc2_controls(struct vmx_vcpu *vv, uint32_t proc2)
{
    struct vmx_vm *xv;

    vv->x2_ctl = proc2 & PROC2_VIRT_X2APIC;
    vv->xapic_ok = vv->xapic_virt = false;
    if (!vv->vcpu || !vv->vapic || !(xv = vv->vcpu->vm->arch)->apic_access ||
        !(vmread(VMCS_PROC_CONTROLS) & PROC_TPR_SHADOW) ||
        !(vmread(VMCS_PIN_CONTROLS) & PIN_EXT_INT_EXITING))
        return proc2;
    vv->xapic_ok = true;
    vmwrite(VMCS_APIC_ACCESS_ADDR, xv->apic_access);
    return proc2;
}

/*
 * The guest's APIC entered or left xAPIC mode. Either way the virtual
 * interrupts start from an empty VIRR and VISR: the last exit gave them
 * back to the chip (vapic_exit), and vapic_vid_push fills them again.
 */
static void xapic_controls(struct vmx_vcpu *vv, bool on)
{
    uint32_t *page = vapic_page(vv);

    vv->xapic_virt = on;
    vv->xapic_icr_hi = page[APIC_ICR_HI / 4]; /* xapic_sync just filled it from the model */
    for (unsigned i = 0; i < 8; i++)
        page[(APIC_IRR + 16 * i) / 4] = page[(APIC_ISR + 16 * i) / 4] = 0;
    vv->intr_status = 0;
    vmwrite(VMCS_GUEST_INTR_STATUS, 0);
    for (unsigned i = 0; i < 4; i++) {
        vv->eoi_exit[i] = 0;
        vmwrite(VMCS_EOI_EXIT_BITMAP0 + 2 * i, 0);
    }
    if (on)
        vv->proc2_ctl = (vv->proc2_ctl & ~PROC2_VIRT_X2APIC) | XAPIC_CONTROLS;
    else
        vv->proc2_ctl = (vv->proc2_ctl & ~XAPIC_CONTROLS) | (vv->x2_ctl ? PROC2_VIRT_X2APIC : 0);
    vmwrite(VMCS_PROC2_CONTROLS, vv->proc2_ctl);
    /*
     * Translations cached while the page was plain memory must not bypass
     * the virtualization now (KVM flushes when it turns the control on).
     */
    invept(INVEPT_SINGLE, vmread(VMCS_EPT_POINTER));
    if (vv->vpid)
        invvpid(INVVPID_SINGLE, vv->vpid);
}

bool apic_access_entry(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    bool xapic;

    if (!vv->xapic_ok)
        return vapic_vid_mode(vv);
    xapic = v->vm->irqchip->xapic_sync(v->vm->irqchip_ctx, v, vapic_page(vv), &vv->xapic_gen,
                                       !vv->xapic_virt);
    if (xapic == vv->xapic_virt)
        return xapic || vapic_vid_mode(vv);
    if (xapic)
        vapic_vid_mode(vv); /* x2APIC virtualization off first: it excludes ours */
    xapic_controls(vv, xapic);
    return xapic || vapic_vid_mode(vv);
}

/*
 * An APIC-access exit (fault-like): the instruction at RIP reads or writes
 * a register the CPU does not virtualize; it runs on the decoder, against
 * the model, as an EPT violation on the page would.
 */
bool apic_access_exit(struct vmx_vcpu *vv)
{
    uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
    struct vm *vm = vv->vcpu->vm;
    enum apic_access_kind kind = apic_access_kind(q);
    int err;

    if (kind == APIC_ACCESS_OTHER) {
        vm_stop(vm,
                "access to the local APIC page by a fetch, an event delivery or a page walk "
                "(APIC-access qualification %#lx) at rip %#lx",
                q, vmread(VMCS_GUEST_RIP));
        return false;
    }
    err = vmx_mmio_emulate(vv, vm->irqchip->xapic_page);
    if (err) {
        vm_stop(vm, "%s of the local APIC page at offset %#x at rip %#lx%s",
                kind == APIC_ACCESS_WRITE ? "write" : "read", apic_access_offset(q),
                vmread(VMCS_GUEST_RIP), err == -EOPNOTSUPP ? " (instruction not emulated)" : "");
        return false;
    }
    return !vv->vcpu->stop;
}

/*
 * The ICR high the guest stored in the page, which did not exit, into the
 * model before an ICR write sends: only when it changed, as only this
 * changes the model's while the page is virtualized.
 */
static int model_icr_high(struct vmx_vcpu *vv, uint64_t base, const uint32_t *page)
{
    uint64_t val = page[APIC_ICR_HI / 4];

    if (val == vv->xapic_icr_hi)
        return 0;
    vv->xapic_icr_hi = (uint32_t)val;
    return vm_mmio(vv->vcpu, base + APIC_ICR_HI, 4, true, &val);
}

/*
 * An APIC-write exit (trap-like, the instruction is done): the guest's
 * write is in the virtual-APIC page; the model acts on it as on an MMIO
 * write.
 */
bool apic_write_exit(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;
    unsigned off = (unsigned)(vmread(VMCS_EXIT_QUALIFICATION) & APIC_WRITE_QUAL_OFFSET) & ~0xfU;
    uint64_t base = v->vm->irqchip->xapic_page, val;
    const uint32_t *page = vapic_page(vv);
    int err = 0;

    if (!vv->xapic_virt)
        return vapic_apic_write(vv); /* x2APIC mode: an illegal SELF IPI vector */
    if (!xapic_write_virtualized(off, 4)) {
        vm_stop(v->vm,
                "APIC-write exit for offset %#x, a write the CPU does not virtualize, at rip %#lx",
                off, vmread(VMCS_GUEST_RIP));
        return false;
    }
    if (off == APIC_ICR_LO || off == APIC_ICR_HI)
        err = model_icr_high(vv, base, page);
    val = page[off / 4];
    if (!err)
        err = vm_mmio(v, base + off, 4, true, &val);
    if (err) {
        vm_stop(v->vm, "APIC-write exit for offset %#x: the local APIC refused it (%d)", off, err);
        return false;
    }
    return !v->stop;
}
