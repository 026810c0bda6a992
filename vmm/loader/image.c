/* SPDX-License-Identifier: MIT */
/*
 * Guest image parser. The image is an untrusted boot module: every offset
 * and size is checked against len before use, in arithmetic that cannot
 * wrap, and headers are copied out with memcpy because a module may sit at
 * any alignment.
 */
#include "lib/compiler.h"
#include "vmm/loader/fail.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/shell_parse.h"
#include "vmm/loader/image.h"
#include "vmm/loader/elf.h"
#include "vmm/loader/multiboot1.h"

#define FLAT_DEFAULT_LOAD 0x8000

/* Real mode addresses 1 MiB (the A20 wrap area is not ours to promise). */
#define REAL_MODE_LIMIT MiB(1)

/* 32-bit guests and the loader's identity map both stop at 4 GiB. */
#define GUEST_ADDR_LIMIT GiB(4)

/*
 * Multiboot 0.6.96, 3.1.2: we honour page-aligned modules and give a memory
 * map; we have no framebuffer, but the video fields are only preferences
 * (3.1.4) and the kernel must check the info's flags for video data anyway.
 */
#define MB1_FLAGS_SUPPORTED (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY_INFO | MB1_FLAG_VIDEO_MODE)

/* Room for a 64-bit number: 20 decimal digits or 0x plus 16 hex digits. */
#define ARG_VALUE_MAX 24

/* Picks the "ELF32 ..." or "ELF64 ..." spelling of a static message. */
#define ELF_MSG(bits, msg) ((bits) == 64 ? "ELF64 " msg : "ELF32 " msg)

/* The class-independent fields of an ELF header that we use. */
struct elf_info {
    int bits; /* 32 or 64: header layouts and messages */
    uint16_t type;
    uint16_t machine;
    uint16_t phentsize;
    uint16_t phnum;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;
};

struct elf_seg {
    uint32_t type;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
};

struct flat_args {
    uint64_t load;
    uint64_t entry;
    bool have_entry;
    enum start_mode mode;
};

/* [start, start + size) fits below limit, checked without wrapping. */
static bool range_below(uint64_t start, uint64_t size, uint64_t limit)
{
    return start <= limit && size <= limit - start;
}

static bool has_elf_magic(const uint8_t *img, size_t len)
{
    return len >= SELFMAG && !memcmp(img, ELFMAG, SELFMAG);
}

/* Segments that share a guest byte would silently load over each other. */
static int plan_add_seg(struct image_plan *plan, uint64_t gpa, uint64_t off, uint64_t fsize,
                        uint64_t msize)
{
    for (unsigned i = 0; i < plan->nsegs; i++) {
        const struct image_seg *s = &plan->segs[i];

        if (gpa < s->gpa + s->mem_size && s->gpa < gpa + msize)
            return -EEXIST;
    }
    if (plan->nsegs == IMAGE_MAX_SEGS)
        return -E2BIG;
    plan->segs[plan->nsegs++] = (struct image_seg){gpa, off, fsize, msize};
    return 0;
}

static void plan_set_mem_needed(struct image_plan *plan)
{
    uint64_t top = 0;

    for (unsigned i = 0; i < plan->nsegs; i++)
        top = MAX(top, plan->segs[i].gpa + plan->segs[i].mem_size);
    plan->mem_needed = ALIGN_UP(top, PAGE_SIZE);
}

