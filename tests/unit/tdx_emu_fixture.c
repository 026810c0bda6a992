/* SPDX-License-Identifier: MIT */
/* The fake platform of the emulated TDX module's unit tests (see tdx_emu_fixture.h). */
#include "tests/unit/tdx_emu_fixture.h"
#include <string.h>
#include <sys/mman.h>

uint8_t *mem;
unsigned cur_lp;
struct tdx_args args;
struct tdxemu_platform plat;
bool fixture_retry;
void (*fixture_observe)(uint64_t fn, uint64_t status);
uint64_t next_page;

#define RETRIES 1000

static void fake_this_lp(void *ctx, unsigned *lp, unsigned *pkg)
{
    *lp = cur_lp;
    *pkg = cur_lp / 2;
}

static void *fake_p2v(void *ctx, uint64_t pa)
{
    return pa < MEM_SIZE ? mem + pa : NULL;
}

int fixture_group_setup(void **state)
{
    mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
               -1, 0);
    return mem == MAP_FAILED ? -1 : 0;
}

int fixture_group_teardown(void **state)
{
    munmap(mem, MEM_SIZE);
    return 0;
}

void fixture_load(void)
{
    fixture_retry = false;
    fixture_observe = NULL;
    next_page = POOL_PA;
    memset(&plat, 0, sizeof(plat));
    plat.nr_lps = NR_LPS;
    plat.nr_pkgs = 2;
    plat.this_lp = fake_this_lp;
    plat.phys_to_virt = fake_p2v;
    plat.nr_cmrs = 1;
    plat.cmrs[0].base = MiB(1);
    plat.cmrs[0].size = MEM_SIZE - MiB(1);
    plat.tdx_keyid_start = KEYID_START;
    plat.nr_tdx_keyids = NR_KEYIDS;
    plat.phys_bits = 46;
    tdxemu_init(&plat);
    cur_lp = 0;
}

void *va(uint64_t pa)
{
    return mem + pa;
}

/* Lost a race: a correct host repeats the same call. */
static bool transient(uint64_t st)
{
    uint64_t s = st & TDX_STATUS_MASK;

    return s == TDX_OPERAND_BUSY || s == TDX_SYS_BUSY || s == TDX_RND_NO_ENTROPY ||
           s == TDX_KEY_GENERATION_FAILED;
}

static uint64_t call_once(uint64_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8, uint64_t r9)
{
    uint64_t st;

    memset(&args, 0, sizeof(args));
    args.rcx = rcx;
    args.rdx = rdx;
    args.r8 = r8;
    args.r9 = r9;
    st = tdxemu_seamcall(fn, &args);
    if (fixture_observe)
        fixture_observe(fn, st);
    return st;
}

uint64_t call4(uint64_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8, uint64_t r9)
{
    uint64_t st = call_once(fn, rcx, rdx, r8, r9);

    for (int i = 0; fixture_retry && i < RETRIES; i++) {
        if (fn == TDH_PHYMEM_CACHE_WB && st == TDX_INTERRUPTED_RESUMABLE)
            rcx = 1; /* resume where it stopped */
        else if (!transient(st))
            break;
        st = call_once(fn, rcx, rdx, r8, r9);
    }
    return st;
}

uint64_t call(uint64_t fn, uint64_t rcx, uint64_t rdx)
{
    return call4(fn, rcx, rdx, 0, 0);
}

void on_each_package(uint64_t fn, uint64_t rcx)
{
    cur_lp = 0;
    assert_ok(call(fn, rcx, 0));
    cur_lp = 2;
    assert_ok(call(fn, rcx, 0));
    cur_lp = 0;
}

struct tdmr_info *tdmr_set(unsigned i, uint64_t base, uint64_t size, uint64_t pamt)
{
    struct tdmr_info *t = va(INFO_PA(i));

    memset(t, 0, sizeof(*t));
    t->base = base;
    t->size = size;
    t->pamt_4k_base = pamt;
    t->pamt_4k_size = size / PAGE_SIZE * 16;
    t->pamt_2m_base = pamt + t->pamt_4k_size;
    t->pamt_2m_size = ALIGN_UP(size / MiB(2) * 16, PAGE_SIZE);
    t->pamt_1g_base = t->pamt_2m_base + t->pamt_2m_size;
    t->pamt_1g_size = PAGE_SIZE;
    ((uint64_t *)va(ARRAY_PA))[i] = INFO_PA(i);
    return t;
}

struct tdmr_info *default_tdmr(void)
{
    struct tdmr_info *t = tdmr_set(0, TDMR_BASE, GiB(1), TDMR_BASE);

    t->rsvd[0].offset = 0;
    t->rsvd[0].size = RSVD_SIZE;
    return t;
}

void all_lp_init(void)
{
    for (unsigned lp = 0; lp < NR_LPS; lp++) {
        cur_lp = lp;
        assert_ok(call(TDH_SYS_LP_INIT, 0, 0));
    }
    cur_lp = 0;
}

uint64_t sys_config(unsigned n, uint64_t keyid)
{
    return call4(TDH_SYS_CONFIG, ARRAY_PA, n, keyid, 0);
}

void configured(void)
{
    assert_ok(call(TDH_SYS_INIT, 0, 0));
    all_lp_init();
    default_tdmr();
    assert_ok(sys_config(1, GLOBAL_KEYID));
}

