/* SPDX-License-Identifier: MIT */
/* Building a TD (tdx-host-abi.md 5.2-5.5, and fact 6 on build phases). */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_page.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/td/tdx_td.h"
#include "vmm/vm.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "lib/string.h"

#define TD_CONFIG_NO_RBP_MOD (1ULL << 2)
#define EPTP_WB_4LEVEL (6ULL | (3ULL << 3))
#define TSC_2500MHZ 100 /* in 25 MHz units */
#define MR_EXTEND_CHUNK 256
#define SEPT_PT_LEVEL 1

struct td_params { /* TDX module ABI, 1024 bytes, 1024-aligned */
    uint64_t attributes, xfam;
    uint16_t max_vcpus;
    uint8_t num_l2_vms, msr_config_ctls;
    uint32_t reserved0;
    uint64_t eptp_controls, config_flags;
    uint16_t tsc_frequency;
    uint8_t reserved1[38];
    uint64_t mrconfigid[6], mrowner[6], mrownerconfig[6];
    uint64_t ia32_arch_capabilities_config;
    uint8_t reserved2[24];
    uint32_t cpuid_config[48][4];
};
_Static_assert(sizeof(struct td_params) == 1024, "TD_PARAMS is 1 KiB");

static int fail(const char *what, uint64_t s)
{
    pr_warn("tdx: %s failed: %s (0x%016lx)", what, tdx_status_name(s), s);
    return -EIO;
}

static uint64_t call2(uint64_t fn, uint64_t rcx, uint64_t rdx)
{
    struct tdx_args a = {0};

    a.rcx = rcx;
    a.rdx = rdx;
    return tdx_call(fn, &a);
}

static void key_config_here(void *arg)
{
    uint64_t s = call2(TDH_MNG_KEY_CONFIG, *(uint64_t *)arg, 0);

    if (s == TDX_KEY_CONFIGURED)
        s = TDX_SUCCESS;
    *(uint64_t *)arg = s;
}

/* MNG.KEY.CONFIG once per package, on a CPU of that package. */
static int key_config_packages(struct td *td)
{
    uint64_t io = td->tdr;
    unsigned cpu;
    int err = tdx_each_package(key_config_here, &io, &cpu);

    if (err == -ETIMEDOUT)
        pr_warn("tdx: TDH.MNG.KEY.CONFIG for CPU %u: a CPU did not answer the cross-CPU call", cpu);
    return err == -EIO ? fail("TDH.MNG.KEY.CONFIG", io) : err;
}

static int add_tdcs(struct td *td)
{
    unsigned n = tdx_sysinfo()->tdcs_size / PAGE_SIZE;

    if (n > TD_MAX_TDCS)
        return -E2BIG;
    for (unsigned i = 0; i < n; i++) {
        uint64_t s, pa = tdx_page_alloc();
        if (!pa)
            return -ENOMEM;
        s = call2(TDH_MNG_ADDCX, pa, td->tdr);
        if (s != TDX_SUCCESS) {
            page_free(pa, 1);
            return fail("TDH.MNG.ADDCX", s);
        }
        td->tdcs[td->ntdcs++] = pa;
    }
    return 0;
}

static int mng_init(struct td *td, unsigned max_vcpus)
{
    const struct tdx_sysinfo *in = tdx_sysinfo();
    uint64_t pa = page_alloc(1), s;
    struct td_params *p;

    if (!pa)
        return -ENOMEM;
    p = phys_to_virt(pa);
    /*
     * The must-be-1 attribute and XFAM bits, and SEPT_VE_DISABLE where the
     * module allows it: every private page is added before the TD runs, so
     * an EPT violation on private memory is a TD bug the VMM should see, not
     * a #VE; and Linux TD guests refuse to boot without it (docs/tdx.md).
     */
    p->attributes = in->attr_fixed1 | (in->attr_fixed0 & TD_ATTR_SEPT_VE_DISABLE);
    p->xfam = in->xfam_fixed1;
    p->max_vcpus = (uint16_t)max_vcpus;
    p->eptp_controls = EPTP_WB_4LEVEL;
    p->config_flags = TD_CONFIG_NO_RBP_MOD;
    p->tsc_frequency = TSC_2500MHZ;
    s = call2(TDH_MNG_INIT, td->tdr, pa);
    page_free(pa, 1);
    return s == TDX_SUCCESS ? 0 : fail("TDH.MNG.INIT", s);
}

int td_create(struct td *td, unsigned max_vcpus)
{
    uint64_t s;

    td->hkid = tdx_hkid_alloc();
    if (!td->hkid) {
        pr_warn("tdx: no free TD KeyID");
        return -ENOSPC;
    }
    td->tdr = tdx_page_alloc();
    if (!td->tdr)
        return -ENOMEM;
    s = call2(TDH_MNG_CREATE, td->tdr, td->hkid);
    if (s != TDX_SUCCESS) {
        page_free(td->tdr, 1);
        td->tdr = 0;
        return fail("TDH.MNG.CREATE", s);
    }
    if (key_config_packages(td) || add_tdcs(td) || mng_init(td, max_vcpus))
        return -EIO;
    return 0;
}

