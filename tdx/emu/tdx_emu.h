/* SPDX-License-Identifier: MIT */
/*
 * Emulated Intel TDX module: the host SEAMCALL ABI of a TDX 1.5 module
 * (leaves, registers, completion statuses, global and per-TD state machines,
 * PAMT page ownership) implemented in plain C, so the hypervisor's tdx code
 * runs unchanged on machines without TDX (boot option tdx=emulate) and in
 * host unit tests. Rules and statuses follow
 * ../shared/reference/tdx-host-abi.md and the open-source module 1.5.
 *
 * Memory model: the emulator keeps its state where the real module does.
 * Global state (LP/package/TDMR/KeyID tables) is static; the per-page
 * metadata lives in the 4K PAMT the VMM hands over in TDH.SYS.CONFIG
 * (16 bytes per 4K page, as in the real module); per-TD and per-vCPU state
 * lives inside the TDR, TDCS (TDCX) and TDVPR pages; the S-EPT is a real
 * radix tree in S-EPT pages. Nothing is encrypted: the VMM must not touch
 * pages it gave to the "module" (on hardware that would corrupt the TD);
 * TD private pages are handed to the platform's page_private so that it can
 * enforce this for them.
 *
 * Concurrency: one SEAMCALL runs at a time: give lock/unlock callbacks
 * (held around each call) or serialize every call yourself. Without
 * stress mode no call ever loses a race, so the only busy status is
 * TDX_OPERAND_BUSY from a leaf that needs the TDVPR exclusively while
 * VP.ENTER runs that vCPU (which holds it shared, as the module does).
 *
 * Stress mode (stress_permille below) produces the statuses the real module
 * returns under load, each only on the leaves and with the operand IDs the
 * module source gives, before any state change (emu_stress.c): every lock
 * may be busy (TDX_OPERAND_BUSY | operand: the register of an explicit page
 * operand, else TDR 0x80, SEPT_TREE 0x92, TD_EPOCH 0xA9, OP_STATE 0xAC,
 * KOT 0xBA, KET 0xBB, WBCACHE 0xBC; TDX_SYS_BUSY for the global lock of
 * SYS.INIT, LP.INIT, SYS.CONFIG, SYS.KEY.CONFIG); RDRAND may fail
 * (TDX_RND_NO_ENTROPY: SYS.INIT, MNG.CREATE); PCONFIG may fail
 * (TDX_KEY_GENERATION_FAILED: SYS.KEY.CONFIG, MNG.KEY.CONFIG);
 * TDH.PHYMEM.CACHE.WB may stop between cache sub-blocks with
 * TDX_INTERRUPTED_RESUMABLE (resume with RCX = 1; RCX = 0 starts over);
 * TDH.VP.ENTER may end at once, the guest not run, in an asynchronous TD
 * exit with TDX_SUCCESS and exit reason 3 (INIT), 6 (SMI, not MSMI), 42
 * (C-state SMI), 74 (bus lock) or 75 (notification), all exit information
 * 0: the host just enters again. TDX_OPERAND_BUSY_HOST_PRIORITY is never
 * returned to a SEAMCALL (only to TDCALLs), so not here either.
 *
 * Versions: every leaf accepts only version 0, as the 1.5.01 dispatcher
 * (which takes more only for PAGE.PROMOTE, SEPT.ADD, SEPT.REMOVE, MNG.RD,
 * VP.RD, none of them beyond 0 here); in particular TDH.VP.INIT v1
 * (x2APIC ID in R8) is TDX_OPERAND_INVALID | RAX. TDH.MNG.RD serves the
 * TDR/TDCS fields in emu_md.c (lifecycle, op state, vCPU counts,
 * attributes, XFAM, EPTP, TSC, MRTD...); TDH.VP.RD/WR associate the vCPU
 * with their LP (like VP.ENTER), keep TD-VMCS (class 0) and PEND_NMI fields
 * as written and read VCPU_STATE_DETAILS as 0. MRTD is a simple hash, not
 * SHA-384.
 *
 * TD execution: TDH.VP.ENTER runs the vCPU through the platform's vp_run
 * (tdx/emu/vmx/tdx_emu_vmx.c runs it in VMX non-root operation on the S-EPT, which
 * is kept in EPT format). The module serves TDCALL itself (emu_tdcall.c):
 * TDG.VP.INFO and TDG.VP.VEINFO.GET stay in the module, TDG.VP.VMCALL is a
 * TD exit to the VMM with the guest's exposed GPRs (exit reason 77), whose
 * return values the next VP.ENTER copies back. Other TD exits give the VMM
 * RCX qualification, RDX extended qualification, R8 GPA and, for exit
 * reasons 0, 1 (external interrupt, acknowledged on exit), 6 and 42 only,
 * R9 = the platform's intr_info. Without vp_run, VP.ENTER is not emulated.
 *
 * Not emulated (TDX_OPERAND_INVALID with operand RAX, like a module
 * without the leaf): PAGE.AUG/RELOCATE/REMOVE, RANGE.BLOCK/UNBLOCK, MEM.TRACK,
 * SEPT.RD/REMOVE, MEM.RD/WR, MNG.WR, DEMOTE/PROMOTE, SYS.INFO/RDALL,
 * SYS.SHUTDOWN/UPDATE/DISABLE, LP.SHUTDOWN, migration, service TDs.
 * Nor are TDCALL leaves other than VMCALL, INFO and VEINFO.GET (TDG.VP.INFO
 * still reports TDG.SYS.RD as available in R10, as the module does),
 * Dynamic PAMT, L2 VMs, fatal TDs, or checks of platform state the real
 * SYS.INIT / LP.INIT / VP.ENTER make (CPUID, MSRs, SMRR, IA32_TSC_ADJUST).
 */
