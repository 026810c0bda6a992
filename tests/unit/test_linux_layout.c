/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/loader/bzimage.c vmm/loader/linux_layout.c vmm/loader/linux_build.c vmm/platform/acpi_gen.c lib/printf.c lib/string.c */
/*
 * Linux guest layout tests. The synthetic bzImage of bzimage_synth.h is
 * planned for several memory and initrd sizes, then built into a flat
 * buffer standing for guest RAM (filled with garbage first, so anything the
 * builder must zero shows), and the zero page, page tables, GDT and copies
 * are read back at the offsets the boot protocol gives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/loader/bzimage.h"
#include "vmm/loader/linux_layout.h"
#include "vmm/platform/acpi_gen.h"
#include "vmm/platform/guest_platform.h"
#include "tests/unit/bzimage_synth.h"

#define GARBAGE 0xa7
#define KERNEL_END (SYNTH_PREF + SYNTH_INIT_SIZE) /* 20 MiB */

static uint8_t img[SYNTH_BUF_SIZE];
static size_t img_len;
static struct bzimage_info bz;
static struct linux_boot_cfg cfg;
static struct linux_plan plan;
static struct linux_entry entry;
static const char *err;
static uint8_t initrd[0x30000];
static uint8_t acpi[ACPI_GEN_BUF_SIZE];

/* Guest RAM for builds, and a write callback that may be told to fail. */
static uint8_t *ram;
static uint64_t ram_size;
static uint64_t fail_gpa = UINT64_MAX; /* writes touching this address fail */
static unsigned nwrites;

static int ram_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    assert_ptr_equal(ctx, &ram);
    nwrites++;
    if (gpa > ram_size || len > ram_size - gpa)
        return -EFAULT;
    if (fail_gpa >= gpa && fail_gpa - gpa < len)
        return -EIO;
    memcpy(ram + gpa, src, len);
    return 0;
}

static int setup(void **state)
{
    img_len = synth_bzimage(img);
    assert_int_equal(bzimage_parse(img, img_len, &bz, &err), 0);
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i * 13 + 1);
    cfg = (struct linux_boot_cfg){.mem_size = MiB(64), .cmdline = "console=ttyS0 quiet"};
    memset(&entry, 0, sizeof(entry));
    fail_gpa = UINT64_MAX;
    nwrites = 0;
    err = NULL;
    return 0;
}

static int teardown(void **state)
{
    free(ram);
    ram = NULL;
    return 0;
}

static void reparse(void)
{
    assert_int_equal(bzimage_parse(img, img_len, &bz, &err), 0);
}

static int do_plan(void)
{
    err = NULL;
    return linux_plan(&bz, &cfg, &plan, &err);
}

static void plan_fails(int ret, const char *want)
{
    assert_int_equal(do_plan(), ret);
    assert_non_null(err);
    assert_ptr_equal(strstr(err, "linux: "), err);
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
}

static int do_build(void)
{
    free(ram);
    ram_size = cfg.mem_size;
    ram = malloc(ram_size);
    assert_non_null(ram);
    memset(ram, GARBAGE, ram_size);
    assert_int_equal(do_plan(), 0);
    return linux_build(&bz, &cfg, &plan, ram_write, &ram, &entry, &err);
}

static uint64_t rd(uint64_t gpa, size_t size)
{
    uint64_t v = 0;

    assert_true(gpa + size <= ram_size);
    memcpy(&v, ram + gpa, size);
    return v;
}

static uint64_t bp(size_t off, size_t size)
{
    return rd(LINUX_BOOT_PARAMS_GPA + off, size);
}

/* ------------------------------------------------------------ planning */

static void check_initrd_placement(uint64_t limit)
{
    uint64_t top = MIN(limit, cfg.mem_size);

    assert_true(IS_ALIGNED(plan.initrd_gpa, PAGE_SIZE));
    assert_true(plan.initrd_gpa >= plan.kernel_end);
    assert_true(plan.initrd_gpa + plan.initrd_size <= top);
    /* As high as it can go: one more page up would cross the limit. */
    assert_true(plan.initrd_gpa + PAGE_SIZE + plan.initrd_size > top);
}

