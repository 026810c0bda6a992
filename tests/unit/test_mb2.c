/* SPDX-License-Identifier: MIT */
/* unit-srcs: kernel/mb2.c lib/string.c */
/*
 * Multiboot2 information parser tests. Each test builds a synthetic MBI in
 * a buffer, tag by tag with the spec's 8-byte alignment, then breaks it in
 * the ways a boot loader (or a bug) could.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/errno.h"
#include "kernel/mb2.h"
#include "tests/unit/host_stubs.h"

#define MBI_PHYS 0x9000

/* EFI memory types (UEFI 2.10 table 7.10). */
enum {
    EFI_RESERVED,
    EFI_LOADER_CODE,
    EFI_LOADER_DATA,
    EFI_BS_CODE,
    EFI_BS_DATA,
    EFI_RT_CODE,
    EFI_RT_DATA,
    EFI_CONVENTIONAL,
    EFI_UNUSABLE,
    EFI_ACPI_RECLAIM,
    EFI_ACPI_NVS,
    EFI_MMIO,
    EFI_MMIO_PORT,
    EFI_PAL_CODE,
    EFI_PERSISTENT,
    EFI_UNACCEPTED,
};

struct mm_entry {
    uint64_t base, len;
    uint32_t type;
};

struct efi_desc {
    uint32_t type;
    uint64_t phys, pages;
};

static _Alignas(8) uint8_t blob[16384];
static size_t blen;
static struct boot_info bi;

static int setup(void **state)
{
    memset(blob, 0, sizeof(blob));
    memset(&bi, 0xa5, sizeof(bi)); /* mb2_parse must clear it */
    blen = 8;                      /* total_size and reserved, filled by finish() */
    host_log_clear();
    return 0;
}

/* ------------------------------------------------------------ builders */

static void put(const void *data, size_t len)
{
    assert_true(blen + len <= sizeof(blob));
    memcpy(blob + blen, data, len);
    blen += len;
}

static void put32(uint32_t v)
{
    put(&v, 4);
}

static void put64(uint64_t v)
{
    put(&v, 8);
}

/* Starts a tag; returns its offset for tag_end(). */
static size_t tag_begin(uint32_t type)
{
    size_t off = blen;

    put32(type);
    put32(0);
    return off;
}

/* Sets the tag's size (unpadded, as the spec says) and pads to 8 bytes. */
static void tag_end(size_t off)
{
    uint32_t size = (uint32_t)(blen - off);

    memcpy(blob + off + 4, &size, 4);
    blen = (blen + 7) & ~(size_t)7;
}

static void add_string_tag(uint32_t type, const char *s)
{
    size_t t = tag_begin(type);

    put(s, strlen(s) + 1);
    tag_end(t);
}

static void add_cmdline(const char *s)
{
    add_string_tag(1, s);
}

static void add_loader(const char *s)
{
    add_string_tag(2, s);
}

static void add_module(uint32_t start, uint32_t end, const char *s)
{
    size_t t = tag_begin(3);

    put32(start);
    put32(end);
    put(s, strlen(s) + 1);
    tag_end(t);
}

static void add_mmap_esize(const struct mm_entry *e, unsigned n, uint32_t esize)
{
    size_t t = tag_begin(6);

    put32(esize);
    put32(0);
    for (unsigned i = 0; i < n; i++) {
        size_t start = blen;
        put64(e[i].base);
        put64(e[i].len);
        put32(e[i].type);
        put32(0);
        while (blen < start + esize)
            put("\xee", 1);
    }
    tag_end(t);
}

static void add_mmap(const struct mm_entry *e, unsigned n)
{
    add_mmap_esize(e, n, 24);
}

/* A one-entry BIOS map, for tests about something else. */
static void add_simple_mmap(void)
{
    struct mm_entry e = {MiB(1), MiB(127), MEM_USABLE};

    add_mmap(&e, 1);
}

static void add_efi64(uint64_t systab)
{
    size_t t = tag_begin(12);

    put64(systab);
    tag_end(t);
}

