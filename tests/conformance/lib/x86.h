/* SPDX-License-Identifier: MIT */
/* x86 instruction wrappers and architectural constants. */
#ifndef CONF_X86_H
#define CONF_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define BIT(n) (1ULL << (n))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* CR0 / CR4 / EFER / RFLAGS bits */
#define X86_CR0_PE BIT(0)
#define X86_CR0_MP BIT(1)
#define X86_CR0_EM BIT(2)
#define X86_CR0_TS BIT(3)
#define X86_CR0_NE BIT(5)
#define X86_CR0_WP BIT(16)
#define X86_CR0_AM BIT(18)
#define X86_CR0_NW BIT(29)
#define X86_CR0_CD BIT(30)
#define X86_CR0_PG BIT(31)
#define X86_CR4_VME BIT(0)
#define X86_CR4_PVI BIT(1)
#define X86_CR4_TSD BIT(2)
#define X86_CR4_DE BIT(3)
#define X86_CR4_PSE BIT(4)
#define X86_CR4_PAE BIT(5)
#define X86_CR4_MCE BIT(6)
#define X86_CR4_PGE BIT(7)
#define X86_CR4_PCE BIT(8)
#define X86_CR4_OSFXSR BIT(9)
#define X86_CR4_OSXMMEXCPT BIT(10)
#define X86_CR4_UMIP BIT(11)
#define X86_CR4_LA57 BIT(12)
#define X86_CR4_VMXE BIT(13)
#define X86_CR4_SMXE BIT(14)
#define X86_CR4_FSGSBASE BIT(16)
#define X86_CR4_PCIDE BIT(17)
#define X86_CR4_OSXSAVE BIT(18)
#define X86_CR4_SMEP BIT(20)
#define X86_CR4_SMAP BIT(21)
#define X86_CR4_PKE BIT(22)
#define X86_CR4_CET BIT(23)
#define X86_CR4_PKS BIT(24)
#define X86_EFER_SCE BIT(0)
#define X86_EFER_LME BIT(8)
#define X86_EFER_LMA BIT(10)
#define X86_EFER_NXE BIT(11)
#define X86_EFLAGS_CF BIT(0)
#define X86_EFLAGS_FIXED BIT(1)
#define X86_EFLAGS_ZF BIT(6)
#define X86_EFLAGS_TF BIT(8)
#define X86_EFLAGS_IF BIT(9)
#define X86_EFLAGS_DF BIT(10)
#define X86_EFLAGS_RF BIT(16)
#define X86_EFLAGS_VM BIT(17)
#define X86_EFLAGS_AC BIT(18)
#define X86_EFLAGS_ID BIT(21)

/* exception vectors */
#define DE_VECTOR 0
#define DB_VECTOR 1
#define NMI_VECTOR 2
#define BP_VECTOR 3
#define OF_VECTOR 4
#define BR_VECTOR 5
#define UD_VECTOR 6
#define NM_VECTOR 7
#define DF_VECTOR 8
#define TS_VECTOR 10
#define NP_VECTOR 11
#define SS_VECTOR 12
#define GP_VECTOR 13
#define PF_VECTOR 14
#define MF_VECTOR 16
#define AC_VECTOR 17
#define MC_VECTOR 18
#define XM_VECTOR 19
#define CP_VECTOR 21

/* MSRs */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APICBASE 0x1b
#define MSR_IA32_APICBASE_BSP BIT(8)
#define MSR_IA32_APICBASE_EXTD BIT(10)
#define MSR_IA32_APICBASE_ENABLE BIT(11)
#define MSR_IA32_TSC_ADJUST 0x3b
#define MSR_IA32_SPEC_CTRL 0x48
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_PAT 0x277
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

struct cpuid {
    u32 a, b, c, d;
};

static inline struct cpuid cpuid_indexed(u32 leaf, u32 sub)
{
    struct cpuid r;
    asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
    return r;
}

static inline struct cpuid cpuid(u32 leaf)
{
    return cpuid_indexed(leaf, 0);
}