static void test_plan_basic(void **state)
{
    cfg.initrd = initrd;
    cfg.initrd_len = 0x12345;
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.mem_size, MiB(64));
    assert_int_equal(plan.kernel_gpa, SYNTH_PREF);
    assert_int_equal(plan.kernel_end, KERNEL_END);
    assert_int_equal(plan.initrd_size, 0x12345);
    assert_int_equal(plan.initrd_gpa, ALIGN_DOWN(MiB(64) - 0x12345, PAGE_SIZE));
    check_initrd_placement(UINT64_MAX);
    assert_int_equal(plan.cmdline_gpa, LINUX_CMDLINE_GPA);
    assert_int_equal(plan.cmdline_len, strlen("console=ttyS0 quiet"));
    assert_int_equal(plan.boot_params_gpa, LINUX_BOOT_PARAMS_GPA);
    assert_int_equal(plan.pml4_gpa, LINUX_PT_GPA);
    assert_int_equal(plan.npd, 4);
    assert_int_equal(plan.acpi_gpa, 0);
}

/* Several memory and initrd sizes: the invariants hold for each. */
static void test_plan_sizes(void **state)
{
    static const uint64_t mems[] = {MiB(21), MiB(24), MiB(64),        MiB(256),
                                    GiB(1),  GiB(3),  GUEST_RAM_LIMIT};
    static const size_t initrds[] = {0, 1, PAGE_SIZE, 0x12345, sizeof(initrd)};

    for (size_t m = 0; m < ARRAY_SIZE(mems); m++) {
        for (size_t i = 0; i < ARRAY_SIZE(initrds); i++) {
            cfg.mem_size = mems[m];
            cfg.initrd = initrd;
            cfg.initrd_len = initrds[i];
            assert_int_equal(do_plan(), 0);
            assert_int_equal(plan.kernel_gpa, SYNTH_PREF);
            assert_int_equal(plan.npd, 4);
            if (initrds[i])
                check_initrd_placement((uint64_t)SYNTH_INITRD_MAX + 1);
            else
                assert_int_equal(plan.initrd_gpa, 0);
        }
    }
}

/* boot.rst: initrd_addr_max is the last byte the initrd may occupy. */
static void test_initrd_addr_max(void **state)
{
    SYNTH_SET(img, initrd_addr_max, 0x37ffffff);
    reparse();
    cfg.mem_size = GiB(2);
    cfg.initrd = initrd;
    cfg.initrd_len = 0x12345;
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.initrd_limit, 0x38000000);
    assert_int_equal(plan.initrd_gpa, ALIGN_DOWN(0x38000000 - 0x12345, PAGE_SIZE));
    check_initrd_placement(0x38000000);
}

/* XLF_CAN_BE_LOADED_ABOVE_4G lifts initrd_addr_max: the initrd goes to the top of RAM. */
static void test_initrd_can_be_above_limit(void **state)
{
    SYNTH_SET(img, initrd_addr_max, 0x37ffffff);
    SYNTH_SET(img, xloadflags, LINUX_XLF_KERNEL_64 | LINUX_XLF_CAN_BE_LOADED_ABOVE_4G);
    reparse();
    cfg.mem_size = GiB(2);
    cfg.initrd = initrd;
    cfg.initrd_len = 0x12345;
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.initrd_limit, GiB(2));
    assert_int_equal(plan.initrd_gpa, ALIGN_DOWN(GiB(2) - 0x12345, PAGE_SIZE));
}

/* The initrd fits exactly in the pages between the kernel's end and the top. */
static void test_initrd_exact_fit(void **state)
{
    cfg.mem_size = KERNEL_END + 3 * PAGE_SIZE;
    cfg.initrd = initrd;
    cfg.initrd_len = 3 * PAGE_SIZE;
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.initrd_gpa, KERNEL_END);
    cfg.initrd_len = 3 * PAGE_SIZE + 1;
    plan_fails(-ENOMEM, "need 21 MiB of guest memory, the VM has 20 MiB");
}

