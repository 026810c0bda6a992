/* SPDX-License-Identifier: MIT */
/*
 * string_io: port string I/O against the test device's scratch register
 * (0xE0-0xE3 32-bit view, 0xE8-0xEB byte view). INSB/OUTSB one at a time
 * move single bytes in order; REP INS/OUTS of bytes, words and dwords with
 * DF=0 and DF=1 transfer count elements, leave RCX 0 and RSI/RDI moved by
 * count * size in the direction of DF, write nothing outside the buffer,
 * and a partial-width write keeps the other scratch bytes; REP with RCX=0
 * does nothing; 32-bit address size (67h) uses ESI/ECX; a REP INSD crossing
 * a page boundary; an unclaimed port (0x2E8; 0x510 is QEMU's fw_cfg) reads
 * all ones with IN and INS, and ignores writes.
 */
#include "conf.h"

#define SCRATCH 0xe0
#define SCRATCH_B 0xe8
#define UNCLAIMED 0x2e8

struct sregs {
    u64 si, di, cx;
    u16 dx;
};

#define STRING_OP(name, insn)                                                   \
    static void name(struct sregs *r, bool df)                                  \
    {                                                                           \
        asm volatile("test %[df], %[df]\n\tjz 1f\n\tstd\n1:\n\t" insn "\n\tcld" \
                     : "+S"(r->si), "+D"(r->di), "+c"(r->cx)                    \
                     : "d"(r->dx), [df] "r"((u64)df)                            \
                     : "memory", "cc");                                         \
    }

STRING_OP(outsb1, "outsb")
STRING_OP(insb1, "insb")
STRING_OP(rep_outsb, "rep outsb")
STRING_OP(rep_outsw, "rep outsw")
STRING_OP(rep_outsl, "rep outsl")
STRING_OP(rep_insb, "rep insb")
STRING_OP(rep_insw, "rep insw")
STRING_OP(rep_insl, "rep insl")
STRING_OP(rep_outsb_a32, "addr32 rep outsb")
STRING_OP(rep_insb_a32, "addr32 rep insb")

static u8 buf[64] __attribute__((aligned(16)));
static u8 pages[8192] __attribute__((aligned(4096)));

static u64 addr(const void *p)
{
    return (u64)(uintptr_t)p;
}

static void test_single(void)
{
    outl(0x8badf00d, SCRATCH);
    memset(buf, 0, sizeof(buf));
    struct sregs r = {0, addr(buf), 0, SCRATCH_B};
    for (int k = 0; k < 4; k++, r.dx++)
        insb1(&r, false);
    u32 got;
    memcpy(&got, buf, 4);
    report(got == 0x8badf00d && r.di == addr(buf) + 4,
           "INSB from 0xE8-0xEB, one at a time: %#x, RDI +4", got);

    static const u8 src[4] = {0x12, 0x34, 0x56, 0x78};
    struct sregs w = {addr(src), 0, 0, SCRATCH_B};
    for (int k = 0; k < 4; k++, w.dx++)
        outsb1(&w, false);
    u32 v = inl(SCRATCH);
    report(v == 0x78563412 && w.si == addr(src) + 4,
           "OUTSB to 0xE8-0xEB, one at a time: %#x, RSI +4", v);

    /* DF=1 moves backwards one element */
    w = (struct sregs){addr(src + 3), 0, 0, SCRATCH_B};
    outsb1(&w, true);
    report(inb(SCRATCH_B) == 0x78 && w.si == addr(src + 2), "OUTSB with DF=1: RSI -1");
}

static void test_rep_outs(void)
{
    static const u8 b[4] = {0x11, 0x22, 0x33, 0x44};
    outl(0xa5a5a5a5, SCRATCH);
    struct sregs r = {addr(b), 0, 4, SCRATCH_B};
    rep_outsb(&r, false);
    u32 v = inl(SCRATCH);
    report(v == 0xa5a5a544 && r.cx == 0 && r.si == addr(b) + 4,
           "REP OUTSB DF=0: last byte written (%#x), RCX 0, RSI +4", v);

    static const u16 w[3] = {0x1111, 0x2222, 0x3333};
    outl(0xa5a5a5a5, SCRATCH);
    r = (struct sregs){addr(&w[2]), 0, 3, SCRATCH};
    rep_outsw(&r, true);
    v = inl(SCRATCH);
    report(v == 0xa5a51111 && r.cx == 0 && r.si == addr(&w[2]) - 6,
           "REP OUTSW DF=1: first word written last (%#x), upper half kept, RSI -6", v);

    static const u32 d[3] = {0x01010101, 0x02020202, 0x03030303};
    r = (struct sregs){addr(d), 0, 3, SCRATCH};
    rep_outsl(&r, false);
    v = inl(SCRATCH);
    report(v == 0x03030303 && r.cx == 0 && r.si == addr(d) + 12,
           "REP OUTSD DF=0: %#x, RCX 0, RSI +12", v);

    outl(0x5a5a5a5a, SCRATCH);
    r = (struct sregs){addr(d), 0, 0, SCRATCH};
    rep_outsl(&r, false);
    report(inl(SCRATCH) == 0x5a5a5a5a && r.si == addr(d) && r.cx == 0,
           "REP OUTSD with RCX=0 writes nothing, RSI unchanged");

    outl(0x5a5a5a5a, SCRATCH);
    r = (struct sregs){addr(b), 0, 0xffffffff00000003ULL, SCRATCH_B + 2};
    rep_outsb_a32(&r, false);
    v = inl(SCRATCH);
    report(v == 0x5a335a5a && (u32)r.cx == 0 && r.si == addr(b) + 3,
           "addr32 REP OUTSB counts ECX (3): %#x, ECX 0, ESI +3", v);
}

