/* fuzz-srcs: vmm/vmx/ept.c */
/* SPDX-License-Identifier: MIT */
/*
 * EPT builder under a sequence of map/unmap operations, checked against a
 * reference model (the newest operation covering an address decides it)
 * through ept_translate, and for structure and leaks by a walk at the end.
 *
 * Input: byte 0 flags (bit 0 2 MiB pages, bit 1 1 GiB pages, bit 2 limit
 * allocations to byte 1), then 5-byte operations:
 *   b0 bits 1:0 op (0, 2 map, 1 unmap, 3 check), bits 3:2 gpa unit,
 *      bits 5:4 size unit, bits 7:6 hpa unit (4K, 2M, 1G, 512G or 1G)
 *   b1 gpa = (b1 & 7) units + (b1 >> 3) pages; 512G units start near 2^48
 *   b2 size = ((b2 & 3) + 1) units + (b2 >> 2) pages; the 4th unit is 0
 *   b3 hpa = (b3 & 7) units + (b3 >> 3) pages
 *   b4 prot = b4 & 7, plus an invalid bit 3 if b4 & 8
 * Table pages are separate 4 KiB heap blocks named by fake addresses above
 * 2^45, far from any mapped hpa, so a leaf taken for a table is caught.
 */
#include <string.h>
#include "lib/errno.h"
#include "vmm/vmx/ept.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define FAKE_BASE (1ULL << 45)
#define MAX_PAGES 4096
#define MAX_OPS 128       /* operations run per input; later bytes are ignored */
#define BUDGET (1u << 14) /* leaves written per input, about: keeps a run fast */
#define GPA_LIMIT (1ULL << 48)
#define ADDR_MASK 0x000FFFFFFFFFF000ULL
#define LARGE (1ULL << 7)

static const uint64_t units[4] = {KiB(4), MiB(2), GiB(1), GiB(512)};

struct fake_mm {
    void *page[MAX_PAGES];
    bool live[MAX_PAGES];
    bool seen[MAX_PAGES];
    unsigned used, outstanding;
    long allocs_left; /* < 0: unlimited */
};

struct op {
    uint64_t gpa, size, hpa, prot;
    bool map;
};

struct model {
    struct op ops[MAX_OPS];
    unsigned n;
    bool valid; /* false once an operation failed half-way */
};

static struct fake_mm fm;

static uint64_t fake_alloc(void *ctx)
{
    struct fake_mm *f = ctx;

    if (f->allocs_left == 0 || f->used == MAX_PAGES)
        return 0;
    if (f->allocs_left > 0)
        f->allocs_left--;
    f->page[f->used] = aligned_alloc(4096, 4096);
    CHECK(f->page[f->used]);
    memset(f->page[f->used], 0, 4096);
    f->live[f->used] = true;
    f->outstanding++;
    return FAKE_BASE + (uint64_t)f->used++ * 4096;
}

/* The fake is the checker, not the code under test: no coverage feedback. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

NO_COVERAGE static unsigned fake_index(const struct fake_mm *f, uint64_t hpa)
{
    CHECK(hpa >= FAKE_BASE && !(hpa & 0xfff) && (hpa - FAKE_BASE) / 4096 < f->used);
    CHECK(f->live[(hpa - FAKE_BASE) / 4096]); /* use after free or double free */
    return (unsigned)((hpa - FAKE_BASE) / 4096);
}

static void fake_free(void *ctx, uint64_t hpa)
{
    struct fake_mm *f = ctx;
    unsigned i = fake_index(f, hpa);

    f->live[i] = false;
    f->outstanding--;
}

NO_COVERAGE static void *fake_virt(void *ctx, uint64_t hpa)
{
    return ((struct fake_mm *)ctx)->page[fake_index(ctx, hpa)];
}

static const struct ept_mm mm = {fake_alloc, fake_free, fake_virt, &fm};

/* The newest operation covering gpa decides: hpa | prot, or 0 when unmapped. */
static uint64_t model_lookup(const struct model *m, uint64_t gpa)
{
    for (unsigned i = m->n; i-- > 0;) {
        const struct op *o = &m->ops[i];

        if (gpa >= o->gpa && gpa - o->gpa < o->size)
            return o->map ? (o->hpa + (gpa - o->gpa)) | o->prot : 0;
    }
    return 0;
}

static void check_addr(const struct ept *e, const struct model *m, uint64_t gpa)
{
    uint64_t hpa, prot, want;
    unsigned level;
    int ret;

    if (gpa >= GPA_LIMIT) /* translate looks at bits 47:12 only */
        return;
    ret = ept_translate(e, gpa, &hpa, &prot, &level);
    CHECK(ret == 0 || ret == -ENOENT);
    if (ret == 0)
        CHECK(level <= 2 && prot && !(prot & ~EPT_RWX) && (hpa & 0xfff) == (gpa & 0xfff));
    if (!m->valid)
        return;
    want = model_lookup(m, gpa & ~0xfffULL);
    if (!want)
        CHECK(ret == -ENOENT);
    else
        CHECK(ret == 0 && (hpa & ~0xfffULL) == (want & ~0xfffULL) && prot == (want & 0xfff));
}

