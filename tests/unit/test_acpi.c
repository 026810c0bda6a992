/* SPDX-License-Identifier: MIT */
/* unit-srcs: drivers/acpi_tables.c lib/string.c */
/*
 * ACPI table parser tests. Tables are built in a fake physical memory that
 * the parser reaches only through fake_map(), with real checksums, then
 * broken in the ways firmware breaks them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/errno.h"
#include "drivers/acpi_tables.h"
#include "tests/unit/host_stubs.h"

#define MEM_SIZE 0x40000
/* Aliases mem[], so 64-bit XSDT/X_DSDT addresses can be exercised. */
#define HIGH_BASE 0x100000000ull
#define UNMAPPED 0x7fff0000u

#define RSDT_PHYS 0x1000
#define XSDT_PHYS 0x2000
#define MADT_PHYS 0x3000
#define FADT_PHYS 0x4000
#define DSDT_PHYS 0x5000
#define SPARE_PHYS 0x8000

#define HDR_LEN 36
#define MADT_HDR_LEN 44
#define FADT_V1_LEN 116
#define FADT_V6_LEN 276

#define F_TMR_VAL_EXT (1u << 8)
#define F_RESET_REG_SUP (1u << 10)
#define F_HW_REDUCED (1u << 20)

static uint8_t mem[MEM_SIZE];
static struct acpi_info info;

static const void *fake_map(uint64_t phys, size_t len, void *ctx)
{
    if (phys >= HIGH_BASE)
        phys -= HIGH_BASE;
    if (phys > MEM_SIZE || len > MEM_SIZE - phys)
        return NULL;
    return &mem[phys];
}

static int setup(void **state)
{
    memset(mem, 0, sizeof(mem));
    memset(&info, 0xa5, sizeof(info)); /* acpi_parse must clear it */
    host_log_clear();
    return 0;
}

/* ------------------------------------------------------------ builders */

static void w16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, sizeof(v));
}

static void w32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}

static void w64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, sizeof(v));
}

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;
    size_t i;

    p[at] = 0;
    for (i = 0; i < len; i++)
        sum += p[i];
    p[at] = (uint8_t)-sum;
}

static void sdt_hdr(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memset(t, 0, HDR_LEN);
    memcpy(t, sig, 4);
    w32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "TESTOE", 6);
    memcpy(t + 16, "UNITTEST", 8);
}

static void sdt_seal(uint8_t *t)
{
    uint32_t len;

    memcpy(&len, t + 4, sizeof(len));
    fix_checksum(t, len, 9);
}

static void rsdp_build(uint8_t r[36], uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "OEMID!", 6);
    r[15] = rev;
    w32(r + 16, rsdt);
    if (rev >= 2) {
        w32(r + 20, 36);
        w64(r + 24, xsdt);
    }
    fix_checksum(r, 20, 8);
    if (rev >= 2)
        fix_checksum(r, 36, 32);
}

static void rsdt_build(uint64_t phys, const uint32_t *ents, unsigned n)
{
    uint8_t *t = &mem[phys];
    unsigned i;

    sdt_hdr(t, "RSDT", HDR_LEN + 4 * n, 1);
    for (i = 0; i < n; i++)
        w32(t + HDR_LEN + 4 * i, ents[i]);
    sdt_seal(t);
}

static void xsdt_build(uint64_t phys, const uint64_t *ents, unsigned n)
{
    uint8_t *t = &mem[phys];
    unsigned i;

    sdt_hdr(t, "XSDT", HDR_LEN + 8 * n, 1);
    for (i = 0; i < n; i++)
        w64(t + HDR_LEN + 8 * i, ents[i]);
    sdt_seal(t);
}

struct madt_b {
    uint8_t *t;
    uint32_t len;
};

static struct madt_b madt_begin(uint8_t *t, uint8_t rev, uint32_t lapic, uint32_t flags)
{
    sdt_hdr(t, "APIC", MADT_HDR_LEN, rev);
    w32(t + 36, lapic);
    w32(t + 40, flags);
    return (struct madt_b){t, MADT_HDR_LEN};
}

static uint8_t *madt_add(struct madt_b *b, uint8_t type, uint8_t len)
{
    uint8_t *e = b->t + b->len;

    memset(e, 0, len);
    e[0] = type;
    e[1] = len;
    b->len += len;
    return e;
}

static void madt_lapic(struct madt_b *b, uint8_t uid, uint8_t id, uint32_t flags)
{
    uint8_t *e = madt_add(b, 0, 8);

    e[2] = uid;
    e[3] = id;
    w32(e + 4, flags);
}

static void madt_x2apic(struct madt_b *b, uint32_t id, uint32_t uid, uint32_t flags)
{
    uint8_t *e = madt_add(b, 9, 16);

    w32(e + 4, id);
    w32(e + 8, flags);
    w32(e + 12, uid);
}

static void madt_ioapic(struct madt_b *b, uint8_t id, uint32_t addr, uint32_t gsi)
{
    uint8_t *e = madt_add(b, 1, 12);

    e[2] = id;
    w32(e + 4, addr);
    w32(e + 8, gsi);
}

static void madt_iso(struct madt_b *b, uint8_t src, uint32_t gsi, uint16_t flags)
{
    uint8_t *e = madt_add(b, 2, 10);

    e[3] = src;
    w32(e + 4, gsi);
    w16(e + 8, flags);
}

static void madt_nmi(struct madt_b *b, uint8_t uid, uint16_t flags, uint8_t lint)
{
    uint8_t *e = madt_add(b, 4, 6);

    e[2] = uid;
    w16(e + 3, flags);
    e[5] = lint;
}

