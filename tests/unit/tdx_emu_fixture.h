/*
 * The fake platform the emulated TDX module's unit tests run on
 * (test_tdx_emu.c, test_tdx_emu_td.c): 4 LPs in 2 packages (package = LP / 2),
 * 2 GiB of "physical" memory (a lazily backed mapping), CMR [1 MiB, 2 GiB),
 * KeyIDs 32..47 for TDX (32 is the global one), and one TDMR [1 GiB, 2 GiB)
 * whose PAMT sits in a reserved area at its start. The TDMR_INFO array is at
 * ARRAY_PA, the TDMR_INFO entries right after it.
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

#define assert_status(expr, want) assert_int_equal((expr), (want))
#define assert_ok(expr) assert_status((expr), TDX_SUCCESS)

extern uint8_t *mem;
extern unsigned cur_lp;      /* the LP the next SEAMCALL runs on */
extern struct tdx_args args; /* the last SEAMCALL's registers */
extern struct tdx_emu_platform plat;

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
void tdmr_init_all(void);
/* The whole module initialization: configured, KEY.CONFIG per package, TDMR.INIT. */
void bring_up(void);

#endif
