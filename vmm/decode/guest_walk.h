/* SPDX-License-Identifier: MIT */
/*
 * Software walk of the guest's own page tables: linear address to
 * guest-physical, with the access checks and page-fault error code of the
 * hardware walk (Intel SDM Vol. 3A chapter 4: 32-bit paging 4.3, PAE 4.4,
 * 4- and 5-level 4.5, access rights 4.6, #PF error code 4.7).
 */
#ifndef VMM_DECODE_GUEST_WALK_H
#define VMM_DECODE_GUEST_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Page-fault error code bits (SDM Vol. 3A 4.7, figure 4-12). */
#define PFERR_P (1u << 0)    /* 0: not present; 1: protection or reserved bit */
#define PFERR_W (1u << 1)    /* the access was a write */
#define PFERR_U (1u << 2)    /* the access was from user mode (CPL 3) */
#define PFERR_RSVD (1u << 3) /* a reserved bit was set in a paging entry */
#define PFERR_I (1u << 4)    /* instruction fetch (when NX or SMEP is on) */

/* Access types for guest_walk: 0 is a supervisor data read; OR these in. */
#define GW_WRITE PFERR_W
#define GW_USER PFERR_U
#define GW_FETCH PFERR_I

/* The guest's paging state, as it is when the exit happened. */
struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
    bool ac;               /* RFLAGS.AC: lets supervisor data access user pages under SMAP */
    unsigned maxphyaddr;   /* guest MAXPHYADDR (CPUID 0x80000008 EAX[7:0]); clamped to 32..52 */
    const uint64_t *pdpte; /* PAE: the 4 PDPTEs the CPU holds (VMCS guest PDPTE0-3 when EPT
                             * is on), or NULL to read them from guest memory at CR3 */
};

/* Reads guest-physical memory; returns 0 or a negative error. */
struct guest_mem {
    int (*read_gpa)(void *ctx, uint64_t gpa, void *dst, size_t len);
    int (*write_gpa)(void *ctx, uint64_t gpa, const void *src, size_t len); /* may be NULL */
    void *ctx;
};

/* Where a walk failed: the #PF to inject (CR2 = addr). */
struct guest_fault {
    uint64_t addr;
    uint32_t error; /* PFERR_* */
};

/*
 * Translates linear address la for an `access` (GW_* bits). Returns 0 with
 * *gpa set; -EFAULT with *fault set for a page fault; -EINVAL for a
 * non-canonical address (#GP, not #PF); or read_gpa's error for a paging
 * entry that cannot be read. Accessed/dirty bits are not written: the
 * hardware set them for the access that exited.
 */
int guest_walk(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
               unsigned access, uint64_t *gpa, struct guest_fault *fault);

/*
 * Copies len bytes at linear address la, which may cross pages (e.g. the
 * instruction bytes at CS:RIP with access GW_FETCH). Every page is
 * translated before any byte is copied. Returns 0 or guest_walk's errors.
 */
int guest_read_linear(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
                      unsigned access, void *dst, size_t len, struct guest_fault *fault);

/*
 * Instruction fetch: reads up to len (<= 4096) bytes at la with GW_FETCH
 * added, stopping at a second page that faults. Returns the number of bytes
 * read (> 0), or the first page's error. When it returns fewer than len,
 * *fault describes the second page: inject it only if the decoder then says
 * -ENODATA, since the CPU faults there only when the instruction reaches it.
 */
int guest_fetch_insn(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
                     unsigned access, void *dst, size_t len, struct guest_fault *fault);

/* The same for a write (GW_WRITE is implied); needs mem->write_gpa. */
int guest_write_linear(const struct guest_paging *pg, const struct guest_mem *mem, uint64_t la,
                       unsigned access, const void *src, size_t len, struct guest_fault *fault);

#endif
