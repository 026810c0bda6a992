/* SPDX-License-Identifier: MIT */
/*
 * Metadata: the global fields TDH.SYS.RD serves (version, features, CMRs,
 * TDMR/PAMT limits, control-structure sizes, TD attribute/XFAM rules,
 * configurable CPUID), the TD-scope fields of TDH.MNG.RD, and the
 * field-ID iteration both share (RDX = 0 asks for the first field; each
 * read returns the next field ID in RDX, MD_FIELD_ID_NA after the last).
 */
#include "lib/string.h"
#include "tdx/emu/emu_internal.h"

enum md_count { MD_ONE, MD_CMRS, MD_CPUIDS, MD_CPUID_VALUES, MD_SIX };
enum md_scope { MD_SYS, MD_TDR, MD_TDCS };

struct md_field {
    uint64_t id;     /* element 0; element i is id + i */
    uint8_t count;   /* enum md_count */
    uint8_t scope;   /* enum md_scope */
    uint16_t offset; /* MD_TDR / MD_TDCS: byte offset in struct tdxemu_tdr / tdxemu_tdcs */
    uint64_t val;    /* MD_SYS constant, when get is NULL */
    uint64_t (*get)(unsigned i);
};

static const struct tdxemu_cpuid_cfg cpuid_cfg[TDXEMU_NR_CPUID] = {
    {0x00000001, TDXEMU_CPUID_SUBLEAF_NA, {0, 0, 0x72D81201, 0}},
    {0x00000007, 0, {0, 0x200B0938, 0x00400000, 0}},
    {0x0000000D, 1, {0x0000000F, 0, 0, 0}},
    {0x80000008, TDXEMU_CPUID_SUBLEAF_NA, {0x00FF0000, 0, 0, 0}},
};

unsigned tdxemu_nr_cpuid(void)
{
    return TDXEMU_NR_CPUID;
}

const struct tdxemu_cpuid_cfg *tdxemu_cpuid(unsigned i)
{
    return &cpuid_cfg[i];
}

static uint64_t md_num_pkgs(unsigned i)
{
    return tdxemu.plat.nr_pkgs;
}

static uint64_t md_num_cmrs(unsigned i)
{
    return tdxemu.plat.nr_cmrs;
}

static uint64_t md_cmr_base(unsigned i)
{
    return tdxemu.plat.cmrs[i].base;
}

static uint64_t md_cmr_size(unsigned i)
{
    return tdxemu.plat.cmrs[i].size;
}

static uint64_t md_cpuid_leaf(unsigned i)
{
    return cpuid_cfg[i].leaf | (uint64_t)cpuid_cfg[i].subleaf << 32;
}

static uint64_t md_cpuid_value(unsigned i)
{
    const uint32_t *m = cpuid_cfg[i / 2].mask + (i % 2) * 2;

    return m[0] | (uint64_t)m[1] << 32; /* EBX:EAX, then EDX:ECX */
}

