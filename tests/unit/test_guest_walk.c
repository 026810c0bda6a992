/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/decode/guest_walk.c */
/*
 * Guest page-table walk tests: page tables built in a flat buffer that
 * stands for guest-physical memory, for 4- and 5-level, PAE, 32-bit paging.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/errno.h"
#include "vmm/decode/guest_walk.h"
#include "tests/unit/paging_ctl_bits.h"

/* Page-table entry bits, spelled out so the tests don't share the walker's mistakes. */
#define P 0x1ULL
#define W 0x2ULL
#define U 0x4ULL
#define PS 0x80ULL
#define XD (1ULL << 63)

#define GMEM_SIZE (1u << 20)
#define ROOT 0x1000ULL

static uint8_t gmem[GMEM_SIZE];
static uint64_t next_table;
static unsigned reads;
static struct guest_paging pg;
static struct guest_fault flt;

static int read_gpa(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    assert_ptr_equal(ctx, gmem);
    reads++;
    if (gpa >= GMEM_SIZE || len > GMEM_SIZE - gpa)
        return -EIO;
    memcpy(dst, gmem + gpa, len);
    return 0;
}

static int write_gpa(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    if (gpa >= GMEM_SIZE || len > GMEM_SIZE - gpa)
        return -EIO;
    memcpy(gmem + gpa, src, len);
    return 0;
}

static const struct guest_mem mem = {read_gpa, write_gpa, gmem};

static uint64_t alloc_table(void)
{
    uint64_t t = next_table;

    next_table += 0x1000;
    assert_true(next_table <= 0x80000); /* data pages live above */
    return t;
}

static uint64_t *ent(uint64_t table, unsigned idx, unsigned esize)
{
    return (uint64_t *)(gmem + table + idx * esize);
}

/*
 * Maps la to gpa with 8-byte entries from `root`, the top level at `shift`,
 * the leaf at `leaf_shift`; tables get P|W|U (top level P only when `pae`),
 * the leaf `flags`. lv[i] points at the entry of each level, top first.
 */
static void map64(uint64_t la, uint64_t gpa, unsigned shift, unsigned leaf_shift, uint64_t flags,
                  bool pae, uint64_t *lv[5])
{
    uint64_t table = ROOT;

    for (unsigned i = 0;; shift -= 9, i++) {
        uint64_t *e = ent(table, (la >> shift) & 511, 8);

        lv[i] = e;
        if (shift == leaf_shift) {
            *e = gpa | flags;
            return;
        }
        if (!(*e & P))
            *e = alloc_table() | (pae && i == 0 ? P : P | W | U);
        table = *e & 0x000ffffffffff000ULL;
    }
}

static void map32(uint64_t la, uint64_t pde_or_pte, bool big, uint32_t *lv[2])
{
    uint32_t *pde = (uint32_t *)(gmem + ROOT + ((la >> 22) & 1023) * 4);

    lv[0] = pde;
    if (big) {
        *pde = pde_or_pte;
        return;
    }
    if (!(*pde & P))
        *pde = alloc_table() | P | W | U;
    lv[1] = (uint32_t *)(gmem + (*pde & 0xfffff000) + ((la >> 12) & 1023) * 4);
    *lv[1] = pde_or_pte;
}

static int setup(void **state)
{
    memset(gmem, 0, sizeof(gmem));
    next_table = ROOT + 0x1000;
    reads = 0;
    memset(&flt, 0, sizeof(flt));
    pg = (struct guest_paging){.cr0 = CR0_PG | CR0_WP | 1,
                               .cr3 = ROOT,
                               .cr4 = CR4_PAE,
                               .efer = EFER_LMA | EFER_NXE,
                               .maxphyaddr = 40};
    return 0;
}

static int walk(uint64_t la, unsigned access, uint64_t *gpa)
{
    return guest_walk(&pg, &mem, la, access, gpa, &flt);
}

static void assert_pf(uint64_t la, unsigned access, uint32_t error)
{
    uint64_t gpa = 0x5a5a;

    assert_int_equal(walk(la, access, &gpa), -EFAULT);
    assert_int_equal(flt.error, error);
    assert_int_equal(flt.addr, la);
    assert_int_equal(gpa, 0x5a5a);
}

static void assert_maps(uint64_t la, unsigned access, uint64_t want)
{
    uint64_t gpa;

    assert_int_equal(walk(la, access, &gpa), 0);
    assert_int_equal(gpa, want);
}

