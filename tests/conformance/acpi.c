/* SPDX-License-Identifier: MIT */
/*
 * acpi: the ACPI tables. RSDP on a 16-byte boundary with a valid checksum
 * (and extended checksum and length for revision >= 2); the RSDT and/or
 * XSDT with their signatures and checksums, every entry a table with a
 * valid header and checksum; the FADT (length for its revision), the FACS
 * reached through FIRMWARE_CTRL or X_FIRMWARE_CTRL ("FACS", length >= 64,
 * 64-byte aligned; optional with HW_REDUCED_ACPI), the DSDT through DSDT or
 * X_DSDT (the same one when both are set) with its checksum; the MADT: a
 * well-formed entry list, local APIC entries == NR_CPUS (when given), an
 * IOAPIC entry whose ID matches the IOAPIC's ID register, and the local
 * APIC address == IA32_APIC_BASE's.
 */
#include "conf.h"

#define MAX_TABLES 32

static const struct acpi_header *check_table(u64 addr, const char *from)
{
    if (!addr || addr >= (1ULL << 32)) {
        report_fail("%s: table address %#lx below 4 GiB", from, addr);
        return NULL;
    }
    const struct acpi_header *h = phys_to_virt(addr);
    char sig[5] = {h->sig[0], h->sig[1], h->sig[2], h->sig[3], 0};
    bool len_ok = h->length >= sizeof(*h) && h->length < (1u << 20);
    report(len_ok && acpi_checksum_ok(h, h->length), "%s: %s at %#lx, length %u, checksum", from,
           sig, addr, h->length);
    return len_ok ? h : NULL;
}

/* the runtime's printf has no precision: "%.4s" does not work */
static const char *sig4(const struct acpi_header *h, char *buf)
{
    memcpy(buf, h->sig, 4);
    buf[4] = 0;
    return buf;
}

static int check_root(const struct acpi_header *root, u32 esz, const struct acpi_header **tabs)
{
    int n = 0;
    char s[5];
    u32 cnt = (root->length - sizeof(*root)) / esz;
    report((root->length - sizeof(*root)) % esz == 0, "%s length is header + %u-byte entries",
           sig4(root, s), esz);
    const u8 *ents = (const u8 *)(root + 1);
    for (u32 i = 0; i < cnt; i++) {
        u64 a = 0;
        memcpy(&a, ents + i * esz, esz);
        char from[16];
        snprintf(from, sizeof(from), "%s[%u]", s, i);
        const struct acpi_header *h = check_table(a, from);
        if (h && n < MAX_TABLES)
            tabs[n++] = h;
    }
    return n;
}

static const struct acpi_header *find(const struct acpi_header **tabs, int n, const char *sig)
{
    for (int i = 0; i < n; i++)
        if (!memcmp(tabs[i]->sig, sig, 4))
            return tabs[i];
    return NULL;
}

static void test_fadt(const struct acpi_header *f)
{
    const u8 *p = (const u8 *)f;
    report(f->length >= 116, "FADT length %u >= 116", f->length);
    report(f->revision < 3 || f->length >= 244, "FADT revision %u: length %u >= 244 for rev >= 3",
           f->revision, f->length);
    u32 flags = f->length >= 116 ? *(const u32 *)(p + 112) : 0;
    bool reduced = flags & BIT(20);

    u64 facs = *(const u32 *)(p + 36);
    u64 xfacs = f->length >= 140 ? *(const u64 *)(p + 132) : 0;
    if (xfacs)
        facs = xfacs;
    if (!facs && reduced) {
        report_info("no FACS (HW_REDUCED_ACPI)");
    } else if (report(facs && facs < (1ULL << 32), "FACS address %#lx (FIRMWARE_CTRL %#x, X %#lx)",
                      facs, *(const u32 *)(p + 36), xfacs)) {
        const u8 *fa = phys_to_virt(facs);
        u32 len = *(const u32 *)(fa + 4);
        report(!memcmp(fa, "FACS", 4), "FACS signature");
        report(len >= 64, "FACS length %u >= 64", len);
        report(facs % 64 == 0, "FACS is 64-byte aligned");
        report_info("FACS version %u flags %#x", fa[32], *(const u32 *)(fa + 36));
    }

    u64 dsdt = *(const u32 *)(p + 40);
    u64 xdsdt = f->length >= 148 ? *(const u64 *)(p + 140) : 0;
    report(!dsdt || !xdsdt || dsdt == xdsdt, "FADT DSDT %#lx and X_DSDT %#lx agree", dsdt, xdsdt);
    const struct acpi_header *d = check_table(xdsdt ? xdsdt : dsdt, "FADT DSDT");
    if (d)
        report(!memcmp(d->sig, "DSDT", 4), "DSDT signature");
}

