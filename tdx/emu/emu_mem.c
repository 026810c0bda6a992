/* SPDX-License-Identifier: MIT */
/*
 * Private memory during the build phase: the S-EPT as a real radix tree
 * (root in a TDCX page, lower levels in PT_EPT pages, EPT-format entries),
 * TDH.MEM.SEPT.ADD, TDH.MEM.PAGE.ADD (copy a source page into a new TD
 * page and map it) and TDH.MR.EXTEND. MRTD is a simple running hash
 * standing in for the module's SHA-384, not an attestation-grade value.
 */
#include "lib/string.h"
#include "tdx/emu/emu_internal.h"

#define PAGE_INFO_RSVD 0xFF8ULL /* RCX bits 11:3 */
#define MR_CHUNK 256
#define FNV_PRIME 0x100000001B3ULL

struct emu_td {
    uint64_t tdr_pa;
    struct tdxemu_tdr *tdr;
    struct tdxemu_tdcs *tdcs;
};

void tdxemu_measure(uint64_t mr[6], const void *buf, size_t len)
{
    const uint8_t *b = buf;

    for (size_t i = 0; i < len; i++)
        for (unsigned l = 0; l < 6; l++)
            mr[l] = (mr[l] ^ (b[i] + 0x9E * l)) * FNV_PRIME;
}

static void measure_gpa(struct tdxemu_tdcs *t, const char *tag, size_t len, uint64_t gpa)
{
    tdxemu_measure(t->mrtd, tag, len);
    tdxemu_measure(t->mrtd, &gpa, sizeof(gpa));
}

/* RDX = TDR of a TD whose op state lets leaf run. */
static uint64_t td_get(uint64_t tdr_pa, unsigned leaf, struct emu_td *td)
{
    uint64_t st = tdxemu_tdr_get(tdr_pa, TDX_OPERAND_ID_RDX, &td->tdr);

    td->tdr_pa = tdr_pa;
    return st == TDX_SUCCESS ? tdxemu_td_state(td->tdr, leaf, &td->tdcs) : st;
}

/* Private GPA: below the TD's GPA width, shared bit (width - 1) clear. */
static bool gpa_private(const struct tdxemu_tdcs *t, uint64_t gpa)
{
    return !(gpa >> (t->gpaw ? 51 : 47));
}

/* RCX = GPA | level: level in [min, max], GPA aligned to the level and private. */
static uint64_t page_info(const struct tdxemu_tdcs *t, uint64_t rcx, unsigned min, unsigned max)
{
    unsigned level = rcx & 7;
    uint64_t gpa = rcx & ~0xFFFULL;

    if ((rcx & PAGE_INFO_RSVD) || level < min || level > max ||
        !IS_ALIGNED(gpa, PAGE_SIZE << (9 * level)) || !gpa_private(t, gpa))
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
    return TDX_SUCCESS;
}

static uint64_t sept_error(uint64_t status, uint64_t septe, unsigned level, struct tdx_args *a)
{
    a->rcx = septe;
    a->rdx = level;
    return tdxemu_err(status, TDX_OPERAND_ID_RCX);
}

/*
 * Walks to the entry for gpa in the S-EPT table of level `level`
 * (0 = the 4K page table); a missing table above it is TDX_EPT_WALK_FAILED
 * with the blocking entry and its level in RCX/RDX.
 */
static uint64_t sept_walk(const struct emu_td *td, uint64_t gpa, unsigned level, struct tdx_args *a,
                          uint64_t **entry)
{
    uint64_t *table = tdxemu_page(td->tdr->tdcx[TDCX_SEPT]);

    for (unsigned l = td->tdcs->levels - 1;; l--) {
        uint64_t *e = &table[(gpa >> (PAGE_SHIFT + 9 * l)) & 511];
        struct tdxemu_pamt *next;

        if (l == level) {
            *entry = e;
            return TDX_SUCCESS;
        }
        next = SEPTE_IS_NL(*e) ? tdxemu_pamt_get(SEPTE_HPA(*e)) : NULL;
        if (!next || next->type != TDX_PT_EPT || next->owner != td->tdr_pa)
            return sept_error(TDX_EPT_WALK_FAILED, *e, l, a);
        table = tdxemu_page(SEPTE_HPA(*e));
    }
}

/*
 * Walk to a free entry at level (for SEPT.ADD / PAGE.ADD). SEPT.ADD locks
 * the S-EPT tree shared before the walk and the entry after it
 * (tdh_mem_sept_add.c: lock_sept_check_and_walk_private_gpa,
 * sept_lock_acquire_host); PAGE.ADD holds the TDR exclusively instead.
 */
static uint64_t free_entry(const struct emu_td *td, uint64_t rcx, bool lock, struct tdx_args *a,
                           uint64_t **e)
{
    unsigned level = rcx & 7;
    uint64_t st = lock ? tdxemu_stress_busy(TDX_OPERAND_ID_SEPT_TREE) : TDX_SUCCESS;

    if (st == TDX_SUCCESS)
        st = sept_walk(td, rcx & ~0xFFFULL, level, a, e);
    if (st == TDX_SUCCESS && lock && tdxemu_stress_lose())
        st = sept_error(TDX_OPERAND_BUSY, **e, level, a);
    if (st == TDX_SUCCESS && **e)
        st = sept_error(TDX_EPT_ENTRY_STATE_INCORRECT, **e, level, a);
    return st;
}