/* ------------------------------------------------------------------ 4-level */

static void test_paging_off_is_identity(void **state)
{
    pg.cr0 = 1;
    pg.efer = 0;
    assert_maps(0xfee00300, GW_WRITE, 0xfee00300);
    assert_maps(0x1fee00300, 0, 0xfee00300); /* linear addresses are 32 bits */
    assert_int_equal(reads, 0);
}

static void test_4level_4k(void **state)
{
    uint64_t *lv[5];

    map64(0xffff800000201234, 0x90000, 39, 12, P | W, false, lv);
    assert_maps(0xffff800000201234, 0, 0x90234);
    assert_maps(0xffff800000201fff, GW_WRITE, 0x90fff);
    assert_int_equal(reads, 8); /* 4 entries per walk */
}

static void test_4level_2m_and_1g(void **state)
{
    uint64_t *lv[5];

    map64(0x40200000, 0x40000000, 39, 21, P | W | PS | (1ULL << 12), false, lv); /* PAT bit */
    assert_maps(0x403fffff, 0, 0x401fffff);
    map64(0x80000000, 0xc0000000, 39, 30, P | PS, false, lv);
    assert_maps(0xbfedcba9, 0, 0xffedcba9);
}

static void test_4level_not_present_each_level(void **state)
{
    uint64_t *lv[5], la = 0x7fff12345000;

    map64(la, 0x90000, 39, 12, P | W | U, false, lv);
    assert_maps(la, GW_USER | GW_WRITE, 0x90000);
    for (int i = 3; i >= 0; i--) {
        *lv[i] &= ~P;
        assert_pf(la, GW_USER | GW_WRITE, PFERR_U | PFERR_W);
        assert_pf(la, 0, 0);
        *lv[i] |= P;
    }
}

static void test_write_to_read_only(void **state)
{
    uint64_t *lv[5];

    map64(0x200000, 0x90000, 39, 12, P | U, false, lv);
    assert_pf(0x200000, GW_WRITE, PFERR_P | PFERR_W);
    assert_pf(0x200000, GW_WRITE | GW_USER, PFERR_P | PFERR_W | PFERR_U);
    assert_maps(0x200000, 0, 0x90000);
    pg.cr0 &= ~CR0_WP; /* supervisor may write read-only pages, user may not */
    assert_maps(0x200000, GW_WRITE, 0x90000);
    assert_pf(0x200000, GW_WRITE | GW_USER, PFERR_P | PFERR_W | PFERR_U);
    /* R/W clear in an upper level is just as read-only */
    pg.cr0 |= CR0_WP;
    *lv[3] |= W;
    *lv[1] &= ~W;
    assert_pf(0x200000, GW_WRITE, PFERR_P | PFERR_W);
}

static void test_user_supervisor(void **state)
{
    uint64_t *lv[5];

    map64(0x200000, 0x90000, 39, 12, P | W | U, false, lv);
    assert_maps(0x200000, GW_USER, 0x90000);
    *lv[2] &= ~U; /* the PDE makes the whole 2 MiB supervisor-only */
    assert_pf(0x200000, GW_USER, PFERR_P | PFERR_U);
    assert_maps(0x200000, 0, 0x90000);
}

static void test_nx_fetch(void **state)
{
    uint64_t *lv[5];

    map64(0x200000, 0x90000, 39, 12, P | W, false, lv);
    assert_maps(0x200000, GW_FETCH, 0x90000);
    *lv[2] |= XD;
    assert_pf(0x200000, GW_FETCH, PFERR_P | PFERR_I);
    assert_maps(0x200000, GW_WRITE, 0x90000);
    /* without EFER.NXE bit 63 is reserved */
    pg.efer &= ~EFER_NXE;
    assert_pf(0x200000, 0, PFERR_P | PFERR_RSVD);
    assert_pf(0x200000, GW_FETCH, PFERR_P | PFERR_RSVD); /* and I/D needs NXE or SMEP */
}

static void test_not_present_fetch_reports_id(void **state)
{
    assert_pf(0x1000, GW_FETCH, PFERR_I);
    pg.efer &= ~EFER_NXE;
    assert_pf(0x1000, GW_FETCH, 0);
    pg.cr4 |= CR4_SMEP;
    assert_pf(0x1000, GW_FETCH, PFERR_I);
}

