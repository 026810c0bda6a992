/* SPDX-License-Identifier: MIT */
/*
 * bzImage checks (Documentation/arch/x86/boot.rst). The image is an
 * untrusted boot module: every field is read with memcpy at an offset
 * already checked against len, and sizes are compared in 64-bit arithmetic
 * that cannot wrap. We only enter kernels at their 64-bit entry point, so
 * everything the real-mode setup code would have done is the loader's job,
 * and a kernel that cannot be entered that way is refused here.
 */
#include <stdarg.h>
#include "lib/compiler.h"
#include "vmm/loader/fail.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vmm/loader/bzimage.h"
#include "vmm/loader/linux_boot.h"

static int __printf(4, 5)
    failf(struct bzimage_info *out, const char **err, int ret, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    kvsnprintf(out->msg, sizeof(out->msg), fmt, ap);
    va_end(ap);
    *err = out->msg;
    return ret;
}

/* Little-endian header field; the caller has checked off + size <= len. */
static uint64_t rd(const uint8_t *img, size_t off, size_t size)
{
    uint64_t v = 0;

    memcpy(&v, img + off, size);
    return v;
}

#define HDR(img, f) rd(img, LINUX_HDR_OFF(f), sizeof(((struct linux_setup_header *)0)->f))

bool bzimage_detect(const void *img, size_t len)
{
    return len >= LINUX_HDR_MIN_END && HDR((const uint8_t *)img, header) == LINUX_HDRS_MAGIC;
}

/* Is this a Linux boot sector new enough to have a 64-bit entry flag? */
static int check_magic(const uint8_t *img, size_t len, struct bzimage_info *out, const char **err)
{
    if (len < LINUX_HDR_MIN_END)
        return loader_fail(err, "bzImage: truncated setup header", -ENODATA);
    if (HDR(img, boot_flag) != LINUX_BOOT_FLAG)
        return loader_fail(err, "bzImage: no 0xAA55 boot flag at 0x1fe", -ENOEXEC);
    if (HDR(img, header) != LINUX_HDRS_MAGIC)
        return loader_fail(err, "bzImage: no \"HdrS\" magic at 0x202 (not a Linux kernel?)",
                           -ENOEXEC);
    out->version = HDR(img, version);
    if (out->version < LINUX_MIN_PROTOCOL)
        return failf(out, err, -ENOEXEC, "bzImage: boot protocol %u.%02u is older than 2.12",
                     out->version >> 8, out->version & 0xff);
    return 0;
}

/* The real-mode part: its size tells where the kernel proper starts. */
static int check_setup(const uint8_t *img, size_t len, struct bzimage_info *out, const char **err)
{
    out->setup_sects = img[LINUX_SETUP_HDR_OFF];
    if (!out->setup_sects)
        out->setup_sects = LINUX_SETUP_SECTS_DEFAULT;
    out->setup_size = (size_t)(out->setup_sects + 1) * LINUX_SECTOR_SIZE;
    if (out->setup_size > len)
        return failf(out, err, -ENODATA,
                     "bzImage: truncated setup code (%u sectors, the file has %zu bytes)",
                     out->setup_sects, len);
    out->hdr_end = LINUX_HDR_END_BASE + img[LINUX_JUMP_OFF_BYTE];
    if (out->hdr_end < LINUX_HDR_MIN_END)
        return failf(out, err, -EINVAL,
                     "bzImage: setup header ends at 0x%zx, before the 2.12 fields end",
                     out->hdr_end);
    return 0;
}

static int check_flags(const uint8_t *img, struct bzimage_info *out, const char **err)
{
    out->loadflags = HDR(img, loadflags);
    out->xloadflags = HDR(img, xloadflags);
    out->relocatable = HDR(img, relocatable_kernel);
    out->kernel_alignment = HDR(img, kernel_alignment);
    if (!(out->loadflags & LINUX_LF_LOADED_HIGH))
        return loader_fail(err, "bzImage: not loaded high (an old zImage), unsupported", -ENOEXEC);
    if (!(out->xloadflags & LINUX_XLF_KERNEL_64))
        return loader_fail(err, "bzImage: no 64-bit entry point (xloadflags.XLF_KERNEL_64 clear)",
                           -ENOEXEC);
    /* Placement rounds up to it; a non-relocatable kernel runs where it says. */
    if (out->relocatable &&
        (!out->kernel_alignment || (out->kernel_alignment & (out->kernel_alignment - 1))))
        return failf(out, err, -EINVAL, "bzImage: kernel_alignment 0x%x is not a power of two",
                     out->kernel_alignment);
    return 0;
}

/* The kernel proper: all there, entry inside it, room for it in init_size. */
static int check_kernel(const uint8_t *img, size_t len, struct bzimage_info *out, const char **err)
{
    uint64_t size = HDR(img, syssize) * LINUX_SYSSIZE_UNIT;

    if (!size)
        return loader_fail(err, "bzImage: syssize is 0 (no protected-mode kernel)", -EINVAL);
    if (size > len - out->setup_size)
        return failf(out, err, -ENODATA,
                     "bzImage: truncated kernel: the header says %llu bytes, the file has %zu",
                     (unsigned long long)size, len - out->setup_size);
    out->kernel_size = size;
    if (size <= LINUX_ENTRY64_OFF)
        return failf(out, err, -EINVAL,
                     "bzImage: kernel of %llu bytes ends before its 64-bit entry at 0x200",
                     (unsigned long long)size);
    out->init_size = HDR(img, init_size);
    if (out->init_size < size)
        return failf(out, err, -EINVAL,
                     "bzImage: init_size 0x%x is smaller than the kernel (0x%llx bytes)",
                     out->init_size, (unsigned long long)size);
    return 0;
}

/* Not used for loading, but a payload outside the kernel means a corrupt header. */
static int check_payload(const uint8_t *img, struct bzimage_info *out, const char **err)
{
    out->payload_offset = HDR(img, payload_offset);
    out->payload_length = HDR(img, payload_length);
    if (out->payload_offset > out->kernel_size ||
        out->payload_length > out->kernel_size - out->payload_offset)
        return failf(out, err, -EINVAL,
                     "bzImage: payload (offset 0x%x, length 0x%x) lies outside the kernel",
                     out->payload_offset, out->payload_length);
    return 0;
}

int bzimage_parse(const void *img, size_t len, struct bzimage_info *out, const char **err)
{
    const uint8_t *p = img;
    int ret;

    memset(out, 0, sizeof(*out));
    out->img = p;
    out->len = len;
    if (!p)
        return loader_fail(err, "bzImage: no image", -EINVAL);
    ret = check_magic(p, len, out, err);
    if (!ret)
        ret = check_setup(p, len, out, err);
    if (!ret)
        ret = check_flags(p, out, err);
    if (!ret)
        ret = check_kernel(p, len, out, err);
    if (!ret)
        ret = check_payload(p, out, err);
    if (ret)
        return ret;
    out->pref_address = HDR(p, pref_address);
    out->initrd_addr_max = HDR(p, initrd_addr_max);
    out->cmdline_size = HDR(p, cmdline_size);
    return 0;
}
