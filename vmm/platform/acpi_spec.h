/* SPDX-License-Identifier: MIT */
/*
 * ACPI table layouts and AML encodings a table generator needs, from the
 * ACPI 6.5 specification (section numbers below). Offsets are in bytes from
 * the start of each structure.
 */
#ifndef VMM_PLATFORM_ACPI_SPEC_H
#define VMM_PLATFORM_ACPI_SPEC_H

/* 5.2.5.3 Root System Description Pointer */
#define ACPI_RSDP_SIG "RSD PTR "
#define ACPI_RSDP_CHECKSUM 8 /* over the first 20 bytes */
#define ACPI_RSDP_OEM_ID 9
#define ACPI_RSDP_REVISION 15
#define ACPI_RSDP_RSDT 16
#define ACPI_RSDP_LENGTH 20
#define ACPI_RSDP_XSDT 24
#define ACPI_RSDP_EXT_CHECKSUM 32 /* over all 36 bytes */
#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_LEN 36
#define ACPI_RSDP_REV_XSDT 2
/* 5.2.5.1: OSPM scans 0xE0000-0xFFFFF for the RSDP on 16-byte boundaries. */
#define ACPI_RSDP_ALIGN 16

/* 5.2.6 System Description Table Header */
#define ACPI_SDT_LENGTH 4
#define ACPI_SDT_REVISION 8
#define ACPI_SDT_CHECKSUM 9
#define ACPI_SDT_OEM_ID 10
#define ACPI_SDT_OEM_TABLE_ID 16
#define ACPI_SDT_OEM_REVISION 24
#define ACPI_SDT_CREATOR_ID 28
#define ACPI_SDT_CREATOR_REVISION 32
#define ACPI_SDT_HDR_LEN 36
#define ACPI_OEM_ID_LEN 6
#define ACPI_OEM_TABLE_ID_LEN 8

/* 5.2.8 XSDT: 64-bit table addresses after the header. */
#define ACPI_XSDT_REVISION 1

/* 5.2.9 FADT, table 5.9 (revision 6: ACPI 6.0 and later, 276 bytes) */
#define ACPI_FADT_REVISION 6
#define ACPI_FADT_MINOR 5 /* ACPI 6.5 */
#define ACPI_FADT_LEN 276
#define ACPI_FADT_FIRMWARE_CTRL 36 /* FACS below 4 GiB; then X_FIRMWARE_CTRL must be 0 */
#define ACPI_FADT_DSDT 40
#define ACPI_FADT_PM_PROFILE 45
#define ACPI_FADT_SCI_INT 46
#define ACPI_FADT_SMI_CMD 48 /* 0: no SMM, the platform is always in ACPI mode */
#define ACPI_FADT_PM1A_EVT_BLK 56
#define ACPI_FADT_PM1A_CNT_BLK 64
#define ACPI_FADT_PM_TMR_BLK 76
#define ACPI_FADT_PM1_EVT_LEN 88
#define ACPI_FADT_PM1_CNT_LEN 89
#define ACPI_FADT_PM_TMR_LEN 91
#define ACPI_FADT_P_LVL2_LAT 96 /* > 100: no C2 */
#define ACPI_FADT_P_LVL3_LAT 98 /* > 1000: no C3 */
#define ACPI_FADT_CENTURY 108
#define ACPI_FADT_IAPC_BOOT_ARCH 109
#define ACPI_FADT_FLAGS 112
#define ACPI_FADT_RESET_REG 116
#define ACPI_FADT_RESET_VALUE 128
#define ACPI_FADT_MINOR_VERSION 131
#define ACPI_FADT_X_FIRMWARE_CTRL 132 /* FACS at or above 4 GiB */
#define ACPI_FADT_X_DSDT 140
#define ACPI_FADT_X_PM1A_EVT_BLK 148
#define ACPI_FADT_X_PM1A_CNT_BLK 172
#define ACPI_FADT_X_PM_TMR_BLK 208
#define ACPI_FADT_SLEEP_CONTROL_REG 244
#define ACPI_FADT_SLEEP_STATUS_REG 256
#define ACPI_FADT_HYPERVISOR_ID 268