static void test_4level_reserved_bits(void **state)
{
    uint64_t *lv[5];

    pg.maxphyaddr = 36;
    map64(0x200000, 0x90000, 39, 12, P | W, false, lv);
    *lv[3] |= 1ULL << 36;
    assert_pf(0x200000, GW_WRITE, PFERR_P | PFERR_W | PFERR_RSVD);
    pg.maxphyaddr = 40; /* now an address bit */
    assert_maps(0x200000, 0, 0x1000090000);
    *lv[3] &= ~(1ULL << 36);
    *lv[3] |= 1ULL << 58; /* bits 62:52 are ignored with 4-level paging */
    assert_maps(0x200000, 0, 0x90000);
    *lv[0] |= PS; /* PS is reserved in a PML4E */
    assert_pf(0x200000, 0, PFERR_P | PFERR_RSVD);
}

static void test_large_page_reserved_bits(void **state)
{
    uint64_t *lv[5];

    map64(0x40000000, 0x40000000 | (1ULL << 13), 39, 30, P | PS, false, lv);
    assert_pf(0x40000000, 0, PFERR_P | PFERR_RSVD);
    map64(0x200000, 0x200000 | (1ULL << 20), 39, 21, P | PS, false, lv);
    assert_pf(0x200000, 0, PFERR_P | PFERR_RSVD);
}

static void test_smep_smap(void **state)
{
    uint64_t *lv[5];

    map64(0x200000, 0x90000, 39, 12, P | W | U, false, lv);
    assert_maps(0x200000, GW_FETCH, 0x90000);
    assert_maps(0x200000, 0, 0x90000);
    pg.cr4 |= CR4_SMEP | CR4_SMAP;
    assert_pf(0x200000, GW_FETCH, PFERR_P | PFERR_I);
    assert_pf(0x200000, 0, PFERR_P);
    assert_pf(0x200000, GW_WRITE, PFERR_P | PFERR_W);
    assert_maps(0x200000, GW_USER | GW_FETCH, 0x90000);
    pg.ac = true; /* stac: data accesses allowed again, fetches not */
    assert_maps(0x200000, GW_WRITE, 0x90000);
    assert_pf(0x200000, GW_FETCH, PFERR_P | PFERR_I);
}

static void test_non_canonical(void **state)
{
    uint64_t gpa;

    assert_int_equal(walk(0x0000800000000000, 0, &gpa), -EINVAL);
    assert_int_equal(walk(0xfff0000000000000, 0, &gpa), -EINVAL);
    assert_int_equal(reads, 0);
}

static void test_5level(void **state)
{
    uint64_t *lv[5], la = 0xff00123456789000;

    pg.cr4 |= CR4_LA57;
    map64(la, 0x91000, 48, 12, P | W, false, lv);
    assert_maps(la | 0xabc, 0, 0x91abc);
    assert_int_equal(reads, 5);
    *lv[0] &= ~P;
    assert_pf(la, 0, 0);
    pg.cr4 &= ~CR4_LA57; /* canonical for 57 bits, not for 48 */
    assert_int_equal(walk(la, 0, &la), -EINVAL);
}

static void test_table_outside_memory(void **state)
{
    uint64_t *lv[5];

    map64(0x200000, 0x90000, 39, 12, P | W, false, lv);
    *lv[1] = 0x4000000000ULL | P | W;
    assert_int_equal(walk(0x200000, 0, &(uint64_t){0}), -EIO);
}

/* ------------------------------------------------------------------ PAE */

static void pae_setup(void)
{
    pg.efer = EFER_NXE;
    pg.cr4 = CR4_PAE;
    pg.cr3 = ROOT | 0x18; /* the PDPT address is CR3 bits 31:5; PWT/PCD below */
}

static void test_pae_4k_and_2m(void **state)
{
    uint64_t *lv[5];

    pae_setup();
    map64(0xc0201000, 0x93000, 30, 12, P | W, true, lv);
    assert_maps(0xc0201234, GW_WRITE, 0x93234);
    map64(0x00400000, 0x600000, 30, 21, P | W | PS, true, lv);
    assert_maps(0x005fffff, 0, 0x7fffff);
    assert_maps(0x1005fffff, 0, 0x7fffff); /* only 32 bits of la count */
    *lv[0] |= W;                           /* bits 2:1 of a PDPTE are reserved */
    assert_pf(0x00400000, 0, PFERR_P | PFERR_RSVD);
}