#ifndef TDX_EMU_TDX_EMU_H
#define TDX_EMU_TDX_EMU_H

#include "lib/compiler.h"
#include "tdx/module/seamcall.h"

#define TDXEMU_MAX_CMRS 32
#define TDXEMU_MAX_LPS 1024
#define TDXEMU_MAX_PKGS 64
#define TDXEMU_MAX_KEYIDS 1024

struct tdxemu_cmr {
    uint64_t base, size; /* 4K granular, sorted, non-overlapping */
};

/* Guest GPRs in the SDM's register-number order (RSP lives in the platform's VMCS). */
struct tdxemu_gprs {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* What TDG.VP.VEINFO.GET returns about the last virtualization exception. */
struct tdxemu_ve {
    uint32_t valid; /* 0 after VEINFO.GET: the next #VE may be delivered */
    uint32_t exit_reason;
    uint64_t qual, gla, gpa;
    uint32_t instr_len, instr_info;
};

/* A TD vCPU as TDH.VP.ENTER hands it to the platform. */
struct tdxemu_vcpu {
    struct tdxemu_gprs *gprs; /* in the TDVPR: the platform loads and saves them */
    struct tdxemu_ve *ve;     /* the platform fills it when it delivers #VE */
    uint64_t tdvpr;
    /* TDCX pages for the platform (TD VMCS, its own per-vCPU state, ...), zeroed at VP.ADDCX. */
    uint64_t pages[4];
    uint64_t eptp;       /* S-EPT root | WB | page-walk length: an EPT pointer */
    unsigned gpa_width;  /* 48 or 52: the shared bit is gpa_width - 1 */
    unsigned vcpu_index; /* TDH.VP.INIT order */
    uint64_t xfam;
};

/* Why vp_run returned. */
struct tdxemu_exit {
    bool tdcall; /* the TD executed TDCALL (RAX = leaf); its RIP is past the instruction */
    /* Otherwise an asynchronous TD exit to the VMM: */
    uint32_t reason; /* VMX basic exit reason */
    uint64_t qual, ext_qual, gpa, intr_info;
};

struct tdxemu_platform {
    /*
     * Every LP MCHECK counts: each one the firmware enabled (MADT), not only
     * those the VMM brings up; all must run LP.INIT before SYS.CONFIG.
     */
    unsigned nr_lps;
    unsigned nr_pkgs; /* packages; KEY.CONFIG / CACHE.WB run once on each */
    /* Index (< nr_lps) and package (< nr_pkgs) of the calling CPU. */
    void (*this_lp)(void *ctx, unsigned *lp, unsigned *pkg);
    /*
     * Virtual address of physical address pa (KeyID bits already removed).
     * Must map every CMR linearly (a direct map: PAMTs are indexed from
     * their base) and every shared buffer the VMM passes (TDMR_INFO,
     * TD_PARAMS, source pages); NULL for anything else.
     */
    void *(*phys_to_virt)(void *ctx, uint64_t pa);
    /*
     * Optional: runs TD vCPU vc on the calling LP, after VP.ENTER's checks
     * and without the lock below, until the TD executes TDCALL or an exit
     * the VMM must see; fills *x. Returns 0, or an error when the vCPU
     * cannot run (VM entry failed): the vCPU is then disabled. When NULL,
     * TDH.VP.ENTER returns TDX_OPERAND_INVALID | operand RAX: TD execution
     * is not emulated.
     */
    int (*vp_run)(void *ctx, const struct tdxemu_vcpu *vc, struct tdxemu_exit *x);
    /*
     * Optional: page pa became TD private memory (private = true, after
     * TDH.MEM.PAGE.ADD filled it) or was reclaimed (false). The platform
     * makes it unreachable from the VMM's own mappings meanwhile; the
     * module keeps reaching it through phys_to_virt.
     */
    void (*page_private)(void *ctx, uint64_t pa, bool private);
    /* Optional: TDH.VP.FLUSH of vc on this LP (e.g. VMCLEAR of its VMCS). */
    void (*vp_flush)(void *ctx, const struct tdxemu_vcpu *vc);
    void (*lock)(void *ctx); /* optional: held around each SEAMCALL */
    void (*unlock)(void *ctx);
    void *ctx; /* passed to every callback */
    unsigned nr_cmrs;
    struct tdxemu_cmr cmrs[TDXEMU_MAX_CMRS];
    uint16_t tdx_keyid_start; /* first TDX (private) KeyID */
    uint16_t nr_tdx_keyids;   /* >= 2: one global KeyID + guests */
    unsigned phys_bits;       /* KeyID shift (MAXPHYADDR - KeyID bits); 0 = 46 */
    /*
     * Stress mode, off when stress_permille is 0 (at most 1000): each
     * SEAMCALL loses a race at one of its locks or entropy draws with
     * probability stress_permille / 1000, and each CACHE.WB cache sub-block
     * and TD entry meets an interrupt / async exit with that probability;
     * deterministic (xorshift64 seeded with stress_seed). Statuses: above.
     */
    uint64_t stress_seed;
    unsigned stress_permille;
};

/*
 * Resets the module to "loaded, SYS.INIT pending" for platform p (copied).
 * p == NULL, or a p without this_lp / phys_to_virt / LPs / packages / two
 * KeyIDs, unloads it: every SEAMCALL then returns
 * TDX_SEAMCALL_VMFAILINVALID, as without a module. A SEAMCALL from an LP
 * or package outside the description returns TDX_SYS_LP_INIT_NOT_DONE.
 */
void tdxemu_init(const struct tdxemu_platform *p);

/* The SEAMCALL primitive of the emulated module (a tdx_seamcall_fn). */
uint64_t tdxemu_seamcall(uint64_t fn, struct tdx_args *a);

#endif