static void madt_x2nmi(struct madt_b *b, uint16_t flags, uint32_t uid, uint8_t lint)
{
    uint8_t *e = madt_add(b, 0xa, 12);

    w16(e + 2, flags);
    w32(e + 4, uid);
    e[8] = lint;
}

static void madt_override(struct madt_b *b, uint64_t addr)
{
    w64(madt_add(b, 5, 12) + 4, addr);
}

static uint32_t madt_end(struct madt_b *b)
{
    w32(b->t + 4, b->len);
    sdt_seal(b->t);
    return b->len;
}

/* Two enabled CPUs and an I/O APIC: what every test platform starts with. */
static uint32_t madt_basic(uint8_t *t, uint32_t lapic)
{
    struct madt_b b = madt_begin(t, 5, lapic, 1);

    madt_lapic(&b, 0, 0, 1);
    madt_lapic(&b, 1, 2, 1);
    madt_ioapic(&b, 4, 0xfec00000, 0);
    return madt_end(&b);
}

static void gas(uint8_t *p, uint8_t space, uint8_t width, uint64_t addr)
{
    p[0] = space;
    p[1] = width;
    p[2] = 0;
    p[3] = 1;
    w64(p + 4, addr);
}

static void fadt_begin(uint8_t *t, uint32_t len, uint8_t rev, uint32_t flags)
{
    memset(t, 0, len);
    sdt_hdr(t, "FACP", len, rev);
    if (len >= 116)
        w32(t + 112, flags);
}

static uint32_t dsdt_build(uint8_t *t, const uint8_t *aml, size_t n)
{
    sdt_hdr(t, "DSDT", HDR_LEN + n, 2);
    memcpy(t + HDR_LEN, aml, n);
    sdt_seal(t);
    return HDR_LEN + n;
}

/* Name (_S5, Package (0x04) { 0x05, 0x05, Zero, Zero }) as iasl emits it. */
static const uint8_t s5_aml[] = {0x10, 0x11, 0x5c, 0x00, /* Scope (\) */
                                 0x08, '_',  'S',  '5',  '_',  0x12, 0x08,
                                 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};

/* A v2 platform: XSDT -> MADT + FADT -> DSDT with \_S5; RSDT as fallback. */
static void platform_build(uint8_t rsdp[36])
{
    uint32_t rents[] = {MADT_PHYS, FADT_PHYS};
    uint64_t xents[] = {MADT_PHYS, FADT_PHYS};
    uint8_t *f = &mem[FADT_PHYS];

    madt_basic(&mem[MADT_PHYS], 0xfee00000);
    fadt_begin(f, FADT_V6_LEN, 6, F_RESET_REG_SUP);
    w32(f + 40, DSDT_PHYS);
    gas(f + 116, 1, 8, 0xcf9);
    f[128] = 6;
    sdt_seal(f);
    dsdt_build(&mem[DSDT_PHYS], s5_aml, sizeof(s5_aml));
    rsdt_build(RSDT_PHYS, rents, 2);
    xsdt_build(XSDT_PHYS, xents, 2);
    rsdp_build(rsdp, 2, RSDT_PHYS, XSDT_PHYS);
}

static const struct acpi_table_ref *find_table(const char *sig)
{
    unsigned i;

    for (i = 0; i < info.ntables; i++)
        if (!strcmp(info.tables[i].sig, sig))
            return &info.tables[i];
    return NULL;
}

static unsigned log_count(const char *s)
{
    const char *p = host_log();
    unsigned n = 0;

    while ((p = strstr(p, s))) {
        n++;
        p += strlen(s);
    }
    return n;
}

/* ------------------------------------------------------------ RSDP/root */

static void test_checksum_ok(void **state)
{
    uint8_t b[4] = {0x10, 0x20, 0x30, 0xa0};

    assert_true(acpi_checksum_ok(b, 4));
    b[2]++;
    assert_false(acpi_checksum_ok(b, 4));
    assert_true(acpi_checksum_ok(b, 0));
}

static void test_rsdp_v0_uses_rsdt(void **state)
{
    uint8_t rsdp[36];
    uint32_t ents[] = {MADT_PHYS};

    madt_basic(&mem[MADT_PHYS], 0xfee00000);
    rsdt_build(RSDT_PHYS, ents, 1);
    rsdp_build(rsdp, 0, RSDT_PHYS, 0);

    assert_int_equal(acpi_parse(rsdp, 20, fake_map, NULL, &info), 0);
    assert_int_equal(info.rsdp_revision, 0);
    assert_false(info.used_xsdt);
    assert_string_equal(info.oem_id, "OEMID!");
    assert_int_equal(info.ntables, 2);
    assert_string_equal(info.tables[0].sig, "RSDT");
    assert_int_equal(info.tables[0].phys, RSDT_PHYS);
    assert_int_equal(info.tables[0].len, HDR_LEN + 4);
    assert_string_equal(info.tables[1].sig, "APIC");
    assert_true(info.tables[1].checksum_ok);
    assert_true(info.have_madt);
    assert_int_equal(info.ncpus, 2);
    assert_false(info.have_fadt);
    assert_false(info.have_s5);
}

