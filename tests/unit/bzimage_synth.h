/* SPDX-License-Identifier: MIT */
/*
 * A synthetic bzImage for the loader tests: a setup area with a valid 2.15
 * header shaped like Debian's 6.1 kernel (relocatable, 2 MiB alignment,
 * pref_address 16 MiB) and a small protected-mode kernel of patterned
 * bytes. Tests then break one field at a time.
 */
#ifndef TESTS_UNIT_BZIMAGE_SYNTH_H
#define TESTS_UNIT_BZIMAGE_SYNTH_H

#include <stdint.h>
#include <string.h>
#include "vmm/loader/linux_boot.h"

#define SYNTH_SETUP_SECTS 4
#define SYNTH_SETUP_SIZE ((SYNTH_SETUP_SECTS + 1) * LINUX_SECTOR_SIZE)
#define SYNTH_KERNEL_SIZE 0x1000
#define SYNTH_LEN (SYNTH_SETUP_SIZE + SYNTH_KERNEL_SIZE)
#define SYNTH_JUMP 0x6a /* header ends at 0x26c, as in 2.15 kernels */
#define SYNTH_INIT_SIZE 0x400000
#define SYNTH_PREF 0x1000000
#define SYNTH_ALIGN 0x200000
#define SYNTH_CMDLINE_SIZE 2047
#define SYNTH_INITRD_MAX 0x7fffffff
#define SYNTH_PAYLOAD_OFF 0x100
#define SYNTH_PAYLOAD_LEN 0x800
/* Room for tests that grow the setup area or the kernel. */
#define SYNTH_BUF_SIZE 0x8000

static inline void synth_put(uint8_t *img, size_t off, uint64_t v, size_t size)
{
    memcpy(img + off, &v, size);
}

#define SYNTH_SET(img, f, v) \
    synth_put(img, LINUX_HDR_OFF(f), v, sizeof(((struct linux_setup_header *)0)->f))

static inline uint8_t synth_kernel_byte(size_t i)
{
    return (uint8_t)(i * 7 + 3);
}

/* Writes the good image into img (SYNTH_BUF_SIZE bytes); returns its length. */
static inline size_t synth_bzimage(uint8_t *img)
{
    memset(img, 0, SYNTH_BUF_SIZE);
    SYNTH_SET(img, setup_sects, SYNTH_SETUP_SECTS);
    SYNTH_SET(img, syssize, SYNTH_KERNEL_SIZE / LINUX_SYSSIZE_UNIT);
    SYNTH_SET(img, boot_flag, LINUX_BOOT_FLAG);
    SYNTH_SET(img, jump, 0xeb | (SYNTH_JUMP << 8));
    SYNTH_SET(img, header, LINUX_HDRS_MAGIC);
    SYNTH_SET(img, version, 0x020f);
    SYNTH_SET(img, loadflags, LINUX_LF_LOADED_HIGH);
    SYNTH_SET(img, code32_start, 0x100000);
    SYNTH_SET(img, initrd_addr_max, SYNTH_INITRD_MAX);
    SYNTH_SET(img, kernel_alignment, SYNTH_ALIGN);
    SYNTH_SET(img, relocatable_kernel, 1);
    SYNTH_SET(img, min_alignment, 21);
    SYNTH_SET(img, xloadflags, LINUX_XLF_KERNEL_64);
    SYNTH_SET(img, cmdline_size, SYNTH_CMDLINE_SIZE);
    SYNTH_SET(img, payload_offset, SYNTH_PAYLOAD_OFF);
    SYNTH_SET(img, payload_length, SYNTH_PAYLOAD_LEN);
    SYNTH_SET(img, pref_address, SYNTH_PREF);
    SYNTH_SET(img, init_size, SYNTH_INIT_SIZE);
    /* Setup code after the header: must not be copied into the zero page. */
    memset(img + LINUX_HDR_END_BASE + SYNTH_JUMP, 0xcc, 0x20);
    for (size_t i = 0; i < SYNTH_KERNEL_SIZE; i++)
        img[SYNTH_SETUP_SIZE + i] = synth_kernel_byte(i);
    return SYNTH_LEN;
}

#endif
