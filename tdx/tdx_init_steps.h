/* Steps of TDX module initialization (tdx/tdx_module_init.c) and the emulator glue. */
#ifndef TDX_TDX_INIT_STEPS_H
#define TDX_TDX_INIT_STEPS_H

#include "kernel/compiler.h"

struct tdx_status;

/* SYS.INIT .. TDMR.INIT; 0, or a negative error after rollback (reason in st). */
int tdx_init_module(struct tdx_status *st);
/* Points tdx_seamcall at the emulated module and fills st's KeyID split. */
int tdx_emu_attach(struct tdx_status *st);
/* tdx.stress=<permille>[:<seed>]: the emulated module's stress mode (tdx/emu/tdx_emu.h). */
void tdx_emu_set_stress(unsigned permille, uint64_t seed);
/* Records why a step failed (status decoded by name) and logs "tdx: unavailable: ...". */
int tdx_step_failed(const char *step, uint64_t status);
/* Logged when VMX never came up, so TDX could not even be tried. */
void tdx_vmx_unavailable(void);

#endif
