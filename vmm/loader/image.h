/* SPDX-License-Identifier: MIT */
/*
 * Guest image parsing: turns a module (flat binary, ELF64 or multiboot1
 * kernel) into a load plan. Pure code, no memory access beyond the image:
 * vmm/loader/load.c copies the segments into guest memory afterwards.
 */
#ifndef VMM_LOADER_IMAGE_H
#define VMM_LOADER_IMAGE_H

#include "lib/compiler.h"

#define IMAGE_MAX_SEGS 16

enum image_kind {
    IMAGE_UNKNOWN,
    IMAGE_FLAT,  /* raw bytes; load address and mode from key=value words */
    IMAGE_ELF64, /* ELF64 EXEC, PT_LOAD at p_paddr, entered in 64-bit mode */
    IMAGE_MB1,   /* multiboot1 kernel, entered in 32-bit protected mode */
};

enum start_mode {
    START_REAL16, /* real mode, CS:IP = entry>>4:entry&15, unrestricted guest */
    START_PROT32, /* flat 32-bit protected mode, paging off */
    START_LONG64, /* 64-bit mode on identity page tables the loader builds */
};

struct image_seg {
    uint64_t gpa;       /* guest-physical load address */
    uint64_t file_off;  /* offset in the image */
    uint64_t file_size; /* bytes copied from the image */
    uint64_t mem_size;  /* bytes occupied in the guest (>= file_size; rest zeroed) */
};

struct image_plan {
    enum image_kind kind;
    enum start_mode mode;
    uint64_t entry;      /* guest address where execution starts */
    uint64_t mem_needed; /* highest guest-physical byte the segments touch, rounded to 4 KiB */
    unsigned nsegs;
    struct image_seg segs[IMAGE_MAX_SEGS];
    /* multiboot1 only (Multiboot 0.6.96, 3.1): the header's flags word */
    uint32_t mb1_flags;
};

/*
 * Parses img (len bytes). args are the module's words after its name
 * (e.g. "load=0x8000 mode=real"), may be NULL. Returns 0 and fills plan,
 * or a negative error with *err set to a one-line reason (never NULL then).
 * Detection order: ELF magic (ELF64 -> IMAGE_ELF64; ELF32 with a multiboot1
 * header -> IMAGE_MB1), multiboot1 header in the first 8 KiB -> IMAGE_MB1,
 * else IMAGE_FLAT.
 */
int image_parse(const void *img, size_t len, const char *args, struct image_plan *plan,
                const char **err);
const char *image_kind_name(enum image_kind k);
const char *start_mode_name(enum start_mode m);

#endif
