/* SPDX-License-Identifier: MIT */
/*
 * tdx=emulate: describes this machine to the emulated TDX module (tdx/emu/)
 * and points the SEAMCALL primitive at it. Everything above tdx_seamcall is
 * the same code as on hardware.
 */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/emu/tdx_emu.h"
#include "tdx/emu/vmx/tdx_emu_glue.h"
#include "tdx/emu/vmx/tdx_emu_vmx.h"
#include "kernel/bootinfo.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/memmap.h"
#include "kernel/percpu.h"
#include "kernel/log.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "lib/string.h"

/* A plausible KeyID split: 31 MKTME KeyIDs, then 32 TDX KeyIDs (global + 31 TDs). */
#define TDXEMU_FIRST_TDX_KEYID 32
#define TDXEMU_TDX_KEYIDS 32

static struct tdxemu_platform plat;
static unsigned stress_permille;
static uint64_t stress_seed;

void tdxemu_set_stress(unsigned permille, uint64_t seed)
{
    stress_permille = permille;
    stress_seed = seed;
}
static spinlock_t emu_lock = SPINLOCK_INIT;
static uint64_t emu_flags;

static void emu_this_lp(void *ctx, unsigned *lp, unsigned *pkg)
{
    *lp = this_cpu_id();
    *pkg = tdx_package_of(this_cpu()->apic_id);
}

/* One SEAMCALL at a time, as the emulator's header asks. */
static void emu_lock_fn(void *ctx)
{
    uint64_t f = spin_lock_irqsave(&emu_lock);

    emu_flags = f;
}

static void emu_unlock_fn(void *ctx)
{
    spin_unlock_irqrestore(&emu_lock, emu_flags);
}

/* CMRs: the firmware's usable RAM above 1 MiB, as MCHECK would report it. */
static void set_cmrs(void)
{
    const struct boot_info *bi = boot_info_get();
    static struct mem_range out[TDXEMU_MAX_CMRS];
    struct mem_range low = {0, MiB(1), MEM_RESERVED};
    int n = memmap_usable(bi->mmap, bi->nmmap, &low, 1, out, TDXEMU_MAX_CMRS);

    for (int i = 0; i < n; i++)
        plat.cmrs[i] = (struct tdxemu_cmr){out[i].base, out[i].end - out[i].base};
    plat.nr_cmrs = n > 0 ? (unsigned)n : 0;
}

static unsigned count_packages(void)
{
    unsigned max = 0;

    for (unsigned c = 0; c < cpu_count; c++)
        if (cpu_table[c]->state == CPU_ONLINE)
            max = MAX(max, tdx_package_of(cpu_table[c]->apic_id));
    return max + 1;
}

int tdxemu_attach(struct tdx_status *st)
{
    memset(&plat, 0, sizeof(plat));
    plat.nr_lps = smp_enabled_count(); /* what MCHECK counts: every CPU the MADT enables */
    plat.nr_pkgs = count_packages();
    plat.this_lp = emu_this_lp;
    plat.lock = emu_lock_fn;
    plat.unlock = emu_unlock_fn;
    plat.tdx_keyid_start = TDXEMU_FIRST_TDX_KEYID;
    plat.nr_tdx_keyids = TDXEMU_TDX_KEYIDS;
    plat.stress_permille = stress_permille;
    plat.stress_seed = stress_seed;
    set_cmrs();
    tdxemu_vmx_attach(&plat);
    if (tdxemu_mem_attach(&plat)) {
        st->state = TDX_FAILED;
        kstrlcpy(st->reason, "tdx=emulate: no memory for the module's page tables",
                 sizeof(st->reason));
        pr_info("tdx: unavailable: %s", st->reason);
        return -ENOMEM;
    }
    tdxemu_init(&plat);
    st->first_keyid = TDXEMU_FIRST_TDX_KEYID;
    st->nkeyids = TDXEMU_TDX_KEYIDS;
    st->keyid_shift = 46; /* the emulator's default phys_bits */
    return 0;
}
