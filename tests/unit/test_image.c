/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/loader/image.c lib/shell_parse.c lib/string.c */
/*
 * Guest image parser tests. Each test builds a synthetic flat, ELF64 or
 * multiboot1 image in a buffer, then breaks one field at a time: the parser
 * must refuse with a reason and an empty plan, never read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/loader/elf.h"
#include "vmm/loader/image.h"
#include "vmm/loader/multiboot1.h"

/* Big enough for a flat image that fills real mode's 1 MiB. */
static uint8_t img[2 << 20];
static struct image_plan plan;
static const char *err;

static int setup(void **state)
{
    memset(img, 0, sizeof(img));
    return 0;
}

/* Parses a heap copy of exactly len bytes, so ASan catches any read past len. */
static int parse(size_t len, const char *args)
{
    uint8_t *copy = len ? malloc(len) : NULL;
    int ret;

    assert_true(len <= sizeof(img));
    if (len) {
        assert_non_null(copy);
        memcpy(copy, img, len);
    }
    memset(&plan, 0xA5, sizeof(plan));
    err = "unset";
    ret = image_parse(len ? copy : img, len, args, &plan, &err);
    free(copy);
    return ret;
}

/* A refusal: the right code, a reason containing msg, nothing to load. */
#define assert_fails(ret, want, msg)                \
    do {                                            \
        assert_int_equal((ret), (want));            \
        assert_non_null(err);                       \
        assert_non_null(strstr(err, (msg)));        \
        assert_int_equal(plan.nsegs, 0);            \
        assert_int_equal(plan.kind, IMAGE_UNKNOWN); \
    } while (0)

static void assert_seg(unsigned i, uint64_t gpa, uint64_t off, uint64_t fsize, uint64_t msize)
{
    assert_true(i < plan.nsegs);
    assert_int_equal(plan.segs[i].gpa, gpa);
    assert_int_equal(plan.segs[i].file_off, off);
    assert_int_equal(plan.segs[i].file_size, fsize);
    assert_int_equal(plan.segs[i].mem_size, msize);
}

/* ---- ELF64: two segments, the second with bss ---- */

#define E64_LEN 0x380
#define E64_PHOFF 64

static size_t build_elf64(void)
{
    struct elf64_ehdr eh = {
        .e_type = ET_EXEC,
        .e_machine = EM_X86_64,
        .e_version = EV_CURRENT,
        .e_entry = 0x200010,
        .e_phoff = E64_PHOFF,
        .e_ehsize = sizeof(eh),
        .e_phentsize = sizeof(struct elf64_phdr),
        .e_phnum = 2,
    };
    struct elf64_phdr ph[2] = {
        {PT_LOAD, 5, 0x200, 0x200000, 0x200000, 0x100, 0x100, 0x1000},
        {PT_LOAD, 6, 0x300, 0x201000, 0x201000, 0x80, 0x3000, 0x1000},
    };

    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(img, &eh, sizeof(eh));
    memcpy(img + E64_PHOFF, ph, sizeof(ph));
    memset(img + 0x200, 0x90, E64_LEN - 0x200);
    return E64_LEN;
}

/* Runs stmt on a copy of the ELF64 header ("eh") and writes it back. */
#define EDIT_EH64(stmt)               \
    do {                              \
        struct elf64_ehdr eh;         \
        memcpy(&eh, img, sizeof(eh)); \
        stmt;                         \
        memcpy(img, &eh, sizeof(eh)); \
    } while (0)

#define EDIT_PH64(i, stmt)                                \
    do {                                                  \
        struct elf64_phdr ph;                             \
        uint8_t *at = img + E64_PHOFF + (i) * sizeof(ph); \
        memcpy(&ph, at, sizeof(ph));                      \
        stmt;                                             \
        memcpy(at, &ph, sizeof(ph));                      \
    } while (0)

/* ---- multiboot1 ---- */

static void put_mb1(size_t off, uint32_t flags, const uint32_t addr[5])
{
    uint32_t w[8] = {MB1_HEADER_MAGIC, flags, -(MB1_HEADER_MAGIC + flags)};

    if (addr)
        memcpy(&w[3], addr, 5 * sizeof(uint32_t));
    memcpy(img + off, w, addr ? sizeof(w) : MB1_HEADER_MIN_LEN);
}

/*
 * a.out kludge kernel: a jump, then the header at file offset 0x40 which
 * the kernel expects at 0x100040, so loading starts at file offset 0.
 */
#define AOUT_LEN 0x300
#define AOUT_HOFF 0x40

