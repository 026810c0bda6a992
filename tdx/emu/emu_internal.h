/* SPDX-License-Identifier: MIT */
/*
 * Internals of the emulated TDX module: ABI constants tdx/module/tdx_abi.h does not
 * have yet (each guarded so it can move there unchanged), the global state,
 * the layouts the emulator keeps inside PAMT, TDR, TDCS and TDVPR pages, and
 * the functions the emu_*.c files share.
 */
#ifndef TDX_EMU_EMU_INTERNAL_H
#define TDX_EMU_EMU_INTERNAL_H

#include "lib/compiler.h"
#include "tdx/module/seamcall.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/emu/tdx_emu.h"

/* ------------------------------------------------ ABI constants (to move) */
#ifndef TDH_MNG_KEY_RECLAIMID
#define TDH_MNG_KEY_RECLAIMID 27
#endif
#ifndef TDH_SYS_INFO
#define TDH_SYS_INFO 32
#endif
#ifndef TDH_SYS_RDALL
#define TDH_SYS_RDALL 37
#endif
#ifndef TDH_SYS_LP_SHUTDOWN
#define TDH_SYS_LP_SHUTDOWN 44
#endif
#ifndef TDH_SYS_UPDATE
#define TDH_SYS_UPDATE 53
#endif

#ifndef TDX_NO_VCPUS
#define TDX_NO_VCPUS 0xC000060900000000ULL
#endif
#ifndef TDX_NO_VALID_VE_INFO
#define TDX_NO_VALID_VE_INFO 0xC000070400000000ULL
#endif
#ifndef TDX_WBCACHE_RESUME_ERROR
#define TDX_WBCACHE_RESUME_ERROR 0xC000082300000000ULL
#endif
#ifndef TDX_EPT_ENTRY_STATE_INCORRECT
#define TDX_EPT_ENTRY_STATE_INCORRECT 0xC0000B0D00000000ULL
#endif
#ifndef TDX_METADATA_FIELD_NOT_WRITABLE
#define TDX_METADATA_FIELD_NOT_WRITABLE 0xC0000C0100000000ULL
#endif

#ifndef TDX_OPERAND_ID_RAX
#define TDX_OPERAND_ID_RAX 0
#endif
#ifndef TDX_OPERAND_ID_R9
#define TDX_OPERAND_ID_R9 9
#endif
#ifndef TDX_OPERAND_ID_TDVPR
#define TDX_OPERAND_ID_TDVPR 130
#endif
/* Operand IDs of the module's internal locks (auto_gen/tdx_error_codes_defs.h) */
#ifndef TDX_OPERAND_ID_SEPT_TREE
#define TDX_OPERAND_ID_SEPT_TREE 146
#define TDX_OPERAND_ID_TD_EPOCH 169
#define TDX_OPERAND_ID_OP_STATE 172
#define TDX_OPERAND_ID_KOT 186
#define TDX_OPERAND_ID_KET 187
#define TDX_OPERAND_ID_WBCACHE 188
#endif
#ifndef TDX_OPERAND_ID_ATTRIBUTES
#define TDX_OPERAND_ID_ATTRIBUTES 64
#define TDX_OPERAND_ID_XFAM 65
#define TDX_OPERAND_ID_EXEC_CONTROLS 66
#define TDX_OPERAND_ID_EPTP_CONTROLS 67
#define TDX_OPERAND_ID_MAX_VCPUS 68
#define TDX_OPERAND_ID_CPUID_CONFIG 69
#define TDX_OPERAND_ID_TSC_FREQUENCY 70
#define TDX_OPERAND_ID_NUM_L2_VMS 71
#endif

/* PAMT page types (TDH.PHYMEM.PAGE.RDMD / RECLAIM output RCX) */
#ifndef TDX_PT_NDA
#define TDX_PT_NDA 0
#define TDX_PT_RSVD 1
#define TDX_PT_REG 3
#define TDX_PT_TDR 4
#define TDX_PT_TDCX 5
#define TDX_PT_TDVPR 6
#define TDX_PT_EPT 8
#endif