/* CPUID feature test: this_cpu_has(X86_FEATURE_...) */
struct x86_feature {
    u32 leaf, sub;
    u8 reg; /* 0 eax, 1 ebx, 2 ecx, 3 edx */
    u8 bit;
};
#define X86_FEATURE(l, s, r, b) ((struct x86_feature){(l), (s), (r), (b)})
#define X86_FEATURE_MCE X86_FEATURE(1, 0, 3, 7)
#define X86_FEATURE_APIC X86_FEATURE(1, 0, 3, 9)
#define X86_FEATURE_MTRR X86_FEATURE(1, 0, 3, 12)
#define X86_FEATURE_MCA X86_FEATURE(1, 0, 3, 14)
#define X86_FEATURE_PAT X86_FEATURE(1, 0, 3, 16)
#define X86_FEATURE_DS X86_FEATURE(1, 0, 3, 21)
#define X86_FEATURE_SSE X86_FEATURE(1, 0, 3, 25)
#define X86_FEATURE_SSE2 X86_FEATURE(1, 0, 3, 26)
#define X86_FEATURE_VMX X86_FEATURE(1, 0, 2, 5)
#define X86_FEATURE_SMX X86_FEATURE(1, 0, 2, 6)
#define X86_FEATURE_PDCM X86_FEATURE(1, 0, 2, 15)
#define X86_FEATURE_PCID X86_FEATURE(1, 0, 2, 17)
#define X86_FEATURE_X2APIC X86_FEATURE(1, 0, 2, 21)
#define X86_FEATURE_TSC_DEADLINE X86_FEATURE(1, 0, 2, 24)
#define X86_FEATURE_XSAVE X86_FEATURE(1, 0, 2, 26)
#define X86_FEATURE_OSXSAVE X86_FEATURE(1, 0, 2, 27)
#define X86_FEATURE_AVX X86_FEATURE(1, 0, 2, 28)
#define X86_FEATURE_HYPERVISOR X86_FEATURE(1, 0, 2, 31)
#define X86_FEATURE_FSGSBASE X86_FEATURE(7, 0, 1, 0)
#define X86_FEATURE_TSC_ADJUST X86_FEATURE(7, 0, 1, 1)
#define X86_FEATURE_SMEP X86_FEATURE(7, 0, 1, 7)
#define X86_FEATURE_INVPCID X86_FEATURE(7, 0, 1, 10)
#define X86_FEATURE_SMAP X86_FEATURE(7, 0, 1, 20)
#define X86_FEATURE_UMIP X86_FEATURE(7, 0, 2, 2)
#define X86_FEATURE_PKU X86_FEATURE(7, 0, 2, 3)
#define X86_FEATURE_OSPKE X86_FEATURE(7, 0, 2, 4)
#define X86_FEATURE_SHSTK X86_FEATURE(7, 0, 2, 7)
#define X86_FEATURE_LA57 X86_FEATURE(7, 0, 2, 16)
#define X86_FEATURE_IBT X86_FEATURE(7, 0, 3, 20)
#define X86_FEATURE_SPEC_CTRL X86_FEATURE(7, 0, 3, 26)
#define X86_FEATURE_ARCH_CAPABILITIES X86_FEATURE(7, 0, 3, 29)
#define X86_FEATURE_XSAVEOPT X86_FEATURE(0xd, 1, 0, 0)
#define X86_FEATURE_XSAVEC X86_FEATURE(0xd, 1, 0, 1)
#define X86_FEATURE_XSAVES X86_FEATURE(0xd, 1, 0, 3)
#define X86_FEATURE_NX X86_FEATURE(0x80000001, 0, 3, 20)
#define X86_FEATURE_RDTSCP X86_FEATURE(0x80000001, 0, 3, 27)
#define X86_FEATURE_LM X86_FEATURE(0x80000001, 0, 3, 29)

static inline bool this_cpu_has(struct x86_feature f)
{
    u32 max = cpuid(f.leaf & 0x80000000).a;
    if (f.leaf > max)
        return false;
    struct cpuid r = cpuid_indexed(f.leaf, f.sub);
    u32 v = f.reg == 0 ? r.a : f.reg == 1 ? r.b : f.reg == 2 ? r.c : r.d;
    return (v >> f.bit) & 1;
}

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    return lo | ((u64)hi << 32);
}

static inline void wrmsr(u32 msr, u64 val)
{
    asm volatile("wrmsr" : : "a"((u32)val), "d"((u32)(val >> 32)), "c"(msr) : "memory");
}

/* rdmsr/wrmsr that catch a #GP: return the vector (-1 if none) */
int rdmsr_safe(u32 msr, u64 *val);
int wrmsr_safe(u32 msr, u64 val);

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return lo | ((u64)hi << 32);
}

static inline u64 rdtscp(u32 *aux)
{
    u32 lo, hi, c;
    asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
    if (aux)
        *aux = c;
    return lo | ((u64)hi << 32);
}

static inline void outb(u8 v, u16 port)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(u16 v, u16 port)
{
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(u32 v, u16 port)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline u8 inb(u16 port)
{
    u8 v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline u16 inw(u16 port)
{
    u16 v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline u32 inl(u16 port)
{
    u32 v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

#define DEFINE_CR(n)                                               \
    static inline u64 read_cr##n(void)                             \
    {                                                              \
        u64 v;                                                     \
        asm volatile("mov %%cr" #n ", %0" : "=r"(v) : : "memory"); \
        return v;                                                  \
    }                                                              \
    static inline void write_cr##n(u64 v)                          \
    {                                                              \
        asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");     \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
DEFINE_CR(8)
#undef DEFINE_CR

/* mov to CR0/CR4/CR3 that catch an exception: the vector or -1 */
int write_cr0_safe(u64 v);
int write_cr3_safe(u64 v);
int write_cr4_safe(u64 v);

static inline u64 read_rflags(void)
{
    u64 f;
    asm volatile("pushfq; popq %0" : "=r"(f) : : "memory");
    return f;
}

static inline void write_rflags(u64 f)
{
    asm volatile("pushq %0; popfq" : : "r"(f) : "memory", "cc");
}

static inline void irq_enable(void)
{
    asm volatile("sti" : : : "memory");
}
static inline void irq_disable(void)
{
    asm volatile("cli" : : : "memory");
}
/* sti; hlt: the interrupt shadow makes the pair atomic */
static inline void safe_halt(void)
{
    asm volatile("sti; hlt" : : : "memory");
}
static inline void cpu_relax(void)
{
    asm volatile("pause" : : : "memory");
}
static inline void invlpg(const void *va)
{
    asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline u64 xgetbv(u32 index)
{
    u32 lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
    return lo | ((u64)hi << 32);
}
int xsetbv_safe(u32 index, u64 value);

static inline u16 read_cs(void)
{
    u16 v;
    asm volatile("mov %%cs, %0" : "=r"(v));
    return v;
}
static inline u16 read_ss(void)
{
    u16 v;
    asm volatile("mov %%ss, %0" : "=r"(v));
    return v;
}

/* identity map: a pointer to physical address a (hidden from the compiler's bounds checks) */
static inline void *phys_to_virt(u64 a)
{
    void *p;
    asm("" : "=r"(p) : "0"(a));
    return p;
}

#define barrier() asm volatile("" : : : "memory")
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

#endif