static void test_initrd_does_not_fit(void **state)
{
    cfg.mem_size = MiB(20);
    cfg.initrd = initrd;
    cfg.initrd_len = 0x30000; /* 192 KiB */
    plan_fails(-ENOMEM, "linux: the kernel and the 192 KiB initrd need 21 MiB of guest memory, "
                        "the VM has 20 MiB");
}

/* When initrd_addr_max is what is in the way, more memory would not help: say so. */
static void test_initrd_limit_in_the_way(void **state)
{
    SYNTH_SET(img, initrd_addr_max, KERNEL_END + 0x1000 - 1);
    reparse();
    cfg.initrd = initrd;
    cfg.initrd_len = 0x2000;
    plan_fails(-ENOMEM, "does not fit between the kernel's end 0x1400000 and the kernel's initrd "
                        "limit 0x1401000");
    /* A limit below the kernel's end is no better. */
    SYNTH_SET(img, initrd_addr_max, 0xfffff);
    reparse();
    plan_fails(-ENOMEM, "initrd limit 0x100000");
}

static void test_initrd_without_data(void **state)
{
    cfg.initrd_len = 10;
    plan_fails(-EINVAL, "initrd length given without its data");
}

static void test_kernel_needs_more_memory(void **state)
{
    cfg.mem_size = MiB(16);
    plan_fails(-ENOMEM, "linux: the kernel needs 20 MiB of guest memory (at 0x1000000, init_size "
                        "0x400000), the VM has 16 MiB");
    cfg.mem_size = KERNEL_END;
    assert_int_equal(do_plan(), 0);
    cfg.mem_size = KERNEL_END - PAGE_SIZE;
    plan_fails(-ENOMEM, "the kernel needs 20 MiB");
}

static void test_kernel_placement(void **state)
{
    /* Relocatable: pref_address rounded up to kernel_alignment, never below 1 MiB. */
    SYNTH_SET(img, pref_address, 0x1234567);
    reparse();
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.kernel_gpa, 0x1400000);
    SYNTH_SET(img, pref_address, 0);
    reparse();
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.kernel_gpa, 0x200000);
    SYNTH_SET(img, kernel_alignment, 0x1000);
    reparse();
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.kernel_gpa, LINUX_HIGH_RAM);
    /* Not relocatable: exactly where it was linked. */
    SYNTH_SET(img, relocatable_kernel, 0);
    SYNTH_SET(img, pref_address, 0x1234000);
    reparse();
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.kernel_gpa, 0x1234000);
    assert_int_equal(plan.kernel_end, 0x1234000 + SYNTH_INIT_SIZE);
    SYNTH_SET(img, pref_address, 0x80000);
    reparse();
    plan_fails(-EINVAL, "non-relocatable kernel wants 0x80000, below 1 MiB");
}

static void test_pref_address_beyond_ram(void **state)
{
    SYNTH_SET(img, pref_address, 0xffffffffffe00000ull);
    reparse();
    plan_fails(-EINVAL, "preferred address 0xffffffffffe00000 is beyond RAM");
}

/* The largest alignment a u32 holds must not wrap the placement. */
static void test_huge_alignment(void **state)
{
    SYNTH_SET(img, kernel_alignment, 0x80000000u);
    reparse();
    cfg.mem_size = GUEST_RAM_LIMIT;
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.kernel_gpa, 0x80000000u);
    cfg.mem_size = GiB(1);
    plan_fails(-ENOMEM, "the kernel needs 2052 MiB");
}