/* ---- flat images: key=value words ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool key_is(const char *key, size_t klen, const char *name)
{
    return strlen(name) == klen && !memcmp(key, name, klen);
}

static int parse_mode(const char *val, enum start_mode *mode)
{
    for (enum start_mode m = START_REAL16; m <= START_LONG64; m++) {
        if (!strcmp(val, start_mode_name(m))) {
            *mode = m;
            return 0;
        }
    }
    return -EINVAL;
}

static int flat_apply(const char *key, size_t klen, const char *val, struct flat_args *fa,
                      const char **err)
{
    if (key_is(key, klen, "mode")) {
        if (parse_mode(val, &fa->mode))
            return loader_fail(err, "mode= must be real, prot32 or long64", -EINVAL);
        return 0;
    }
    if (key_is(key, klen, "entry")) {
        fa->have_entry = true;
        if (parse_u64(val, &fa->entry))
            return loader_fail(err, "entry= needs a decimal or 0x-hex address", -EINVAL);
        return 0;
    }
    if (parse_u64(val, &fa->load))
        return loader_fail(err, "load= needs a decimal or 0x-hex address", -EINVAL);
    return 0;
}

/* One word of wlen bytes; args is const, so the value is copied to terminate it. */
static int flat_word(const char *w, size_t wlen, struct flat_args *fa, const char **err)
{
    char val[ARG_VALUE_MAX];
    size_t klen = 0;
    size_t vlen;

    while (klen < wlen && w[klen] != '=')
        klen++;
    if (klen == wlen)
        return loader_fail(err, "image argument is not key=value", -EINVAL);
    if (!key_is(w, klen, "load") && !key_is(w, klen, "entry") && !key_is(w, klen, "mode"))
        return loader_fail(err, "unknown key in image arguments (known: load, entry, mode)",
                           -EINVAL);
    vlen = wlen - klen - 1;
    if (vlen >= sizeof(val))
        return loader_fail(err, "image argument value is too long", -EINVAL);
    memcpy(val, w + klen + 1, vlen);
    val[vlen] = 0;
    return flat_apply(w, klen, val, fa, err);
}

static int flat_parse_args(const char *args, struct flat_args *fa, const char **err)
{
    const char *p = args ? args : "";
    int ret;

    while (*p) {
        size_t n = 0;

        if (is_blank(*p)) {
            p++;
            continue;
        }
        while (p[n] && !is_blank(p[n]))
            n++;
        ret = flat_word(p, n, fa, err);
        if (ret)
            return ret;
        p += n;
    }
    return 0;
}

static int parse_flat(size_t len, const char *args, struct image_plan *plan, const char **err)
{
    struct flat_args fa = {.load = FLAT_DEFAULT_LOAD, .mode = START_REAL16};
    bool real;
    int ret;

    ret = flat_parse_args(args, &fa, err);
    if (ret)
        return ret;
    if (!fa.have_entry)
        fa.entry = fa.load;
    real = fa.mode == START_REAL16;
    if (!range_below(fa.load, len, real ? REAL_MODE_LIMIT : GUEST_ADDR_LIMIT))
        return loader_fail(err,
                           real ? "real-mode flat image must end below 1 MiB"
                                : "flat image must end below 4 GiB",
                           -ERANGE);
    if (fa.entry >= (real ? REAL_MODE_LIMIT : GUEST_ADDR_LIMIT))
        return loader_fail(err,
                           real ? "real-mode entry must be below 1 MiB"
                                : "flat image entry must be below 4 GiB",
                           -ERANGE);
    plan->kind = IMAGE_FLAT;
    plan->mode = fa.mode;
    plan->entry = fa.entry;
    return plan_add_seg(plan, fa.load, 0, len, len);
}

/* ---- ELF: headers ---- */

static void elf64_read_ehdr(const uint8_t *img, struct elf_info *ei)
{
    struct elf64_ehdr h;

    memcpy(&h, img, sizeof(h));
    *ei = (struct elf_info){
        .bits = 64,
        .type = h.e_type,
        .machine = h.e_machine,
        .phentsize = h.e_phentsize,
        .phnum = h.e_phnum,
        .version = h.e_version,
        .entry = h.e_entry,
        .phoff = h.e_phoff,
    };
}

static void elf32_read_ehdr(const uint8_t *img, struct elf_info *ei)
{
    struct elf32_ehdr h;

    memcpy(&h, img, sizeof(h));
    *ei = (struct elf_info){
        .bits = 32,
        .type = h.e_type,
        .machine = h.e_machine,
        .phentsize = h.e_phentsize,
        .phnum = h.e_phnum,
        .version = h.e_version,
        .entry = h.e_entry,
        .phoff = h.e_phoff,
    };
}

static int elf_check_ident(const uint8_t *img, size_t len, int bits, const char **err)
{
    size_t ehsize = bits == 64 ? sizeof(struct elf64_ehdr) : sizeof(struct elf32_ehdr);

    if (len < ehsize)
        return loader_fail(err, ELF_MSG(bits, "header is truncated"), -ENOEXEC);
    if (img[EI_DATA] != ELFDATA2LSB)
        return loader_fail(err, ELF_MSG(bits, "image is not little-endian"), -ENOEXEC);
    if (img[EI_VERSION] != EV_CURRENT)
        return loader_fail(err, ELF_MSG(bits, "header has an unknown version"), -ENOEXEC);
    return 0;
}

