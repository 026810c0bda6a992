/* SPDX-License-Identifier: MIT */
/*
 * TDX module initialization, once at boot, after every CPU is in VMX
 * operation (the VMX post-enable hook), in Linux's order
 * (tdx-host-abi.md 4.2): SYS.INIT, LP.INIT on every CPU, metadata, TDMRs
 * and PAMTs, SYS.CONFIG, WBINVD everywhere, KEY.CONFIG one package at a
 * time, TDMR.INIT until done. The same code drives a real module and the
 * emulated one (tdx=emulate); any failure rolls back and leaves VMX guests
 * working.
 */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_fault.h"
#include "tdx/module/tdx_init_steps.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/emu/vmx/tdx_emu_glue.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "kernel/extable.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "lib/printf.h"
#include "lib/shell_parse.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"
#include "drivers/lapic.h"
#include "vmm/vmx/vmx.h"

static struct tdx_status st;
static enum { MODE_AUTO, MODE_EMULATE, MODE_OFF } mode;

const struct tdx_status *tdx_get_status(void)
{
    return &st;
}

const struct tdx_sysinfo *tdx_sysinfo(void)
{
    return &st.info;
}

static uint8_t hkid_used[128]; /* bitmap over TD KeyIDs, index = KeyID - first_keyid */
static spinlock_t hkid_lock = SPINLOCK_INIT;

/* TD KeyIDs follow the global one (tdx-host-abi.md 4.6). */
uint16_t tdx_hkid_alloc(void)
{
    uint64_t f = spin_lock_irqsave(&hkid_lock);
    uint16_t id = 0;

    for (uint32_t i = 1; i < st.nkeyids && i < 8 * sizeof(hkid_used) && !id; i++)
        if (!(hkid_used[i / 8] & (1U << (i % 8)))) {
            hkid_used[i / 8] |= (uint8_t)(1U << (i % 8));
            id = (uint16_t)(st.first_keyid + i);
            st.keyids_in_use++;
        }
    spin_unlock_irqrestore(&hkid_lock, f);
    return id;
}

void tdx_hkid_free(uint16_t hkid)
{
    uint32_t i = hkid - st.first_keyid;
    uint64_t f = spin_lock_irqsave(&hkid_lock);

    if (hkid > st.first_keyid && i < 8 * sizeof(hkid_used) &&
        (hkid_used[i / 8] & (1U << (i % 8)))) {
        hkid_used[i / 8] &= (uint8_t) ~(1U << (i % 8));
        st.keyids_in_use--;
    }
    spin_unlock_irqrestore(&hkid_lock, f);
}

/* KeyIDs sit above the physical-address bits the CPU uses (tdx-host-abi.md 1.1). */
uint64_t tdx_global_keyid_bits(void)
{
    return (uint64_t)st.global_keyid << st.keyid_shift;
}

static void unavailable(const char *why)
{
    st.state = st.state == TDX_OFF ? TDX_OFF : TDX_FAILED;
    kstrlcpy(st.reason, why, sizeof(st.reason));
    pr_info("tdx: unavailable: %s", st.reason);
}

int tdx_step_failed(const char *step, uint64_t status)
{
    char why[128];

    if (status == TDX_SUCCESS) /* the step failed in hv, not in the module */
        ksnprintf(why, sizeof(why), "%s failed", step);
    else
        ksnprintf(why, sizeof(why), "%s: %s (0x%016lx)", step, tdx_status_name(status), status);
    st.state = TDX_FAILED;
    unavailable(why);
    return -EIO;
}

/* MAXPHYADDR minus the KeyID bits IA32_TME_ACTIVATE[35:32] reserves (Linux detect_tme_early). */
static unsigned keyid_shift(void)
{
    struct cpuid_regs r;
    uint64_t tme = 0;

    cpuid(0x80000008, 0, &r);
    rdmsr_safe(0x982, &tme);
    return (r.eax & 0xff) - (unsigned)((tme >> 32) & 0xf);
}

/* Real hardware: the KeyID split is the enumeration of TDX (tdx-host-abi.md 1.2). */
static int detect_hw(void)
{
    uint64_t v;
    char why[128];

    if (rdmsr_safe(MSR_IA32_MKTME_KEYID_PARTITIONING, &v)) {
        unavailable("no IA32_MKTME_KEYID_PARTITIONING MSR: the CPU has no TDX");
        return -ENODEV;
    }
    if ((v >> 32) < 2) {
        ksnprintf(why, sizeof(why), "only %lu TDX KeyIDs (need 2: global + one TD)", v >> 32);
        unavailable(why);
        return -ENODEV;
    }
    if (!lapic_is_x2apic()) {
        unavailable("TDX needs x2APIC mode (boot with x2apic=on)");
        return -ENODEV;
    }
    st.first_keyid = (uint32_t)v + 1; /* TDX KeyIDs follow the MKTME ones */
    st.nkeyids = (uint32_t)(v >> 32);
    st.keyid_shift = keyid_shift();
    return 0;
}

