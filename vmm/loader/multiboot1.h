/* SPDX-License-Identifier: MIT */
/*
 * Multiboot 1 OS image header (Multiboot Specification 0.6.96, 3.1) and the
 * machine state it promises the kernel (3.2).
 */
#ifndef VMM_LOADER_MULTIBOOT1_H
#define VMM_LOADER_MULTIBOOT1_H

#include "lib/compiler.h"

/* 3.1.1: the header is 32-bit aligned and wholly inside the first 8192 bytes. */
#define MB1_HEADER_MAGIC 0x1BADB002u
#define MB1_SEARCH_LEN 8192
#define MB1_HEADER_ALIGN 4

/* 3.1.2: bits 0-15 are requirements the loader must honour or refuse. */
#define MB1_FLAG_PAGE_ALIGN (1u << 0) /* modules 4 KiB aligned */
#define MB1_FLAG_MEMORY_INFO (1u << 1)
#define MB1_FLAG_VIDEO_MODE (1u << 2)
#define MB1_FLAGS_REQUIRED 0x0000FFFFu
#define MB1_FLAG_AOUT_KLUDGE (1u << 16) /* address fields valid, 3.1.3 */

/* 3.2: EAX on entry */
#define MB1_BOOTLOADER_MAGIC 0x2BADB002u

/* 3.1.1 layout up to the a.out address fields; the video fields (3.1.4) follow. */
struct mb1_header {
    uint32_t magic;
    uint32_t flags;
    uint32_t checksum; /* magic + flags + checksum == 0 (mod 2^32) */
    /* valid only with MB1_FLAG_AOUT_KLUDGE, 3.1.3 */
    uint32_t header_addr;
    uint32_t load_addr;
    uint32_t load_end_addr; /* 0: load to the end of the file */
    uint32_t bss_end_addr;  /* 0: no bss */
    uint32_t entry_addr;
};

#define MB1_HEADER_MIN_LEN 12 /* magic, flags, checksum */

_Static_assert(sizeof(struct mb1_header) == 32, "multiboot1 header with address fields");

#endif
