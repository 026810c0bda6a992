/* SPDX-License-Identifier: MIT */
/*
 * The emulated module as the host's TDX code (tdx/module/) sees it, and
 * only with tdx=emulate: the platform glue attaches it in place of a real
 * module, takes the stress option, and gives one figure for the `tdx`
 * command. Nothing else in tdx/module/ or tdx/td/ knows the emulator.
 */
#ifndef TDX_EMU_VMX_TDX_EMU_GLUE_H
#define TDX_EMU_VMX_TDX_EMU_GLUE_H

#include "lib/compiler.h"

struct tdx_status;

/* Describes this machine to the emulator, points tdx_seamcall at it and fills st's KeyID split. */
int tdxemu_attach(struct tdx_status *st);
/* tdx.stress=<permille>[:<seed>]: the emulated module's stress mode (tdx/emu/tdx_emu.h). */
void tdxemu_set_stress(unsigned permille, uint64_t seed);
/* TD private pages now out of the hypervisor's direct map (tdx/emu/vmx/tdx_emu_mem.c). */
uint64_t tdxemu_private_pages(void);

#endif
