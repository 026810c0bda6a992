/* The fake platform of the emulated TDX module's unit tests (see tdx_emu_fixture.h). */
#include "tests/unit/tdx_emu_fixture.h"
#include <string.h>
#include <sys/mman.h>

uint8_t *mem;
unsigned cur_lp;
struct tdx_args args;
struct tdx_emu_platform plat;

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
    tdx_emu_init(&plat);
    cur_lp = 0;
}

void *va(uint64_t pa)
{
    return mem + pa;
}

uint64_t call4(uint64_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8, uint64_t r9)
{
    memset(&args, 0, sizeof(args));
    args.rcx = rcx;
    args.rdx = rdx;
    args.r8 = r8;
    args.r9 = r9;
    return tdx_emu_seamcall(fn, &args);
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
    uint64_t next = 0;

    while (next < TDMR_BASE + GiB(1)) {
        assert_ok(call(TDH_SYS_TDMR_INIT, TDMR_BASE, 0));
        next = args.rdx;
    }
}

void bring_up(void)
{
    configured();
    on_each_package(TDH_SYS_KEY_CONFIG, 0);
    tdmr_init_all();
}
