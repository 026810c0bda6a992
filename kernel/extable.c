/* SPDX-License-Identifier: MIT */
/* Exception fixup table lookup. */
#include "kernel/extable.h"
#include "lib/errno.h"

extern const struct extable_entry __extable_start[], __extable_end[];

uint64_t extable_find(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;
    uint64_t vec = 0;

    /* On #GP the handler resumes at 2: with RAX = 13 (the vector). */
    __asm__ volatile("1: rdmsr\n\t"
                     "xor %2, %2\n\t"
                     "jmp 3f\n"
                     "2: mov %%rax, %2\n"
                     "3:\n\t"
                     ".pushsection .extable, \"a\"\n\t"
                     ".quad 1b, 2b\n\t"
                     ".popsection"
                     : "=a"(lo), "=d"(hi), "=r"(vec)
                     : "c"(msr)
                     : "memory");
    if (vec)
        return -EIO;
    *val = ((uint64_t)hi << 32) | lo;
    return 0;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
    uint64_t vec = 0;

    /* As rdmsr_safe: a #GP resumes at 2: with RAX = the vector. */
    __asm__ volatile("1: wrmsr\n\t"
                     "xor %0, %0\n\t"
                     "jmp 3f\n"
                     "2: mov %%rax, %0\n"
                     "3:\n\t"
                     ".pushsection .extable, \"a\"\n\t"
                     ".quad 1b, 2b\n\t"
                     ".popsection"
                     : "=r"(vec)
                     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                     : "memory");
    return vec ? -EIO : 0;
}