static void add_efi_mmap_dsize(const struct efi_desc *d, unsigned n, uint32_t dsize)
{
    size_t t = tag_begin(17);

    put32(dsize);
    put32(1); /* descriptor version */
    for (unsigned i = 0; i < n; i++) {
        size_t start = blen;
        put32(d[i].type);
        put32(0);                     /* pad */
        put64(d[i].phys);             /* physical start */
        put64(0xffff800000000000ull); /* virtual start */
        put64(d[i].pages);
        put64(0xf); /* attribute: UC WC WT WB */
        while (blen < start + dsize)
            put("\xee", 1);
    }
    tag_end(t);
}

static void add_efi_mmap(const struct efi_desc *d, unsigned n)
{
    add_efi_mmap_dsize(d, n, 48);
}

/* Tag 14 holds an ACPI 1.0 RSDP (20 bytes), tag 15 an ACPI 2.0+ one (36 bytes). */
static void add_rsdp(uint32_t type, uint8_t revision, const char *oem)
{
    uint8_t r[36] = "RSD PTR ";
    size_t t = tag_begin(type);

    memcpy(r + 9, oem, 6);
    r[15] = revision;
    put(r, revision >= 2 ? 36 : 20);
    tag_end(t);
}

static void add_raw_tag(uint32_t type, uint32_t size)
{
    put32(type);
    put32(size);
}

static void add_end(void)
{
    add_raw_tag(0, 8);
}

static void finish(void)
{
    uint32_t total = (uint32_t)blen;

    memcpy(blob, &total, 4);
}

static int parse(void)
{
    finish();
    return mb2_parse(blob, blen, MBI_PHYS, &bi);
}

static void assert_range(unsigned i, uint64_t base, uint64_t end, uint32_t type)
{
    assert_true(i < bi.nmmap);
    assert_int_equal(bi.mmap[i].base, base);
    assert_int_equal(bi.mmap[i].end, end);
    assert_int_equal(bi.mmap[i].type, type);
}

/* ------------------------------------------------------------ strings */

static void test_cmdline_and_loader(void **state)
{
    add_cmdline("console=com1 loglevel=3");
    add_loader("GRUB 2.12");
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_string_equal(bi.cmdline, "console=com1 loglevel=3");
    assert_string_equal(bi.loader, "GRUB 2.12");
    assert_int_equal(bi.mbi_phys, MBI_PHYS);
    assert_int_equal(bi.mbi_size, blen);
}

static void test_no_cmdline_is_empty(void **state)
{
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_string_equal(bi.cmdline, "");
    assert_string_equal(bi.loader, "");
    assert_int_equal(bi.nmodules, 0);
    assert_int_equal(bi.rsdp_len, 0);
}

static void test_cmdline_truncated(void **state)
{
    char long_cmd[BOOT_CMDLINE_MAX + 100];

    memset(long_cmd, 'a', sizeof(long_cmd) - 1);
    long_cmd[sizeof(long_cmd) - 1] = 0;
    add_cmdline(long_cmd);
    add_loader("a boot loader with a name that is much longer than sixty-four characters");
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    assert_int_equal(strlen(bi.loader), sizeof(bi.loader) - 1);
    assert_memory_equal(bi.loader, "a boot loader with", 18);
}

static void test_cmdline_without_nul(void **state)
{
    size_t t = tag_begin(1);

    put("abc", 3); /* no terminator: the tag size bounds the string */
    tag_end(t);
    blob[blen - 1] = 'X'; /* padding byte after the tag */
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_string_equal(bi.cmdline, "abc");
}

/* ------------------------------------------------------------ modules */

static void test_modules(void **state)
{
    add_module(0x200000, 0x280000, "guest.elf vcpus=2");
    add_module(0x300000, 0x300000, "");
    add_module(0x400000, 0x4f0123, "initrd");
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmodules, 3);
    assert_int_equal(bi.modules[0].start, 0x200000);
    assert_int_equal(bi.modules[0].end, 0x280000);
    assert_string_equal(bi.modules[0].string, "guest.elf vcpus=2");
    assert_int_equal(bi.modules[1].start, 0x300000);
    assert_int_equal(bi.modules[1].end, 0x300000);
    assert_string_equal(bi.modules[1].string, "");
    assert_int_equal(bi.modules[2].end, 0x4f0123);
    assert_string_equal(bi.modules[2].string, "initrd");
}

