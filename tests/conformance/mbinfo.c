/* SPDX-License-Identifier: MIT */
/*
 * mbinfo: the multiboot1 information. EAX was 0x2BADB002; flags show
 * memory, memory map and (with an environment module) modules; mem_lower
 * and mem_upper agree with the memory map; map entries have sane sizes and
 * types and do not overlap; available RAM covers the kernel image and the
 * stacks; modules lie in RAM, page aligned (header flag 0), start < end,
 * outside the kernel, with a string, and the first one's contents are the
 * environment text; the command line (if flagged) is a printable string;
 * the original information is still intact in memory.
 */
#include "conf.h"

extern u8 __image_start[], __image_end[];

static bool in_available(u64 start, u64 end)
{
    const struct mb_copy *m = mb_info();
    for (int i = 0; i < m->mmap_count; i++)
        if (m->mmap[i].type == 1 && m->mmap[i].addr <= start &&
            end <= m->mmap[i].addr + m->mmap[i].len)
            return true;
    return false;
}

static void test_mmap(void)
{
    const struct mb_copy *m = mb_info();
    if (!(m->flags & MB_INFO_MMAP)) {
        report_fail("flags bit 6: memory map present");
        return;
    }
    report(m->mmap_count > 0 && !m->mmap_truncated, "memory map has %d entries", m->mmap_count);
    bool sizes = true, types = true, overlap = false;
    for (int i = 0; i < m->mmap_count; i++) {
        const struct mb_mmap_entry *e = &m->mmap[i];
        report_info("mmap %#lx-%#lx type %u", e->addr, e->addr + e->len, e->type);
        sizes &= e->size >= 20 && e->len > 0;
        types &= e->type >= 1;
        for (int j = 0; j < i; j++) {
            const struct mb_mmap_entry *f = &m->mmap[j];
            if (e->addr < f->addr + f->len && f->addr < e->addr + e->len)
                overlap = true;
        }
    }
    report(sizes, "every entry has size >= 20 and a non-zero length");
    report(types, "every entry has a type >= 1");
    report(!overlap, "entries do not overlap");
    u64 ks = (u64)(uintptr_t)__image_start, ke = (u64)(uintptr_t)__image_end;
    report(in_available(ks, ke), "available RAM covers the kernel %#lx-%#lx", ks, ke);

    u64 low_end = 0, high_end = 0;
    for (int i = 0; i < m->mmap_count; i++) {
        const struct mb_mmap_entry *e = &m->mmap[i];
        if (e->type == 1 && e->addr == 0)
            low_end = e->len;
        if (e->type == 1 && e->addr == 0x100000)
            high_end = e->addr + e->len;
    }
    if (m->flags & MB_INFO_MEM) {
        u64 lower = (u64)m->mem_lower * 1024, upper = 0x100000 + (u64)m->mem_upper * 1024;
        report(m->mem_lower <= 640, "mem_lower %u KiB <= 640", m->mem_lower);
        report(low_end && lower >= low_end && lower - low_end <= 4096,
               "mem_lower %#lx matches the map's low RAM end %#lx", lower, low_end);
        report(high_end && upper >= high_end && upper - high_end <= (1u << 20),
               "mem_upper end %#lx matches the map's RAM from 1 MiB (end %#lx)", upper, high_end);
        report(upper >= 16ULL << 20, "at least 16 MiB of RAM (%lu KiB upper)", (u64)m->mem_upper);
    } else {
        report_fail("flags bit 0: mem_lower/mem_upper present");
    }
}

static void test_modules(void)
{
    const struct mb_copy *m = mb_info();
    bool want = env_get("NR_CPUS") != NULL;
    if (!(m->flags & MB_INFO_MODS) || !m->mods_count) {
        report(!want, "no modules and no environment");
        return;
    }
    report(m->mods_count <= 16, "mods_count %u", m->mods_count);
    u64 ks = (u64)(uintptr_t)__image_start, ke = (u64)(uintptr_t)__image_end;
    for (u32 i = 0; i < m->mods_count && i < MB_MAX_MODS; i++) {
        const struct mb_module *mod = &m->mods[i];
        report_info("module %u: %#x-%#x '%s'", i, mod->start, mod->end, mod->string);
        report(mod->start < mod->end, "module %u: start < end", i);
        report(!(mod->start & 0xfff), "module %u: page aligned (header flag 0)", i);
        report(in_available(mod->start, mod->end), "module %u: in available RAM", i);
        report(mod->end <= ks || mod->start >= ke, "module %u: outside the kernel image", i);
        report(mod->string[0] != 0, "module %u: has a string", i);
    }
    const char *text = env_text();
    size_t n = strlen(text);
    const struct mb_module *m0 = &m->mods[0];
    report(n > 0 && n <= m0->end - m0->start && !memcmp(phys_to_virt(m0->start), text, n),
           "module 0 contents are the environment text (%lu bytes)", (u64)n);
    report(want, "environment has NR_CPUS");
}

static void test_raw(void)
{
    const struct mb_copy *m = mb_info();
    report(m->magic == 0x2badb002, "EAX at entry 0x2BADB002 (%#x)", m->magic);
    report(m->info_addr != 0 && m->info_addr < mb_ram_top(), "EBX info address %#x in RAM",
           m->info_addr);
    const u32 *raw = phys_to_virt(m->info_addr);
    report(raw[0] == m->flags && raw[2] == m->mem_upper,
           "the info structure is intact after start-up (flags %#x)", raw[0]);
    if (m->flags & MB_INFO_CMDLINE) {
        bool printable = true;
        for (const char *p = m->cmdline; *p; p++)
            printable &= *p >= 0x20 && *p < 0x7f;
        report(printable, "command line '%s' is a printable string", m->cmdline);
    } else {
        report_info("no command line");
    }
}

int main(void)
{
    test_raw();
    test_mmap();
    test_modules();
    return 0;
}
