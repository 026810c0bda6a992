/* fuzz-srcs: vmm/loader/bzimage.c vmm/loader/linux_layout.c vmm/loader/linux_build.c vmm/platform/acpi_gen.c lib/printf.c lib/string.c */
/* SPDX-License-Identifier: MIT */
/*
 * Linux bzImage loading: parse, plan and build into guest memory. The input
 * is an 8-byte control block, a command line, then the image:
 *   [0]    guest memory in MiB, minus one (1..64 MiB)
 *   [1..2] initrd length in 16-byte units (little-endian)
 *   [3]    command line length n
 *   [4]    vCPUs for the ACPI tables, minus one (low 3 bits); bit 7 set: no ACPI
 *   [5..7] unused
 *   [8..8+n) the command line (may hold NULs), then the image.
 * Guest memory below 1 MiB is a real buffer, read back to check the zero
 * page; above it, writes are only bounds-checked and their sources read, so
 * AddressSanitizer sees any read past the image or initrd.
 *
 * Seeds: tests/fuzz/mkseeds.py writes synthetic images; debian-6.1-cloud-head
 * is the first 64 KiB of Debian's linux-image-6.1 cloud vmlinuz (a real
 * 2.15 header, its kernel cut short) behind a control block.
 */
#include <string.h>
#include "lib/errno.h"
#include "vmm/loader/bzimage.h"
#include "vmm/loader/linux_boot.h"
#include "vmm/loader/linux_layout.h"
#include "vmm/platform/acpi_gen.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/host_stubs.h"

#define CTL_LEN 8
#define MAX_MEM_MIB 64
#define LOW_MEM 0x100000
#define MAX_INITRD (0xffff * 16)

struct guest {
    uint64_t mem_size;
    uint8_t low[LOW_MEM];
    uint8_t sink;
    /* the two writes that land above 1 MiB */
    uint64_t kernel_gpa, kernel_len, initrd_gpa, initrd_len;
};

static struct guest g;
static uint8_t initrd[MAX_INITRD];
static uint8_t acpi[ACPI_GEN_BUF_SIZE];
static char cmdline[256];

static int guest_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    const uint8_t *s = src;

    CHECK(ctx == &g);
    if (gpa > g.mem_size || len > g.mem_size - gpa)
        return -EFAULT;
    if (gpa < LOW_MEM) {
        CHECK(len <= LOW_MEM - gpa); /* nothing straddles 1 MiB */
        memcpy(g.low + gpa, src, len);
        return 0;
    }
    if (len) {
        g.sink ^= s[0] ^ s[len - 1] ^ s[len / 2];
        if (src == initrd) {
            g.initrd_gpa = gpa;
            g.initrd_len = len;
        } else {
            g.kernel_gpa = gpa;
            g.kernel_len = len;
        }
    }
    return 0;
}

static uint64_t low_rd(uint64_t gpa, size_t size)
{
    uint64_t v = 0;

    memcpy(&v, g.low + gpa, size);
    return v;
}

static void check_bz(const struct bzimage_info *bz, size_t len)
{
    CHECK(bz->setup_size <= len);
    CHECK(bz->kernel_size <= len - bz->setup_size);
    CHECK(bz->kernel_size > LINUX_ENTRY64_OFF);
    CHECK(bz->hdr_end >= LINUX_HDR_MIN_END && bz->hdr_end <= bz->setup_size);
    CHECK(bz->init_size >= bz->kernel_size);
    CHECK((uint64_t)bz->payload_offset + bz->payload_length <= bz->kernel_size);
    CHECK(bz->version >= LINUX_MIN_PROTOCOL);
    CHECK(bz->xloadflags & LINUX_XLF_KERNEL_64);
}