/* cmdline_size counts the characters, not the NUL. */
static void test_cmdline_size(void **state)
{
    SYNTH_SET(img, cmdline_size, 16);
    reparse();
    cfg.cmdline = "0123456789abcdef";
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.cmdline_len, 16);
    cfg.cmdline = "0123456789abcdefg";
    plan_fails(-E2BIG, "linux: the command line is 17 bytes, the kernel takes at most 16");
    cfg.cmdline = NULL;
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.cmdline_len, 0);
}

/* A kernel claiming a huge cmdline_size is held to our 64 KiB area. */
static void test_cmdline_area_limit(void **state)
{
    static char big[LINUX_CMDLINE_AREA + 10];

    SYNTH_SET(img, cmdline_size, 0xffffffffu);
    reparse();
    memset(big, 'a', sizeof(big) - 1);
    cfg.cmdline = big;
    plan_fails(-E2BIG, "the command line is over 65536 bytes, the kernel takes at most 65535");
    big[LINUX_CMDLINE_AREA - 1] = 0;
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.cmdline_len, LINUX_CMDLINE_AREA - 1);
}

static void test_memory_limits(void **state)
{
    cfg.mem_size = (uint64_t)GUEST_RAM_LIMIT + PAGE_SIZE;
    plan_fails(-EINVAL, "over the I/O APIC and LAPIC pages");
    cfg.mem_size = MiB(64) + 1;
    plan_fails(-EINVAL, "not a multiple of 4 KiB");
}

static void test_acpi_area(void **state)
{
    cfg.acpi = acpi;
    cfg.acpi_len = LINUX_ACPI_SIZE + 1;
    plan_fails(-EINVAL, "ACPI tables larger than their 128 KiB area");
    cfg.acpi = NULL;
    cfg.acpi_len = 100;
    plan_fails(-EINVAL, "ACPI table length given without the tables");
    cfg.acpi = acpi;
    assert_int_equal(do_plan(), 0);
    assert_int_equal(plan.acpi_gpa, LINUX_ACPI_GPA);
    assert_int_equal(plan.acpi_len, 100);
}

static void test_no_kernel(void **state)
{
    assert_int_equal(linux_plan(NULL, &cfg, &plan, &err), -EINVAL);
    assert_string_equal(err, "linux: no kernel");
}

/* e820: sorted, non-overlapping, RAM below 0x9f000 and from 1 MiB to the end. */
static void test_e820_map(void **state)
{
    static const uint64_t mems[] = {MiB(21), MiB(256), GUEST_RAM_LIMIT};

    for (size_t m = 0; m < ARRAY_SIZE(mems); m++) {
        cfg.mem_size = mems[m];
        cfg.acpi = m ? acpi : NULL;
        cfg.acpi_len = m ? 64 : 0;
        assert_int_equal(do_plan(), 0);
        assert_int_equal(plan.ne820, 4);
        for (unsigned i = 1; i < plan.ne820; i++)
            assert_int_equal(plan.e820[i].addr, plan.e820[i - 1].addr + plan.e820[i - 1].size);
        assert_int_equal(plan.e820[0].addr, 0);
        assert_int_equal(plan.e820[0].size, 0x9f000);
        assert_int_equal(plan.e820[0].type, LINUX_E820_RAM);
        assert_int_equal(plan.e820[1].type, LINUX_E820_RESERVED);
        assert_int_equal(plan.e820[2].addr, LINUX_ACPI_GPA);
        assert_int_equal(plan.e820[2].type, m ? LINUX_E820_ACPI : LINUX_E820_RESERVED);
        assert_int_equal(plan.e820[3].addr, MiB(1));
        assert_int_equal(plan.e820[3].addr + plan.e820[3].size, mems[m]);
        assert_int_equal(plan.e820[3].type, LINUX_E820_RAM);
    }
}

/* ------------------------------------------------------------ building */

