/* SPDX-License-Identifier: MIT */
#include "env.h"
#include "libc.h"

extern u32 mb_magic, mb_info_addr;
static struct mb_copy mb;
static char env_buf[4096];
static char env_vals[64][2][64];
static int env_count;

const struct mb_copy *mb_info(void)
{
    return &mb;
}

const char *env_text(void)
{
    return env_buf;
}

u64 mb_ram_top(void)
{
    return 0x100000ULL + (u64)mb.mem_upper * 1024;
}

static void copy_str(char *d, u32 addr, size_t size)
{
    if (!addr) {
        d[0] = 0;
        return;
    }
    strncpy_z(d, (const char *)(uintptr_t)addr, size);
}

static void parse_env(void)
{
    const char *p = env_buf;
    while (*p && env_count < 64) {
        const char *line = p, *eq = NULL;
        while (*p && *p != '\n') {
            if (*p == '=' && !eq)
                eq = p;
            p++;
        }
        const char *end = p;
        if (*p)
            p++;
        while (end > line && (end[-1] == '\r' || end[-1] == ' '))
            end--;
        while (line < end && (*line == ' ' || *line == '\t'))
            line++;
        if (!eq || eq >= end || *line == '#' || eq == line)
            continue;
        size_t kl = (size_t)(eq - line), vl = (size_t)(end - eq - 1);
        if (kl > 63)
            kl = 63;
        if (vl > 63)
            vl = 63;
        memcpy(env_vals[env_count][0], line, kl);
        env_vals[env_count][0][kl] = 0;
        memcpy(env_vals[env_count][1], eq + 1, vl);
        env_vals[env_count][1][vl] = 0;
        env_count++;
    }
}

void env_init(void)
{
    mb.magic = mb_magic;
    mb.info_addr = mb_info_addr;
    if (mb_magic != 0x2badb002 || !mb_info_addr)
        return;
    const u32 *info = (const u32 *)(uintptr_t)mb_info_addr;
    mb.flags = info[0];
    if (mb.flags & MB_INFO_MEM) {
        mb.mem_lower = info[1];
        mb.mem_upper = info[2];
    }
    if (mb.flags & MB_INFO_CMDLINE) {
        mb.cmdline_addr = info[4];
        copy_str(mb.cmdline, info[4], sizeof(mb.cmdline));
    }
    if (mb.flags & MB_INFO_MODS) {
        mb.mods_count = info[5];
        mb.mods_addr = info[6];
        const u32 *m = (const u32 *)(uintptr_t)info[6];
        for (u32 i = 0; i < mb.mods_count && i < MB_MAX_MODS; i++) {
            mb.mods[i].start = m[4 * i];
            mb.mods[i].end = m[4 * i + 1];
            copy_str(mb.mods[i].string, m[4 * i + 2], sizeof(mb.mods[i].string));
        }
        if (mb.mods_count && mb.mods[0].end > mb.mods[0].start) {
            size_t n = mb.mods[0].end - mb.mods[0].start;
            if (n > sizeof(env_buf) - 1)
                n = sizeof(env_buf) - 1;
            memcpy(env_buf, (const void *)(uintptr_t)mb.mods[0].start, n);
            env_buf[n] = 0;
            parse_env();
        }
    }
    if (mb.flags & MB_INFO_MMAP) {
        mb.mmap_length = info[11];
        mb.mmap_addr = info[12];
        u32 off = 0;
        while (off + 4 <= mb.mmap_length) {
            const u8 *e = (const u8 *)(uintptr_t)(mb.mmap_addr + off);
            u32 size = *(const u32 *)e;
            if (mb.mmap_count >= MB_MAX_MMAP) {
                mb.mmap_truncated = true;
                break;
            }
            struct mb_mmap_entry *d = &mb.mmap[mb.mmap_count++];
            d->size = size;
            memcpy(&d->addr, e + 4, 8);
            memcpy(&d->len, e + 12, 8);
            memcpy(&d->type, e + 20, 4);
            if (size < 20)
                break;
            off += size + 4;
        }
    }
}

const char *env_get(const char *key)
{
    for (int i = 0; i < env_count; i++)
        if (!strcmp(env_vals[i][0], key))
            return env_vals[i][1];
    return NULL;
}

unsigned long env_get_ulong(const char *key, unsigned long dflt)
{
    const char *v = env_get(key);
    return v ? strtoul(v, NULL, 0) : dflt;
}