static void test_module_start_after_end_ignored(void **state)
{
    add_module(0x500000, 0x400000, "backwards");
    add_module(0x600000, 0x700000, "good");
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmodules, 1);
    assert_string_equal(bi.modules[0].string, "good");
    assert_true(host_log_contains("malformed module"));
}

static void test_module_tag_too_short_ignored(void **state)
{
    size_t t = tag_begin(3);

    put32(0x100000);
    put32(0x200000); /* no string at all: size 16 */
    tag_end(t);
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmodules, 0);
    assert_true(host_log_contains("malformed module"));
}

static void test_module_string_truncated(void **state)
{
    char s[BOOT_MODSTR_MAX + 50];

    memset(s, 'm', sizeof(s) - 1);
    s[sizeof(s) - 1] = 0;
    add_module(0x100000, 0x200000, s);
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(strlen(bi.modules[0].string), BOOT_MODSTR_MAX - 1);
}

static void test_too_many_modules(void **state)
{
    for (unsigned i = 0; i < BOOT_MAX_MODULES + 3; i++)
        add_module(0x100000 * (i + 1), 0x100000 * (i + 1) + 0x1000, i % 2 ? "odd" : "even");
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmodules, BOOT_MAX_MODULES);
    assert_int_equal(bi.modules[BOOT_MAX_MODULES - 1].start, 0x100000ull * BOOT_MAX_MODULES);
    assert_string_equal(bi.modules[BOOT_MAX_MODULES - 1].string, "odd");
    {
        char want[48];
        snprintf(want, sizeof(want), "more than %d modules", BOOT_MAX_MODULES);
        assert_true(host_log_contains(want));
    }
}

/* ------------------------------------------------------------ BIOS memory map */

static void test_bios_mmap(void **state)
{
    struct mm_entry e[] = {
        {0, 0x9fc00, MEM_USABLE},       {0xf0000, 0x10000, MEM_RESERVED},
        {MiB(1), MiB(511), MEM_USABLE}, {MiB(512), MiB(1), MEM_ACPI},
        {MiB(513), MiB(1), MEM_NVS},
    };

    add_mmap(e, ARRAY_SIZE(e));
    add_end();
    assert_int_equal(parse(), 0);
    assert_false(bi.efi);
    assert_false(bi.mmap_from_efi);
    assert_int_equal(bi.nmmap, 5);
    assert_range(0, 0, 0x9fc00, MEM_USABLE);
    assert_range(1, 0xf0000, 0x100000, MEM_RESERVED);
    assert_range(2, MiB(1), MiB(512), MEM_USABLE);
    assert_range(3, MiB(512), MiB(513), MEM_ACPI);
    assert_range(4, MiB(513), MiB(514), MEM_NVS);
}

static void test_bios_mmap_unknown_types_reserved(void **state)
{
    struct mm_entry e[] = {
        {MiB(1), MiB(1), 0}, {MiB(2), MiB(1), MEM_BAD}, {MiB(3), MiB(1), MEM_PERSISTENT},
        {MiB(4), MiB(1), 8}, {MiB(5), MiB(1), 0xf00d},
    };

    add_mmap(e, ARRAY_SIZE(e));
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmmap, 5);
    assert_range(0, MiB(1), MiB(2), MEM_RESERVED);
    assert_range(1, MiB(2), MiB(3), MEM_BAD);
    assert_range(2, MiB(3), MiB(4), MEM_PERSISTENT);
    assert_range(3, MiB(4), MiB(5), MEM_RESERVED);
    assert_range(4, MiB(5), MiB(6), MEM_RESERVED);
}

static void test_bios_mmap_larger_entry_size(void **state)
{
    struct mm_entry e[] = {{MiB(1), MiB(1), MEM_USABLE}, {MiB(4), MiB(2), MEM_ACPI}};

    add_mmap_esize(e, 2, 32);
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmmap, 2);
    assert_range(0, MiB(1), MiB(2), MEM_USABLE);
    assert_range(1, MiB(4), MiB(6), MEM_ACPI);
}

