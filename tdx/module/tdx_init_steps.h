/* SPDX-License-Identifier: MIT */
/* Steps of TDX module initialization (tdx/module/tdx_module_init.c, tdx_init.c). */
#ifndef TDX_MODULE_TDX_INIT_STEPS_H
#define TDX_MODULE_TDX_INIT_STEPS_H

#include "lib/compiler.h"

struct tdx_status;

/* SYS.INIT .. TDMR.INIT; 0, or a negative error after rollback (reason in st). */
int tdx_init_module(struct tdx_status *st);
/* Records why a step failed (status decoded by name) and logs "tdx: unavailable: ...". */
int tdx_step_failed(const char *step, uint64_t status);
/* Logged when VMX never came up, so TDX could not even be tried. */
void tdx_vmx_unavailable(void);

#endif