static void test_pae_reserved_and_nx(void **state)
{
    uint64_t *lv[5];

    pae_setup();
    map64(0x1000, 0x93000, 30, 12, P | W, true, lv);
    *lv[2] |= 1ULL << 58; /* bits 62:M are reserved with PAE paging */
    assert_pf(0x1000, 0, PFERR_P | PFERR_RSVD);
    *lv[2] &= ~(1ULL << 58);
    *lv[2] |= XD;
    assert_pf(0x1000, GW_FETCH, PFERR_P | PFERR_I);
    assert_maps(0x1000, 0, 0x93000);
}

static void test_pae_pdptes_from_cpu(void **state)
{
    uint64_t *lv[5], pdpte[4] = {0};

    pae_setup();
    map64(0x40001000, 0x94000, 30, 12, P | W, true, lv);
    pdpte[1] = *lv[0];
    *lv[0] = 0; /* the copy in memory changed after the CPU loaded it */
    pg.pdpte = pdpte;
    assert_maps(0x40001000, 0, 0x94000);
    pdpte[1] = 0;
    assert_pf(0x40001000, GW_WRITE, PFERR_W);
}

/* ------------------------------------------------------------------ 32-bit */

static void test_32bit_4k(void **state)
{
    uint32_t *lv[2];

    pg.efer = 0;
    pg.cr4 = 0;
    map32(0xc0001000, 0x95000 | P | W, false, lv);
    assert_maps(0xc0001abc, GW_WRITE, 0x95abc);
    *lv[1] &= ~W;
    assert_pf(0xc0001000, GW_WRITE, PFERR_P | PFERR_W);
    *lv[0] &= ~P;
    assert_pf(0xc0001000, GW_FETCH, 0); /* no NX, no SMEP: no I/D bit */
}

static void test_32bit_pse_4m(void **state)
{
    uint32_t *lv[2];

    pg.efer = 0;
    pg.cr4 = CR4_PSE;
    /* 4 MiB page at 0x12_00400000: address bits 39:32 in PDE bits 20:13 */
    map32(0x00800000, 0x00400000 | (0x12 << 13) | P | W | PS, true, lv);
    assert_maps(0x00812345, 0, 0x1200412345ULL);
    pg.maxphyaddr = 36; /* 0x12 needs 37 bits */
    assert_pf(0x00800000, 0, PFERR_P | PFERR_RSVD);
    pg.maxphyaddr = 40;
    *lv[0] |= 1u << 21; /* always reserved */
    assert_pf(0x00800000, 0, PFERR_P | PFERR_RSVD);
    /* without CR4.PSE the PS bit is ignored: the PDE points at a page table */
    *lv[0] = 0x2000 | P | W | PS;
    *(uint32_t *)(gmem + 0x2000 + 0x12 * 4) = 0x96000 | P;
    pg.cr4 = 0;
    assert_maps(0x00812345, 0, 0x96345);
}

/* ------------------------------------------------------------------ linear copies */

static void test_read_linear_crosses_pages(void **state)
{
    uint64_t *lv[5];
    uint8_t buf[8];

    map64(0x200000, 0x97000, 39, 12, P, false, lv);
    map64(0x201000, 0x99000, 39, 12, P, false, lv);
    memcpy(gmem + 0x97ffd, "\x0f\xb6\x02", 3);
    memcpy(gmem + 0x99000, "\x90\x91\x92\x93\x94", 5);
    assert_int_equal(guest_read_linear(&pg, &mem, 0x200ffd, GW_FETCH, buf, 8, &flt), 0);
    assert_memory_equal(buf, "\x0f\xb6\x02\x90\x91\x92\x93\x94", 8);
}

static void test_read_linear_fault_on_second_page(void **state)
{
    uint64_t *lv[5];
    uint8_t buf[8] = {0};

    map64(0x200000, 0x97000, 39, 12, P | U, false, lv);
    memset(gmem + 0x97ffc, 0xcc, 4);
    assert_int_equal(guest_read_linear(&pg, &mem, 0x200ffc, GW_USER, buf, 8, &flt), -EFAULT);
    assert_int_equal(flt.addr, 0x201000);
    assert_int_equal(flt.error, PFERR_U);
    assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8); /* nothing copied before the fault */
}

static void test_read_linear_wraps_at_4g(void **state)
{
    uint32_t *lv[2];
    uint8_t buf[4];

    pg.efer = 0;
    pg.cr4 = 0;
    map32(0xfffff000, 0x97000 | P, false, lv);
    map32(0x00000000, 0x98000 | P, false, lv);
    memcpy(gmem + 0x97ffe, "ab", 2);
    memcpy(gmem + 0x98000, "cd", 2);
    assert_int_equal(guest_read_linear(&pg, &mem, 0xfffffffe, 0, buf, 4, &flt), 0);
    assert_memory_equal(buf, "abcd", 4);
}

