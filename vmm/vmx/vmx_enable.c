/* SPDX-License-Identifier: MIT */
/*
 * Boot-time VMX enable (SDM Vol. 3C 24.7-24.8): after every CPU is online,
 * each checks CPUID and IA32_FEATURE_CONTROL, applies the CR0/CR4 fixed
 * bits and executes VMXON on its own region. CPUs whose capabilities differ
 * from the boot CPU's are left out of guest scheduling. VMX then stays on;
 * every CPU VMXOFFs in its stop hook (power-off, reboot, panic).
 */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/power.h"
#include "lib/printf.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"

enum vmx_cpu_state { VMX_OFF, VMX_ON, VMX_DIFFERS, VMX_FAILED };

struct vmx_cpu {
    uint64_t vmxon_phys;
    volatile int state;
    const char *why;
};

struct vmx_caps vmx_caps;
static struct vmx_cpu vmx_cpus[MAX_CPUS];
static bool ready;
static char reason[128] = "not initialized";
static vmx_post_enable_hook_t post_hooks[4];
static unsigned npost;

bool vmx_ready(void)
{
    return ready;
}

const char *vmx_unavailable_reason(void)
{
    return reason;
}

bool vmx_cpu_usable(unsigned cpu)
{
    return ready && cpu < MAX_CPUS && vmx_cpus[cpu].state == VMX_ON;
}

int vmx_add_post_enable_hook(vmx_post_enable_hook_t h)
{
    if (npost == ARRAY_SIZE(post_hooks))
        return -ENOSPC;
    post_hooks[npost++] = h;
    return 0;
}

static void read_caps(struct vmx_caps *c)
{
    bool t;

    memset(c, 0, sizeof(*c));
    c->basic = rdmsr(MSR_VMX_BASIC);
    c->revision = (uint32_t)c->basic & 0x7fffffff;
    t = c->basic & VMX_BASIC_TRUE_CTLS;
    c->pin = vmx_ctl_from_msr(rdmsr(t ? MSR_VMX_TRUE_PINBASED : MSR_VMX_PINBASED));
    c->proc = vmx_ctl_from_msr(rdmsr(t ? MSR_VMX_TRUE_PROCBASED : MSR_VMX_PROCBASED));
    c->exit = vmx_ctl_from_msr(rdmsr(t ? MSR_VMX_TRUE_EXIT : MSR_VMX_EXIT));
    c->entry = vmx_ctl_from_msr(rdmsr(t ? MSR_VMX_TRUE_ENTRY : MSR_VMX_ENTRY));
    if (c->proc.may1 & PROC_SECONDARY) {
        c->proc2 = vmx_ctl_from_msr(rdmsr(MSR_VMX_PROCBASED2));
        c->ept_vpid = rdmsr(MSR_VMX_EPT_VPID_CAP);
    }
    c->misc = rdmsr(MSR_VMX_MISC);
    c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
}

/* What the vmx backend cannot do without; NULL when all is there. */
static const char *missing_feature(const struct vmx_caps *c)
{
    if (!(c->proc.may1 & PROC_SECONDARY))
        return "no secondary processor-based controls";
    if (!(c->proc2.may1 & PROC2_EPT))
        return "no EPT";
    if (!(c->ept_vpid & EPT_CAP_WALK_4) || !(c->ept_vpid & EPT_CAP_WB))
        return "EPT lacks 4-level walks or write-back memory";
    if (!(c->ept_vpid & EPT_CAP_INVEPT) || !(c->ept_vpid & EPT_CAP_INVEPT_SINGLE))
        return "no single-context INVEPT";
    if (!(c->proc.may1 & PROC_USE_MSR_BITMAPS) || !(c->proc.may1 & PROC_USE_IO_BITMAPS))
        return "no MSR or I/O bitmaps";
    if (!(c->exit.may1 & EXIT_HOST_ADDR64) || !(c->entry.may1 & ENTRY_LOAD_EFER))
        return "cannot load EFER or host 64-bit state";
    return NULL;
}

/* Lock FEATURE_CONTROL with VMX-outside-SMX when the firmware left it open (SDM 24.7). */
static const char *feature_control(void)
{
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

    if (!(fc & FEATURE_CONTROL_LOCK)) {
        wrmsr(MSR_IA32_FEATURE_CONTROL,
              fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
        return NULL;
    }
    if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX))
        return "IA32_FEATURE_CONTROL is locked with VMX off (enable VT-x in the firmware)";
    return NULL;
}

