/* SPDX-License-Identifier: MIT */
/*
 * Guest page-table walk in software, for instruction fetch and operand
 * accesses the hypervisor emulates (SDM Vol. 3A chapter 4).
 */
#include "lib/errno.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"
#include "vmm/decode/guest_walk.h"

/* CR4 bits the walk reads that kernel/x86/regs.h does not name (SDM Vol. 3A 2.5). */
#define WALK_CR4_PSE (1ULL << 4)
#define WALK_CR4_LA57 (1ULL << 12)
#define WALK_CR4_SMEP (1ULL << 20)
#define WALK_CR4_SMAP (1ULL << 21)

#define PAGE_4K 4096ULL

struct walk {
    const struct guest_paging *pg;
    const struct guest_mem *mem;
    uint64_t la;
    unsigned access;
    unsigned maxphy;            /* MAXPHYADDR clamped to 32..52 */
    bool user_ok, write_ok, nx; /* rights accumulated over the levels (SDM 4.6.1) */
};

static uint64_t bits(unsigned hi, unsigned lo)
{
    return (hi >= 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1);
}

static bool nxe(const struct walk *w)
{
    return w->pg->efer & EFER_NXE;
}

/* The #PF error code for this access, with P and RSVD as given (SDM 4.7). */
static int fault(const struct walk *w, uint32_t flags, struct guest_fault *f)
{
    const struct guest_paging *pg = w->pg;
    bool id = ((pg->cr4 & CR4_PAE) && nxe(w)) || (pg->cr4 & WALK_CR4_SMEP);

    f->addr = w->la;
    f->error = flags | (w->access & (PFERR_W | PFERR_U));
    if ((w->access & PFERR_I) && id)
        f->error |= PFERR_I;
    return -EFAULT;
}

/* Whether the accumulated rights deny the access (SDM 4.6.1). */
static bool denied(const struct walk *w)
{
    const struct guest_paging *pg = w->pg;
    bool user = w->access & GW_USER, write = w->access & GW_WRITE, fetch = w->access & GW_FETCH;

    if (user && !w->user_ok)
        return true;
    if (fetch && w->nx)
        return true;
    if (write && !w->write_ok && (user || (pg->cr0 & CR0_WP)))
        return true;
    if (!user && w->user_ok && fetch && (pg->cr4 & WALK_CR4_SMEP))
        return true;
    return !user && w->user_ok && !fetch && (pg->cr4 & WALK_CR4_SMAP) && !pg->ac;
}

static int read_entry(const struct walk *w, uint64_t addr, unsigned size, uint64_t *e)
{
    *e = 0;
    return w->mem->read_gpa(w->mem->ctx, addr, e, size);
}

/* Reserved bits of a present 8-byte entry at `shift` (SDM tables 4-8 to 4-20). */
static uint64_t rsvd_mask(const struct walk *w, unsigned shift, uint64_t e, bool pae)
{
    uint64_t m = bits(pae ? 62 : 51, w->maxphy);

    if (!nxe(w))
        m |= 1ULL << 63;
    if (!(e & PTE_PS) || shift == 12)
        return m;
    if (shift == 21)
        return m | bits(20, 13);
    if (shift == 30)
        return m | bits(29, 13);
    return m | PTE_PS; /* PML4E, PML5E: no pages that large */
}

/* Reserved bits of a present 32-bit paging entry: only in 4-MByte PDEs (table 4-4). */
static uint64_t rsvd_mask32(const struct walk *w, unsigned shift, uint64_t e)
{
    unsigned m = w->maxphy > 40 ? 40 : w->maxphy; /* PSE-36 holds 8 more bits at most */

    if (shift != 22 || !(e & PTE_PS) || !(w->pg->cr4 & WALK_CR4_PSE))
        return 0;
    return bits(21, 13 + m - 32);
}

static bool is_leaf(const struct walk *w, unsigned shift, uint64_t e, unsigned esize)
{
    if (shift == 12)
        return true;
    if (esize == 4)
        return (e & PTE_PS) && (w->pg->cr4 & WALK_CR4_PSE);
    return e & PTE_PS;
}

/* The page frame a leaf maps; a 4-MByte PDE holds address bits 39:32 in 20:13. */
static uint64_t leaf_frame(const struct walk *w, unsigned shift, uint64_t e, unsigned esize)
{
    if (esize == 4 && shift == 22)
        return (e & 0xffc00000ULL) | (((e >> 13) & 0xff) << 32);
    return e & bits(w->maxphy - 1, shift);
}

/*
 * Walks tables from `table` down, `ibits` index bits per level, the top level
 * indexed by la bits starting at `shift`.
 */
static int walk_tables(struct walk *w, uint64_t table, unsigned shift, unsigned ibits,
                       unsigned esize, uint64_t *gpa, struct guest_fault *f)
{
    uint64_t e, rsvd;
    int ret;

    for (;; shift -= ibits) {
        ret = read_entry(w, table + ((w->la >> shift) & ((1u << ibits) - 1)) * esize, esize, &e);
        if (ret)
            return ret;
        if (!(e & PTE_P))
            return fault(w, 0, f);
        if (esize == 4)
            rsvd = rsvd_mask32(w, shift, e);
        else
            rsvd = rsvd_mask(w, shift, e, !(w->pg->efer & EFER_LMA));
        if (e & rsvd)
            return fault(w, PFERR_P | PFERR_RSVD, f);
        w->user_ok &= !!(e & PTE_U);
        w->write_ok &= !!(e & PTE_W);
        w->nx |= nxe(w) && (e & PTE_NX);
        if (is_leaf(w, shift, e, esize))
            break;
        table = e & bits(esize == 4 ? 31 : w->maxphy - 1, 12);
    }
    if (denied(w))
        return fault(w, PFERR_P, f);
    *gpa = leaf_frame(w, shift, e, esize) | (w->la & ((1ULL << shift) - 1));
    return 0;
}