static void build_full(void)
{
    struct acpi_gen_cfg ac;
    size_t used;

    acpi_gen_default_cfg(&ac, 2);
    assert_int_equal(acpi_gen_build(&ac, acpi, sizeof(acpi), LINUX_ACPI_GPA, &used), 0);
    cfg.acpi = acpi;
    cfg.acpi_len = used;
    cfg.initrd = initrd;
    cfg.initrd_len = sizeof(initrd) - 5;
    SYNTH_SET(img, setup_data, 0x1234); /* a loader field: must not survive the copy */
    SYNTH_SET(img, type_of_loader, 0x21);
    reparse();
    assert_int_equal(do_build(), 0);
}

/* boot_params fields at the offsets of bootparam.h, read raw from guest memory. */
static void test_build_boot_params(void **state)
{
    build_full();
    assert_int_equal(bp(0x202, 4), LINUX_HDRS_MAGIC);
    assert_int_equal(bp(0x1fe, 2), LINUX_BOOT_FLAG);
    assert_int_equal(bp(0x206, 2), 0x020f);
    assert_int_equal(bp(0x1fa, 2), 0xffff); /* vid_mode */
    assert_int_equal(bp(0x210, 1), 0xff);   /* type_of_loader */
    assert_int_equal(bp(0x211, 1), LINUX_LF_LOADED_HIGH);
    assert_int_equal(bp(0x218, 4), plan.initrd_gpa); /* ramdisk_image */
    assert_int_equal(bp(0x21c, 4), sizeof(initrd) - 5);
    assert_int_equal(bp(0x228, 4), LINUX_CMDLINE_GPA); /* cmd_line_ptr */
    assert_int_equal(bp(0x230, 4), SYNTH_ALIGN);
    assert_int_equal(bp(0x236, 2), LINUX_XLF_KERNEL_64);
    assert_int_equal(bp(0x250, 8), 0); /* setup_data */
    assert_int_equal(bp(0x258, 8), SYNTH_PREF);
    assert_int_equal(bp(0x260, 4), SYNTH_INIT_SIZE);
    assert_int_equal(bp(0x070, 8), LINUX_ACPI_GPA); /* acpi_rsdp_addr */
    assert_int_equal(bp(0x0c0, 4), 0);              /* ext_ramdisk_image */
    assert_int_equal(bp(0x0c4, 4), 0);              /* ext_ramdisk_size */
    assert_int_equal(bp(0x0c8, 4), 0);              /* ext_cmd_line_ptr */
    assert_int_equal(bp(0x1ef, 1), 0);              /* sentinel */
    assert_int_equal(bp(0x1e8, 1), 4);              /* e820_entries */
}

/* Zero-page bytes outside the header that the loader sets. */
static bool loader_field(size_t off)
{
    return (off >= 0x070 && off < 0x078) || off == 0x1e8; /* acpi_rsdp_addr, e820_entries */
}

/* The header is copied only up to its end; the rest of the zero page is zero. */
static void test_build_zero_page_clean(void **state)
{
    size_t hdr_end = LINUX_HDR_END_BASE + SYNTH_JUMP;

    build_full();
    for (size_t off = 0; off < LINUX_SETUP_HDR_OFF; off++)
        if (!loader_field(off))
            assert_int_equal(bp(off, 1), 0);
    for (size_t off = hdr_end; off < 0x2d0; off++)
        assert_int_equal(bp(off, 1), 0);
    for (size_t off = 0x2d0 + 4 * 20; off < LINUX_BOOT_PARAMS_SIZE; off++)
        assert_int_equal(bp(off, 1), 0);
    /* Setup-code bytes right after the header in the image stayed out. */
    assert_int_equal(img[hdr_end], 0xcc);
}

static void test_build_e820_in_zero_page(void **state)
{
    build_full();
    for (unsigned i = 0; i < 4; i++) {
        size_t e = 0x2d0 + i * 20;

        assert_int_equal(bp(e, 8), plan.e820[i].addr);
        assert_int_equal(bp(e + 8, 8), plan.e820[i].size);
        assert_int_equal(bp(e + 16, 4), plan.e820[i].type);
    }
    assert_int_equal(bp(0x2d0 + 2 * 20 + 16, 4), LINUX_E820_ACPI);
    assert_int_equal(bp(0x2d0 + 3 * 20 + 8, 8), MiB(64) - MiB(1));
}

