/* SPDX-License-Identifier: MIT */
/*
 * unclaimed: guest-physical addresses that are neither RAM nor a device
 * read as all ones (0xFF bytes, 0xFFFF words, 0xFFFFFFFF dwords, all-ones
 * qwords) and drop writes: 0xE0000000 and the first page above the RAM
 * described by the multiboot memory map. An I/O port with nothing behind
 * it (0x6F0) reads all ones at every width and ignores writes.
 */
#include "conf.h"

#define TCG_WHY "unassigned memory reads as 0"

static void check_mem(const char *name, u64 pa)
{
    volatile u8 *b = phys_to_virt(pa);
    volatile u16 *w = phys_to_virt(pa + 2);
    volatile u32 *d = phys_to_virt(pa + 4);
    volatile u64 *q = phys_to_virt(pa + 8);
    u8 b0 = b[0];
    u16 w0 = *w;
    u32 d0 = *d;
    u64 q0 = *q;
    report_tcg_quirk(b0 == 0xff && b[1] == 0xff, TCG_WHY, "%s %#lx: byte reads 0xff (%#x)", name,
                     pa, b0);
    report_tcg_quirk(w0 == 0xffff, TCG_WHY, "%s %#lx: word reads 0xffff (%#x)", name, pa + 2, w0);
    report_tcg_quirk(d0 == 0xffffffff, TCG_WHY, "%s %#lx: dword reads 0xffffffff (%#x)", name,
                     pa + 4, d0);
    report_tcg_quirk(q0 == ~0ULL, TCG_WHY, "%s %#lx: qword reads all ones (%#lx)", name, pa + 8,
                     q0);
    *d = 0x12345678;
    *q = 0x5555aaaa5555aaaaULL;
    b[0] = 0x42;
    report(*d == d0 && *q == q0 && b[0] == b0, "%s %#lx: writes are dropped", name, pa);
}

static u64 top_of_ram(void)
{
    const struct mb_copy *m = mb_info();
    u64 top = 0;
    for (int i = 0; i < m->mmap_count; i++) {
        u64 end = m->mmap[i].addr + m->mmap[i].len;
        if (m->mmap[i].addr < 0xe0000000ULL && end > top)
            top = end;
    }
    if (!top && (m->flags & MB_INFO_MEM))
        top = mb_ram_top();
    return (top + 0xfff) & ~0xfffULL;
}

int main(void)
{
    check_mem("unclaimed", 0xe0000000ULL);
    u64 top = top_of_ram();
    report(top >= 16ULL << 20, "memory map describes at least 16 MiB (%#lx)", top);
    if (top >= 16ULL << 20 && top < 0xe0000000ULL)
        check_mem("above RAM", top);

    const u16 port = 0x6f0;
    report(inb(port) == 0xff, "port %#x: inb reads 0xff", port);
    report(inw(port) == 0xffff, "port %#x: inw reads 0xffff", port);
    report(inl(port) == 0xffffffff, "port %#x: inl reads 0xffffffff", port);
    outl(0, port);
    outb(0, port);
    report(inl(port) == 0xffffffff, "port %#x: writes are ignored", port);
    return 0;
}