static void test_bios_mmap_entry_size_too_small(void **state)
{
    struct mm_entry e[] = {{MiB(1), MiB(1), MEM_USABLE}, {MiB(4), MiB(2), MEM_USABLE}};

    add_mmap_esize(e, 2, 20);
    add_end();
    assert_int_equal(parse(), -ENODATA);
    assert_int_equal(bi.nmmap, 0);
    assert_true(host_log_contains("malformed memory map tag"));
    assert_true(host_log_contains("no memory map"));
}

static void test_bios_mmap_empty_and_wrapping_ignored(void **state)
{
    struct mm_entry e[] = {
        {MiB(1), 0, MEM_USABLE},
        {UINT64_MAX - 0xfff, 0x1000, MEM_USABLE}, /* ends exactly at 2^64: wraps to 0 */
        {GiB(4), UINT64_MAX, MEM_USABLE},
        {MiB(2), MiB(2), MEM_USABLE},
        {UINT64_MAX - 0x1fff, 0x1000, MEM_RESERVED}, /* just fits */
    };

    add_mmap(e, ARRAY_SIZE(e));
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmmap, 2);
    assert_range(0, MiB(2), MiB(4), MEM_USABLE);
    assert_range(1, UINT64_MAX - 0x1fff, UINT64_MAX - 0xfff, MEM_RESERVED);
}

static void test_too_many_mmap_entries(void **state)
{
    static struct mm_entry e[BOOT_MAX_MMAP + 5];

    for (unsigned i = 0; i < ARRAY_SIZE(e); i++)
        e[i] = (struct mm_entry){MiB(2 * i + 1), MiB(1), i % 2 ? MEM_RESERVED : MEM_USABLE};
    add_mmap(e, ARRAY_SIZE(e));
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmmap, BOOT_MAX_MMAP);
    assert_range(BOOT_MAX_MMAP - 1, MiB(2 * BOOT_MAX_MMAP - 1), MiB(2 * BOOT_MAX_MMAP),
                 MEM_RESERVED);
    assert_true(host_log_contains("more than 128 entries"));
}

static void test_no_memory_map(void **state)
{
    add_cmdline("console=com1");
    add_end();
    assert_int_equal(parse(), -ENODATA);
    assert_int_equal(bi.nmmap, 0);
    assert_true(host_log_contains("no memory map"));
}

/* ------------------------------------------------------------ EFI */

static void test_bios_boot_is_not_efi(void **state)
{
    add_simple_mmap();
    add_rsdp(14, 0, "BIOSOE");
    add_end();
    assert_int_equal(parse(), 0);
    assert_false(bi.efi);
    assert_int_equal(bi.efi_systab, 0);
}

static void test_efi64_systab(void **state)
{
    add_efi64(0x7fe3e018);
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_true(bi.efi);
    assert_int_equal(bi.efi_systab, 0x7fe3e018);
    assert_false(bi.mmap_from_efi);
}

static void test_efi_mmap_tag_alone_means_efi(void **state)
{
    struct efi_desc d[] = {{EFI_CONVENTIONAL, MiB(1), 256}};

    add_efi_mmap(d, 1);
    add_end();
    assert_int_equal(parse(), 0);
    assert_true(bi.efi);
    assert_true(bi.mmap_from_efi);
    assert_int_equal(bi.efi_systab, 0);
    assert_int_equal(bi.nmmap, 1);
    assert_range(0, MiB(1), MiB(2), MEM_USABLE);
}

static void test_bios_map_preferred_over_efi_map(void **state)
{
    struct efi_desc d[] = {{EFI_CONVENTIONAL, GiB(1), 1024}, {EFI_ACPI_NVS, GiB(2), 1}};
    struct mm_entry e[] = {{MiB(1), MiB(15), MEM_USABLE}};

    add_efi_mmap(d, 2); /* before tag 6, to be sure order does not matter */
    add_efi64(0x1234000);
    add_mmap(e, 1);
    add_end();
    assert_int_equal(parse(), 0);
    assert_true(bi.efi);
    assert_false(bi.mmap_from_efi);
    assert_int_equal(bi.nmmap, 1);
    assert_range(0, MiB(1), MiB(16), MEM_USABLE);
}