static void test_rsdp_v2_prefers_xsdt(void **state)
{
    uint8_t rsdp[36];
    uint32_t rents[] = {SPARE_PHYS};
    uint64_t xents[] = {HIGH_BASE + MADT_PHYS, HIGH_BASE + FADT_PHYS};

    platform_build(rsdp);
    /* The RSDT's MADT differs, so using it would show. */
    madt_basic(&mem[SPARE_PHYS], 0xdead0000);
    rsdt_build(RSDT_PHYS, rents, 1);
    xsdt_build(XSDT_PHYS, xents, 2);

    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), 0);
    assert_int_equal(info.rsdp_revision, 2);
    assert_true(info.used_xsdt);
    assert_int_equal(info.lapic_addr, 0xfee00000);
    assert_int_equal(info.ntables, 4);
    assert_string_equal(info.tables[0].sig, "XSDT");
    assert_int_equal(info.tables[1].phys, HIGH_BASE + MADT_PHYS);
    assert_string_equal(info.tables[2].sig, "FACP");
    assert_int_equal(info.tables[2].phys, HIGH_BASE + FADT_PHYS);
    assert_string_equal(info.tables[3].sig, "DSDT");
    assert_true(info.have_madt);
    assert_true(info.have_fadt);
    assert_true(info.have_s5);
    assert_string_equal(host_log(), "");
}

static void test_rsdp_bad_checksum(void **state)
{
    uint8_t rsdp[36];

    platform_build(rsdp);
    rsdp[8] ^= 1;
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), -EBADMSG);
    assert_true(host_log_contains("acpi: RSDP: bad checksum"));
    assert_int_equal(info.ntables, 0);
    assert_false(info.have_madt);
}

static void test_rsdp_bad_ext_checksum(void **state)
{
    uint8_t rsdp[36];

    platform_build(rsdp);
    rsdp[24] ^= 0x10; /* XSDT address: only the extended checksum sees it */
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), -EBADMSG);
    assert_true(host_log_contains("RSDP: bad extended checksum"));
}

static void test_rsdp_bad_signature_and_length(void **state)
{
    uint8_t rsdp[36];

    platform_build(rsdp);
    assert_int_equal(acpi_parse(rsdp, 19, fake_map, NULL, &info), -EINVAL);
    w32(rsdp + 20, 64); /* claims more than we were given */
    fix_checksum(rsdp, 36, 32);
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), -EINVAL);
    rsdp[0] = 'X';
    fix_checksum(rsdp, 20, 8);
    assert_int_equal(acpi_parse(rsdp, 20, fake_map, NULL, &info), -EINVAL);
    assert_true(host_log_contains("RSDP: bad signature"));
}

/* multiboot2's old-RSDP tag hands over 20 bytes even of a v2 RSDP. */
static void test_rsdp_v2_short_copy_uses_rsdt(void **state)
{
    uint8_t rsdp[36];

    platform_build(rsdp);
    assert_int_equal(acpi_parse(rsdp, 20, fake_map, NULL, &info), 0);
    assert_int_equal(info.rsdp_revision, 2);
    assert_false(info.used_xsdt);
    assert_string_equal(info.tables[0].sig, "RSDT");
    assert_true(info.have_madt);
}

static void test_xsdt_bad_checksum_falls_back(void **state)
{
    uint8_t rsdp[36];

    platform_build(rsdp);
    mem[XSDT_PHYS + HDR_LEN] ^= 0x40;
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), 0);
    assert_false(info.used_xsdt);
    assert_string_equal(info.tables[0].sig, "XSDT");
    assert_false(info.tables[0].checksum_ok);
    assert_string_equal(info.tables[1].sig, "RSDT");
    assert_true(info.tables[1].checksum_ok);
    assert_true(host_log_contains("acpi: XSDT at 0x2000: bad checksum"));
    assert_true(host_log_contains("falling back to RSDT"));
    assert_true(info.have_madt);
    assert_true(info.have_fadt);
    assert_true(info.have_s5);
}

static void test_xsdt_unusable_falls_back(void **state)
{
    uint8_t rsdp[36];

    /* Wrong signature at the XSDT address. */
    platform_build(rsdp);
    memcpy(&mem[XSDT_PHYS], "XSDX", 4);
    sdt_seal(&mem[XSDT_PHYS]);
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), 0);
    assert_false(info.used_xsdt);
    assert_true(host_log_contains("found signature XSDX"));
    assert_true(info.have_madt);

    /* XSDT address outside memory. */
    host_log_clear();
    rsdp_build(rsdp, 2, RSDT_PHYS, HIGH_BASE + MEM_SIZE);
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), 0);
    assert_false(info.used_xsdt);
    assert_true(host_log_contains("XSDT at 0x100040000: not mappable"));
    assert_true(info.have_fadt);
}

static void test_root_unusable(void **state)
{
    uint8_t rsdp[36];

    rsdp_build(rsdp, 0, UNMAPPED, 0);
    assert_int_equal(acpi_parse(rsdp, 20, fake_map, NULL, &info), -ENOENT);
    assert_true(host_log_contains("RSDT at 0x7fff0000: not mappable"));

    rsdp_build(rsdp, 0, 0, 0);
    assert_int_equal(acpi_parse(rsdp, 20, fake_map, NULL, &info), -ENOENT);

    /* Both roots present but bad: the RSDT's error is the answer. */
    platform_build(rsdp);
    mem[XSDT_PHYS + 9]++;
    mem[RSDT_PHYS + 9]++;
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), -EBADMSG);
    assert_false(info.have_madt);
}

