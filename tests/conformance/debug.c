/* SPDX-License-Identifier: MIT */
/*
 * debug: #DB. Single-step (RFLAGS.TF) traps after each instruction with
 * DR6.BS; a write data breakpoint (DR0/DR7, RW=01) traps after the write
 * with DR6.B0 and ignores reads; an instruction breakpoint (RW=00) is a
 * fault at the instruction with RF=0 pushed, resumed once with RF=1;
 * DR7.GD makes a MOV from DR7 fault with DR6.BD and is cleared on entry;
 * MOV SS suppresses the single-step trap of the next instruction (POP SS
 * does not exist in 64-bit mode); STI's interrupt shadow: a self-IPI
 * pending with IF=0 is taken after the instruction following STI, also
 * when that instruction is CPUID (which exits under a hypervisor).
 */
#include "conf.h"

#define IPI_VEC 0x60

static volatile int ndb;
static volatile u64 db_rip[8], db_dr6[8], db_rflags[8];
static volatile u64 stop_rip;
static volatile bool set_rf;

static inline u64 read_dr6(void)
{
    u64 v;
    asm volatile("mov %%dr6, %0" : "=r"(v));
    return v;
}
static inline void write_dr6(u64 v)
{
    asm volatile("mov %0, %%dr6" : : "r"(v));
}
static inline void write_dr7(u64 v)
{
    asm volatile("mov %0, %%dr7" : : "r"(v));
}
static inline void write_dr0(u64 v)
{
    asm volatile("mov %0, %%dr0" : : "r"(v));
}

static void db_handler(struct ex_regs *r)
{
    int i = ndb++;
    if (i < 8) {
        db_rip[i] = r->rip;
        db_dr6[i] = read_dr6();
        db_rflags[i] = r->rflags;
    }
    write_dr6(0);
    if (r->rip == stop_rip || ndb >= 8)
        r->rflags &= ~X86_EFLAGS_TF;
    if (set_rf)
        r->rflags |= X86_EFLAGS_RF;
}

static void reset_db(void)
{
    ndb = 0;
    stop_rip = 0;
    set_rf = false;
    write_dr6(0);
}

static void test_single_step(void)
{
    u64 l1, l2, l3;
    reset_db();
    asm volatile("lea 1f(%%rip), %0\n\t"
                 "lea 2f(%%rip), %1\n\t"
                 "lea 3f(%%rip), %2\n\t"
                 "mov %2, stop_rip(%%rip)\n\t"
                 "pushfq\n\t"
                 "orq $0x100, (%%rsp)\n\t"
                 "popfq\n\t"
                 "nop\n\t"
                 "1: nop\n\t"
                 "2: nop\n\t"
                 "3:"
                 : "=&r"(l1), "=&r"(l2), "=&r"(l3)
                 :
                 : "memory");
    report(ndb == 3, "single-step: one #DB per instruction after POPF set TF (%d)", ndb);
    report(db_rip[0] == l1 && db_rip[1] == l2 && db_rip[2] == l3,
           "single-step: #DB RIPs are after each instruction");
    report((db_dr6[0] & BIT(14)) && (db_dr6[2] & BIT(14)), "single-step: DR6.BS set (%#lx)",
           db_dr6[0]);
    report(!(read_rflags() & X86_EFLAGS_TF), "TF clear after the handler cleared it");
}

static volatile u64 watched;

static void test_data_bp(void)
{
    u64 after, v = 0;
    reset_db();
    write_dr0((u64)(uintptr_t)&watched);
    write_dr7(BIT(0) | (1ULL << 16) | (3ULL << 18)); /* L0, write, 4 bytes */
    asm volatile("movq %1, watched(%%rip)\n\t1: lea 1b(%%rip), %0"
                 : "=r"(after)
                 : "r"(0x1234ULL)
                 : "memory");
    asm volatile("movq watched(%%rip), %0" : "=r"(v) : : "memory");
    write_dr7(0);
    report(ndb == 1, "write breakpoint: one #DB for a write, none for a read (%d)", ndb);
    report(db_rip[0] == after, "write breakpoint: trap, RIP after the write");
    report(db_dr6[0] & BIT(0), "write breakpoint: DR6.B0 set (%#lx)", db_dr6[0]);
    report(watched == 0x1234, "write breakpoint: the write happened");

    reset_db();
    write_dr7(BIT(0) | (3ULL << 16) | (3ULL << 18)); /* L0, read/write, 4 bytes */
    asm volatile("movq watched(%%rip), %0" : "=r"(v) : : "memory");
    write_dr7(0);
    report(ndb == 1 && (db_dr6[0] & BIT(0)), "read/write breakpoint: a read triggers it");
}

