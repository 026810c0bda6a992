/* SPDX-License-Identifier: MIT */
/* Decoded-instruction cache for MMIO emulation; see insn_cache.h for why a hit is exact. */
#include "vmm/decode/insn_cache.h"
#include "lib/string.h"

static bool entry_matches(const struct insn_cache_entry *e, uint64_t la, const uint8_t *bytes,
                          size_t n, enum insn_mode mode)
{
    return e->in.len && e->la == la && e->in.mode == mode && e->in.len <= n &&
           !memcmp(e->bytes, bytes, e->in.len);
}

int insn_cache_decode(struct insn_cache *c, uint64_t la, const uint8_t *bytes, size_t n,
                      enum insn_mode mode, struct insn *in)
{
    struct insn_cache_entry *victim = NULL;
    int len;

    for (unsigned i = 0; i < INSN_CACHE_WAYS; i++) {
        struct insn_cache_entry *e = &c->e[i];

        if (entry_matches(e, la, bytes, n, mode)) {
            *in = e->in;
            c->hits++;
            return e->in.len;
        }
        if (e->in.len && e->la == la)
            victim = e; /* the code at la changed: replace its stale entry */
    }
    c->misses++;
    len = insn_decode(bytes, n, mode, in);
    if (len <= 0 || len > INSN_MAX_LEN)
        return len;
    if (!victim) {
        victim = &c->e[c->next];
        c->next = (c->next + 1) % INSN_CACHE_WAYS;
    }
    victim->la = la;
    victim->in = *in;
    memcpy(victim->bytes, bytes, (size_t)len);
    return len;
}
