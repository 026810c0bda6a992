/* SPDX-License-Identifier: MIT */
/*
 * VMX architectural constants: capability MSRs (Intel SDM Vol. 3D
 * appendix A), VMCS field encodings (appendix B), exit reasons (appendix C),
 * execution controls (Vol. 3C 25.6-25.8) and exit qualifications (28.2.1).
 */
#ifndef VMM_VMX_VMX_HW_H
#define VMM_VMX_VMX_HW_H

/* Capability MSRs (SDM Vol. 3D A.1-A.11) */
#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED 0x481
#define MSR_VMX_PROCBASED 0x482
#define MSR_VMX_EXIT 0x483
#define MSR_VMX_ENTRY 0x484
#define MSR_VMX_MISC 0x485
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define MSR_VMX_PROCBASED2 0x48B
#define MSR_VMX_EPT_VPID_CAP 0x48C
#define MSR_VMX_TRUE_PINBASED 0x48D
#define MSR_VMX_TRUE_PROCBASED 0x48E
#define MSR_VMX_TRUE_EXIT 0x48F
#define MSR_VMX_TRUE_ENTRY 0x490

#define VMX_BASIC_TRUE_CTLS (1ULL << 55)
#define FEATURE_CONTROL_LOCK (1ULL << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ULL << 2)

/* IA32_VMX_EPT_VPID_CAP bits (SDM Vol. 3D A.10) */
#define EPT_CAP_WALK_4 (1ULL << 6)
#define EPT_CAP_WB (1ULL << 14)
#define EPT_CAP_2M (1ULL << 16)
#define EPT_CAP_1G (1ULL << 17)
#define EPT_CAP_INVEPT (1ULL << 20)
#define EPT_CAP_INVEPT_SINGLE (1ULL << 25)
#define EPT_CAP_INVEPT_ALL (1ULL << 26)
#define VPID_CAP_INVVPID (1ULL << 32)
#define VPID_CAP_SINGLE (1ULL << 41)
#define VPID_CAP_ALL (1ULL << 42)

/* Pin-based controls (SDM 25.6.1) */
#define PIN_EXT_INT_EXITING (1U << 0)
#define PIN_NMI_EXITING (1U << 3)
#define PIN_VIRTUAL_NMIS (1U << 5)
#define PIN_PREEMPTION_TIMER (1U << 6)

/* Primary processor-based controls (SDM 25.6.2) */
#define PROC_INTR_WINDOW_EXITING (1U << 2)
#define PROC_TSC_OFFSETTING (1U << 3) /* guest TSC = host TSC + VMCS TSC offset (SDM 26.6.5) */
/* NMI-window exiting: needs "virtual NMIs" (SDM 26.2.1.1), exits when virtual-NMI blocking ends */
#define PROC_NMI_WINDOW_EXITING (1U << 22)
#define PROC_HLT_EXITING (1U << 7)
#define PROC_INVLPG_EXITING (1U << 9)
#define PROC_MWAIT_EXITING (1U << 10)
#define PROC_RDPMC_EXITING (1U << 11)
#define PROC_CR3_LOAD_EXITING (1U << 15)
#define PROC_CR3_STORE_EXITING (1U << 16)
#define PROC_CR8_LOAD_EXITING (1U << 19)
#define PROC_CR8_STORE_EXITING (1U << 20)
/* TPR shadow: CR8 reads/writes use VTPR, offset 0x80 of the virtual-APIC page (SDM 29.1.1, 29.3) */
#define PROC_TPR_SHADOW (1U << 21)
#define PROC_MOV_DR_EXITING (1U << 23)
#define PROC_UNCOND_IO_EXITING (1U << 24)
#define PROC_USE_IO_BITMAPS (1U << 25)
#define PROC_USE_MSR_BITMAPS (1U << 28)
#define PROC_MONITOR_EXITING (1U << 29)
#define PROC_SECONDARY (1U << 31)

/* Secondary processor-based controls (SDM 25.6.2) */
/*
 * Virtualize APIC accesses: accesses to the APIC-access page (VMCS APIC-access
 * address) exit or are virtualized through the virtual-APIC page (SDM 29.4)
 */