static void test_insn_bp(void)
{
    u64 at;
    reset_db();
    set_rf = true;
    asm volatile("lea 1f(%%rip), %0\n\t"
                 "mov %0, %%dr0\n\t"
                 "mov %1, %%dr7\n\t"
                 "1: nop\n\t"
                 "nop"
                 : "=&r"(at)
                 : "r"(BIT(0))
                 : "memory");
    write_dr7(0);
    set_rf = false;
    report(ndb == 1, "instruction breakpoint: one #DB (resumed with RF=1) (%d)", ndb);
    report(db_rip[0] == at, "instruction breakpoint: fault, RIP at the instruction");
    report(db_dr6[0] & BIT(0), "instruction breakpoint: DR6.B0 set (%#lx)", db_dr6[0]);
    report(!(db_rflags[0] & X86_EFLAGS_RF), "instruction breakpoint: RF=0 pushed (%#lx)",
           db_rflags[0]);
}

static void test_gd(void)
{
    u64 at, v;
    reset_db();
    write_dr7(BIT(13));
    asm volatile("lea 1f(%%rip), %0\n\t1: mov %%dr7, %1" : "=&r"(at), "=r"(v) : : "memory");
#define GD_WHY "DR7.GD not implemented"
    report_tcg_quirk(ndb == 1, GD_WHY, "DR7.GD: MOV from DR7 raises #DB (%d)", ndb);
    report_tcg_quirk(ndb == 1 && db_rip[0] == at, GD_WHY, "DR7.GD: fault, RIP at the MOV");
    report_tcg_quirk(ndb == 1 && (db_dr6[0] & BIT(13)), GD_WHY, "DR7.GD: DR6.BD set (%#lx)",
                     db_dr6[0]);
    report_tcg_quirk(!(v & BIT(13)), GD_WHY,
                     "DR7.GD cleared on #DB entry (re-executed MOV read %#lx)", v);
    write_dr7(0);
}

static void test_mov_ss(void)
{
    u64 l2, l3, l5;
    reset_db();
    asm volatile("lea 2f(%%rip), %0\n\t"
                 "lea 3f(%%rip), %1\n\t"
                 "lea 5f(%%rip), %2\n\t"
                 "mov %2, stop_rip(%%rip)\n\t"
                 "pushfq\n\t"
                 "orq $0x100, (%%rsp)\n\t"
                 "popfq\n\t"
                 "1: nop\n\t"
                 "2: mov %%ss, %%eax\n\t"
                 "3: mov %%eax, %%ss\n\t"
                 "4: nop\n\t"
                 "5:"
                 : "=&r"(l2), "=&r"(l3), "=&r"(l5)
                 :
                 : "rax", "memory");
    report(ndb == 3, "MOV SS: single-step #DBs (%d, want 3)", ndb);
    report(db_rip[0] == l2 && db_rip[1] == l3 && db_rip[2] == l5,
           "MOV SS: no #DB between MOV SS and the next instruction");
}

static volatile int ipi_hits;
static volatile u64 ipi_rip;

static void ipi_isr(struct ex_regs *r)
{
    ipi_hits++;
    ipi_rip = r->rip;
    apic_eoi();
}

static void test_sti_shadow(void)
{
    u64 after;
    ipi_hits = 0;
    apic_self_ipi(IPI_VEC);
    udelay(100);
    report(ipi_hits == 0 && apic_vector_bit(APIC_IRR, IPI_VEC), "self-IPI pending with IF=0");
    asm volatile("lea 1f(%%rip), %0\n\tsti\n\tnop\n\t1: cli" : "=&r"(after) : : "memory");
    report(ipi_hits == 1 && ipi_rip == after,
           "STI; NOP: interrupt taken after the NOP (RIP %#lx, want %#lx)", ipi_rip, after);

    ipi_hits = 0;
    apic_self_ipi(IPI_VEC);
    udelay(100);
    u32 a = 0, b, c = 0, d;
    asm volatile("lea 1f(%%rip), %4\n\tsti\n\tcpuid\n\t1: cli"
                 : "+a"(a), "=b"(b), "+c"(c), "=d"(d), "=&r"(after)
                 :
                 : "memory");
    report(ipi_hits == 1 && ipi_rip == after,
           "STI; CPUID: interrupt taken after the CPUID (RIP %#lx, want %#lx)", ipi_rip, after);
}

int main(void)
{
    handle_exception(DB_VECTOR, db_handler);
    handle_irq(IPI_VEC, ipi_isr);
    test_single_step();
    test_data_bp();
    test_insn_bp();
    test_gd();
    test_mov_ss();
    test_sti_shadow();
    return 0;
}
