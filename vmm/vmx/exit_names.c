/* Exit reason names for messages (SDM Vol. 3D appendix C). */
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/vmx/vmx_hw.h"

static const char *const names[EXIT_REASON_MAX] = {
    [EXIT_EXCEPTION_NMI] = "exception or NMI",
    [EXIT_EXTERNAL_INTERRUPT] = "external interrupt",
    [EXIT_TRIPLE_FAULT] = "triple fault",
    [EXIT_INIT] = "INIT",
    [EXIT_SIPI] = "SIPI",
    [EXIT_INTERRUPT_WINDOW] = "interrupt window",
    [EXIT_NMI_WINDOW] = "NMI window",
    [EXIT_TASK_SWITCH] = "task switch",
    [EXIT_CPUID] = "CPUID",
    [EXIT_GETSEC] = "GETSEC",
    [EXIT_HLT] = "HLT",
    [EXIT_INVD] = "INVD",
    [EXIT_INVLPG] = "INVLPG",
    [EXIT_RDPMC] = "RDPMC",
    [EXIT_RDTSC] = "RDTSC",
    [EXIT_RSM] = "RSM",
    [EXIT_VMCALL] = "VMCALL",
    [EXIT_VMXON] = "VMXON",
    [EXIT_CR_ACCESS] = "control-register access",
    [EXIT_DR_ACCESS] = "debug-register access",
    [EXIT_IO] = "I/O instruction",
    [EXIT_RDMSR] = "RDMSR",
    [EXIT_WRMSR] = "WRMSR",
    [EXIT_ENTRY_FAIL_GUEST] = "VM entry failure: invalid guest state",
    [EXIT_ENTRY_FAIL_MSR] = "VM entry failure: MSR loading",
    [EXIT_MWAIT] = "MWAIT",
    [EXIT_MTF] = "monitor trap flag",
    [EXIT_MONITOR] = "MONITOR",
    [EXIT_PAUSE] = "PAUSE",
    [EXIT_ENTRY_FAIL_MC] = "VM entry failure: machine check",
    [EXIT_APIC_ACCESS] = "APIC access",
    [EXIT_GDTR_IDTR] = "GDTR/IDTR access",
    [EXIT_LDTR_TR] = "LDTR/TR access",
    [EXIT_EPT_VIOLATION] = "EPT violation",
    [EXIT_EPT_MISCONFIG] = "EPT misconfiguration",
    [EXIT_INVEPT] = "INVEPT",
    [EXIT_RDTSCP] = "RDTSCP",
    [EXIT_PREEMPTION_TIMER] = "preemption timer",
    [EXIT_INVVPID] = "INVVPID",
    [EXIT_WBINVD] = "WBINVD",
    [EXIT_XSETBV] = "XSETBV",
    [EXIT_RDRAND] = "RDRAND",
    [EXIT_INVPCID] = "INVPCID",
    [EXIT_VMFUNC] = "VMFUNC",
    [EXIT_RDSEED] = "RDSEED",
};

const char *vmx_exit_reason_name(uint32_t reason)
{
    uint32_t basic = reason & 0xffff;

    return basic < EXIT_REASON_MAX && names[basic] ? names[basic] : "unknown";
}
