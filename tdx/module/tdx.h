/* SPDX-License-Identifier: MIT */
/* TDX on this machine: module initialization at boot and its state for the shell. */
#ifndef TDX_MODULE_TDX_H
#define TDX_MODULE_TDX_H

#include "lib/compiler.h"

#define TDX_MAX_CMRS 32
#define TDX_MAX_CPUID_CONFIG 32

/* What TDH.SYS.RD told us (tdx-host-abi.md 4.3). */
struct tdx_sysinfo {
    uint16_t major, minor, update, internal;
    uint64_t features0;
    uint32_t num_pkgs;
    unsigned num_cmrs;
    uint64_t cmr_base[TDX_MAX_CMRS], cmr_size[TDX_MAX_CMRS];
    uint16_t max_tdmrs, max_reserved_per_tdmr;
    uint16_t pamt_entry_size[3]; /* 4K, 2M, 1G */
    uint16_t tdr_size, tdcs_size, tdvps_size;
    uint64_t attr_fixed0, attr_fixed1, xfam_fixed0, xfam_fixed1;
    uint16_t num_cpuid_config, max_vcpus_per_td;
    uint64_t cpuid_leaves[TDX_MAX_CPUID_CONFIG];
};

enum tdx_state { TDX_OFF, TDX_READY, TDX_FAILED };

struct tdx_status {
    enum tdx_state state;
    bool emulated;
    char reason[128];
    struct tdx_sysinfo info;
    unsigned ntdmrs;
    uint64_t pamt_bytes;
    uint32_t first_keyid, nkeyids, global_keyid;
    unsigned keyid_shift;
    unsigned keyids_in_use;
    /* Free pages before module init and after its rollback: a failed init gives all back. */
    uint64_t free_before_init, free_after_rollback;
};

/* Reads tdx= from the command line and registers the VMX post-enable hook. */
void tdx_setup(const char *cmdline);
const struct tdx_status *tdx_get_status(void);
/* Name of a status code (by class and details), for messages. */
const char *tdx_status_name(uint64_t status);

/* What the TD backend (tdx/td/) gets of the initialized module: */
/* a TD KeyID, 0 when none is left; and back */
uint16_t tdx_hkid_alloc(void);
void tdx_hkid_free(uint16_t hkid);
const struct tdx_sysinfo *tdx_sysinfo(void);
/* The global KeyID placed above the physical-address bits (for TDH.PHYMEM.PAGE.WBINVD). */
uint64_t tdx_global_keyid_bits(void);

#endif