int td_vcpu_create(struct td *td, struct td_vcpu *tv, uint64_t initial_rcx)
{
    unsigned n = tdx_sysinfo()->tdvps_size / PAGE_SIZE - 1;
    uint64_t s;

    if (td->nvcpus == ARRAY_SIZE(td->vcpus) || n > TD_MAX_TDCX)
        return -E2BIG;
    tv->tdvpr = tdx_page_alloc();
    if (!tv->tdvpr)
        return -ENOMEM;
    td->vcpus[td->nvcpus++] = tv; /* teardown reclaims what got added */
    s = call2(TDH_VP_CREATE, tv->tdvpr, td->tdr);
    if (s != TDX_SUCCESS) {
        page_free(tv->tdvpr, 1);
        tv->tdvpr = 0;
        return fail("TDH.VP.CREATE", s);
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t pa = tdx_page_alloc();
        if (!pa)
            return -ENOMEM;
        s = call2(TDH_VP_ADDCX, pa, tv->tdvpr);
        if (s != TDX_SUCCESS) {
            page_free(pa, 1);
            return fail("TDH.VP.ADDCX", s);
        }
        tv->tdcx[tv->ntdcx++] = pa;
    }
    tv->assoc_cpu = this_cpu_id();
    s = call2(TDH_VP_INIT, tv->tdvpr, initial_rcx);
    tv->inited = s == TDX_SUCCESS;
    return tv->inited ? 0 : fail("TDH.VP.INIT", s);
}

static int sept_add(struct td *td, uint64_t gpa, int level)
{
    struct tdx_args a = {0};
    uint64_t s, pa;

    if (td->nsept == TD_MAX_SEPT || !(pa = tdx_page_alloc()))
        return -ENOMEM;
    a.rcx = ALIGN_DOWN(gpa, PAGE_SIZE << (9 * level)) | (uint64_t)level;
    a.rdx = td->tdr;
    a.r8 = pa;
    s = tdx_call(TDH_MEM_SEPT_ADD, &a);
    if (s != TDX_SUCCESS) {
        page_free(pa, 1);
        return fail("TDH.MEM.SEPT.ADD", s);
    }
    td->sept[td->nsept++] = pa;
    return 0;
}

/* S-EPT tables down to the 4K level for gpa (levels 3, 2, 1 of a 4-level tree). */
static int sept_cover(struct td *td, uint64_t gpa)
{
    bool need[4] = {false, gpa % MiB(2) == 0, gpa == 0, gpa == 0};

    for (int level = 3; level >= SEPT_PT_LEVEL; level--)
        if (need[level] && sept_add(td, gpa, level))
            return -EIO;
    return 0;
}

static bool page_has_data(const uint64_t *p)
{
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        if (p[i])
            return true;
    return false;
}

static int measure(struct td *td, uint64_t gpa)
{
    for (uint64_t off = 0; off < PAGE_SIZE; off += MR_EXTEND_CHUNK) {
        uint64_t s = call2(TDH_MR_EXTEND, gpa + off, td->tdr);
        if (s != TDX_SUCCESS)
            return fail("TDH.MR.EXTEND", s);
    }
    return 0;
}

/* PAGE.ADD of src at gpa (and MR.EXTEND if it holds data); *out = the new private page. */
static int add_page(struct td *td, const uint64_t *src, uint64_t gpa, uint64_t *out)
{
    struct tdx_args a = {0};
    uint64_t s, pa = tdx_page_alloc();

    if (!src || !pa) {
        if (pa)
            page_free(pa, 1);
        return -ENOMEM;
    }
    a.rcx = gpa;
    a.rdx = td->tdr;
    a.r8 = pa;
    a.r9 = virt_to_phys(src);
    s = tdx_call(TDH_MEM_PAGE_ADD, &a);
    if (s != TDX_SUCCESS) {
        page_free(pa, 1);
        return fail("TDH.MEM.PAGE.ADD", s);
    }
    *out = pa;
    return page_has_data(src) ? measure(td, gpa) : 0;
}

/* The reset vector page under 4 GiB: its PD and PT, then the page, measured. */
static int add_reset_page(struct td *td, const struct vcpu_start *start)
{
    uint64_t src = td_reset_page_build(start);
    int err;

    if (!src)
        return -ENOMEM;
    err = sept_add(td, TD_RESET_GPA, 2) ?: sept_add(td, TD_RESET_GPA, SEPT_PT_LEVEL);
    err = err ?: add_page(td, phys_to_virt(src), TD_RESET_GPA, &td->reset_page);
    page_free(src, 1);
    return err;
}

int td_add_memory_and_finalize(struct td *td, struct vm *vm, const struct vcpu_start *start)
{
    uint64_t s;

    td->npages = vm->mem_size / PAGE_SIZE;
    td->private_list_pages = ALIGN_UP(td->npages * 8, PAGE_SIZE) / PAGE_SIZE;
    s = page_alloc(td->private_list_pages);
    if (!s)
        return -ENOMEM;
    td->private = phys_to_virt(s);
    for (uint64_t gpa = 0; gpa < vm->mem_size; gpa += PAGE_SIZE)
        if (sept_cover(td, gpa) ||
            add_page(td, vm_gpa_to_hva(vm, gpa, PAGE_SIZE), gpa, &td->private[gpa / PAGE_SIZE]))
            return -EIO;
    if (add_reset_page(td, start))
        return -EIO;
    s = call2(TDH_MR_FINALIZE, td->tdr, 0);
    if (s != TDX_SUCCESS)
        return fail("TDH.MR.FINALIZE", s);
    td->finalized = true;
    return 0;
}