static const struct md_field sys_fields[] = {
    {MD_NUM_PKGS, MD_ONE, MD_SYS, 0, 0, md_num_pkgs},
    {MD_MINOR_VERSION, MD_ONE, MD_SYS, 0, TDXEMU_VERSION_MINOR, NULL},
    {MD_MAJOR_VERSION, MD_ONE, MD_SYS, 0, TDXEMU_VERSION_MAJOR, NULL},
    {MD_UPDATE_VERSION, MD_ONE, MD_SYS, 0, TDXEMU_VERSION_UPDATE, NULL},
    {MD_INTERNAL_VERSION, MD_ONE, MD_SYS, 0, 0, NULL},
    {MD_TDX_FEATURES0, MD_ONE, MD_SYS, 0, TDXEMU_FEATURES0, NULL},
    {MD_NUM_CMRS, MD_ONE, MD_SYS, 0, 0, md_num_cmrs},
    {MD_CMR_BASE(0), MD_CMRS, MD_SYS, 0, 0, md_cmr_base},
    {MD_CMR_SIZE(0), MD_CMRS, MD_SYS, 0, 0, md_cmr_size},
    {MD_MAX_TDMRS, MD_ONE, MD_SYS, 0, TDXEMU_MAX_TDMRS, NULL},
    {MD_MAX_RESERVED_PER_TDMR, MD_ONE, MD_SYS, 0, TDXEMU_MAX_RSVD, NULL},
    {MD_PAMT_4K_ENTRY_SIZE, MD_ONE, MD_SYS, 0, TDXEMU_PAMT_ENTRY_SIZE, NULL},
    {MD_PAMT_2M_ENTRY_SIZE, MD_ONE, MD_SYS, 0, TDXEMU_PAMT_ENTRY_SIZE, NULL},
    {MD_PAMT_1G_ENTRY_SIZE, MD_ONE, MD_SYS, 0, TDXEMU_PAMT_ENTRY_SIZE, NULL},
    {MD_TDR_BASE_SIZE, MD_ONE, MD_SYS, 0, PAGE_SIZE, NULL},
    {MD_TDCS_BASE_SIZE, MD_ONE, MD_SYS, 0, TDXEMU_TDCS_PAGES *PAGE_SIZE, NULL},
    {MD_TDVPS_BASE_SIZE, MD_ONE, MD_SYS, 0, TDXEMU_TDVPS_PAGES *PAGE_SIZE, NULL},
    {MD_ATTRIBUTES_FIXED0, MD_ONE, MD_SYS, 0, TDXEMU_ATTR_FIXED0, NULL},
    {MD_ATTRIBUTES_FIXED1, MD_ONE, MD_SYS, 0, TDXEMU_ATTR_FIXED1, NULL},
    {MD_XFAM_FIXED0, MD_ONE, MD_SYS, 0, TDXEMU_XFAM_FIXED0, NULL},
    {MD_XFAM_FIXED1, MD_ONE, MD_SYS, 0, TDXEMU_XFAM_FIXED1, NULL},
    {MD_NUM_CPUID_CONFIG, MD_ONE, MD_SYS, 0, TDXEMU_NR_CPUID, NULL},
    {MD_MAX_VCPUS_PER_TD, MD_ONE, MD_SYS, 0, TDXEMU_MAX_VCPUS_PER_TD, NULL},
    {MD_CPUID_CONFIG_LEAVES(0), MD_CPUIDS, MD_SYS, 0, 0, md_cpuid_leaf},
    {MD_CPUID_CONFIG_VALUES(0, 0), MD_CPUID_VALUES, MD_SYS, 0, 0, md_cpuid_value},
};

#define TDR_FIELD(id, f)                                            \
    {                                                               \
        id, MD_ONE, MD_TDR, offsetof(struct tdxemu_tdr, f), 0, NULL \
    }
#define TDCS_FIELD(id, n, f)                                     \
    {                                                            \
        id, n, MD_TDCS, offsetof(struct tdxemu_tdcs, f), 0, NULL \
    }

static const struct md_field td_fields[] = {
    TDR_FIELD(MD_TD_NUM_TDCX, num_tdcx),
    TDR_FIELD(MD_TD_CHLDCNT, chldcnt),
    TDR_FIELD(MD_TD_LIFECYCLE_STATE, lifecycle),
    TDR_FIELD(MD_TD_HKID, hkid),
    TDR_FIELD(MD_TD_PKG_CONFIG_BITMAP, pkg_config),
    TDCS_FIELD(MD_TD_NUM_VCPUS, MD_ONE, num_vcpus),
    TDCS_FIELD(MD_TD_NUM_ASSOC_VCPUS, MD_ONE, num_assoc),
    TDCS_FIELD(MD_TD_OP_STATE, MD_ONE, op_state),
    TDCS_FIELD(MD_TD_ATTRIBUTES, MD_ONE, attributes),
    TDCS_FIELD(MD_TD_XFAM, MD_ONE, xfam),
    TDCS_FIELD(MD_TD_MAX_VCPUS, MD_ONE, max_vcpus),
    TDCS_FIELD(MD_TD_GPAW, MD_ONE, gpaw),
    TDCS_FIELD(MD_TD_EPTP, MD_ONE, eptp),
    TDCS_FIELD(MD_TD_TSC_OFFSET, MD_ONE, tsc_offset),
    TDCS_FIELD(MD_TD_TSC_MULTIPLIER, MD_ONE, tsc_multiplier),
    TDCS_FIELD(MD_TD_TSC_FREQUENCY, MD_ONE, tsc_frequency),
    TDCS_FIELD(MD_TD_CONFIG_FLAGS, MD_ONE, config_flags),
    TDCS_FIELD(MD_TD_MRTD(0), MD_SIX, mrtd),
    TDCS_FIELD(MD_TD_MRCONFIGID(0), MD_SIX, mrconfigid),
    TDCS_FIELD(MD_TD_MROWNER(0), MD_SIX, mrowner),
    TDCS_FIELD(MD_TD_MROWNERCONFIG(0), MD_SIX, mrownerconfig),
};

