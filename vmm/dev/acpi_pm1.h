/* SPDX-License-Identifier: MIT */
/*
 * The ACPI PM1 event and control registers of a platform with a full
 * (not hardware-reduced) FADT (ACPI 6.5 4.8.3.1 and 4.8.3.2). Pure code.
 *
 * PM1_EVT block (PM1_EVT_LEN = 4): PM1_STS at byte 0, PM1_EN at byte 2,
 * 16 bits each. PM1_STS bits are write-1-to-clear. Nothing in this model
 * ever raises an event, so no status bit is set by the platform except
 * WAK_STS after a sleep request, and the SCI never fires; PM1_EN keeps the
 * enable bits OSPM writes.
 * PM1_CNT block (PM1_CNT_LEN = 2): SCI_EN reads 1 and cannot be cleared
 * (the platform is always in ACPI mode: the FADT's SMI_CMD is 0); BM_RLD
 * and SLP_TYP keep what is written; GBL_RLS and SLP_EN are write-only and
 * read 0. Writing SLP_EN asks for sleep state SLP_TYP.
 *
 * Accesses of any width reach the byte lanes they cover (vmm/dev/lanes.h),
 * so byte, word and dword accessors all work.
 */
#ifndef VMM_DEV_ACPI_PM1_H
#define VMM_DEV_ACPI_PM1_H

#include "lib/compiler.h"

/* 4.8.3.1, table 4.16: PM1 status */
#define PM1_STS_TMR (1u << 0)
#define PM1_STS_BM (1u << 4)
#define PM1_STS_GBL (1u << 5)
#define PM1_STS_PWRBTN (1u << 8)
#define PM1_STS_SLPBTN (1u << 9)
#define PM1_STS_RTC (1u << 10)
#define PM1_STS_PCIEXP_WAKE (1u << 14)
#define PM1_STS_WAK (1u << 15)
/* table 4.17: PM1 enable */
#define PM1_EN_TMR (1u << 0)
#define PM1_EN_GBL (1u << 5)
#define PM1_EN_PWRBTN (1u << 8)
#define PM1_EN_SLPBTN (1u << 9)
#define PM1_EN_RTC (1u << 10)
#define PM1_EN_PCIEXP_WAKE_DIS (1u << 14)
#define PM1_EN_BITS \
    (PM1_EN_TMR | PM1_EN_GBL | PM1_EN_PWRBTN | PM1_EN_SLPBTN | PM1_EN_RTC | PM1_EN_PCIEXP_WAKE_DIS)
/* 4.8.3.2.1, table 4.18: PM1 control */
#define PM1_CNT_SCI_EN (1u << 0)
#define PM1_CNT_BM_RLD (1u << 1)
#define PM1_CNT_GBL_RLS (1u << 2) /* write-only */
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN (1u << 13) /* write-only */

#define PM1_EVT_LEN 4 /* FADT PM1_EVT_LEN: status and enable */
#define PM1_CNT_LEN 2 /* FADT PM1_CNT_LEN */
#define PM1_EN_OFFSET 2

struct acpi_pm1 {
    uint16_t sts, en, cnt;
};

/* As after reset: no status, nothing enabled, SCI_EN set. */
void acpi_pm1_init(struct acpi_pm1 *p);
/* PM1_EVT block, byte offset off (0..3), size 1, 2 or 4. */
uint32_t acpi_pm1_evt_read(const struct acpi_pm1 *p, unsigned off, unsigned size);
void acpi_pm1_evt_write(struct acpi_pm1 *p, unsigned off, unsigned size, uint32_t val);
/* PM1_CNT block, byte offset off (0..1). */
uint32_t acpi_pm1_cnt_read(const struct acpi_pm1 *p, unsigned off, unsigned size);
/* The SLP_TYP asked for (0..7) when the write sets SLP_EN, else -1. */
int acpi_pm1_cnt_write(struct acpi_pm1 *p, unsigned off, unsigned size, uint32_t val);

#endif
