/* SPDX-License-Identifier: MIT */
/*
 * mmio_insn: instructions whose memory operand is a device register, the
 * ones a hypervisor has to decode. All accesses are aligned dwords: the
 * local APIC TPR (0x80, also seen as CR8) and the IOAPIC index/data window
 * (a masked redirection entry). MOV r32 both ways and MOV imm32; OR, AND,
 * XOR, ADD, SUB with an immediate or register source; INC/DEC; BTS/BTR;
 * CMP/TEST (read only, flags); XCHG; CMPXCHG (success and failure); XADD;
 * MOVS both directions, STOS, LODS; addressing through FS and GS segment
 * bases, base + index * scale + displacement, and RIP-relative through a
 * page of the image remapped to the APIC. Each checks the register value (via
 * a plain load and via CR8) and the instruction's own results.
 */
#include "conf.h"

/* a page of the image remapped to the local APIC: RIP-relative operands reach it */
u8 alias_page[4096] __attribute__((aligned(4096)));
#define ALIAS_VA ((u64)(uintptr_t)alias_page)

static volatile u32 *tpr;
static volatile u32 *iosel, *iowin;

static void set_tpr(u32 v)
{
    *tpr = v;
}

static bool tpr_is(u32 v)
{
    return *tpr == v && read_cr8() == (v >> 4);
}

static void test_mov(void)
{
    u32 v = 0x20;
    asm volatile("movl %1, (%0)" : : "r"(tpr), "r"(v) : "memory");
    report(tpr_is(0x20), "MOV r32 -> TPR (%#x, CR8 %lu)", *tpr, read_cr8());
    u32 r;
    asm volatile("movl (%1), %0" : "=r"(r) : "r"(tpr) : "memory");
    report(r == 0x20, "MOV TPR -> r32 (%#x)", r);
    asm volatile("movl $0x30, (%0)" : : "r"(tpr) : "memory");
    report(tpr_is(0x30), "MOV imm32 -> TPR (%#x)", *tpr);
    u64 r64 = ~0ULL;
    asm volatile("movl (%1), %k0" : "+r"(r64) : "r"(tpr) : "memory");
    report(r64 == 0x30, "MOV TPR -> r32 zero-extends into the 64-bit register (%#lx)", r64);
    asm volatile("movl (%1), %%r11d; movl %%r11d, %0" : "=r"(r) : "r"(tpr) : "r11", "memory");
    report(r == 0x30, "MOV TPR -> R11D (REX register)");
}

static void test_alu(void)
{
    set_tpr(0x30);
    asm volatile("orl $0x0c, (%0)" : : "r"(tpr) : "memory", "cc");
    report(tpr_is(0x3c), "OR imm -> TPR (%#x)", *tpr);
    asm volatile("andl $0xf0, (%0)" : : "r"(tpr) : "memory", "cc");
    report(tpr_is(0x30), "AND imm -> TPR (%#x)", *tpr);
    asm volatile("xorl $0xff, (%0)" : : "r"(tpr) : "memory", "cc");
    report(tpr_is(0xcf), "XOR imm -> TPR (%#x)", *tpr);
    u64 fl;
    asm volatile("addl $1, (%1); pushfq; popq %0" : "=r"(fl) : "r"(tpr) : "memory", "cc");
    report(tpr_is(0xd0) && !(fl & X86_EFLAGS_ZF), "ADD imm -> TPR (%#x), ZF clear", *tpr);
    u32 s = 0x50;
    asm volatile("subl %1, (%0)" : : "r"(tpr), "r"(s) : "memory", "cc");
    report(tpr_is(0x80), "SUB r32 -> TPR (%#x)", *tpr);
    s = 0x05;
    asm volatile("orl %1, (%0)" : : "r"(tpr), "r"(s) : "memory", "cc");
    report(tpr_is(0x85), "OR r32 -> TPR (%#x)", *tpr);
    u32 acc = 0x100;
    asm volatile("addl (%1), %0" : "+r"(acc) : "r"(tpr) : "memory", "cc");
    report(acc == 0x185 && tpr_is(0x85), "ADD TPR -> r32 (%#x), TPR unchanged", acc);
    asm volatile("incl (%0)" : : "r"(tpr) : "memory", "cc");
    report(tpr_is(0x86), "INC TPR (%#x)", *tpr);
    asm volatile("decl (%0); decl (%0)" : : "r"(tpr) : "memory", "cc");
    report(tpr_is(0x84), "DEC TPR twice (%#x)", *tpr);
    u8 cf;
    asm volatile("btsl $6, (%1); setc %0" : "=r"(cf) : "r"(tpr) : "memory", "cc");
    report(tpr_is(0xc4) && !cf, "BTS TPR bit 6 (%#x), CF = old bit 0", *tpr);
    asm volatile("btrl $7, (%1); setc %0" : "=r"(cf) : "r"(tpr) : "memory", "cc");
    report(tpr_is(0x44) && cf, "BTR TPR bit 7 (%#x), CF = old bit 1", *tpr);
    u8 z1, z2;
    asm volatile("cmpl $0x44, (%2); setz %0; testl $0x08, (%2); setz %1"
                 : "=&r"(z1), "=&r"(z2)
                 : "r"(tpr)
                 : "memory", "cc");
    report(z1 && z2 && tpr_is(0x44), "CMP/TEST with TPR set flags, TPR unchanged");
}

