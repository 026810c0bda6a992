/* SPDX-License-Identifier: MIT */
/*
 * Intel TDX host ABI constants: SEAMCALL leaves, completion status codes
 * and global metadata field IDs. Values from the Intel TDX module 1.5 ABI
 * (TDX module base spec, "SEAMCALL instruction leaf functions" and
 * "Completion status codes"), as collected with their sources in
 * ../shared/reference/tdx-host-abi.md sections 2-4.
 */
#ifndef TDX_MODULE_TDX_ABI_H
#define TDX_MODULE_TDX_ABI_H

/*
 * SEAMCALL leaves (RAX[15:0]; RAX[23:16] = version): X(constant, number, the
 * ABI's spelling). The one list behind the constants and tdx_leaf_name().
 */
#define TDX_LEAVES(X)                                         \
    X(TDH_VP_ENTER, 0, "TDH.VP.ENTER")                        \
    X(TDH_MNG_ADDCX, 1, "TDH.MNG.ADDCX")                      \
    X(TDH_MEM_PAGE_ADD, 2, "TDH.MEM.PAGE.ADD")                \
    X(TDH_MEM_SEPT_ADD, 3, "TDH.MEM.SEPT.ADD")                \
    X(TDH_VP_ADDCX, 4, "TDH.VP.ADDCX")                        \
    X(TDH_MEM_PAGE_AUG, 6, "TDH.MEM.PAGE.AUG")                \
    X(TDH_MEM_RANGE_BLOCK, 7, "TDH.MEM.RANGE.BLOCK")          \
    X(TDH_MNG_KEY_CONFIG, 8, "TDH.MNG.KEY.CONFIG")            \
    X(TDH_MNG_CREATE, 9, "TDH.MNG.CREATE")                    \
    X(TDH_VP_CREATE, 10, "TDH.VP.CREATE")                     \
    X(TDH_MNG_RD, 11, "TDH.MNG.RD")                           \
    X(TDH_MR_EXTEND, 16, "TDH.MR.EXTEND")                     \
    X(TDH_MR_FINALIZE, 17, "TDH.MR.FINALIZE")                 \
    X(TDH_VP_FLUSH, 18, "TDH.VP.FLUSH")                       \
    X(TDH_MNG_VPFLUSHDONE, 19, "TDH.MNG.VPFLUSHDONE")         \
    X(TDH_MNG_KEY_FREEID, 20, "TDH.MNG.KEY.FREEID")           \
    X(TDH_MNG_INIT, 21, "TDH.MNG.INIT")                       \
    X(TDH_VP_INIT, 22, "TDH.VP.INIT")                         \
    X(TDH_PHYMEM_PAGE_RDMD, 24, "TDH.PHYMEM.PAGE.RDMD")       \
    X(TDH_VP_RD, 26, "TDH.VP.RD")                             \
    X(TDH_PHYMEM_PAGE_RECLAIM, 28, "TDH.PHYMEM.PAGE.RECLAIM") \
    X(TDH_MEM_PAGE_REMOVE, 29, "TDH.MEM.PAGE.REMOVE")         \
    X(TDH_MEM_SEPT_REMOVE, 30, "TDH.MEM.SEPT.REMOVE")         \
    X(TDH_SYS_KEY_CONFIG, 31, "TDH.SYS.KEY.CONFIG")           \
    X(TDH_SYS_INIT, 33, "TDH.SYS.INIT")                       \
    X(TDH_SYS_RD, 34, "TDH.SYS.RD")                           \
    X(TDH_SYS_LP_INIT, 35, "TDH.SYS.LP.INIT")                 \
    X(TDH_SYS_TDMR_INIT, 36, "TDH.SYS.TDMR.INIT")             \
    X(TDH_MEM_TRACK, 38, "TDH.MEM.TRACK")                     \
    X(TDH_PHYMEM_CACHE_WB, 40, "TDH.PHYMEM.CACHE.WB")         \
    X(TDH_PHYMEM_PAGE_WBINVD, 41, "TDH.PHYMEM.PAGE.WBINVD")   \
    X(TDH_VP_WR, 43, "TDH.VP.WR")                             \
    X(TDH_SYS_CONFIG, 45, "TDH.SYS.CONFIG")                   \
    X(TDH_SYS_SHUTDOWN, 52, "TDH.SYS.SHUTDOWN")               \
    X(TDH_SYS_DISABLE, 69, "TDH.SYS.DISABLE")
#define TDX_LEAF_ENUM(c, nr, spelled) c = nr,
enum tdx_leaf { TDX_LEAVES(TDX_LEAF_ENUM) };

/*
 * Completion statuses (RAX): X(constant, value). Compare with TDX_STATUS_MASK:
 * the low 32 bits carry operand IDs. The one list behind the constants and
 * tdx_status_name() (enumerators above INT_MAX: a GNU C extension, as in Linux).
 */