static void check_plan(const struct bzimage_info *bz, const struct linux_plan *p)
{
    CHECK(p->kernel_gpa >= LINUX_HIGH_RAM);
    CHECK(p->kernel_end == p->kernel_gpa + bz->init_size && p->kernel_end <= p->mem_size);
    CHECK(!bz->relocatable || IS_ALIGNED(p->kernel_gpa, (uint64_t)bz->kernel_alignment));
    if (p->initrd_size) {
        CHECK(IS_ALIGNED(p->initrd_gpa, PAGE_SIZE));
        CHECK(p->initrd_gpa >= p->kernel_end);
        CHECK(p->initrd_gpa + p->initrd_size <= p->initrd_limit);
        CHECK(p->initrd_limit <= p->mem_size);
    }
    CHECK(p->cmdline_len <= bz->cmdline_size);
    CHECK(p->ne820 == LINUX_E820_ENTRIES);
    for (unsigned i = 1; i < p->ne820; i++)
        CHECK(p->e820[i].addr == p->e820[i - 1].addr + p->e820[i - 1].size);
    CHECK(p->e820[p->ne820 - 1].addr + p->e820[p->ne820 - 1].size == p->mem_size);
}

static void check_built(const struct bzimage_info *bz, const struct linux_plan *p,
                        const struct linux_entry *e)
{
    uint64_t bp = LINUX_BOOT_PARAMS_GPA;

    CHECK(low_rd(bp + LINUX_BP_HDR_OFF(header), 4) == LINUX_HDRS_MAGIC);
    CHECK(low_rd(bp + LINUX_BP_HDR_OFF(type_of_loader), 1) == LINUX_LOADER_UNDEFINED);
    CHECK(low_rd(bp + LINUX_BP_HDR_OFF(cmd_line_ptr), 4) == p->cmdline_gpa);
    CHECK(low_rd(bp + LINUX_BP_HDR_OFF(ramdisk_image), 4) == p->initrd_gpa);
    CHECK(low_rd(bp + offsetof(struct linux_boot_params, e820_entries), 1) == p->ne820);
    CHECK(g.low[p->cmdline_gpa + p->cmdline_len] == 0);
    CHECK(g.kernel_gpa == p->kernel_gpa && g.kernel_len == bz->kernel_size);
    CHECK(!p->initrd_size || (g.initrd_gpa == p->initrd_gpa && g.initrd_len == p->initrd_size));
    CHECK(g.kernel_gpa + g.kernel_len <= p->kernel_end);
    CHECK(e->rip == p->kernel_gpa + LINUX_ENTRY64_OFF && e->rsi == bp);
}

static void load(const struct bzimage_info *bz, const uint8_t *ctl)
{
    struct linux_boot_cfg cfg = {.cmdline = cmdline, .initrd = initrd};
    struct acpi_gen_cfg ac;
    static struct linux_plan plan;
    struct linux_entry entry;
    const char *err = NULL;
    size_t used = 0;

    cfg.mem_size = MiB(1 + ctl[0] % MAX_MEM_MIB);
    cfg.initrd_len = (size_t)(ctl[1] | ctl[2] << 8) * 16;
    if (!(ctl[4] & 0x80)) {
        acpi_gen_default_cfg(&ac, 1 + (ctl[4] & 7));
        CHECK(acpi_gen_build(&ac, acpi, sizeof(acpi), LINUX_ACPI_GPA, &used) == 0);
        cfg.acpi = acpi;
        cfg.acpi_len = used;
    }
    if (linux_plan(bz, &cfg, &plan, &err)) {
        CHECK(err && !memcmp(err, "linux: ", 7));
        return;
    }
    check_plan(bz, &plan);
    g.mem_size = cfg.mem_size;
    g.kernel_gpa = g.kernel_len = g.initrd_gpa = g.initrd_len = 0;
    CHECK(linux_build(bz, &cfg, &plan, guest_write, &g, &entry, &err) == 0);
    check_built(bz, &plan, &entry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *ctl = data;
    struct bzimage_info bz;
    const char *err = NULL;
    uint8_t *img;
    size_t n;

    host_log_clear();
    if (size < CTL_LEN)
        return 0;
    n = MIN((size_t)ctl[3], size - CTL_LEN);
    memcpy(cmdline, data + CTL_LEN, n);
    cmdline[n] = 0;
    data += CTL_LEN + n;
    size -= CTL_LEN + n;
    /* A private copy: ASan then catches any read past the image's end. */
    img = malloc(size ? size : 1);
    CHECK(img);
    memcpy(img, data, size);
    if (bzimage_parse(img, size, &bz, &err) == 0) {
        check_bz(&bz, size);
        load(&bz, ctl);
    } else {
        CHECK(err && !memcmp(err, "bzImage: ", 9) && !strchr(err, '\n'));
    }
    free(img);
    return 0;
}
