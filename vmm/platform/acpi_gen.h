/* SPDX-License-Identifier: MIT */
/*
 * Per-VM ACPI tables: RSDP, XSDT, a FADT (hardware-reduced or full), FACS,
 * MADT and a small DSDT, describing the platform of
 * vmm/platform/guest_platform.h. Pure code: the tables are built in a
 * caller's buffer for a given guest address.
 */
#ifndef VMM_PLATFORM_ACPI_GEN_H
#define VMM_PLATFORM_ACPI_GEN_H

#include "lib/compiler.h"

/* xAPIC MADT entries: APIC IDs 0..254 (0xFF is broadcast). */
#define ACPI_GEN_MAX_CPUS 255
/* Enough for every valid configuration (ACPI_GEN_MAX_CPUS CPUs: about 2.6 KiB). */
#define ACPI_GEN_BUF_SIZE 4096

/* Which FADT (ACPI 6.5 5.2.9) the guest gets. */
enum acpi_gen_fadt {
    /*
     * HW_REDUCED_ACPI: sleep control/status registers and RESET_REG only.
     * Linux then needs no 8259 PIC, PIT or SCI (docs/linux-guest.md). OSPM
     * ignores every fixed-hardware field, the PM timer's included.
     */
    ACPI_GEN_FADT_REDUCED,
    /*
     * Fixed hardware as a PC's firmware describes it: PM1a event and
     * control blocks, the 32-bit PM timer, SCI_INT, SMI_CMD 0 (always in
     * ACPI mode), sleep through PM1a_CNT, RESET_REG.
     */
    ACPI_GEN_FADT_FULL,
};

struct acpi_gen_cfg {
    enum acpi_gen_fadt fadt;
    unsigned ncpus; /* 1..ACPI_GEN_MAX_CPUS; LAPIC IDs and processor UIDs 0..ncpus-1 */
    uint32_t lapic_addr;
    uint8_t ioapic_id;
    uint32_t ioapic_addr;
    uint32_t ioapic_gsi_base;
    uint16_t sleep_ctl_port; /* reduced FADT: SLEEP_CONTROL_REG, 8-bit I/O port */
    uint16_t sleep_sts_port; /* reduced FADT: SLEEP_STATUS_REG, 8-bit I/O port */
    uint16_t pm1a_evt_port;  /* full FADT: PM1a_EVT_BLK (status, enable), 4 ports; not 0 */
    uint16_t pm1a_cnt_port;  /* full FADT: PM1a_CNT_BLK, 2 ports; not 0 */
    uint16_t pm_tmr_port;    /* full FADT: PM_TMR_BLK, 4 ports, 32-bit; 0 for none */
    uint16_t sci_irq;        /* full FADT: SCI_INT (a GSI) */
    uint8_t century;         /* full FADT: CENTURY, the RTC CMOS index; 0 for none */
    uint16_t reset_port;     /* FADT RESET_REG, 8-bit I/O port */
    uint8_t reset_value;
    uint8_t s5_slp_typ;      /* SLP_TYP in \_S5 (0..7) */
    uint16_t iapc_boot_arch; /* FADT IA-PC boot architecture flags */
    bool com1;               /* describe COM1 (PNP0501) in the DSDT */
    uint16_t com1_port;
    uint8_t com1_irq; /* ISA IRQ 0..15 */
};

/*
 * The guest_platform.h values for ncpus vCPUs, COM1 included, with a
 * hardware-reduced FADT: what Linux guests get (docs/linux-guest.md).
 * RESET_REG is port 0x602, value 0x01.
 */
void acpi_gen_default_cfg(struct acpi_gen_cfg *cfg, unsigned ncpus);
/*
 * The same with a full FADT, the default for any other guest
 * (docs/guest-abi.md, "PC platform"): the PM timer is only described to
 * OSPM by a full FADT. RESET_REG is 0xCF9, value 0x06, as in QEMU's.
 */
void acpi_gen_full_cfg(struct acpi_gen_cfg *cfg, unsigned ncpus);

/*
 * Builds the tables into buf (buflen bytes), to live at guest-physical
 * base_gpa, which is where the RSDP goes (16-byte aligned; inside
 * 0xE0000-0xFFFFF if the guest is to find it by scanning). The other tables
 * follow it, the FACS last on a 64-byte boundary of guest-physical memory.
 * Returns 0 with *used = bytes written, -EINVAL for a bad cfg or base,
 * -ENOSPC if buf is too small.
 */
int acpi_gen_build(const struct acpi_gen_cfg *cfg, uint8_t *buf, size_t buflen, uint64_t base_gpa,
                   size_t *used);

#endif