#define TDX_STATUS_MASK 0xFFFFFFFF00000000ULL
#define TDX_STATUSES(X)                                        \
    X(TDX_SUCCESS, 0x0000000000000000ULL)                      \
    X(TDX_NON_RECOVERABLE_VCPU, 0x4000000100000000ULL)         \
    X(TDX_INTERRUPTED_RESUMABLE, 0x8000000300000000ULL)        \
    X(TDX_OPERAND_INVALID, 0xC000010000000000ULL)              \
    X(TDX_OPERAND_ADDR_RANGE_ERROR, 0xC000010100000000ULL)     \
    X(TDX_OPERAND_BUSY, 0x8000020000000000ULL)                 \
    X(TDX_SYS_BUSY, 0x8000020200000000ULL)                     \
    X(TDX_RND_NO_ENTROPY, 0x8000020300000000ULL)               \
    X(TDX_OPERAND_BUSY_HOST_PRIORITY, 0x8000020400000000ULL)   \
    X(TDX_PAGE_METADATA_INCORRECT, 0xC000030000000000ULL)      \
    X(TDX_PAGE_ALREADY_FREE, 0x0000030100000000ULL)            \
    X(TDX_TD_ASSOCIATED_PAGES_EXIST, 0xC000040000000000ULL)    \
    X(TDX_SYS_INIT_NOT_PENDING, 0xC000050000000000ULL)         \
    X(TDX_SYS_LP_INIT_NOT_DONE, 0xC000050200000000ULL)         \
    X(TDX_SYS_LP_INIT_DONE, 0xC000050300000000ULL)             \
    X(TDX_SYS_NOT_READY, 0xC000050500000000ULL)                \
    X(TDX_SYS_SHUTDOWN, 0xC000050600000000ULL)                 \
    X(TDX_SYS_KEY_CONFIG_NOT_PENDING, 0xC000050700000000ULL)   \
    X(TDX_SYS_STATE_INCORRECT, 0xC000050800000000ULL)          \
    X(TDX_SYS_LP_INIT_NOT_PENDING, 0xC000050B00000000ULL)      \
    X(TDX_SYS_CONFIG_NOT_PENDING, 0xC000050C00000000ULL)       \
    X(TDX_TD_FATAL, 0xE000060400000000ULL)                     \
    X(TDX_TDCS_NOT_ALLOCATED, 0xC000060600000000ULL)           \
    X(TDX_LIFECYCLE_STATE_INCORRECT, 0xC000060700000000ULL)    \
    X(TDX_OP_STATE_INCORRECT, 0xC000060800000000ULL)           \
    X(TDX_TDCX_NUM_INCORRECT, 0xC000061000000000ULL)           \
    X(TDX_VCPU_STATE_INCORRECT, 0xC000070000000000ULL)         \
    X(TDX_VCPU_ASSOCIATED, 0x8000070100000000ULL)              \
    X(TDX_VCPU_NOT_ASSOCIATED, 0x8000070200000000ULL)          \
    X(TDX_MAX_VCPUS_EXCEEDED, 0xC000070500000000ULL)           \
    X(TDX_KEY_GENERATION_FAILED, 0x8000080000000000ULL)        \
    X(TDX_TD_KEYS_NOT_CONFIGURED, 0x8000081000000000ULL)       \
    X(TDX_KEY_STATE_INCORRECT, 0xC000081100000000ULL)          \
    X(TDX_KEY_CONFIGURED, 0x0000081500000000ULL)               \
    X(TDX_WBCACHE_NOT_COMPLETE, 0x8000081700000000ULL)         \
    X(TDX_HKID_NOT_FREE, 0xC000082000000000ULL)                \
    X(TDX_NO_HKID_READY_TO_WBCACHE, 0x0000082100000000ULL)     \
    X(TDX_FLUSHVP_NOT_DONE, 0x8000082400000000ULL)             \
    X(TDX_INVALID_TDMR, 0xC0000A0000000000ULL)                 \
    X(TDX_NON_ORDERED_TDMR, 0xC0000A0100000000ULL)             \
    X(TDX_TDMR_OUTSIDE_CMRS, 0xC0000A0200000000ULL)            \
    X(TDX_TDMR_ALREADY_INITIALIZED, 0x00000A0300000000ULL)     \
    X(TDX_INVALID_PAMT, 0xC0000A1000000000ULL)                 \
    X(TDX_PAMT_OUTSIDE_CMRS, 0xC0000A1100000000ULL)            \
    X(TDX_PAMT_OVERLAP, 0xC0000A1200000000ULL)                 \
    X(TDX_INVALID_RESERVED_IN_TDMR, 0xC0000A2000000000ULL)     \
    X(TDX_NON_ORDERED_RESERVED_IN_TDMR, 0xC0000A2100000000ULL) \
    X(TDX_EPT_WALK_FAILED, 0xC0000B0000000000ULL)              \
    X(TDX_EPT_ENTRY_NOT_FREE, 0xC0000B0200000000ULL)           \
    X(TDX_METADATA_FIELD_ID_INCORRECT, 0xC0000C0000000000ULL)  \
    X(TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT, 0x00000C0B00000000ULL)