static int elf_check_ehdr(const struct elf_info *ei, size_t len, const char **err)
{
    bool is64 = ei->bits == 64;
    size_t phentsize = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);

    if (ei->version != EV_CURRENT)
        return loader_fail(err, ELF_MSG(ei->bits, "header has an unknown version"), -ENOEXEC);
    if (ei->type != ET_EXEC)
        return loader_fail(err, ELF_MSG(ei->bits, "image is not an executable (ET_EXEC)"),
                           -ENOEXEC);
    if (ei->machine != (is64 ? EM_X86_64 : EM_386))
        return loader_fail(
            err, is64 ? "ELF64 image is not for x86-64" : "ELF32 image is not for i386", -ENOEXEC);
    if (ei->phentsize != phentsize)
        return loader_fail(err, ELF_MSG(ei->bits, "program header size is wrong"), -ENOEXEC);
    if (!range_below(ei->phoff, (uint64_t)ei->phnum * phentsize, len))
        return loader_fail(err, ELF_MSG(ei->bits, "program headers run past the end of the file"),
                           -ENOEXEC);
    return 0;
}

/* Ident, header and program header table bounds; fills ei. */
static int elf_read_checked(const uint8_t *img, size_t len, int bits, struct elf_info *ei,
                            const char **err)
{
    int ret;

    ret = elf_check_ident(img, len, bits, err);
    if (ret)
        return ret;
    if (bits == 64)
        elf64_read_ehdr(img, ei);
    else
        elf32_read_ehdr(img, ei);
    return elf_check_ehdr(ei, len, err);
}

/* ---- ELF: program headers (table bounds already checked) ---- */

static void elf_read_seg(const uint8_t *img, const struct elf_info *ei, unsigned i,
                         struct elf_seg *seg)
{
    const uint8_t *p = img + ei->phoff + (uint64_t)i * ei->phentsize;
    struct elf64_phdr h64;
    struct elf32_phdr h32;

    if (ei->bits == 64) {
        memcpy(&h64, p, sizeof(h64));
        *seg = (struct elf_seg){h64.p_type,  h64.p_offset, h64.p_vaddr,
                                h64.p_paddr, h64.p_filesz, h64.p_memsz};
        return;
    }
    memcpy(&h32, p, sizeof(h32));
    *seg = (struct elf_seg){h32.p_type,  h32.p_offset, h32.p_vaddr,
                            h32.p_paddr, h32.p_filesz, h32.p_memsz};
}

/*
 * ELF64 guests start on an identity map, so a segment's p_vaddr must be its
 * p_paddr. ELF32 multiboot kernels run with paging off and may be linked to
 * a higher half: only p_paddr matters for them.
 */
static int elf_check_seg(const struct elf_seg *seg, size_t len, int bits, const char **err)
{
    if (seg->filesz > seg->memsz)
        return loader_fail(err, ELF_MSG(bits, "segment has p_filesz > p_memsz"), -ENOEXEC);
    if (!range_below(seg->offset, seg->filesz, len))
        return loader_fail(err, ELF_MSG(bits, "segment runs past the end of the file"), -ENOEXEC);
    if (!range_below(seg->paddr, seg->memsz, GUEST_ADDR_LIMIT))
        return loader_fail(err, ELF_MSG(bits, "segment does not fit below 4 GiB"), -ERANGE);
    if (bits == 64 && seg->vaddr != seg->paddr)
        return loader_fail(err, "ELF64 entry/segments must be identity-mapped (vaddr == paddr)",
                           -ENOEXEC);
    return 0;
}

static int elf_add_seg(struct image_plan *plan, const struct elf_seg *seg, int bits,
                       const char **err)
{
    int ret = plan_add_seg(plan, seg->paddr, seg->offset, seg->filesz, seg->memsz);

    if (ret == -EEXIST)
        return loader_fail(err, ELF_MSG(bits, "segments overlap"), -ENOEXEC);
    if (ret)
        return loader_fail(err, ELF_MSG(bits, "image has too many loadable segments"), -E2BIG);
    return 0;
}

static int elf_add_segs(const uint8_t *img, size_t len, const struct elf_info *ei,
                        struct image_plan *plan, const char **err)
{
    struct elf_seg seg;
    int ret;

