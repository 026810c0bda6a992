/* SPDX-License-Identifier: MIT */
/*
 * ACPI: RSDP found by scanning the EBDA's first KiB and 0xE0000-0xFFFFF
 * (16-byte steps, checksum checked), then the XSDT (revision >= 2) or RSDT.
 * The MADT is parsed at start-up (acpi_madt_info()).
 */
#ifndef CONF_ACPI_H
#define CONF_ACPI_H

#include "x86.h"

struct acpi_header {
    char sig[4];
    u32 length;
    u8 revision, checksum;
    char oem_id[6], oem_table_id[8];
    u32 oem_revision, creator_id, creator_revision;
} __attribute__((packed));

struct acpi_rsdp {
    char sig[8];
    u8 checksum;
    char oem_id[6];
    u8 revision;
    u32 rsdt;
    u32 length;
    u64 xsdt;
    u8 xchecksum, res[3];
} __attribute__((packed));

#define MADT_MAX_IOAPICS 4
#define MADT_MAX_OVERRIDES 16

struct madt_info {
    bool found;
    u32 lapic_addr;         /* MADT local APIC address (an override entry replaces it) */
    u32 flags;              /* bit 0: PCAT_COMPAT (dual 8259s) */
    int nr_lapics;          /* enabled (or online-capable) processor entries, types 0 and 9 */
    u32 lapic_ids[64];      /* their APIC IDs in MADT order */
    u32 lapic_uids[64];     /* ACPI processor UIDs */
    int nr_lapics_disabled; /* entries neither enabled nor online capable */
    int nr_ioapics;
    struct {
        u8 id;
        u32 addr, gsi_base;
    } ioapics[MADT_MAX_IOAPICS];
    int nr_overrides;
    struct {
        u8 bus, source;
        u32 gsi;
        u16 flags;
    } overrides[MADT_MAX_OVERRIDES];
};

const struct acpi_rsdp *acpi_rsdp(void);
/* the first table with that signature ("APIC", "FACP", ...), checksum checked, or NULL */
const struct acpi_header *acpi_find_table(const char *sig);
bool acpi_checksum_ok(const void *p, u32 len);
const struct madt_info *acpi_madt_info(void);
/* PM timer I/O port from the FADT (X_PM_TMR_BLK if set in I/O space, else PM_TMR_BLK),
 * 0 if none; *ext32 set from the TMR_VAL_EXT flag (32-bit counter) */
u16 acpi_pm_timer_port(bool *ext32);
/* GSI for ISA IRQ irq according to the MADT overrides (irq if none); flags out if given */
u32 acpi_isa_irq_gsi(u8 irq, u16 *flags);

void acpi_init(void);

#endif
