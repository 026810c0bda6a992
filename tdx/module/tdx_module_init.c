/* SPDX-License-Identifier: MIT */
/* The TDX module initialization sequence (tdx-host-abi.md 4.2 and 8, fact 3). */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_init_steps.h"
#include "tdx/module/tdx_page.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/module/tdmr.h"
#include "kernel/bootinfo.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"

#define CALL_TIMEOUT_US 2000000
/* TDH.SYS.TDMR.INIT covers at least this much per call (4 MiB in module 1.5.01). */
#define TDMR_INIT_MIN_SLICE MiB(1)

static struct tdx_tdmr_set tdmrs;
static uint64_t info_pages, info_npages; /* TDMR_INFO entries + the PA array */

static uint64_t step(uint64_t fn, struct tdx_args *a)
{
    return tdx_call(fn, a);
}

static int sys_init(void)
{
    struct tdx_args a = {0};
    uint64_t s = step(TDH_SYS_INIT, &a);

    return s == TDX_SUCCESS ? 0 : tdx_step_failed("TDH.SYS.INIT", s);
}

static void lp_init_cpu(void *arg)
{
    struct tdx_args a = {0};
    uint64_t s = tdx_call(TDH_SYS_LP_INIT, &a);

    if (s != TDX_SUCCESS)
        __atomic_store_n((uint64_t *)arg, s, __ATOMIC_RELAXED);
}

/* Every CPU, SMT siblings included: SYS.CONFIG needs all of them (fact 1). */
static int lp_init_all(void)
{
    uint64_t bad = TDX_SUCCESS;

    if (smp_call_all(lp_init_cpu, &bad, CALL_TIMEOUT_US))
        return tdx_step_failed("TDH.SYS.LP.INIT (a CPU did not answer)", TDX_SUCCESS);
    return bad == TDX_SUCCESS ? 0 : tdx_step_failed("TDH.SYS.LP.INIT", bad);
}

static int rd(uint64_t field, uint64_t *v)
{
    uint64_t s;

    return tdx_md_read(field, v, &s) ? tdx_step_failed("TDH.SYS.RD", s) : 0;
}

static int read_versions(struct tdx_sysinfo *in)
{
    uint64_t v[5];

    if (rd(MD_MAJOR_VERSION, &v[0]) || rd(MD_MINOR_VERSION, &v[1]) ||
        rd(MD_UPDATE_VERSION, &v[2]) || rd(MD_TDX_FEATURES0, &v[3]) || rd(MD_NUM_PKGS, &v[4]))
        return -EIO;
    in->major = (uint16_t)v[0];
    in->minor = (uint16_t)v[1];
    in->update = (uint16_t)v[2];
    in->features0 = v[3];
    in->num_pkgs = (uint32_t)v[4];
    return 0;
}

/* MAX_VCPUS_PER_TD is newer than module 1.5.01: without it there is no limit (as in KVM). */
static int read_max_vcpus(struct tdx_sysinfo *in)
{
    uint64_t v, s;

    if (!tdx_md_read(MD_MAX_VCPUS_PER_TD, &v, &s)) {
        in->max_vcpus_per_td = (uint16_t)v;
        return 0;
    }
    if ((s & TDX_STATUS_MASK) != TDX_METADATA_FIELD_ID_INCORRECT)
        return tdx_step_failed("TDH.SYS.RD", s);
    in->max_vcpus_per_td = UINT16_MAX;
    return 0;
}

static int read_limits(struct tdx_sysinfo *in)
{
    static const uint64_t ids[] = {
        MD_MAX_TDMRS,          MD_MAX_RESERVED_PER_TDMR, MD_PAMT_4K_ENTRY_SIZE,
        MD_PAMT_2M_ENTRY_SIZE, MD_PAMT_1G_ENTRY_SIZE,    MD_TDR_BASE_SIZE,
        MD_TDCS_BASE_SIZE,     MD_TDVPS_BASE_SIZE,       MD_NUM_CPUID_CONFIG};
    uint64_t v[ARRAY_SIZE(ids)];

    for (unsigned i = 0; i < ARRAY_SIZE(ids); i++)
        if (rd(ids[i], &v[i]))
            return -EIO;
    in->max_tdmrs = (uint16_t)v[0];
    in->max_reserved_per_tdmr = (uint16_t)v[1];
    for (int i = 0; i < 3; i++)
        in->pamt_entry_size[i] = (uint16_t)v[2 + i];
    in->tdr_size = (uint16_t)v[5];
    in->tdcs_size = (uint16_t)v[6];
    in->tdvps_size = (uint16_t)v[7];
    in->num_cpuid_config = (uint16_t)v[8];
    return read_max_vcpus(in);
}