/* Metadata: "no next field" and the TD-scope fields TDH.MNG.RD serves */
#define MD_FIELD_ID_NA (~0ULL)
#define MD_TD_NUM_TDCX 0x8010000200000002ULL
#define MD_TD_CHLDCNT 0x8010000300000004ULL
#define MD_TD_LIFECYCLE_STATE 0x8010000200000005ULL
#define MD_TD_HKID 0x8110000100000001ULL
#define MD_TD_PKG_CONFIG_BITMAP 0x8110000300000002ULL
#define MD_TD_NUM_VCPUS 0x9010000200000001ULL
#define MD_TD_NUM_ASSOC_VCPUS 0x9010000200000002ULL
#define MD_TD_OP_STATE 0x9010000200000004ULL
#define MD_TD_ATTRIBUTES 0x1110000300000000ULL
#define MD_TD_XFAM 0x1110000300000001ULL
#define MD_TD_MAX_VCPUS 0x1110000200000002ULL
#define MD_TD_GPAW 0x1110000000000003ULL
#define MD_TD_EPTP 0x1110000300000004ULL
#define MD_TD_TSC_OFFSET 0x111000030000000AULL
#define MD_TD_TSC_MULTIPLIER 0x111000030000000BULL
#define MD_TD_TSC_FREQUENCY 0x111000010000000CULL
#define MD_TD_CONFIG_FLAGS 0x9110000300000016ULL
#define MD_TD_MRTD(i) (0x1310000300000000ULL + (i))
#define MD_TD_MRCONFIGID(i) (0x1310000300000010ULL + (i))
#define MD_TD_MROWNER(i) (0x1310000300000018ULL + (i))
#define MD_TD_MROWNERCONFIG(i) (0x1310000300000020ULL + (i))
/* Field-ID bits that name a field: non-arch bit 63, class 61:56, code 23:0 */
#define MD_ID_KEY(id) ((id)&0xBF00000000FFFFFFULL)
#define MD_ID_CLASS(id) (((id) >> 56) & 0x3F)
#define MD_ID_CODE(id) ((id)&0xFFFFFF)

/* TDVPS field classes (TDH.VP.RD/WR) */
#define TDVPS_CLASS_VMCS 0
#define TDVPS_CLASS_OTHER_GUEST 17
#define TDVPS_CLASS_MANAGEMENT 32
#define TDVPS_MGMT_PEND_NMI 11
#define TDVPS_STATE_DETAILS_NON_ARCH 0x100

/* TD_PARAMS (1024 bytes, 1024-aligned), TDX module ABI */
struct td_params {
    uint64_t attributes;
    uint64_t xfam;
    uint16_t max_vcpus;
    uint8_t num_l2_vms;
    uint8_t msr_config_ctls;
    uint32_t reserved0;
    uint64_t eptp_controls;
    uint64_t config_flags;
    uint16_t tsc_frequency; /* 25 MHz units */
    uint8_t reserved1[38];
    uint64_t mrconfigid[6];
    uint64_t mrowner[6];
    uint64_t mrownerconfig[6];
    uint64_t ia32_arch_capabilities_config;
    uint8_t reserved2[24];
    struct {
        uint32_t eax, ebx, ecx, edx;
    } cpuid_config[48];
};
_Static_assert(sizeof(struct td_params) == 1024, "TD_PARAMS is 1 KiB");

#define TD_PARAMS_ALIGN 1024
#define TD_ATTR_SEPT_VE_DISABLE (1ULL << 28)
#define TD_CONFIG_FLAGS_GPAW (1ULL << 0)
#define TD_CONFIG_FLAGS_FLEXIBLE_PENDING_VE (1ULL << 1)
#define TD_CONFIG_FLAGS_NO_RBP_MOD (1ULL << 2)
#define TD_TSC_FREQ_MIN 4   /* 100 MHz in 25 MHz units */
#define TD_TSC_FREQ_MAX 400 /* 10 GHz */
#define EPTP_MEMTYPE_WB 6

