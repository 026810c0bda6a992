/* SPDX-License-Identifier: MIT */
/*
 * A small cache of decoded instructions for MMIO emulation: a guest that
 * touches a device register in a loop (the xAPIC TPR, an IOAPIC index)
 * exits at the same few instructions again and again.
 *
 * The cache saves the decoder only, never the fetch: the caller still walks
 * the guest's page tables and reads the bytes at CS:RIP, and an entry is
 * used only when those bytes begin with the entry's bytes. insn_decode's
 * result depends on nothing but the mode and the instruction's own bytes
 * (it reads them in order and stops at the last one), so a hit returns
 * exactly what decoding would. Nothing needs invalidating: code that was
 * rewritten, remapped, or a new CR3 gives other bytes, and other bytes miss.
 * The linear RIP only picks the entry to compare with.
 */
#ifndef VMM_DECODE_INSN_CACHE_H
#define VMM_DECODE_INSN_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "vmm/decode/insn.h"

#define INSN_CACHE_WAYS 4

struct insn_cache_entry {
    uint64_t la;                 /* linear address of the instruction (CS base + RIP) */
    struct insn in;              /* in.len == 0: the entry is empty */
    uint8_t bytes[INSN_MAX_LEN]; /* the in.len bytes in was decoded from */
};

/* Zero-initialized is empty. Per vCPU: no locking. */
struct insn_cache {
    struct insn_cache_entry e[INSN_CACHE_WAYS];
    unsigned next; /* round-robin victim */
    uint64_t hits, misses;
};

/*
 * insn_decode(bytes, n, mode, in) with the cache in front: the same return
 * value and *in. la is the instruction's linear address. Only successful
 * decodes are cached.
 */
int insn_cache_decode(struct insn_cache *c, uint64_t la, const uint8_t *bytes, size_t n,
                      enum insn_mode mode, struct insn *in);

#endif
