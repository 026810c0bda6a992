/* SPDX-License-Identifier: MIT */
/* TD build and teardown through SEAMCALLs (tdx/td/tdx_td.c, tdx/td/tdx_teardown.c). */
#ifndef TDX_TD_TDX_TD_H
#define TDX_TD_TDX_TD_H

#include "tdx/td/tdx_backend.h"

struct vm;
struct vcpu;
struct vcpu_start;

/* HKID, TDR, MNG.CREATE, MNG.KEY.CONFIG on every package, TDCS pages, MNG.INIT. */
int td_create(struct td *td, unsigned max_vcpus);
/* TDVPR, VP.CREATE, TDCX pages, VP.INIT (on the calling CPU, which it becomes tied to). */
int td_vcpu_create(struct td *td, struct td_vcpu *tv, uint64_t initial_rcx);
/*
 * Every guest page: S-EPT tables, PAGE.ADD, MR.EXTEND of pages with data;
 * the reset page for start (tdx/td/td_reset.S); then MR.FINALIZE.
 */
int td_add_memory_and_finalize(struct td *td, struct vm *vm, const struct vcpu_start *start);
/* tdx/td/td_reset.c: a page-allocated copy of the reset page that starts the image at start. */
uint64_t td_reset_page_build(const struct vcpu_start *start);
/* tdx/td/tdx_ghci.c: serves a TDG.VP.VMCALL exit into out; false when the vCPU must stop. */
bool td_ghci(struct vcpu *v, const struct tdx_args *in, struct tdx_args *out, int *cls);
/* tdx/td/tdx_run.c: runs the vCPU on this CPU until it must stop (the backend's vcpu_run). */
int td_vcpu_run(struct vcpu *v);
/* VP.FLUSH on the vCPU's CPU. */
void td_vcpu_teardown_prepare(struct td *td, struct td_vcpu *tv);
/*
 * VPFLUSHDONE, CACHE.WB per package, KEY.FREEID, RECLAIM every page with
 * the TDR last, WBINVD of the TDR. A failing step leaks the pages and the
 * HKID (td->leaked) rather than reuse them, and says so.
 */
void td_teardown(struct td *td);

#endif
