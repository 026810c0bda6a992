/* SPDX-License-Identifier: MIT */
/*
 * The vmx backend: struct vm_ops for ordinary VMs (VMCS + EPT). Common
 * code reaches these functions only through vmx_vm_ops.
 */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/vmx/exit_msr.h"
#include "vmm/vm.h"
#include "vmm/irqchip.h"
#include "vmm/loader/image.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"

#define VPID_MAX 4096

static uint8_t vpid_used[VPID_MAX / 8];
static spinlock_t vpid_lock = SPINLOCK_INIT;

static uint16_t vpid_alloc(void)
{
    uint64_t f = spin_lock_irqsave(&vpid_lock);
    uint16_t id = 0;

    for (unsigned i = 1; i < VPID_MAX && !id; i++)
        if (!(vpid_used[i / 8] & (1U << (i % 8)))) {
            vpid_used[i / 8] |= 1U << (i % 8);
            id = (uint16_t)i;
        }
    spin_unlock_irqrestore(&vpid_lock, f);
    return id; /* 0: none left, the vCPU runs without VPID */
}

static void vpid_free(uint16_t id)
{
    uint64_t f = spin_lock_irqsave(&vpid_lock);

    if (id)
        vpid_used[id / 8] &= ~(1U << (id % 8));
    spin_unlock_irqrestore(&vpid_lock, f);
}

static int vmx_available(const char **why)
{
    if (vmx_ready())
        return 0;
    *why = vmx_unavailable_reason();
    return -ENODEV;
}

static uint64_t ept_alloc(void *ctx)
{
    return page_alloc(1);
}

static void ept_free(void *ctx, uint64_t pa)
{
    page_free(pa, 1);
}

static void *ept_virt(void *ctx, uint64_t pa)
{
    return phys_to_virt(pa);
}

static int vmx_vm_create(struct vm *vm)
{
    static const struct ept_mm mm = {ept_alloc, ept_free, ept_virt, NULL};
    uint64_t pa = page_alloc(1); /* whole pages: a VM's end returns exactly what it took */
    struct vmx_vm *xv = pa ? phys_to_virt(pa) : NULL;

    if (!xv)
        return -ENOMEM;
    vm->arch = xv;
    return ept_init(&xv->ept, &mm, vmx_caps.ept_vpid & EPT_CAP_2M, vmx_caps.ept_vpid & EPT_CAP_1G);
}

static void vmx_vm_destroy(struct vm *vm)
{
    struct vmx_vm *xv = vm->arch;

    if (!xv)
        return;
    apic_access_vm_free(vm);
    ept_destroy(&xv->ept);
    page_free(virt_to_phys(xv), 1);
    vm->arch = NULL;
}

static int vmx_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size)
{
    struct vmx_vm *xv = vm->arch;

    return ept_map(&xv->ept, gpa, hpa, size, EPT_RWX);
}

static int vmx_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
    struct vmx_vm *xv = vm->arch;

    /* Only used before the VM runs; running VMs would also need INVEPT on their CPUs. */
    return ept_unmap(&xv->ept, gpa, size);
}

static bool mode_supported(int mode)
{
    return mode == START_LONG64 || (vmx_caps.proc2.may1 & PROC2_UNRESTRICTED);
}

static int vmx_vcpu_create(struct vcpu *v, const struct vcpu_start *start)
{
    struct vmx_vcpu *vv;
    uint64_t pa;

    if (!mode_supported(start->mode))
        return -EOPNOTSUPP; /* real/protected mode without paging needs unrestricted guest */
    _Static_assert(sizeof(*vv) + sizeof(*start) <= PAGE_SIZE, "vmx_vcpu fits a page");
    pa = page_alloc(1);
    if (!pa)
        return -ENOMEM;
    vv = phys_to_virt(pa);
    v->arch = vv;
    vv->vcpu = v;
    memcpy(vv + 1, start, sizeof(*start)); /* applied on the vCPU's own CPU */
    vv->vmcs = page_alloc(1);
    vv->msr_bitmap = page_alloc(1);
    if (!vv->vmcs || !vv->msr_bitmap)
        return -ENOMEM;
    vmx_msr_bitmap_init(phys_to_virt(vv->msr_bitmap));
    if (vmx_caps.proc2.may1 & PROC2_VPID)
        vv->vpid = vpid_alloc();
    /* The VM's board is attached and no vCPU runs yet: its xAPIC page can be mapped. */
    return v->id == 0 ? apic_access_vm_init(v->vm) : 0;
}

