/* SPDX-License-Identifier: MIT */
/* The tdx backend's per-TD state (private to tdx/td/). */
#ifndef TDX_TD_TDX_BACKEND_H
#define TDX_TD_TDX_BACKEND_H

#include "lib/compiler.h"
#include "tdx/module/seamcall.h"

#define TD_MAX_MEM MiB(64)
#define TD_MAX_TDCS 16
#define TD_MAX_TDCX 16
#define TD_MAX_VCPUS 1
/* S-EPT tables: 2 + 1 per 2 MiB of memory, 2 for the reset page below 4 GiB */
#define TD_MAX_SEPT (4 + TD_MAX_MEM / MiB(2))
#define TD_GPA_WIDTH 48            /* TD_PARAMS without CONFIG_FLAGS.GPAW: the shared bit is 47 */
#define TD_RESET_GPA 0xFFFFF000ULL /* reset vector page (tdx/td/td_reset.S) */

struct td_vcpu {
    uint64_t tdvpr;
    unsigned ntdcx;
    uint64_t tdcx[TD_MAX_TDCX];
    unsigned assoc_cpu; /* the CPU where VP.INIT or VP.ENTER ran: VP.FLUSH must run there */
    bool inited;
    struct tdx_args ret; /* registers for the next VP.ENTER: the answer to a TDG.VP.VMCALL */
};

struct td {
    uint16_t hkid;
    uint64_t tdr;
    unsigned ntdcs;
    uint64_t tdcs[TD_MAX_TDCS];
    unsigned nsept;
    uint64_t sept[TD_MAX_SEPT];
    uint64_t npages;   /* guest pages */
    uint64_t *private; /* host page of each guest page once PAGE.ADD made it private */
    uint64_t private_list_pages;
    uint64_t reset_page; /* host page of the private page at TD_RESET_GPA */
    unsigned nvcpus;
    struct td_vcpu *vcpus[TD_MAX_VCPUS];
    bool finalized;
    uint64_t build_tsc, build_calls; /* at TD create: the build line's figures */
    bool leaked; /* a teardown step failed: pages and HKID are kept, never reused */
};

#endif