/* TDMR_INFO entry (512-byte aligned): header + reserved areas */
struct tdmr_info {
    uint64_t base, size;
    uint64_t pamt_1g_base, pamt_1g_size;
    uint64_t pamt_2m_base, pamt_2m_size;
    uint64_t pamt_4k_base, pamt_4k_size;
    struct {
        uint64_t offset, size;
    } rsvd[16];
};

/* SEAMCALL RAX: leaf 15:0, version 23:16, 63:24 reserved */
#define SEAMCALL_LEAF(fn) ((fn)&0xFFFF)
#define SEAMCALL_VERSION(fn) (((fn) >> 16) & 0xFF)
#define SEAMCALL_RSVD_MASK 0xFFFFFFFFFF000000ULL

/* ----------------------------------------------------- emulated module */
#define TDXEMU_VERSION_MAJOR 1
#define TDXEMU_VERSION_MINOR 5
#define TDXEMU_VERSION_UPDATE 6
#define TDXEMU_MAX_TDMRS 64
#define TDXEMU_MAX_RSVD 16
#define TDXEMU_PAMT_ENTRY_SIZE 16
#define TDXEMU_TDCS_PAGES 6  /* TDCS_BASE_SIZE = 6 pages, as module 1.5.01 */
#define TDXEMU_TDVPS_PAGES 6 /* TDVPR + 5 TDCX */
#define TDXEMU_MAX_VCPUS_PER_TD 576
/* TDMR.INIT: 1024 4K PAMT entries (4 MiB of TDMR) per call (tdh_sys_tdmr_init.c TDMR_4K_PAMT_INIT_COUNT) */
#define TDXEMU_TDMR_INIT_CHUNK (1024 * PAGE_SIZE)
#define TDXEMU_ATTR_FIXED0 \
    0x80000000F0000001ULL /* DEBUG, SEPT_VE_DISABLE, MIGRATABLE, PKS, KL, PERFMON */
#define TDXEMU_ATTR_FIXED1 0ULL
#define TDXEMU_XFAM_FIXED0 0x0006DBE7ULL /* TDX_XFAM_FIXED0, td_control_structures.h */
#define TDXEMU_XFAM_FIXED1 0x00000003ULL
#define TDXEMU_FEATURES0 (TDX_FEATURES0_NO_RBP_MOD | (1ULL << 20)) /* + TOPOLOGY_ENUM */
#define TDXEMU_CPUID_SUBLEAF_NA 0xFFFFFFFFu
#define TDXEMU_NR_CPUID 4
#define TDXEMU_VP_FIELDS 32
#define TDXEMU_WB_SUB_BLOCKS 8 /* cache sub-blocks CACHE.WB writes back (WBNOINVDP loop) */

enum tdxemu_sys_state {
    TDXEMU_SYSINIT_PENDING,
    TDXEMU_SYSINIT_DONE,
    TDXEMU_SYSCONFIG_DONE,
    TDXEMU_SYS_READY
};
enum tdxemu_kot_state {
    TDXEMU_HKID_FREE,
    TDXEMU_HKID_ASSIGNED,
    TDXEMU_HKID_FLUSHED,
    TDXEMU_HKID_RESERVED
};
enum tdxemu_lifecycle { TD_HKID_ASSIGNED, TD_KEYS_CONFIGURED, TD_BLOCKED, TD_TEARDOWN };
enum tdxemu_op_state { OP_UNINITIALIZED, OP_INITIALIZED, OP_RUNNABLE };
enum tdxemu_vcpu_state { VCPU_UNINITIALIZED = 0, VCPU_READY = 2, VCPU_DISABLED = 8 };
#define TDXEMU_LP_NONE 0xFFFFFFFFu

