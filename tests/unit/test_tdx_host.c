/* SPDX-License-Identifier: MIT */
/* unit-srcs: tdx/module/tdx_module_init.c tdx/module/tdx_init.c tdx/module/tdx_sys.c tdx/module/tdx_fault.c tdx/module/tdx_status.c tdx/module/tdx_leaf_names.c tdx/module/tdmr.c tdx/module/tdx_page.c tdx/td/tdx_td.c tdx/td/tdx_teardown.c tdx/td/tdx_run.c tdx/emu/tdx_emu.c tdx/emu/emu_sys.c tdx/emu/emu_tdmr.c tdx/emu/emu_pamt.c tdx/emu/emu_md.c tdx/emu/emu_td.c tdx/emu/emu_tdparams.c tdx/emu/emu_vp.c tdx/emu/emu_mem.c tdx/emu/emu_run.c tdx/emu/emu_tdcall.c tdx/emu/emu_stress.c lib/string.c lib/printf.c lib/cmdline.c lib/shell_parse.c tests/unit/tdx_host_stubs.c tests/unit/tdx_host_seam.c */
/*
 * The hypervisor's host-side TDX code, the code a TDX server runs
 * (tdx_setup and its VMX post-enable hook, module initialization, TD
 * build, run loop and teardown), against the emulated TDX module on the
 * fake machine of tdx_host_stubs.h: TDMR.INIT pacing, the CPU-count check,
 * TD exits, optional metadata, page hygiene, the global lock and busy
 * back-off, and a stress run.
 */
#include "tests/unit/tdx_host_stubs.h"
#include "tests/unit/host_stubs.h"
#include <string.h>

#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/td/tdx_td.h"
#include "vmm/vm.h"

#define EXIT_INIT 3
#define EXIT_EXTINT 1
#define EXIT_OTHER_SMI 6
#define EXIT_C_STATE_SMI 42
#define EXIT_BUS_LOCK 74
#define EXIT_NOTIFICATION 75
#define SMI_MSMI 1ULL /* exit qualification bit 0 of OTHER_SMI */
#define INTR_VALID_F1 0x800000F1ULL
#define TD_MEM KiB(64)
#define TD_KEYIDS (HOST_NR_KEYIDS - 1) /* all but the global one */
#define STRESS_CYCLES 100

static struct td td, tds[TD_KEYIDS];
static struct td_vcpu tv;
static struct vm vm;
static bool td_live;

static int setup(void **state)
{
    host_reset(HOST_NR_LPS, HOST_NR_LPS);
    return 0;
}

/* tdx_setup and the VMX post-enable hook, as boot runs them. */
static const struct tdx_status *boot_tdx(const char *cmdline)
{
    tdx_setup(cmdline);
    assert_non_null(hk.vmx_hook);
    hk.vmx_hook();
    return tdx_get_status();
}

static void boot_ready(void)
{
    const struct tdx_status *st = boot_tdx("tdx=on");

    if (st->state != TDX_READY)
        fail_msg("TDX not ready: %s", st->reason);
}

/* A 64 KiB TD with one vCPU, finalized; its first page holds data (measured). */
static void td_build(void)
{
    struct vcpu_start start = {.rip = 0x1000};

    memset(&td, 0, sizeof(td));
    memset(&tv, 0, sizeof(tv));
    memset(&vm, 0, sizeof(vm));
    vm.mem_size = TD_MEM;
    hk.vm_mem_pa = page_alloc(TD_MEM / PAGE_SIZE);
    assert_true(hk.vm_mem_pa);
    memset(phys_to_virt(hk.vm_mem_pa), 0x90, PAGE_SIZE);
    td_live = true;
    assert_int_equal(td_create(&td, 1), 0);
    assert_int_equal(td_vcpu_create(&td, &tv, 0), 0);
    assert_int_equal(td_add_memory_and_finalize(&td, &vm, &start), 0);
}

static void td_destroy(void)
{
    if (!td_live)
        return;
    td_live = false;
    td_vcpu_teardown_prepare(&td, &tv);
    td_teardown(&td);
    page_free(hk.vm_mem_pa, TD_MEM / PAGE_SIZE);
}

static int teardown(void **state)
{
    td_destroy();
    return 0;
}

/* vCPU 0 of a VM whose TDH.VP.ENTER is scripted (host_script_exit). */
static struct vcpu *scripted_vcpu(void)
{
    memset(&vm, 0, sizeof(vm));
    memset(&tv, 0, sizeof(tv));
    vm.nvcpus = 1;
    vm.vcpus[0].vm = &vm;
    vm.vcpus[0].arch = &tv;
    tv.tdvpr = MiB(64);
    tv.assoc_cpu = this_cpu_id();
    return &vm.vcpus[0];
}