#define TDX_STATUS_ENUM(c, v) c = v,
enum tdx_status_code { TDX_STATUSES(TDX_STATUS_ENUM) };

/*
 * TD exit reasons beyond the SDM's: an SMI that hit a C-state while the TD
 * ran (module include/x86_defs/vmcs_defs.h VMEXIT_REASON_C_STATE_SMI), and
 * the exit qualification bit of an OTHER_SMI exit that marks a machine-check
 * SMI (the module then disables the TD: not a success status).
 */
#define TD_EXIT_C_STATE_SMI 42
#define TD_EXIT_QUAL_SMI_MSMI (1ULL << 0)

/* Software status codes for faults of SEAMCALL itself (class 0xFF; the module never uses it). */
#define TDX_SW_ERROR 0x8000FF0000000000ULL
#define TDX_SEAMCALL_UD (TDX_SW_ERROR | 6)               /* CPU not in VMX operation */
#define TDX_SEAMCALL_GP (TDX_SW_ERROR | 13)              /* TDX not enabled by the BIOS */
#define TDX_SEAMCALL_VMFAILINVALID 0x8000FF00FFFF0000ULL /* no module loaded */

/* Operand IDs in the low 32 bits of some statuses */
#define TDX_OPERAND_ID_RCX 1
#define TDX_OPERAND_ID_RDX 2
#define TDX_OPERAND_ID_R8 8
#define TDX_OPERAND_ID_TDR 128
#define TDX_OPERAND_ID_SYS 184
#define TDX_OPERAND_ID_TDMR 185

/* Global metadata field IDs for TDH.SYS.RD */
#define MD_NUM_PKGS 0x0000000200000000ULL
#define MD_MINOR_VERSION 0x0800000100000003ULL
#define MD_MAJOR_VERSION 0x0800000100000004ULL
#define MD_UPDATE_VERSION 0x0800000100000005ULL
#define MD_INTERNAL_VERSION 0x0800000100000006ULL
#define MD_TDX_FEATURES0 0x0A00000300000008ULL
#define MD_NUM_CMRS 0x9000000100000000ULL
#define MD_CMR_BASE(i) (0x9000000300000080ULL + (i))
#define MD_CMR_SIZE(i) (0x9000000300000100ULL + (i))
#define MD_MAX_TDMRS 0x9100000100000008ULL
#define MD_MAX_RESERVED_PER_TDMR 0x9100000100000009ULL
#define MD_PAMT_4K_ENTRY_SIZE 0x9100000100000010ULL
#define MD_PAMT_2M_ENTRY_SIZE 0x9100000100000011ULL
#define MD_PAMT_1G_ENTRY_SIZE 0x9100000100000012ULL
#define MD_TDR_BASE_SIZE 0x9800000100000000ULL
#define MD_TDCS_BASE_SIZE 0x9800000100000100ULL
#define MD_TDVPS_BASE_SIZE 0x9800000100000200ULL
#define MD_ATTRIBUTES_FIXED0 0x1900000300000000ULL
#define MD_ATTRIBUTES_FIXED1 0x1900000300000001ULL
#define MD_XFAM_FIXED0 0x1900000300000002ULL
#define MD_XFAM_FIXED1 0x1900000300000003ULL
#define MD_NUM_CPUID_CONFIG 0x9900000100000004ULL
#define MD_MAX_VCPUS_PER_TD 0x9900000100000008ULL
#define MD_CPUID_CONFIG_LEAVES(i) (0x9900000300000400ULL + (i))
#define MD_CPUID_CONFIG_VALUES(i, j) (0x9900000300000500ULL + 2 * (i) + (j))

#define TDX_FEATURES0_NO_RBP_MOD (1ULL << 18)

/* TD_PARAMS.ATTRIBUTES (TDX module ABI, td_params_t; Linux TDX_ATTR_SEPT_VE_DISABLE) */
#define TD_ATTR_SEPT_VE_DISABLE (1ULL << 28)

/* MSR with the KeyID split (Intel SDM Vol. 4): [31:0] MKTME KeyIDs, [63:32] TDX KeyIDs */
#define MSR_IA32_MKTME_KEYID_PARTITIONING 0x87

/* TDMR_INFO layout (TDX module ABI): 64-byte header, then (offset, size) reserved areas */
#define TDMR_INFO_ALIGN 512
#define TDMR_ALIGN (1ULL << 30)

#endif