/*
 * TDH.MEM.SEPT.ADD: RCX = GPA | level of the parent entry (1 .. levels-1),
 * RDX = TDR, R8 = new S-EPT page, which becomes the level-1 table.
 */
uint64_t tdxemu_mem_sept_add(struct tdx_args *a, unsigned ver)
{
    uint64_t rcx = a->rcx, tdr_pa = a->rdx, *entry = NULL;
    struct tdxemu_pamt *e;
    struct emu_td td;
    uint64_t st = td_get(tdr_pa, TDH_MEM_SEPT_ADD, &td);

    a->rcx = a->rdx = 0;
    if (st == TDX_SUCCESS)
        st = page_info(td.tdcs, rcx, 1, td.tdcs->levels - 1u);
    if (st == TDX_SUCCESS)
        st = free_entry(&td, rcx, true, a, &entry);
    if (st == TDX_SUCCESS)
        st = tdxemu_page_check(a->r8, TDX_PT_NDA, TDX_OPERAND_ID_R8, &e);
    if (st != TDX_SUCCESS)
        return st;
    tdxemu_page_take(e, a->r8, TDX_PT_EPT, tdr_pa);
    *entry = a->r8 | SEPTE_NL;
    td.tdr->chldcnt++;
    return TDX_SUCCESS;
}

static uint64_t page_add_checks(struct emu_td *td, struct tdx_args *a, uint64_t rcx,
                                uint64_t **entry, void **src)
{
    uint64_t st = page_info(td->tdcs, rcx, 0, 0);

    if (st == TDX_SUCCESS)
        st = free_entry(td, rcx, false, a, entry);
    if (st == TDX_SUCCESS)
        st = tdxemu_shared_check(a->r9, PAGE_SIZE, TDX_OPERAND_ID_R9, src);
    return st;
}

/*
 * TDH.MEM.PAGE.ADD: RCX = GPA (4K), RDX = TDR, R8 = new TD page, R9 =
 * source page (shared). Copies the source in, maps it, measures the GPA.
 */
uint64_t tdxemu_mem_page_add(struct tdx_args *a, unsigned ver)
{
    static const char tag[] = "MEM.PAGE.ADD";
    uint64_t rcx = a->rcx, tdr_pa = a->rdx, *entry = NULL;
    struct tdxemu_pamt *e;
    void *src = NULL;
    struct emu_td td;
    uint64_t st = td_get(tdr_pa, TDH_MEM_PAGE_ADD, &td);

    a->rcx = a->rdx = 0;
    if (st == TDX_SUCCESS)
        st = page_add_checks(&td, a, rcx, &entry, &src);
    if (st == TDX_SUCCESS)
        st = tdxemu_page_check(a->r8, TDX_PT_NDA, TDX_OPERAND_ID_R8, &e);
    if (st != TDX_SUCCESS)
        return st;
    memmove(tdxemu_page(a->r8), src, PAGE_SIZE);
    e->type = TDX_PT_REG;
    e->owner = tdr_pa;
    if (tdxemu.plat.page_private)
        tdxemu.plat.page_private(tdxemu.plat.ctx, a->r8, true);
    *entry = a->r8 | SEPTE_LEAF;
    measure_gpa(td.tdcs, tag, sizeof(tag), rcx & ~0xFFFULL);
    td.tdr->chldcnt++;
    return TDX_SUCCESS;
}

/* TDH.MR.EXTEND: RCX = GPA of a 256-byte chunk of a PAGE.ADDed page, RDX = TDR. */
uint64_t tdxemu_mr_extend(struct tdx_args *a, unsigned ver)
{
    static const char tag[] = "MR.EXTEND";
    uint64_t gpa = a->rcx, *entry = NULL;
    struct emu_td td;
    uint64_t st = td_get(a->rdx, TDH_MR_EXTEND, &td);

    a->rcx = a->rdx = 0;
    if (st != TDX_SUCCESS)
        return st;
    if (!IS_ALIGNED(gpa, MR_CHUNK) || !gpa_private(td.tdcs, gpa))
        return tdxemu_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
    st = sept_walk(&td, gpa, 0, a, &entry);
    if (st == TDX_SUCCESS && !SEPTE_IS_LEAF(*entry))
        st = sept_error(TDX_EPT_WALK_FAILED, *entry, 0, a);
    if (st != TDX_SUCCESS)
        return st;
    measure_gpa(td.tdcs, tag, sizeof(tag), gpa);
    tdxemu_measure(td.tdcs->mrtd, (uint8_t *)tdxemu_page(SEPTE_HPA(*entry)) + (gpa & 0xFFF),
                   MR_CHUNK);
    return TDX_SUCCESS;
}