static size_t build_aout(uint32_t load_end, uint32_t bss_end)
{
    const uint32_t addr[5] = {0x100040, 0x100000, load_end, bss_end, 0x100080};

    img[0] = 0xEB; /* jmp: anything but ELF */
    put_mb1(AOUT_HOFF, MB1_FLAG_AOUT_KLUDGE | MB1_FLAG_MEMORY_INFO, addr);
    return AOUT_LEN;
}

static void set_aout_field(unsigned idx, uint32_t v)
{
    uint32_t w[8];

    memcpy(w, img + AOUT_HOFF, sizeof(w));
    w[idx] = v;
    memcpy(img + AOUT_HOFF, w, sizeof(w));
}

enum { AOUT_HEADER_ADDR = 3, AOUT_LOAD_ADDR, AOUT_LOAD_END, AOUT_BSS_END, AOUT_ENTRY };

/* ELF32 multiboot kernel: ehdr, mb1 header at 52, phdr at 64, one PT_LOAD of the whole file. */
#define E32_LEN 0x100
#define E32_MB1OFF 52
#define E32_PHOFF 64

static size_t build_elf32(void)
{
    struct elf32_ehdr eh = {
        .e_type = ET_EXEC,
        .e_machine = EM_386,
        .e_version = EV_CURRENT,
        .e_entry = 0x100060,
        .e_phoff = E32_PHOFF,
        .e_ehsize = sizeof(eh),
        .e_phentsize = sizeof(struct elf32_phdr),
        .e_phnum = 1,
    };
    struct elf32_phdr ph = {PT_LOAD, 0, 0x100000, 0x100000, E32_LEN, 0x2000, 5, 0x1000};

    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(img, &eh, sizeof(eh));
    put_mb1(E32_MB1OFF, MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY_INFO, NULL);
    memcpy(img + E32_PHOFF, &ph, sizeof(ph));
    return E32_LEN;
}

#define EDIT_PH32(stmt)                           \
    do {                                          \
        struct elf32_phdr ph;                     \
        memcpy(&ph, img + E32_PHOFF, sizeof(ph)); \
        stmt;                                     \
        memcpy(img + E32_PHOFF, &ph, sizeof(ph)); \
    } while (0)

/* ---- flat ---- */

static void test_flat_defaults(void **state)
{
    memset(img, 0xF4, 100);
    assert_int_equal(parse(100, NULL), 0);
    assert_null(err);
    assert_int_equal(plan.kind, IMAGE_FLAT);
    assert_int_equal(plan.mode, START_REAL16);
    assert_int_equal(plan.entry, 0x8000);
    assert_int_equal(plan.nsegs, 1);
    assert_seg(0, 0x8000, 0, 100, 100);
    assert_int_equal(plan.mem_needed, 0x9000);
    assert_int_equal(plan.mb1_flags, 0);

    assert_int_equal(parse(100, "  \t "), 0);
    assert_int_equal(plan.entry, 0x8000);
    assert_int_equal(plan.mode, START_REAL16);
}

static void test_flat_keys(void **state)
{
    assert_int_equal(parse(0x1800, "load=0x100000 entry=1048592 mode=prot32"), 0);
    assert_int_equal(plan.kind, IMAGE_FLAT);
    assert_int_equal(plan.mode, START_PROT32);
    assert_int_equal(plan.entry, 0x100010);
    assert_seg(0, 0x100000, 0, 0x1800, 0x1800);
    assert_int_equal(plan.mem_needed, 0x102000);

    /* entry defaults to load even when load comes later; tabs separate too */
    assert_int_equal(parse(16, "\tmode=long64  load=0x200000 "), 0);
    assert_int_equal(plan.mode, START_LONG64);
    assert_int_equal(plan.entry, 0x200000);
    assert_int_equal(plan.mem_needed, 0x201000);

    assert_int_equal(parse(16, "mode=real entry=0x7c00"), 0);
    assert_int_equal(plan.mode, START_REAL16);
    assert_int_equal(plan.entry, 0x7C00);
    assert_seg(0, 0x8000, 0, 16, 16);
}

static void test_flat_bad_keys(void **state)
{
    assert_fails(parse(16, "foo=1"), -EINVAL, "unknown key");
    assert_fails(parse(16, "load=0x9000 loadx=1"), -EINVAL, "unknown key");
    assert_fails(parse(16, "=1"), -EINVAL, "unknown key");
    assert_fails(parse(16, "load"), -EINVAL, "not key=value");
    assert_fails(parse(16, "mode=real quiet"), -EINVAL, "not key=value");
}