static void test_build_copies(void **state)
{
    build_full();
    assert_memory_equal(ram + plan.kernel_gpa, img + SYNTH_SETUP_SIZE, SYNTH_KERNEL_SIZE);
    assert_int_equal(ram[plan.kernel_gpa + SYNTH_KERNEL_SIZE], GARBAGE); /* nothing past it */
    assert_memory_equal(ram + plan.initrd_gpa, initrd, sizeof(initrd) - 5);
    assert_string_equal((char *)ram + LINUX_CMDLINE_GPA, "console=ttyS0 quiet");
    assert_memory_equal(ram + LINUX_ACPI_GPA, acpi, cfg.acpi_len);
    assert_memory_equal(ram + LINUX_ACPI_GPA, "RSD PTR ", 8);
}

/* Walks the 4-level tables the way the CPU would for a 2 MiB page. */
static uint64_t translate(uint64_t va)
{
    uint64_t pml4e = rd(entry.cr3 + ((va >> 39) & 511) * 8, 8);
    uint64_t pdpte, pde;

    assert_int_equal(pml4e & 3, 3);
    pdpte = rd((pml4e & ~0xfffULL) + ((va >> 30) & 511) * 8, 8);
    assert_int_equal(pdpte & 0x83, 3); /* present, writable, not a 1 GiB page */
    pde = rd((pdpte & ~0xfffULL) + ((va >> 21) & 511) * 8, 8);
    assert_int_equal(pde & 0x83, 0x83);
    return (pde & ~0x1fffffULL) | (va & 0x1fffff);
}

static void test_build_identity_map(void **state)
{
    uint64_t probes[] = {0,           LINUX_BOOT_PARAMS_GPA, LINUX_CMDLINE_GPA, 0x1000200,
                         MiB(64) - 1, GiB(1) + 0x12345,      GiB(4) - 1};

    build_full();
    for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
        assert_int_equal(translate(probes[i]), probes[i]);
    /* Nothing past 4 GiB is mapped: PML4[1] and PDPT[4] are empty. */
    assert_int_equal(rd(entry.cr3 + 8, 8), 0);
    assert_int_equal(rd(entry.cr3 + PAGE_SIZE + 4 * 8, 8), 0);
    /* The tables end below Linux's trampoline at 0x9d000. */
    assert_true(entry.cr3 + (2 + plan.npd) * PAGE_SIZE <= LINUX_PT_LIMIT);
}

static void check_descriptor(uint64_t d, bool code)
{
    assert_int_equal(d & 0xffff, 0xffff);         /* limit 15:0 */
    assert_int_equal((d >> 48) & 0xf, 0xf);       /* limit 19:16 */
    assert_int_equal((d >> 16) & 0xffffff, 0);    /* base 23:0 */
    assert_int_equal(d >> 56, 0);                 /* base 31:24 */
    assert_true(d & (1ULL << 47));                /* present */
    assert_true(d & (1ULL << 55));                /* 4 KiB granularity */
    assert_int_equal((d >> 45) & 3, 0);           /* DPL 0 */
    assert_int_equal(!!(d & (1ULL << 43)), code); /* executable */
    assert_int_equal(!!(d & (1ULL << 53)), code); /* L: 64-bit code */
    assert_true(d & (1ULL << 41));                /* readable / writable */
}

