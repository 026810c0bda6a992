/* SPDX-License-Identifier: MIT */
/* ACPI PM1 event and control registers (vmm/dev/acpi_pm1.h). */
#include "vmm/dev/acpi_pm1.h"
#include "vmm/dev/lanes.h"

/* What PM1_CNT keeps of a write; SCI_EN is hardwired, the write-only bits are not kept. */
#define PM1_CNT_KEPT (PM1_CNT_BM_RLD | PM1_CNT_SLP_TYP_MASK)

void acpi_pm1_init(struct acpi_pm1 *p)
{
    *p = (struct acpi_pm1){.cnt = PM1_CNT_SCI_EN};
}

static uint32_t evt_reg(const struct acpi_pm1 *p)
{
    return p->sts | (uint32_t)p->en << (8 * PM1_EN_OFFSET);
}

uint32_t acpi_pm1_evt_read(const struct acpi_pm1 *p, unsigned off, unsigned size)
{
    return lanes_read(evt_reg(p), off, size);
}

void acpi_pm1_evt_write(struct acpi_pm1 *p, unsigned off, unsigned size, uint32_t val)
{
    uint32_t covered = lanes_mask(off, size) >> (8 * PM1_EN_OFFSET);
    uint32_t bits = lanes_place(val, off, size);

    p->sts &= (uint16_t)~bits; /* write 1 to clear; 0 leaves a bit alone */
    p->en = (uint16_t)((p->en & ~covered) | ((bits >> (8 * PM1_EN_OFFSET)) & PM1_EN_BITS));
}

uint32_t acpi_pm1_cnt_read(const struct acpi_pm1 *p, unsigned off, unsigned size)
{
    return off >= PM1_CNT_LEN ? 0 : lanes_read(p->cnt, off, size);
}

int acpi_pm1_cnt_write(struct acpi_pm1 *p, unsigned off, unsigned size, uint32_t val)
{
    uint32_t v;

    if (off >= PM1_CNT_LEN)
        return -1;
    v = lanes_write(p->cnt, off, size, val) & 0xffff;
    p->cnt = (uint16_t)((v & PM1_CNT_KEPT) | PM1_CNT_SCI_EN);
    if (!(v & PM1_CNT_SLP_EN)) /* never kept: set only by this write */
        return -1;
    p->sts |= PM1_STS_WAK; /* the platform "wakes" at once should the VM go on */
    return (int)((v & PM1_CNT_SLP_TYP_MASK) >> PM1_CNT_SLP_TYP_SHIFT);
}
