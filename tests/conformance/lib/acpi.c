/* SPDX-License-Identifier: MIT */
#include "acpi.h"
#include "libc.h"

static const struct acpi_rsdp *rsdp;
static struct madt_info madt;

bool acpi_checksum_ok(const void *p, u32 len)
{
    u8 sum = 0;
    for (u32 i = 0; i < len; i++)
        sum += ((const u8 *)p)[i];
    return sum == 0;
}

static const struct acpi_rsdp *scan(u64 start, u64 len)
{
    for (u64 a = start; a + 20 <= start + len; a += 16) {
        const struct acpi_rsdp *r = (const void *)(uintptr_t)a;
        if (!memcmp(r->sig, "RSD PTR ", 8) && acpi_checksum_ok(r, 20))
            return r;
    }
    return NULL;
}

const struct acpi_rsdp *acpi_rsdp(void)
{
    return rsdp;
}

static const struct acpi_header *table_at(u64 addr)
{
    if (!addr || addr >= (1ULL << 32))
        return NULL;
    const struct acpi_header *h = (const void *)(uintptr_t)addr;
    if (h->length < sizeof(*h) || h->length > (1u << 20) || !acpi_checksum_ok(h, h->length))
        return NULL;
    return h;
}

const struct acpi_header *acpi_find_table(const char *sig)
{
    if (!rsdp)
        return NULL;
    bool x = rsdp->revision >= 2 && rsdp->xsdt && rsdp->xsdt < (1ULL << 32);
    const struct acpi_header *root = table_at(x ? rsdp->xsdt : rsdp->rsdt);
    if (!root)
        return NULL;
    if (!memcmp(sig, x ? "XSDT" : "RSDT", 4))
        return root;
    u32 esz = x ? 8 : 4;
    u32 n = (root->length - sizeof(*root)) / esz;
    const u8 *ents = (const u8 *)(root + 1);
    for (u32 i = 0; i < n; i++) {
        u64 a = 0;
        memcpy(&a, ents + i * esz, esz);
        const struct acpi_header *h = table_at(a);
        if (h && !memcmp(h->sig, sig, 4))
            return h;
    }
    if (!memcmp(sig, "DSDT", 4)) {
        const struct acpi_header *f = acpi_find_table("FACP");
        if (f && f->length >= 44)
            return table_at(*(const u32 *)((const u8 *)f + 40));
    }
    return NULL;
}

static void parse_madt(void)
{
    const struct acpi_header *h = acpi_find_table("APIC");
    if (!h)
        return;
    madt.found = true;
    const u8 *p = (const u8 *)h;
    madt.lapic_addr = *(const u32 *)(p + 36);
    madt.flags = *(const u32 *)(p + 40);
    for (u32 off = 44; off + 2 <= h->length;) {
        u8 type = p[off], len = p[off + 1];
        const u8 *e = p + off;
        if (len < 2 || off + len > h->length)
            break;
        if ((type == 0 && len >= 8) || (type == 9 && len >= 16)) {
            u32 flags = type == 0 ? *(const u32 *)(e + 4) : *(const u32 *)(e + 8);
            u32 id = type == 0 ? e[3] : *(const u32 *)(e + 4);
            u32 uid = type == 0 ? e[2] : *(const u32 *)(e + 12);
            if (flags & 3) {
                if (madt.nr_lapics < 64) {
                    madt.lapic_ids[madt.nr_lapics] = id;
                    madt.lapic_uids[madt.nr_lapics] = uid;
                    madt.nr_lapics++;
                }
            } else {
                madt.nr_lapics_disabled++;
            }
        } else if (type == 1 && len >= 12 && madt.nr_ioapics < MADT_MAX_IOAPICS) {
            madt.ioapics[madt.nr_ioapics].id = e[2];
            madt.ioapics[madt.nr_ioapics].addr = *(const u32 *)(e + 4);
            madt.ioapics[madt.nr_ioapics].gsi_base = *(const u32 *)(e + 8);
            madt.nr_ioapics++;
        } else if (type == 2 && len >= 10 && madt.nr_overrides < MADT_MAX_OVERRIDES) {
            madt.overrides[madt.nr_overrides].bus = e[2];
            madt.overrides[madt.nr_overrides].source = e[3];
            madt.overrides[madt.nr_overrides].gsi = *(const u32 *)(e + 4);
            madt.overrides[madt.nr_overrides].flags = *(const u16 *)(e + 8);
            madt.nr_overrides++;
        } else if (type == 5 && len >= 12) {
            u64 a = *(const u64 *)(e + 4);
            if (a < (1ULL << 32))
                madt.lapic_addr = (u32)a;
        }
        off += len;
    }
}

const struct madt_info *acpi_madt_info(void)
{
    return &madt;
}

u32 acpi_isa_irq_gsi(u8 irq, u16 *flags)
{
    for (int i = 0; i < madt.nr_overrides; i++) {
        if (madt.overrides[i].bus == 0 && madt.overrides[i].source == irq) {
            if (flags)
                *flags = madt.overrides[i].flags;
            return madt.overrides[i].gsi;
        }
    }
    if (flags)
        *flags = 0;
    return irq;
}

u16 acpi_pm_timer_port(bool *ext32)
{
    const struct acpi_header *f = acpi_find_table("FACP");
    if (!f || f->length < 80)
        return 0;
    const u8 *p = (const u8 *)f;
    u32 flags = f->length >= 116 ? *(const u32 *)(p + 112) : 0;
    if (ext32)
        *ext32 = flags & BIT(8);
    /* X_PM_TMR_BLK: generic address structure at offset 208 (ACPI 2.0+) */
    if (f->length >= 220 && p[208] == 1) {
        u64 a = *(const u64 *)(p + 212);
        if (a && a < 0x10000)
            return (u16)a;
    }
    return (u16) * (const u32 *)(p + 76);
}

void acpi_init(void)
{
    u16 ebda_seg = *(const volatile u16 *)phys_to_virt(0x40e);
    u64 ebda = (u64)ebda_seg << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000)
        rsdp = scan(ebda, 1024);
    if (!rsdp)
        rsdp = scan(0xe0000, 0x20000);
    parse_madt();
}
