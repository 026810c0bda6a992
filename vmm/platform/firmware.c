/* SPDX-License-Identifier: MIT */
/* The PC board's firmware tables for guests that have no boot protocol of their own. */
#include "vmm/platform/firmware.h"
#include "vmm/platform/acpi_gen.h"
#include "vmm/loader/fail.h"
#include "vmm/vm.h"
#include "lib/errno.h"

int pc_firmware_install(struct vm *vm, const char **err)
{
    static uint8_t tables[ACPI_GEN_BUF_SIZE]; /* VMs are created on CPU 0 only */
    struct acpi_gen_cfg cfg;
    size_t used;

    acpi_gen_full_cfg(&cfg, vm->nvcpus); /* the PM timer and PM1 block: guest-abi.md */
    if (acpi_gen_build(&cfg, tables, sizeof(tables), PC_FIRMWARE_ACPI_GPA, &used) ||
        vm_copy_to_guest(vm, PC_FIRMWARE_ACPI_GPA, tables, used))
        return loader_fail(err, "could not build the guest's ACPI tables", -EINVAL);
    return 0;
}