#define PROC2_VIRT_APIC_ACCESSES (1U << 0)
#define PROC2_EPT (1U << 1)
#define PROC2_RDTSCP (1U << 3)
/* Virtualize x2APIC mode: RDMSR/WRMSR 0x800-0x8FF the MSR bitmap lets through use the virtual-APIC page (SDM 29.5) */
#define PROC2_VIRT_X2APIC (1U << 4)
#define PROC2_VPID (1U << 5)
#define PROC2_WBINVD_EXITING (1U << 6)
#define PROC2_UNRESTRICTED (1U << 7)
/* APIC-register virtualization: reads of most xAPIC registers come from the virtual-APIC page (SDM 29.4.2) */
#define PROC2_APIC_REG_VIRT (1U << 8)
/* Virtual-interrupt delivery: RVI/SVI, VIRR/VISR, EOI virtualization (SDM 29.1.3, 29.2, 29.4.3) */
#define PROC2_VID (1U << 9)
#define PROC2_INVPCID (1U << 12)
#define PROC2_XSAVES (1U << 20)

/* VM-exit controls (SDM 25.7.1) */
#define EXIT_SAVE_DEBUG (1U << 2)
#define EXIT_HOST_ADDR64 (1U << 9)
#define EXIT_ACK_INTR (1U << 15)
#define EXIT_SAVE_PAT (1U << 18)
#define EXIT_LOAD_PAT (1U << 19)
#define EXIT_SAVE_EFER (1U << 20)
#define EXIT_LOAD_EFER (1U << 21)

/* VM-entry controls (SDM 25.8.1) */
#define ENTRY_LOAD_DEBUG (1U << 2)
#define ENTRY_IA32E_GUEST (1U << 9)
#define ENTRY_LOAD_PAT (1U << 14)
#define ENTRY_LOAD_EFER (1U << 15)