static void test_efi_map_used_when_bios_map_malformed(void **state)
{
    struct efi_desc d[] = {{EFI_CONVENTIONAL, GiB(1), 1024}};
    struct mm_entry e[] = {{MiB(1), MiB(15), MEM_USABLE}};

    add_mmap_esize(e, 1, 16); /* skipped as malformed: the EFI map must stand in */
    add_efi_mmap(d, 1);
    add_end();
    assert_int_equal(parse(), 0);
    assert_true(bi.mmap_from_efi);
    assert_int_equal(bi.nmmap, 1);
    assert_range(0, GiB(1), GiB(1) + MiB(4), MEM_USABLE);
}

static void test_efi_type_conversion(void **state)
{
    static const uint32_t want[] = {
        [EFI_RESERVED] = MEM_RESERVED,     [EFI_LOADER_CODE] = MEM_USABLE,
        [EFI_LOADER_DATA] = MEM_USABLE,    [EFI_BS_CODE] = MEM_USABLE,
        [EFI_BS_DATA] = MEM_USABLE,        [EFI_RT_CODE] = MEM_RESERVED,
        [EFI_RT_DATA] = MEM_RESERVED,      [EFI_CONVENTIONAL] = MEM_USABLE,
        [EFI_UNUSABLE] = MEM_BAD,          [EFI_ACPI_RECLAIM] = MEM_ACPI,
        [EFI_ACPI_NVS] = MEM_NVS,          [EFI_MMIO] = MEM_RESERVED,
        [EFI_MMIO_PORT] = MEM_RESERVED,    [EFI_PAL_CODE] = MEM_RESERVED,
        [EFI_PERSISTENT] = MEM_PERSISTENT, [EFI_UNACCEPTED] = MEM_RESERVED,
    };
    struct efi_desc d[ARRAY_SIZE(want)];

    for (unsigned i = 0; i < ARRAY_SIZE(d); i++)
        d[i] = (struct efi_desc){i, MiB(i + 1), i + 1};
    add_efi_mmap(d, ARRAY_SIZE(d));
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmmap, ARRAY_SIZE(want));
    for (unsigned i = 0; i < ARRAY_SIZE(want); i++)
        assert_range(i, MiB(i + 1), MiB(i + 1) + (i + 1) * PAGE_SIZE, want[i]);
}

static void test_efi_descriptor_size_40(void **state)
{
    struct efi_desc d[] = {{EFI_CONVENTIONAL, MiB(1), 16}, {EFI_ACPI_RECLAIM, MiB(2), 2}};

    add_efi_mmap_dsize(d, 2, 40);
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmmap, 2);
    assert_range(0, MiB(1), MiB(1) + 16 * PAGE_SIZE, MEM_USABLE);
    assert_range(1, MiB(2), MiB(2) + 2 * PAGE_SIZE, MEM_ACPI);
}

static void test_efi_descriptor_size_too_small(void **state)
{
    struct efi_desc d[] = {{EFI_CONVENTIONAL, MiB(1), 16}};

    add_efi_mmap_dsize(d, 1, 32);
    add_end();
    assert_int_equal(parse(), -ENODATA);
    assert_true(host_log_contains("malformed EFI memory map tag"));
}

static void test_efi_absurd_and_empty_descriptors_skipped(void **state)
{
    struct efi_desc d[] = {
        {EFI_CONVENTIONAL, MiB(1), 0},
        {EFI_CONVENTIONAL, MiB(2), 1ull << 41},
        {EFI_CONVENTIONAL, UINT64_MAX & ~0xfffull, 1}, /* wraps */
        {EFI_CONVENTIONAL, MiB(4), 4},
    };

    add_efi_mmap(d, ARRAY_SIZE(d));
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nmmap, 1);
    assert_range(0, MiB(4), MiB(4) + 4 * PAGE_SIZE, MEM_USABLE);
}

/* ------------------------------------------------------------ RSDP */

static void test_rsdp_v1(void **state)
{
    add_simple_mmap();
    add_rsdp(14, 0, "OLDOEM");
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.rsdp_len, 20);
    assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
    assert_memory_equal(bi.rsdp + 9, "OLDOEM", 6);
    assert_int_equal(bi.rsdp[15], 0);
}

