/* SPDX-License-Identifier: MIT */
/*
 * The fake platform the emulated TDX module's unit tests run on
 * (test_tdx_emu*.c): 4 LPs in 2 packages (package = LP / 2), 2 GiB of
 * "physical" memory (a lazily backed mapping), CMR [1 MiB, 2 GiB), KeyIDs
 * 32..47 for TDX (32 is the global one), and one TDMR [1 GiB, 2 GiB) whose
 * PAMT sits in a reserved area at its start. The TDMR_INFO array is at
 * ARRAY_PA, the TDMR_INFO entries right after it. Also the helpers that
 * build and tear down a TD with pages from POOL_PA on.
 */
#ifndef TESTS_UNIT_TDX_EMU_FIXTURE_H
#define TESTS_UNIT_TDX_EMU_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tdx/emu/emu_internal.h"

#define MEM_SIZE GiB(2)
#define NR_LPS 4
#define KEYID_START 32
#define NR_KEYIDS 16
#define GLOBAL_KEYID KEYID_START
#define TDMR_BASE GiB(1)
#define RSVD_SIZE MiB(8)
#define ARRAY_PA MiB(16)
#define INFO_PA(i) (MiB(16) + KiB(4) + (uint64_t)(i)*512)
#define HKID (KEYID_START + 1)
#define PARAMS_PA MiB(17)
#define SRC_PA MiB(18)
#define POOL_PA (TDMR_BASE + MiB(16))

#define assert_status(expr, want) assert_int_equal((expr), (want))
#define assert_ok(expr) assert_status((expr), TDX_SUCCESS)

extern uint8_t *mem;
extern unsigned cur_lp;      /* the LP the next SEAMCALL runs on */
extern struct tdx_args args; /* the last SEAMCALL's registers */
extern struct tdxemu_platform plat;
/*
 * When set, call4 repeats a call that lost a race (TDX_OPERAND_BUSY,
 * TDX_SYS_BUSY, TDX_RND_NO_ENTROPY, TDX_KEY_GENERATION_FAILED) and resumes
 * an interrupted TDH.PHYMEM.CACHE.WB, as a correct host does (bounded).
 */
extern bool fixture_retry;
/* When set, sees every SEAMCALL's leaf and status (and its output registers in args). */
extern void (*fixture_observe)(uint64_t fn, uint64_t status);

/* cmocka group set-up and tear-down: map and unmap the fake memory. */
int fixture_group_setup(void **state);
int fixture_group_teardown(void **state);
/* Describes the platform in plat and loads the module on it; LP 0 is current. */
void fixture_load(void);
void *va(uint64_t pa);

/* SEAMCALL fn on cur_lp with these operands; the outputs are left in args. */
uint64_t call4(uint64_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8, uint64_t r9);
uint64_t call(uint64_t fn, uint64_t rcx, uint64_t rdx);
/* Runs fn (which must succeed) once per package, on LPs 0 and 2; LP 0 after. */
void on_each_package(uint64_t fn, uint64_t rcx);

/* TDMR i = [base, base + size), PAMTs (4K, 2M, 1G) packed from pamt on. */
struct tdmr_info *tdmr_set(unsigned i, uint64_t base, uint64_t size, uint64_t pamt);
/* The good layout: one 1 GiB TDMR, PAMT in a reserved area at its start. */
struct tdmr_info *default_tdmr(void);
void all_lp_init(void);
uint64_t sys_config(unsigned n, uint64_t keyid);
/* SYS.INIT, LP.INIT everywhere, SYS.CONFIG with the default TDMR. */
void configured(void);
/* TDH.SYS.TDMR.INIT of TDMR 0 until RDX reaches its end (bounded), as a host loops. */
void tdmr_init_all(void);
/* The whole module initialization: configured, KEY.CONFIG per package, TDMR.INIT. */
void bring_up(void);

/* ------------------------------------------------------------ TD helpers */

struct td {
    uint64_t tdr, tdcx[6], tdvpr, vcx[5], sept[3], page[2];
};

extern uint64_t next_page; /* page_alloc hands out POOL_PA on */
uint64_t page_alloc(void);
struct td *td_alloc(struct td *td);
/* TD_PARAMS at PARAMS_PA: 4-level S-EPT, 2 vCPUs, XFAM x87|SSE, SEPT_VE_DISABLE. */
struct td_params *params(void);
/* MNG.CREATE, MNG.KEY.CONFIG on both packages, all TDCS pages. */
void td_create(struct td *td, uint16_t hkid);
void td_init(struct td *td);
/* VP.CREATE, VP.ADDCX x5, VP.INIT (on cur_lp, which it associates). */
void vcpu_add(struct td *td);
/* S-EPT levels for GPA 0 (4-level: tables at levels 2, 1, 0). */
void sept_add(struct td *td);
void page_add(struct td *td, unsigned i, uint8_t fill);
void extend(struct td *td, uint64_t gpa);
/* td_alloc, td_init, vCPU, S-EPT, two pages (one measured), MR.FINALIZE. */
void td_build(struct td *td);
/* VP.FLUSH, VPFLUSHDONE, CACHE.WB per package, KEY.FREEID. */
void td_release_hkid(struct td *td);
void reclaim(uint64_t pa, unsigned type, uint64_t owner);
/* Every page, then the TDR, then WBINVD of the TDR with the global KeyID. */
void td_reclaim_all(struct td *td);
uint64_t mng_rd(struct td *td, uint64_t field);

#endif
