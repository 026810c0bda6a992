/* SPDX-License-Identifier: MIT */
/*
 * syscall: fast system calls and ring transitions. SYSCALL from CPL3
 * enters at LSTAR with CS = STAR[47:32], SS = +8, RCX = the next RIP, R11
 * = RFLAGS, and RFLAGS cleared as IA32_FMASK says (IF, DF, AC); SYSRETQ
 * returns to RCX at CPL3 with CS = STAR[63:48] + 16, SS = + 8 and RFLAGS
 * from R11; SYSCALL with EFER.SCE=0 and SYSRET at CPL3 fault. SYSENTER
 * (Intel: valid in 64-bit mode; AMD: #UD there) enters at SYSENTER_EIP
 * with RSP = SYSENTER_ESP, CS = SYSENTER_CS, IF cleared; SYSEXITQ returns to
 * RDX/RCX at CPL3 with CS = SYSENTER_CS + 32. INT n through a DPL3 gate
 * enters CPL0 from CPL3 with the user CS/SS/RSP pushed, IRET returns.
 */
#include "conf.h"

#define INT_VEC 0x81

/* filled at CPL0 by the entry stubs */
u64 sc_rcx, sc_r11, sc_rdi, sc_flags, sc_cs, sc_ss, sc_user_rsp, sc_rsp, sc_count;
u8 sc_stack[1024] __attribute__((aligned(16)));

extern char syscall_entry[], sysenter_entry[], sc_after_syscall[];

asm(".text\n"
    "syscall_entry:\n\t"
    "mov %rcx, sc_rcx(%rip)\n\t"
    "mov %r11, sc_r11(%rip)\n\t"
    "mov %rdi, sc_rdi(%rip)\n\t"
    "mov %rsp, sc_user_rsp(%rip)\n\t"
    "lea sc_stack+1024(%rip), %rsp\n\t"
    "pushfq\n\t"
    "popq sc_flags(%rip)\n\t"
    "mov %cs, %eax\n\t"
    "mov %rax, sc_cs(%rip)\n\t"
    "mov %ss, %eax\n\t"
    "mov %rax, sc_ss(%rip)\n\t"
    "incq sc_count(%rip)\n\t"
    "lea (%rdi,%rdi), %rax\n\t" /* the result: 2 * RDI */
    "mov sc_user_rsp(%rip), %rsp\n\t"
    "sysretq\n"
    "sysenter_entry:\n\t"
    "mov %rsp, sc_rsp(%rip)\n\t"
    "pushfq\n\t"
    "popq sc_flags(%rip)\n\t"
    "mov %cs, %eax\n\t"
    "mov %rax, sc_cs(%rip)\n\t"
    "mov %ss, %eax\n\t"
    "mov %rax, sc_ss(%rip)\n\t"
    "incq sc_count(%rip)\n\t"
    "lea 1(%rdi), %rax\n\t" /* the result: RDI + 1 */
    "mov %r10, %rdx\n\t"    /* user RIP */
    "mov %r11, %rcx\n\t"    /* user RSP */
    "sysexitq\n");

struct user_out {
    u64 ret, cs, ss, flags_after, rcx_label;
};
static struct user_out uout __user_data;

static __user_text void user_syscall(void *arg)
{
    u64 ret, cs, ss, fl;
    /* IF is 1 (run_in_user keeps the caller's); set DF and AC for FMASK to clear */
    asm volatile("pushfq\n\t"
                 "orq $0x40400, (%%rsp)\n\t"
                 "popfq\n\t"
                 "mov $0x1234, %%edi\n\t"
                 "syscall\n"
                 ".globl sc_after_syscall\n"
                 "sc_after_syscall:\n\t"
                 "pushfq\n\t"
                 "popq %3\n\t"
                 "cld\n\t"
                 "pushfq\n\t"
                 "andq $~0x40000, (%%rsp)\n\t"
                 "popfq\n\t"
                 "mov %%cs, %1\n\t"
                 "mov %%ss, %2"
                 : "=a"(ret), "=r"(cs), "=r"(ss), "=r"(fl)
                 :
                 : "rcx", "r11", "rdi", "memory", "cc");
    uout.ret = ret;
    uout.cs = cs;
    uout.ss = ss;
    uout.flags_after = fl;
}

