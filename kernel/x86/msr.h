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

#endif