static void test_flat_bad_values(void **state)
{
    assert_fails(parse(16, "load="), -EINVAL, "load=");
    assert_fails(parse(16, "load=0x"), -EINVAL, "load=");
    assert_fails(parse(16, "load=12abc"), -EINVAL, "load=");
    assert_fails(parse(16, "load=-1"), -EINVAL, "load=");
    assert_fails(parse(16, "load=99999999999999999999"), -EINVAL, "load=");
    assert_fails(parse(16, "entry=0x1g"), -EINVAL, "entry=");
    assert_fails(parse(16, "mode=protected"), -EINVAL, "mode=");
    assert_fails(parse(16, "mode=REAL"), -EINVAL, "mode=");
    assert_fails(parse(16, "mode="), -EINVAL, "mode=");
    assert_fails(parse(16, "load=0x0000000000000000000000008000"), -EINVAL, "too long");
}

static void test_flat_real_mode_limit(void **state)
{
    /* ends exactly at 1 MiB: fine */
    assert_int_equal(parse(0x10000, "load=0xF0000"), 0);
    assert_int_equal(plan.mem_needed, MiB(1));
    assert_fails(parse(0x10001, "load=0xF0000"), -ERANGE, "below 1 MiB");
    assert_fails(parse(MiB(1), NULL), -ERANGE, "below 1 MiB");
    assert_fails(parse(16, "load=0x100000"), -ERANGE, "below 1 MiB");
    assert_fails(parse(16, "entry=0x100000"), -ERANGE, "entry must be below 1 MiB");
    /* the same image is fine once it is not real mode */
    assert_int_equal(parse(0x10001, "load=0xF0000 mode=prot32"), 0);
    assert_int_equal(parse(16, "entry=0x100000 mode=prot32"), 0);
}

static void test_flat_4g_limit(void **state)
{
    assert_int_equal(parse(0x1000, "load=0xFFFFF000 mode=prot32"), 0);
    assert_int_equal(plan.mem_needed, GiB(4));
    assert_fails(parse(0x1001, "load=0xFFFFF000 mode=prot32"), -ERANGE, "below 4 GiB");
    /* load + len wraps around 2^64: must not pass as a small address */
    assert_fails(parse(0x1000, "load=0xFFFFFFFFFFFFF000 mode=long64"), -ERANGE, "below 4 GiB");
    assert_fails(parse(16, "entry=0x100000000 mode=long64"), -ERANGE, "entry must be below 4 GiB");
}

static void test_empty_image(void **state)
{
    assert_fails(parse(0, NULL), -ENOEXEC, "empty");
    memset(&plan, 0xA5, sizeof(plan));
    err = "unset";
    assert_int_equal(image_parse(NULL, 0, NULL, &plan, &err), -ENOEXEC);
    assert_non_null(strstr(err, "empty"));
}

static void test_names(void **state)
{
    assert_string_equal(image_kind_name(IMAGE_FLAT), "flat");
    assert_string_equal(image_kind_name(IMAGE_ELF64), "ELF64");
    assert_string_equal(image_kind_name(IMAGE_MB1), "multiboot1");
    assert_string_equal(image_kind_name(IMAGE_UNKNOWN), "unknown");
    assert_string_equal(image_kind_name((enum image_kind)99), "unknown");
    assert_string_equal(start_mode_name(START_REAL16), "real");
    assert_string_equal(start_mode_name(START_PROT32), "prot32");
    assert_string_equal(start_mode_name(START_LONG64), "long64");
}

/* ---- ELF64 ---- */

static void test_elf64_valid(void **state)
{
    /* flat keys are not interpreted for ELF images */
    assert_int_equal(parse(build_elf64(), "mode=real"), 0);
    assert_null(err);
    assert_int_equal(plan.kind, IMAGE_ELF64);
    assert_int_equal(plan.mode, START_LONG64);
    assert_int_equal(plan.entry, 0x200010);
    assert_int_equal(plan.nsegs, 2);
    assert_seg(0, 0x200000, 0x200, 0x100, 0x100);
    assert_seg(1, 0x201000, 0x300, 0x80, 0x3000);
    assert_int_equal(plan.mem_needed, 0x204000);
    assert_int_equal(plan.mb1_flags, 0);
}

static void test_elf64_entry_in_bss_and_last_byte(void **state)
{
    size_t len = build_elf64();

    EDIT_EH64(eh.e_entry = 0x203FFF);
    assert_int_equal(parse(len, NULL), 0);
    assert_int_equal(plan.entry, 0x203FFF);
    EDIT_EH64(eh.e_entry = 0x204000);
    assert_fails(parse(len, NULL), -ENOEXEC, "outside every loadable segment");
    EDIT_EH64(eh.e_entry = 0x1FFFFF);
    assert_fails(parse(len, NULL), -ENOEXEC, "outside every loadable segment");
    /* the gap between the two segments is not loaded either */
    EDIT_EH64(eh.e_entry = 0x200100);
    assert_fails(parse(len, NULL), -ENOEXEC, "outside every loadable segment");
}

