/* SPDX-License-Identifier: MIT */
/*
 * I/O APIC register constants (Intel 82093AA I/O APIC datasheet, 3.0
 * "Register Description"; the EOI register comes from the version 0x20
 * I/O xAPIC of Intel ICH/PCH chipsets, e.g. ICH9 datasheet 13.5).
 * drivers/ioapic.c keeps its own private subset for the host's IOAPICs.
 */
#ifndef VMM_DEV_IOAPIC_REGS_H
#define VMM_DEV_IOAPIC_REGS_H

/* Memory-mapped registers, offsets from the IOAPIC base. */
#define IOAPIC_DEFAULT_BASE 0xFEC00000ULL
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10
#define IOAPIC_EOIR 0x40 /* version 0x20 only: write a vector to EOI it */
#define IOAPIC_MMIO_SIZE 0x1000

/* Indirect registers selected by IOREGSEL[7:0]. */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDTBL 0x10 /* entry n: low dword at 0x10 + 2n, high at 0x11 + 2n */

#define IOAPIC_ID_SHIFT 24
#define IOAPIC_ID_MASK 0x0F000000U /* bits 27:24 */
#define IOAPIC_VERSION 0x20
#define IOAPIC_VER_MAXREDIR_SHIFT 16

/* Redirection table entry (datasheet 3.2.4). */
#define IOAPIC_RTE_VECTOR 0xFFULL
#define IOAPIC_RTE_DM_SHIFT 8
#define IOAPIC_RTE_DM_MASK (7ULL << 8)
#define IOAPIC_RTE_LOGICAL (1ULL << 11)
#define IOAPIC_RTE_STATUS (1ULL << 12) /* delivery status, read-only */
#define IOAPIC_RTE_ACTIVE_LOW (1ULL << 13)
#define IOAPIC_RTE_REMOTE_IRR (1ULL << 14) /* read-only */
#define IOAPIC_RTE_LEVEL (1ULL << 15)
#define IOAPIC_RTE_MASKED (1ULL << 16)
#define IOAPIC_RTE_DEST_SHIFT 56
#define IOAPIC_RTE_LO_WRITABLE 0x0001AFFFU /* bits 16, 15, 13, 11:0 */
#define IOAPIC_RTE_HI_WRITABLE 0xFF000000U /* destination, bits 63:56 */

/* Delivery modes (datasheet 3.2.4, bits 10:8). */
#define IOAPIC_DM_FIXED 0
#define IOAPIC_DM_LOWEST 1
#define IOAPIC_DM_SMI 2
#define IOAPIC_DM_NMI 4
#define IOAPIC_DM_INIT 5
#define IOAPIC_DM_EXTINT 7

#endif