static void decode(const uint8_t *b, struct op *o, unsigned *kind)
{
    uint64_t gu = units[(b[0] >> 2) & 3], su = units[(b[0] >> 4) & 3];
    uint64_t hu = units[(b[0] >> 6) == 3 ? 2 : b[0] >> 6];

    *kind = b[0] & 3;
    o->map = *kind == 0 || *kind == 2;
    o->gpa = (gu == GiB(512) ? GPA_LIMIT - 4 * gu : 0) + (b[1] & 7) * gu + (b[1] >> 3) * KiB(4);
    o->size = (su == GiB(512) ? 0 : ((b[2] & 3) + 1) * su) + (b[2] >> 2) * KiB(4);
    o->hpa = (b[3] & 7) * hu + (b[3] >> 3) * KiB(4);
    o->prot = (b[4] & 7) | (b[4] & 8);
}

static bool op_valid(const struct op *o)
{
    bool range = o->size && o->gpa < GPA_LIMIT && o->size <= GPA_LIMIT - o->gpa;

    return range && (!o->map || ((o->prot & EPT_RWX) && !(o->prot & ~EPT_RWX)));
}

/*
 * Leaves an operation writes, about: the largest page its alignment allows,
 * then 4 KiB pages for the rest. (Unmapping 4 KiB leaves that a larger
 * aligned range covers costs more; the budget only needs a rough bound.)
 */
static uint64_t op_cost(const struct ept *e, const struct op *o)
{
    uint64_t align = o->gpa | (o->map ? o->hpa : 0), page = KiB(4);

    if (e->use_1g && !(align & (GiB(1) - 1)) && o->size >= GiB(1))
        page = GiB(1);
    else if (e->use_2m && !(align & (MiB(2) - 1)) && o->size >= MiB(2))
        page = MiB(2);
    return o->size / page + (o->size % page) / KiB(4);
}

static void run_op(struct ept *e, struct model *m, const struct op *o, uint64_t *budget)
{
    bool valid = op_valid(o);
    uint64_t cost = valid ? op_cost(e, o) : 0;
    int ret;

    if (cost > *budget)
        return;
    *budget -= cost;
    ret = o->map ? ept_map(e, o->gpa, o->hpa, o->size, o->prot) : ept_unmap(e, o->gpa, o->size);
    if (!valid) {
        CHECK(ret == -EINVAL);
        return;
    }
    CHECK(ret == 0 || (ret == -ENOMEM && fm.allocs_left == 0));
    if (ret)
        m->valid = false;
    else
        m->ops[m->n++] = *o;
    check_addr(e, m, o->gpa);
    check_addr(e, m, o->gpa - KiB(4));
    check_addr(e, m, o->gpa + o->size / 2);
    check_addr(e, m, o->gpa + o->size - KiB(4));
    check_addr(e, m, o->gpa + o->size);
}

/*
 * Every table reachable once, non-leaves plain RWX pointers, leaves aligned
 * to their size.
 */
NO_COVERAGE static unsigned walk(uint64_t pa, int lvl)
{
    uint64_t *t = fake_virt(&fm, pa);
    unsigned i = fake_index(&fm, pa), n = 1;

    CHECK(!fm.seen[i]);
    fm.seen[i] = true;
    for (unsigned k = 0; k < 512; k++) {
        uint64_t ent = t[k];

        if (!(ent & EPT_RWX)) {
            CHECK(ent == 0);
        } else if (lvl == 0 || (ent & LARGE)) {
            CHECK(lvl <= 2 && !((ent & ADDR_MASK) & ((1ULL << (12 + 9 * lvl)) - 1)));
        } else {
            CHECK((ent & ~ADDR_MASK) == EPT_RWX);
            n += walk(ent & ADDR_MASK, lvl - 1);
        }
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct model m;
    uint64_t budget = BUDGET;
    struct ept e;
    struct op o;
    unsigned kind;

    if (size < 2)
        return 0;
    host_log_clear();
    memset(&fm, 0, sizeof(fm));
    fm.allocs_left = (data[0] & 4) ? data[1] : -1;
    m.n = 0;
    m.valid = true;
    if (ept_init(&e, &mm, data[0] & 1, data[0] & 2)) {
        CHECK(fm.allocs_left == 0);
        return 0;
    }
    CHECK((ept_pointer(&e) & ADDR_MASK) == e.pml4);
    for (size_t i = 2; i + 5 <= size && i < 2 + 5 * MAX_OPS; i += 5) {
        decode(data + i, &o, &kind);
        if (kind == 3)
            check_addr(&e, &m, o.gpa);
        else
            run_op(&e, &m, &o, &budget);
    }
    CHECK(walk(e.pml4, 3) == e.tables && e.tables == fm.outstanding);
    ept_destroy(&e);
    CHECK(fm.outstanding == 0);
    for (unsigned i = 0; i < fm.used; i++)
        free(fm.page[i]);
    return 0;
}
