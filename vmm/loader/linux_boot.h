/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86 boot protocol: the setup header of a bzImage and the
 * "zero page" (struct boot_params) a loader hands the kernel. Layouts and
 * constants from Linux's Documentation/arch/x86/boot.rst ("The real-mode
 * kernel header", "Details of header fields", "64-bit boot protocol") and
 * arch/x86/include/uapi/asm/bootparam.h; e820 types from
 * arch/x86/include/asm/e820/types.h. Only the fields a loader reads or
 * writes have names; the rest are padding at the right offsets.
 */
#ifndef VMM_LOADER_LINUX_BOOT_H
#define VMM_LOADER_LINUX_BOOT_H

#include "lib/compiler.h"

/* boot.rst "The real-mode kernel header": the header starts at 0x1f1. */
#define LINUX_SETUP_HDR_OFF 0x1f1
#define LINUX_SECTOR_SIZE 512
/* setup_sects == 0 means 4 (compatibility with ancient kernels). */
#define LINUX_SETUP_SECTS_DEFAULT 4
#define LINUX_BOOT_FLAG 0xAA55
#define LINUX_HDRS_MAGIC 0x53726448 /* "HdrS" */
/* boot.rst "64-bit boot protocol": the setup header ends at 0x202 + the byte at 0x201. */
#define LINUX_JUMP_OFF_BYTE 0x201
#define LINUX_HDR_END_BASE 0x202
/* 2.12 added xloadflags, which tells whether a 64-bit entry exists. */
#define LINUX_MIN_PROTOCOL 0x020c
/* syssize counts 16-byte paragraphs of protected-mode code. */
#define LINUX_SYSSIZE_UNIT 16

/* loadflags (boot.rst "loadflags") */
#define LINUX_LF_LOADED_HIGH (1u << 0) /* protected-mode code runs at 0x100000+ */
#define LINUX_LF_KASLR (1u << 1)
#define LINUX_LF_CAN_USE_HEAP (1u << 7)

/* xloadflags (boot.rst "xloadflags") */
#define LINUX_XLF_KERNEL_64 (1u << 0) /* 64-bit entry at load address + 0x200 */
#define LINUX_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define LINUX_XLF_EFI_HANDOVER_32 (1u << 2)
#define LINUX_XLF_EFI_HANDOVER_64 (1u << 3)
#define LINUX_XLF_EFI_KEXEC (1u << 4)

/* boot.rst "64-bit boot protocol": startup_64 is 0x200 past startup_32. */
#define LINUX_ENTRY64_OFF 0x200
/* ... entered with CS = __BOOT_CS and DS/ES/SS = __BOOT_DS, 4 GiB flat. */
#define LINUX_BOOT_CS 0x10
#define LINUX_BOOT_DS 0x18

/* type_of_loader: 0xFF = "undefined" (no assigned loader ID). */
#define LINUX_LOADER_UNDEFINED 0xFF
/* vid_mode: 0xFFFF = "normal" (80x25); only the real-mode setup code reads it. */
#define LINUX_VID_MODE_NORMAL 0xFFFF

/* arch/x86/include/asm/e820/types.h */
#define LINUX_E820_RAM 1
#define LINUX_E820_RESERVED 2
#define LINUX_E820_ACPI 3
#define LINUX_E820_MAX_ZEROPAGE 128 /* E820_MAX_ENTRIES_ZEROPAGE */

#define LINUX_BOOT_PARAMS_SIZE 0x1000

/* bootparam.h struct setup_header, offsets within the image / zero page. */
struct linux_setup_header {
    uint8_t setup_sects;            /* 0x1f1 */
    uint16_t root_flags;            /* 0x1f2 */
    uint32_t syssize;               /* 0x1f4 */
    uint16_t ram_size;              /* 0x1f8 */
    uint16_t vid_mode;              /* 0x1fa */
    uint16_t root_dev;              /* 0x1fc */
    uint16_t boot_flag;             /* 0x1fe */
    uint16_t jump;                  /* 0x200 */
    uint32_t header;                /* 0x202 */
    uint16_t version;               /* 0x206 */
    uint32_t realmode_swtch;        /* 0x208 */
    uint16_t start_sys_seg;         /* 0x20c */
    uint16_t kernel_version;        /* 0x20e */
    uint8_t type_of_loader;         /* 0x210 */
    uint8_t loadflags;              /* 0x211 */
    uint16_t setup_move_size;       /* 0x212 */
    uint32_t code32_start;          /* 0x214 */
    uint32_t ramdisk_image;         /* 0x218 */
    uint32_t ramdisk_size;          /* 0x21c */
    uint32_t bootsect_kludge;       /* 0x220 */
    uint16_t heap_end_ptr;          /* 0x224 */
    uint8_t ext_loader_ver;         /* 0x226 */
    uint8_t ext_loader_type;        /* 0x227 */
    uint32_t cmd_line_ptr;          /* 0x228 */
    uint32_t initrd_addr_max;       /* 0x22c: highest address the initrd may occupy */
    uint32_t kernel_alignment;      /* 0x230 */
    uint8_t relocatable_kernel;     /* 0x234 */
    uint8_t min_alignment;          /* 0x235 */
    uint16_t xloadflags;            /* 0x236 */
    uint32_t cmdline_size;          /* 0x238: longest command line, without the NUL */
    uint32_t hardware_subarch;      /* 0x23c */
    uint64_t hardware_subarch_data; /* 0x240 */
    uint32_t payload_offset;        /* 0x248: from the start of protected-mode code */
    uint32_t payload_length;        /* 0x24c */
    uint64_t setup_data;            /* 0x250 */
    uint64_t pref_address;          /* 0x258 */
    uint32_t init_size;             /* 0x260: memory needed from the load address */
    uint32_t handover_offset;       /* 0x264 */
    uint32_t kernel_info_offset;    /* 0x268 (2.15) */
} __packed;