static int read_attrs_and_cmrs(struct tdx_sysinfo *in)
{
    uint64_t n;

    if (rd(MD_ATTRIBUTES_FIXED0, &in->attr_fixed0) || rd(MD_ATTRIBUTES_FIXED1, &in->attr_fixed1) ||
        rd(MD_XFAM_FIXED0, &in->xfam_fixed0) || rd(MD_XFAM_FIXED1, &in->xfam_fixed1) ||
        rd(MD_NUM_CMRS, &n))
        return -EIO;
    if (n == 0 || n > TDX_MAX_CMRS || in->num_cpuid_config > TDX_MAX_CPUID_CONFIG)
        return tdx_step_failed("TDH.SYS.RD (implausible CMR or CPUID-config count)", 0);
    in->num_cmrs = (unsigned)n;
    for (unsigned i = 0; i < in->num_cmrs; i++)
        if (rd(MD_CMR_BASE(i), &in->cmr_base[i]) || rd(MD_CMR_SIZE(i), &in->cmr_size[i]))
            return -EIO;
    for (unsigned i = 0; i < in->num_cpuid_config; i++)
        if (rd(MD_CPUID_CONFIG_LEAVES(i), &in->cpuid_leaves[i]))
            return -EIO;
    return 0;
}

static int read_sysinfo(struct tdx_sysinfo *in)
{
    if (read_versions(in) || read_limits(in) || read_attrs_and_cmrs(in))
        return -EIO;
    if (!(in->features0 & TDX_FEATURES0_NO_RBP_MOD))
        return tdx_step_failed("feature check (module lacks NO_RBP_MOD: upgrade it)", 0);
    return 0;
}

static uint64_t pamt_alloc(void *ctx, uint64_t bytes, uint64_t align)
{
    uint64_t pages = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;

    return page_alloc_aligned(pages, MAX(align / PAGE_SIZE, 1));
}

/* The module may have written PAMT lines under the global KeyID: whole-line clear first. */
static void pamt_free(void *ctx, uint64_t pa, uint64_t bytes)
{
    uint64_t pages = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;

    tdx_page_clear(pa, pages);
    page_free(pa, pages);
}

static unsigned ram_ranges(struct tdx_tdmr_range *r, unsigned max)
{
    const struct boot_info *bi = boot_info_get();
    unsigned n = 0;

    for (unsigned i = 0; i < bi->nmmap && n < max; i++)
        if (bi->mmap[i].type == MEM_USABLE)
            r[n++] = (struct tdx_tdmr_range){bi->mmap[i].base, bi->mmap[i].end};
    return n;
}

static int build_tdmrs(struct tdx_status *st)
{
    static struct tdx_tdmr_range ram[TDX_TDMR_RAM_MAX], cmr[TDX_MAX_CMRS];
    const struct tdx_sysinfo *in = &st->info;
    struct tdx_tdmr_limits lim = {in->max_tdmrs, in->max_reserved_per_tdmr, in->pamt_entry_size[0],
                                  in->pamt_entry_size[1], in->pamt_entry_size[2]};
    struct tdx_tdmr_alloc a = {pamt_alloc, pamt_free, NULL};
    unsigned nram = ram_ranges(ram, TDX_TDMR_RAM_MAX);

    for (unsigned i = 0; i < in->num_cmrs; i++)
        cmr[i] = (struct tdx_tdmr_range){in->cmr_base[i], in->cmr_base[i] + in->cmr_size[i]};
    if (tdx_tdmr_build(&tdmrs, ram, nram, cmr, in->num_cmrs, &lim, &a))
        return tdx_step_failed("building TDMRs and PAMTs", 0);
    st->ntdmrs = tdmrs.n;
    st->pamt_bytes = tdmrs.pamt_bytes;
    return 0;
}

