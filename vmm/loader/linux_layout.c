/* SPDX-License-Identifier: MIT */
/*
 * Planning a Linux guest's memory (boot.rst "64-bit boot protocol", "The
 * kernel command line", "initrd_addr_max"). Everything the kernel is told
 * about comes from a checked bzimage_info and the caller's configuration;
 * sizes are compared before they are added, so nothing here can wrap.
 */
#include <stdarg.h>
#include "lib/compiler.h"
#include "vmm/loader/fail.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vmm/loader/linux_boot.h"
#include "vmm/loader/linux_layout.h"
#include "vmm/platform/guest_platform.h"

/* PML4 and PDPT, then one page directory per GiB mapped. */
#define PT_FIXED_PAGES 2
#define MAX_NPD (ALIGN_UP((uint64_t)GUEST_RAM_LIMIT, GiB(1)) >> 30)

_Static_assert(LINUX_PT_GPA + (PT_FIXED_PAGES + MAX(MAX_NPD, LINUX_IDMAP_MIN >> 30)) * PAGE_SIZE <=
                   LINUX_PT_LIMIT,
               "page tables reach Linux's trampoline");
_Static_assert(LINUX_CMDLINE_GPA + LINUX_CMDLINE_AREA <= LINUX_PT_GPA, "cmdline area");
_Static_assert(LINUX_BOOT_PARAMS_GPA + LINUX_BOOT_PARAMS_SIZE < LINUX_STACK_TOP, "zero page");
_Static_assert(LINUX_ACPI_GPA + LINUX_ACPI_SIZE == LINUX_HIGH_RAM, "ACPI area");

static int __printf(4, 5)
    failf(struct linux_plan *plan, const char **err, int ret, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    kvsnprintf(plan->msg, sizeof(plan->msg), fmt, ap);
    va_end(ap);
    *err = plan->msg;
    return ret;
}

/* Needs round up, what the VM has rounds down: "needs 21, has 20" even for 20.5. */
static unsigned long long mib_up(uint64_t bytes)
{
    return (unsigned long long)((bytes + MiB(1) - 1) >> 20);
}

static unsigned long long mib_down(uint64_t bytes)
{
    return (unsigned long long)(bytes >> 20);
}

static int plan_memory(const struct linux_boot_cfg *cfg, struct linux_plan *plan, const char **err)
{
    if (cfg->mem_size > GUEST_RAM_LIMIT)
        return failf(plan, err, -EINVAL,
                     "linux: guest RAM ends above %#x, over the I/O APIC and LAPIC pages",
                     GUEST_RAM_LIMIT);
    if (!IS_ALIGNED(cfg->mem_size, PAGE_SIZE))
        return loader_fail(err, "linux: guest memory size is not a multiple of 4 KiB", -EINVAL);
    plan->mem_size = cfg->mem_size;
    plan->npd = MAX(LINUX_IDMAP_MIN, ALIGN_UP(cfg->mem_size, GiB(1))) >> 30;
    return 0;
}

/*
 * A relocatable kernel may run at any multiple of kernel_alignment; its
 * pref_address (its link address) saves it relocating itself. Below 1 MiB
 * would collide with the loader's own data, so it goes no lower.
 */
static int plan_kernel(const struct bzimage_info *bz, struct linux_plan *plan, const char **err)
{
    uint64_t load = bz->pref_address;

    if (load >= GUEST_RAM_LIMIT)
        return failf(plan, err, -EINVAL, "linux: kernel's preferred address %#llx is beyond RAM",
                     (unsigned long long)load);
    if (bz->relocatable)
        load = ALIGN_UP(MAX(load, LINUX_HIGH_RAM), (uint64_t)bz->kernel_alignment);
    else if (load < LINUX_HIGH_RAM)
        return failf(plan, err, -EINVAL, "linux: non-relocatable kernel wants %#llx, below 1 MiB",
                     (unsigned long long)load);
    plan->kernel_gpa = load;
    plan->kernel_end = load + bz->init_size;
    if (plan->kernel_end > plan->mem_size)
        return failf(plan, err, -ENOMEM,
                     "linux: the kernel needs %llu MiB of guest memory (at %#llx, init_size "
                     "%#x), the VM has %llu MiB",
                     mib_up(plan->kernel_end), (unsigned long long)load, bz->init_size,
                     mib_down(plan->mem_size));
    return 0;
}

/* boot.rst initrd_addr_max is the last byte the initrd may use, unless XLF lifts it. */
static uint64_t initrd_limit(const struct bzimage_info *bz, uint64_t mem_size)
{
    uint64_t limit = (uint64_t)bz->initrd_addr_max + 1;

    if (bz->xloadflags & LINUX_XLF_CAN_BE_LOADED_ABOVE_4G)
        limit = UINT64_MAX;
    return ALIGN_DOWN(MIN(limit, mem_size), PAGE_SIZE);
}