    for (unsigned i = 0; i < ei->phnum; i++) {
        elf_read_seg(img, ei, i, &seg);
        if (seg.type != PT_LOAD)
            continue;
        ret = elf_check_seg(&seg, len, ei->bits, err);
        /* An empty PT_LOAD occupies nothing and cannot hold the entry. */
        if (!ret && seg.memsz)
            ret = elf_add_seg(plan, &seg, ei->bits, err);
        if (ret)
            return ret;
    }
    if (!plan->nsegs)
        return loader_fail(err, ELF_MSG(ei->bits, "image has no loadable (PT_LOAD) segment"),
                           -ENOEXEC);
    return 0;
}

/*
 * e_entry is a virtual address; like GRUB's multiboot loader we take the
 * PT_LOAD whose p_vaddr range holds it and start at the matching physical
 * address. For ELF64 that is e_entry itself, segments being identity-mapped.
 */
static int elf_set_entry(const uint8_t *img, const struct elf_info *ei, struct image_plan *plan,
                         const char **err)
{
    struct elf_seg seg;

    for (unsigned i = 0; i < ei->phnum; i++) {
        elf_read_seg(img, ei, i, &seg);
        if (seg.type != PT_LOAD || ei->entry < seg.vaddr || ei->entry - seg.vaddr >= seg.memsz)
            continue;
        plan->entry = seg.paddr + (ei->entry - seg.vaddr);
        return 0;
    }
    return loader_fail(err, ELF_MSG(ei->bits, "entry point is outside every loadable segment"),
                       -ENOEXEC);
}

static int elf_load(const uint8_t *img, size_t len, int bits, struct image_plan *plan,
                    const char **err)
{
    struct elf_info ei;
    int ret;

    ret = elf_read_checked(img, len, bits, &ei, err);
    if (ret)
        return ret;
    ret = elf_add_segs(img, len, &ei, plan, err);
    if (ret)
        return ret;
    return elf_set_entry(img, &ei, plan, err);
}

/* ---- multiboot1 ---- */

/* 3.1.1: a magic whose checksum does not hold is data, not a header. */
static bool mb1_find(const uint8_t *img, size_t len, size_t *hoff, uint32_t *flags)
{
    size_t end = MIN(len, (size_t)MB1_SEARCH_LEN);
    uint32_t w[MB1_HEADER_MIN_LEN / 4];

    for (size_t off = 0; off + MB1_HEADER_MIN_LEN <= end; off += MB1_HEADER_ALIGN) {
        memcpy(w, img + off, sizeof(w));
        if (w[0] == MB1_HEADER_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0) {
            *hoff = off;
            *flags = w[1];
            return true;
        }
    }
    return false;
}

/* 3.1.3: the file bytes to load are [*off, *off + *fsize). */
static int mb1_aout_extent(const struct mb1_header *h, size_t hoff, size_t len, uint64_t *off,
                           uint64_t *fsize, const char **err)
{
    uint64_t skip;

    if (h->load_addr > h->header_addr)
        return loader_fail(err, "multiboot1 load_addr is above header_addr", -ENOEXEC);
    skip = h->header_addr - h->load_addr;
    if (skip > hoff)
        return loader_fail(err, "multiboot1 load_addr lies before the start of the file", -ENOEXEC);
    *off = hoff - skip;
    if (!h->load_end_addr) {
        *fsize = len - *off;
        return 0;
    }
    if (h->load_end_addr < h->load_addr)
        return loader_fail(err, "multiboot1 load_end_addr is below load_addr", -ENOEXEC);
    *fsize = h->load_end_addr - h->load_addr;
    if (!range_below(*off, *fsize, len))
        return loader_fail(err, "multiboot1 load_end_addr runs past the end of the file", -ENOEXEC);
    return 0;
}

