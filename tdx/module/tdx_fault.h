/* SPDX-License-Identifier: MIT */
/*
 * SEAMCALL fault injection (tdx.fail=<leaf>:<status>[:<n>]): the n-th call
 * of one leaf returns a chosen status instead of reaching the module, so the
 * init rollback and TD teardown leak paths run in tests. Pure code; the hook
 * is in tdx_call (tdx/module/tdx_sys.c).
 */
#ifndef TDX_MODULE_TDX_FAULT_H
#define TDX_MODULE_TDX_FAULT_H

#include "lib/compiler.h"

struct tdx_fault {
    bool armed;
    uint64_t leaf;   /* RAX[15:0] of the SEAMCALL to fail */
    uint64_t status; /* what that call returns instead */
    uint64_t nth;    /* which call of the leaf (1 = the first), counted over all CPUs */
    uint64_t calls;  /* calls of the leaf seen so far */
};

/* Parses "<leaf>:<status name or number>[:<n>]" into an armed fault; 0 or -EINVAL. */
int tdx_fault_parse(const char *spec, struct tdx_fault *f);
/* Counts one call of leaf (any version); true for the one to fail, its number in *n. */
bool tdx_fault_hit(struct tdx_fault *f, uint64_t leaf, uint64_t *n);

/* "TDH.SYS.INIT" for TDH_SYS_INIT, or NULL for a leaf hv does not know. */
const char *tdx_leaf_name(uint64_t leaf);
/* Leaf number from its ABI name (len bytes of name, exact case); true if known. */
bool tdx_leaf_by_name(const char *name, size_t len, uint64_t *leaf);
/* Status code from its name in the decoding table (e.g. "TDX_SYS_BUSY"); true if known. */
bool tdx_status_by_name(const char *name, uint64_t *status);

#endif