static void test_elf64_bad_ident(void **state)
{
    size_t len = build_elf64();

    img[EI_CLASS] = 0;
    assert_fails(parse(len, NULL), -ENOEXEC, "class");
    img[EI_CLASS] = 3;
    assert_fails(parse(len, NULL), -ENOEXEC, "class");
    /* ELF32 is only accepted as a multiboot1 kernel */
    img[EI_CLASS] = ELFCLASS32;
    assert_fails(parse(len, NULL), -ENOEXEC, "no multiboot1 header");

    build_elf64();
    img[EI_DATA] = 2; /* ELFDATA2MSB */
    assert_fails(parse(len, NULL), -ENOEXEC, "little-endian");

    build_elf64();
    img[EI_VERSION] = 0;
    assert_fails(parse(len, NULL), -ENOEXEC, "version");
}

static void test_elf64_bad_header_fields(void **state)
{
    size_t len = build_elf64();

    EDIT_EH64(eh.e_type = 3); /* ET_DYN */
    assert_fails(parse(len, NULL), -ENOEXEC, "ET_EXEC");

    build_elf64();
    EDIT_EH64(eh.e_machine = EM_386);
    assert_fails(parse(len, NULL), -ENOEXEC, "x86-64");

    build_elf64();
    EDIT_EH64(eh.e_version = 2);
    assert_fails(parse(len, NULL), -ENOEXEC, "version");

    build_elf64();
    EDIT_EH64(eh.e_phentsize = 64);
    assert_fails(parse(len, NULL), -ENOEXEC, "program header size");
    EDIT_EH64(eh.e_phentsize = 32);
    assert_fails(parse(len, NULL), -ENOEXEC, "program header size");
}

static void test_elf64_phdrs_out_of_file(void **state)
{
    size_t len = build_elf64();

    EDIT_EH64(eh.e_phoff = len - 10);
    assert_fails(parse(len, NULL), -ENOEXEC, "program headers run past");
    EDIT_EH64(eh.e_phoff = len + 0x1000);
    assert_fails(parse(len, NULL), -ENOEXEC, "program headers run past");
    /* phoff + table size wraps: must not look like a small offset */
    EDIT_EH64(eh.e_phoff = UINT64_MAX - 8);
    assert_fails(parse(len, NULL), -ENOEXEC, "program headers run past");

    build_elf64();
    EDIT_EH64(eh.e_phnum = 0xFFFF);
    assert_fails(parse(len, NULL), -ENOEXEC, "program headers run past");

    /* a table ending exactly at the end of the file passes; its segments then do not */
    build_elf64();
    assert_fails(parse(E64_PHOFF + 2 * sizeof(struct elf64_phdr), NULL), -ENOEXEC,
                 "segment runs past");
}

static void test_elf64_truncated(void **state)
{
    size_t len = build_elf64();

    assert_fails(parse(EI_NIDENT - 1, NULL), -ENOEXEC, "ELF identification is truncated");
    assert_fails(parse(EI_NIDENT, NULL), -ENOEXEC, "header is truncated");
    assert_fails(parse(sizeof(struct elf64_ehdr) - 1, NULL), -ENOEXEC, "header is truncated");
    assert_fails(parse(len - 1, NULL), -ENOEXEC, "segment runs past");
}

static void test_elf_magic_only(void **state)
{
    memcpy(img, ELFMAG, SELFMAG);
    assert_fails(parse(SELFMAG, NULL), -ENOEXEC, "ELF identification is truncated");
    /* three bytes are not the magic: just a tiny flat image */
    assert_int_equal(parse(3, NULL), 0);
    assert_int_equal(plan.kind, IMAGE_FLAT);
}

static void test_elf64_segment_past_end(void **state)
{
    size_t len = build_elf64();

    EDIT_PH64(1, ph.p_offset = len - 0x7F);
    assert_fails(parse(len, NULL), -ENOEXEC, "ELF64 segment runs past the end of the file");
    EDIT_PH64(1, ph.p_offset = UINT64_MAX - 0x10);
    assert_fails(parse(len, NULL), -ENOEXEC, "ELF64 segment runs past the end of the file");
    EDIT_PH64(1, ph.p_offset = len - 0x80);
    assert_int_equal(parse(len, NULL), 0);
}