struct tdxemu_rsvd {
    uint64_t offset, size;
};

struct tdxemu_tdmr {
    uint64_t base, size;
    uint64_t pamt_base[3], pamt_size[3]; /* indexed 4K, 2M, 1G */
    uint64_t next_init;                  /* first byte whose PAMT is not initialized */
    unsigned nrsvd;
    struct tdxemu_rsvd rsvd[TDXEMU_MAX_RSVD];
};
#define PAMT_4K 0
#define PAMT_2M 1
#define PAMT_1G 2

struct tdxemu_kot {
    uint8_t state;    /* enum tdxemu_kot_state */
    uint64_t wbinvd;  /* packages still owing TDH.PHYMEM.CACHE.WB */
    uint64_t wb_snap; /* packages whose CACHE.WB in progress covers this KeyID */
};

struct tdxemu_state {
    bool loaded;
    struct tdxemu_platform plat;
    enum tdxemu_sys_state state;
    uint64_t lp_init[TDXEMU_MAX_LPS / 64];
    unsigned nr_lp_init;
    uint64_t pkg_all; /* bitmap of every package */
    uint64_t pkg_key; /* packages that ran TDH.SYS.KEY.CONFIG */
    unsigned ntdmr;
    struct tdxemu_tdmr tdmr[TDXEMU_MAX_TDMRS];
    uint16_t hkid; /* global private KeyID */
    struct tdxemu_kot kot[TDXEMU_MAX_KEYIDS];
    uint32_t wb_intr[TDXEMU_MAX_PKGS]; /* CACHE.WB interruption point per package, 0 = none */
    uint64_t rng;                      /* stress mode PRNG state (xorshift64) */
    int stress_victim;                 /* which lock point of this call loses, -1: none */
    int stress_point;                  /* lock points this call has passed */
    unsigned lp, pkg;                  /* caller of the SEAMCALL in progress */
};
extern struct tdxemu_state tdxemu;

/* One 4K PAMT entry, kept in the VMM-provided PAMT_4K area. */
struct tdxemu_pamt {
    uint64_t owner; /* TDR PA (0 for TDR pages and free pages) */
    uint8_t type;   /* TDX_PT_* */
    uint8_t reserved[7];
};
_Static_assert(sizeof(struct tdxemu_pamt) == TDXEMU_PAMT_ENTRY_SIZE, "PAMT entry is 16 bytes");

/* Kept in the TDR page. */
struct tdxemu_tdr {
    uint32_t lifecycle; /* enum tdxemu_lifecycle */
    uint32_t fatal;
    uint16_t hkid;
    uint16_t reserved;
    uint32_t num_tdcx;
    uint64_t pkg_config; /* packages that ran TDH.MNG.KEY.CONFIG */
    uint64_t chldcnt;    /* pages owned by this TD, TDR excluded */
    uint64_t tdcx[TDXEMU_TDCS_PAGES];
};

/* TDCX page roles */
#define TDCX_TDCS 0 /* struct tdxemu_tdcs */
#define TDCX_SEPT 2 /* S-EPT root table */

/* Kept in the first TDCX page. */
struct tdxemu_tdcs {
    uint32_t op_state; /* enum tdxemu_op_state */
    uint32_t max_vcpus;
    uint32_t num_vcpus;
    uint32_t num_assoc;
    uint64_t attributes, xfam, config_flags, eptp, tsc_offset, tsc_multiplier;
    uint16_t tsc_frequency;
    uint8_t gpaw;   /* 1: 52-bit GPA, shared bit 51; 0: 48-bit, bit 47 */
    uint8_t levels; /* S-EPT levels (4 or 5) */
    uint32_t reserved;
    uint64_t mrtd[6], mrconfigid[6], mrowner[6], mrownerconfig[6];
    uint32_t cpuid[TDXEMU_NR_CPUID][4];
};

