/* SPDX-License-Identifier: MIT */
/* Multiboot2 information parsing: pure code, unit-tested on the host. */
#include "kernel/mb2.h"
#include "lib/errno.h"
#include "kernel/log.h"
#include "lib/string.h"

/* Tag types (Multiboot2 spec 3.6). */
#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_LOADER 2
#define TAG_MODULE 3
#define TAG_MMAP 6
#define TAG_EFI64 12
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15
#define TAG_EFI_MMAP 17

/* EFI memory types (UEFI 2.10, table 7.10). */
#define EFI_LOADER_CODE 1
#define EFI_BOOT_DATA 4
#define EFI_CONVENTIONAL 7
#define EFI_UNUSABLE 8
#define EFI_ACPI_RECLAIM 9
#define EFI_ACPI_NVS 10
#define EFI_PERSISTENT 14

struct tag {
    uint32_t type;
    uint32_t size;
};

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static void copy_string(char *dst, size_t dlen, const uint8_t *src, size_t slen)
{
    size_t n = strnlen((const char *)src, slen);

    if (n >= dlen)
        n = dlen - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void add_range(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
    if (!len || base + len < base)
        return; /* empty or wrapping: ignore */
    if (bi->nmmap == BOOT_MAX_MMAP) {
        pr_warn("mb2: memory map has more than %d entries; ignoring the rest", BOOT_MAX_MMAP);
        return;
    }
    bi->mmap[bi->nmmap++] = (struct mem_range){base, base + len, type};
}

static void parse_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
    uint32_t esize;

    if (size < 16 || (esize = rd32(t + 8)) < 24) {
        pr_warn("mb2: malformed memory map tag");
        return;
    }
    /* 64-bit offset: a huge esize must end the loop, not wrap it back into the tag. */
    for (uint64_t off = 16; off + 24 <= size; off += esize) {
        uint32_t type = rd32(t + off + 16);
        add_range(bi, rd64(t + off), rd64(t + off + 8),
                  type >= 1 && type <= 7 ? type : MEM_RESERVED);
    }
}

static uint32_t efi_to_mem_type(uint32_t efi)
{
    if ((efi >= EFI_LOADER_CODE && efi <= EFI_BOOT_DATA) || efi == EFI_CONVENTIONAL)
        return MEM_USABLE; /* boot services are gone once GRUB hands over */
    if (efi == EFI_ACPI_RECLAIM)
        return MEM_ACPI;
    if (efi == EFI_ACPI_NVS)
        return MEM_NVS;
    if (efi == EFI_UNUSABLE)
        return MEM_BAD;
    if (efi == EFI_PERSISTENT)
        return MEM_PERSISTENT;
    return MEM_RESERVED;
}

static void parse_efi_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
    uint32_t dsize;

    if (size < 16 || (dsize = rd32(t + 8)) < 40) {
        pr_warn("mb2: malformed EFI memory map tag");
        return;
    }
    for (uint64_t off = 16; off + 40 <= size; off += dsize) {
        uint64_t pages = rd64(t + off + 24);
        if (pages > (1ULL << 40))
            continue; /* absurd size: cannot be real memory */
        add_range(bi, rd64(t + off + 8), pages << 12, efi_to_mem_type(rd32(t + off)));
    }
}

static void parse_module(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
    struct boot_module *m;
    uint32_t start, end;

    if (size < 17 || (start = rd32(t + 8)) > (end = rd32(t + 12))) {
        pr_warn("mb2: malformed module tag ignored");
        return;
    }
    if (bi->nmodules == BOOT_MAX_MODULES) {
        pr_warn("mb2: more than %d modules; ignoring the rest", BOOT_MAX_MODULES);
        return;
    }
    m = &bi->modules[bi->nmodules++];
    m->start = start;
    m->end = end;
    copy_string(m->string, sizeof(m->string), t + 16, size - 16);
}

static void parse_rsdp(struct boot_info *bi, const uint8_t *t, uint32_t size, bool is_new)
{
    size_t len = size - 8;

    if (size <= 8 || (!is_new && bi->rsdp_len && bi->rsdp[15] >= 2))
        return; /* keep a v2 RSDP over a v1 one, whatever the tag order */
    if (len > sizeof(bi->rsdp))
        len = sizeof(bi->rsdp);
    memcpy(bi->rsdp, t + 8, len);
    bi->rsdp_len = len;
}

static void parse_tag(struct boot_info *bi, const uint8_t *t, uint32_t type, uint32_t size)
{
    switch (type) {
    case TAG_CMDLINE:
        copy_string(bi->cmdline, sizeof(bi->cmdline), t + 8, size - 8);
        break;
    case TAG_LOADER:
        copy_string(bi->loader, sizeof(bi->loader), t + 8, size - 8);
        break;
    case TAG_MODULE:
        parse_module(bi, t, size);
        break;
    case TAG_EFI_MMAP:
        bi->efi = true;
        break;
    case TAG_EFI64:
        bi->efi = true;
        if (size >= 16)
            bi->efi_systab = rd64(t + 8);
        break;
    case TAG_ACPI_OLD:
    case TAG_ACPI_NEW:
        parse_rsdp(bi, t, size, type == TAG_ACPI_NEW);
        break;
    }
}

/*
 * Walks the tags, calling parse_tag for each valid one and noting the memory-map tags.
 * A broken chain is warned about; what was parsed before it is kept.
 */
static void walk_tags(const uint8_t *p, uint32_t total, struct boot_info *bi,
                      const uint8_t **mmap_tag, const uint8_t **efi_tag)
{
    for (uint32_t off = 8; off + 8 <= total;) {
        uint32_t type = rd32(p + off), size = rd32(p + off + 4);
        if (size < 8 || size > total - off) {
            pr_warn("mb2: tag %u at offset %u has bad size %u; stopping", type, off, size);
            return;
        }
        if (type == TAG_END)
            return;
        parse_tag(bi, p + off, type, size);
        if (type == TAG_MMAP)
            *mmap_tag = p + off;
        if (type == TAG_EFI_MMAP)
            *efi_tag = p + off;
        off += (size + 7) & ~7U;
    }
    pr_warn("mb2: no end tag");
}

int mb2_parse(const void *mbi, size_t avail, uint64_t mbi_phys, struct boot_info *bi)
{
    const uint8_t *p = mbi, *mmap_tag = NULL, *efi_tag = NULL;
    uint32_t total;

    memset(bi, 0, sizeof(*bi));
    if (avail < 16 || (total = rd32(p)) < 16 || total > avail) {
        pr_err("mb2: boot information header is malformed");
        return -EINVAL;
    }
    bi->mbi_phys = mbi_phys;
    bi->mbi_size = total;
    walk_tags(p, total, bi, &mmap_tag, &efi_tag);
    if (mmap_tag)
        parse_mmap(bi, mmap_tag, rd32(mmap_tag + 4));
    if (!bi->nmmap && efi_tag) { /* also when tag 6 was malformed and skipped */
        parse_efi_mmap(bi, efi_tag, rd32(efi_tag + 4));
        bi->mmap_from_efi = true;
    }
    if (!bi->nmmap) {
        pr_err("mb2: no memory map");
        return -ENODATA;
    }
    return 0;
}

void mb2_module_name(const struct boot_module *m, char *buf, size_t len)
{
    size_t n = 0;

    if (!len)
        return;
    while (m->string[n] && m->string[n] != ' ' && n + 1 < len)
        n++;
    memcpy(buf, m->string, n);
    buf[n] = 0;
}
