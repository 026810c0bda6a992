/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/loader/bzimage.c lib/printf.c lib/string.c */
/*
 * bzImage parser tests: a synthetic 2.15 image (tests/unit/bzimage_synth.h)
 * is accepted with every field read back, then each check is tripped by
 * breaking one field, and the refusal must name the problem.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/loader/bzimage.h"
#include "tests/unit/bzimage_synth.h"

static uint8_t img[SYNTH_BUF_SIZE];
static size_t img_len;
static struct bzimage_info bz;
static const char *err;

static int setup(void **state)
{
    img_len = synth_bzimage(img);
    memset(&bz, 0xa5, sizeof(bz)); /* bzimage_parse must clear it */
    err = NULL;
    return 0;
}

static int parse(void)
{
    err = NULL;
    return bzimage_parse(img, img_len, &bz, &err);
}

/* Refused with ret, and the one-line reason contains want. */
static void refused(int ret, const char *want)
{
    assert_int_equal(parse(), ret);
    assert_non_null(err);
    assert_non_null(strstr(err, "bzImage: "));
    assert_ptr_equal(strstr(err, "bzImage: "), err);
    assert_null(strchr(err, '\n'));
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
}

static void test_good_image(void **state)
{
    assert_int_equal(parse(), 0);
    assert_ptr_equal(bz.img, img);
    assert_int_equal(bz.len, SYNTH_LEN);
    assert_int_equal(bz.version, 0x020f);
    assert_int_equal(bz.setup_sects, SYNTH_SETUP_SECTS);
    assert_int_equal(bz.setup_size, SYNTH_SETUP_SIZE);
    assert_int_equal(bz.hdr_end, 0x26c);
    assert_int_equal(bz.kernel_size, SYNTH_KERNEL_SIZE);
    assert_int_equal(bz.loadflags, LINUX_LF_LOADED_HIGH);
    assert_int_equal(bz.xloadflags, LINUX_XLF_KERNEL_64);
    assert_true(bz.relocatable);
    assert_int_equal(bz.kernel_alignment, SYNTH_ALIGN);
    assert_int_equal(bz.pref_address, SYNTH_PREF);
    assert_int_equal(bz.init_size, SYNTH_INIT_SIZE);
    assert_int_equal(bz.initrd_addr_max, SYNTH_INITRD_MAX);
    assert_int_equal(bz.cmdline_size, SYNTH_CMDLINE_SIZE);
    assert_int_equal(bz.payload_offset, SYNTH_PAYLOAD_OFF);
    assert_int_equal(bz.payload_length, SYNTH_PAYLOAD_LEN);
    assert_ptr_equal(bzimage_kernel(&bz), img + SYNTH_SETUP_SIZE);
    assert_true(bzimage_detect(img, img_len));
}

/* boot.rst: setup_sects 0 means 4. */
static void test_setup_sects_zero_means_four(void **state)
{
    SYNTH_SET(img, setup_sects, 0);
    assert_int_equal(parse(), 0);
    assert_int_equal(bz.setup_sects, 4);
    assert_int_equal(bz.setup_size, 5 * 512);
}

/* Debian's kernel has 39 setup sectors: the kernel proper moves with them. */
static void test_setup_sects_39(void **state)
{
    size_t setup = 40 * 512;

    memmove(img + setup, img + SYNTH_SETUP_SIZE, SYNTH_KERNEL_SIZE);
    SYNTH_SET(img, setup_sects, 39);
    img_len = setup + SYNTH_KERNEL_SIZE;
    assert_int_equal(parse(), 0);
    assert_int_equal(bz.setup_size, setup);
    assert_ptr_equal(bzimage_kernel(&bz), img + setup);
    assert_int_equal(bzimage_kernel(&bz)[5], synth_kernel_byte(5));
}

/* Signed kernels carry data past syssize: it is not part of the kernel. */
static void test_trailing_bytes_ignored(void **state)
{
    img_len += 1472;
    assert_int_equal(parse(), 0);
    assert_int_equal(bz.kernel_size, SYNTH_KERNEL_SIZE);
}

static void test_truncated_header(void **state)
{
    img_len = LINUX_HDR_MIN_END - 1;
    refused(-ENODATA, "bzImage: truncated setup header");
    assert_false(bzimage_detect(img, img_len));
    img_len = 0;
    refused(-ENODATA, "truncated setup header");
}

static void test_null_image(void **state)
{
    assert_int_equal(bzimage_parse(NULL, 100, &bz, &err), -EINVAL);
    assert_string_equal(err, "bzImage: no image");
}

static void test_no_boot_flag(void **state)
{
    SYNTH_SET(img, boot_flag, 0x55aa);
    refused(-ENOEXEC, "0xAA55");
}

static void test_no_hdrs_magic(void **state)
{
    SYNTH_SET(img, header, 0x53726449);
    refused(-ENOEXEC, "HdrS");
    assert_false(bzimage_detect(img, img_len));
}

static void test_old_protocol(void **state)
{
    SYNTH_SET(img, version, 0x020a);
    refused(-ENOEXEC, "2.10 is older");
    assert_string_equal(err, "bzImage: boot protocol 2.10 is older than 2.12");
    SYNTH_SET(img, version, 0x0203);
    refused(-ENOEXEC, "boot protocol 2.03 is older than 2.12");
    SYNTH_SET(img, version, 0x020b);
    refused(-ENOEXEC, "2.11");
}