static __user_text void user_sysenter(void *arg)
{
    u64 ret, cs;
    asm volatile("lea 1f(%%rip), %%r10\n\t"
                 "mov %%rsp, %%r11\n\t"
                 "mov $0x777, %%edi\n\t"
                 "sysenter\n"
                 "1:\n\t"
                 "mov $0x23, %%ecx\n\t" /* SYSEXIT's SS is SYSENTER_CS + 40: back to USER_DS */
                 "mov %%ecx, %%ss\n\t"
                 "mov %%cs, %1"
                 : "=a"(ret), "=r"(cs)
                 :
                 : "rcx", "rdx", "r10", "r11", "rdi", "memory", "cc");
    uout.ret = ret;
    uout.cs = cs;
}

static __user_text void user_sysret(void *arg)
{
    asm volatile("sysretq");
}

static __user_text void user_int(void *arg)
{
    u64 v = 0x4242, rsp, cs;
    asm volatile("mov %%rsp, %1\n\tint $0x81\n\tmov %%cs, %2"
                 : "+a"(v), "=&r"(rsp), "=r"(cs)
                 :
                 : "memory");
    uout.ret = v;
    uout.rcx_label = rsp;
    uout.cs = cs;
}

static struct ex_regs int_regs;
static u16 int_cpl_cs;

static void int_handler(struct ex_regs *r)
{
    int_regs = *r;
    int_cpl_cs = read_cs();
    r->rax += 1;
}

static void test_syscall(void)
{
    if (!this_cpu_has(X86_FEATURE(0x80000001, 0, 3, 11))) {
        report_skip("no CPUID.80000001H:EDX.SYSCALL", "SYSCALL/SYSRET");
        return;
    }
    u64 efer = rdmsr(MSR_EFER);
    wrmsr(MSR_EFER, efer & ~X86_EFER_SCE);
    ex_reset();
    asm volatile(ASM_SAFE("syscall") : : : "rcx", "r11", "memory");
    report(ex_vector() == UD_VECTOR, "SYSCALL with EFER.SCE=0: #UD (%d)", ex_vector());

    wrmsr(MSR_EFER, efer | X86_EFER_SCE);
    wrmsr(MSR_STAR, ((u64)(USER_CS32 & ~3) << 48) | ((u64)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (u64)(uintptr_t)syscall_entry);
    wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_AC);
    report(rdmsr(MSR_LSTAR) == (u64)(uintptr_t)syscall_entry, "LSTAR reads back");
    sc_count = 0;
    memset(&uout, 0, sizeof(uout));
    irq_enable();
    int v = run_in_user(user_syscall, NULL);
    irq_disable();
    report(v == -1 && sc_count == 1, "SYSCALL from CPL3 and SYSRETQ back (%d, %lu)", v, sc_count);
    report(sc_cs == KERNEL_CS && sc_ss == KERNEL_DS, "at LSTAR: CS %#lx, SS %#lx", sc_cs, sc_ss);
    report(sc_rcx == (u64)(uintptr_t)sc_after_syscall, "RCX = the instruction after SYSCALL");
    report((sc_r11 & (X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_AC)) ==
               (X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_AC),
           "R11 = the user RFLAGS (%#lx)", sc_r11);
    report(!(sc_flags & (X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_AC)),
           "FMASK cleared IF, DF and AC at entry (%#lx)", sc_flags);
    report(sc_rdi == 0x1234 && uout.ret == 0x2468, "registers pass through (RDI %#lx, RAX %#lx)",
           sc_rdi, uout.ret);
    report(uout.cs == USER_CS && uout.ss == USER_DS, "after SYSRETQ: CS %#lx, SS %#lx", uout.cs,
           uout.ss);
    report((uout.flags_after & (X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_AC)) ==
               (X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_AC),
           "SYSRETQ restored RFLAGS from R11 (%#lx)", uout.flags_after);

    v = run_in_user(user_sysret, NULL);
    report(v == GP_VECTOR && ex_last()->error_code == 0, "SYSRET at CPL3: #GP(0) (%d)", v);
    wrmsr(MSR_EFER, efer);
}

