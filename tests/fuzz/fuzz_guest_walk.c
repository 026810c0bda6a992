/* fuzz-srcs: vmm/decode/guest_walk.c */
/* SPDX-License-Identifier: MIT */
/*
 * Guest page-table walk over page tables the input writes. Input:
 *   byte 0     bits 2:0 paging mode (0 off, 1 32-bit, 2 32-bit + PSE, 3 PAE,
 *              4/5 4-level, 6/7 5-level); bit 3 CR0.WP, 4 EFER.NXE,
 *              5 CR4.SMEP, 6 CR4.SMAP, 7 RFLAGS.AC
 *   byte 1     MAXPHYADDR = 32 + byte % 21; bits of the access in byte 2
 *   bytes 3-10 the linear address (little-endian), byte 11 length to copy
 *   then       guest-physical memory from address 0 (CR3 = 0); the rest is 0
 * Checked: results and error codes are consistent with the access, a
 * translation keeps the page offset and fits MAXPHYADDR, weaker accesses
 * succeed where stronger ones do, guest_read_linear returns the bytes
 * the per-byte walks point at, and guest_fetch_insn a prefix of them.
 */
#include <string.h>
#include "lib/errno.h"
#include "vmm/decode/guest_walk.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"
#include "tests/unit/paging_ctl_bits.h"

#define GMEM (64 * 1024)

static uint8_t gmem[GMEM];
static unsigned reads;

#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

NO_COVERAGE static int read_gpa(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    reads++;
    if (gpa >= GMEM || len > GMEM - gpa)
        return -EIO;
    memcpy(dst, gmem + gpa, len);
    return 0;
}

static const struct guest_mem mem = {read_gpa, NULL, NULL};

static void paging_from(uint8_t b, struct guest_paging *pg)
{
    static const uint64_t cr4[8] = {
        0, 0, CR4_PSE, CR4_PAE, CR4_PAE, CR4_PAE, CR4_PAE | CR4_LA57, CR4_PAE | CR4_LA57};

    memset(pg, 0, sizeof(*pg));
    pg->cr0 = 1 | ((b & 7) ? CR0_PG : 0) | ((b & 8) ? CR0_WP : 0);
    pg->cr4 = cr4[b & 7] | ((b & 0x20) ? CR4_SMEP : 0) | ((b & 0x40) ? CR4_SMAP : 0);
    pg->efer = ((b & 7) >= 4 ? EFER_LMA : 0) | ((b & 0x10) ? EFER_NXE : 0);
    pg->ac = b & 0x80;
}

static uint64_t la_mask(const struct guest_paging *pg)
{
    return (pg->efer & EFER_LMA) ? ~0ULL : 0xffffffffULL;
}

static void check_walk(const struct guest_paging *pg, uint64_t la, unsigned access, int ret,
                       uint64_t gpa, const struct guest_fault *f)
{
    CHECK(ret == 0 || ret == -EFAULT || ret == -EINVAL || ret == -EIO);
    CHECK(reads <= 5);
    if (ret == 0) {
        CHECK((gpa & 0xfff) == (la & 0xfff));
        CHECK(gpa < (1ULL << pg->maxphyaddr) || !(pg->cr0 & CR0_PG));
    } else if (ret == -EFAULT) {
        CHECK(f->addr == (la & la_mask(pg)));
        CHECK((f->error & (PFERR_W | PFERR_U)) == (access & (GW_WRITE | GW_USER)));
        CHECK(!(f->error & PFERR_I) || (access & GW_FETCH));
        CHECK(!(f->error & PFERR_RSVD) || (f->error & PFERR_P));
        CHECK(!(f->error & ~0x1fu));
    } else if (ret == -EINVAL) {
        CHECK(pg->efer & EFER_LMA);
    }
}

/* A supervisor read without SMAP is the weakest access: it works wherever any access works. */
static void check_weaker(struct guest_paging pg, uint64_t la, uint64_t gpa)
{
    struct guest_fault f;
    uint64_t g2;

    pg.cr4 &= ~CR4_SMAP;
    reads = 0;
    CHECK(guest_walk(&pg, &mem, la, 0, &g2, &f) == 0 && g2 == gpa);
}

static void check_copy(const struct guest_paging *pg, uint64_t la, unsigned access, size_t len)
{
    uint8_t buf[16];
    struct guest_fault f;
    uint64_t gpa;

    if (guest_read_linear(pg, &mem, la, access, buf, len, &f))
        return;
    for (size_t i = 0; i < len; i++) {
        uint64_t a = (la + i) & la_mask(pg);

        reads = 0;
        CHECK(guest_walk(pg, &mem, a, access, &gpa, &f) == 0);
        CHECK(gpa < GMEM && buf[i] == gmem[gpa]);
    }
}

/* guest_fetch_insn returns a prefix of what a fetch-access copy of the same bytes returns. */
static void check_fetch(const struct guest_paging *pg, uint64_t la, unsigned access, size_t len)
{
    uint8_t a[16], b[16];
    struct guest_fault f;
    int got = guest_fetch_insn(pg, &mem, la, access, a, len, &f);

    CHECK(got < 0 || (got > 0 && (size_t)got <= len));
    if (got <= 0)
        return;
    CHECK(guest_read_linear(pg, &mem, la, access | GW_FETCH, b, got, &f) == 0);
    CHECK(memcmp(a, b, got) == 0);
    if ((size_t)got < len)
        CHECK(guest_read_linear(pg, &mem, la, access | GW_FETCH, b, len, &f) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct guest_paging pg;
    struct guest_fault f = {0};
    unsigned access;
    uint64_t la = 0, gpa = 0;
    int ret;

    if (size < 12)
        return 0;
    paging_from(data[0], &pg);
    pg.maxphyaddr = 32 + data[1] % 21;
    access = data[2] & (GW_WRITE | GW_USER | GW_FETCH);
    memcpy(&la, data + 3, 8);
    memset(gmem, 0, sizeof(gmem));
    memcpy(gmem, data + 12, size - 12 < GMEM ? size - 12 : GMEM);
    reads = 0;
    ret = guest_walk(&pg, &mem, la, access, &gpa, &f);
    check_walk(&pg, la, access, ret, gpa, &f);
    if (ret == 0)
        check_weaker(pg, la, gpa);
    check_copy(&pg, la, access, 1 + data[11] % 16);
    check_fetch(&pg, la, access & GW_USER, 1 + data[11] % 16);
    return 0;
}