static int mb1_aout(const uint8_t *img, size_t len, size_t hoff, struct image_plan *plan,
                    const char **err)
{
    struct mb1_header h;
    uint64_t off, fsize, msize;
    int ret;

    if (!range_below(hoff, sizeof(h), MIN(len, (size_t)MB1_SEARCH_LEN)))
        return loader_fail(err, "multiboot1 address fields lie past the first 8 KiB or the file",
                           -ENOEXEC);
    memcpy(&h, img + hoff, sizeof(h));
    ret = mb1_aout_extent(&h, hoff, len, &off, &fsize, err);
    if (ret)
        return ret;
    if (!range_below(h.load_addr, fsize, GUEST_ADDR_LIMIT))
        return loader_fail(err, "multiboot1 image does not fit below 4 GiB", -ERANGE);
    msize = fsize;
    if (h.bss_end_addr) {
        if (h.bss_end_addr < h.load_addr + fsize)
            return loader_fail(err, "multiboot1 bss_end_addr is below the end of the loaded data",
                               -ENOEXEC);
        msize = h.bss_end_addr - h.load_addr;
    }
    if (h.entry_addr < h.load_addr || h.entry_addr - h.load_addr >= msize)
        return loader_fail(err, "multiboot1 entry_addr is outside the loaded image", -ENOEXEC);
    plan->entry = h.entry_addr;
    return plan_add_seg(plan, h.load_addr, off, fsize, msize);
}

static int parse_mb1(const uint8_t *img, size_t len, size_t hoff, uint32_t flags,
                     struct image_plan *plan, const char **err)
{
    if (flags & MB1_FLAGS_REQUIRED & ~MB1_FLAGS_SUPPORTED)
        return loader_fail(err, "multiboot1 header requests unsupported features (flags bits 3-15)",
                           -EOPNOTSUPP);
    plan->kind = IMAGE_MB1;
    plan->mode = START_PROT32;
    plan->mb1_flags = flags;
    /* 3.1.3: with bit 16 the address fields win even over an ELF header. */
    if (flags & MB1_FLAG_AOUT_KLUDGE)
        return mb1_aout(img, len, hoff, plan, err);
    if (!has_elf_magic(img, len))
        return loader_fail(
            err, "multiboot1 kernel is neither ELF32 nor a.out-kludge (flags bit 16)", -ENOEXEC);
    return elf_load(img, len, 32, plan, err);
}

/* ---- detection ---- */

static int parse_elf(const uint8_t *img, size_t len, struct image_plan *plan, const char **err)
{
    size_t hoff;
    uint32_t flags;

    if (len < EI_NIDENT)
        return loader_fail(err, "ELF identification is truncated", -ENOEXEC);
    if (img[EI_CLASS] == ELFCLASS64) {
        plan->kind = IMAGE_ELF64;
        plan->mode = START_LONG64;
        return elf_load(img, len, 64, plan, err);
    }
    if (img[EI_CLASS] != ELFCLASS32)
        return loader_fail(err, "ELF class is neither ELF32 nor ELF64", -ENOEXEC);
    if (!mb1_find(img, len, &hoff, &flags))
        return loader_fail(err, "ELF32 image has no multiboot1 header", -ENOEXEC);
    return parse_mb1(img, len, hoff, flags, plan, err);
}

static int parse_any(const uint8_t *img, size_t len, const char *args, struct image_plan *plan,
                     const char **err)
{
    size_t hoff;
    uint32_t flags;

    if (!img || !len)
        return loader_fail(err, "image is empty", -ENOEXEC);
    if (has_elf_magic(img, len))
        return parse_elf(img, len, plan, err);
    if (mb1_find(img, len, &hoff, &flags))
        return parse_mb1(img, len, hoff, flags, plan, err);
    return parse_flat(len, args, plan, err);
}

int image_parse(const void *img, size_t len, const char *args, struct image_plan *plan,
                const char **err)
{
    int ret;

    memset(plan, 0, sizeof(*plan));
    *err = NULL;
    ret = parse_any(img, len, args, plan, err);
    if (ret) {
        /* A half-filled plan must not look loadable. */
        memset(plan, 0, sizeof(*plan));
        return ret;
    }
    plan_set_mem_needed(plan);
    return 0;
}

const char *image_kind_name(enum image_kind k)
{
    switch (k) {
    case IMAGE_FLAT:
        return "flat";
    case IMAGE_ELF64:
        return "ELF64";
    case IMAGE_MB1:
        return "multiboot1";
    default:
        return "unknown";
    }
}

const char *start_mode_name(enum start_mode m)
{
    switch (m) {
    case START_REAL16:
        return "real";
    case START_PROT32:
        return "prot32";
    case START_LONG64:
        return "long64";
    default:
        return "unknown";
    }
}