static void test_madt(const struct acpi_header *h)
{
    const u8 *p = (const u8 *)h;
    u32 off = 44;
    int lapics = 0, ioapics = 0;
    u32 ioapic_addr = 0;
    u8 ioapic_id = 0;
    u64 lapic_addr = *(const u32 *)(p + 36);
    bool well_formed = h->length >= 44;
    while (well_formed && off < h->length) {
        u8 type = p[off], len = p[off + 1];
        if (off + 2 > h->length || len < 2 || off + len > h->length) {
            well_formed = false;
            break;
        }
        if (type == 0 && len == 8 && (*(const u32 *)(p + off + 4) & 3))
            lapics++;
        else if (type == 9 && len == 16 && (*(const u32 *)(p + off + 8) & 3))
            lapics++;
        else if (type == 1 && len == 12) {
            if (!ioapics++) {
                ioapic_id = p[off + 2];
                ioapic_addr = *(const u32 *)(p + off + 4);
            }
        } else if (type == 5 && len == 12)
            lapic_addr = *(const u64 *)(p + off + 4);
        off += len;
    }
    report(well_formed && off == h->length, "MADT entries fill the table exactly");
    unsigned long want = env_get_ulong("NR_CPUS", 0);
    if (want)
        report(lapics == (int)want, "MADT: %d enabled local APIC entries == NR_CPUS %lu", lapics,
               want);
    else
        report_info("MADT: %d enabled local APIC entries (no NR_CPUS)", lapics);
    report(lapics >= 1, "MADT has at least one enabled local APIC");
    u64 base = rdmsr(MSR_IA32_APICBASE) & ~0xfffULL;
    report(lapic_addr == base, "MADT local APIC address %#lx == IA32_APIC_BASE %#lx", lapic_addr,
           base);
    if (report(ioapics >= 1, "MADT has an IOAPIC entry (%d)", ioapics)) {
        volatile u32 *io = phys_to_virt(ioapic_addr);
        io[0] = 0;
        u32 id = (io[4] >> 24) & 0xf;
        report(id == (ioapic_id & 0xf), "IOAPIC at %#x: ID register %u == MADT IOAPIC ID %u",
               ioapic_addr, id, ioapic_id);
        io[0] = 1;
        u32 ver = io[4];
        report((ver & 0xff) >= 0x11 && (ver & 0xff) != 0xff, "IOAPIC version register %#x", ver);
    }
}

int main(void)
{
    const struct acpi_rsdp *r = acpi_rsdp();
    if (!r)
        report_abort("no RSDP in the EBDA or 0xE0000-0xFFFFF");
    u64 ra = (u64)(uintptr_t)r;
    report(ra % 16 == 0, "RSDP at %#lx on a 16-byte boundary", ra);
    report(!memcmp(r->sig, "RSD PTR ", 8) && acpi_checksum_ok(r, 20), "RSDP signature, checksum");
    report_info("RSDP revision %u, RSDT %#x, XSDT %#lx", r->revision, r->rsdt,
                r->revision >= 2 ? r->xsdt : 0);
    const struct acpi_header *tabs[MAX_TABLES];
    int n = 0;
    if (r->revision >= 2) {
        report(r->length >= 36, "RSDP length %u >= 36", r->length);
        report(r->length >= 36 && r->length < 4096 && acpi_checksum_ok(r, r->length),
               "RSDP extended checksum");
    }
    report(r->rsdt || (r->revision >= 2 && r->xsdt), "RSDP names an RSDT or XSDT");
    if (r->rsdt) {
        const struct acpi_header *rsdt = check_table(r->rsdt, "RSDP RSDT");
        if (rsdt && report(!memcmp(rsdt->sig, "RSDT", 4), "RSDT signature"))
            n = check_root(rsdt, 4, tabs);
    }
    if (r->revision >= 2 && r->xsdt) {
        const struct acpi_header *xsdt = check_table(r->xsdt, "RSDP XSDT");
        if (xsdt && report(!memcmp(xsdt->sig, "XSDT", 4), "XSDT signature"))
            n = check_root(xsdt, 8, tabs);
    }

    const struct acpi_header *fadt = find(tabs, n, "FACP");
    if (report(fadt != NULL, "FADT present"))
        test_fadt(fadt);
    const struct acpi_header *madt = find(tabs, n, "APIC");
    if (report(madt != NULL, "MADT present"))
        test_madt(madt);
    report(acpi_find_table("FACP") == fadt && acpi_find_table("APIC") == madt,
           "the runtime's table lookup agrees");
    return 0;
}