static void test_elf64_filesz_gt_memsz(void **state)
{
    size_t len = build_elf64();

    EDIT_PH64(0, ph.p_memsz = 0xFF);
    assert_fails(parse(len, NULL), -ENOEXEC, "p_filesz > p_memsz");
}

static void test_elf64_overlap(void **state)
{
    size_t len = build_elf64();

    EDIT_PH64(1, ph.p_paddr = ph.p_vaddr = 0x2000FF);
    assert_fails(parse(len, NULL), -ENOEXEC, "overlap");
    /* the second segment wholly containing the first */
    EDIT_PH64(1, ph.p_paddr = ph.p_vaddr = 0x1FF000);
    assert_fails(parse(len, NULL), -ENOEXEC, "overlap");
    /* touching is not overlapping */
    EDIT_PH64(1, ph.p_paddr = ph.p_vaddr = 0x200100);
    EDIT_EH64(eh.e_entry = 0x200100);
    assert_int_equal(parse(len, NULL), 0);
    assert_int_equal(plan.nsegs, 2);
}

static void test_elf64_no_load(void **state)
{
    size_t len = build_elf64();

    EDIT_PH64(0, ph.p_type = 4);          /* PT_NOTE */
    EDIT_PH64(1, ph.p_type = 0x6474E551); /* PT_GNU_STACK */
    assert_fails(parse(len, NULL), -ENOEXEC, "no loadable");

    build_elf64();
    EDIT_EH64(eh.e_phnum = 0);
    assert_fails(parse(len, NULL), -ENOEXEC, "no loadable");

    /* an empty PT_LOAD loads nothing: skipped, not counted */
    build_elf64();
    EDIT_PH64(1, ph.p_filesz = ph.p_memsz = 0);
    assert_int_equal(parse(len, NULL), 0);
    assert_int_equal(plan.nsegs, 1);
    assert_int_equal(plan.mem_needed, 0x201000);
}

static void test_elf64_not_identity(void **state)
{
    size_t len = build_elf64();

    EDIT_PH64(0, ph.p_vaddr = 0xFFFFFFFF80200000ULL);
    EDIT_EH64(eh.e_entry = 0xFFFFFFFF80200010ULL);
    assert_fails(parse(len, NULL), -ENOEXEC,
                 "ELF64 entry/segments must be identity-mapped (vaddr == paddr)");
    /* a non-identity segment is refused even when the entry is elsewhere */
    build_elf64();
    EDIT_PH64(1, ph.p_vaddr = 0x401000);
    assert_fails(parse(len, NULL), -ENOEXEC, "identity-mapped");
}

static void test_elf64_above_4g(void **state)
{
    size_t len = build_elf64();

    EDIT_PH64(1, ph.p_paddr = ph.p_vaddr = 0xFFFFF000);
    assert_fails(parse(len, NULL), -ERANGE, "4 GiB");
    EDIT_PH64(1, ph.p_paddr = ph.p_vaddr = 0x100000000ULL);
    assert_fails(parse(len, NULL), -ERANGE, "4 GiB");
    /* paddr + memsz wraps to a small number */
    EDIT_PH64(1, ph.p_paddr = ph.p_vaddr = UINT64_MAX - 0x1000);
    assert_fails(parse(len, NULL), -ERANGE, "4 GiB");
    /* ending exactly at 4 GiB is fine */
    EDIT_PH64(1, ph.p_paddr = ph.p_vaddr = 0xFFFFD000);
    assert_int_equal(parse(len, NULL), 0);
    assert_int_equal(plan.mem_needed, GiB(4));
}

static void test_elf64_too_many_segments(void **state)
{
    const unsigned n = IMAGE_MAX_SEGS + 1;
    size_t len;

    build_elf64();
    EDIT_EH64(eh.e_phnum = n);
    for (unsigned i = 0; i < n; i++)
        EDIT_PH64(i, (ph = (struct elf64_phdr){PT_LOAD, 5, 0, 0x200000 + i * 0x1000,
                                               0x200000 + i * 0x1000, 0x10, 0x1000, 0x1000}));
    len = E64_PHOFF + n * sizeof(struct elf64_phdr);
    assert_fails(parse(len, NULL), -E2BIG, "too many");

    /* exactly IMAGE_MAX_SEGS is fine */
    EDIT_EH64(eh.e_phnum = IMAGE_MAX_SEGS);
    assert_int_equal(parse(len, NULL), 0);
    assert_int_equal(plan.nsegs, IMAGE_MAX_SEGS);
    assert_int_equal(plan.mem_needed, 0x200000 + IMAGE_MAX_SEGS * 0x1000);
}

