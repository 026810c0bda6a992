/* SPDX-License-Identifier: MIT */
/*
 * exceptions: vector, error code, saved RIP and saved RFLAGS.RF of
 * #DE, #UD, #GP(0), #GP(selector), #NP(selector), #SS(0), #PF (error code
 * bits P/W/U/RSVD/I and CR2), #AC, #BP and INT n.
 *
 * RF in the pushed RFLAGS (Intel SDM vol. 3, 17.3.1.1 "Instruction-Breakpoint
 * Exception Condition"): for any fault-class exception except an
 * instruction-breakpoint #DB the value pushed for RF is 1; for trap-class
 * exceptions after an instruction completes and for software interrupts
 * (INT n, INT3) it is the current RF, which the instruction cleared: 0.
 */
#include "conf.h"

/* runs one instruction with an exception-table fixup; *at = its address */
#define FAULT_INSN(at, insn, ...)                                                \
    asm volatile("lea 1f(%%rip), %0\n\t1: " insn "\n\t2:\n\t" ASM_EX("1b", "2b") \
                 : "=&r"(at)__VA_ARGS__)

static void check_fault(const char *name, int vector, u64 at, int want_vec, bool has_err,
                        u64 want_err)
{
    const struct ex_info *e = ex_last();
    if (want_vec == GP_VECTOR && !strcmp(name, "#GP (rdmsr 0xdeadbeef)"))
        report_tcg_quirk(vector == want_vec, "unknown MSRs read as 0", "%s: vector %d (want %d)",
                         name, vector, want_vec);
    else if (want_vec == SS_VECTOR)
        report_tcg_quirk(vector == want_vec, "#GP instead of #SS for non-canonical SS references",
                         "%s: vector %d (want %d)", name, vector, want_vec);
    else
        report(vector == want_vec, "%s: vector %d (want %d)", name, vector, want_vec);
    if (vector != want_vec)
        return;
    report(e->rip == at, "%s: saved RIP %#lx is the faulting instruction %#lx", name, e->rip, at);
    if (has_err && want_vec == PF_VECTOR && (want_err & 8))
        report_tcg_quirk(e->error_code == want_err, "reserved-bit #PF error code lacks P",
                         "%s: error code %#lx (want %#lx)", name, e->error_code, want_err);
    else if (has_err)
        report(e->error_code == want_err, "%s: error code %#lx (want %#lx)", name, e->error_code,
               want_err);
    report_tcg_quirk(e->rflags & X86_EFLAGS_RF, "RF not set for faults",
                     "%s: RF=1 in the saved RFLAGS (%#lx)", name, e->rflags);
    report(e->cs == KERNEL_CS, "%s: saved CS %#lx", name, e->cs);
}

static void test_de(void)
{
    u64 at, rax = 1, rdx = 0, rcx = 0;
    ex_reset();
    FAULT_INSN(at, "divq %3", , "+a"(rax), "+d"(rdx) : "r"(rcx));
    check_fault("#DE (div by 0)", ex_vector(), at, DE_VECTOR, false, 0);
}

static void test_ud(void)
{
    u64 at;
    ex_reset();
    FAULT_INSN(at, "ud2");
    check_fault("#UD (ud2)", ex_vector(), at, UD_VECTOR, false, 0);
}

static void test_gp(void)
{
    u64 at, val = 0, addr = 0x8000000000000000ULL;
    ex_reset();
    FAULT_INSN(at, "movq (%2), %1", , "+r"(val) : "r"(addr));
    check_fault("#GP (non-canonical load)", ex_vector(), at, GP_VECTOR, true, 0);

    u32 lo = 0, hi = 0;
    ex_reset();
    FAULT_INSN(at, "rdmsr", , "+a"(lo), "+d"(hi) : "c"(0xdeadbeefu));
    check_fault("#GP (rdmsr 0xdeadbeef)", ex_vector(), at, GP_VECTOR, true, 0);

    /* a selector beyond the GDT limit: #GP(selector) */
    struct descriptor_ptr g;
    sgdt(&g);
    u16 sel = (u16)((g.limit + 1 + 7) & ~7);
    ex_reset();
    FAULT_INSN(at, "mov %w1, %%ds", : "r"(sel));
    check_fault("#GP (selector beyond the GDT limit)", ex_vector(), at, GP_VECTOR, true, sel);

    /* user data selector into SS at CPL0 (RPL != CPL): #GP(selector & ~3) */
    ex_reset();
    FAULT_INSN(at, "mov %w1, %%ss", : "r"((u16)USER_DS));
    check_fault("#GP (SS load with RPL 3 at CPL0)", ex_vector(), at, GP_VECTOR, true, USER_DS & ~3);
}

