/* SPDX-License-Identifier: MIT */
/*
 * segments: segmentation in long mode. A far call (m16:32) into a 32-bit
 * code segment runs compatibility-mode code (0x40 is INC EAX there, not a
 * REX prefix; PUSH is 4 bytes; CS reads the 32-bit selector) and its far
 * return comes back to 64-bit mode; a 64-bit far call/return (m16:64,
 * LRETQ) works. LAR and LSL on the GDT's descriptors return the access
 * rights and the (granularity-scaled) limit with ZF=1, the TSS included;
 * they clear ZF for the null selector, a zero descriptor, a selector past
 * the GDT limit and, at CPL3, a DPL0 segment; LAR/LSL work on a not-present
 * descriptor; VERR/VERW follow readability, writability and privilege.
 */
#include "conf.h"

extern char compat_fn[], far64_fn[];

asm(".text\n"
    ".code32\n"
    "compat_fn:\n\t"
    ".byte 0x40\n\t" /* INC EAX in 32-bit code */
    "mov %esp, %ebx\n\t"
    "push %eax\n\t"
    "mov %esp, %ecx\n\t"
    "pop %eax\n\t"
    "sub %ecx, %ebx\n\t"
    "mov %cs, %edx\n\t"
    "lret\n"
    ".code64\n"
    "far64_fn:\n\t"
    "mov %cs, %edx\n\t"
    "lea 1(%rax), %rax\n\t"
    "lretq\n");

struct far32 {
    u32 off;
    u16 sel;
} __attribute__((packed));

struct far64 {
    u64 off;
    u16 sel;
} __attribute__((packed));

static void test_far_calls(void)
{
    struct far32 fp = {(u32)(uintptr_t)compat_fn, KERNEL_CS32};
    u32 a = 41, push, cs;
    asm volatile("lcall *%3" : "+a"(a), "=b"(push), "=d"(cs) : "m"(fp) : "rcx", "memory");
    report(a == 42, "compatibility mode: 0x40 is INC EAX (%u)", a);
    report(push == 4, "compatibility mode: PUSH moves ESP by 4 (%u)", push);
    report((cs & 0xffff) == KERNEL_CS32, "compatibility mode: CS %#x", cs & 0xffff);
    report(read_cs() == KERNEL_CS, "back in 64-bit mode after the far return (CS %#x)", read_cs());

    struct far64 fp64 = {(u64)(uintptr_t)far64_fn, KERNEL_CS};
    u64 r = 0x100000000ULL;
    u32 cs64 = 0;
    asm volatile("rex.w lcall *%2" : "+a"(r), "=d"(cs64) : "m"(fp64) : "memory");
    report(r == 0x100000001ULL && (cs64 & 0xffff) == KERNEL_CS,
           "64-bit far call (m16:64) and LRETQ (RAX %#lx)", r);
}

static bool lar(u16 sel, u32 *ar)
{
    u8 zf;
    u32 v = 0;
    asm volatile("lar %2, %0; setz %1" : "+r"(v), "=r"(zf) : "r"((u32)sel) : "cc");
    *ar = v;
    return zf;
}

static bool lsl(u16 sel, u32 *lim)
{
    u8 zf;
    u32 v = 0;
    asm volatile("lsl %2, %0; setz %1" : "+r"(v), "=r"(zf) : "r"((u32)sel) : "cc");
    *lim = v;
    return zf;
}

static bool verr(u16 sel)
{
    u8 zf;
    asm volatile("verr %w1; setz %0" : "=r"(zf) : "r"(sel) : "cc");
    return zf;
}

static bool verw(u16 sel)
{
    u8 zf;
    asm volatile("verw %w1; setz %0" : "=r"(zf) : "r"(sel) : "cc");
    return zf;
}

static u32 desc_ar(u64 d)
{
    return (u32)(d >> 32) & 0x00f0fe00; /* accessed bit (bit 8) left out */
}

static u32 desc_limit(u64 d)
{
    u32 l = (u32)(d & 0xffff) | (u32)((d >> 32) & 0xf0000);
    return (d & BIT(55)) ? (l << 12) | 0xfff : l;
}