struct md_table {
    const struct md_field *f;
    unsigned n;
};

static unsigned md_count(const struct md_field *f)
{
    static const unsigned fixed[] = {[MD_ONE] = 1,
                                     [MD_CPUIDS] = TDXEMU_NR_CPUID,
                                     [MD_CPUID_VALUES] = 2 * TDXEMU_NR_CPUID,
                                     [MD_SIX] = 6};

    return f->count == MD_CMRS ? tdxemu.plat.nr_cmrs : fixed[f->count];
}

/* Index of the field holding id (element in *elem), or -1. */
static int md_find(struct md_table t, uint64_t id, unsigned *elem)
{
    for (unsigned k = 0; k < t.n; k++) {
        uint64_t d = MD_ID_KEY(id) - MD_ID_KEY(t.f[k].id);

        if (d < md_count(&t.f[k])) {
            *elem = (unsigned)d;
            return (int)k;
        }
    }
    return -1;
}

/* The field ID after element elem of field k (k = -1: the first one). */
static uint64_t md_next(struct md_table t, int k, unsigned elem)
{
    if (k >= 0 && elem + 1 < md_count(&t.f[k]))
        return t.f[k].id + elem + 1;
    for (unsigned j = (unsigned)(k + 1); j < t.n; j++)
        if (md_count(&t.f[j]))
            return t.f[j].id;
    return MD_FIELD_ID_NA;
}

static uint64_t md_sized(const void *base, const struct md_field *f, unsigned elem)
{
    unsigned size = 1u << ((f->id >> 32) & 3);
    uint64_t v = 0;

    memcpy(&v, (const uint8_t *)base + f->offset + elem * size, size);
    return v;
}

/* Where MD_TDR / MD_TDCS fields live, and the status when one is missing. */
struct md_ctx {
    const void *base[3];
    uint64_t missing;
};

/* The read both leaves share: RDX = field ID in, next field ID out; R8 = value. */
static uint64_t md_read(struct md_table t, struct tdx_args *a, const struct md_ctx *c)
{
    unsigned elem = 0;
    int k;

    a->r8 = 0;
    if (!a->rdx) {
        a->rdx = md_next(t, -1, 0);
        return TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT;
    }
    k = md_find(t, a->rdx, &elem);
    a->rdx = MD_FIELD_ID_NA;
    if (k < 0)
        return TDX_METADATA_FIELD_ID_INCORRECT;
    if (t.f[k].scope == MD_SYS)
        a->r8 = t.f[k].get ? t.f[k].get(elem) : t.f[k].val;
    else if (!c->base[t.f[k].scope])
        return c->missing;
    else
        a->r8 = md_sized(c->base[t.f[k].scope], &t.f[k], elem);
    a->rdx = md_next(t, k, elem);
    return TDX_SUCCESS;
}

/* TDH.SYS.RD: RDX = field ID; out R8 = value, RDX = next field ID. */
uint64_t tdxemu_sys_rd(struct tdx_args *a, unsigned ver)
{
    static const struct md_ctx none;
    struct md_table t = {sys_fields, ARRAY_SIZE(sys_fields)};

    return md_read(t, a, &none);
}

/*
 * TDH.MNG.RD: RCX = TDR, RDX = field ID. TDR fields are always readable;
 * TDCS fields need the TD keyed on every package and its TDCS pages added.
 */
uint64_t tdxemu_mng_rd(struct tdx_args *a, unsigned ver)
{
    struct md_table t = {td_fields, ARRAY_SIZE(td_fields)};
    struct md_ctx c = {{NULL, NULL, NULL}, TDX_TDCS_NOT_ALLOCATED};
    struct tdxemu_tdr *tdr;
    uint64_t st = tdxemu_tdr_get(a->rcx, TDX_OPERAND_ID_RCX, &tdr);

    if (st != TDX_SUCCESS)
        return st;
    c.base[MD_TDR] = tdr;
    if (tdr->lifecycle != TD_KEYS_CONFIGURED)
        c.missing = TDX_TD_KEYS_NOT_CONFIGURED;
    else if (tdr->num_tdcx >= TDXEMU_TDCS_PAGES)
        c.base[MD_TDCS] = tdxemu_tdcs(tdr);
    st = c.base[MD_TDCS] ? tdxemu_stress_busy(TDX_OPERAND_ID_OP_STATE) : TDX_SUCCESS;
    if (st != TDX_SUCCESS)
        return st; /* tdh_mng_rd_wr.c: the op-state lock, shared */
    return md_read(t, a, &c);
}