void tdmr_init_all(void)
{
    const uint64_t end = TDMR_BASE + GiB(1);
    unsigned calls = 0;

    do {
        assert_ok(call(TDH_SYS_TDMR_INIT, TDMR_BASE, 0));
        assert_true(++calls <= GiB(1) / MiB(4)); /* 4 MiB per call: bounded */
    } while (args.rdx < end);
    assert_int_equal(args.rdx, end);
}

void bring_up(void)
{
    configured();
    on_each_package(TDH_SYS_KEY_CONFIG, 0);
    tdmr_init_all();
}

/* ------------------------------------------------------------ TD helpers */

uint64_t page_alloc(void)
{
    uint64_t pa = next_page;

    next_page += PAGE_SIZE;
    return pa;
}

struct td *td_alloc(struct td *td)
{
    uint64_t *p = &td->tdr;

    for (size_t i = 0; i < sizeof(*td) / sizeof(uint64_t); i++)
        p[i] = page_alloc();
    return td;
}

struct td_params *params(void)
{
    struct td_params *p = va(PARAMS_PA);

    memset(p, 0, sizeof(*p));
    p->attributes = TD_ATTR_SEPT_VE_DISABLE;
    p->xfam = 3;
    p->max_vcpus = 2;
    p->eptp_controls = EPTP_MEMTYPE_WB | 3 << 3; /* 4-level */
    p->config_flags = TD_CONFIG_FLAGS_NO_RBP_MOD;
    p->tsc_frequency = 100;     /* 2.5 GHz */
    p->cpuid_config[0].ecx = 1; /* SSE3: configurable */
    return p;
}

void td_create(struct td *td, uint16_t hkid)
{
    assert_ok(call(TDH_MNG_CREATE, td->tdr, hkid));
    on_each_package(TDH_MNG_KEY_CONFIG, td->tdr);
    for (unsigned i = 0; i < 6; i++)
        assert_ok(call(TDH_MNG_ADDCX, td->tdcx[i], td->tdr));
}

void td_init(struct td *td)
{
    td_create(td, HKID);
    params();
    assert_ok(call(TDH_MNG_INIT, td->tdr, PARAMS_PA));
}

void vcpu_add(struct td *td)
{
    assert_ok(call(TDH_VP_CREATE, td->tdvpr, td->tdr));
    for (unsigned i = 0; i < 5; i++)
        assert_ok(call(TDH_VP_ADDCX, td->vcx[i], td->tdvpr));
    assert_ok(call(TDH_VP_INIT, td->tdvpr, 0x1234));
}

void sept_add(struct td *td)
{
    for (unsigned l = 3; l >= 1; l--)
        assert_ok(call4(TDH_MEM_SEPT_ADD, 0 | l, td->tdr, td->sept[3 - l], 0));
}

void page_add(struct td *td, unsigned i, uint8_t fill)
{
    memset(va(SRC_PA), fill, PAGE_SIZE);
    assert_ok(call4(TDH_MEM_PAGE_ADD, i * PAGE_SIZE, td->tdr, td->page[i], SRC_PA));
}

void extend(struct td *td, uint64_t gpa)
{
    for (uint64_t off = 0; off < PAGE_SIZE; off += 256)
        assert_ok(call(TDH_MR_EXTEND, gpa + off, td->tdr));
}

void td_build(struct td *td)
{
    td_init(td_alloc(td));
    vcpu_add(td);
    sept_add(td);
    page_add(td, 0, 0xAB);
    extend(td, 0);
    page_add(td, 1, 0xCD);
    assert_ok(call(TDH_MR_FINALIZE, td->tdr, 0));
}

void td_release_hkid(struct td *td)
{
    assert_ok(call(TDH_VP_FLUSH, td->tdvpr, 0));
    assert_ok(call(TDH_MNG_VPFLUSHDONE, td->tdr, 0));
    on_each_package(TDH_PHYMEM_CACHE_WB, 0);
    assert_ok(call(TDH_MNG_KEY_FREEID, td->tdr, 0));
}

void reclaim(uint64_t pa, unsigned type, uint64_t owner)
{
    assert_ok(call(TDH_PHYMEM_PAGE_RECLAIM, pa, 0));
    assert_int_equal(args.rcx, type);
    assert_int_equal(args.rdx, owner);
}

void td_reclaim_all(struct td *td)
{
    for (unsigned i = 0; i < 2; i++)
        reclaim(td->page[i], TDX_PT_REG, td->tdr);
    for (unsigned i = 0; i < 3; i++)
        reclaim(td->sept[i], TDX_PT_EPT, td->tdr);
    for (unsigned i = 0; i < 5; i++)
        reclaim(td->vcx[i], TDX_PT_TDCX, td->tdr);
    reclaim(td->tdvpr, TDX_PT_TDVPR, td->tdr);
    for (unsigned i = 0; i < 6; i++)
        reclaim(td->tdcx[i], TDX_PT_TDCX, td->tdr);
    reclaim(td->tdr, TDX_PT_TDR, 0);
    assert_ok(call(TDH_PHYMEM_PAGE_WBINVD, td->tdr | (uint64_t)KEYID_START << 46, 0));
}

uint64_t mng_rd(struct td *td, uint64_t field)
{
    assert_ok(call(TDH_MNG_RD, td->tdr, field));
    return args.r8;
}
