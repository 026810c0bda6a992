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
 * pages it gave to the "module" (on hardware that would corrupt the TD).
 *
 * Concurrency: one SEAMCALL runs at a time: give lock/unlock callbacks
 * (held around each call) or serialize every call yourself. That is
 * stricter than the ABI (module global lock for SYS.CONFIG/KEY.CONFIG,
 * KVM's tdx_lock around MNG.CREATE, CACHE.WB, VPFLUSHDONE, KEY.FREEID), so
 * busy statuses (TDX_OPERAND_BUSY, TDX_SYS_BUSY) are never returned.
 *
 * Versions: TDH.VP.INIT accepts 0 and 1 (R8 = x2APIC ID); every other leaf
 * only version 0. TDH.MNG.RD serves the TDR/TDCS fields in emu_md.c
 * (lifecycle, op state, vCPU counts, attributes, XFAM, EPTP, TSC, MRTD...);
 * TDH.VP.RD/WR keep TD-VMCS (class 0) and PEND_NMI fields as written and
 * read VCPU_STATE_DETAILS as 0. MRTD is a simple hash, not SHA-384.
 *
 * Not emulated (TDX_OPERAND_INVALID with operand RAX, like a module
 * without the leaf): TD execution (TDH.VP.ENTER unless a vp_enter callback
 * is given), PAGE.AUG/RELOCATE/REMOVE, RANGE.BLOCK/UNBLOCK, MEM.TRACK,
 * SEPT.RD/REMOVE, MEM.RD/WR, MNG.WR, DEMOTE/PROMOTE, SYS.INFO/RDALL,
 * SYS.SHUTDOWN/UPDATE/DISABLE, LP.SHUTDOWN, migration, service TDs.
 * Nor are Dynamic PAMT, L2 VMs, entropy/PCONFIG failures, interrupted
 * CACHE.WB, fatal TDs, or checks of platform state the real SYS.INIT /
 * LP.INIT / VP.ENTER make (CPUID, MSRs, SMRR, IA32_TSC_ADJUST).
 */
#ifndef TDX_EMU_TDX_EMU_H
#define TDX_EMU_TDX_EMU_H

#include "kernel/compiler.h"
#include "tdx/seamcall.h"

#define TDX_EMU_MAX_CMRS 32
#define TDX_EMU_MAX_LPS 1024
#define TDX_EMU_MAX_PKGS 64
#define TDX_EMU_MAX_KEYIDS 1024

struct tdx_emu_cmr {
    uint64_t base, size; /* 4K granular, sorted, non-overlapping */
};

struct tdx_emu_platform {
    unsigned nr_lps;  /* every LP MCHECK would count: all must run LP.INIT */
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
     * Optional: runs vCPU tdvpr_pa after the emulator's VP.ENTER checks and
     * association (with the lock below held); returns the status and exit
     * registers in a. When NULL, TDH.VP.ENTER returns TDX_OPERAND_INVALID |
     * operand RAX: TD execution is not emulated.
     */
    uint64_t (*vp_enter)(void *ctx, uint64_t tdvpr_pa, unsigned vcpu_index, struct tdx_args *a);
    void (*lock)(void *ctx); /* optional: held around each SEAMCALL */
    void (*unlock)(void *ctx);
    void *ctx; /* passed to every callback */
    unsigned nr_cmrs;
    struct tdx_emu_cmr cmrs[TDX_EMU_MAX_CMRS];
    uint16_t tdx_keyid_start; /* first TDX (private) KeyID */
    uint16_t nr_tdx_keyids;   /* >= 2: one global KeyID + guests */
    unsigned phys_bits;       /* KeyID shift (MAXPHYADDR - KeyID bits); 0 = 46 */
};

/*
 * Resets the module to "loaded, SYS.INIT pending" for platform p (copied).
 * p == NULL, or a p without this_lp / phys_to_virt / LPs / packages / two
 * KeyIDs, unloads it: every SEAMCALL then returns
 * TDX_SEAMCALL_VMFAILINVALID, as without a module. A SEAMCALL from an LP
 * or package outside the description returns TDX_SYS_LP_INIT_NOT_DONE.
 */
void tdx_emu_init(const struct tdx_emu_platform *p);

/* The SEAMCALL primitive of the emulated module (a seamcall_fn). */
uint64_t tdx_emu_seamcall(uint64_t fn, struct tdx_args *a);

#endif