/* Offset of a setup header field in the image (and in the zero page). */
#define LINUX_HDR_OFF(f) (LINUX_SETUP_HDR_OFF + offsetof(struct linux_setup_header, f))
/* A 2.12 header reaches at least the end of handover_offset. */
#define LINUX_HDR_MIN_END LINUX_HDR_OFF(kernel_info_offset)

struct linux_e820_entry { /* bootparam.h struct boot_e820_entry */
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __packed;

/* bootparam.h struct boot_params ("zero page"). */
struct linux_boot_params {
    uint8_t screen_info[0x40];       /* 0x000 */
    uint8_t apm_bios_info[0x14];     /* 0x040 */
    uint8_t _pad2[4];                /* 0x054 */
    uint64_t tboot_addr;             /* 0x058 */
    uint8_t ist_info[0x10];          /* 0x060 */
    uint64_t acpi_rsdp_addr;         /* 0x070 */
    uint8_t _pad3[8];                /* 0x078 */
    uint8_t hd0_info[16];            /* 0x080 */
    uint8_t hd1_info[16];            /* 0x090 */
    uint8_t sys_desc_table[0x10];    /* 0x0a0 */
    uint8_t olpc_ofw_header[0x10];   /* 0x0b0 */
    uint32_t ext_ramdisk_image;      /* 0x0c0 */
    uint32_t ext_ramdisk_size;       /* 0x0c4 */
    uint32_t ext_cmd_line_ptr;       /* 0x0c8 */
    uint8_t _pad4[112];              /* 0x0cc */
    uint32_t cc_blob_address;        /* 0x13c */
    uint8_t edid_info[0x80];         /* 0x140 */
    uint8_t efi_info[0x20];          /* 0x1c0 */
    uint32_t alt_mem_k;              /* 0x1e0 */
    uint32_t scratch;                /* 0x1e4 */
    uint8_t e820_entries;            /* 0x1e8 */
    uint8_t eddbuf_entries;          /* 0x1e9 */
    uint8_t edd_mbr_sig_buf_entries; /* 0x1ea */
    uint8_t kbd_status;              /* 0x1eb */
    uint8_t secure_boot;             /* 0x1ec */
    uint8_t _pad5[2];                /* 0x1ed */
    uint8_t sentinel;                /* 0x1ef */
    uint8_t _pad6[1];                /* 0x1f0 */
    struct linux_setup_header hdr;   /* 0x1f1 */
    uint8_t _pad7[0x290 - 0x1f1 - sizeof(struct linux_setup_header)];
    uint32_t edd_mbr_sig_buffer[16];                             /* 0x290 */
    struct linux_e820_entry e820_table[LINUX_E820_MAX_ZEROPAGE]; /* 0x2d0 */
    uint8_t _pad8[48];                                           /* 0xcd0 */
    uint8_t eddbuf[6 * 82];                                      /* 0xd00 */
    uint8_t _pad9[276];                                          /* 0xeec */
} __packed;

/* Where the header's room in the zero page ends: a longer header is cut here. */
#define LINUX_HDR_ROOM_END offsetof(struct linux_boot_params, edd_mbr_sig_buffer)
/* Offset of a setup header field within the zero page. */
#define LINUX_BP_HDR_OFF(f) \
    (offsetof(struct linux_boot_params, hdr) + offsetof(struct linux_setup_header, f))

#define LINUX_ASSERT_OFF(s, f, off) _Static_assert(offsetof(struct s, f) == (off), #s "." #f)
LINUX_ASSERT_OFF(linux_setup_header, syssize, 0x1f4 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, boot_flag, 0x1fe - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, header, 0x202 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, type_of_loader, 0x210 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, ramdisk_image, 0x218 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, cmd_line_ptr, 0x228 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, initrd_addr_max, 0x22c - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, relocatable_kernel, 0x234 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, xloadflags, 0x236 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, cmdline_size, 0x238 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, payload_offset, 0x248 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, setup_data, 0x250 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, pref_address, 0x258 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, init_size, 0x260 - 0x1f1);
LINUX_ASSERT_OFF(linux_setup_header, kernel_info_offset, 0x268 - 0x1f1);
_Static_assert(sizeof(struct linux_setup_header) == 0x26c - 0x1f1, "setup_header size");
_Static_assert(sizeof(struct linux_e820_entry) == 20, "boot_e820_entry size");
LINUX_ASSERT_OFF(linux_boot_params, acpi_rsdp_addr, 0x070);
LINUX_ASSERT_OFF(linux_boot_params, ext_ramdisk_image, 0x0c0);
LINUX_ASSERT_OFF(linux_boot_params, ext_ramdisk_size, 0x0c4);
LINUX_ASSERT_OFF(linux_boot_params, ext_cmd_line_ptr, 0x0c8);
LINUX_ASSERT_OFF(linux_boot_params, cc_blob_address, 0x13c);
LINUX_ASSERT_OFF(linux_boot_params, e820_entries, 0x1e8);
LINUX_ASSERT_OFF(linux_boot_params, sentinel, 0x1ef);
LINUX_ASSERT_OFF(linux_boot_params, hdr, 0x1f1);
LINUX_ASSERT_OFF(linux_boot_params, edd_mbr_sig_buffer, 0x290);
LINUX_ASSERT_OFF(linux_boot_params, e820_table, 0x2d0);
LINUX_ASSERT_OFF(linux_boot_params, eddbuf, 0xd00);
_Static_assert(sizeof(struct linux_boot_params) == LINUX_BOOT_PARAMS_SIZE, "boot_params size");

#endif
