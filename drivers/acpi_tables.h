/* SPDX-License-Identifier: MIT */
/*
 * ACPI table parsing (ACPI 6.5 spec, chapter 5.2): RSDP, RSDT/XSDT, MADT,
 * FADT and the \_S5 sleep type from the DSDT. Pure code: physical memory is
 * reached only through the caller's map function, so host unit tests feed it
 * synthetic tables. Bad input never crashes; it gives a warning and the
 * affected part of acpi_info is left out (have_madt/have_fadt false).
 */
#ifndef DRIVERS_ACPI_TABLES_H
#define DRIVERS_ACPI_TABLES_H

#include "lib/compiler.h"

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS 16
#define ACPI_MAX_NMIS 16
#define ACPI_MAX_TABLES 32

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t uid;
    bool enabled;        /* MADT flags bit 0 */
    bool online_capable; /* MADT flags bit 1 (ACPI 6.3+) */
    bool x2apic_entry;   /* came from a type 9 (x2APIC) entry */
};

struct acpi_ioapic {
    uint8_t id;
    uint32_t addr;
    uint32_t gsi_base;
};

struct acpi_iso { /* interrupt source override */
    uint8_t bus_irq;
    uint32_t gsi;
    uint16_t flags; /* MPS INTI flags: polarity bits 1:0, trigger bits 3:2 */
};

struct acpi_lapic_nmi {
    uint32_t uid; /* 0xFFFFFFFF (or 0xFF in the xAPIC entry) = all CPUs */
    uint8_t lint;
    uint16_t flags;
};

struct acpi_gas {     /* Generic Address Structure, ACPI 5.2.3.2 */
    uint8_t space_id; /* 0 = system memory, 1 = system I/O */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};

struct acpi_table_ref {
    char sig[5];
    uint64_t phys;
    uint32_t len;
    bool checksum_ok;
};

struct acpi_info {
    uint8_t rsdp_revision;
    bool used_xsdt;
    char oem_id[7];
    unsigned ntables;
    struct acpi_table_ref tables[ACPI_MAX_TABLES];

    bool have_madt;
    uint64_t lapic_addr; /* after a type 5 override, if any */
    bool pcat_compat;    /* dual 8259s present: mask them */
    unsigned ncpus;      /* entries kept (enabled or online-capable or not) */
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned nioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned nisos;
    struct acpi_iso isos[ACPI_MAX_ISOS];
    unsigned nnmis;
    struct acpi_lapic_nmi nmis[ACPI_MAX_NMIS];

    bool have_fadt;
    bool hw_reduced;
    bool reset_supported; /* FADT flags RESET_REG_SUP and a usable reset_reg */
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    uint16_t sci_irq;
    uint32_t smi_cmd;
    uint32_t pm1a_cnt; /* I/O port, 0 if absent */
    uint32_t pm1b_cnt;
    uint32_t pm_tmr_blk; /* I/O port, 0 if absent */
    bool pm_tmr_32bit;
    uint64_t dsdt;
    bool have_s5;
    uint8_t s5_typ_a;
    uint8_t s5_typ_b;
};

/* Returns a pointer through which len bytes at phys can be read, or NULL. */
typedef const void *(*acpi_map_fn)(uint64_t phys, size_t len, void *ctx);

/* Verifies an 8-bit ACPI checksum: the bytes sum to 0. */
bool acpi_checksum_ok(const void *p, size_t len);

/*
 * Parses everything reachable from the RSDP (a copy, as multiboot2 gives it).
 * Returns 0 when at least the RSDP and root table were usable, else a
 * negative error; warnings for each bad table are logged with pr_warn.
 */
int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
               struct acpi_info *out);

/* Parses one MADT / FADT already mapped (len = the table's length field). */
int acpi_parse_madt(const void *madt, size_t len, struct acpi_info *out);
int acpi_parse_fadt(const void *fadt, size_t len, acpi_map_fn map, void *ctx,
                    struct acpi_info *out);
/* Finds \_S5 in a DSDT/SSDT's AML and records its SLP_TYP values. */
int acpi_find_s5(const void *aml_table, size_t len, struct acpi_info *out);

#endif
