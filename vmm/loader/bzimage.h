/* SPDX-License-Identifier: MIT */
/*
 * Checking a Linux bzImage held in host memory before it is loaded: is it a
 * kernel we can enter at its 64-bit entry point, and is all of it there?
 * Pure code: reads nothing beyond the image's len bytes.
 */
#ifndef VMM_LOADER_BZIMAGE_H
#define VMM_LOADER_BZIMAGE_H

#include "lib/compiler.h"

#define BZIMAGE_MSG_LEN 96

struct bzimage_info {
    const uint8_t *img; /* the image parsed; must outlive this struct */
    size_t len;
    uint16_t version;     /* boot protocol, e.g. 0x020f = 2.15 */
    unsigned setup_sects; /* after the "0 means 4" rule */
    size_t setup_size;    /* (setup_sects + 1) * 512: file offset of the kernel proper */
    size_t hdr_end;       /* file offset where the setup header ends */
    size_t kernel_size;   /* bytes of protected-mode kernel (syssize * 16) */
    uint8_t loadflags;
    uint16_t xloadflags;
    bool relocatable;
    uint32_t kernel_alignment;
    uint64_t pref_address;
    uint32_t init_size;
    uint32_t initrd_addr_max;
    uint32_t cmdline_size;
    uint32_t payload_offset; /* compressed payload, relative to the kernel proper */
    uint32_t payload_length;
    char msg[BZIMAGE_MSG_LEN]; /* *err may point here */
};

/*
 * Parses img (len bytes). Returns 0 and fills out, or a negative error
 * (-ENOEXEC: not a bzImage we can boot; -EINVAL: inconsistent header;
 * -E2BIG/-ENODATA: truncated) with *err set to a one-line reason starting
 * "bzImage: ". *err may point into out->msg.
 */
int bzimage_parse(const void *img, size_t len, struct bzimage_info *out, const char **err);

/* True when img carries the "HdrS" magic: a Linux kernel, to be checked by bzimage_parse. */
bool bzimage_detect(const void *img, size_t len);

/* The protected-mode kernel: what is copied to the load address. */
static inline const uint8_t *bzimage_kernel(const struct bzimage_info *bz)
{
    return bz->img + bz->setup_size;
}

#endif