/*
 * TDH.SYS.CONFIG needs LP.INIT on every CPU the firmware enabled, as MCHECK
 * counted them (tdx-host-abi.md fact 1): with one missing, the module would
 * only say SYS_CONFIG_NOT_PENDING after SYS.INIT. Say why now.
 */
static int all_cpus_online(void)
{
    unsigned online = smp_online_count(), enabled = smp_enabled_count();
    char why[64];

    if (online == enabled)
        return 0;
    ksnprintf(why, sizeof(why), "%u of %u CPUs online", online, enabled);
    unavailable(why);
    return -ENODEV;
}

static void tdx_post_vmx(void)
{
    int err = all_cpus_online();
    uint64_t total;

    err = err ?: mode == MODE_EMULATE ? tdxemu_attach(&st) : detect_hw();
    if (err)
        return;
    st.emulated = mode == MODE_EMULATE;
    st.global_keyid = st.first_keyid;
    page_stats(&st.free_before_init, &total);
    if (tdx_init_module(&st)) {
        page_stats(&st.free_after_rollback, &total);
        if (st.free_after_rollback != st.free_before_init)
            pr_warn("tdx: rollback lost %ld pages",
                    (long)(st.free_before_init - st.free_after_rollback));
        return;
    }
    st.state = TDX_READY;
    pr_info("tdx: module ready: %u.%u.%u%s, %u TDMRs, %lu KiB PAMT, %u TD KeyIDs", st.info.major,
            st.info.minor, st.info.update, st.emulated ? " (emulated)" : "", st.ntdmrs,
            st.pamt_bytes >> 10, st.nkeyids - 1);
}

/* tdx.fail=<leaf>:<status>[:<n>]: a malformed value is ignored, with one line. */
static void fault_setup(const char *cmdline)
{
    char v[128];
    struct tdx_fault f;

    if (!cmdline_find(cmdline, "tdx.fail", v, sizeof(v)))
        return;
    if (tdx_fault_parse(v, &f)) {
        pr_warn("cmdline: tdx.fail=%s: expected <leaf>:<status name or number>[:<n>], "
                "e.g. TDH.SYS.CONFIG:TDX_SYS_BUSY; ignored",
                v);
        return;
    }
    tdx_fault_arm(&f);
}

/* tdx.stress=<permille>[:<seed>] (tdx=emulate only): a malformed value is ignored, with one line. */
static void stress_setup(const char *cmdline)
{
    char v[64], num[64], *colon;
    uint64_t permille, seed = 0;

    if (!cmdline_find(cmdline, "tdx.stress", v, sizeof(v)))
        return;
    kstrlcpy(num, v, sizeof(num)); /* split a copy: the warning shows the value as given */
    colon = strchr(num, ':');
    if (colon)
        *colon = '\0';
    if (parse_u64(num, &permille) || permille > 1000 || (colon && parse_u64(colon + 1, &seed))) {
        pr_warn("cmdline: tdx.stress=%s: expected <permille 0-1000>[:<seed>]; ignored", v);
        return;
    }
    if (mode != MODE_EMULATE) {
        pr_warn("cmdline: tdx.stress= needs tdx=emulate; ignored");
        return;
    }
    tdxemu_set_stress((unsigned)permille, seed);
    pr_info("tdx: emulated module under stress: %lu per mille of calls lose a race (seed %lu)",
            permille, seed);
}

void tdx_setup(const char *cmdline)
{
    char v[16] = "";

    cmdline_find(cmdline, "tdx", v, sizeof(v));
    if (!strcmp(v, "emulate"))
        mode = MODE_EMULATE;
    else if (!strcmp(v, "off"))
        mode = MODE_OFF;
    else if (v[0] && strcmp(v, "on"))
        pr_warn("cmdline: tdx=%s: expected on, off or emulate; using on", v);
    fault_setup(cmdline);
    stress_setup(cmdline);
    if (mode == MODE_OFF) {
        unavailable("disabled on the command line (tdx=off)");
        return;
    }
    vmx_add_post_enable_hook(tdx_post_vmx);
}

void tdx_vmx_unavailable(void)
{
    if (mode != MODE_OFF)
        unavailable("VMX is not available, and TDX needs every CPU in VMX operation");
}