/* ------------------------------------------------ 1. TDMR.INIT */

/* Module 1.5: 4 MiB per call, RDX rounded down to 1 GiB, so it stalls 255 calls of 256. */
static void test_tdmr_init_paced_like_the_module(void **state)
{
    boot_ready();
    assert_true(hs.tdmr_bytes >= GiB(1));
    assert_int_equal(hs.tdmr_init_calls, hs.tdmr_bytes / MiB(4)); /* 256 per GiB */
    assert_int_equal(hs.tdmr_init_stalls, hs.tdmr_init_calls - hs.tdmr_bytes / GiB(1));
}

/* An answer whose RDX never reaches the end: a bounded number of calls, then a failure. */
static void test_tdmr_init_bounded(void **state)
{
    const struct tdx_status *st;

    host_override(TDH_SYS_TDMR_INIT, false, 0, TDX_SUCCESS, UINT32_MAX); /* RDX stays 0 */
    st = boot_tdx("tdx=on");
    assert_int_equal(st->state, TDX_FAILED);
    if (!strstr(st->reason, "TDH.SYS.TDMR.INIT (TDMR not done after the bound of calls)"))
        fail_msg("after %lu calls: %s", hs.leaf_calls[TDH_SYS_TDMR_INIT], st->reason);
    assert_in_range(hs.leaf_calls[TDH_SYS_TDMR_INIT], hs.tdmr_bytes / MiB(4),
                    hs.tdmr_bytes / MiB(1) + 1);
}

/* ------------------------------------------------ 2. CPUs */

static void test_cpus_missing_refused_before_any_seamcall(void **state)
{
    const struct tdx_status *st;

    host_reset(3, 4);
    st = boot_tdx("tdx=on");
    assert_int_equal(st->state, TDX_FAILED);
    assert_string_equal(st->reason, "3 of 4 CPUs online");
    assert_true(host_log_contains("tdx: unavailable: 3 of 4 CPUs online"));
    assert_int_equal(hs.calls, 0);
    /* All four online: each ran LP.INIT once, all before SYS.CONFIG. */
    host_reset(4, 4);
    boot_ready();
    assert_int_equal(hs.lp_init_mask_at_config, 0xF);
    for (unsigned lp = 0; lp < HOST_NR_LPS; lp++)
        assert_int_equal(hs.lp_init_calls[lp], 1);
}

/* ------------------------------------------------ 3, 4. TD exits */

static void test_td_exit_interrupt_dispatched(void **state)
{
    host_script_exit(EXIT_EXTINT, 0, INTR_VALID_F1);
    assert_int_equal(td_vcpu_run(scripted_vcpu()), 0);
    if (hk.exit_intrs != 1)
        fail_msg("the interrupt the exit acknowledged (R9 %#llx) was dispatched %u times",
                 INTR_VALID_F1, hk.exit_intrs);
    assert_int_equal(hk.exit_intr_info, INTR_VALID_F1);
    assert_false(hk.exit_intr_irqs_on);
    assert_int_equal(hs.leaf_calls[TDH_VP_ENTER], 2); /* re-entered after it */
    assert_non_null(strstr(hk.vm_stop_reason, "triple fault"));
    assert_true(hk.irqs_on);
}

/* SMIs, bus lock, notification, INIT: TDX_SUCCESS exits that need nothing from the VMM. */
static void test_td_async_exits_resume(void **state)
{
    static const uint32_t reasons[] = {EXIT_OTHER_SMI, EXIT_C_STATE_SMI, EXIT_BUS_LOCK,
                                       EXIT_NOTIFICATION, EXIT_INIT};

    for (unsigned i = 0; i < ARRAY_SIZE(reasons); i++)
        host_script_exit(reasons[i], 0, 0);
    assert_int_equal(td_vcpu_run(scripted_vcpu()), 0);
    assert_int_equal(hk.vm_stops, 1);
    if (!strstr(hk.vm_stop_reason, "triple fault"))
        fail_msg("stopped after %lu entries: %s", hs.leaf_calls[TDH_VP_ENTER], hk.vm_stop_reason);
    assert_int_equal(hs.leaf_calls[TDH_VP_ENTER], ARRAY_SIZE(reasons) + 1);
}

static void test_td_machine_check_smi_stops(void **state)
{
    host_script_exit(EXIT_OTHER_SMI, SMI_MSMI, 0);
    assert_int_equal(td_vcpu_run(scripted_vcpu()), 0);
    assert_int_equal(hs.leaf_calls[TDH_VP_ENTER], 1);
    assert_int_equal(hk.vm_stops, 1);
    assert_string_equal(hk.vm_stop_reason,
                        "machine-check SMI in a TD (exit qualification 0x1, GPA 0)");
}