static void test_table_pointers_unmapped(void **state)
{
    uint8_t rsdp[36];
    uint32_t ents[] = {UNMAPPED, MEM_SIZE - 16, MEM_SIZE - HDR_LEN, 0, MADT_PHYS};

    madt_basic(&mem[MADT_PHYS], 0xfee00000);
    /* Header maps, but the length it claims runs off the end of memory. */
    sdt_hdr(&mem[MEM_SIZE - HDR_LEN], "SSDT", 100, 1);
    rsdt_build(RSDT_PHYS, ents, 5);
    rsdp_build(rsdp, 0, RSDT_PHYS, 0);

    assert_int_equal(acpi_parse(rsdp, 20, fake_map, NULL, &info), 0);
    assert_true(host_log_contains("table at 0x7fff0000: not mappable"));
    assert_true(host_log_contains("table at 0x3fff0: not mappable"));
    assert_true(host_log_contains("SSDT at 0x3ffdc: 100 bytes not mappable"));
    assert_int_equal(log_count("acpi: "), 3); /* the 0 entry is just skipped */
    assert_int_equal(info.ntables, 2);
    assert_true(info.have_madt);
    assert_int_equal(info.ncpus, 2);
}

static void test_table_bad_length(void **state)
{
    uint8_t rsdp[36];
    uint32_t ents[] = {SPARE_PHYS, SPARE_PHYS + 0x100, MADT_PHYS};

    madt_basic(&mem[MADT_PHYS], 0xfee00000);
    sdt_hdr(&mem[SPARE_PHYS], "HUGE", 0x7fffffff, 1);
    sdt_hdr(&mem[SPARE_PHYS + 0x100], "TINY", 20, 1);
    rsdt_build(RSDT_PHYS, ents, 3);
    rsdp_build(rsdp, 0, RSDT_PHYS, 0);

    assert_int_equal(acpi_parse(rsdp, 20, fake_map, NULL, &info), 0);
    assert_true(host_log_contains("HUGE at 0x8000: bad length 2147483647"));
    assert_true(host_log_contains("TINY at 0x8100: bad length 20"));
    assert_int_equal(info.ntables, 2);
    assert_true(info.have_madt);
}

static void test_table_list_cap(void **state)
{
    uint8_t rsdp[36];
    uint32_t ents[40];
    unsigned i;

    for (i = 0; i < 39; i++) {
        ents[i] = SPARE_PHYS + i * 64;
        sdt_hdr(&mem[ents[i]], "SSDT", HDR_LEN, 2);
        sdt_seal(&mem[ents[i]]);
    }
    /* Past the recording limit, but still parsed. */
    ents[39] = MADT_PHYS;
    madt_basic(&mem[MADT_PHYS], 0xfee00000);
    rsdt_build(RSDT_PHYS, ents, 40);
    rsdp_build(rsdp, 0, RSDT_PHYS, 0);

    assert_int_equal(acpi_parse(rsdp, 20, fake_map, NULL, &info), 0);
    assert_int_equal(info.ntables, ACPI_MAX_TABLES);
    assert_int_equal(info.tables[31].phys, SPARE_PHYS + 30 * 64);
    assert_true(host_log_contains("acpi: 9 tables beyond the limit of 32"));
    assert_int_equal(log_count("tables beyond"), 1);
    assert_true(info.have_madt);
}

/* ------------------------------------------------------------ MADT */

static void test_madt_entries(void **state)
{
    static uint8_t t[512];
    struct madt_b b = madt_begin(t, 5, 0xfee00000, 1);
    uint32_t len;

    madt_lapic(&b, 0, 0, 1);
    madt_lapic(&b, 1, 1, 0); /* disabled, not online capable: gone */
    madt_lapic(&b, 2, 4, 2); /* online capable: kept, not enabled */
    madt_x2apic(&b, 0x100, 7, 1);
    madt_x2apic(&b, 0x101, 8, 0);
    madt_ioapic(&b, 9, 0xfec00000, 0);
    madt_ioapic(&b, 10, 0xfec01000, 24);
    madt_iso(&b, 0, 2, 0);
    madt_iso(&b, 9, 9, 0xd); /* level, active high */
    madt_nmi(&b, 0xff, 5, 1);
    madt_x2nmi(&b, 0xf, 7, 0);
    madt_override(&b, 0x1fee00000ull);
    madt_add(&b, 0x7f, 6); /* unknown type: skipped */
    len = madt_end(&b);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_madt(t, len, &info), 0);
    assert_true(info.have_madt);
    assert_true(info.pcat_compat);
    assert_int_equal(info.lapic_addr, 0x1fee00000ull);

    assert_int_equal(info.ncpus, 3);
    assert_int_equal(info.cpus[0].apic_id, 0);
    assert_true(info.cpus[0].enabled);
    assert_false(info.cpus[0].x2apic_entry);
    assert_int_equal(info.cpus[1].apic_id, 4);
    assert_int_equal(info.cpus[1].uid, 2);
    assert_false(info.cpus[1].enabled);
    assert_true(info.cpus[1].online_capable);
    assert_int_equal(info.cpus[2].apic_id, 0x100);
    assert_int_equal(info.cpus[2].uid, 7);
    assert_true(info.cpus[2].enabled);
    assert_true(info.cpus[2].x2apic_entry);

    assert_int_equal(info.nioapics, 2);
    assert_int_equal(info.ioapics[1].id, 10);
    assert_int_equal(info.ioapics[1].addr, 0xfec01000);
    assert_int_equal(info.ioapics[1].gsi_base, 24);

    assert_int_equal(info.nisos, 2);
    assert_int_equal(info.isos[0].bus_irq, 0);
    assert_int_equal(info.isos[0].gsi, 2);
    assert_int_equal(info.isos[1].bus_irq, 9);
    assert_int_equal(info.isos[1].flags, 0xd);

    assert_int_equal(info.nnmis, 2);
    assert_int_equal(info.nmis[0].uid, 0xffffffff);
    assert_int_equal(info.nmis[0].lint, 1);
    assert_int_equal(info.nmis[0].flags, 5);
    assert_int_equal(info.nmis[1].uid, 7);
    assert_int_equal(info.nmis[1].lint, 0);
    assert_int_equal(info.nmis[1].flags, 0xf);
    assert_string_equal(host_log(), "");
}