static void test_build_entry_and_gdt(void **state)
{
    build_full();
    assert_int_equal(entry.rip, SYNTH_PREF + 0x200);
    assert_int_equal(entry.rsi, LINUX_BOOT_PARAMS_GPA);
    assert_int_equal(entry.cr3, LINUX_PT_GPA);
    assert_int_equal(entry.rsp, LINUX_STACK_TOP);
    assert_int_equal(entry.cs, 0x10);
    assert_int_equal(entry.ds, 0x18);
    assert_int_equal(entry.gdt_base, LINUX_GDT_GPA);
    assert_int_equal(entry.gdt_limit, 4 * 8 - 1);
    assert_int_equal(rd(entry.gdt_base, 8), 0);
    assert_int_equal(rd(entry.gdt_base + entry.cs, 8), entry.cs_desc);
    assert_int_equal(rd(entry.gdt_base + entry.ds, 8), entry.ds_desc);
    check_descriptor(entry.cs_desc, true);
    check_descriptor(entry.ds_desc, false);
}

/* No ACPI, no initrd, no command line: the fields say so. */
static void test_build_minimal(void **state)
{
    cfg.cmdline = NULL;
    assert_int_equal(do_build(), 0);
    assert_int_equal(bp(0x070, 8), 0);
    assert_int_equal(bp(0x218, 4), 0);
    assert_int_equal(bp(0x21c, 4), 0);
    assert_int_equal(rd(LINUX_CMDLINE_GPA, 1), 0);
    assert_int_equal(rd(LINUX_ACPI_GPA, 1), GARBAGE);
    assert_int_equal(bp(0x2d0 + 2 * 20 + 16, 4), LINUX_E820_RESERVED);
}

static void test_build_write_errors(void **state)
{
    static const struct {
        uint64_t gpa;
        const char *what;
    } cases[] = {
        {LINUX_BOOT_PARAMS_GPA + 0x228, "boot_params"},
        {LINUX_CMDLINE_GPA + 3, "command line"},
        {LINUX_GDT_GPA + 0x10, "GDT"},
        {LINUX_PT_GPA + 3 * PAGE_SIZE + 8, "page tables"},
        {LINUX_ACPI_GPA + 1, "ACPI tables"},
        {SYNTH_PREF + 0x200, "kernel"},
        {0, "initrd"}, /* 0: in the initrd, wherever the plan put it */
    };
    unsigned writes;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        nwrites = 0;
        build_full();
        writes = nwrites;
        fail_gpa = cases[i].gpa ? cases[i].gpa : plan.initrd_gpa + 7;
        nwrites = 0;
        assert_int_equal(linux_build(&bz, &cfg, &plan, ram_write, &ram, &entry, &err), -EIO);
        if (!strstr(err, cases[i].what))
            fail_msg("error \"%s\" does not name %s", err, cases[i].what);
        /* Stopped at the first failure: the initrd is the last write. */
        if (i + 1 < ARRAY_SIZE(cases))
            assert_true(nwrites < writes);
        else
            assert_int_equal(nwrites, writes);
        fail_gpa = UINT64_MAX;
    }
}

static void test_build_needs_matching_plan(void **state)
{
    assert_int_equal(do_plan(), 0);
    cfg.initrd = initrd;
    cfg.initrd_len = 10;
    assert_int_equal(linux_build(&bz, &cfg, &plan, ram_write, &ram, &entry, &err), -EINVAL);
    assert_string_equal(err, "linux: build called without a matching plan");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_plan_basic),
        T(test_plan_sizes),
        T(test_initrd_addr_max),
        T(test_initrd_can_be_above_limit),
        T(test_initrd_exact_fit),
        T(test_initrd_does_not_fit),
        T(test_initrd_limit_in_the_way),
        T(test_initrd_without_data),
        T(test_kernel_needs_more_memory),
        T(test_kernel_placement),
        T(test_pref_address_beyond_ram),
        T(test_huge_alignment),
        T(test_cmdline_size),
        T(test_cmdline_area_limit),
        T(test_memory_limits),
        T(test_acpi_area),
        T(test_no_kernel),
        T(test_e820_map),
        T(test_build_boot_params),
        T(test_build_zero_page_clean),
        T(test_build_e820_in_zero_page),
        T(test_build_copies),
        T(test_build_identity_map),
        T(test_build_entry_and_gdt),
        T(test_build_minimal),
        T(test_build_write_errors),
        T(test_build_needs_matching_plan),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