static void test_rsdp_v2_after_v1(void **state)
{
    add_simple_mmap();
    add_rsdp(14, 0, "OLDOEM");
    add_rsdp(15, 2, "NEWOEM");
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.rsdp_len, 36);
    assert_memory_equal(bi.rsdp + 9, "NEWOEM", 6);
    assert_int_equal(bi.rsdp[15], 2);
}

static void test_rsdp_v2_before_v1(void **state)
{
    add_rsdp(15, 2, "NEWOEM");
    add_rsdp(14, 0, "OLDOEM");
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.rsdp_len, 36);
    assert_memory_equal(bi.rsdp + 9, "NEWOEM", 6);
    assert_int_equal(bi.rsdp[15], 2);
}

static void test_rsdp_empty_tag_ignored(void **state)
{
    add_raw_tag(15, 8);
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.rsdp_len, 0);
}

static void test_rsdp_oversized_tag_capped(void **state)
{
    size_t t = tag_begin(15);
    uint8_t r[100];

    for (unsigned i = 0; i < sizeof(r); i++)
        r[i] = (uint8_t)i;
    put(r, sizeof(r));
    tag_end(t);
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.rsdp_len, sizeof(bi.rsdp));
    assert_memory_equal(bi.rsdp, r, sizeof(bi.rsdp));
}

/* ------------------------------------------------------------ malformed chains */

static void test_unknown_tags_skipped(void **state)
{
    size_t t = tag_begin(4); /* basic meminfo */

    put32(639);
    put32(130048);
    tag_end(t);
    t = tag_begin(21); /* load base address */
    put32(0x200000);
    tag_end(t);
    add_cmdline("after");
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), 0);
    assert_string_equal(bi.cmdline, "after");
    assert_int_equal(bi.nmmap, 1);
}

static void test_header_too_small(void **state)
{
    add_end();
    finish();
    assert_int_equal(mb2_parse(blob, 15, MBI_PHYS, &bi), -EINVAL);
    assert_true(host_log_contains("header is malformed"));
    assert_int_equal(bi.nmmap, 0);
    assert_int_equal(bi.nmodules, 0);
}

static void test_total_size_below_16(void **state)
{
    add_simple_mmap();
    add_end();
    finish();
    memcpy(blob, &(uint32_t){8}, 4);
    assert_int_equal(mb2_parse(blob, blen, MBI_PHYS, &bi), -EINVAL);
    assert_int_equal(bi.nmmap, 0);
}

static void test_total_size_beyond_available(void **state)
{
    add_simple_mmap();
    add_end();
    finish();
    assert_int_equal(mb2_parse(blob, blen - 1, MBI_PHYS, &bi), -EINVAL);
    assert_true(host_log_contains("header is malformed"));
    assert_int_equal(bi.nmmap, 0);
}

static void test_tag_size_below_8_stops_walk(void **state)
{
    add_simple_mmap();
    add_raw_tag(1, 4);
    add_cmdline("never seen");
    add_end();
    assert_int_equal(parse(), 0); /* the memory map before it is kept */
    assert_string_equal(bi.cmdline, "");
    assert_int_equal(bi.nmmap, 1);
    assert_true(host_log_contains("bad size 4"));
}

static void test_tag_size_zero_without_mmap(void **state)
{
    add_raw_tag(1, 0);
    add_simple_mmap();
    add_end();
    assert_int_equal(parse(), -ENODATA);
    assert_int_equal(bi.nmmap, 0);
    assert_true(host_log_contains("bad size 0"));
}

static void test_tag_running_past_end(void **state)
{
    add_simple_mmap();
    add_cmdline("ok");
    add_raw_tag(2, 64); /* claims 64 bytes; only 8 follow */
    put32(0);
    put32(0);
    assert_int_equal(parse(), 0);
    assert_string_equal(bi.cmdline, "ok");
    assert_string_equal(bi.loader, "");
    assert_true(host_log_contains("bad size 64"));
}