/* PAE: the PDPTE for la[31:30], from the CPU's copy or from the table at CR3 (4.4.1). */
static int pae_walk(struct walk *w, uint64_t *gpa, struct guest_fault *f)
{
    unsigned i = (w->la >> 30) & 3;
    uint64_t e;
    int ret = 0;

    if (w->pg->pdpte)
        e = w->pg->pdpte[i];
    else
        ret = read_entry(w, (w->pg->cr3 & 0xffffffe0ULL) + i * 8, 8, &e);
    if (ret)
        return ret;
    if (!(e & PTE_P))
        return fault(w, 0, f);
    if (e & (bits(63, w->maxphy) | bits(2, 1) | bits(8, 5)))
        return fault(w, PFERR_P | PFERR_RSVD, f);
    return walk_tables(w, e & bits(w->maxphy - 1, 12), 21, 9, 8, gpa, f);
}

static bool canonical(uint64_t la, unsigned va_bits)
{
    int64_t s = (int64_t)(la << (64 - va_bits)) >> (64 - va_bits);

    return (uint64_t)s == la;
}

int guest_walk(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
               unsigned access, uint64_t *gpa, struct guest_fault *f)
{
    struct walk w = {pg, mem, la, access, pg->maxphyaddr, true, true, false};
    bool la57 = pg->cr4 & WALK_CR4_LA57;

    if (w.maxphy < 32 || w.maxphy > 52)
        w.maxphy = w.maxphy < 32 ? 32 : 52;
    if (!(pg->efer & EFER_LMA))
        w.la = la & 0xffffffffULL;
    if (!(pg->cr0 & CR0_PG)) {
        *gpa = w.la;
        return 0;
    }
    if (pg->efer & EFER_LMA) {
        if (!canonical(la, la57 ? 57 : 48))
            return -EINVAL;
        return walk_tables(&w, pg->cr3 & bits(w.maxphy - 1, 12), la57 ? 48 : 39, 9, 8, gpa, f);
    }
    if (pg->cr4 & CR4_PAE)
        return pae_walk(&w, gpa, f);
    return walk_tables(&w, pg->cr3 & 0xfffff000ULL, 22, 10, 4, gpa, f);
}

/* Next linear address: outside long mode they wrap at 4 GiB. */
static uint64_t la_add(const struct guest_paging *pg, uint64_t la, uint64_t n)
{
    return pg->efer & EFER_LMA ? la + n : (la + n) & 0xffffffffULL;
}

static size_t chunk(uint64_t la, size_t len)
{
    size_t room = PAGE_4K - (la & (PAGE_4K - 1));

    return len < room ? len : room;
}

/* Translates every page of [la, la + len) so a fault anywhere comes before any copy. */
static int check_range(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
                       unsigned access, size_t len, struct guest_fault *f)
{
    uint64_t gpa;
    size_t n;
    int ret;

    for (; len; len -= n, la = la_add(pg, la, n)) {
        n = chunk(la, len);
        ret = guest_walk(pg, mem, la, access, &gpa, f);
        if (ret)
            return ret;
    }
    return 0;
}

int guest_read_linear(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
                      unsigned access, void *dst, size_t len, struct guest_fault *f)
{
    uint8_t *d = dst;
    uint64_t gpa;
    size_t n;
    int ret = check_range(pg, mem, la, access, len, f);

    for (; !ret && len; len -= n, la = la_add(pg, la, n), d += n) {
        n = chunk(la, len);
        ret = guest_walk(pg, mem, la, access, &gpa, f);
        if (!ret)
            ret = mem->read_gpa(mem->ctx, gpa, d, n);
    }
    return ret;
}

int guest_fetch_insn(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
                     unsigned access, void *dst, size_t len, struct guest_fault *f)
{
    size_t first = chunk(la, len);
    int ret;

    access |= GW_FETCH;
    ret = guest_read_linear(pg, mem, la, access, dst, first, f);
    if (ret || first == len)
        return ret ? ret : (int)first;
    ret = guest_read_linear(pg, mem, la_add(pg, la, first), access, (uint8_t *)dst + first,
                            len - first, f);
    if (ret == -EFAULT)
        return first;
    return ret ? ret : (int)len;
}

int guest_write_linear(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
                       unsigned access, const void *src, size_t len, struct guest_fault *f)
{
    const uint8_t *s = src;
    uint64_t gpa;
    size_t n;
    int ret;

    if (!mem->write_gpa)
        return -EINVAL;
    access |= GW_WRITE;
    ret = check_range(pg, mem, la, access, len, f);
    for (; !ret && len; len -= n, la = la_add(pg, la, n), s += n) {
        n = chunk(la, len);
        ret = guest_walk(pg, mem, la, access, &gpa, f);
        if (!ret)
            ret = mem->write_gpa(mem->ctx, gpa, s, n);
    }
    return ret;
}