/* Kept in the TDVPR page. */
struct tdxemu_tdvpr {
    uint32_t state; /* enum tdxemu_vcpu_state */
    uint32_t num_pages;
    uint32_t vcpu_index;
    uint32_t assoc_lp; /* TDXEMU_LP_NONE when not associated */
    uint64_t init_rcx;
    uint32_t reserved;
    uint32_t nfields;
    uint64_t pages[TDXEMU_TDVPS_PAGES];
    struct {
        uint64_t id, val;
    } fields[TDXEMU_VP_FIELDS];
    uint32_t last_exit;      /* enum tdxemu_last_exit */
    uint32_t running;        /* in TDH.VP.ENTER: the TDVPR is locked */
    uint64_t vmcall_gprs;    /* GPR bitmap of the TDG.VP.VMCALL that exited */
    struct tdxemu_gprs gprs; /* guest GPRs while the TD is out */
    struct tdxemu_ve ve;     /* last #VE, for TDG.VP.VEINFO.GET */
};
enum tdxemu_last_exit { TDXEMU_EXIT_ASYNC, TDXEMU_EXIT_TDVMCALL };
_Static_assert(sizeof(struct tdxemu_tdr) <= 4096 && sizeof(struct tdxemu_tdcs) <= 4096 &&
                   sizeof(struct tdxemu_tdvpr) <= 4096,
               "control structures fit their page");

/*
 * S-EPT entry: a real EPT entry (SDM Vol. 3C 29.3.2), so the S-EPT root is
 * the EPT a TD vCPU runs on, as in the module: R/W/X, memory type WB in
 * leaves, HPA 51:12, and the module's entry state in bits EPT ignores
 * (52: maps the next level, 53: maps a TD private page).
 */
#define SEPTE_RWX 7ULL
#define SEPTE_MT_WB (6ULL << 3)
#define SEPTE_SW_NL (1ULL << 52)
#define SEPTE_SW_LEAF (1ULL << 53)
#define SEPTE_NL (SEPTE_RWX | SEPTE_SW_NL)
#define SEPTE_LEAF (SEPTE_RWX | SEPTE_MT_WB | SEPTE_SW_LEAF)
#define SEPTE_IS_NL(e) (((e)&SEPTE_SW_NL) != 0)
#define SEPTE_IS_LEAF(e) (((e)&SEPTE_SW_LEAF) != 0)
#define SEPTE_HPA(e) ((e)&0x000FFFFFFFFFF000ULL)

/* CPUID_CONFIG: configurable leaves and the bits TD_PARAMS may set */
struct tdxemu_cpuid_cfg {
    uint32_t leaf, subleaf;
    uint32_t mask[4]; /* eax, ebx, ecx, edx */
};

static inline uint64_t tdxemu_err(uint64_t status, uint64_t operand)
{
    return status | operand;
}

/* tdx_emu.c */
void *tdxemu_map(uint64_t pa);

/* emu_stress.c: statuses of lost races, when the platform asks for them */
void tdxemu_stress_seed(uint64_t seed);
void tdxemu_stress_arm(unsigned points);
bool tdxemu_stress_hit(void);
bool tdxemu_stress_lose(void);
uint64_t tdxemu_stress(uint64_t status);
uint64_t tdxemu_stress_busy(uint64_t operand);
uint64_t tdxemu_stress_pconfig(void);
bool tdxemu_stress_async_exit(struct tdxemu_exit *x);