/* ------------------------------------------------ 5. MAX_VCPUS_PER_TD */

static void test_max_vcpus_per_td_optional(void **state)
{
    const struct tdx_status *st;

    host_override(TDH_SYS_RD, true, MD_MAX_VCPUS_PER_TD, TDX_METADATA_FIELD_ID_INCORRECT,
                  UINT32_MAX);
    boot_ready();
    assert_int_equal(tdx_sysinfo()->max_vcpus_per_td, 0xFFFF);
    /* Any other error on it is still fatal. */
    host_reset(HOST_NR_LPS, HOST_NR_LPS);
    host_override(TDH_SYS_RD, true, MD_MAX_VCPUS_PER_TD, TDX_OPERAND_INVALID, UINT32_MAX);
    st = boot_tdx("tdx=on");
    assert_int_equal(st->state, TDX_FAILED);
    assert_non_null(strstr(st->reason, "TDH.SYS.RD: TDX_OPERAND_INVALID"));
}

/* ------------------------------------------------ 6. page hygiene */

static void assert_page_hygiene(void)
{
    if (hp.not_flushed || hp.not_cleared || hp.freed_owned)
        fail_msg("%lu of %lu pages handed to the module unflushed; %lu of %lu it had freed "
                 "without a clear after it gave them back, %lu while it still held them",
                 hp.not_flushed, hp.handed, hp.not_cleared, hp.returned, hp.freed_owned);
}

static void test_td_pages_flushed_before_cleared_after(void **state)
{
    static const uint64_t leaves[] = {TDH_MNG_CREATE, TDH_MNG_ADDCX,    TDH_VP_CREATE,
                                      TDH_VP_ADDCX,   TDH_MEM_SEPT_ADD, TDH_MEM_PAGE_ADD};
    uint64_t free0;

    hs.tdmr = TDMR_ONE_CALL; /* pacing is test_tdmr_init_paced_like_the_module's */
    boot_ready();
    free0 = host_free_pages();
    td_build();
    td_destroy();
    for (unsigned i = 0; i < ARRAY_SIZE(leaves); i++)
        assert_true(hs.handed[leaves[i]] > 0);
    assert_false(td.leaked);
    assert_page_hygiene();
    assert_int_equal(hp.returned, hp.handed); /* every page came back, TDR included */
    assert_int_equal(host_free_pages(), free0);
}

static void test_pamt_cleared_on_rollback(void **state)
{
    uint64_t free0 = host_free_pages();
    const struct tdx_status *st =
        boot_tdx("tdx=on tdx.fail=TDH.SYS.KEY.CONFIG:TDX_KEY_GENERATION_FAILED");

    assert_int_equal(st->state, TDX_FAILED);
    assert_non_null(strstr(st->reason, "TDH.SYS.KEY.CONFIG"));
    assert_true(hp.pamt_given > 0);
    assert_page_hygiene();
    assert_int_equal(hp.returned, hp.pamt_given);
    assert_int_equal(host_free_pages(), free0);
    assert_int_equal(st->free_after_rollback, st->free_before_init);
}

/* ------------------------------------------------ 7. locks and busy statuses */

static void assert_global_lock(void)
{
    static const uint64_t global[] = {TDH_MNG_CREATE, TDH_PHYMEM_CACHE_WB, TDH_MNG_VPFLUSHDONE,
                                      TDH_MNG_KEY_FREEID};
    const void *lock = hs.lock_seen[TDH_MNG_CREATE];

    if (!lock)
        fail_msg("TDH.MNG.CREATE ran without a lock held");
    for (unsigned i = 0; i < ARRAY_SIZE(global); i++) {
        assert_true(hs.leaf_calls[global[i]] > 0);
        assert_int_equal(hs.under_lock[global[i]], hs.leaf_calls[global[i]]);
        assert_ptr_equal(hs.lock_seen[global[i]], lock);
        assert_int_equal(hs.irqs_on[global[i]], 0);
    }
    assert_int_equal(hs.under_lock[TDH_MNG_ADDCX], 0);
    assert_int_equal(hs.under_lock[TDH_MNG_KEY_CONFIG], 0);
    assert_int_equal(hs.under_lock[TDH_PHYMEM_PAGE_RECLAIM], 0);
}