static void test_protocol_2_12_accepted(void **state)
{
    SYNTH_SET(img, version, 0x020c);
    assert_int_equal(parse(), 0);
    assert_int_equal(bz.version, 0x020c);
}

static void test_truncated_setup_code(void **state)
{
    SYNTH_SET(img, setup_sects, 20);
    refused(-ENODATA, "truncated setup code (20 sectors, the file has 6656 bytes)");
}

/* A header that ends before init_size and handover_offset is not a 2.12 header. */
static void test_header_end_too_short(void **state)
{
    img[LINUX_JUMP_OFF_BYTE] = 0x60;
    refused(-EINVAL, "setup header ends at 0x262");
    img[LINUX_JUMP_OFF_BYTE] = 0x66; /* ends at 0x268: handover_offset included */
    assert_int_equal(parse(), 0);
    assert_int_equal(bz.hdr_end, 0x268);
}

static void test_not_loaded_high(void **state)
{
    SYNTH_SET(img, loadflags, 0);
    refused(-ENOEXEC, "not loaded high");
}

static void test_no_64bit_entry(void **state)
{
    SYNTH_SET(img, xloadflags, LINUX_XLF_CAN_BE_LOADED_ABOVE_4G | LINUX_XLF_EFI_HANDOVER_64);
    refused(-ENOEXEC, "no 64-bit entry point");
}

static void test_alignment(void **state)
{
    SYNTH_SET(img, kernel_alignment, 0x300000);
    refused(-EINVAL, "kernel_alignment 0x300000 is not a power of two");
    SYNTH_SET(img, kernel_alignment, 0);
    refused(-EINVAL, "kernel_alignment 0x0 is not a power of two");
    /* A non-relocatable kernel is loaded at pref_address: its alignment is unused. */
    SYNTH_SET(img, relocatable_kernel, 0);
    assert_int_equal(parse(), 0);
    assert_false(bz.relocatable);
    SYNTH_SET(img, relocatable_kernel, 1);
    SYNTH_SET(img, kernel_alignment, 0x80000000u);
    assert_int_equal(parse(), 0);
}

static void test_syssize_zero(void **state)
{
    SYNTH_SET(img, syssize, 0);
    refused(-EINVAL, "syssize is 0");
}

static void test_truncated_kernel(void **state)
{
    img_len--;
    refused(-ENODATA, "truncated kernel: the header says 4096 bytes, the file has 4095");
    img_len++;
    SYNTH_SET(img, syssize, 0xffffffffu); /* * 16 does not fit in 32 bits */
    refused(-ENODATA, "the header says 68719476720 bytes");
}

static void test_kernel_too_small_for_entry(void **state)
{
    SYNTH_SET(img, syssize, 0x200 / 16);
    SYNTH_SET(img, payload_offset, 0);
    SYNTH_SET(img, payload_length, 0);
    refused(-EINVAL, "ends before its 64-bit entry at 0x200");
    SYNTH_SET(img, syssize, 0x210 / 16);
    assert_int_equal(parse(), 0);
}

static void test_init_size_smaller_than_kernel(void **state)
{
    SYNTH_SET(img, init_size, SYNTH_KERNEL_SIZE - 1);
    refused(-EINVAL, "init_size 0xfff is smaller than the kernel (0x1000 bytes)");
    SYNTH_SET(img, init_size, SYNTH_KERNEL_SIZE);
    assert_int_equal(parse(), 0);
}

static void test_payload_outside_kernel(void **state)
{
    SYNTH_SET(img, payload_offset, SYNTH_KERNEL_SIZE + 1);
    SYNTH_SET(img, payload_length, 0);
    refused(-EINVAL, "payload (offset 0x1001, length 0x0) lies outside the kernel");
    SYNTH_SET(img, payload_offset, 0x800);
    SYNTH_SET(img, payload_length, 0x801);
    refused(-EINVAL, "payload");
    SYNTH_SET(img, payload_offset, 0x10);
    SYNTH_SET(img, payload_length, 0xffffffffu); /* offset + length wraps 32 bits */
    refused(-EINVAL, "payload");
    SYNTH_SET(img, payload_length, SYNTH_KERNEL_SIZE - 0x10);
    assert_int_equal(parse(), 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_good_image),
        T(test_setup_sects_zero_means_four),
        T(test_setup_sects_39),
        T(test_trailing_bytes_ignored),
        T(test_truncated_header),
        T(test_null_image),
        T(test_no_boot_flag),
        T(test_no_hdrs_magic),
        T(test_old_protocol),
        T(test_protocol_2_12_accepted),
        T(test_truncated_setup_code),
        T(test_header_end_too_short),
        T(test_not_loaded_high),
        T(test_no_64bit_entry),
        T(test_alignment),
        T(test_syssize_zero),
        T(test_truncated_kernel),
        T(test_kernel_too_small_for_entry),
        T(test_init_size_smaller_than_kernel),
        T(test_payload_outside_kernel),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
