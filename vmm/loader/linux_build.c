/* SPDX-License-Identifier: MIT */
/*
 * Writing a planned Linux guest into its memory (boot.rst "64-bit boot
 * protocol"): the zero page with the image's setup header, the command
 * line, a GDT and identity-map page tables for the 64-bit entry, the ACPI
 * tables, the kernel and the initrd. Large structures go out in small
 * chunks, so this runs on a kernel stack.
 */
#include "lib/compiler.h"
#include "vmm/loader/fail.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "vmm/loader/linux_boot.h"
#include "vmm/loader/linux_layout.h"

/*
 * Flat 4 GiB descriptors (Intel SDM vol. 3A 3.4.5): G=1, limit 0xFFFFF,
 * P=1, DPL 0. Code: L=1 (64-bit), type 0xB execute/read. Data: D/B=1, type
 * 0x3 read/write. Both with the accessed bit set, so the CPU never writes
 * to the GDT.
 */
#define GDT_CODE64 0x00AF9B000000FFFFULL
#define GDT_DATA 0x00CF93000000FFFFULL
#define GDT_ENTRIES 4 /* null, unused 0x08, __BOOT_CS 0x10, __BOOT_DS 0x18 */

/* Paging entries (SDM vol. 3A 4.5): present, writable; PS = 2 MiB page in a PD. */
#define PTE_P 0x1ULL
#define PTE_W 0x2ULL
#define PTE_PS 0x80ULL
#define PT_ENTRIES 512
#define CHUNK_ENTRIES 64

struct builder {
    linux_write_fn write;
    void *ctx;
    int ret;
    const char *what; /* the error message for the stage being written, or that failed */
};

/* Names what the next writes are, unless an earlier write already failed. */
static void stage(struct builder *b, const char *what)
{
    if (!b->ret)
        b->what = what;
}

/* The first failure sticks; later writes are skipped. */
static void put(struct builder *b, uint64_t gpa, const void *src, size_t len)
{
    int ret;

    if (b->ret || !len)
        return;
    ret = b->write(b->ctx, gpa, src, len);
    if (ret)
        b->ret = ret < 0 ? ret : -EFAULT;
}

static void put_zero(struct builder *b, uint64_t gpa, size_t len)
{
    static const uint8_t zero[512];

    for (size_t off = 0; off < len; off += sizeof(zero))
        put(b, gpa + off, zero, MIN(sizeof(zero), len - off));
}

static void put_u8(struct builder *b, uint64_t gpa, uint8_t v)
{
    put(b, gpa, &v, sizeof(v));
}

static void put_u16(struct builder *b, uint64_t gpa, uint16_t v)
{
    put(b, gpa, &v, sizeof(v));
}

static void put_u32(struct builder *b, uint64_t gpa, uint32_t v)
{
    put(b, gpa, &v, sizeof(v));
}

static void put_u64(struct builder *b, uint64_t gpa, uint64_t v)
{
    put(b, gpa, &v, sizeof(v));
}

#define BP(f) (LINUX_BOOT_PARAMS_GPA + offsetof(struct linux_boot_params, f))
#define BP_HDR(f) (LINUX_BOOT_PARAMS_GPA + LINUX_BP_HDR_OFF(f))

/* boot.rst: copy the setup header from 0x1f1 to its end; the zero page has room to 0x290. */
static void put_setup_header(struct builder *b, const struct bzimage_info *bz)
{
    size_t end = MIN(bz->hdr_end, (size_t)LINUX_HDR_ROOM_END);

    put(b, BP(hdr), bz->img + LINUX_SETUP_HDR_OFF, end - LINUX_SETUP_HDR_OFF);
}

/* The fields boot.rst marks "write" for the loader, each split at 4 GiB. */
static void put_loader_fields(struct builder *b, const struct linux_plan *plan)
{
    put_u16(b, BP_HDR(vid_mode), LINUX_VID_MODE_NORMAL);
    put_u8(b, BP_HDR(type_of_loader), LINUX_LOADER_UNDEFINED);
    put_u64(b, BP_HDR(setup_data), 0);
    put_u32(b, BP_HDR(cmd_line_ptr), (uint32_t)plan->cmdline_gpa);
    put_u32(b, BP(ext_cmd_line_ptr), (uint32_t)(plan->cmdline_gpa >> 32));
    put_u32(b, BP_HDR(ramdisk_image), (uint32_t)plan->initrd_gpa);
    put_u32(b, BP(ext_ramdisk_image), (uint32_t)(plan->initrd_gpa >> 32));
    put_u32(b, BP_HDR(ramdisk_size), (uint32_t)plan->initrd_size);
    put_u32(b, BP(ext_ramdisk_size), (uint32_t)(plan->initrd_size >> 32));
    put_u64(b, BP(acpi_rsdp_addr), plan->acpi_gpa);
}

static void put_e820(struct builder *b, const struct linux_plan *plan)
{
    struct linux_e820_entry e;

    for (unsigned i = 0; i < plan->ne820; i++) {
        e.addr = plan->e820[i].addr;
        e.size = plan->e820[i].size;
        e.type = plan->e820[i].type;
        put(b, BP(e820_table) + i * sizeof(e), &e, sizeof(e));
    }
    put_u8(b, BP(e820_entries), (uint8_t)plan->ne820);
}

