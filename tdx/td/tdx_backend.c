/* SPDX-License-Identifier: MIT */
/*
 * The tdx backend: the second struct vm_ops, building trust domains
 * through SEAMCALLs in the order the module requires (tdx-host-abi.md 5):
 * HKID, TDR, MNG.CREATE, MNG.KEY.CONFIG per package, TDCS pages, MNG.INIT
 * with TD_PARAMS, vCPUs (TDVPR, TDCX, VP.INIT), memory (S-EPT pages,
 * PAGE.ADD with MR.EXTEND), MR.FINALIZE; and the teardown pipeline in
 * tdx_teardown.c; running it in tdx_run.c. Limits: TD_MAX_MEM and
 * TD_MAX_VCPUS (tdx_backend.h), 64-bit images only (tdx/td/td_reset.S).
 */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/td/tdx_backend.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/td/tdx_td.h"
#include "vmm/vm.h"
#include "vmm/loader/image.h"
#include "vmm/vmx/vmx.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"

static int tdx_available(const char **why)
{
    const struct tdx_status *st = tdx_get_status();

    if (st->state == TDX_READY)
        return 0;
    *why = st->reason[0] ? st->reason : "the TDX module is not initialized";
    return -ENODEV;
}

static int tdx_vm_create(struct vm *vm)
{
    uint64_t pa = page_alloc(1);
    struct td *td = pa ? phys_to_virt(pa) : NULL;

    if (!td)
        return -ENOMEM;
    vm->arch = td;
    td->build_tsc = rdtsc();
    td->build_calls = tdx_calls;
    if (vm->mem_size > TD_MAX_MEM || vm->nvcpus > TD_MAX_VCPUS) {
        pr_warn("tdx: TDs are limited to %lu MiB and %u vCPU", TD_MAX_MEM >> 20, TD_MAX_VCPUS);
        return -EINVAL;
    }
    return td_create(td, vm->nvcpus);
}

static void tdx_vm_destroy(struct vm *vm)
{
    struct td *td = vm->arch;

    if (!td)
        return;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vm->vcpus[i].arch)
            td_vcpu_teardown_prepare(td, vm->vcpus[i].arch);
    td_teardown(td);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        if (vm->vcpus[i].arch && !td->leaked)
            page_free(virt_to_phys(vm->vcpus[i].arch), 1);
        vm->vcpus[i].arch = NULL;
    }
    if (!td->leaked)
        page_free(virt_to_phys(td), 1);
    vm->arch = NULL;
}

/* Guest memory stays ordinary until the last vCPU exists; then it is added as private pages. */
static int tdx_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size)
{
    return 0;
}

static int tdx_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
    return -EOPNOTSUPP;
}

static int tdx_vcpu_create(struct vcpu *v, const struct vcpu_start *start)
{
    struct td *td = v->vm->arch;
    uint64_t pa;
    int err;

    if (start->mode != START_LONG64) {
        pr_warn("tdx: a TD starts 64-bit images only (through its reset page)");
        return -EOPNOTSUPP;
    }
    pa = page_alloc(1);
    if (!pa)
        return -ENOMEM;
    v->arch = phys_to_virt(pa);
    err = td_vcpu_create(td, v->arch, start->rip);
    if (!err && v->id == v->vm->nvcpus - 1) {
        err = td_add_memory_and_finalize(td, v->vm, start);
        if (!err)
            pr_info("tdx: %s: TD built in %lu TSC ticks: %lu pages added, %lu SEAMCALLs",
                    v->vm->name, rdtsc() - td->build_tsc, td->npages + 1,
                    tdx_calls - td->build_calls);
    }
    return err;
}

static void tdx_vcpu_destroy(struct vcpu *v)
{
    /* Everything is given back by the TD's teardown in tdx_vm_destroy. */
}

static int tdx_inject_irq(struct vcpu *v, uint8_t vector)
{
    return -EOPNOTSUPP;
}

static const char *const class_names[VMEXIT_CLASSES] = {
    [VMEXIT_CPUID] = "tdvmcall-cpuid",
    [VMEXIT_HLT] = "tdvmcall-hlt",
    [VMEXIT_IO] = "tdvmcall-io",
    [VMEXIT_MSR] = "tdvmcall-msr",
    [VMEXIT_CR] = "cr",
    [VMEXIT_MMIO] = "ept-violation",
    [VMEXIT_EXTINT] = "external-interrupt",
    [VMEXIT_HYPERCALL] = "tdvmcall-other",
    [VMEXIT_WINDOW] = "window",
    [VMEXIT_OTHER] = "other",
};

static const char *tdx_class_name(int cls)
{
    return cls >= 0 && cls < VMEXIT_CLASSES ? class_names[cls] : "?";
}

const struct vm_ops tdx_vm_ops = {
    .name = "tdx",
    .available = tdx_available,
    .cpu_usable = vmx_cpu_usable,
    .vm_create = tdx_vm_create,
    .vm_destroy = tdx_vm_destroy,
    .map_memory = tdx_map,
    .unmap_memory = tdx_unmap,
    .vcpu_create = tdx_vcpu_create,
    .vcpu_destroy = tdx_vcpu_destroy,
    .vcpu_run = td_vcpu_run,
    .inject_irq = tdx_inject_irq,
    .exit_class_name = tdx_class_name,
};