/* emu_pamt.c: physical addresses, page ownership, PHYMEM leaves */
uint16_t tdxemu_pa_keyid(uint64_t pa);
uint64_t tdxemu_pa_strip(uint64_t pa);
uint64_t tdxemu_shared_check(uint64_t pa, uint64_t align, uint64_t operand, void **va);
struct tdxemu_pamt *tdxemu_pamt_get(uint64_t pa);
uint64_t tdxemu_page_check(uint64_t pa, unsigned type, uint64_t operand, struct tdxemu_pamt **e);
void tdxemu_page_take(struct tdxemu_pamt *e, uint64_t pa, unsigned type, uint64_t owner);
void *tdxemu_page(uint64_t pa);
void tdxemu_pamt_init_range(const struct tdxemu_tdmr *t, uint64_t start, uint64_t len);
uint64_t tdxemu_phymem_page_reclaim(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_phymem_page_wbinvd(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_phymem_page_rdmd(struct tdx_args *a, unsigned ver);

/* emu_sys.c: global state machine and KeyIDs */
bool tdxemu_hkid_private(uint64_t hkid);
struct tdxemu_kot *tdxemu_kot(uint16_t hkid);
uint64_t tdxemu_sys_init(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_sys_lp_init(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_sys_config(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_sys_key_config(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_phymem_cache_wb(struct tdx_args *a, unsigned ver);

/* emu_tdmr.c: TDMR_INFO validation and TDMR.INIT */
uint64_t tdxemu_tdmr_array(uint64_t pa, uint64_t count, const uint64_t **array);
uint64_t tdxemu_tdmr_config(const uint64_t *array, uint64_t count);
uint64_t tdxemu_sys_tdmr_init(struct tdx_args *a, unsigned ver);

/* emu_md.c: metadata */
unsigned tdxemu_nr_cpuid(void);
const struct tdxemu_cpuid_cfg *tdxemu_cpuid(unsigned i);
uint64_t tdxemu_sys_rd(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mng_rd(struct tdx_args *a, unsigned ver);

/* emu_td.c: TD lifecycle */
uint64_t tdxemu_tdr_get(uint64_t pa, uint64_t operand, struct tdxemu_tdr **tdr);
struct tdxemu_tdr *tdxemu_tdr_of(const struct tdxemu_pamt *e);
struct tdxemu_tdcs *tdxemu_tdcs(const struct tdxemu_tdr *tdr);
uint64_t tdxemu_td_state(struct tdxemu_tdr *tdr, unsigned leaf, struct tdxemu_tdcs **tdcs);
uint64_t tdxemu_mng_create(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mng_key_config(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mng_addcx(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mr_finalize(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mng_vpflushdone(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mng_key_freeid(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mng_key_reclaimid(struct tdx_args *a, unsigned ver);

/* emu_tdparams.c: TDH.MNG.INIT */
uint64_t tdxemu_mng_init(struct tdx_args *a, unsigned ver);

/* emu_vp.c: vCPUs */
uint64_t tdxemu_vp_create(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_vp_addcx(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_vp_init(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_vp_flush(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_vp_enter(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_vp_rd(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_vp_wr(struct tdx_args *a, unsigned ver);

/* emu_run.c: TD execution (TDH.VP.ENTER through the platform's vp_run) */
uint64_t tdxemu_run(struct tdxemu_tdcs *tdcs, struct tdxemu_tdvpr *vp, struct tdx_args *a);
void tdxemu_vcpu_reset_regs(struct tdxemu_tdvpr *vp, const struct tdxemu_tdcs *tdcs);

/* emu_tdcall.c: TDCALL leaves (guest side of the module) */
bool tdxemu_tdcall(const struct tdxemu_tdcs *tdcs, struct tdxemu_tdvpr *vp, struct tdx_args *a,
                   uint64_t *status);
void tdxemu_vmcall_return(struct tdxemu_tdvpr *vp, const struct tdx_args *a);

/* emu_mem.c: S-EPT, initial memory, measurement */
uint64_t tdxemu_mem_sept_add(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mem_page_add(struct tdx_args *a, unsigned ver);
uint64_t tdxemu_mr_extend(struct tdx_args *a, unsigned ver);
void tdxemu_measure(uint64_t mr[6], const void *buf, size_t len);

#endif