/* Before MADT revision 5 bit 1 was reserved, so it must not keep a CPU. */
static void test_madt_online_capable_needs_rev5(void **state)
{
    static uint8_t t[128];
    struct madt_b b = madt_begin(t, 4, 0xfee00000, 0);
    uint32_t len;

    madt_lapic(&b, 0, 0, 1);
    madt_lapic(&b, 1, 1, 2);
    madt_x2apic(&b, 0x200, 2, 3);
    len = madt_end(&b);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_madt(t, len, &info), 0);
    assert_false(info.pcat_compat);
    assert_int_equal(info.ncpus, 2);
    assert_int_equal(info.cpus[1].apic_id, 0x200);
    assert_true(info.cpus[1].enabled);
    assert_false(info.cpus[1].online_capable);
}

static void test_madt_duplicate_apic_id(void **state)
{
    static uint8_t t[128];
    struct madt_b b = madt_begin(t, 5, 0xfee00000, 1);
    uint32_t len;

    madt_lapic(&b, 0, 3, 1);
    madt_lapic(&b, 1, 0xff, 0); /* disabled placeholder, no warning */
    madt_lapic(&b, 2, 0xff, 0);
    madt_x2apic(&b, 3, 9, 1); /* same CPU listed again as x2APIC */
    madt_lapic(&b, 4, 5, 1);
    len = madt_end(&b);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_madt(t, len, &info), 0);
    assert_int_equal(info.ncpus, 2);
    assert_int_equal(info.cpus[0].apic_id, 3);
    assert_int_equal(info.cpus[0].uid, 0);
    assert_int_equal(info.cpus[1].apic_id, 5);
    assert_true(host_log_contains("acpi: APIC: duplicate APIC ID 3"));
    assert_int_equal(log_count("duplicate"), 1);
}

static void test_madt_bad_checksum(void **state)
{
    uint8_t rsdp[36];

    platform_build(rsdp);
    mem[MADT_PHYS + MADT_HDR_LEN + 3] = 9; /* an APIC ID, after sealing */
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), 0);
    assert_false(info.have_madt);
    assert_int_equal(info.ncpus, 0);
    assert_true(host_log_contains("acpi: APIC at 0x3000: bad checksum"));
    assert_non_null(find_table("APIC"));
    assert_false(find_table("APIC")->checksum_ok);
    assert_true(info.have_fadt);

    /* Standalone parsing rejects it too. */
    assert_int_equal(acpi_parse_madt(&mem[MADT_PHYS], 72, &info), -EBADMSG);
}

static void test_madt_entry_past_end(void **state)
{
    static uint8_t t[128];
    struct madt_b b = madt_begin(t, 5, 0xfee00000, 1);
    uint8_t *e;
    uint32_t len;

    madt_lapic(&b, 0, 0, 1);
    madt_ioapic(&b, 1, 0xfec00000, 0);
    e = madt_add(&b, 0, 8);
    len = madt_end(&b);
    e[1] = 40; /* runs 32 bytes past the table */
    sdt_seal(t);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_madt(t, len, &info), 0);
    assert_int_equal(info.ncpus, 1);
    assert_int_equal(info.nioapics, 1);
    assert_true(host_log_contains("entry at offset 64 has bad length 40"));
}

static void test_madt_zero_length_entry(void **state)
{
    static uint8_t t[128];
    struct madt_b b = madt_begin(t, 5, 0xfee00000, 1);
    uint8_t *e;
    uint32_t len;

    madt_lapic(&b, 0, 0, 1);
    e = madt_add(&b, 1, 12);
    madt_lapic(&b, 1, 1, 1);
    len = madt_end(&b);
    e[1] = 0; /* would loop forever if trusted */
    sdt_seal(t);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_madt(t, len, &info), 0);
    assert_int_equal(info.ncpus, 1);
    assert_int_equal(info.nioapics, 0);
    assert_true(host_log_contains("entry at offset 52 has bad length 0"));
}

static void test_madt_short_entry_skipped(void **state)
{
    static uint8_t t[128];
    struct madt_b b = madt_begin(t, 5, 0xfee00000, 1);
    uint32_t len;

    madt_add(&b, 1, 6)[2] = 7; /* I/O APIC entry cut to 6 bytes */
    madt_add(&b, 9, 8);        /* x2APIC entry cut to 8 bytes */
    madt_lapic(&b, 0, 0, 1);
    len = madt_end(&b);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_madt(t, len, &info), 0);
    assert_int_equal(info.nioapics, 0);
    assert_int_equal(info.ncpus, 1);
    assert_true(host_log_contains("type 1 entry at offset 44 too short"));
    assert_true(host_log_contains("type 9 entry at offset 50 too short"));
}

