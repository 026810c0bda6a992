/* SPDX-License-Identifier: MIT */
/*
 * The SEAMCALL primitive, the same for the tdx backend on hardware and on
 * the emulated module: only the function behind tdx_seamcall differs
 * (chosen at boot by tdx=emulate).
 */
#ifndef TDX_MODULE_SEAMCALL_H
#define TDX_MODULE_SEAMCALL_H

#include "lib/compiler.h"

/* Registers in and out, in Linux's struct tdx_module_args order. */
struct tdx_args {
    uint64_t rcx, rdx, r8, r9, r10, r11, r12, r13, r14, r15, rbx, rdi, rsi;
};

/*
 * Issues SEAMCALL leaf fn (RAX) with args in/out. Returns the completion
 * status from RAX, or TDX_SEAMCALL_UD / _GP / _VMFAILINVALID when the
 * instruction itself faulted or no module answered.
 */
typedef uint64_t (*tdx_seamcall_fn)(uint64_t fn, struct tdx_args *args);

extern tdx_seamcall_fn tdx_seamcall;
/* The hardware instruction (tdx/module/seamcall.S). */
uint64_t tdx_seamcall_hw(uint64_t fn, struct tdx_args *args);

#endif
