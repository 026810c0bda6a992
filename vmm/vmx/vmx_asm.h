/* SPDX-License-Identifier: MIT */
/*
 * VMX instructions (SDM Vol. 3C chapter 31). Each reports VMfailInvalid
 * (CF=1) or VMfailValid (ZF=1) as -EIO; the VM-instruction error field
 * says why after a VMfailValid.
 */
#ifndef VMM_VMX_VMX_ASM_H
#define VMM_VMX_VMX_ASM_H

#include "lib/compiler.h"
#include "lib/errno.h"

static inline int vmxon(uint64_t phys)
{
    bool fail;

    __asm__ volatile("vmxon %1" : "=@ccbe"(fail) : "m"(phys) : "memory", "cc");
    return fail ? -EIO : 0;
}

static inline void vmxoff(void)
{
    __asm__ volatile("vmxoff" ::: "memory", "cc");
}

static inline int vmclear(uint64_t phys)
{
    bool fail;

    __asm__ volatile("vmclear %1" : "=@ccbe"(fail) : "m"(phys) : "memory", "cc");
    return fail ? -EIO : 0;
}

static inline int vmptrld(uint64_t phys)
{
    bool fail;

    __asm__ volatile("vmptrld %1" : "=@ccbe"(fail) : "m"(phys) : "memory", "cc");
    return fail ? -EIO : 0;
}

static inline uint64_t vmread(uint64_t field)
{
    uint64_t v;

    __asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"(field) : "cc");
    return v;
}

static inline int vmwrite(uint64_t field, uint64_t v)
{
    bool fail;

    __asm__ volatile("vmwrite %2, %1" : "=@ccbe"(fail) : "r"(field), "rm"(v) : "cc");
    return fail ? -EIO : 0;
}

struct invept_desc {
    uint64_t eptp;
    uint64_t reserved;
};

static inline int invept(uint64_t type, uint64_t eptp)
{
    struct invept_desc d = {eptp, 0};
    bool fail;

    __asm__ volatile("invept %1, %2" : "=@ccbe"(fail) : "m"(d), "r"(type) : "memory", "cc");
    return fail ? -EIO : 0;
}

struct invvpid_desc {
    uint64_t vpid;
    uint64_t addr;
};

static inline int invvpid(uint64_t type, uint16_t vpid)
{
    struct invvpid_desc d = {vpid, 0};
    bool fail;

    __asm__ volatile("invvpid %1, %2" : "=@ccbe"(fail) : "m"(d), "r"(type) : "memory", "cc");
    return fail ? -EIO : 0;
}

#define INVEPT_SINGLE 1
#define INVEPT_ALL 2
#define INVVPID_SINGLE 1
#define INVVPID_ALL 2

#endif
