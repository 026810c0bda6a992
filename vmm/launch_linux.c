/* SPDX-License-Identifier: MIT */
/*
 * Launching a Linux bzImage (docs/linux-guest.md): the kernel and its
 * initramfs come from boot modules; the VM gets the PC board (local
 * APICs, IOAPIC, RTC, ACPI tables) and starts at the 64-bit entry of the
 * boot protocol. Everything that can be refused is refused before any
 * memory is taken.
 */
#include "vmm/launch.h"
#include "vmm/launch_internal.h"
#include "vmm/loader/bzimage.h"
#include "vmm/loader/image.h"
#include "vmm/loader/linux_layout.h"
#include "vmm/platform/acpi_gen.h"
#include "vmm/platform/board.h"
#include "vmm/vm.h"
#include "kernel/bootinfo.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "lib/string.h"

/* Launches come from the console CPU only: these need not be on its stack. */
static struct bzimage_info bz;
static struct linux_plan plan;
static uint8_t acpi_tables[ACPI_GEN_BUF_SIZE];

static int guest_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return vm_copy_to_guest(ctx, gpa, src, len) ? -EFAULT : 0;
}

static int boot_cfg(const struct launch_req *r, uint64_t mem, unsigned cpus,
                    struct linux_boot_cfg *bc, const char **err)
{
    const struct boot_module *rd = NULL;
    struct acpi_gen_cfg ac;
    size_t used;

    if (r->ninitrd > 1) {
        *err = "a Linux kernel takes one initrd=";
        return -EINVAL;
    }
    if (r->ninitrd && !(rd = launch_find_module(r->initrd[0]))) {
        *err = "no such initrd image (see 'guests')";
        return -ENOENT;
    }
    acpi_gen_default_cfg(&ac, cpus);
    if (acpi_gen_build(&ac, acpi_tables, sizeof(acpi_tables), LINUX_ACPI_GPA, &used)) {
        *err = "could not build the guest's ACPI tables";
        return -EINVAL;
    }
    *bc = (struct linux_boot_cfg){
        .mem_size = mem,
        .initrd = rd ? phys_to_virt(rd->start) : NULL,
        .initrd_len = rd ? rd->end - rd->start : 0,
        .cmdline = r->cmdline ? r->cmdline : launch_module_args(launch_find_module(r->image)),
        .acpi = acpi_tables,
        .acpi_len = used,
    };
    return 0;
}

static void start_state(const struct linux_entry *e, struct vcpu_start *st)
{
    *st = (struct vcpu_start){
        .mode = START_LONG64,
        .rip = e->rip,
        .rsp = e->rsp,
        .cr3 = e->cr3,
        .rsi = e->rsi,
        .gdt_base = e->gdt_base,
        .gdt_limit = e->gdt_limit,
        .cs_sel = e->cs,
        .ds_sel = e->ds,
    };
}

static int build_and_start(struct vm *vm, const struct linux_boot_cfg *bc, const char **err)
{
    struct linux_entry e;
    struct vcpu_start st;
    int rc = linux_build(&bz, bc, &plan, guest_write, vm, &e, err);

    if (rc) {
        vm_abandon(vm, *err);
        return rc;
    }
    start_state(&e, &st);
    rc = vm_start(vm, &st);
    if (rc)
        *err = vm->reason;
    return rc;
}

int launch_linux(const struct launch_req *r, const struct boot_module *m, const struct vm_ops *ops,
                 struct vm **out, const char **err)
{
    struct vm_config cfg = {
        .name = r->name ? r->name : r->image,
        .ops = ops,
        .mem_size = r->mem ? r->mem : LAUNCH_LINUX_DEFAULT_MEM,
        .nvcpus = r->cpus ? r->cpus : 1,
        .board = &board_pc,
        .strict_mem = r->strict_mem,
        .cpu_model = r->cpu_model,
        .x2apic_start = true, /* APIC accesses are MSR exits, not decoded MMIO */
    };
    struct linux_boot_cfg bc;
    struct vm *vm;
    int rc;

    if (r->bare) {
        *err = "Linux kernels need the PC platform (no platform=none)";
        return -EINVAL;
    }
    if (ops != &vmx_vm_ops) {
        *err = "Linux kernels run under the vmx backend only";
        return -EOPNOTSUPP;
    }
    rc = bzimage_parse(phys_to_virt(m->start), m->end - m->start, &bz, err);
    if (!rc)
        rc = boot_cfg(r, cfg.mem_size, cfg.nvcpus, &bc, err);
    if (!rc)
        rc = linux_plan(&bz, &bc, &plan, err);
    if (rc)
        return rc;
    vm = vm_create(&cfg, err);
    if (!vm)
        return -ENOMEM;
    rc = build_and_start(vm, &bc, err);
    if (rc)
        return rc;
    pr_info("vm %s: started (%s, %u vCPUs, %lu MiB, linux %u.%u kernel, initrd %lu KiB, id %u)",
            vm->name, vm->ops->name, vm->nvcpus, vm->mem_size >> 20, bz.version >> 8,
            bz.version & 0xff, (unsigned long)(bc.initrd_len >> 10), vm->id);
    *out = vm;
    return 0;
}