static const char *cpu_vmxon(struct vmx_cpu *vc)
{
    const char *why = feature_control();

    if (why)
        return why;
    write_cr0((read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1);
    write_cr4((read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1);
    *(uint32_t *)phys_to_virt(vc->vmxon_phys) = vmx_caps.revision;
    if (vmxon(vc->vmxon_phys)) {
        write_cr4(read_cr4() & ~CR4_VMXE);
        return "VMXON failed";
    }
    return NULL;
}

static void vmx_enable_this_cpu(void *arg)
{
    struct vmx_cpu *vc = &vmx_cpus[this_cpu_id()];
    struct cpuid_regs r;
    struct vmx_caps mine;

    cpuid(1, 0, &r);
    if (!(r.ecx & CPUID1_ECX_VMX)) {
        vc->why = "no VMX in CPUID";
        vc->state = VMX_FAILED;
        return;
    }
    read_caps(&mine);
    if (memcmp(&mine, &vmx_caps, sizeof(mine))) {
        vc->why = "VMX capabilities differ from the boot CPU's";
        vc->state = VMX_DIFFERS;
        return;
    }
    vc->why = cpu_vmxon(vc);
    vc->state = vc->why ? VMX_FAILED : VMX_ON;
}

static void vmx_stop_this_cpu(void)
{
    struct vmx_cpu *vc = &vmx_cpus[this_cpu_id()];

    if (vc->state != VMX_ON)
        return;
    vmxoff();
    write_cr4(read_cr4() & ~CR4_VMXE);
    vc->state = VMX_OFF;
}

static bool unavailable(const char *fmt, const char *why)
{
    ksnprintf(reason, sizeof(reason), fmt, why);
    pr_info("vmx: unavailable: %s", reason);
    return false;
}

/* The boot CPU decides whether VMX can work at all before anything is allocated. */
static bool bsp_checks(void)
{
    struct cpuid_regs r;
    const char *why;

    cpuid(1, 0, &r);
    if (!(r.ecx & CPUID1_ECX_VMX))
        return unavailable("%s", r.ecx & CPUID1_ECX_HYPERVISOR
                                     ? "the CPU has no VMX (CPUID.1:ECX.VMX=0); emulators "
                                       "such as QEMU TCG do not provide it"
                                     : "the CPU has no VMX (CPUID.1:ECX.VMX=0)");
    read_caps(&vmx_caps);
    why = missing_feature(&vmx_caps);
    if (why)
        return unavailable("%s", why);
    return true;
}

static bool alloc_regions(void)
{
    for (unsigned i = 0; i < cpu_count; i++) {
        if (cpu_table[i]->state != CPU_ONLINE || vmx_cpus[i].vmxon_phys)
            continue;
        vmx_cpus[i].vmxon_phys = page_alloc(1);
        if (!vmx_cpus[i].vmxon_phys)
            return unavailable("%s", "out of memory for VMXON regions");
    }
    return true;
}

static unsigned report_cpus(void)
{
    unsigned on = 0;

    for (unsigned i = 0; i < cpu_count; i++) {
        if (vmx_cpus[i].state == VMX_ON)
            on++;
        else if (cpu_table[i]->state == CPU_ONLINE)
            pr_warn("vmx: CPU %u left out of guest scheduling: %s", i,
                    vmx_cpus[i].why ? vmx_cpus[i].why : "did not answer");
    }
    return on;
}

static void features_string(char *buf, size_t len)
{
    ksnprintf(buf, len, "ept%s%s, vpid%s%s", vmx_caps.ept_vpid & EPT_CAP_2M ? ", ept-2m" : "",
              vmx_caps.ept_vpid & EPT_CAP_1G ? ", ept-1g" : "",
              vmx_caps.proc2.may1 & PROC2_VPID ? "" : " (absent)",
              vmx_caps.proc2.may1 & PROC2_UNRESTRICTED ? ", unrestricted-guest" : "");
}

void vmx_init_all(void)
{
    char feats[96];
    unsigned on;

    if (!bsp_checks() || !alloc_regions())
        return;
    power_add_cpu_stop_hook(vmx_stop_this_cpu);
    smp_call_all(vmx_enable_this_cpu, NULL, 1000000);
    on = report_cpus();
    if (!vmx_cpus[0].state || vmx_cpus[0].state != VMX_ON) {
        unavailable("boot CPU: %s", vmx_cpus[0].why ? vmx_cpus[0].why : "VMXON failed");
        return;
    }
    ready = true;
    features_string(feats, sizeof(feats));
    pr_info("vmx: enabled on %u/%u CPUs (%s)", on, smp_online_count(), feats);
    for (unsigned i = 0; i < npost; i++)
        post_hooks[i]();
}
