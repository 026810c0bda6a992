/* SPDX-License-Identifier: MIT */
/*
 * TDH.MNG.INIT: validates TD_PARAMS in the module's order (attributes,
 * XFAM, MAX_VCPUS, L2 VMs, CONFIG_FLAGS, EPTP_CONTROLS, TSC frequency,
 * reserved fields, then the positional CPUID_CONFIG array), each failure
 * reported as TDX_OPERAND_INVALID with the offending operand ID; then
 * records the configuration in the TDCS: UNINITIALIZED -> INITIALIZED.
 */
#include "lib/string.h"
#include "tdx/emu/emu_internal.h"

#define XFAM_AVX (1ULL << 2)
#define XFAM_AVX512 (7ULL << 5) /* opmask, ZMM_Hi256, Hi16_ZMM: all or none, and need AVX */
#define XFAM_CET (3ULL << 11)   /* CET_U, CET_S: both or none */
#define XFAM_AMX (3ULL << 17)   /* XTILECFG, XTILEDATA: both or none */
#define EPTP_MEMTYPE(e) ((e)&7)
#define EPTP_PWL(e) (((e) >> 3) & 7) /* page-walk length - 1 */

typedef uint64_t (*param_check)(const struct td_params *p, struct tdx_args *a);

static uint64_t bad(uint64_t operand)
{
    return tdxemu_err(TDX_OPERAND_INVALID, operand);
}

