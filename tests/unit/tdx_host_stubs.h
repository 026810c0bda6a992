/* SPDX-License-Identifier: MIT */
/*
 * The fake machine the hypervisor's host-side TDX code (tdx/module/tdx_init.c,
 * tdx_module_init.c, tdx_sys.c, tdx_td.c, tdx_teardown.c, tdx_run.c) runs
 * on in test_tdx_host.c, with the emulated TDX module as its module:
 * HOST_NR_LPS CPUs in packages of two, HOST_MEM_SIZE of "physical" memory
 * (a lazily backed mapping) that is all RAM and all CMR from 1 MiB on,
 * TDX KeyIDs HOST_KEYID_START.. (the first is the global one).
 *
 * tdx_host_stubs.c: the emulator's platform and the kernel services the
 * host code calls (SMP, per-CPU data, a page allocator over the fake
 * memory that tracks page hygiene, MSRs, CPUID, locks, interrupts, VM
 * stop, the VMX post-enable hook), each recording what the tests assert
 * on; tdx/module/tdx_page.c's flush and clear as recorders. tdx_host_seam.c: the
 * SEAMCALL primitive, a wrapper around the emulated module that checks the
 * pages handed to it, records locks and back-off around each call, and can
 * override chosen leaves.
 */
#ifndef TESTS_UNIT_TDX_HOST_STUBS_H
#define TESTS_UNIT_TDX_HOST_STUBS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tdx/emu/tdx_emu.h"
#include "tdx/module/tdx_abi.h"

#ifndef TDX_OPERAND_BUSY_HOST_PRIORITY /* tdx_abi.h before commit 72b2d93 */
#define TDX_OPERAND_BUSY_HOST_PRIORITY 0x8000020400000000ULL
#endif

#define HOST_MEM_SIZE GiB(2)
#define HOST_RAM_BASE MiB(1) /* usable RAM and the one CMR: [1 MiB, HOST_MEM_SIZE) */
#define HOST_NR_LPS 4
#define HOST_NR_PKGS 2
#define HOST_KEYID_START 32
#define HOST_NR_KEYIDS 16
#define HOST_PHYS_BITS 46 /* MAXPHYADDR 52 minus 6 KeyID bits */
#define HOST_MAX_LOCKS 4
#define HOST_LEAVES 64
#define HOST_MAX_EXITS 8
#define HOST_MAX_OVERRIDES 4
#define HOST_MAX_TDMRS 8

extern uint8_t *host_mem; /* physical address 0 */
extern unsigned host_lp;  /* the CPU running now: this_cpu_id() and the module's LP */
extern struct tdxemu_platform host_plat; /* what tdxemu_init got (stress_* may be set) */

/* cmocka group set-up and tear-down: map and unmap the fake memory. */
int host_group_setup(void **state);
int host_group_teardown(void **state);

/* ------------------------------------------------ kernel side (stubs) */
struct host_kernel {
    unsigned online, enabled; /* smp_online_count, smp_enabled_count */
    bool irqs_on;
    uint64_t cpu_relax; /* PAUSEs so far: back-off shows here */
    uint64_t wbinvd[HOST_NR_LPS];
    unsigned nlocks; /* spinlocks held now, innermost last */
    const void *lock[HOST_MAX_LOCKS];
    unsigned exit_intrs; /* irq_take_exit_interrupt calls, the last argument */
    uint64_t exit_intr_info;
    bool exit_intr_irqs_on;
    unsigned vm_stops; /* vm_stop calls, the last reason */
    char vm_stop_reason[160];
    unsigned ghci_exits;
    void (*vmx_hook)(void); /* what tdx_setup registered */
    uint64_t vm_mem_pa;     /* the fake VM's memory (vm_gpa_to_hva) */
};
extern struct host_kernel hk;

/*
 * Page hygiene (tdx-host-abi.md 5.2 step 5, 5.10): a page handed to the
 * module must have been flushed since it was allocated; a page the module
 * had must be cleared after it came back (RECLAIM, the TDR's PAGE.WBINVD,
 * or a PAMT after a rollback) and before page_free.
 */