/* 5.2.9.3 IA-PC boot architecture flags, table 5.11 */
#define ACPI_IAPC_8042 (1u << 1) /* clear: no keyboard controller */
#define ACPI_IAPC_VGA_NOT_PRESENT (1u << 2)
#define ACPI_IAPC_CMOS_RTC_NOT_PRESENT (1u << 5)

/*
 * 5.2.9: with HW_REDUCED_ACPI set, OSPM ignores the fields at offsets 46
 * to 108 and 148 to 232 (SCI, SMI, PM1, PM2, PM timer, GPE blocks) and
 * flags 1, 2, 3, 7, 8, 12, 13, 14, 16 and 17.
 */
#define ACPI_FADT_P_LVL2_NONE 101
#define ACPI_FADT_P_LVL3_NONE 1001

/* 5.2.9 fixed feature flags, table 5.10 */
#define ACPI_FADT_F_WBINVD (1u << 0)
#define ACPI_FADT_F_PROC_C1 (1u << 2)     /* C1 (HLT) on every processor */
#define ACPI_FADT_F_PWR_BUTTON (1u << 4)  /* set: no fixed-feature power button */
#define ACPI_FADT_F_SLP_BUTTON (1u << 5)  /* set: no fixed-feature sleep button */
#define ACPI_FADT_F_FIX_RTC (1u << 6)     /* set: no RTC wake status in PM1 */
#define ACPI_FADT_F_TMR_VAL_EXT (1u << 8) /* set: the PM timer is 32 bits, else 24 */
#define ACPI_FADT_F_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_F_HW_REDUCED_ACPI (1u << 20)

/* 5.2.3.2 Generic Address Structure */
#define ACPI_GAS_LEN 12
#define ACPI_GAS_SYSTEM_IO 1
#define ACPI_GAS_ACCESS_BYTE 1
#define ACPI_GAS_ACCESS_WORD 2
#define ACPI_GAS_ACCESS_DWORD 3

/* 5.2.10 FACS, table 5.14: 64 bytes, 64-byte aligned, no checksum. */
#define ACPI_FACS_SIG "FACS"
#define ACPI_FACS_LENGTH 4
#define ACPI_FACS_HW_SIGNATURE 8
#define ACPI_FACS_FLAGS 20
#define ACPI_FACS_VERSION 32
#define ACPI_FACS_LEN 64
#define ACPI_FACS_ALIGN 64
#define ACPI_FACS_REVISION 2

/* 5.2.12 MADT */
#define ACPI_MADT_REVISION 5
#define ACPI_MADT_LAPIC_ADDR 36
#define ACPI_MADT_FLAGS 40
#define ACPI_MADT_HDR_LEN 44
#define ACPI_MADT_TYPE_LAPIC 0 /* 5.2.12.2 */
#define ACPI_MADT_LAPIC_LEN 8
#define ACPI_MADT_LAPIC_ENABLED (1u << 0)
#define ACPI_MADT_TYPE_IOAPIC 1 /* 5.2.12.3 */
#define ACPI_MADT_IOAPIC_LEN 12
/* xAPIC entries hold 8-bit APIC IDs; 0xFF is the broadcast ID. */
#define ACPI_XAPIC_ID_MAX 0xFE

/* 5.2.11.1 DSDT; revision 2 means 64-bit AML integers. */
#define ACPI_DSDT_REVISION 2

/* 20.2 AML encoding */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_DWORD_PREFIX 0x0C
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_EXT_OP_PREFIX 0x5B
#define AML_DEVICE_OP 0x82 /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR '\\'
/* 20.2.4 PkgLength: one byte up to 63, else bits 7:6 count extra bytes. */
#define AML_PKGLEN_1BYTE_MAX 63
#define AML_PKGLEN_2BYTE_MAX 0xFFF

/* 6.4.2 small resource descriptors */
#define ACPI_RES_IRQ_NOFLAGS 0x22 /* 6.4.2.1 IRQ, 2-byte form: edge, active high */
#define ACPI_RES_IO 0x47          /* 6.4.2.5 I/O port */
#define ACPI_RES_IO_DECODE16 0x01
#define ACPI_RES_END_TAG 0x79 /* 6.4.2.9, followed by a checksum byte (0 = none) */

#endif