/* VMCS field encodings (SDM Vol. 3D appendix B) */
enum vmcs_field {
    VMCS_VPID = 0x0000,
    VMCS_GUEST_ES_SEL = 0x0800,
    VMCS_GUEST_CS_SEL = 0x0802,
    VMCS_GUEST_SS_SEL = 0x0804,
    VMCS_GUEST_DS_SEL = 0x0806,
    VMCS_GUEST_FS_SEL = 0x0808,
    VMCS_GUEST_GS_SEL = 0x080A,
    VMCS_GUEST_LDTR_SEL = 0x080C,
    VMCS_GUEST_TR_SEL = 0x080E,
    VMCS_GUEST_INTR_STATUS = 0x0810, /* RVI in bits 7:0, SVI in 15:8 (SDM 25.4.2, B.1.2) */
    VMCS_HOST_ES_SEL = 0x0C00,
    VMCS_HOST_CS_SEL = 0x0C02,
    VMCS_HOST_SS_SEL = 0x0C04,
    VMCS_HOST_DS_SEL = 0x0C06,
    VMCS_HOST_FS_SEL = 0x0C08,
    VMCS_HOST_GS_SEL = 0x0C0A,
    VMCS_HOST_TR_SEL = 0x0C0C,
    VMCS_IO_BITMAP_A = 0x2000,
    VMCS_IO_BITMAP_B = 0x2002,
    VMCS_MSR_BITMAP = 0x2004,
    VMCS_EXIT_MSR_STORE_ADDR = 0x2006,
    VMCS_EXIT_MSR_LOAD_ADDR = 0x2008,
    VMCS_ENTRY_MSR_LOAD_ADDR = 0x200A,
    VMCS_TSC_OFFSET = 0x2010,
    VMCS_VIRTUAL_APIC_ADDR = 0x2012, /* SDM Vol. 3D B.2.1 */
    VMCS_APIC_ACCESS_ADDR = 0x2014,  /* SDM Vol. 3D B.2.1, 25.6.8 */
    VMCS_EOI_EXIT_BITMAP0 = 0x201C,  /* ..3 at 0x201E, 0x2020, 0x2022 (SDM 25.6.8, B.2.1) */
    VMCS_EPT_POINTER = 0x201A,
    VMCS_GUEST_PHYS_ADDR = 0x2400,
    VMCS_LINK_POINTER = 0x2800,
    VMCS_GUEST_DEBUGCTL = 0x2802,
    VMCS_GUEST_PAT = 0x2804,
    VMCS_GUEST_EFER = 0x2806,
    VMCS_GUEST_PDPTE0 = 0x280A,
    VMCS_HOST_PAT = 0x2C00,
    VMCS_HOST_EFER = 0x2C02,
    VMCS_PIN_CONTROLS = 0x4000,
    VMCS_PROC_CONTROLS = 0x4002,
    VMCS_EXCEPTION_BITMAP = 0x4004,
    VMCS_PF_ERROR_MASK = 0x4006,
    VMCS_PF_ERROR_MATCH = 0x4008,
    VMCS_CR3_TARGET_COUNT = 0x400A,
    VMCS_EXIT_CONTROLS = 0x400C,
    VMCS_EXIT_MSR_STORE_COUNT = 0x400E,
    VMCS_EXIT_MSR_LOAD_COUNT = 0x4010,
    VMCS_ENTRY_CONTROLS = 0x4012,
    VMCS_ENTRY_MSR_LOAD_COUNT = 0x4014,
    VMCS_ENTRY_INTR_INFO = 0x4016,
    VMCS_ENTRY_EXCEPTION_ERROR = 0x4018,
    VMCS_ENTRY_INSTR_LEN = 0x401A,
    VMCS_TPR_THRESHOLD = 0x401C,
    VMCS_PROC2_CONTROLS = 0x401E,
    VMCS_INSTR_ERROR = 0x4400,
    VMCS_EXIT_REASON = 0x4402,
    VMCS_EXIT_INTR_INFO = 0x4404,
    VMCS_EXIT_INTR_ERROR = 0x4406,
    VMCS_IDT_VECTORING_INFO = 0x4408,
    VMCS_IDT_VECTORING_ERROR = 0x440A,
    VMCS_EXIT_INSTR_LEN = 0x440C,
    VMCS_EXIT_INSTR_INFO = 0x440E,
    VMCS_GUEST_ES_LIMIT = 0x4800,
    VMCS_GUEST_CS_LIMIT = 0x4802,
    VMCS_GUEST_SS_LIMIT = 0x4804,
    VMCS_GUEST_DS_LIMIT = 0x4806,
    VMCS_GUEST_FS_LIMIT = 0x4808,
    VMCS_GUEST_GS_LIMIT = 0x480A,
    VMCS_GUEST_LDTR_LIMIT = 0x480C,
    VMCS_GUEST_TR_LIMIT = 0x480E,
    VMCS_GUEST_GDTR_LIMIT = 0x4810,
    VMCS_GUEST_IDTR_LIMIT = 0x4812,
    VMCS_GUEST_ES_AR = 0x4814,
    VMCS_GUEST_CS_AR = 0x4816,
    VMCS_GUEST_SS_AR = 0x4818,
    VMCS_GUEST_DS_AR = 0x481A,
    VMCS_GUEST_FS_AR = 0x481C,
    VMCS_GUEST_GS_AR = 0x481E,
    VMCS_GUEST_LDTR_AR = 0x4820,
    VMCS_GUEST_TR_AR = 0x4822,
    VMCS_GUEST_INTERRUPTIBILITY = 0x4824,
    VMCS_GUEST_ACTIVITY = 0x4826,
    VMCS_GUEST_SYSENTER_CS = 0x482A,
    VMCS_PREEMPTION_TIMER = 0x482E,
    VMCS_HOST_SYSENTER_CS = 0x4C00,
    VMCS_CR0_MASK = 0x6000,
    VMCS_CR4_MASK = 0x6002,
    VMCS_CR0_SHADOW = 0x6004,
    VMCS_CR4_SHADOW = 0x6006,
    VMCS_EXIT_QUALIFICATION = 0x6400,
    VMCS_GUEST_LINEAR_ADDR = 0x640A,
    VMCS_GUEST_CR0 = 0x6800,
    VMCS_GUEST_CR3 = 0x6802,
    VMCS_GUEST_CR4 = 0x6804,
    VMCS_GUEST_ES_BASE = 0x6806,
    VMCS_GUEST_CS_BASE = 0x6808,
    VMCS_GUEST_SS_BASE = 0x680A,
    VMCS_GUEST_DS_BASE = 0x680C,
    VMCS_GUEST_FS_BASE = 0x680E,
    VMCS_GUEST_GS_BASE = 0x6810,
    VMCS_GUEST_LDTR_BASE = 0x6812,
    VMCS_GUEST_TR_BASE = 0x6814,
    VMCS_GUEST_GDTR_BASE = 0x6816,
    VMCS_GUEST_IDTR_BASE = 0x6818,
    VMCS_GUEST_DR7 = 0x681A,
    VMCS_GUEST_RSP = 0x681C,
    VMCS_GUEST_RIP = 0x681E,
    VMCS_GUEST_RFLAGS = 0x6820,
    VMCS_GUEST_PENDING_DBG = 0x6822,
    VMCS_GUEST_SYSENTER_ESP = 0x6824,
    VMCS_GUEST_SYSENTER_EIP = 0x6826,
    VMCS_HOST_CR0 = 0x6C00,
    VMCS_HOST_CR3 = 0x6C02,
    VMCS_HOST_CR4 = 0x6C04,
    VMCS_HOST_FS_BASE = 0x6C06,
    VMCS_HOST_GS_BASE = 0x6C08,
    VMCS_HOST_TR_BASE = 0x6C0A,
    VMCS_HOST_GDTR_BASE = 0x6C0C,
    VMCS_HOST_IDTR_BASE = 0x6C0E,
    VMCS_HOST_SYSENTER_ESP = 0x6C10,
    VMCS_HOST_SYSENTER_EIP = 0x6C12,
    VMCS_HOST_RSP = 0x6C14,
    VMCS_HOST_RIP = 0x6C16,
};