static void test_global_leaves_under_one_lock_cache_wb_resumed(void **state)
{
    hs.tdmr = TDMR_ONE_CALL;
    boot_ready();
    hs.wb_interrupts = 2; /* the first CACHE.WB on each package */
    td_build();
    td_destroy();
    assert_false(td.leaked);
    assert_global_lock();
    assert_int_equal(hs.wb_resumed, 2);
    assert_int_equal(hs.wb_bad_resume, 0);
}

/* Three busy answers, then the call goes through; the waits between them grow. */
static void retried_with_backoff(uint64_t busy)
{
    uint64_t v = 0, s;

    hs.ntrace = 0;
    hs.trace_leaf = TDH_SYS_RD;
    host_override(TDH_SYS_RD, true, MD_NUM_PKGS, busy, 3);
    if (tdx_md_read(MD_NUM_PKGS, &v, &s))
        fail_msg("%s (%#lx) not retried: %s", tdx_status_name(busy), busy, tdx_status_name(s));
    assert_int_equal(v, 2);
    assert_int_equal(hs.ntrace, 4);
    for (unsigned i = 1; i < 4; i++) {
        uint64_t gap = hs.relax_at_call[i] - hs.relax_at_call[i - 1];
        uint64_t prev = i > 1 ? hs.relax_at_call[i - 1] - hs.relax_at_call[i - 2] : 0;
        if (gap <= prev)
            fail_msg("%s: back-off before retry %u is %lu PAUSEs (previous %lu)",
                     tdx_status_name(busy), i, gap, prev);
    }
}

static void test_busy_retried_with_backoff(void **state)
{
    static const uint64_t busy[] = {TDX_OPERAND_BUSY | 0x91, TDX_OPERAND_BUSY_HOST_PRIORITY,
                                    TDX_SYS_BUSY, TDX_RND_NO_ENTROPY, TDX_KEY_GENERATION_FAILED};
    uint64_t v, s;

    hs.tdmr = TDMR_ONE_CALL;
    boot_ready();
    for (unsigned i = 0; i < ARRAY_SIZE(busy); i++)
        retried_with_backoff(busy[i]);
    /* Bounded: a status that never clears is returned in the end. */
    hs.ntrace = 0;
    host_override(TDH_SYS_RD, true, MD_NUM_PKGS, TDX_SYS_BUSY, UINT32_MAX);
    assert_int_equal(tdx_md_read(MD_NUM_PKGS, &v, &s), -EIO);
    assert_int_equal(s, TDX_SYS_BUSY);
}

/* Every TD KeyID at once, in the module too: none was left taken. */
static void assert_all_keyids_free(void)
{
    assert_int_equal(tdx_get_status()->keyids_in_use, 0);
    for (unsigned i = 0; i < TD_KEYIDS; i++) {
        memset(&tds[i], 0, sizeof(tds[i]));
        assert_int_equal(td_create(&tds[i], 1), 0);
    }
    assert_int_equal(tdx_hkid_alloc(), 0);
    for (unsigned i = 0; i < TD_KEYIDS; i++) {
        td_teardown(&tds[i]);
        assert_false(tds[i].leaked);
    }
    assert_int_equal(tdx_get_status()->keyids_in_use, 0);
}

/* The emulator's stress mode: lost races, entropy and PCONFIG failures, interrupted CACHE.WB. */
static void stress_on(void)
{
    host_plat.stress_seed = 1;
    host_plat.stress_permille = 100;
    tdxemu_init(&host_plat);
}

static void test_stress_init_and_td_cycles(void **state)
{
    uint64_t free0;

    stress_on();
    boot_ready();
    free0 = host_free_pages();
    for (unsigned i = 0; i < STRESS_CYCLES; i++) {
        td_build();
        td_destroy();
        assert_false(td.leaked);
    }
    assert_int_equal(host_free_pages(), free0);
    assert_all_keyids_free();
    assert_int_equal(host_free_pages(), free0);
    assert_true(hs.busy > 0);
    if (hs.retried_without_backoff)
        fail_msg("%lu of %lu retries after a busy status without back-off",
                 hs.retried_without_backoff, hs.retried);
    assert_int_equal(hs.wb_bad_resume, 0);
    assert_page_hygiene();
    assert_global_lock();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tdmr_init_paced_like_the_module, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tdmr_init_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpus_missing_refused_before_any_seamcall, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_td_exit_interrupt_dispatched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_td_async_exits_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_td_machine_check_smi_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_vcpus_per_td_optional, setup, teardown),
        cmocka_unit_test_setup_teardown(test_td_pages_flushed_before_cleared_after, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pamt_cleared_on_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_global_leaves_under_one_lock_cache_wb_resumed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_busy_retried_with_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stress_init_and_td_cycles, setup, teardown),
    };

    return cmocka_run_group_tests(tests, host_group_setup, host_group_teardown);
}
