/* fuzz-srcs: kernel/mb2.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 information parser: the input is the whole MBI (avail = its
 * size). libFuzzer hands us an exact-size heap copy, so AddressSanitizer
 * catches any read past the end. A successful parse must leave a boot_info
 * the rest of the kernel can trust.
 */
#include <string.h>
#include "kernel/mb2.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

static bool terminated(const char *s, size_t len)
{
    return memchr(s, 0, len) != NULL;
}

static void check_modules(const struct boot_info *bi)
{
    char name[16];

    CHECK(bi->nmodules <= BOOT_MAX_MODULES);
    for (unsigned i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];

        CHECK(m->start <= m->end);
        CHECK(terminated(m->string, sizeof(m->string)));
        mb2_module_name(m, name, sizeof(name));
        CHECK(strlen(name) < sizeof(name));
        CHECK(!strncmp(name, m->string, strlen(name)));
    }
}

static void check_info(const struct boot_info *bi, size_t size)
{
    CHECK(bi->nmmap > 0 && bi->nmmap <= BOOT_MAX_MMAP);
    for (unsigned i = 0; i < bi->nmmap; i++)
        CHECK(bi->mmap[i].base < bi->mmap[i].end);
    check_modules(bi);
    CHECK(terminated(bi->cmdline, sizeof(bi->cmdline)));
    CHECK(terminated(bi->loader, sizeof(bi->loader)));
    CHECK(bi->rsdp_len <= sizeof(bi->rsdp));
    CHECK(bi->mbi_size >= 16 && bi->mbi_size <= size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_info bi;

    host_log_clear();
    if (mb2_parse(data, size, 0x100000, &bi) == 0)
        check_info(&bi, size);
    return 0;
}