static int vmx_vcpu_reset(struct vcpu *v, const struct vcpu_start *start)
{
    struct vmx_vcpu *vv = v->arch;

    if (!mode_supported(start->mode))
        return -EOPNOTSUPP;
    memcpy(vv + 1, start, sizeof(*start));
    return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *vv = v->arch;

    if (!vv)
        return;
    if (vv->vmcs)
        page_free(vv->vmcs, 1);
    if (vv->msr_bitmap)
        page_free(vv->msr_bitmap, 1);
    vapic_free(vv);
    vpid_free(vv->vpid);
    page_free(virt_to_phys(vv), 1);
    v->arch = NULL;
}

/* Flush what a previous owner of this EPTP or VPID may have left in this CPU's TLB. */
static void flush_stale(struct vmx_vcpu *vv, uint64_t eptp)
{
    invept(INVEPT_SINGLE, eptp);
    if (vv->vpid)
        invvpid(INVVPID_SINGLE, vv->vpid);
}

static int vmcs_activate(struct vmx_vcpu *vv, uint64_t eptp)
{
    int err;

    *(uint32_t *)phys_to_virt(vv->vmcs) = vmx_caps.revision;
    if (vmclear(vv->vmcs) || vmptrld(vv->vmcs))
        return -EIO;
    err = vmcs_setup(vv, eptp, vv + 1);
    vv->proc_ctl = (uint32_t)vmread(VMCS_PROC_CONTROLS);
    vv->pin_ctl = (uint32_t)vmread(VMCS_PIN_CONTROLS);
    return err;
}

/* Runs the guest until an exit the fast path leaves alone; false when VM entry failed (VM stopped). */
static bool enter(struct vmx_vcpu *vv, int launched)
{
    if (!vmx_enter(&vv->regs, launched, &vv->host_rsp))
        return true;
    vmcs_dump_entry_failure(vv, true);
    vm_stop(vv->vcpu->vm, "VM entry failed (VM-instruction error %lu)", vmread(VMCS_INSTR_ERROR));
    return false;
}

static void run_loop(struct vmx_vcpu *vv)
{
    struct vcpu *v = vv->vcpu;

    while (!v->stop) {
        vmx_prepare_entry(vv);
        if (!enter(vv, vv->launched))
            return;
        vv->launched = true; /* exits vmx_fast_exit handled never come back here */
        if (!vmx_handle_exit(vv))
            return;
    }
}

static int vmx_vcpu_run(struct vcpu *v)
{
    struct vmx_vcpu *vv = v->arch;
    struct vmx_vm *xv = v->vm->arch;
    uint64_t eptp = ept_pointer(&xv->ept);
    int err;

    irq_disable();
    vmx_reset_guest_cpu_state();
    flush_stale(vv, eptp);
    err = vmcs_activate(vv, eptp);
    if (!err)
        run_loop(vv);
    vmclear(vv->vmcs);
    irq_enable();
    return err;
}

/* The self-interrupt hypercall: the VM's irqchip queues it; vmx_prepare_entry delivers it. */
static int vmx_inject_irq(struct vcpu *v, uint8_t vector)
{
    return vcpu_irq_raise(v, vector);
}

static const char *const class_names[VMEXIT_CLASSES] = {
    [VMEXIT_CPUID] = "cpuid",
    [VMEXIT_HLT] = "hlt",
    [VMEXIT_IO] = "io",
    [VMEXIT_MSR] = "msr",
    [VMEXIT_CR] = "cr-access",
    [VMEXIT_MMIO] = "ept-violation",
    [VMEXIT_EXTINT] = "external-interrupt",
    [VMEXIT_HYPERCALL] = "vmcall",
    [VMEXIT_WINDOW] = "interrupt-window",
    [VMEXIT_TIMER] = "preemption-timer",
    [VMEXIT_APIC_ACCESS] = "apic-access",
    [VMEXIT_APIC_WRITE] = "apic-write",
    [VMEXIT_OTHER] = "other",
};

static const char *vmx_class_name(int cls)
{
    return cls >= 0 && cls < VMEXIT_CLASSES ? class_names[cls] : "?";
}

const struct vm_ops vmx_vm_ops = {
    .name = "vmx",
    .available = vmx_available,
    .cpu_usable = vmx_cpu_usable,
    .vm_create = vmx_vm_create,
    .vm_destroy = vmx_vm_destroy,
    .map_memory = vmx_map,
    .unmap_memory = vmx_unmap,
    .vcpu_create = vmx_vcpu_create,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_reset = vmx_vcpu_reset,
    .vcpu_run = vmx_vcpu_run,
    .inject_irq = vmx_inject_irq,
    .exit_class_name = vmx_class_name,
};
