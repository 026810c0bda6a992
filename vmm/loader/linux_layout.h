/* SPDX-License-Identifier: MIT */
/*
 * Booting a Linux bzImage at its 64-bit entry (boot.rst "64-bit boot
 * protocol"): where everything goes in a VM whose RAM is [0, mem_size), and
 * writing it there. Pure code: guest memory is reached only through the
 * caller's write function, so the kernel passes vm_copy_to_guest and tests
 * a flat buffer.
 *
 * Guest-physical layout (docs/linux-guest.md has the reasons):
 *   0x00000-0x00fff  zero: real-mode IVT and BIOS data area (Linux reads the
 *                    EBDA pointer there; 0 means none)
 *   0x01000          GDT: null, null, __BOOT_CS (0x10), __BOOT_DS (0x18)
 *   0x07000          boot_params ("zero page")
 *   0x08000-0x08fff  boot stack (RSP = 0x9000 at entry; startup_64 sets its own)
 *   0x20000-0x2ffff  kernel command line
 *   0x30000-         identity-map page tables: PML4, PDPT, PDs (2 MiB pages)
 *   0x9f000-0xdffff  reserved in the e820 map
 *   0xe0000-0xfffff  ACPI tables, RSDP first (e820 type ACPI)
 *   kernel_gpa       the protected-mode kernel, init_size bytes of room
 *                    (pref_address, rounded up to kernel_alignment)
 *   initrd_gpa       the initrd, page-aligned, as high as its limit allows
 */
#ifndef VMM_LOADER_LINUX_LAYOUT_H
#define VMM_LOADER_LINUX_LAYOUT_H

#include "lib/compiler.h"
#include "vmm/loader/bzimage.h"

#define LINUX_GDT_GPA 0x1000ULL
#define LINUX_BOOT_PARAMS_GPA 0x7000ULL
#define LINUX_STACK_TOP 0x9000ULL
#define LINUX_CMDLINE_GPA 0x20000ULL
#define LINUX_CMDLINE_AREA 0x10000ULL
#define LINUX_PT_GPA 0x30000ULL
/*
 * Linux's startup_64 (arch/x86/boot/compressed/pgtable_64.c) puts a 2-page
 * trampoline just below the top of the first e820 RAM entry, 0x9d000 here,
 * while our page tables are still live: they must end below it.
 */
#define LINUX_PT_LIMIT 0x9d000ULL
#define LINUX_LOW_RAM_END 0x9f000ULL
#define LINUX_ACPI_GPA 0xe0000ULL
#define LINUX_ACPI_SIZE 0x20000ULL
#define LINUX_HIGH_RAM 0x100000ULL
/* The identity map covers at least this much, and all of RAM. */
#define LINUX_IDMAP_MIN GiB(4)

#define LINUX_MSG_LEN 128
#define LINUX_E820_ENTRIES 4

/* A guest-memory writer: 0, or a negative error if [gpa, gpa + len) is not guest RAM. */
typedef int (*linux_write_fn)(void *ctx, uint64_t gpa, const void *src, size_t len);

/* What is being booted, besides the kernel. Buffers must outlive linux_build. */
struct linux_boot_cfg {
    uint64_t mem_size;  /* guest RAM is [0, mem_size) */
    const void *initrd; /* NULL when initrd_len is 0 */
    size_t initrd_len;
    const char *cmdline; /* NULL = empty */
    const void *acpi;    /* tables built for LINUX_ACPI_GPA (acpi_gen_build), or NULL */
    size_t acpi_len;
};

/* Where everything goes; all addresses guest-physical. */
struct linux_plan {
    uint64_t mem_size;
    uint64_t kernel_gpa; /* load address; the 64-bit entry is 0x200 past it */
    uint64_t kernel_end; /* kernel_gpa + init_size */
    uint64_t initrd_gpa; /* 0 when there is no initrd */
    uint64_t initrd_size;
    uint64_t initrd_limit; /* end of the highest place the initrd may occupy */
    uint64_t cmdline_gpa;
    size_t cmdline_len; /* without the NUL */
    uint64_t boot_params_gpa;
    uint64_t gdt_gpa;
    uint64_t pml4_gpa;
    unsigned npd;      /* page directories: GiB identity-mapped */
    uint64_t acpi_gpa; /* 0 when there are no ACPI tables */
    uint64_t acpi_len;
    unsigned ne820;
    struct {
        uint64_t addr, size;
        uint32_t type;
    } e820[LINUX_E820_ENTRIES];
    char msg[LINUX_MSG_LEN]; /* *err may point here */
};

/* The 64-bit entry state (boot.rst): what the VMX start state must become. */
struct linux_entry {
    uint64_t rip; /* kernel_gpa + 0x200 */
    uint64_t rsi; /* boot_params */
    uint64_t rsp;
    uint64_t cr3; /* identity map; CR0.PE|PG, CR4.PAE, EFER.LME|LMA, IF clear */
    uint64_t gdt_base;
    uint16_t gdt_limit;
    uint16_t cs;      /* LINUX_BOOT_CS: 64-bit code, flat */
    uint16_t ds;      /* LINUX_BOOT_DS for DS, ES and SS: flat read/write data */
    uint64_t cs_desc; /* the GDT's descriptors for cs and ds, for hidden segment state */
    uint64_t ds_desc;
};

/*
 * Plans the layout for bz (from bzimage_parse) and cfg. Returns 0, or a
 * negative error with *err a one-line reason: -ENOMEM when the kernel or
 * initrd does not fit (saying how much memory is needed), -E2BIG for a
 * command line longer than the kernel's cmdline_size, -EINVAL otherwise.
 */
int linux_plan(const struct bzimage_info *bz, const struct linux_boot_cfg *cfg,
               struct linux_plan *plan, const char **err);

/*
 * Writes everything plan (from linux_plan with the same bz and cfg) places:
 * boot_params, command line, GDT, page tables, ACPI tables, kernel, initrd.
 * Memory it does not write is left as it was (the caller gives zeroed RAM).
 * Fills entry. Returns 0, or the write function's error with *err set.
 */
int linux_build(const struct bzimage_info *bz, const struct linux_boot_cfg *cfg,
                const struct linux_plan *plan, linux_write_fn write, void *ctx,
                struct linux_entry *entry, const char **err);

#endif