static void test_elf64_wins_over_mb1_header(void **state)
{
    size_t len = build_elf64();

    put_mb1(0x200, MB1_FLAG_MEMORY_INFO, NULL);
    assert_int_equal(parse(len, NULL), 0);
    assert_int_equal(plan.kind, IMAGE_ELF64);
    assert_int_equal(plan.mb1_flags, 0);
}

/* ---- multiboot1, a.out kludge ---- */

static void test_mb1_aout_valid(void **state)
{
    assert_int_equal(parse(build_aout(0x100200, 0x102000), "mode=real"), 0);
    assert_null(err);
    assert_int_equal(plan.kind, IMAGE_MB1);
    assert_int_equal(plan.mode, START_PROT32);
    assert_int_equal(plan.mb1_flags, MB1_FLAG_AOUT_KLUDGE | MB1_FLAG_MEMORY_INFO);
    assert_int_equal(plan.entry, 0x100080);
    assert_int_equal(plan.nsegs, 1);
    assert_seg(0, 0x100000, 0, 0x200, 0x2000);
    assert_int_equal(plan.mem_needed, 0x102000);
}

static void test_mb1_aout_load_end_zero_no_bss(void **state)
{
    assert_int_equal(parse(build_aout(0, 0), NULL), 0);
    assert_seg(0, 0x100000, 0, AOUT_LEN, AOUT_LEN);
    assert_int_equal(plan.mem_needed, 0x101000);
}

static void test_mb1_aout_file_offset(void **state)
{
    /* the header 0x1040 into the file but 0x40 into the kernel: load from 0x1000 */
    const uint32_t addr[5] = {0x100040, 0x100000, 0, 0x101000, 0x100000};

    put_mb1(0x1040, MB1_FLAG_AOUT_KLUDGE, addr);
    assert_int_equal(parse(0x1800, NULL), 0);
    assert_seg(0, 0x100000, 0x1000, 0x800, 0x1000);
    assert_int_equal(plan.entry, 0x100000);
}

static void test_mb1_aout_bad_addresses(void **state)
{
    build_aout(0x100200, 0x102000);
    set_aout_field(AOUT_LOAD_ADDR, 0x100044);
    assert_fails(parse(AOUT_LEN, NULL), -ENOEXEC, "load_addr is above header_addr");

    /* loading would have to start 0x1000 bytes before the file */
    build_aout(0x100200, 0x102000);
    set_aout_field(AOUT_LOAD_ADDR, 0xFF000);
    assert_fails(parse(AOUT_LEN, NULL), -ENOEXEC, "before the start of the file");

    build_aout(0xFFFFF, 0);
    assert_fails(parse(AOUT_LEN, NULL), -ENOEXEC, "load_end_addr is below load_addr");

    build_aout(0x100301, 0);
    assert_fails(parse(AOUT_LEN, NULL), -ENOEXEC, "past the end of the file");

    build_aout(0x100200, 0x1001FF);
    assert_fails(parse(AOUT_LEN, NULL), -ENOEXEC, "bss_end_addr");

    build_aout(0x100200, 0x102000);
    set_aout_field(AOUT_ENTRY, 0x102000);
    assert_fails(parse(AOUT_LEN, NULL), -ENOEXEC, "entry_addr");
    set_aout_field(AOUT_ENTRY, 0xFFFFF);
    assert_fails(parse(AOUT_LEN, NULL), -ENOEXEC, "entry_addr");
}

static void test_mb1_aout_above_4g(void **state)
{
    /* load_end 0 takes the rest of the file, which runs past 4 GiB */
    const uint32_t addr[5] = {0xFFFFF800, 0xFFFFF800, 0, 0, 0xFFFFF800};

    put_mb1(0, MB1_FLAG_AOUT_KLUDGE, addr);
    assert_int_equal(parse(0x800, NULL), 0);
    assert_int_equal(plan.mem_needed, GiB(4));
    assert_fails(parse(0x801, NULL), -ERANGE, "4 GiB");
}

static void test_mb1_aout_fields_past_search_area(void **state)
{
    /* the 12-byte header ends at 8 KiB, but the address fields would not */
    const uint32_t addr[5] = {0x100000, 0x100000, 0, 0, 0x100000};

    put_mb1(MB1_SEARCH_LEN - MB1_HEADER_MIN_LEN, MB1_FLAG_AOUT_KLUDGE, addr);
    assert_fails(parse(MB1_SEARCH_LEN + 0x100, NULL), -ENOEXEC, "address fields");
    /* and a file that ends inside them */
    memset(img, 0, sizeof(img));
    put_mb1(0x40, MB1_FLAG_AOUT_KLUDGE, addr);
    assert_fails(parse(0x40 + 20, NULL), -ENOEXEC, "address fields");
}

