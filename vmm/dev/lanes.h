/* SPDX-License-Identifier: MIT */
/*
 * Byte lanes of a little-endian register of up to 4 bytes, as an x86 port
 * access of size bytes at byte offset off into it sees them (Intel SDM vol.
 * 1, 18.3: an I/O access of size n reaches ports p..p+n-1, the low byte at
 * p). Lanes past the register's 4th byte read 0 and are dropped on writes.
 */
#ifndef VMM_DEV_LANES_H
#define VMM_DEV_LANES_H

#include "lib/compiler.h"

#define LANES_MAX 4

/* The bits of the register an access covers, in place. */
static inline uint32_t lanes_mask(unsigned off, unsigned size)
{
    uint64_t m = size >= LANES_MAX ? 0xffffffffull : (1ull << (8 * size)) - 1;

    return off >= LANES_MAX ? 0 : (uint32_t)(m << (8 * off));
}

/* What the access reads: the covered lanes, shifted down to bit 0. */
static inline uint32_t lanes_read(uint32_t reg, unsigned off, unsigned size)
{
    return off >= LANES_MAX ? 0 : (reg & lanes_mask(off, size)) >> (8 * off);
}

/* The value written, moved to its lanes (bits outside them are 0). */
static inline uint32_t lanes_place(uint32_t val, unsigned off, unsigned size)
{
    return off >= LANES_MAX ? 0 : (uint32_t)((uint64_t)val << (8 * off)) & lanes_mask(off, size);
}

/* The register after the write: the covered lanes replaced, the others kept. */
static inline uint32_t lanes_write(uint32_t reg, unsigned off, unsigned size, uint32_t val)
{
    return (reg & ~lanes_mask(off, size)) | lanes_place(val, off, size);
}

#endif