static void test_np(void)
{
    u64 at;
    gdt[SPARE_SEL / 8] = 0x00cf12000000ffffULL; /* data, writable, P=0 */
    ex_reset();
    FAULT_INSN(at, "mov %w1, %%ds", : "r"((u16)SPARE_SEL));
    check_fault("#NP (not-present data segment)", ex_vector(), at, NP_VECTOR, true, SPARE_SEL);
    gdt[SPARE_SEL / 8] = 0;
}

static void test_ss(void)
{
    u64 at, val = 0, off = 0x8000000000000000ULL;
    ex_reset();
    FAULT_INSN(at, "movq (%%rsp, %2), %1", , "+r"(val) : "r"(off));
    check_fault("#SS (non-canonical stack reference)", ex_vector(), at, SS_VECTOR, true, 0);
}

static u8 pf_page[4096] __attribute__((aligned(4096)));
static u8 nx_page[4096] __attribute__((aligned(4096)));

static void pf_case(const char *name, u64 set, u64 clear, bool write, u64 want_err)
{
    u64 va = (u64)(uintptr_t)pf_page, at, val = 0;
    vm_update(va, 4096, set, clear);
    ex_reset();
    if (write)
        FAULT_INSN(at, "movq %1, (%2)", : "r"(val), "r"(va + 8) : "memory");
    else
        FAULT_INSN(at, "movq (%2), %1", , "+r"(val) : "r"(va + 8) : "memory");
    check_fault(name, ex_vector(), at, PF_VECTOR, true, want_err);
    if (ex_vector() == PF_VECTOR)
        report(ex_last()->cr2 == va + 8, "%s: CR2 %#lx (want %#lx)", name, ex_last()->cr2, va + 8);
    vm_update(va, 4096, clear, set);
}

static __user_data volatile u64 user_val;
static u64 user_target;

static void __user_text user_read(void *p)
{
    user_val = *(volatile u64 *)p;
}

static void __user_text user_misaligned(void *p)
{
    u64 f;
    asm volatile("pushfq; orq $0x40000, (%%rsp); popfq; movl (%1), %%eax; pushfq; popq %0"
                 : "=r"(f)
                 : "r"(p)
                 : "rax", "memory");
    user_val = f;
}

static void __user_text user_int40(void *p)
{
    asm volatile("int $0x40");
}

static void test_pf(void)
{
    pf_case("#PF (read, not present)", 0, PT_PRESENT, false, 0);
    pf_case("#PF (write, not present)", 0, PT_PRESENT, true, 2);
    pf_case("#PF (write, read-only)", 0, PT_WRITABLE, true, 3);

    u32 maxphy = cpuid(0x80000000).a >= 0x80000008 ? cpuid(0x80000008).a & 0xff : 36;
    if (maxphy < 52)
        pf_case("#PF (reserved bit)", BIT(maxphy), 0, false, 9);
    else
        report_skip("MAXPHYADDR is 52", "#PF (reserved bit)");

    /* CPL3 read of a supervisor page: P|U */
    user_target = (u64)(uintptr_t)pf_page;
    int v = run_in_user(user_read, pf_page);
    report(v == PF_VECTOR, "#PF (user read of a supervisor page): vector %d", v);
    if (v == PF_VECTOR) {
        report(ex_last()->error_code == 5, "#PF (user read of a supervisor page): error code %#lx",
               ex_last()->error_code);
        report(ex_last()->cr2 == user_target, "#PF (user read of a supervisor page): CR2 %#lx",
               ex_last()->cr2);
        report((ex_last()->cs & 3) == 3, "#PF (user read of a supervisor page): saved CS %#lx",
               ex_last()->cs);
    }

    if (!this_cpu_has(X86_FEATURE_NX)) {
        report_skip("no CPUID.80000001H:EDX.NX", "#PF (instruction fetch from an NX page)");
        return;
    }
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | X86_EFER_NXE);
    nx_page[0] = 0xc3; /* ret */
    u64 va = (u64)(uintptr_t)nx_page;
    vm_update(va, 4096, PT_NX, 0);
    v = ex_try((void (*)(void *))(uintptr_t)va, NULL);
    report(v == PF_VECTOR, "#PF (fetch from an NX page): vector %d", v);
    if (v == PF_VECTOR) {
        report(ex_last()->error_code == 0x11, "#PF (fetch from an NX page): error code %#lx",
               ex_last()->error_code);
        report(ex_last()->rip == va && ex_last()->cr2 == va,
               "#PF (fetch from an NX page): RIP %#lx and CR2 %#lx are the page", ex_last()->rip,
               ex_last()->cr2);
    }
    vm_update(va, 4096, 0, PT_NX);
    v = ex_try((void (*)(void *))(uintptr_t)va, NULL);
    report(v == -1, "fetch from the page after clearing NX");
}