static void test_madt_caps(void **state)
{
    static uint8_t t[MADT_HDR_LEN + 300 * 16 + 20 * 12];
    struct madt_b b = madt_begin(t, 5, 0xfee00000, 1);
    uint32_t i, len;

    for (i = 0; i < 300; i++)
        madt_x2apic(&b, i, i, 1);
    for (i = 0; i < 10; i++)
        madt_ioapic(&b, i, 0xfec00000 + i * 0x1000, i * 24);
    len = madt_end(&b);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_madt(t, len, &info), 0);
    assert_int_equal(info.ncpus, ACPI_MAX_CPUS);
    assert_int_equal(info.cpus[255].apic_id, 255);
    assert_int_equal(info.nioapics, ACPI_MAX_IOAPICS);
    assert_true(host_log_contains("44 CPU entries beyond the limit of 256"));
    assert_true(host_log_contains("2 I/O APIC entries beyond the limit of 8"));
    assert_int_equal(log_count("beyond the limit"), 2);
}

static void test_madt_too_short(void **state)
{
    static uint8_t t[64];
    struct madt_b b = madt_begin(t, 5, 0xfee00000, 1);

    madt_end(&b);
    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_madt(t, 40, &info), -EINVAL);
    w32(t + 4, 40); /* header says 40: shorter than the MADT's fixed part */
    sdt_seal(t);
    assert_int_equal(acpi_parse_madt(t, 64, &info), -EINVAL);
    memcpy(t, "APIX", 4);
    assert_int_equal(acpi_parse_madt(t, 64, &info), -EINVAL);
    assert_false(info.have_madt);
}

/* ------------------------------------------------------------ FADT */

static void test_fadt_rev1_short(void **state)
{
    static uint8_t t[FADT_V6_LEN];

    /* Bytes past the 116-byte table hold a plausible reset register. */
    memset(t, 0, sizeof(t));
    gas(t + 116, 1, 8, 0xcf9);
    t[128] = 6;
    fadt_begin(t, FADT_V1_LEN, 1, F_TMR_VAL_EXT | F_RESET_REG_SUP);
    w32(t + 40, DSDT_PHYS);
    w16(t + 46, 9);
    w32(t + 48, 0xb2);
    w32(t + 64, 0x404);
    w32(t + 76, 0x408);
    sdt_seal(t);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_fadt(t, FADT_V1_LEN, NULL, NULL, &info), 0);
    assert_true(info.have_fadt);
    assert_false(info.hw_reduced);
    assert_int_equal(info.sci_irq, 9);
    assert_int_equal(info.smi_cmd, 0xb2);
    assert_int_equal(info.pm1a_cnt, 0x404);
    assert_int_equal(info.pm1b_cnt, 0);
    assert_int_equal(info.pm_tmr_blk, 0x408);
    assert_true(info.pm_tmr_32bit);
    assert_int_equal(info.dsdt, DSDT_PHYS);
    assert_false(info.reset_supported);
    assert_int_equal(info.reset_reg.address, 0);
    assert_int_equal(info.reset_value, 0);

    /* Long enough, but revision 1 has no RESET_REG at 116. */
    w32(t + 4, 132);
    sdt_seal(t);
    assert_int_equal(acpi_parse_fadt(t, 132, NULL, NULL, &info), 0);
    assert_false(info.reset_supported);
    assert_int_equal(info.reset_reg.address, 0);
}

/* A table cut short mid-layout: only whole fields inside it are read. */
static void test_fadt_truncated(void **state)
{
    static uint8_t t[FADT_V6_LEN];

    fadt_begin(t, FADT_V1_LEN, 1, F_TMR_VAL_EXT);
    w32(t + 40, DSDT_PHYS);
    w16(t + 46, 9);
    w32(t + 48, 0xb2);
    w32(t + 64, 0x404);
    w32(t + 4, 50); /* SMI_CMD (48..51) straddles the end */
    sdt_seal(t);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_fadt(t, FADT_V1_LEN, NULL, NULL, &info), 0);
    assert_int_equal(info.dsdt, DSDT_PHYS);
    assert_int_equal(info.sci_irq, 9);
    assert_int_equal(info.smi_cmd, 0);
    assert_int_equal(info.pm1a_cnt, 0);
    assert_false(info.pm_tmr_32bit);

    /* Shorter than a header, or claiming more than was mapped. */
    assert_int_equal(acpi_parse_fadt(t, 30, NULL, NULL, &info), -EINVAL);
    w32(t + 4, 200);
    sdt_seal(t);
    assert_int_equal(acpi_parse_fadt(t, FADT_V1_LEN, NULL, NULL, &info), -EINVAL);
}

static void test_fadt_rev6_x_blocks_and_reset(void **state)
{
    static uint8_t t[FADT_V6_LEN];

    fadt_begin(t, FADT_V6_LEN, 6, F_RESET_REG_SUP);
    w32(t + 40, DSDT_PHYS);
    w16(t + 46, 9);
    w32(t + 64, 0x404);
    w32(t + 68, 0x4404);
    w32(t + 76, 0x408);
    gas(t + 116, 1, 8, 0xcf9);
    t[128] = 6;
    gas(t + 172, 1, 16, 0x604);   /* I/O: wins over 0x404 */
    gas(t + 184, 0, 16, 0x800);   /* MMIO: no port, 32-bit field used */
    gas(t + 208, 1, 32, 0x10000); /* past the I/O space: same */
    sdt_seal(t);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_fadt(t, FADT_V6_LEN, NULL, NULL, &info), 0);
    assert_int_equal(info.pm1a_cnt, 0x604);
    assert_int_equal(info.pm1b_cnt, 0x4404);
    assert_int_equal(info.pm_tmr_blk, 0x408);
    assert_false(info.pm_tmr_32bit);
    assert_true(info.reset_supported);
    assert_int_equal(info.reset_reg.space_id, 1);
    assert_int_equal(info.reset_reg.bit_width, 8);
    assert_int_equal(info.reset_reg.address, 0xcf9);
    assert_int_equal(info.reset_value, 6);
    assert_int_equal(info.dsdt, DSDT_PHYS);
    assert_false(info.have_s5);

    /* A zero X_PM1a_CNT_BLK leaves the 32-bit one in charge. */
    gas(t + 172, 1, 16, 0);
    sdt_seal(t);
    assert_int_equal(acpi_parse_fadt(t, FADT_V6_LEN, NULL, NULL, &info), 0);
    assert_int_equal(info.pm1a_cnt, 0x404);
}