static void test_lar_lsl(void)
{
    static const u16 sels[] = {KERNEL_CS, KERNEL_DS,   USER_CS32,  USER_DS,
                               USER_CS,   KERNEL_CS32, KERNEL_CS16};
    for (unsigned i = 0; i < ARRAY_SIZE(sels); i++) {
        u16 s = sels[i];
        u64 d = gdt[s / 8];
        u32 ar, lim;
        bool z1 = lar(s, &ar);
        bool z2 = lsl(s, &lim);
        report(z1 && (ar & 0x00f0fe00) == desc_ar(d),
               "LAR %#x: ZF, access rights %#x match the descriptor", s, ar);
        report(z2 && lim == desc_limit(d), "LSL %#x: ZF, limit %#x", s, lim);
    }
    u32 ar = 0, lim = 0;
    u16 tr;
    asm volatile("str %0" : "=r"(tr));
    bool z = lar(tr, &ar);
    report(z && ((ar >> 8) & 0x9f) == 0x8b, "LAR TR %#x: busy 64-bit TSS (%#x)", tr, ar);
    z = lsl(tr, &lim);
    report(z && lim == sizeof(struct tss64) - 1, "LSL TR: limit %u", lim);

    report(!lar(0, &ar), "LAR null selector: ZF=0");
    report(!lar(SPARE_SEL, &ar) && !lsl(SPARE_SEL, &lim), "LAR/LSL zero descriptor: ZF=0");
    struct descriptor_ptr g;
    sgdt(&g);
    u16 past = (u16)((g.limit + 1) & ~7);
    report(!lar(past, &ar) && !lsl(past, &lim), "LAR/LSL selector %#x past the GDT limit: ZF=0",
           past);

    /* a not-present DPL3 data segment, limit 0x12345 bytes */
    gdt[SPARE_SEL / 8] = 0x2345ULL | (0x72ULL << 40) | (0x1ULL << 48);
    z = lar(SPARE_SEL | 3, &ar);
    report(z && !(ar & BIT(15)) && ((ar >> 8) & 0x7f) == 0x72,
           "LAR on a not-present descriptor: ZF, P clear (%#x)", ar);
    z = lsl(SPARE_SEL | 3, &lim);
    report(z && lim == 0x12345, "LSL on it: byte limit %#x", lim);
    /* reserved system type 0 */
    gdt[SPARE_SEL / 8] = 0xffffULL | (0x80ULL << 40);
    report(!lar(SPARE_SEL, &ar), "LAR on a reserved system type: ZF=0");
    gdt[SPARE_SEL / 8] = 0;
}

struct user_res {
    u8 lar_k, lar_u, verr_kds, verw_kds, verr_uds, verw_uds;
};
static struct user_res ures __user_data;

static __user_text void user_checks(void *arg)
{
    u32 v = 0;
    asm volatile("lar %2, %1; setz %0" : "=m"(ures.lar_k), "+r"(v) : "r"((u32)KERNEL_CS) : "cc");
    asm volatile("lar %2, %1; setz %0" : "=m"(ures.lar_u), "+r"(v) : "r"((u32)USER_CS) : "cc");
    asm volatile("verr %w1; setz %0" : "=m"(ures.verr_kds) : "r"((u16)KERNEL_DS) : "cc");
    asm volatile("verw %w1; setz %0" : "=m"(ures.verw_kds) : "r"((u16)KERNEL_DS) : "cc");
    asm volatile("verr %w1; setz %0" : "=m"(ures.verr_uds) : "r"((u16)USER_DS) : "cc");
    asm volatile("verw %w1; setz %0" : "=m"(ures.verw_uds) : "r"((u16)USER_DS) : "cc");
}

static void test_verr_verw(void)
{
    report(verr(KERNEL_CS) && !verw(KERNEL_CS), "KERNEL_CS: VERR (readable code) yes, VERW no");
    report(verr(KERNEL_DS) && verw(KERNEL_DS), "KERNEL_DS: VERR and VERW yes");
    report(!verr(0) && !verw(0), "null selector: VERR/VERW no");
    gdt[SPARE_SEL / 8] = 0xffffULL | (0x98ULL << 40) | (0xcfULL << 48); /* execute-only code */
    report(!verr(SPARE_SEL) && !verw(SPARE_SEL), "execute-only code: VERR/VERW no");
    gdt[SPARE_SEL / 8] = 0xffffULL | (0x90ULL << 40) | (0xcfULL << 48); /* read-only data */
    report(verr(SPARE_SEL) && !verw(SPARE_SEL), "read-only data: VERR yes, VERW no");
    gdt[SPARE_SEL / 8] = 0;

    memset(&ures, 0, sizeof(ures));
    int v = run_in_user(user_checks, NULL);
    report(v == -1, "CPL3 checks ran (%d)", v);
    report(!ures.lar_k && ures.lar_u, "CPL3: LAR of a DPL0 code segment ZF=0, DPL3 ZF=1");
    report(!ures.verr_kds && !ures.verw_kds, "CPL3: VERR/VERW of a DPL0 data segment no");
    report(ures.verr_uds && ures.verw_uds, "CPL3: VERR/VERW of a DPL3 data segment yes");
}

int main(void)
{
    test_far_calls();
    test_lar_lsl();
    test_verr_verw();
    return 0;
}
