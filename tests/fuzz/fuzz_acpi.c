/* fuzz-srcs: drivers/acpi_tables.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * ACPI table parser. The input is a small physical memory image starting at
 * address 0 with the RSDP at offset 0. The map callback hands out a fresh
 * heap copy of exactly the bytes asked for and frees it at the next call, so
 * AddressSanitizer catches both a read past what was mapped and the use of
 * a mapping the parser was told is gone.
 *
 * Random mutations almost never keep a checksum right, so every input runs
 * twice: as it is, and with each checksum fixed up as it is mapped.
 */
#include <string.h>
#include "drivers/acpi_tables.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define SDT_HDR_LEN 36
#define SDT_CHECKSUM 9
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define RSDP_CHECKSUM 8
#define RSDP_EXT_CHECKSUM 32

struct mem {
    const uint8_t *data;
    size_t size;
    bool fix_sums;
    uint8_t *mapped; /* the current mapping */
};

/* Sets the byte at off so that the len bytes at p sum to 0. */
static void fix_sum(uint8_t *p, size_t len, size_t off)
{
    uint8_t sum = 0;

    if (off >= len)
        return;
    p[off] = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[off] = (uint8_t)-sum;
}

static const void *map(uint64_t phys, size_t len, void *ctx)
{
    struct mem *m = ctx;

    free(m->mapped);
    m->mapped = NULL;
    if (phys > m->size || len > m->size - phys)
        return NULL;
    m->mapped = malloc(len ? len : 1);
    CHECK(m->mapped);
    memcpy(m->mapped, m->data + phys, len);
    /* Header probes are 36 bytes too: fixing their copy is harmless. */
    if (m->fix_sums && len >= SDT_HDR_LEN)
        fix_sum(m->mapped, len, SDT_CHECKSUM);
    return m->mapped;
}

static bool has_apic_id(const struct acpi_info *info, unsigned n, uint32_t id)
{
    for (unsigned i = 0; i < n; i++)
        if (info->cpus[i].apic_id == id)
            return true;
    return false;
}

static void check_info(const struct acpi_info *info)
{
    CHECK(info->ntables <= ACPI_MAX_TABLES);
    for (unsigned i = 0; i < info->ntables; i++)
        CHECK(memchr(info->tables[i].sig, 0, sizeof(info->tables[i].sig)));
    CHECK(memchr(info->oem_id, 0, sizeof(info->oem_id)));
    CHECK(info->ncpus <= ACPI_MAX_CPUS);
    for (unsigned i = 0; i < info->ncpus; i++) {
        CHECK(info->cpus[i].enabled || info->cpus[i].online_capable);
        CHECK(!has_apic_id(info, i, info->cpus[i].apic_id));
    }
    CHECK(info->nioapics <= ACPI_MAX_IOAPICS);
    CHECK(info->nisos <= ACPI_MAX_ISOS);
    CHECK(info->nnmis <= ACPI_MAX_NMIS);
    CHECK(!info->reset_supported || info->reset_reg.address);
}

/* The whole walk from the RSDP, given as multiboot2 would: a copy of rsdp_len bytes. */
static void parse_all(const uint8_t *data, size_t size, size_t rsdp_len, bool fix_sums)
{
    static struct acpi_info info;
    struct mem m = {data, size, fix_sums, NULL};
    uint8_t *rsdp = malloc(rsdp_len ? rsdp_len : 1);
    uint32_t ext_len = 0;

    CHECK(rsdp);
    memcpy(rsdp, data, rsdp_len);
    if (fix_sums) {
        fix_sum(rsdp, MIN(rsdp_len, RSDP_V1_LEN), RSDP_CHECKSUM);
        if (rsdp_len >= RSDP_V2_LEN)
            memcpy(&ext_len, rsdp + RSDP_V1_LEN, sizeof(ext_len));
        if (ext_len >= RSDP_V2_LEN && ext_len <= rsdp_len)
            fix_sum(rsdp, ext_len, RSDP_EXT_CHECKSUM);
    }
    if (acpi_parse(rsdp, rsdp_len, map, &m, &info) == 0)
        check_info(&info);
    free(m.mapped);
    free(rsdp);
}

/* A standalone parser on a copy of the input with the signature (and checksum) made right. */
static uint8_t *as_table(const uint8_t *data, size_t size, const char *sig)
{
    uint8_t *t = malloc(size ? size : 1);
    uint32_t len;

    CHECK(t);
    memcpy(t, data, size);
    if (size < SDT_HDR_LEN)
        return t;
    memcpy(t, sig, 4);
    memcpy(&len, t + 4, sizeof(len));
    fix_sum(t, MIN(len, size), SDT_CHECKSUM);
    return t;
}

static void parse_direct(const uint8_t *data, size_t size)
{
    static struct acpi_info info;
    struct mem m = {data, size, true, NULL};
    uint8_t *t;

    memset(&info, 0, sizeof(info));
    t = as_table(data, size, "APIC");
    acpi_parse_madt(t, size, &info);
    free(t);
    t = as_table(data, size, "FACP");
    acpi_parse_fadt(t, size, map, &m, &info);
    free(t);
    acpi_find_s5(data, size, &info);
    check_info(&info);
    free(m.mapped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    host_log_clear();
    parse_all(data, size, MIN(size, RSDP_V2_LEN), false);
    parse_all(data, size, MIN(size, RSDP_V2_LEN), true);
    /* multiboot2's old-RSDP tag: only the ACPI 1.0 part, so the RSDT. */
    parse_all(data, size, MIN(size, RSDP_V1_LEN), true);
    parse_direct(data, size);
    return 0;
}
