/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/loader/mb1_info.c lib/string.c */
/*
 * The multiboot1 info block hv hands a multiboot1 kernel (Multiboot
 * 0.6.96, 3.3): memory fields and map, command line, and the modules,
 * copied page aligned above the kernel with their strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/loader/load.h"
#include "vmm/loader/mb1_info.h"
#include "vmm/loader/multiboot1.h"
#include "vmm/vm.h"

#define MEM (8u << 20)
#define INFO 0x10000u
#define MB1_FLAG_BIT_MODS (1u << 3)
#define MB1_FLAG_BIT_MMAP (1u << 6)

static uint8_t *ram;
static struct vm vm;

void *vm_gpa_to_hva(struct vm *v, uint64_t gpa, uint64_t len)
{
    return gpa + len <= v->mem_size ? ram + gpa : NULL;
}

int vm_copy_to_guest(struct vm *v, uint64_t gpa, const void *src, uint64_t len)
{
    void *dst = vm_gpa_to_hva(v, gpa, len);

    if (!dst)
        return -14;
    memcpy(dst, src, len);
    return 0;
}

static uint32_t u32_at(uint32_t gpa)
{
    uint32_t v;

    memcpy(&v, ram + gpa, 4);
    return v;
}

static uint64_t u64_at(uint32_t gpa)
{
    uint64_t v;

    memcpy(&v, ram + gpa, 8);
    return v;
}

static int setup(void **state)
{
    ram = calloc(1, MEM);
    memset(&vm, 0, sizeof(vm));
    vm.mem_size = MEM;
    return ram ? 0 : -1;
}

static int teardown(void **state)
{
    free(ram);
    return 0;
}

static int build(const struct guest_module *mods, unsigned n, uint64_t image_end,
                 struct vcpu_start *st)
{
    struct image_plan p = {.kind = IMAGE_MB1, .mem_needed = image_end};

    memset(st, 0, sizeof(*st));
    return mb1_info_build(&vm, &p, "console=ttyS0 x=1", mods, n, st);
}

static void test_registers_and_memory_fields(void **state)
{
    struct vcpu_start st;

    assert_int_equal(build(NULL, 0, 0x200000, &st), 0);
    assert_int_equal(st.rax, MB1_BOOTLOADER_MAGIC);
    assert_int_equal(st.rbx, INFO);
    assert_int_equal(u32_at(INFO + 4), 0x9FC00 / 1024);          /* mem_lower */
    assert_int_equal(u32_at(INFO + 8), (MEM - 0x100000) / 1024); /* mem_upper: 1 MiB up */
    assert_string_equal((char *)ram + u32_at(INFO + 16), "console=ttyS0 x=1");
    assert_string_equal((char *)ram + u32_at(INFO + 64), "hv"); /* boot_loader_name */
    assert_int_equal(u32_at(INFO + 20), 0);                     /* mods_count */
}

/* 3.3: each entry is size (not counting itself), base, length, type; RAM is type 1. */
static void test_memory_map(void **state)
{
    struct vcpu_start st;
    uint32_t len, at, end, ram_bytes = 0;

    assert_int_equal(build(NULL, 0, 0x200000, &st), 0);
    assert_true(u32_at(INFO) & MB1_FLAG_BIT_MMAP);
    len = u32_at(INFO + 44);
    at = u32_at(INFO + 48);
    for (end = at + len; at < end; at += u32_at(at) + 4) {
        assert_int_equal(u32_at(at), 20);
        if (u32_at(at + 20) == 1)
            ram_bytes += (uint32_t)u64_at(at + 12);
        assert_true(u64_at(at + 4) + u64_at(at + 12) <= MEM);
    }
    assert_int_equal(at, end);
    assert_int_equal(ram_bytes, 0x9FC00 + MEM - 0x100000);
}

static void test_modules_page_aligned_above_the_image(void **state)
{
    static const char a[] = "NR_CPUS=2\n", b[] = "second";
    struct guest_module m[2] = {{a, sizeof(a) - 1, "env-cpus2"}, {b, sizeof(b), "two args"}};
    struct vcpu_start st;
    uint32_t mods;

    assert_int_equal(build(m, 2, 0x203100, &st), 0);
    assert_true(u32_at(INFO) & MB1_FLAG_BIT_MODS);
    assert_int_equal(u32_at(INFO + 20), 2);
    mods = u32_at(INFO + 24);
    assert_int_equal(u32_at(mods), 0x204000); /* the page after the image */
    assert_int_equal(u32_at(mods + 4), 0x204000 + sizeof(a) - 1);
    assert_memory_equal(ram + 0x204000, a, sizeof(a) - 1);
    assert_string_equal((char *)ram + u32_at(mods + 8), "env-cpus2");
    assert_int_equal(u32_at(mods + 16), 0x205000);
    assert_memory_equal(ram + 0x205000, b, sizeof(b));
    assert_string_equal((char *)ram + u32_at(mods + 24), "two args");
}

static void test_modules_that_do_not_fit(void **state)
{
    static char big[2 << 20];
    struct guest_module m = {big, sizeof(big), "big"};
    struct vcpu_start st;

    assert_int_equal(build(&m, 1, MEM - (1 << 20), &st), -ENOSPC);
    assert_int_equal(build(&m, 1, MEM - (2 << 20), &st), 0);
}

static void test_too_many_modules(void **state)
{
    struct guest_module m[MB1_MAX_MODULES + 1] = {{"x", 1, "x"}};
    struct vcpu_start st;

    for (unsigned i = 1; i <= MB1_MAX_MODULES; i++)
        m[i] = m[0];
    assert_int_not_equal(build(m, MB1_MAX_MODULES + 1, 0x200000, &st), 0);
    assert_int_equal(build(m, MB1_MAX_MODULES, 0x200000, &st), 0);
}

/* Strings never run past the info page, however long. */
static void test_long_strings_stay_in_the_page(void **state)
{
    static char longs[5000];
    struct guest_module m[MB1_MAX_MODULES];
    struct image_plan p = {.kind = IMAGE_MB1, .mem_needed = 0x200000};
    struct vcpu_start st;

    memset(longs, 'a', sizeof(longs) - 1);
    for (unsigned i = 0; i < MB1_MAX_MODULES; i++)
        m[i] = (struct guest_module){"x", 1, longs};
    memset(ram + INFO + 4096, 0x5A, 64);
    assert_int_equal(mb1_info_build(&vm, &p, longs, m, MB1_MAX_MODULES, &st), 0);
    for (unsigned i = 0; i < 64; i++)
        assert_int_equal(ram[INFO + 4096 + i], 0x5A);
    assert_int_equal(ram[INFO + 4095], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registers_and_memory_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modules_page_aligned_above_the_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modules_that_do_not_fit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_modules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_strings_stay_in_the_page, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