/* Zeroed first: boot.rst requires every field the loader does not set to be 0. */
static void put_boot_params(struct builder *b, const struct bzimage_info *bz,
                            const struct linux_plan *plan)
{
    stage(b, "linux: cannot write boot_params into guest memory");
    put_zero(b, LINUX_BOOT_PARAMS_GPA, LINUX_BOOT_PARAMS_SIZE);
    put_setup_header(b, bz);
    put_loader_fields(b, plan);
    put_e820(b, plan);
}

static void put_cmdline(struct builder *b, const struct linux_boot_cfg *cfg,
                        const struct linux_plan *plan)
{
    stage(b, "linux: cannot write the command line into guest memory");
    put(b, plan->cmdline_gpa, cfg->cmdline, plan->cmdline_len);
    put_u8(b, plan->cmdline_gpa + plan->cmdline_len, 0);
}

static void put_gdt(struct builder *b, const struct linux_plan *plan)
{
    const uint64_t gdt[GDT_ENTRIES] = {0, 0, GDT_CODE64, GDT_DATA};

    _Static_assert(LINUX_BOOT_CS == 2 * 8 && LINUX_BOOT_DS == 3 * 8, "GDT slots");
    stage(b, "linux: cannot write the GDT into guest memory");
    put(b, plan->gdt_gpa, gdt, sizeof(gdt));
}

/* Entry i of the table at page index `page` in the page-table area. */
static uint64_t pt_entry(const struct linux_plan *plan, unsigned page, unsigned i)
{
    uint64_t pdpt = plan->pml4_gpa + PAGE_SIZE;

    if (page == 0) /* PML4: one PDPT covers 512 GiB */
        return i == 0 ? pdpt | PTE_P | PTE_W : 0;
    if (page == 1) /* PDPT: one PD per GiB */
        return i < plan->npd ? (pdpt + (i + 1) * PAGE_SIZE) | PTE_P | PTE_W : 0;
    return (((uint64_t)(page - 2) * PT_ENTRIES + i) << 21) | PTE_P | PTE_W | PTE_PS;
}

/* Identity map of [0, npd GiB) with 2 MiB pages; boot.rst needs the kernel, zero page and cmdline. */
static void put_page_tables(struct builder *b, const struct linux_plan *plan)
{
    uint64_t chunk[CHUNK_ENTRIES];
    unsigned pages = 2 + plan->npd;

    stage(b, "linux: cannot write the page tables into guest memory");
    for (unsigned page = 0; page < pages; page++) {
        for (unsigned base = 0; base < PT_ENTRIES; base += CHUNK_ENTRIES) {
            for (unsigned i = 0; i < CHUNK_ENTRIES; i++)
                chunk[i] = pt_entry(plan, page, base + i);
            put(b, plan->pml4_gpa + page * PAGE_SIZE + base * sizeof(uint64_t), chunk,
                sizeof(chunk));
        }
    }
}

static void put_payloads(struct builder *b, const struct bzimage_info *bz,
                         const struct linux_boot_cfg *cfg, const struct linux_plan *plan)
{
    stage(b, "linux: cannot write the ACPI tables into guest memory");
    put(b, plan->acpi_gpa, cfg->acpi, plan->acpi_len);
    stage(b, "linux: cannot write the kernel into guest memory");
    put(b, plan->kernel_gpa, bzimage_kernel(bz), bz->kernel_size);
    stage(b, "linux: cannot write the initrd into guest memory");
    put(b, plan->initrd_gpa, cfg->initrd, plan->initrd_size);
}

static void fill_entry(const struct linux_plan *plan, struct linux_entry *e)
{
    *e = (struct linux_entry){
        .rip = plan->kernel_gpa + LINUX_ENTRY64_OFF,
        .rsi = plan->boot_params_gpa,
        .rsp = LINUX_STACK_TOP,
        .cr3 = plan->pml4_gpa,
        .gdt_base = plan->gdt_gpa,
        .gdt_limit = GDT_ENTRIES * 8 - 1,
        .cs = LINUX_BOOT_CS,
        .ds = LINUX_BOOT_DS,
        .cs_desc = GDT_CODE64,
        .ds_desc = GDT_DATA,
    };
}

int linux_build(const struct bzimage_info *bz, const struct linux_boot_cfg *cfg,
                const struct linux_plan *plan, linux_write_fn write, void *ctx,
                struct linux_entry *entry, const char **err)
{
    struct builder b = {.write = write, .ctx = ctx};

    if (!bz || !cfg || !plan || !write || !entry || plan->initrd_size != cfg->initrd_len ||
        plan->acpi_len != cfg->acpi_len)
        return loader_fail(err, "linux: build called without a matching plan", -EINVAL);
    put_boot_params(&b, bz, plan);
    put_cmdline(&b, cfg, plan);
    put_gdt(&b, plan);
    put_page_tables(&b, plan);
    put_payloads(&b, bz, cfg, plan);
    if (b.ret) {
        *err = b.what;
        return b.ret;
    }
    fill_entry(plan, entry);
    return 0;
}