static bool all_zero(const void *buf, size_t n)
{
    const uint8_t *b = buf;

    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static bool fixed_ok(uint64_t v, uint64_t fixed0, uint64_t fixed1)
{
    return !(v & ~fixed0) && (v & fixed1) == fixed1;
}

static bool group_ok(uint64_t v, uint64_t group)
{
    return (v & group) == 0 || (v & group) == group;
}

static uint64_t check_attributes(const struct td_params *p, struct tdx_args *a)
{
    return fixed_ok(p->attributes, TDXEMU_ATTR_FIXED0, TDXEMU_ATTR_FIXED1)
               ? TDX_SUCCESS
               : bad(TDX_OPERAND_ID_ATTRIBUTES);
}

/*
 * helpers.c check_xfam: only TDX_XFAM_FIXED0 bits (of those the platform
 * supports: all, here), the fixed-1 bits, and whole feature groups.
 */
static uint64_t check_xfam(const struct td_params *p, struct tdx_args *a)
{
    uint64_t x = p->xfam;

    if (!fixed_ok(x, TDXEMU_XFAM_FIXED0, TDXEMU_XFAM_FIXED1) || !group_ok(x, XFAM_AVX512) ||
        ((x & XFAM_AVX512) && !(x & XFAM_AVX)) || !group_ok(x, XFAM_CET) || !group_ok(x, XFAM_AMX))
        return bad(TDX_OPERAND_ID_XFAM);
    return TDX_SUCCESS;
}

static uint64_t check_vcpus(const struct td_params *p, struct tdx_args *a)
{
    if (!p->max_vcpus || p->max_vcpus > TDXEMU_MAX_VCPUS_PER_TD)
        return bad(TDX_OPERAND_ID_MAX_VCPUS);
    if (p->num_l2_vms)
        return bad(TDX_OPERAND_ID_NUM_L2_VMS);
    return p->reserved0 ? bad(TDX_OPERAND_ID_RDX) : TDX_SUCCESS;
}

static uint64_t check_config_flags(const struct td_params *p, struct tdx_args *a)
{
    uint64_t known =
        TD_CONFIG_FLAGS_GPAW | TD_CONFIG_FLAGS_FLEXIBLE_PENDING_VE | TD_CONFIG_FLAGS_NO_RBP_MOD;

    return (p->config_flags & ~known) ? bad(TDX_OPERAND_ID_EXEC_CONTROLS) : TDX_SUCCESS;
}

/* WB memory type, 4- or 5-level S-EPT (5-level for a 52-bit GPAW), nothing else. */
static uint64_t check_eptp(const struct td_params *p, struct tdx_args *a)
{
    uint64_t e = p->eptp_controls;
    unsigned pwl = EPTP_PWL(e);
    bool gpaw = p->config_flags & TD_CONFIG_FLAGS_GPAW;

    if (EPTP_MEMTYPE(e) != EPTP_MEMTYPE_WB || (e >> 6) || (pwl != 3 && pwl != 4) ||
        (gpaw && pwl != 4))
        return bad(TDX_OPERAND_ID_EPTP_CONTROLS);
    return TDX_SUCCESS;
}

static uint64_t check_tsc(const struct td_params *p, struct tdx_args *a)
{
    if (p->tsc_frequency < TD_TSC_FREQ_MIN || p->tsc_frequency > TD_TSC_FREQ_MAX)
        return bad(TDX_OPERAND_ID_TSC_FREQUENCY);
    return TDX_SUCCESS;
}

static uint64_t check_reserved(const struct td_params *p, struct tdx_args *a)
{
    if (!all_zero(p->reserved1, sizeof(p->reserved1)) || (p->msr_config_ctls & ~1u) ||
        !all_zero(p->reserved2, sizeof(p->reserved2)))
        return bad(TDX_OPERAND_ID_RDX);
    return TDX_SUCCESS;
}

/* Only configurable bits may be set; RCX = failing leaf | subleaf << 32. */
static uint64_t check_cpuid(const struct td_params *p, struct tdx_args *a)
{
    for (unsigned i = 0; i < tdxemu_nr_cpuid(); i++) {
        const struct tdxemu_cpuid_cfg *c = tdxemu_cpuid(i);
        uint32_t v[4];

        memcpy(v, &p->cpuid_config[i], sizeof(v));
        for (unsigned r = 0; r < 4; r++) {
            if (v[r] & ~c->mask[r]) {
                a->rcx = c->leaf | (uint64_t)c->subleaf << 32;
                return bad(TDX_OPERAND_ID_CPUID_CONFIG);
            }
        }
    }
    return TDX_SUCCESS;
}

static const param_check param_checks[] = {
    check_attributes, check_xfam, check_vcpus,    check_config_flags,
    check_eptp,       check_tsc,  check_reserved, check_cpuid,
};

static void apply(struct tdxemu_tdcs *t, const struct tdxemu_tdr *tdr, const struct td_params *p)
{
    t->attributes = p->attributes;
    t->xfam = p->xfam;
    t->max_vcpus = p->max_vcpus;
    t->config_flags = p->config_flags;
    t->gpaw = !!(p->config_flags & TD_CONFIG_FLAGS_GPAW);
    t->levels = (uint8_t)(EPTP_PWL(p->eptp_controls) + 1);
    t->eptp = tdr->tdcx[TDCX_SEPT] | p->eptp_controls;
    t->tsc_frequency = p->tsc_frequency;
    t->tsc_offset = 0;              /* virtual TSC starts at 0 */
    t->tsc_multiplier = 1ULL << 48; /* 1.0 in 16.48 fixed point */
    memcpy(t->mrconfigid, p->mrconfigid, sizeof(t->mrconfigid));
    memcpy(t->mrowner, p->mrowner, sizeof(t->mrowner));
    memcpy(t->mrownerconfig, p->mrownerconfig, sizeof(t->mrownerconfig));
    for (unsigned i = 0; i < tdxemu_nr_cpuid(); i++)
        memcpy(t->cpuid[i], &p->cpuid_config[i], sizeof(t->cpuid[i]));
    t->op_state = OP_INITIALIZED;
}

/* TDH.MNG.INIT: RCX = TDR, RDX = TD_PARAMS (shared, 1 KiB aligned). */
uint64_t tdxemu_mng_init(struct tdx_args *a, unsigned ver)
{
    struct tdxemu_tdcs *tdcs = NULL;
    struct tdxemu_tdr *tdr = NULL;
    void *params = NULL;
    uint64_t st = tdxemu_tdr_get(a->rcx, TDX_OPERAND_ID_RCX, &tdr);

    if (st == TDX_SUCCESS)
        st = tdxemu_td_state(tdr, TDH_MNG_INIT, &tdcs);
    if (st == TDX_SUCCESS)
        st = tdxemu_shared_check(a->rdx, TD_PARAMS_ALIGN, TDX_OPERAND_ID_RDX, &params);
    for (unsigned i = 0; st == TDX_SUCCESS && i < ARRAY_SIZE(param_checks); i++)
        st = param_checks[i](params, a);
    if (st == TDX_SUCCESS)
        apply(tdcs, tdr, params);
    return st;
}
