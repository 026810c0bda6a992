/* fuzz-srcs: vmm/loader/image.c lib/shell_parse.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * Guest image parser. The input is "<args>\0<image>": the module's words
 * after its name, then the image. Without a NUL the whole input is the image
 * and there are no args. The image ends where libFuzzer's exact-size buffer
 * ends, so AddressSanitizer catches a read past it. A plan that parsed must
 * be loadable as it stands: the loader trusts it.
 */
#include <string.h>
#include "vmm/loader/image.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define GUEST_ADDR_LIMIT (1ULL << 32)
#define REAL_MODE_LIMIT (1ULL << 20)

static bool overlap(const struct image_seg *a, const struct image_seg *b)
{
    return a->gpa < b->gpa + b->mem_size && b->gpa < a->gpa + a->mem_size;
}

static bool holds(const struct image_seg *s, uint64_t addr)
{
    return addr >= s->gpa && addr - s->gpa < s->mem_size;
}

static void check_plan(const struct image_plan *p, size_t len)
{
    bool entry_in_seg = false;

    CHECK(p->kind == IMAGE_FLAT || p->kind == IMAGE_ELF64 || p->kind == IMAGE_MB1);
    CHECK(p->mode == START_REAL16 || p->mode == START_PROT32 || p->mode == START_LONG64);
    CHECK(p->nsegs >= 1 && p->nsegs <= IMAGE_MAX_SEGS);
    CHECK(p->mem_needed % 4096 == 0 && p->mem_needed <= GUEST_ADDR_LIMIT);
    for (unsigned i = 0; i < p->nsegs; i++) {
        const struct image_seg *s = &p->segs[i];

        CHECK(s->file_off <= len && s->file_size <= len - s->file_off);
        CHECK(s->file_size <= s->mem_size && s->mem_size > 0);
        CHECK(s->gpa <= p->mem_needed && s->mem_size <= p->mem_needed - s->gpa);
        for (unsigned j = 0; j < i; j++)
            CHECK(!overlap(s, &p->segs[j]));
        entry_in_seg |= holds(s, p->entry);
    }
    /* A flat image's entry= may point anywhere below the limit, e.g. into a ROM. */
    if (p->kind != IMAGE_FLAT)
        CHECK(entry_in_seg);
    if (p->mode == START_REAL16)
        CHECK(p->mem_needed <= REAL_MODE_LIMIT && p->entry < REAL_MODE_LIMIT);
    else
        CHECK(p->entry < GUEST_ADDR_LIMIT);
    CHECK(strcmp(image_kind_name(p->kind), "unknown"));
    CHECK(strcmp(start_mode_name(p->mode), "unknown"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct image_plan plan;
    const uint8_t *nul = memchr(data, 0, size);
    const char *args = nul ? (const char *)data : NULL;
    const uint8_t *img = nul ? nul + 1 : data;
    size_t len = size - (size_t)(img - data);
    const char *err = "unset";
    int ret;

    host_log_clear();
    ret = image_parse(img, len, args, &plan, &err);
    if (ret) {
        CHECK(ret < 0 && err && *err);
        CHECK(plan.nsegs == 0 && plan.kind == IMAGE_UNKNOWN);
    } else {
        check_plan(&plan, len);
    }
    return 0;
}