static void test_ac(void)
{
    static __user_data u8 buf[16];
    write_cr0(read_cr0() | X86_CR0_AM);
    int v = run_in_user(user_misaligned, buf + 1);
    report_tcg_quirk(v == AC_VECTOR, "no alignment checking",
                     "#AC (misaligned load at CPL3 with CR0.AM and AC): vector %d", v);
    if (v == AC_VECTOR) {
        report(ex_last()->error_code == 0, "#AC: error code %#lx", ex_last()->error_code);
        report(ex_last()->rflags & X86_EFLAGS_RF, "#AC: RF=1 in the saved RFLAGS");
    }
    write_cr0(read_cr0() & ~X86_CR0_AM);
    v = run_in_user(user_misaligned, buf + 1);
    report(v == -1, "no #AC with CR0.AM clear");
}

static struct ex_regs trap_regs;
static volatile int trap_count;

static void trap_handler(struct ex_regs *r)
{
    trap_regs = *r;
    trap_count++;
}

static void test_traps(void)
{
    u64 after;
    handle_exception(BP_VECTOR, trap_handler);
    trap_count = 0;
    asm volatile("int3\n\t1: lea 1b(%%rip), %0" : "=r"(after));
    handle_exception(BP_VECTOR, NULL);
    report(trap_count == 1 && trap_regs.vector == BP_VECTOR, "#BP (int3) delivered");
    report(trap_regs.rip == after, "#BP: saved RIP %#lx is after int3 (%#lx)", trap_regs.rip,
           after);
    report(!(trap_regs.rflags & X86_EFLAGS_RF), "#BP: RF=0 in the saved RFLAGS (%#lx)",
           trap_regs.rflags);

    handle_exception(0x40, trap_handler);
    trap_count = 0;
    asm volatile("int $0x40\n\t1: lea 1b(%%rip), %0" : "=r"(after));
    report(trap_count == 1 && trap_regs.vector == 0x40, "INT 0x40 delivered");
    report(trap_regs.rip == after, "INT 0x40: saved RIP %#lx is after the instruction",
           trap_regs.rip);
    report(!(trap_regs.rflags & X86_EFLAGS_RF), "INT 0x40: RF=0 in the saved RFLAGS (%#lx)",
           trap_regs.rflags);
    report(!(read_rflags() & X86_EFLAGS_IF) && !(trap_regs.rflags & X86_EFLAGS_IF),
           "INT 0x40 through an interrupt gate with IF=0");

    /* INT n at CPL3 through a DPL0 gate: #GP(vector * 8 + 2) */
    int v = run_in_user(user_int40, NULL);
    report(v == GP_VECTOR, "INT 0x40 at CPL3 through a DPL0 gate: #GP (vector %d)", v);
    /* error code: IDT bit (1) set, index = the vector (SDM vol. 3, 6.13) */
    report_tcg_quirk(v == GP_VECTOR && ex_last()->error_code == 0x40 * 8 + 2,
                     "IDT error code index is vector * 2 in long mode",
                     "INT 0x40 at CPL3 through a DPL0 gate: error code %#lx (want 0x202)",
                     ex_last()->error_code);
    idt_set_dpl(0x40, 3);
    trap_count = 0;
    v = run_in_user(user_int40, NULL);
    report(v == -1 && trap_count == 1 && (trap_regs.cs & 3) == 3,
           "INT 0x40 at CPL3 through a DPL3 gate reaches the handler (CS %#lx)", trap_regs.cs);
    idt_set_dpl(0x40, 0);
    handle_exception(0x40, NULL);
}

int main(void)
{
    test_de();
    test_ud();
    test_gp();
    test_np();
    test_ss();
    test_pf();
    test_ac();
    test_traps();
    return 0;
}
