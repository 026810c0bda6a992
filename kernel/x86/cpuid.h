/* SPDX-License-Identifier: MIT */
/* CPUID feature bits (Intel SDM Vol. 2A, CPUID instruction, tables 3-10 to 3-11). */
#ifndef KERNEL_X86_CPUID_H
#define KERNEL_X86_CPUID_H

#define CPUID1_ECX_VMX (1U << 5)
#define CPUID1_ECX_SMX (1U << 6)
#define CPUID1_ECX_X2APIC (1U << 21)
#define CPUID1_ECX_TSC_DEADLINE (1U << 24)
#define CPUID1_ECX_HYPERVISOR (1U << 31)
#define CPUID1_EDX_APIC (1U << 9)
#define CPUID80000001_EDX_NX (1U << 20)
#define CPUID80000001_EDX_PDPE1GB (1U << 26)
#define CPUID80000001_EDX_LM (1U << 29)
#define CPUID80000007_EDX_INVARIANT_TSC (1U << 8)
#define CPUID1_ECX_MONITOR (1U << 3)
#define CPUID1_ECX_OSXSAVE (1U << 27)
#define CPUID7_ECX_OSPKE (1U << 4)
#define CPUID1_ECX_PCID (1U << 17)
#define CPUID6_EAX_ARAT (1U << 2) /* APIC timer runs in every C-state */
#define CPUID7_EBX_SGX (1U << 2)
#define CPUID7_EBX_ERMS (1U << 9)
#define CPUID7_EBX_PT (1U << 25)
#define CPUID7_ECX_WAITPKG (1U << 5)
#define CPUID7_ECX_LA57 (1U << 16)
#define CPUID7_ECX_SGX_LC (1U << 30)
#define CPUID7_EDX_FSRM (1U << 4)

#endif