static bool all(const u8 *p, int n, u8 v)
{
    for (int i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

static void test_rep_ins(void)
{
    outl(0xc3b2a190, SCRATCH);
    memset(buf, 0xee, sizeof(buf));
    struct sregs r = {0, addr(buf + 8), 5, SCRATCH_B + 1};
    rep_insb(&r, false);
    report(all(buf + 8, 5, 0xa1) && all(buf, 8, 0xee) && all(buf + 13, 8, 0xee) && r.cx == 0 &&
               r.di == addr(buf + 13),
           "REP INSB DF=0 from 0xE9: 5 bytes, nothing else written, RCX 0, RDI +5");

    memset(buf, 0xee, sizeof(buf));
    r = (struct sregs){0, addr(buf + 20), 3, SCRATCH};
    rep_insw(&r, true);
    bool ok = true;
    for (int i = 0; i < 3; i++)
        ok &= buf[20 - 2 * i] == 0x90 && buf[21 - 2 * i] == 0xa1;
    report(ok && all(buf, 16, 0xee) && all(buf + 22, 16, 0xee) && r.cx == 0 &&
               r.di == addr(buf + 14),
           "REP INSW DF=1: 3 words downwards, nothing else written, RCX 0, RDI -6");

    memset(buf, 0xee, sizeof(buf));
    r = (struct sregs){0, addr(buf + 4), 3, SCRATCH};
    rep_insl(&r, false);
    ok = true;
    for (int i = 0; i < 3; i++) {
        u32 v;
        memcpy(&v, buf + 4 + 4 * i, 4);
        ok &= v == 0xc3b2a190;
    }
    report(ok && all(buf, 4, 0xee) && all(buf + 16, 16, 0xee) && r.cx == 0 &&
               r.di == addr(buf + 16),
           "REP INSD DF=0: 3 dwords, RCX 0, RDI +12");

    memset(buf, 0xee, sizeof(buf));
    r = (struct sregs){0, addr(buf), 0xffffffff00000002ULL, SCRATCH_B + 3};
    rep_insb_a32(&r, false);
    report(all(buf, 2, 0xc3) && buf[2] == 0xee && (u32)r.cx == 0 && r.di == addr(buf) + 2,
           "addr32 REP INSB counts ECX (2), EDI +2");

    /* across a page boundary: 6 bytes before it, 6 after */
    memset(pages, 0xee, sizeof(pages));
    outl(0x600df00d, SCRATCH);
    r = (struct sregs){0, addr(pages + 4096 - 6), 3, SCRATCH};
    rep_insl(&r, false);
    ok = true;
    for (int i = 0; i < 3; i++) {
        u32 v;
        memcpy(&v, pages + 4096 - 6 + 4 * i, 4);
        ok &= v == 0x600df00d;
    }
    report(ok && pages[4096 - 7] == 0xee && pages[4096 + 6] == 0xee &&
               r.di == addr(pages + 4096 + 6),
           "REP INSD across a page boundary");
}

static void test_unclaimed(void)
{
    u8 b = inb(UNCLAIMED);
    u16 w = inw(UNCLAIMED);
    u32 l = inl(UNCLAIMED);
    report(b == 0xff && w == 0xffff && l == 0xffffffff,
           "unclaimed port %#x reads all ones (%#x %#x %#x)", UNCLAIMED, b, w, l);
    outb(0, UNCLAIMED);
    outl(0, UNCLAIMED);
    report(inl(UNCLAIMED) == 0xffffffff, "writes to the unclaimed port are ignored");
    memset(buf, 0, sizeof(buf));
    struct sregs r = {0, addr(buf), 4, UNCLAIMED};
    rep_insw(&r, false);
    report(all(buf, 8, 0xff) && buf[8] == 0 && r.cx == 0,
           "REP INSW from the unclaimed port stores all ones");
}

int main(void)
{
    if (!testdev_present())
        report_abort("pc-testdev scratch register at port 0xe0 does not read back");
    test_single();
    test_rep_outs();
    test_rep_ins();
    test_unclaimed();
    return 0;
}