static void test_sysenter(void)
{
    if (!this_cpu_has(X86_FEATURE(1, 0, 3, 11))) {
        report_skip("no CPUID.1:EDX.SEP", "SYSENTER/SYSEXIT");
        return;
    }
    bool amd = cpuid(0).b == 0x68747541; /* "Auth"enticAMD */
    wrmsr(MSR_IA32_SYSENTER_CS, KERNEL_CS);
    wrmsr(MSR_IA32_SYSENTER_ESP, (u64)(uintptr_t)(sc_stack + 512));
    wrmsr(MSR_IA32_SYSENTER_EIP, (u64)(uintptr_t)sysenter_entry);
    report(rdmsr(MSR_IA32_SYSENTER_EIP) == (u64)(uintptr_t)sysenter_entry &&
               rdmsr(MSR_IA32_SYSENTER_ESP) == (u64)(uintptr_t)(sc_stack + 512),
           "SYSENTER_EIP/ESP read back (64 bits)");
    sc_count = 0;
    memset(&uout, 0, sizeof(uout));
    irq_enable();
    int v = run_in_user(user_sysenter, NULL);
    irq_disable();
    if (amd) {
        report(v == UD_VECTOR, "AMD: SYSENTER in 64-bit mode #UD (%d)", v);
        return;
    }
    report(v == -1 && sc_count == 1, "SYSENTER from CPL3 and SYSEXITQ back (%d)", v);
    report(sc_cs == KERNEL_CS && sc_ss == KERNEL_DS, "at SYSENTER_EIP: CS %#lx, SS %#lx", sc_cs,
           sc_ss);
    report(sc_rsp == (u64)(uintptr_t)(sc_stack + 512), "RSP = SYSENTER_ESP");
    report(!(sc_flags & X86_EFLAGS_IF), "SYSENTER cleared IF (%#lx)", sc_flags);
    report(uout.ret == 0x778 && uout.cs == USER_CS, "after SYSEXITQ: CS %#lx, RAX %#lx", uout.cs,
           uout.ret);
}

static void test_int(void)
{
    handle_exception(INT_VEC, int_handler);
    idt_set_dpl(INT_VEC, 3);
    memset(&uout, 0, sizeof(uout));
    int v = run_in_user(user_int, NULL);
    report(v == -1 && uout.ret == 0x4243, "INT 0x81 through a DPL3 gate and IRET back (%#lx)",
           uout.ret);
    report(int_cpl_cs == KERNEL_CS, "the handler runs at CPL0 (CS %#x)", int_cpl_cs);
    report(int_regs.cs == USER_CS && int_regs.ss == USER_DS, "pushed CS %#lx and SS %#lx",
           int_regs.cs, int_regs.ss);
    report(int_regs.rsp == uout.rcx_label, "pushed RSP is the user RSP (%#lx)", int_regs.rsp);
    report(uout.cs == USER_CS, "back at CPL3 after IRET");
    idt_set_dpl(INT_VEC, 0);
    v = run_in_user(user_int, NULL);
    report_tcg_quirk(v == GP_VECTOR && ex_last()->error_code == INT_VEC * 8 + 2,
                     "IDT error code index is vector * 2 in long mode",
                     "INT 0x81 through a DPL0 gate: #GP(%#lx)", ex_last()->error_code);
}

int main(void)
{
    test_syscall();
    test_sysenter();
    test_int();
    return 0;
}