/*
 * Basic exit reasons (SDM Vol. 3D appendix C): X(constant, number, name for
 * messages). The one list behind the constants and vmx_exit_reason_name().
 */
#define VMX_EXIT_REASONS(X)                                               \
    X(EXIT_EXCEPTION_NMI, 0, "exception or NMI")                          \
    X(EXIT_EXTERNAL_INTERRUPT, 1, "external interrupt")                   \
    X(EXIT_TRIPLE_FAULT, 2, "triple fault")                               \
    X(EXIT_INIT, 3, "INIT")                                               \
    X(EXIT_SIPI, 4, "SIPI")                                               \
    X(EXIT_IO_SMI, 5, "I/O SMI")                                          \
    X(EXIT_OTHER_SMI, 6, "other SMI")                                     \
    X(EXIT_INTERRUPT_WINDOW, 7, "interrupt window")                       \
    X(EXIT_NMI_WINDOW, 8, "NMI window")                                   \
    X(EXIT_TASK_SWITCH, 9, "task switch")                                 \
    X(EXIT_CPUID, 10, "CPUID")                                            \
    X(EXIT_GETSEC, 11, "GETSEC")                                          \
    X(EXIT_HLT, 12, "HLT")                                                \
    X(EXIT_INVD, 13, "INVD")                                              \
    X(EXIT_INVLPG, 14, "INVLPG")                                          \
    X(EXIT_RDPMC, 15, "RDPMC")                                            \
    X(EXIT_RDTSC, 16, "RDTSC")                                            \
    X(EXIT_RSM, 17, "RSM")                                                \
    X(EXIT_VMCALL, 18, "VMCALL")                                          \
    X(EXIT_VMCLEAR, 19, "VMCLEAR")                                        \
    X(EXIT_VMLAUNCH, 20, "VMLAUNCH")                                      \
    X(EXIT_VMPTRLD, 21, "VMPTRLD")                                        \
    X(EXIT_VMPTRST, 22, "VMPTRST")                                        \
    X(EXIT_VMREAD, 23, "VMREAD")                                          \
    X(EXIT_VMRESUME, 24, "VMRESUME")                                      \
    X(EXIT_VMWRITE, 25, "VMWRITE")                                        \
    X(EXIT_VMXOFF, 26, "VMXOFF")                                          \
    X(EXIT_VMXON, 27, "VMXON")                                            \
    X(EXIT_CR_ACCESS, 28, "control-register access")                      \
    X(EXIT_DR_ACCESS, 29, "debug-register access")                        \
    X(EXIT_IO, 30, "I/O instruction")                                     \
    X(EXIT_RDMSR, 31, "RDMSR")                                            \
    X(EXIT_WRMSR, 32, "WRMSR")                                            \
    X(EXIT_ENTRY_FAIL_GUEST, 33, "VM entry failure: invalid guest state") \
    X(EXIT_ENTRY_FAIL_MSR, 34, "VM entry failure: MSR loading")           \
    X(EXIT_MWAIT, 36, "MWAIT")                                            \
    X(EXIT_MTF, 37, "monitor trap flag")                                  \
    X(EXIT_MONITOR, 39, "MONITOR")                                        \
    X(EXIT_PAUSE, 40, "PAUSE")                                            \
    X(EXIT_ENTRY_FAIL_MC, 41, "VM entry failure: machine check")          \
    X(EXIT_TPR_BELOW, 43, "TPR below threshold")                          \
    X(EXIT_APIC_ACCESS, 44, "APIC access")                                \
    X(EXIT_EOI_INDUCED, 45, "virtualized EOI")                            \
    X(EXIT_GDTR_IDTR, 46, "GDTR/IDTR access")                             \
    X(EXIT_LDTR_TR, 47, "LDTR/TR access")                                 \
    X(EXIT_EPT_VIOLATION, 48, "EPT violation")                            \
    X(EXIT_EPT_MISCONFIG, 49, "EPT misconfiguration")                     \
    X(EXIT_INVEPT, 50, "INVEPT")                                          \
    X(EXIT_RDTSCP, 51, "RDTSCP")                                          \
    X(EXIT_PREEMPTION_TIMER, 52, "preemption timer")                      \
    X(EXIT_INVVPID, 53, "INVVPID")                                        \
    X(EXIT_WBINVD, 54, "WBINVD")                                          \
    X(EXIT_XSETBV, 55, "XSETBV")                                          \
    X(EXIT_APIC_WRITE, 56, "APIC write")                                  \
    X(EXIT_RDRAND, 57, "RDRAND")                                          \
    X(EXIT_INVPCID, 58, "INVPCID")                                        \
    X(EXIT_VMFUNC, 59, "VMFUNC")                                          \
    X(EXIT_ENCLS, 60, "ENCLS")                                            \
    X(EXIT_RDSEED, 61, "RDSEED")                                          \
    X(EXIT_XSAVES, 63, "XSAVES")                                          \
    X(EXIT_XRSTORS, 64, "XRSTORS")                                        \
    X(EXIT_BUS_LOCK, 74, "bus lock")                                      \
    X(EXIT_NOTIFY, 75, "notification")                                    \
    X(EXIT_SEAMCALL, 76, "SEAMCALL")                                      \
    X(EXIT_TDCALL, 77, "TDCALL")
