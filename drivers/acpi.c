/* SPDX-License-Identifier: MIT */
/* ACPI glue: maps tables through the direct map and applies acpi.ignore=. */
#include "drivers/acpi.h"
#include "lib/errno.h"
#include "kernel/log.h"
#include "kernel/paging.h"
#include "lib/string.h"

static struct acpi_info info;
static bool ready;

static const void *map_phys(uint64_t phys, size_t len, void *ctx)
{
    return phys_map(phys, len);
}

static bool ignored(const char *list, const char *sig)
{
    size_t n = strlen(sig);

    for (const char *p = list; p && *p;) {
        if (!strncmp(p, sig, n) && (p[n] == ',' || !p[n]))
            return true;
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return false;
}

static void apply_ignore(const char *list)
{
    if (ignored(list, "APIC") && info.have_madt) {
        pr_warn("acpi: MADT ignored (acpi.ignore=APIC)");
        info.have_madt = false;
    }
    if (ignored(list, "FACP") && info.have_fadt) {
        pr_warn("acpi: FADT ignored (acpi.ignore=FACP)");
        info.have_fadt = false;
    }
}

int acpi_init(const struct boot_info *bi, const char *ignore)
{
    int err;

    if (!bi->rsdp_len) {
        pr_warn("acpi: the boot loader passed no RSDP; no ACPI tables");
        ready = true;
        return -ENOENT;
    }
    err = acpi_parse(bi->rsdp, bi->rsdp_len, map_phys, NULL, &info);
    ready = true;
    if (err) {
        pr_warn("acpi: tables unusable (%d); continuing without ACPI", err);
        memset(&info, 0, sizeof(info));
        return err;
    }
    apply_ignore(ignore);
    pr_info("acpi: RSDP rev %u (%s), OEM '%s', %u tables", info.rsdp_revision,
            info.used_xsdt ? "XSDT" : "RSDT", info.oem_id, info.ntables);
    if (!info.have_madt)
        pr_warn("acpi: no valid MADT; running on the boot CPU only");
    if (!info.have_fadt)
        pr_warn("acpi: no valid FADT; power-off and reset registers unknown");
    acpi_power_init();
    return 0;
}

const struct acpi_info *acpi_get(void)
{
    return ready ? &info : NULL;
}
