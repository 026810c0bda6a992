/* SPDX-License-Identifier: MIT */
/* Thin wrappers for privileged x86 instructions that C cannot express. */
#ifndef KERNEL_X86_CPU_H
#define KERNEL_X86_CPU_H

#include <stdint.h>

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

#ifdef HOST_TEST
/*
 * Host unit tests run in user mode, where these instructions fault or must
 * answer as the test's fake machine: the test supplies them
 * (tests/unit/tdx_host_stubs.c).
 */
void cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);
uint64_t read_cr4(void);
void cpu_relax(void);
void irq_disable(void);
void irq_enable(void);
void wbinvd(void);
uint64_t irq_save(void);
void irq_restore(uint64_t flags);
#else
static inline void cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    __asm__ volatile("cpuid"
                     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
                     : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
#endif

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                   \
    static inline uint64_t read_cr##n(void)                      \
    {                                                            \
        uint64_t v;                                              \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));        \
        return v;                                                \
    }                                                            \
    static inline void write_cr##n(uint64_t v)                   \
    {                                                            \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
#ifndef HOST_TEST
DEFINE_CR_ACCESSORS(4)
#endif

/* Debug registers (SDM 18.2): the host never uses them; while a vCPU runs they hold its values. */
#define DEFINE_DR_ACCESSORS(n)                                   \
    static inline uint64_t read_dr##n(void)                      \
    {                                                            \
        uint64_t v;                                              \
        __asm__ volatile("mov %%db" #n ", %0" : "=r"(v));        \
        return v;                                                \
    }                                                            \
    static inline void write_dr##n(uint64_t v)                   \
    {                                                            \
        __asm__ volatile("mov %0, %%db" #n ::"r"(v) : "memory"); \
    }
DEFINE_DR_ACCESSORS(0)
DEFINE_DR_ACCESSORS(1)
DEFINE_DR_ACCESSORS(2)
DEFINE_DR_ACCESSORS(3)
DEFINE_DR_ACCESSORS(6)

static inline uint64_t read_rflags(void)
{
    uint64_t f;

    __asm__ volatile("pushfq; pop %0" : "=r"(f));
    return f;
}

#ifndef HOST_TEST
static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}
#endif

/* sti's one-instruction shadow makes "sti; hlt" atomic: no lost wake-up. */
static inline void irq_enable_and_halt(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}

static inline void halt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}

static inline void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

#ifndef HOST_TEST
static inline void wbinvd(void)
{
    __asm__ volatile("wbinvd" ::: "memory");
}

static inline uint64_t irq_save(void)
{
    uint64_t f = read_rflags();

    irq_disable();
    return f;
}

static inline void irq_restore(uint64_t flags)
{
    if (flags & (1UL << 9))
        irq_enable();
}
#endif

#endif