static void test_fadt_reset_reg_unusable(void **state)
{
    static uint8_t t[FADT_V6_LEN];

    memset(&info, 0, sizeof(info));
    /* Flag set, address zero. */
    fadt_begin(t, FADT_V6_LEN, 6, F_RESET_REG_SUP);
    gas(t + 116, 1, 8, 0);
    sdt_seal(t);
    assert_int_equal(acpi_parse_fadt(t, FADT_V6_LEN, NULL, NULL, &info), 0);
    assert_false(info.reset_supported);

    /* Flag set, PCI configuration space. */
    gas(t + 116, 2, 8, 0x0000000100000cf9ull);
    sdt_seal(t);
    assert_int_equal(acpi_parse_fadt(t, FADT_V6_LEN, NULL, NULL, &info), 0);
    assert_false(info.reset_supported);
    assert_int_equal(info.reset_reg.space_id, 2);

    /* Good register, flag clear. */
    fadt_begin(t, FADT_V6_LEN, 6, 0);
    gas(t + 116, 1, 8, 0xcf9);
    sdt_seal(t);
    assert_int_equal(acpi_parse_fadt(t, FADT_V6_LEN, NULL, NULL, &info), 0);
    assert_false(info.reset_supported);
    assert_int_equal(info.reset_reg.address, 0xcf9);
}

static void test_fadt_hw_reduced(void **state)
{
    static uint8_t t[FADT_V6_LEN];

    fadt_begin(t, FADT_V6_LEN, 6, F_HW_REDUCED | F_RESET_REG_SUP | F_TMR_VAL_EXT);
    w16(t + 46, 9);
    w32(t + 64, 0x404);
    w32(t + 76, 0x408);
    gas(t + 116, 0, 8, 0xfed00100);
    t[128] = 1;
    sdt_seal(t);

    memset(&info, 0, sizeof(info));
    assert_int_equal(acpi_parse_fadt(t, FADT_V6_LEN, NULL, NULL, &info), 0);
    assert_true(info.hw_reduced);
    assert_int_equal(info.sci_irq, 0);
    assert_int_equal(info.pm1a_cnt, 0);
    assert_int_equal(info.pm_tmr_blk, 0);
    assert_false(info.pm_tmr_32bit);
    assert_true(info.reset_supported);
    assert_int_equal(info.reset_reg.space_id, 0);
    assert_int_equal(info.reset_reg.address, 0xfed00100);
    assert_int_equal(info.reset_value, 1);
}

static void test_fadt_x_dsdt_preferred(void **state)
{
    uint8_t rsdp[36];
    uint8_t *f = &mem[FADT_PHYS];

    platform_build(rsdp);
    w32(f + 40, UNMAPPED);
    w64(f + 140, HIGH_BASE + DSDT_PHYS);
    sdt_seal(f);

    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), 0);
    assert_true(info.have_fadt);
    assert_int_equal(info.dsdt, HIGH_BASE + DSDT_PHYS);
    assert_non_null(find_table("DSDT"));
    assert_int_equal(find_table("DSDT")->phys, HIGH_BASE + DSDT_PHYS);
    assert_true(find_table("DSDT")->checksum_ok);
    assert_true(info.have_s5);
    assert_int_equal(info.s5_typ_a, 5);
    assert_int_equal(info.s5_typ_b, 5);
    assert_true(info.reset_supported);
    assert_int_equal(info.reset_value, 6);
}

static void test_fadt_dsdt_bad(void **state)
{
    uint8_t rsdp[36];

    platform_build(rsdp);
    mem[DSDT_PHYS + HDR_LEN + 13] = 3; /* S5 type A, after sealing */
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), 0);
    assert_true(info.have_fadt);
    assert_false(info.have_s5);
    assert_true(host_log_contains("acpi: DSDT at 0x5000: bad checksum"));
    assert_false(find_table("DSDT")->checksum_ok);

    /* DSDT pointer outside memory. */
    host_log_clear();
    w32(&mem[FADT_PHYS + 40], UNMAPPED);
    sdt_seal(&mem[FADT_PHYS]);
    assert_int_equal(acpi_parse(rsdp, 36, fake_map, NULL, &info), 0);
    assert_true(info.have_fadt);
    assert_false(info.have_s5);
    assert_true(host_log_contains("DSDT at 0x7fff0000: not mappable"));
    assert_null(find_table("DSDT"));
}

/* ------------------------------------------------------------ \_S5 */

static int s5_parse(const uint8_t *aml, size_t n)
{
    static uint8_t t[HDR_LEN + 256];
    uint32_t len = dsdt_build(t, aml, n);

    memset(&info, 0, sizeof(info));
    return acpi_find_s5(t, len, &info);
}

static void test_s5_byteconst(void **state)
{
    assert_int_equal(s5_parse(s5_aml, sizeof(s5_aml)), 0);
    assert_true(info.have_s5);
    assert_int_equal(info.s5_typ_a, 5);
    assert_int_equal(info.s5_typ_b, 5);
}