#define VMX_EXIT_ENUM(c, nr, name) c = nr,
enum vmx_exit_reason { VMX_EXIT_REASONS(VMX_EXIT_ENUM) EXIT_REASON_MAX = 80 };
#define EXIT_REASON_ENTRY_FAILED (1U << 31)

/* VM-entry/exit interruption information (SDM 25.8.3, 25.9.2) */
#define INTR_INFO_VALID (1U << 31)
#define INTR_INFO_ERROR_CODE (1U << 11)
#define INTR_TYPE_EXT_INT (0U << 8)
#define INTR_TYPE_NMI (2U << 8)
#define INTR_TYPE_HW_EXCEPTION (3U << 8)
#define INTR_TYPE_SW_INT (4U << 8)
#define INTR_TYPE_MASK (7U << 8)

/* IDT-vectoring information (SDM 25.9.3): bit 12 is "NMI unblocking due to IRET". */
#define IDT_INFO_NMI_UNBLOCK (1U << 12)

/* Guest activity state (SDM 25.4.2) and its support in IA32_VMX_MISC (SDM A.6) */
#define ACTIVITY_ACTIVE 0
#define ACTIVITY_HLT 1
#define VMX_MISC_ACTIVITY_HLT (1ULL << 6)
#define VMX_MISC_PREEMPT_RATE(m) ((m)&0x1f) /* timer ticks every 2^rate TSC ticks */

/* Guest interruptibility state (SDM 25.4.2 table 25-3) */
#define INTERRUPTIBILITY_STI (1U << 0)
#define INTERRUPTIBILITY_MOV_SS (1U << 1)
#define INTERRUPTIBILITY_NMI \
    (1U << 3) /* blocking by NMI (virtual-NMI blocking with virtual NMIs) */