static void test_atomic(void)
{
    set_tpr(0x40);
    u32 r = 0x70;
    asm volatile("xchgl %0, (%1)" : "+r"(r) : "r"(tpr) : "memory");
    report(r == 0x40 && tpr_is(0x70), "XCHG: old %#x, TPR %#x", r, *tpr);
    u32 old = 0x70, new = 0x90;
    u8 zf;
    asm volatile("lock cmpxchgl %2, (%3); setz %1"
                 : "+a"(old), "=r"(zf)
                 : "r"(new), "r"(tpr)
                 : "memory", "cc");
    report(zf && old == 0x70 && tpr_is(0x90), "CMPXCHG success: ZF, TPR %#x", *tpr);
    old = 0x12;
    new = 0xa0;
    asm volatile("lock cmpxchgl %2, (%3); setz %1"
                 : "+a"(old), "=r"(zf)
                 : "r"(new), "r"(tpr)
                 : "memory", "cc");
    report(!zf && old == 0x90 && tpr_is(0x90), "CMPXCHG failure: EAX %#x, TPR unchanged %#x", old,
           *tpr);
    r = 0x10;
    asm volatile("lock xaddl %0, (%1)" : "+r"(r) : "r"(tpr) : "memory", "cc");
    report(r == 0x90 && tpr_is(0xa0), "XADD: old %#x, TPR %#x", r, *tpr);
}

static void test_string(void)
{
    u32 buf[2] = {0xdeadbeef, 0x60};
    set_tpr(0x50);
    void *si = (void *)tpr, *di = &buf[0];
    asm volatile("cld; movsl" : "+S"(si), "+D"(di) : : "memory");
    report(buf[0] == 0x50 && si == (void *)(tpr + 1) && di == &buf[1], "MOVS TPR -> memory (%#x)",
           buf[0]);
    si = &buf[1];
    di = (void *)tpr;
    asm volatile("cld; movsl" : "+S"(si), "+D"(di) : : "memory");
    report(tpr_is(0x60) && di == (void *)(tpr + 1), "MOVS memory -> TPR (%#x)", *tpr);
    di = (void *)tpr;
    u64 cnt = 1;
    asm volatile("cld; rep stosl" : "+D"(di), "+c"(cnt) : "a"(0x70) : "memory");
    report(tpr_is(0x70) && cnt == 0, "REP STOS (count 1) -> TPR (%#x)", *tpr);
    si = (void *)tpr;
    u32 a;
    asm volatile("cld; lodsl" : "=a"(a), "+S"(si) : : "memory");
    report(a == 0x70, "LODS TPR (%#x)", a);
}

