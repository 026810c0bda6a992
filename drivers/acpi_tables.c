/* SPDX-License-Identifier: MIT */
/*
 * ACPI table parser (ACPI 6.5, 5.2). Firmware tables are input, not truth:
 * every length is checked against what was mapped, a bad table is skipped
 * with a warning, and nothing in them can make us read out of bounds.
 *
 * The map callback's pointer is only assumed valid until the next call, so
 * each table is used up before anything else is mapped.
 */
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/log.h"
#include "drivers/acpi_tables.h"

/* Far above any real DSDT; keeps a garbage length from mapping gigabytes. */
#define ACPI_TABLE_MAX_LEN MiB(1)

/* Root System Description Pointer, 5.2.5.3. */
struct rsdp {
    char sig[8];
    uint8_t checksum; /* over the first 20 bytes (ACPI 1.0 part) */
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt;
    /* revision >= 2 */
    uint32_t length;
    uint64_t xsdt;
    uint8_t ext_checksum; /* over length bytes */
    uint8_t reserved[3];
} __packed;

#define RSDP_V1_LEN 20

/* System Description Table header, 5.2.6. */
struct sdt_hdr {
    char sig[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __packed;

_Static_assert(sizeof(struct rsdp) == 36, "RSDP layout");
_Static_assert(sizeof(struct sdt_hdr) == 36, "SDT header layout");

/* MADT, 5.2.12: header, then variable-length interrupt controller entries. */
struct madt_hdr {
    struct sdt_hdr h;
    uint32_t lapic_addr;
    uint32_t flags;
} __packed;

#define MADT_PCAT_COMPAT (1u << 0)

struct madt_entry {
    uint8_t type;
    uint8_t length;
} __packed;

enum {
    MADT_LAPIC = 0,
    MADT_IOAPIC = 1,
    MADT_ISO = 2,
    MADT_LAPIC_NMI = 4,
    MADT_LAPIC_OVERRIDE = 5,
    MADT_X2APIC = 9,
    MADT_X2APIC_NMI = 0xa,
};

/* Local APIC flags, 5.2.12.2 table 5.23. */
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

/* Online Capable was reserved before MADT revision 5 (ACPI 6.3). */
#define MADT_REV_ONLINE_CAPABLE 5

struct madt_lapic { /* 5.2.12.2 */
    struct madt_entry e;
    uint8_t uid;
    uint8_t apic_id;
    uint32_t flags;
} __packed;

struct madt_ioapic { /* 5.2.12.3 */
    struct madt_entry e;
    uint8_t id;
    uint8_t reserved;
    uint32_t addr;
    uint32_t gsi_base;
} __packed;

struct madt_iso { /* 5.2.12.5 */
    struct madt_entry e;
    uint8_t bus; /* always 0, ISA */
    uint8_t source;
    uint32_t gsi;
    uint16_t flags;
} __packed;

struct madt_lapic_nmi { /* 5.2.12.7 */
    struct madt_entry e;
    uint8_t uid;
    uint16_t flags;
    uint8_t lint;
} __packed;

struct madt_lapic_override { /* 5.2.12.8 */
    struct madt_entry e;
    uint16_t reserved;
    uint64_t addr;
} __packed;

struct madt_x2apic { /* 5.2.12.12 */
    struct madt_entry e;
    uint16_t reserved;
    uint32_t apic_id;
    uint32_t flags;
    uint32_t uid;
} __packed;

struct madt_x2apic_nmi { /* 5.2.12.13 */
    struct madt_entry e;
    uint16_t flags;
    uint32_t uid;
    uint8_t lint;
    uint8_t reserved[3];
} __packed;

#define ACPI_UID_ALL 0xffffffffu
#define ACPI_XAPIC_UID_ALL 0xff

/* FADT field offsets, 5.2.9 table 5.9. Older revisions stop earlier. */
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_SMI_CMD 48
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM1B_CNT_BLK 68
#define FADT_PM_TMR_BLK 76
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM1B_CNT_BLK 184
#define FADT_X_PM_TMR_BLK 208

/* FADT fixed feature flags, 5.2.9.3 table 5.10. */
#define FADT_F_TMR_VAL_EXT (1u << 8)
#define FADT_F_RESET_REG_SUP (1u << 10)
#define FADT_F_HW_REDUCED_ACPI (1u << 20)

/* RESET_REG appeared in FADT revision 2 (ACPI 1.0b). */
#define FADT_REV_RESET_REG 2

/* Generic Address Structure, 5.2.3.2. */
#define GAS_LEN 12
#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO 1
#define IO_PORT_MAX 0xffff

/* AML encodings, ACPI 6.5 chapter 20.2. */
#define AML_ZERO_OP 0x00
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR '\\'
#define AML_PARENT_PREFIX '^'

/* Where tables come from, and how many did not fit in out->tables. */
struct mapper {
    acpi_map_fn map;
    void *ctx;
    struct acpi_info *out;
    unsigned dropped;
};

struct table {
    const uint8_t *p;
    uint32_t len;
    char sig[5];
};

/* MADT overflow counts, so each cap is reported once per table. */
struct madt_state {
    struct acpi_info *out;
    bool online_capable_valid;
    unsigned dropped_cpus;
    unsigned dropped_ioapics;
    unsigned dropped_isos;
    unsigned dropped_nmis;
};

bool acpi_checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    size_t i;

    for (i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

/* Signatures go into log lines: keep a corrupt one printable. */
static void sig_str(char out[5], const char *sig)
{
    int i;

    for (i = 0; i < 4; i++) {
        char c = sig[i];

        out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    out[4] = 0;
}

/*
 * Little-endian field of size bytes at off, or 0 when the table is too short
 * to hold it: fields newer than the table's revision read as "absent".
 */
static uint64_t field(const uint8_t *t, size_t len, size_t off, size_t size)
{
    uint64_t v = 0;

    if (off + size > len)
        return 0;
    memcpy(&v, t + off, size); /* x86 and ACPI agree on byte order */
    return v;
}

static bool read_gas(const uint8_t *t, size_t len, size_t off, struct acpi_gas *g)
{
    if (off + GAS_LEN > len)
        return false;
    g->space_id = t[off];
    g->bit_width = t[off + 1];
    g->bit_offset = t[off + 2];
    g->access_size = t[off + 3];
    memcpy(&g->address, t + off + 4, sizeof(g->address));
    return true;
}

/*
 * Header checks for the standalone parsers, which may be handed any
 * mapping: len is what can be read, the header's length what we use.
 */
static int check_sdt(const void *p, size_t len, const char *sig, size_t min, uint32_t *tlen)
{
    const struct sdt_hdr *h = p;

    if (!p || len < min) {
        pr_warn("acpi: %s: table too short (%zu bytes)", sig, len);
        return -EINVAL;
    }
    if (memcmp(h->sig, sig, 4)) {
        pr_warn("acpi: %s: wrong signature", sig);
        return -EINVAL;
    }
    if (h->length < min || h->length > len) {
        pr_warn("acpi: %s: length %u out of range", sig, h->length);
        return -EINVAL;
    }
    if (!acpi_checksum_ok(p, h->length)) {
        pr_warn("acpi: %s: bad checksum", sig);
        return -EBADMSG;
    }
    *tlen = h->length;
    return 0;
}

/* ---------------------------------------------------------------- MADT */

static bool cpu_known(const struct acpi_info *out, uint32_t apic_id)
{
    unsigned i;

    for (i = 0; i < out->ncpus; i++)
        if (out->cpus[i].apic_id == apic_id)
            return true;
    return false;
}

static void madt_add_cpu(struct madt_state *st, uint32_t apic_id, uint32_t uid, uint32_t flags,
                         bool x2apic)
{
    struct acpi_info *out = st->out;
    struct acpi_cpu *c;

    if (!st->online_capable_valid)
        flags &= ~MADT_CPU_ONLINE_CAPABLE;
    /* Neither bit: the firmware says this CPU can never be used. */
    if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
        return;
    if (cpu_known(out, apic_id)) {
        pr_warn("acpi: APIC: duplicate APIC ID %u, entry skipped", apic_id);
        return;
    }
    if (out->ncpus == ACPI_MAX_CPUS) {
        st->dropped_cpus++;
        return;
    }
    c = &out->cpus[out->ncpus++];
    c->apic_id = apic_id;
    c->uid = uid;
    c->enabled = flags & MADT_CPU_ENABLED;
    c->online_capable = flags & MADT_CPU_ONLINE_CAPABLE;
    c->x2apic_entry = x2apic;
}

static void madt_add_ioapic(struct madt_state *st, const struct madt_ioapic *e)
{
    struct acpi_info *out = st->out;
    struct acpi_ioapic *io;

    if (out->nioapics == ACPI_MAX_IOAPICS) {
        st->dropped_ioapics++;
        return;
    }
    io = &out->ioapics[out->nioapics++];
    io->id = e->id;
    io->addr = e->addr;
    io->gsi_base = e->gsi_base;
}

static void madt_add_iso(struct madt_state *st, const struct madt_iso *e)
{
    struct acpi_info *out = st->out;
    struct acpi_iso *iso;

    if (out->nisos == ACPI_MAX_ISOS) {
        st->dropped_isos++;
        return;
    }
    iso = &out->isos[out->nisos++];
    iso->bus_irq = e->source;
    iso->gsi = e->gsi;
    iso->flags = e->flags;
}

static void madt_add_nmi(struct madt_state *st, uint32_t uid, uint8_t lint, uint16_t flags)
{
    struct acpi_info *out = st->out;
    struct acpi_lapic_nmi *nmi;

    if (out->nnmis == ACPI_MAX_NMIS) {
        st->dropped_nmis++;
        return;
    }
    nmi = &out->nmis[out->nnmis++];
    nmi->uid = uid;
    nmi->lint = lint;
    nmi->flags = flags;
}

/* The xAPIC NMI entry's "all CPUs" is 0xFF; give users one value to test. */
static void madt_lapic_nmi(struct madt_state *st, const struct madt_lapic_nmi *e)
{
    uint32_t uid = e->uid == ACPI_XAPIC_UID_ALL ? ACPI_UID_ALL : e->uid;

    madt_add_nmi(st, uid, e->lint, e->flags);
}

static void madt_entry(struct madt_state *st, const struct madt_entry *e)
{
    const struct madt_lapic *la = (const void *)e;
    const struct madt_x2apic *x2 = (const void *)e;
    const struct madt_x2apic_nmi *x2nmi = (const void *)e;

    switch (e->type) {
    case MADT_LAPIC:
        madt_add_cpu(st, la->apic_id, la->uid, la->flags, false);
        break;
    case MADT_X2APIC:
        madt_add_cpu(st, x2->apic_id, x2->uid, x2->flags, true);
        break;
    case MADT_IOAPIC:
        madt_add_ioapic(st, (const void *)e);
        break;
    case MADT_ISO:
        madt_add_iso(st, (const void *)e);
        break;
    case MADT_LAPIC_NMI:
        madt_lapic_nmi(st, (const void *)e);
        break;
    case MADT_X2APIC_NMI:
        madt_add_nmi(st, x2nmi->uid, x2nmi->lint, x2nmi->flags);
        break;
    case MADT_LAPIC_OVERRIDE:
        st->out->lapic_addr = ((const struct madt_lapic_override *)e)->addr;
        break;
    }
}

/* Shortest valid entry per type; 0 = a type we skip unread. */
static size_t madt_min_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:
        return sizeof(struct madt_lapic);
    case MADT_IOAPIC:
        return sizeof(struct madt_ioapic);
    case MADT_ISO:
        return sizeof(struct madt_iso);
    case MADT_LAPIC_NMI:
        return sizeof(struct madt_lapic_nmi);
    case MADT_LAPIC_OVERRIDE:
        return sizeof(struct madt_lapic_override);
    case MADT_X2APIC:
        return sizeof(struct madt_x2apic);
    case MADT_X2APIC_NMI:
        return sizeof(struct madt_x2apic_nmi);
    }
    return 0;
}

/* A bad entry length loses our place in the list, so stop there. */
static void madt_walk(struct madt_state *st, const uint8_t *t, uint32_t len)
{
    uint32_t off = sizeof(struct madt_hdr);
    const struct madt_entry *e;

    while (off + sizeof(*e) <= len) {
        e = (const void *)(t + off);
        if (e->length < sizeof(*e) || e->length > len - off) {
            pr_warn("acpi: APIC: entry at offset %u has bad length %u, rest ignored", off,
                    e->length);
            return;
        }
        if (e->length < madt_min_len(e->type))
            pr_warn("acpi: APIC: type %u entry at offset %u too short, skipped", e->type, off);
        else
            madt_entry(st, e);
        off += e->length;
    }
}

static void warn_cap(unsigned dropped, const char *what, unsigned max)
{
    if (dropped)
        pr_warn("acpi: APIC: %u %s entries beyond the limit of %u ignored", dropped, what, max);
}

int acpi_parse_madt(const void *madt, size_t len, struct acpi_info *out)
{
    const struct madt_hdr *m = madt;
    struct madt_state st = {.out = out};
    uint32_t tlen;
    int err;

    err = check_sdt(madt, len, "APIC", sizeof(*m), &tlen);
    if (err)
        return err;
    out->have_madt = true;
    out->lapic_addr = m->lapic_addr;
    out->pcat_compat = m->flags & MADT_PCAT_COMPAT;
    st.online_capable_valid = m->h.revision >= MADT_REV_ONLINE_CAPABLE;
    madt_walk(&st, madt, tlen);
    warn_cap(st.dropped_cpus, "CPU", ACPI_MAX_CPUS);
    warn_cap(st.dropped_ioapics, "I/O APIC", ACPI_MAX_IOAPICS);
    warn_cap(st.dropped_isos, "interrupt override", ACPI_MAX_ISOS);
    warn_cap(st.dropped_nmis, "NMI", ACPI_MAX_NMIS);
    return 0;
}

/* ---------------------------------------------------------------- tables */

static void record_table(struct mapper *m, const char *sig, uint64_t phys, uint32_t len, bool ok)
{
    struct acpi_info *out = m->out;
    struct acpi_table_ref *r;

    if (out->ntables == ACPI_MAX_TABLES) {
        m->dropped++;
        return;
    }
    r = &out->tables[out->ntables++];
    memcpy(r->sig, sig, sizeof(r->sig));
    r->phys = phys;
    r->len = len;
    r->checksum_ok = ok;
}

static void warn_dropped(const struct mapper *m)
{
    if (m->dropped)
        pr_warn("acpi: %u tables beyond the limit of %u not recorded", m->dropped, ACPI_MAX_TABLES);
}

/* The length comes from the table itself, so map the header alone first. */
static int table_len(struct mapper *m, uint64_t phys, const char *want, struct table *t)
{
    const struct sdt_hdr *h = m->map(phys, sizeof(*h), m->ctx);

    if (!h) {
        pr_warn("acpi: %s at %#llx: not mappable", want ? want : "table", (unsigned long long)phys);
        return -ENOENT;
    }
    sig_str(t->sig, h->sig);
    t->len = h->length;
    if (want && memcmp(t->sig, want, 4)) {
        pr_warn("acpi: %s at %#llx: found signature %s", want, (unsigned long long)phys, t->sig);
        return -EINVAL;
    }
    if (t->len < sizeof(*h) || t->len > ACPI_TABLE_MAX_LEN) {
        pr_warn("acpi: %s at %#llx: bad length %u, skipped", t->sig, (unsigned long long)phys,
                t->len);
        return -EINVAL;
    }
    return 0;
}

/* Maps, checksums and records the table at phys; want = required sig. */
static int load_table(struct mapper *m, uint64_t phys, const char *want, struct table *t)
{
    int err = table_len(m, phys, want, t);
    bool ok;

    if (err)
        return err;
    t->p = m->map(phys, t->len, m->ctx);
    if (!t->p) {
        pr_warn("acpi: %s at %#llx: %u bytes not mappable", t->sig, (unsigned long long)phys,
                t->len);
        return -ENOENT;
    }
    ok = acpi_checksum_ok(t->p, t->len);
    record_table(m, t->sig, phys, t->len, ok);
    if (!ok) {
        pr_warn("acpi: %s at %#llx: bad checksum, skipped", t->sig, (unsigned long long)phys);
        return -EBADMSG;
    }
    return 0;
}

/* ---------------------------------------------------------------- \_S5 */

/* 20.2.2: a NameString may start with '\' (root) or '^'s (parent scope). */
static bool s5_is_named(const uint8_t *t, size_t start, size_t i)
{
    while (i > start && (t[i - 1] == AML_ROOT_CHAR || t[i - 1] == AML_PARENT_PREFIX))
        i--;
    return i > start && t[i - 1] == AML_NAME_OP;
}

/*
 * 20.2.4 PkgLength: bits 7:6 of the lead byte count the bytes that follow;
 * with none, bits 5:0 are the length, else bits 3:0 are its low nibble.
 * The length includes its own encoding, so the package ends at lead + length.
 */
static int aml_pkg_len(const uint8_t *t, size_t len, size_t *off, size_t *end)
{
    size_t lead = *off, n, i;
    uint32_t pl;

    if (lead >= len)
        return -EINVAL;
    n = t[lead] >> 6;
    if (lead + 1 + n > len)
        return -EINVAL;
    pl = n ? t[lead] & 0x0f : t[lead] & 0x3f;
    for (i = 0; i < n; i++)
        pl |= (uint32_t)t[lead + 1 + i] << (4 + 8 * i);
    *off = lead + 1 + n;
    *end = lead + pl;
    return (*end > len || *end < *off) ? -EINVAL : 0;
}

static size_t aml_const_size(uint8_t op)
{
    switch (op) {
    case AML_BYTE_PREFIX:
        return 1;
    case AML_WORD_PREFIX:
        return 2;
    case AML_DWORD_PREFIX:
        return 4;
    }
    return 0;
}

/*
 * One small integer package element (20.2.3). ZeroOp (0x00) and OneOp
 * (0x01) are their own values, as is the bare byte some firmware emits;
 * SLP_TYP is 3 bits, so the low byte of a wider constant is all we need.
 */
static int aml_small_int(const uint8_t *t, size_t end, size_t *off, uint8_t *v)
{
    size_t o = *off, n;

    if (o >= end)
        return -EINVAL;
    n = aml_const_size(t[o]);
    if (n)
        o++;
    else
        n = 1;
    if (o + n > end)
        return -EINVAL;
    *v = t[o];
    *off = o + n;
    return 0;
}

/* 20.2.5.4 DefPackage := PackageOp PkgLength NumElements PackageElementList */
static int s5_decode(const uint8_t *t, size_t len, size_t off, struct acpi_info *out)
{
    size_t end;
    uint8_t a, b;

    if (off >= len || t[off] != AML_PACKAGE_OP)
        return -EINVAL;
    off++;
    if (aml_pkg_len(t, len, &off, &end))
        return -EINVAL;
    /* Sleep type A and B are the first two elements (7.4.2). */
    if (off >= end || t[off] < 2)
        return -EINVAL;
    off++;
    if (aml_small_int(t, end, &off, &a) || aml_small_int(t, end, &off, &b))
        return -EINVAL;
    out->s5_typ_a = a;
    out->s5_typ_b = b;
    out->have_s5 = true;
    return 0;
}

/*
 * No AML interpreter here: scan for "Name (_S5, Package () {...})". The
 * string can also turn up as a reference or in a string, so keep looking
 * past matches that are not a NameOp followed by a package.
 */
int acpi_find_s5(const void *aml_table, size_t len, struct acpi_info *out)
{
    const uint8_t *t = aml_table;
    size_t start = sizeof(struct sdt_hdr), i;
    char sig[5];
    int err = -ENOENT;

    if (!t || len < start)
        return -EINVAL;
    for (i = start; i + 4 <= len; i++) {
        if (memcmp(t + i, "_S5_", 4) || !s5_is_named(t, start, i))
            continue;
        err = s5_decode(t, len, i + 4, out);
        if (!err)
            return 0;
    }
    if (err == -EINVAL) {
        sig_str(sig, aml_table);
        pr_warn("acpi: %s: malformed \\_S5 package", sig);
    }
    return err;
}

/* ---------------------------------------------------------------- FADT */

/*
 * 5.2.9: a nonzero X_ block supersedes the 32-bit one, but the result is an
 * I/O port, so only an X_ block in system I/O space can be used.
 */
static uint32_t pm_port(const uint8_t *t, size_t len, size_t x_off, size_t off)
{
    struct acpi_gas g;

    if (read_gas(t, len, x_off, &g) && g.address && g.space_id == GAS_SYSTEM_IO &&
        g.address <= IO_PORT_MAX)
        return (uint32_t)g.address;
    return (uint32_t)field(t, len, off, 4);
}

/*
 * 5.2.9: with HW_REDUCED_ACPI set, OSPM ignores offsets 46-108 and 148-232
 * (SCI, SMI and the fixed hardware register blocks), so the caller only
 * calls this on full-hardware platforms.
 */
static void fadt_pm(const uint8_t *t, uint32_t len, uint32_t flags, struct acpi_info *out)
{
    out->sci_irq = field(t, len, FADT_SCI_INT, 2);
    out->smi_cmd = field(t, len, FADT_SMI_CMD, 4);
    out->pm1a_cnt = pm_port(t, len, FADT_X_PM1A_CNT_BLK, FADT_PM1A_CNT_BLK);
    out->pm1b_cnt = pm_port(t, len, FADT_X_PM1B_CNT_BLK, FADT_PM1B_CNT_BLK);
    out->pm_tmr_blk = pm_port(t, len, FADT_X_PM_TMR_BLK, FADT_PM_TMR_BLK);
    out->pm_tmr_32bit = flags & FADT_F_TMR_VAL_EXT;
}

/* Revision 1 tables end at the flags; the bytes after are not RESET_REG. */
static void fadt_reset(const uint8_t *t, uint32_t len, uint32_t flags, struct acpi_info *out)
{
    const struct acpi_gas *g = &out->reset_reg;
    uint8_t revision = ((const struct sdt_hdr *)t)->revision;

    if (revision < FADT_REV_RESET_REG || len <= FADT_RESET_VALUE)
        return;
    read_gas(t, len, FADT_RESET_REG, &out->reset_reg);
    out->reset_value = t[FADT_RESET_VALUE];
    out->reset_supported = (flags & FADT_F_RESET_REG_SUP) && g->address &&
                           (g->space_id == GAS_SYSTEM_IO || g->space_id == GAS_SYSTEM_MEMORY);
}

static void load_dsdt(acpi_map_fn map, void *ctx, struct acpi_info *out)
{
    struct mapper m = {.map = map, .ctx = ctx, .out = out};
    struct table t;
    int err;

    err = load_table(&m, out->dsdt, "DSDT", &t);
    warn_dropped(&m);
    if (!err)
        acpi_find_s5(t.p, t.len, out);
}

int acpi_parse_fadt(const void *fadt, size_t len, acpi_map_fn map, void *ctx, struct acpi_info *out)
{
    const uint8_t *t = fadt;
    uint32_t tlen, flags;
    int err;

    err = check_sdt(fadt, len, "FACP", sizeof(struct sdt_hdr), &tlen);
    if (err)
        return err;
    flags = field(t, tlen, FADT_FLAGS, 4);
    out->have_fadt = true;
    out->hw_reduced = flags & FADT_F_HW_REDUCED_ACPI;
    if (!out->hw_reduced)
        fadt_pm(t, tlen, flags, out);
    fadt_reset(t, tlen, flags, out);
    /* 5.2.9: a nonzero X_DSDT means the 32-bit DSDT must be ignored. */
    out->dsdt = field(t, tlen, FADT_X_DSDT, 8);
    if (!out->dsdt)
        out->dsdt = field(t, tlen, FADT_DSDT, 4);
    /* Mapping the DSDT may reuse the FADT's mapping: t is dead from here. */
    if (map && out->dsdt)
        load_dsdt(map, ctx, out);
    return 0;
}

/* ---------------------------------------------------------------- root */

static int check_rsdp_ext(const void *p, size_t len, struct rsdp *r)
{
    /* multiboot2's "old RSDP" tag copies only the ACPI 1.0 part. */
    if (len < sizeof(*r)) {
        r->xsdt = 0;
        return 0;
    }
    if (r->length < sizeof(*r) || r->length > len) {
        pr_warn("acpi: RSDP: bad length %u", r->length);
        return -EINVAL;
    }
    if (!acpi_checksum_ok(p, r->length)) {
        pr_warn("acpi: RSDP: bad extended checksum");
        return -EBADMSG;
    }
    return 0;
}

/* 5.2.5.3: revision 0 is the 20-byte ACPI 1.0 RSDP, 2 adds the XSDT. */
static int check_rsdp(const void *p, size_t len, struct rsdp *r)
{
    if (!p || len < RSDP_V1_LEN) {
        pr_warn("acpi: RSDP: too short (%zu bytes)", len);
        return -EINVAL;
    }
    memset(r, 0, sizeof(*r));
    memcpy(r, p, MIN(len, sizeof(*r)));
    if (memcmp(r->sig, "RSD PTR ", sizeof(r->sig))) {
        pr_warn("acpi: RSDP: bad signature");
        return -EINVAL;
    }
    if (!acpi_checksum_ok(p, RSDP_V1_LEN)) {
        pr_warn("acpi: RSDP: bad checksum");
        return -EBADMSG;
    }
    return r->revision >= 2 ? check_rsdp_ext(p, len, r) : 0;
}

/* Re-mapped per entry: the root's own mapping may be gone by now. */
static uint64_t root_entry(struct mapper *m, uint64_t root, uint32_t i, size_t esz)
{
    uint64_t off = sizeof(struct sdt_hdr) + (uint64_t)i * esz;
    const void *p = m->map(root + off, esz, m->ctx);
    uint64_t phys = 0;

    if (p)
        memcpy(&phys, p, esz);
    return phys;
}

static void visit_table(struct mapper *m, uint64_t phys)
{
    struct acpi_info *out = m->out;
    struct table t;

    if (!phys || load_table(m, phys, NULL, &t))
        return;
    if (!memcmp(t.sig, "APIC", 4) && !out->have_madt)
        acpi_parse_madt(t.p, t.len, out);
    else if (!memcmp(t.sig, "FACP", 4) && !out->have_fadt)
        acpi_parse_fadt(t.p, t.len, m->map, m->ctx, out);
}

/* RSDT (5.2.7) holds 32-bit table addresses, XSDT (5.2.8) 64-bit ones. */
static int walk_root(struct mapper *m, uint64_t phys, const char *sig, size_t esz)
{
    struct table t;
    uint32_t i, n;
    int err;

    err = load_table(m, phys, sig, &t);
    if (err)
        return err;
    n = (t.len - sizeof(struct sdt_hdr)) / esz;
    for (i = 0; i < n; i++)
        visit_table(m, root_entry(m, phys, i, esz));
    return 0;
}

/* 5.2.5.3: use the XSDT when there is one; the RSDT is the fallback. */
static int walk_roots(struct mapper *m, const struct rsdp *r)
{
    int err = -ENOENT;

    if (r->revision >= 2 && r->xsdt) {
        err = walk_root(m, r->xsdt, "XSDT", sizeof(uint64_t));
        if (!err) {
            m->out->used_xsdt = true;
            return 0;
        }
        pr_warn("acpi: XSDT unusable, falling back to RSDT");
    }
    if (!r->rsdt) {
        pr_warn("acpi: RSDP: no usable root table");
        return err;
    }
    return walk_root(m, r->rsdt, "RSDT", sizeof(uint32_t));
}

int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx, struct acpi_info *out)
{
    struct mapper m = {.map = map, .ctx = ctx, .out = out};
    struct rsdp r;
    int err;

    if (!out || !map)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    err = check_rsdp(rsdp, rsdp_len, &r);
    if (err)
        return err;
    out->rsdp_revision = r.revision;
    memcpy(out->oem_id, r.oem_id, sizeof(r.oem_id));
    err = walk_roots(&m, &r);
    warn_dropped(&m);
    return err;
}