static int initrd_too_big(const struct linux_boot_cfg *cfg, struct linux_plan *plan,
                          const char **err)
{
    unsigned long long kib = (cfg->initrd_len + KiB(1) - 1) >> 10;
    uint64_t need = ALIGN_UP(plan->kernel_end, PAGE_SIZE) + ALIGN_UP(cfg->initrd_len, PAGE_SIZE);

    if (plan->initrd_limit < plan->mem_size)
        return failf(plan, err, -ENOMEM,
                     "linux: the %llu KiB initrd does not fit between the kernel's end %#llx "
                     "and the kernel's initrd limit %#llx",
                     kib, (unsigned long long)plan->kernel_end,
                     (unsigned long long)plan->initrd_limit);
    return failf(plan, err, -ENOMEM,
                 "linux: the kernel and the %llu KiB initrd need %llu MiB of guest memory, the "
                 "VM has %llu MiB",
                 kib, mib_up(need), mib_down(plan->mem_size));
}

/* As high as allowed, as bootloaders do: clear of the kernel's decompression room. */
static int plan_initrd(const struct bzimage_info *bz, const struct linux_boot_cfg *cfg,
                       struct linux_plan *plan, const char **err)
{
    uint64_t top;

    if (!cfg->initrd_len)
        return 0;
    if (!cfg->initrd)
        return loader_fail(err, "linux: initrd length given without its data", -EINVAL);
    plan->initrd_limit = top = initrd_limit(bz, plan->mem_size);
    if (top < plan->kernel_end || cfg->initrd_len > top - plan->kernel_end)
        return initrd_too_big(cfg, plan, err);
    plan->initrd_gpa = ALIGN_DOWN(top - cfg->initrd_len, PAGE_SIZE);
    if (plan->initrd_gpa < plan->kernel_end)
        return initrd_too_big(cfg, plan, err);
    plan->initrd_size = cfg->initrd_len;
    return 0;
}

/* cmdline_size excludes the terminating NUL (boot.rst "cmdline_size"). */
static int plan_cmdline(const struct bzimage_info *bz, const struct linux_boot_cfg *cfg,
                        struct linux_plan *plan, const char **err)
{
    size_t len = cfg->cmdline ? strnlen(cfg->cmdline, LINUX_CMDLINE_AREA) : 0;
    uint64_t max = MIN((uint64_t)bz->cmdline_size, LINUX_CMDLINE_AREA - 1);

    if (len > max)
        return failf(plan, err, -E2BIG,
                     "linux: the command line is %s%zu bytes, the kernel takes at most %llu",
                     len == LINUX_CMDLINE_AREA ? "over " : "", len, (unsigned long long)max);
    plan->cmdline_gpa = LINUX_CMDLINE_GPA;
    plan->cmdline_len = len;
    return 0;
}

static int plan_acpi(const struct linux_boot_cfg *cfg, struct linux_plan *plan, const char **err)
{
    if (!cfg->acpi_len)
        return 0;
    if (!cfg->acpi)
        return loader_fail(err, "linux: ACPI table length given without the tables", -EINVAL);
    if (cfg->acpi_len > LINUX_ACPI_SIZE)
        return loader_fail(err, "linux: ACPI tables larger than their 128 KiB area", -EINVAL);
    plan->acpi_gpa = LINUX_ACPI_GPA;
    plan->acpi_len = cfg->acpi_len;
    return 0;
}

static void e820_add(struct linux_plan *plan, uint64_t addr, uint64_t end, uint32_t type)
{
    plan->e820[plan->ne820].addr = addr;
    plan->e820[plan->ne820].size = end - addr;
    plan->e820[plan->ne820].type = type;
    plan->ne820++;
}

/* The low hole is reserved, like a PC's EBDA, VGA and BIOS area. */
static void plan_e820(struct linux_plan *plan)
{
    e820_add(plan, 0, LINUX_LOW_RAM_END, LINUX_E820_RAM);
    e820_add(plan, LINUX_LOW_RAM_END, LINUX_ACPI_GPA, LINUX_E820_RESERVED);
    e820_add(plan, LINUX_ACPI_GPA, LINUX_HIGH_RAM,
             plan->acpi_len ? LINUX_E820_ACPI : LINUX_E820_RESERVED);
    e820_add(plan, LINUX_HIGH_RAM, plan->mem_size, LINUX_E820_RAM);
}

int linux_plan(const struct bzimage_info *bz, const struct linux_boot_cfg *cfg,
               struct linux_plan *plan, const char **err)
{
    int ret;

    memset(plan, 0, sizeof(*plan));
    if (!bz || !bz->img || !cfg)
        return loader_fail(err, "linux: no kernel", -EINVAL);
    plan->boot_params_gpa = LINUX_BOOT_PARAMS_GPA;
    plan->gdt_gpa = LINUX_GDT_GPA;
    plan->pml4_gpa = LINUX_PT_GPA;
    ret = plan_memory(cfg, plan, err);
    if (!ret)
        ret = plan_kernel(bz, plan, err);
    if (!ret)
        ret = plan_initrd(bz, cfg, plan, err);
    if (!ret)
        ret = plan_cmdline(bz, cfg, plan, err);
    if (!ret)
        ret = plan_acpi(cfg, plan, err);
    if (ret)
        return ret;
    plan_e820(plan);
    return 0;
}