static void test_fetch_insn_stops_at_unmapped_page(void **state)
{
    uint64_t *lv[5];
    uint8_t buf[15] = {0};

    map64(0x200000, 0x97000, 39, 12, P, false, lv);
    memcpy(gmem + 0x97ffd, "\x89\x83\x00", 3);
    assert_int_equal(guest_fetch_insn(&pg, &mem, 0x200ffd, 0, buf, 15, &flt), 3);
    assert_memory_equal(buf, "\x89\x83\x00", 3);
    assert_int_equal(flt.addr, 0x201000);
    assert_int_equal(flt.error, PFERR_I); /* not present, fetch with NXE */
    map64(0x201000, 0x98000, 39, 12, P, false, lv);
    memcpy(gmem + 0x98000, "\x03\x00\x00", 3);
    assert_int_equal(guest_fetch_insn(&pg, &mem, 0x200ffd, 0, buf, 15, &flt), 15);
    assert_memory_equal(buf, "\x89\x83\x00\x03\x00\x00", 6);
    /* a fault on the first page is an error */
    assert_int_equal(guest_fetch_insn(&pg, &mem, 0x300000, GW_USER, buf, 15, &flt), -EFAULT);
    assert_int_equal(flt.error, PFERR_I | PFERR_U);
    /* a non-executable page is a fault, even as the second page */
    *lv[3] |= XD;
    assert_int_equal(guest_fetch_insn(&pg, &mem, 0x200ffd, 0, buf, 15, &flt), 3);
    assert_int_equal(flt.error, PFERR_P | PFERR_I);
}

static void test_write_linear(void **state)
{
    uint64_t *lv[5];

    map64(0x200000, 0x97000, 39, 12, P | W, false, lv);
    map64(0x201000, 0x98000, 39, 12, P, false, lv);
    assert_int_equal(guest_write_linear(&pg, &mem, 0x200ffe, 0, "wxyz", 4, &flt), -EFAULT);
    assert_int_equal(flt.addr, 0x201000);
    assert_int_equal(flt.error, PFERR_P | PFERR_W);
    assert_int_equal(gmem[0x97ffe], 0);
    *lv[3] |= W;
    assert_int_equal(guest_write_linear(&pg, &mem, 0x200ffe, 0, "wxyz", 4, &flt), 0);
    assert_memory_equal(gmem + 0x97ffe, "wx", 2);
    assert_memory_equal(gmem + 0x98000, "yz", 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_paging_off_is_identity, setup),
        cmocka_unit_test_setup(test_4level_4k, setup),
        cmocka_unit_test_setup(test_4level_2m_and_1g, setup),
        cmocka_unit_test_setup(test_4level_not_present_each_level, setup),
        cmocka_unit_test_setup(test_write_to_read_only, setup),
        cmocka_unit_test_setup(test_user_supervisor, setup),
        cmocka_unit_test_setup(test_nx_fetch, setup),
        cmocka_unit_test_setup(test_not_present_fetch_reports_id, setup),
        cmocka_unit_test_setup(test_4level_reserved_bits, setup),
        cmocka_unit_test_setup(test_large_page_reserved_bits, setup),
        cmocka_unit_test_setup(test_smep_smap, setup),
        cmocka_unit_test_setup(test_non_canonical, setup),
        cmocka_unit_test_setup(test_5level, setup),
        cmocka_unit_test_setup(test_table_outside_memory, setup),
        cmocka_unit_test_setup(test_pae_4k_and_2m, setup),
        cmocka_unit_test_setup(test_pae_reserved_and_nx, setup),
        cmocka_unit_test_setup(test_pae_pdptes_from_cpu, setup),
        cmocka_unit_test_setup(test_32bit_4k, setup),
        cmocka_unit_test_setup(test_32bit_pse_4m, setup),
        cmocka_unit_test_setup(test_read_linear_crosses_pages, setup),
        cmocka_unit_test_setup(test_read_linear_fault_on_second_page, setup),
        cmocka_unit_test_setup(test_read_linear_wraps_at_4g, setup),
        cmocka_unit_test_setup(test_fetch_insn_stops_at_unmapped_page, setup),
        cmocka_unit_test_setup(test_write_linear, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