/*
 * Pending debug exceptions (SDM 25.4.2 table 25-4): B0-B3 (breakpoint
 * conditions met), BS (single step) as the CPU would set them in DR6.
 */
#define PENDING_DBG_B0_3 0xfULL
#define PENDING_DBG_BS (1ULL << 14)

/* DR6 and DR7 (SDM 18.2.3, 18.2.4). DR6 bits 4-11, 12 (on CPUs without bus-lock #DB), 16 and 31:17 read 1. */
#define DR6_B0_3 0xfULL
#define DR6_BD (1ULL << 13) /* general detect */
#define DR6_BS (1ULL << 14) /* single step */
#define DR6_RESET 0xffff0ff0ULL
#define DR7_GD (1ULL << 13)
#define DR7_RESET 0x400ULL

/* RFLAGS bits event injection cares about (SDM 3.4.3) */
#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_RF (1ULL << 16)
#define DEBUGCTL_BTF (1ULL << 1)

/* Exit qualification / exit interruption information bit 12: "NMI unblocking due to IRET" (SDM 28.2.2, 28.2.3) */
#define EXIT_NMI_UNBLOCK_IRET (1U << 12)

/* Exit qualification for I/O instructions (SDM 28.2.1 table 28-5) */
#define IO_QUAL_SIZE_MASK 0x7
#define IO_QUAL_IN (1U << 3)
#define IO_QUAL_STRING (1U << 4)
#define IO_QUAL_REP (1U << 5)
#define IO_QUAL_PORT_SHIFT 16

/* Exit qualification for control-register accesses (SDM table 28-3) */
#define CR_QUAL_NUM(q) ((q)&0xf)
#define CR_QUAL_TYPE(q) (((q) >> 4) & 3)
#define CR_QUAL_GPR(q) (((q) >> 8) & 0xf)
#define CR_TYPE_MOV_TO 0
#define CR_TYPE_MOV_FROM 1
#define CR_TYPE_CLTS 2
#define CR_TYPE_LMSW 3

/* Exit qualification for EPT violations (SDM table 28-7) */
#define EPT_QUAL_READ (1ULL << 0)
#define EPT_QUAL_WRITE (1ULL << 1)
#define EPT_QUAL_FETCH (1ULL << 2)
#define EPT_QUAL_LA_VALID (1ULL << 7)      /* guest linear-address field valid */
#define EPT_QUAL_LA_TRANSLATED (1ULL << 8) /* the access was to that address, not a paging entry */

/*
 * Exit qualification for APIC-access VM exits (SDM 28.2.1 table 28-6): the
 * page offset (linear accesses only), the access type, and bit 16 for
 * accesses asynchronous to instruction execution.
 */
#define APIC_ACCESS_QUAL_OFFSET 0xfffULL
#define APIC_ACCESS_QUAL_TYPE_SHIFT 12
#define APIC_ACCESS_QUAL_TYPE_MASK 0xfULL
#define APIC_ACCESS_QUAL_ASYNC (1ULL << 16)
#define APIC_ACCESS_LINEAR_READ 0  /* data read during instruction execution */
#define APIC_ACCESS_LINEAR_WRITE 1 /* data write during instruction execution */
#define APIC_ACCESS_LINEAR_FETCH 2 /* instruction fetch */
#define APIC_ACCESS_LINEAR_EVENT 3 /* read or write during event delivery */
#define APIC_ACCESS_PHYS_EVENT 10  /* guest-physical access during event delivery */
#define APIC_ACCESS_PHYS_INSN 15   /* guest-physical access: fetch or instruction execution */

/* Exit qualification for APIC-write VM exits (SDM 28.2.1): the page offset of the write */
#define APIC_WRITE_QUAL_OFFSET 0xfffULL

/* Segment access rights (SDM 25.4.1 table 25-2) */
#define AR_L (1U << 13)
#define AR_DB (1U << 14)

/* Exceptions (SDM Vol. 3A table 6-1) */
#define EXC_DE 0
#define EXC_DB 1
#define EXC_NMI 2
#define EXC_BP 3
#define EXC_OF 4
#define EXC_UD 6
#define EXC_DF 8
#define EXC_GP 13
#define EXC_PF 14
#define EXC_MC 18

#endif