static void test_tag_past_total_size(void **state)
{
    /* The tag fits the buffer but not total_size: total_size is what counts. */
    add_simple_mmap();
    add_end();
    finish();
    memcpy(blob + blen - 4, &(uint32_t){16}, 4); /* end tag now claims 16 bytes */
    blen += 8;
    assert_int_equal(mb2_parse(blob, blen, MBI_PHYS, &bi), 0);
    assert_true(host_log_contains("bad size 16"));
}

static void test_missing_end_tag(void **state)
{
    add_simple_mmap();
    add_cmdline("no end");
    assert_int_equal(parse(), 0);
    assert_string_equal(bi.cmdline, "no end");
    assert_true(host_log_contains("no end tag"));
}

static void test_missing_end_tag_and_mmap(void **state)
{
    add_cmdline("nothing");
    assert_int_equal(parse(), -ENODATA);
    assert_true(host_log_contains("no end tag"));
}

static void test_tags_after_end_ignored(void **state)
{
    add_simple_mmap();
    add_end();
    add_cmdline("after end");
    assert_int_equal(parse(), 0);
    assert_string_equal(bi.cmdline, "");
    assert_false(host_log_contains("W "));
}

/* ------------------------------------------------------------ mb2_module_name */

static void module_name(const char *string, size_t len, char *buf)
{
    struct boot_module m = {0};

    strcpy(m.string, string);
    mb2_module_name(&m, buf, len);
}

static void test_module_name_first_word(void **state)
{
    char buf[32];

    module_name("guest.elf console=ttyS0 mem=512M", sizeof(buf), buf);
    assert_string_equal(buf, "guest.elf");
    module_name("initrd", sizeof(buf), buf);
    assert_string_equal(buf, "initrd");
    module_name("", sizeof(buf), buf);
    assert_string_equal(buf, "");
    module_name(" leading", sizeof(buf), buf);
    assert_string_equal(buf, "");
}

static void test_module_name_truncated(void **state)
{
    char buf[8] = "#######";

    module_name("verylongname arg", 5, buf);
    assert_string_equal(buf, "very");
    assert_int_equal(buf[5], '#');
    module_name("abc", 1, buf);
    assert_string_equal(buf, "");
}

static void test_module_name_zero_length_buffer(void **state)
{
    char buf[2] = {'#', '#'};

    module_name("abc", 0, buf);
    assert_int_equal(buf[0], '#');
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_cmdline_and_loader),
        T(test_no_cmdline_is_empty),
        T(test_cmdline_truncated),
        T(test_cmdline_without_nul),
        T(test_modules),
        T(test_module_start_after_end_ignored),
        T(test_module_tag_too_short_ignored),
        T(test_module_string_truncated),
        T(test_too_many_modules),
        T(test_bios_mmap),
        T(test_bios_mmap_unknown_types_reserved),
        T(test_bios_mmap_larger_entry_size),
        T(test_bios_mmap_entry_size_too_small),
        T(test_bios_mmap_empty_and_wrapping_ignored),
        T(test_too_many_mmap_entries),
        T(test_no_memory_map),
        T(test_bios_boot_is_not_efi),
        T(test_efi64_systab),
        T(test_efi_mmap_tag_alone_means_efi),
        T(test_bios_map_preferred_over_efi_map),
        T(test_efi_map_used_when_bios_map_malformed),
        T(test_efi_type_conversion),
        T(test_efi_descriptor_size_40),
        T(test_efi_descriptor_size_too_small),
        T(test_efi_absurd_and_empty_descriptors_skipped),
        T(test_rsdp_v1),
        T(test_rsdp_v2_after_v1),
        T(test_rsdp_v2_before_v1),
        T(test_rsdp_empty_tag_ignored),
        T(test_rsdp_oversized_tag_capped),
        T(test_unknown_tags_skipped),
        T(test_header_too_small),
        T(test_total_size_below_16),
        T(test_total_size_beyond_available),
        T(test_tag_size_below_8_stops_walk),
        T(test_tag_size_zero_without_mmap),
        T(test_tag_running_past_end),
        T(test_tag_past_total_size),
        T(test_missing_end_tag),
        T(test_missing_end_tag_and_mmap),
        T(test_tags_after_end_ignored),
        T(test_module_name_first_word),
        T(test_module_name_truncated),
        T(test_module_name_zero_length_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