static void test_s5_zero_one_root_prefix(void **state)
{
    /* Name (\_S5, Package () { Zero, One, Zero, Zero }) */
    static const uint8_t aml[] = {0x08, '\\', '_',  'S',  '5',  '_', 0x12,
                                  0x06, 0x04, 0x00, 0x01, 0x00, 0x00};

    assert_int_equal(s5_parse(aml, sizeof(aml)), 0);
    assert_int_equal(info.s5_typ_a, 0);
    assert_int_equal(info.s5_typ_b, 1);
}

static void test_s5_bare_bytes(void **state)
{
    static const uint8_t aml[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x07, 0x03};

    assert_int_equal(s5_parse(aml, sizeof(aml)), 0);
    assert_int_equal(info.s5_typ_a, 7);
    assert_int_equal(info.s5_typ_b, 3);
}

/* Two-byte PkgLength (0x41 0x04 = 65) and a WordConst element. */
static void test_s5_long_pkglen(void **state)
{
    uint8_t aml[80] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x41,
                       0x04, 0x02, 0x0a, 0x06, 0x0b, 0x02, 0x00};

    assert_int_equal(s5_parse(aml, 6 + 65), 0);
    assert_int_equal(info.s5_typ_a, 6);
    assert_int_equal(info.s5_typ_b, 2);

    /* The same package cut short of its PkgLength. */
    assert_int_equal(s5_parse(aml, 6 + 64), -EINVAL);
    assert_false(info.have_s5);
}

static void test_s5_truncated(void **state)
{
    static const uint8_t aml[] = {0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a};
    size_t n;

    /* Every prefix of the package must fail cleanly, none read past it. */
    for (n = 5; n <= sizeof(aml); n++) {
        host_log_clear();
        assert_int_equal(s5_parse(aml, n), -EINVAL);
        assert_false(info.have_s5);
        assert_true(host_log_contains("acpi: DSDT: malformed \\_S5 package"));
    }
}

static void test_s5_bad_package(void **state)
{
    /* One element only. */
    static const uint8_t one[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x05};
    /* An integer, not a package. */
    static const uint8_t integer[] = {0x08, '_', 'S', '5', '_', 0x0a, 0x05};
    /* PkgLength shorter than its own encoding. */
    static const uint8_t tiny[] = {0x08, '_', 'S', '5', '_', 0x12, 0x41, 0x00, 0x02, 0x01, 0x01};

    assert_int_equal(s5_parse(one, sizeof(one)), -EINVAL);
    assert_int_equal(s5_parse(integer, sizeof(integer)), -EINVAL);
    assert_int_equal(s5_parse(tiny, sizeof(tiny)), -EINVAL);
    assert_false(info.have_s5);
}

static void test_s5_skips_non_name(void **state)
{
    static const uint8_t aml[] = {
        0x0d, '_',  'S', '5', '_', 0x00,       /* String "_S5_" */
        0x70, 0x5c, '_', 'S', '5', '_',  0x60, /* Store (\_S5, Local0) */
        0x08, '_',  'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x04,
    };

    assert_int_equal(s5_parse(aml, sizeof(aml)), 0);
    assert_int_equal(info.s5_typ_a, 1);
    assert_int_equal(info.s5_typ_b, 4);
}

static void test_s5_missing(void **state)
{
    static const uint8_t aml[] = {0x08, '_', 'S', '3', '_', 0x12, 0x04, 0x02, 0x01, 0x01};
    static uint8_t t[HDR_LEN];

    assert_int_equal(s5_parse(aml, sizeof(aml)), -ENOENT);
    assert_false(info.have_s5);
    assert_string_equal(host_log(), "");
    /* "_S5_" in the header's OEM table ID is not AML. */
    sdt_hdr(t, "DSDT", HDR_LEN, 2);
    memcpy(t + 16, "\x08_S5_\x12\x04\x02", 8);
    assert_int_equal(acpi_find_s5(t, HDR_LEN, &info), -ENOENT);
    assert_int_equal(acpi_find_s5(t, 10, &info), -EINVAL);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_checksum_ok),
        T(test_rsdp_v0_uses_rsdt),
        T(test_rsdp_v2_prefers_xsdt),
        T(test_rsdp_bad_checksum),
        T(test_rsdp_bad_ext_checksum),
        T(test_rsdp_bad_signature_and_length),
        T(test_rsdp_v2_short_copy_uses_rsdt),
        T(test_xsdt_bad_checksum_falls_back),
        T(test_xsdt_unusable_falls_back),
        T(test_root_unusable),
        T(test_table_pointers_unmapped),
        T(test_table_bad_length),
        T(test_table_list_cap),
        T(test_madt_entries),
        T(test_madt_online_capable_needs_rev5),
        T(test_madt_duplicate_apic_id),
        T(test_madt_bad_checksum),
        T(test_madt_entry_past_end),
        T(test_madt_zero_length_entry),
        T(test_madt_short_entry_skipped),
        T(test_madt_caps),
        T(test_madt_too_short),
        T(test_fadt_rev1_short),
        T(test_fadt_truncated),
        T(test_fadt_rev6_x_blocks_and_reset),
        T(test_fadt_reset_reg_unusable),
        T(test_fadt_hw_reduced),
        T(test_fadt_x_dsdt_preferred),
        T(test_fadt_dsdt_bad),
        T(test_s5_byteconst),
        T(test_s5_zero_one_root_prefix),
        T(test_s5_bare_bytes),
        T(test_s5_long_pkglen),
        T(test_s5_truncated),
        T(test_s5_bad_package),
        T(test_s5_skips_non_name),
        T(test_s5_missing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