struct host_pages {
    uint64_t handed, not_flushed;   /* pages handed over at a SEAMCALL, of them unflushed */
    uint64_t returned, not_cleared; /* such pages freed, of them not cleared since given back */
    uint64_t freed_owned;           /* freed while the module still held them */
    uint64_t pamt_given;            /* PAMT pages SYS.CONFIG handed over */
    uint64_t flush_calls, clear_calls;
};
extern struct host_pages hp;

uint64_t host_free_pages(void);
bool host_page_flushed(uint64_t pa);
/* The module took npages from pa; owned: until it gives them back (RECLAIM). */
void host_page_give(uint64_t pa, uint64_t npages, bool owned);
/* The module gave pa back (RECLAIM, PAGE.WBINVD): it must be cleared from now on. */
void host_page_take_back(uint64_t pa);

/* ------------------------------------------------ SEAMCALL side */
enum host_tdmr_pacing {
    TDMR_REAL,     /* the emulator's, as module 1.5: 4 MiB per call, RDX rounded down to 1 GiB */
    TDMR_ONE_CALL, /* each TDMR done in one call: tests of other things need no pacing */
};

struct host_override {
    uint64_t leaf, rdx; /* rdx: only calls with this RDX (TDH.SYS.RD field), when match_rdx */
    bool match_rdx;
    uint64_t status;
    unsigned times; /* calls left to override; UINT32_MAX: all */
};

struct host_seam {
    enum host_tdmr_pacing tdmr;
    uint64_t calls, leaf_calls[HOST_LEAVES];
    /* per leaf: calls made holding exactly one spinlock, and with interrupts on */
    uint64_t under_lock[HOST_LEAVES], irqs_on[HOST_LEAVES];
    const void *lock_seen[HOST_LEAVES]; /* the lock held at the last such call */
    uint64_t handed[HOST_LEAVES];       /* pages checked for a flush, per leaf */
    /* LP.INIT */
    unsigned lp_init_calls[HOST_NR_LPS], lp_init_mask, lp_init_mask_at_config;
    bool config_called;
    /* TDMR.INIT: TDMRs from SYS.CONFIG, calls, calls after which RDX did not move */
    unsigned ntdmrs;
    uint64_t tdmr_base[HOST_MAX_TDMRS], tdmr_end[HOST_MAX_TDMRS], tdmr_rdx[HOST_MAX_TDMRS];
    uint64_t tdmr_bytes, tdmr_init_calls, tdmr_init_stalls;
    /* retries: busy statuses returned, calls of the same leaf after one, those without back-off */
    uint64_t busy, retried, retried_without_backoff;
    uint64_t last_busy_leaf[HOST_NR_LPS], relax_at_busy[HOST_NR_LPS];
    bool after_busy[HOST_NR_LPS];
    uint64_t relax_at_call[16]; /* cpu_relax count at each call of trace_leaf */
    unsigned ntrace;
    uint64_t trace_leaf;
    struct host_override ovr[HOST_MAX_OVERRIDES];
    /* CACHE.WB: calls to interrupt (done, then INTERRUPTED_RESUMABLE), resumes seen */
    unsigned wb_interrupts, wb_resumed, wb_bad_resume;
    bool wb_pending[HOST_NR_LPS];
    uint64_t wb_saved[HOST_NR_LPS];
    /* TDH.VP.ENTER script; when it runs out, a triple fault (exit 2) */
    unsigned nexits, next_exit;
    struct {
        uint64_t status, rcx, r9;
    } exits[HOST_MAX_EXITS];
};
extern struct host_seam hs;

uint64_t host_seamcall(uint64_t fn, struct tdx_args *a);
/* The next `times` calls of leaf (with RDX = rdx if match_rdx) return status, unseen by the module. */
void host_override(uint64_t leaf, bool match_rdx, uint64_t rdx, uint64_t status, unsigned times);
/* Appends an exit to the TDH.VP.ENTER script. */
void host_script_exit(uint64_t status, uint64_t rcx, uint64_t r9);

/* A fresh machine: `online` of `enabled` CPUs up, the module loaded, every record zeroed. */
void host_reset(unsigned online, unsigned enabled);

#endif