/* ---- multiboot1, header search ---- */

static void test_mb1_unaligned_header_not_found(void **state)
{
    const uint32_t addr[5] = {0x100042, 0x100000, 0, 0, 0x100000};

    put_mb1(0x42, MB1_FLAG_AOUT_KLUDGE, addr);
    assert_int_equal(parse(0x200, NULL), 0);
    assert_int_equal(plan.kind, IMAGE_FLAT);
    assert_int_equal(plan.mb1_flags, 0);
}

static void test_mb1_bad_checksum_is_flat(void **state)
{
    uint32_t bad = 1;

    build_aout(0, 0);
    memcpy(img + AOUT_HOFF + 8, &bad, sizeof(bad));
    assert_int_equal(parse(AOUT_LEN, NULL), 0);
    assert_int_equal(plan.kind, IMAGE_FLAT);
    assert_int_equal(plan.mode, START_REAL16);
    assert_int_equal(plan.entry, 0x8000);
}

static void test_mb1_search_window(void **state)
{
    /* the last aligned spot whose 12 bytes fit in the first 8 KiB */
    put_mb1(MB1_SEARCH_LEN - MB1_HEADER_MIN_LEN, 0, NULL);
    assert_fails(parse(MB1_SEARCH_LEN + 16, NULL), -ENOEXEC, "neither ELF32 nor a.out");

    memset(img, 0, sizeof(img));
    put_mb1(MB1_SEARCH_LEN - MB1_HEADER_MIN_LEN + 4, 0, NULL);
    assert_int_equal(parse(MB1_SEARCH_LEN + 16, "mode=prot32"), 0);
    assert_int_equal(plan.kind, IMAGE_FLAT);

    /* a header cut off by the end of the file is no header */
    memset(img, 0, sizeof(img));
    put_mb1(0x40, 0, NULL);
    assert_int_equal(parse(0x40 + MB1_HEADER_MIN_LEN - 1, NULL), 0);
    assert_int_equal(plan.kind, IMAGE_FLAT);
}

static void test_mb1_flags(void **state)
{
    const uint32_t addr[5] = {0x100000, 0x100000, 0, 0, 0x100000};

    put_mb1(0, MB1_FLAG_AOUT_KLUDGE | (1u << 3), addr);
    assert_fails(parse(0x100, NULL), -EOPNOTSUPP, "unsupported features");
    put_mb1(0, MB1_FLAG_AOUT_KLUDGE | (1u << 15), addr);
    assert_fails(parse(0x100, NULL), -EOPNOTSUPP, "unsupported features");
    /* video mode is a preference we may ignore */
    put_mb1(0, MB1_FLAG_AOUT_KLUDGE | MB1_FLAG_VIDEO_MODE | MB1_FLAG_PAGE_ALIGN, addr);
    assert_int_equal(parse(0x100, NULL), 0);
    assert_int_equal(plan.mb1_flags,
                     MB1_FLAG_AOUT_KLUDGE | MB1_FLAG_VIDEO_MODE | MB1_FLAG_PAGE_ALIGN);
    /* bits above 16 are optional features: ignored */
    put_mb1(0, MB1_FLAG_AOUT_KLUDGE | (1u << 20), addr);
    assert_int_equal(parse(0x100, NULL), 0);
}

static void test_mb1_not_elf_without_kludge(void **state)
{
    img[0] = 0xEB;
    put_mb1(0x40, MB1_FLAG_MEMORY_INFO, NULL);
    assert_fails(parse(0x200, NULL), -ENOEXEC, "neither ELF32 nor a.out");
}

/* ---- multiboot1, ELF32 ---- */

static void test_mb1_elf32_valid(void **state)
{
    assert_int_equal(parse(build_elf32(), NULL), 0);
    assert_null(err);
    assert_int_equal(plan.kind, IMAGE_MB1);
    assert_int_equal(plan.mode, START_PROT32);
    assert_int_equal(plan.mb1_flags, MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY_INFO);
    assert_int_equal(plan.entry, 0x100060);
    assert_int_equal(plan.nsegs, 1);
    assert_seg(0, 0x100000, 0, E32_LEN, 0x2000);
    assert_int_equal(plan.mem_needed, 0x102000);
}