static void test_addressing(void)
{
    u64 base = apic_base_phys();
    u64 fs = rdmsr(MSR_FS_BASE), gs = rdmsr(MSR_GS_BASE);
    wrmsr(MSR_FS_BASE, base);
    wrmsr(MSR_GS_BASE, base);
    asm volatile("movl $0x40, %%fs:0x80" : : : "memory");
    report(tpr_is(0x40), "MOV imm32 -> FS:0x80 (FS base = APIC base) (%#x)", *tpr);
    u32 r;
    asm volatile("orl $0x02, %%gs:0x80; movl %%gs:0x80, %0" : "=r"(r) : : "memory", "cc");
    report(r == 0x42 && tpr_is(0x42), "OR then MOV through GS:0x80 (%#x)", r);
    wrmsr(MSR_FS_BASE, fs);
    wrmsr(MSR_GS_BASE, gs);

    u64 idx = 0x10;
    asm volatile("movl $0x60, 0x40(%0,%1,4)" : : "r"(base), "r"(idx) : "memory");
    report(tpr_is(0x60), "MOV imm32 -> [base + index*4 + 0x40] (%#x)", *tpr);
    r = 0;
    idx = 0xc;
    asm volatile("movl 0x20(%1,%2,8), %0" : "=r"(r) : "r"(base), "r"(idx) : "memory");
    report(r == 0x60, "MOV [base + index*8 + 0x20] -> r32 (%#x)", r);

    /* an alias page in the image: RIP-relative reaches it */
    u64 *pte = vm_pte(ALIAS_VA);
    u64 save = *pte;
    *pte = base | PT_PRESENT | PT_WRITABLE | PT_PCD | PT_PWT;
    invlpg((void *)ALIAS_VA);
    asm volatile("movl $0x70, alias_page+0x80(%%rip)\n\t"
                 "movl alias_page+0x80(%%rip), %0"
                 : "=r"(r)
                 :
                 : "memory");
    report(r == 0x70 && tpr_is(0x70), "MOV through a RIP-relative operand on an alias page (%#x)",
           r);
    asm volatile("xorl $0x0f, alias_page+0x80(%%rip)" : : : "memory", "cc");
    report(tpr_is(0x7f), "XOR with a RIP-relative operand (%#x)", *tpr);
    *pte = save;
    invlpg((void *)ALIAS_VA);
}

static void test_ioapic(void)
{
    const int pin = 13;
    u64 old = ioapic_read_redir(pin);
    ioapic_write_redir(pin, IOAPIC_REDIR_MASKED | 0x40);
    u32 sel = 0x10 + 2 * pin;
    asm volatile("movl %1, (%0)" : : "r"(iosel), "r"(sel) : "memory");
    asm volatile("orl $0x0e, (%0)" : : "r"(iowin) : "memory", "cc");
    report((ioapic_read(sel) & 0x1ffff) == (IOAPIC_REDIR_MASKED | 0x4e),
           "IOAPIC: OR on the data window (%#x)", ioapic_read(sel));
    asm volatile("movl %1, (%0)" : : "r"(iosel), "r"(sel) : "memory");
    asm volatile("xorl $0x0c, (%0)" : : "r"(iowin) : "memory", "cc");
    u32 r = 0;
    asm volatile("movl %2, (%1); movl (%3), %0"
                 : "=r"(r)
                 : "r"(iosel), "r"(sel), "r"(iowin)
                 : "memory");
    report((r & 0x1ffff) == (IOAPIC_REDIR_MASKED | 0x42), "IOAPIC: XOR, then MOV reads %#x", r);
    u32 x = IOAPIC_REDIR_MASKED | 0x33;
    asm volatile("movl %1, (%0)" : : "r"(iosel), "r"(sel) : "memory");
    asm volatile("xchgl %0, (%1)" : "+r"(x) : "r"(iowin) : "memory");
    report((x & 0x1ffff) == (IOAPIC_REDIR_MASKED | 0x42) &&
               (ioapic_read(sel) & 0x1ffff) == (IOAPIC_REDIR_MASKED | 0x33),
           "IOAPIC: XCHG on the data window (old %#x)", x);
    u64 fs = rdmsr(MSR_FS_BASE);
    wrmsr(MSR_FS_BASE, ioapic_base());
    u32 ver;
    asm volatile("movl $1, %%fs:0; movl %%fs:0x10, %0" : "=r"(ver) : : "memory");
    wrmsr(MSR_FS_BASE, fs);
    report(ver == ioapic_read(1), "IOAPIC: version through FS:0 / FS:0x10 (%#x)", ver);
    ioapic_write_redir(pin, old | IOAPIC_REDIR_MASKED);
}

int main(void)
{
    if (apic_x2apic_mode())
        report_abort("the local APIC is in x2APIC mode; this guest needs xAPIC MMIO");
    tpr = phys_to_virt(apic_base_phys() + APIC_TPR);
    iosel = phys_to_virt(ioapic_base());
    iowin = phys_to_virt(ioapic_base() + 0x10);
    test_mov();
    test_alu();
    test_atomic();
    test_string();
    test_addressing();
    test_ioapic();
    set_tpr(0);
    report(tpr_is(0), "TPR back to 0");
    return 0;
}
