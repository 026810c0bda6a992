/* SPDX-License-Identifier: MIT */
/*
 * Boot environment: a copy of the multiboot1 information, taken before
 * anything touches low memory, and the KEY=VALUE lines of the first module.
 */
#ifndef CONF_ENV_H
#define CONF_ENV_H

#include "x86.h"

#define MB_MAX_MODS 4
#define MB_MAX_MMAP 32

#define MB_INFO_MEM BIT(0)
#define MB_INFO_CMDLINE BIT(2)
#define MB_INFO_MODS BIT(3)
#define MB_INFO_MMAP BIT(6)

struct mb_module {
    u32 start, end;
    char string[128];
};

struct mb_mmap_entry {
    u32 size; /* the entry's size field as given */
    u64 addr, len;
    u32 type;
};

struct mb_copy {
    u32 magic;     /* EAX at entry */
    u32 info_addr; /* EBX at entry */
    u32 flags;
    u32 mem_lower, mem_upper;
    char cmdline[256];
    u32 cmdline_addr;
    u32 mods_count, mods_addr; /* as given; mods[] holds the first MB_MAX_MODS */
    struct mb_module mods[MB_MAX_MODS];
    u32 mmap_length, mmap_addr;
    int mmap_count; /* entries copied into mmap[] */
    bool mmap_truncated;
    struct mb_mmap_entry mmap[MB_MAX_MMAP];
};

const struct mb_copy *mb_info(void);
/* the first module's text (NUL-terminated, at most 4095 bytes), "" without one */
const char *env_text(void);
/* value of KEY=VALUE in the first module, or NULL */
const char *env_get(const char *key);
unsigned long env_get_ulong(const char *key, unsigned long dflt);
/* RAM end from mem_upper (1 MiB + mem_upper KiB) */
u64 mb_ram_top(void);

void env_init(void);

#endif