/* TDMR_INFO entries, then the 512-aligned array of their addresses (fact 4). */
static int write_tdmr_infos(unsigned max_rsvd, uint64_t *array_pa)
{
    size_t esz = tdx_tdmr_info_size(max_rsvd);
    uint64_t bytes = esz * tdmrs.n + 8 * TDX_TDMR_MAX, *pas;
    uint8_t *base;

    info_npages = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
    info_pages = page_alloc(info_npages);
    if (!info_pages)
        return -ENOMEM;
    base = phys_to_virt(info_pages);
    pas = (uint64_t *)(base + ALIGN_UP(esz * tdmrs.n, 512));
    for (unsigned i = 0; i < tdmrs.n; i++) {
        if (tdx_tdmr_write_info(&tdmrs.t[i], max_rsvd, base + i * esz) < 0)
            return -EINVAL;
        pas[i] = info_pages + i * esz;
    }
    *array_pa = virt_to_phys(pas);
    return 0;
}

static int sys_config(struct tdx_status *st)
{
    struct tdx_args a = {0};
    uint64_t s;

    if (write_tdmr_infos(st->info.max_reserved_per_tdmr, &a.rcx))
        return tdx_step_failed("writing TDMR_INFO", 0);
    a.rdx = tdmrs.n;
    a.r8 = st->global_keyid;
    s = step(TDH_SYS_CONFIG, &a);
    return s == TDX_SUCCESS ? 0 : tdx_step_failed("TDH.SYS.CONFIG", s);
}

static void wbinvd_cpu(void *arg)
{
    wbinvd();
}

static void key_config_cpu(void *arg)
{
    struct tdx_args a = {0};
    uint64_t s = tdx_call(TDH_SYS_KEY_CONFIG, &a);

    *(uint64_t *)arg = s == TDX_KEY_CONFIGURED ? TDX_SUCCESS : s;
}

/* One package at a time, on one CPU of it, after every cache is flushed (fact 3). */
static int key_config_all(void)
{
    uint64_t s = TDX_SUCCESS;
    unsigned cpu;

    if (smp_call_all(wbinvd_cpu, NULL, CALL_TIMEOUT_US))
        return tdx_step_failed("WBINVD on every CPU", 0);
    if (tdx_each_package(key_config_cpu, &s, &cpu))
        return tdx_step_failed("TDH.SYS.KEY.CONFIG", s);
    return 0;
}

/*
 * The module initializes a slice of the TDMR's PAMT per call (1024 entries,
 * 4 MiB, in 1.5.01) and returns in RDX the next address rounded down to
 * 1 GiB, so RDX stays put for many calls: call until it reaches the end
 * (Linux init_tdmr), within a bound made from the smallest slice.
 */
static int tdmr_init_one(const struct tdx_tdmr *t)
{
    uint64_t end = t->base + t->size, calls = 0;
    uint64_t max_calls = t->size / TDMR_INIT_MIN_SLICE + 1;

    for (;;) {
        struct tdx_args a = {0};
        uint64_t s;
        a.rcx = t->base;
        s = step(TDH_SYS_TDMR_INIT, &a);
        if (s == TDX_TDMR_ALREADY_INITIALIZED)
            return 0;
        if (s != TDX_SUCCESS)
            return tdx_step_failed("TDH.SYS.TDMR.INIT", s);
        if (a.rdx >= end)
            return 0;
        if (++calls == max_calls)
            return tdx_step_failed("TDH.SYS.TDMR.INIT (TDMR not done after the bound of calls)", 0);
    }
}

static int tdmr_init_all(void)
{
    for (unsigned i = 0; i < tdmrs.n; i++)
        if (tdmr_init_one(&tdmrs.t[i]))
            return -EIO;
    return 0;
}

/* PAMTs may hold lines under the global KeyID: flush every cache before reuse (4.2). */
static void rollback(bool configured)
{
    if (configured)
        smp_call_all(wbinvd_cpu, NULL, CALL_TIMEOUT_US);
    tdx_tdmr_free_pamts(&tdmrs);
    if (info_pages)
        page_free(info_pages, info_npages);
    info_pages = 0;
}

int tdx_init_module(struct tdx_status *st)
{
    bool configured = false;

    if (sys_init() || lp_init_all() || read_sysinfo(&st->info))
        return -EIO;
    if (build_tdmrs(st))
        return -EIO;
    if (sys_config(st))
        goto fail;
    configured = true;
    if (key_config_all() || tdmr_init_all())
        goto fail;
    return 0;
fail:
    rollback(configured);
    return -EIO;
}
