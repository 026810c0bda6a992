/* The tdx backend's per-TD state (private to tdx/). */
#ifndef TDX_TDX_BACKEND_H
#define TDX_TDX_BACKEND_H

#include "kernel/compiler.h"

#define TD_MAX_MEM MiB(64)
#define TD_MAX_TDCS 16
#define TD_MAX_TDCX 16
#define TD_MAX_SEPT (2 + TD_MAX_MEM / MiB(2))

struct tdx_vcpu {
    uint64_t tdvpr;
    unsigned ntdcx;
    uint64_t tdcx[TD_MAX_TDCX];
    unsigned assoc_cpu; /* the CPU where VP.INIT ran: VP.FLUSH must run there */
    bool inited;
};

struct tdx_td {
    uint16_t hkid;
    uint64_t tdr;
    unsigned ntdcs;
    uint64_t tdcs[TD_MAX_TDCS];
    unsigned nsept;
    uint64_t sept[TD_MAX_SEPT];
    uint64_t npages;   /* guest pages */
    uint64_t *private; /* host page of each guest page once PAGE.ADD made it private */
    uint64_t private_list_pages;
    unsigned nvcpus;
    struct tdx_vcpu *vcpus[1];
    bool finalized;
    bool leaked; /* a teardown step failed: pages and HKID are kept, never reused */
};

#endif
