/* SPDX-License-Identifier: MIT */
/* Model-specific registers used by the kernel (Intel SDM Vol. 4, chapter 2). */
#ifndef KERNEL_X86_MSR_H
#define KERNEL_X86_MSR_H

#define MSR_IA32_APIC_BASE 0x1B /* SDM Vol. 3A 11.4.4 */
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ENABLE (1ULL << 11)
#define MSR_IA32_FEATURE_CONTROL 0x3A
#define MSR_IA32_PAT 0x277
#define MSR_X2APIC_BASE 0x800 /* x2APIC registers: 0x800 + (xAPIC offset >> 4), SDM 11.12.1 */
#define MSR_EFER 0xC0000080
#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102
/* SYSCALL/SYSRET and RDTSCP (SDM Vol. 4 table 2-2) */
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_CSTAR 0xC0000083
#define MSR_FMASK 0xC0000084
#define MSR_TSC_AUX 0xC0000103
#define MSR_IA32_DEBUGCTL 0x1D9

/*
 * MSRs behind CPUID feature flags, for the guest CPU model (SDM Vol. 4
 * table 2-2, architectural MSRs; SDM Vol. 3B 17.17.3 for TSC_ADJUST,
 * chapter 16 for machine check, 18 for CET, 19 for DS).
 */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_TSC_ADJUST 0x3B
#define MSR_IA32_SPEC_CTRL 0x48
#define MSR_IA32_PRED_CMD 0x49
#define MSR_IA32_UCODE_REV 0x8B
#define MSR_IA32_ARCH_CAPABILITIES 0x10A
#define MSR_IA32_FLUSH_CMD 0x10B
#define MSR_IA32_UMWAIT_CONTROL 0xE1
#define MSR_IA32_MTRRCAP 0xFE
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17A
#define MSR_IA32_MCG_CTL 0x17B
#define MCG_STATUS_VALID 0x7ULL /* RIPV, EIPV, MCIP; LMCE_S needs MCG_CAP.LMCE_P */
#define MSR_IA32_MISC_ENABLE 0x1A0
#define MISC_ENABLE_FAST_STRINGS (1ULL << 0)
#define MISC_ENABLE_AUTO_TCC (1ULL << 3)
#define MISC_ENABLE_PERFMON (1ULL << 7)       /* read-only: a PMU exists */
#define MISC_ENABLE_BTS_UNAVAIL (1ULL << 11)  /* read-only */
#define MISC_ENABLE_PEBS_UNAVAIL (1ULL << 12) /* read-only */
#define MISC_ENABLE_EIST (1ULL << 16)
#define MISC_ENABLE_MONITOR (1ULL << 18)
#define MISC_ENABLE_LIMIT_CPUID (1ULL << 22)
#define MISC_ENABLE_XTPR_DISABLE (1ULL << 23)
#define MISC_ENABLE_XD_DISABLE (1ULL << 34)
#define MSR_IA32_MTRR_FIRST 0x200
#define MSR_IA32_MTRR_LAST 0x26F
#define MSR_IA32_MTRR_DEF_TYPE 0x2FF
#define MSR_IA32_PERF_CAPABILITIES 0x345
#define MSR_IA32_MC0_CTL 0x400 /* banks: 0x400 + 4 * i (CTL, STATUS, ADDR, MISC) */
#define MSR_IA32_MC_LAST 0x47F
#define MSR_IA32_DS_AREA 0x600
#define MSR_IA32_U_CET 0x6A0
#define MSR_IA32_INTERRUPT_SSP_TABLE 0x6A8 /* 0x6A0-0x6A8: U_CET, S_CET, PL0-3_SSP, ISST */
#define MSR_IA32_TSC_DEADLINE 0x6E0
#define MSR_IA32_PKRS 0x6E1
#define MSR_X2APIC_LAST 0x8FF
#define MSR_IA32_BNDCFGS 0xD90
#define MSR_IA32_XSS 0xDA0

#endif