static void test_mb1_elf32_higher_half(void **state)
{
    /* linked at 3 GiB, loaded at 1 MiB: the entry is translated as GRUB does */
    size_t len = build_elf32();
    struct elf32_ehdr eh;

    EDIT_PH32(ph.p_vaddr = 0xC0100000);
    memcpy(&eh, img, sizeof(eh));
    eh.e_entry = 0xC0100060;
    memcpy(img, &eh, sizeof(eh));
    assert_int_equal(parse(len, NULL), 0);
    assert_int_equal(plan.entry, 0x100060);
    assert_seg(0, 0x100000, 0, E32_LEN, 0x2000);

    eh.e_entry = 0x100060; /* physical, outside every p_vaddr range */
    memcpy(img, &eh, sizeof(eh));
    assert_fails(parse(len, NULL), -ENOEXEC, "ELF32 entry point is outside");
}

static void test_mb1_elf32_bad(void **state)
{
    size_t len = build_elf32();
    struct elf32_ehdr eh;

    memcpy(&eh, img, sizeof(eh));
    eh.e_machine = EM_X86_64;
    memcpy(img, &eh, sizeof(eh));
    assert_fails(parse(len, NULL), -ENOEXEC, "i386");

    build_elf32();
    EDIT_PH32(ph.p_memsz = E32_LEN - 1);
    assert_fails(parse(len, NULL), -ENOEXEC, "ELF32 segment has p_filesz > p_memsz");

    build_elf32();
    EDIT_PH32(ph.p_paddr = 0xFFFFF000);
    assert_fails(parse(len, NULL), -ERANGE, "ELF32 segment does not fit below 4 GiB");
}

static void test_mb1_elf32_truncated(void **state)
{
    size_t len = build_elf32();

    /* header found, segment cut short */
    assert_fails(parse(len - 1, NULL), -ENOEXEC, "ELF32 segment runs past the end of the file");
    /* header found, program header table cut short */
    assert_fails(parse(E32_PHOFF + 16, NULL), -ENOEXEC, "ELF32 program headers run past");
    /* cut before the multiboot1 header */
    assert_fails(parse(40, NULL), -ENOEXEC, "no multiboot1 header");
    assert_fails(parse(8, NULL), -ENOEXEC, "truncated");
}

static void test_mb1_elf32_aout_kludge_wins(void **state)
{
    /* 3.1.3: with bit 16 the address fields are used, not the ELF headers */
    const uint32_t addr[5] = {0x300000 + E32_MB1OFF, 0x300000, 0, 0x304000, 0x300010};
    size_t len = build_elf32();
    struct elf32_ehdr eh;

    memcpy(&eh, img, sizeof(eh));
    eh.e_machine = EM_X86_64; /* would be refused as ELF32 */
    memcpy(img, &eh, sizeof(eh));
    put_mb1(E32_MB1OFF, MB1_FLAG_AOUT_KLUDGE, addr);
    assert_int_equal(parse(len, NULL), 0);
    assert_int_equal(plan.kind, IMAGE_MB1);
    assert_int_equal(plan.entry, 0x300010);
    assert_seg(0, 0x300000, 0, len, 0x4000);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_flat_defaults),
        T(test_flat_keys),
        T(test_flat_bad_keys),
        T(test_flat_bad_values),
        T(test_flat_real_mode_limit),
        T(test_flat_4g_limit),
        T(test_empty_image),
        T(test_names),
        T(test_elf64_valid),
        T(test_elf64_entry_in_bss_and_last_byte),
        T(test_elf64_bad_ident),
        T(test_elf64_bad_header_fields),
        T(test_elf64_phdrs_out_of_file),
        T(test_elf64_truncated),
        T(test_elf_magic_only),
        T(test_elf64_segment_past_end),
        T(test_elf64_filesz_gt_memsz),
        T(test_elf64_overlap),
        T(test_elf64_no_load),
        T(test_elf64_not_identity),
        T(test_elf64_above_4g),
        T(test_elf64_too_many_segments),
        T(test_elf64_wins_over_mb1_header),
        T(test_mb1_aout_valid),
        T(test_mb1_aout_load_end_zero_no_bss),
        T(test_mb1_aout_file_offset),
        T(test_mb1_aout_bad_addresses),
        T(test_mb1_aout_above_4g),
        T(test_mb1_aout_fields_past_search_area),
        T(test_mb1_unaligned_header_not_found),
        T(test_mb1_bad_checksum_is_flat),
        T(test_mb1_search_window),
        T(test_mb1_flags),
        T(test_mb1_not_elf_without_kludge),
        T(test_mb1_elf32_valid),
        T(test_mb1_elf32_higher_half),
        T(test_mb1_elf32_bad),
        T(test_mb1_elf32_truncated),
        T(test_mb1_elf32_aout_kludge_wins),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
