/* SPDX-License-Identifier: MIT */
#include "percpu.h"
#include "libc.h"
#include "report.h"

struct idt_gate {
    u16 off0, sel;
    u8 ist, type;
    u16 off1;
    u32 off2, res;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
static handler_fn handlers[256];
struct percpu percpus[MAX_CPUS];

extern u8 isr_stubs[], ex_try_resume[], user_exit[];
extern u8 __user_start[], __user_end[];
extern struct {
    u64 insn, fixup;
} __ex_table_start[], __ex_table_end[];
void enter_user(void *call);

static __user_data u8 user_stacks[MAX_CPUS][4096] __attribute__((aligned(4096)));

static const char *const ex_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static void set_gate(int vec, int dpl, bool trap)
{
    u64 a = (u64)(uintptr_t)(isr_stubs + 16 * vec);
    idt[vec] = (struct idt_gate){
        .off0 = (u16)a,
        .sel = KERNEL_CS,
        .ist = 0,
        .type = (u8)(0x80 | (dpl << 5) | (trap ? 0xf : 0xe)),
        .off1 = (u16)(a >> 16),
        .off2 = (u32)(a >> 32),
    };
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, (v == BP_VECTOR || v == OF_VECTOR || v == USER_EXIT_VECTOR) ? 3 : 0, false);
}

void idt_set_dpl(u8 vec, int dpl)
{
    idt[vec].type = (u8)((idt[vec].type & ~0x60) | ((dpl & 3) << 5));
}

void idt_set_trap_gate(u8 vec, bool trap)
{
    idt[vec].type = (u8)((idt[vec].type & ~0xf) | (trap ? 0xf : 0xe));
}

handler_fn handle_exception(u8 vec, handler_fn fn)
{
    handler_fn old = handlers[vec];
    handlers[vec] = fn;
    barrier();
    return old;
}

const struct ex_info *ex_last(void)
{
    return &this_cpu()->ex;
}

void ex_reset(void)
{
    this_cpu()->ex.vector = -1;
}

int ex_vector(void)
{
    return this_cpu()->ex.vector;
}

static void record(struct percpu *pc, struct ex_regs *r)
{
    pc->ex = (struct ex_info){
        .vector = (int)r->vector,
        .error_code = r->error_code,
        .rip = r->rip,
        .cs = r->cs,
        .rflags = r->rflags,
        .rsp = r->rsp,
        .cr2 = read_cr2(),
    };
}

void do_isr(struct ex_regs *r);
void do_isr(struct ex_regs *r)
{
    u8 vec = (u8)r->vector;
    if (handlers[vec]) {
        handlers[vec](r);
        return;
    }
    if (vec == 0xff)
        return; /* spurious interrupt vector: no EOI */
    struct percpu *pc = this_cpu();
    if (vec < 32 || vec == USER_EXIT_VECTOR) {
        for (typeof(&__ex_table_start[0]) e = __ex_table_start; e < __ex_table_end; e++) {
            if (e->insn == r->rip && vec != USER_EXIT_VECTOR) {
                record(pc, r);
                r->rip = e->fixup;
                return;
            }
        }
        if (pc->try_rsp) {
            if (vec == USER_EXIT_VECTOR) {
                r->rax = (u64)-1;
            } else {
                record(pc, r);
                r->rax = vec;
            }
            r->rip = (u64)(uintptr_t)ex_try_resume;
            r->cs = KERNEL_CS;
            r->ss = KERNEL_DS;
            r->rsp = pc->try_rsp;
            r->rflags = X86_EFLAGS_FIXED;
            pc->try_rsp = 0;
            return;
        }
    }
    if (vec < 32)
        report_fail("unexpected exception %s (vector %d) on cpu %d: error code %#lx, rip %#lx, "
                    "cs %#lx, rflags %#lx, cr2 %#lx",
                    ex_names[vec] ? ex_names[vec] : "?", vec, pc->cpu, r->error_code, r->rip, r->cs,
                    r->rflags, read_cr2());
    else
        report_fail("unexpected interrupt vector %d on cpu %d at rip %#lx", vec, pc->cpu, r->rip);
    exit(report_summary());
}

struct user_call {
    void (*fn)(void *);
    void *arg;
    u64 stack_top;
};

static void user_call_kernel(void *p)
{
    enter_user(p);
}

int run_in_user(void (*fn)(void *), void *arg)
{
    struct percpu *pc = this_cpu();
    u64 top = (u64)(uintptr_t)&user_stacks[pc->cpu][4096];
    struct user_call c = {fn, arg, top - 8};
    u64 f = read_rflags();
    write_rflags(f | X86_EFLAGS_AC); /* the stack is a user page: SMAP */
    *(u64 *)(uintptr_t)(top - 8) = (u64)(uintptr_t)user_exit;
    write_rflags(f);
    return ex_try(user_call_kernel, &c);
}

static void set_tss_desc(int cpu, struct tss64 *t)
{
    u64 base = (u64)(uintptr_t)t, limit = sizeof(*t) - 1;
    int i = TSS_SEL(cpu) / 8;
    gdt[i] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[i + 1] = base >> 32;
}

void cpu_setup(int cpu)
{
    struct percpu *pc = &percpus[cpu];
    u8 *main_stack = cpu_stacks + 2 * cpu * STACK_SIZE;
    u8 *irq_stack = main_stack + STACK_SIZE;
    *(struct percpu **)main_stack = pc;
    *(struct percpu **)irq_stack = pc;
    pc->cpu = cpu;
    pc->ex.vector = -1;
    pc->tss.rsp0 = (u64)(uintptr_t)(irq_stack + STACK_SIZE);
    pc->tss.iomap_base = sizeof(struct tss64);
    set_tss_desc(cpu, &pc->tss);

    struct descriptor_ptr g = {(u16)(8 * (TSS_SEL(MAX_CPUS) / 8) - 1), (u64)(uintptr_t)gdt};
    struct descriptor_ptr i = {sizeof(idt) - 1, (u64)(uintptr_t)idt};
    asm volatile("lgdt %0; lidt %1" : : "m"(g), "m"(i));
    asm volatile("ltr %w0" : : "r"((u16)TSS_SEL(cpu)));

    write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE | X86_CR0_WP) & ~(X86_CR0_EM | X86_CR0_TS));
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
}

int rdmsr_safe(u32 msr, u64 *val)
{
    u32 lo = 0, hi = 0;
    ex_reset();
    asm volatile(ASM_SAFE("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    *val = lo | ((u64)hi << 32);
    return ex_vector();
}

int wrmsr_safe(u32 msr, u64 val)
{
    ex_reset();
    asm volatile(ASM_SAFE("wrmsr") : : "a"((u32)val), "d"((u32)(val >> 32)), "c"(msr) : "memory");
    return ex_vector();
}

int write_cr0_safe(u64 v)
{
    ex_reset();
    asm volatile(ASM_SAFE("mov %0, %%cr0") : : "r"(v) : "memory");
    return ex_vector();
}

int write_cr3_safe(u64 v)
{
    ex_reset();
    asm volatile(ASM_SAFE("mov %0, %%cr3") : : "r"(v) : "memory");
    return ex_vector();
}

int write_cr4_safe(u64 v)
{
    ex_reset();
    asm volatile(ASM_SAFE("mov %0, %%cr4") : : "r"(v) : "memory");
    return ex_vector();
}

int xsetbv_safe(u32 index, u64 value)
{
    ex_reset();
    asm volatile(ASM_SAFE("xsetbv")
                 :
                 : "a"((u32)value), "d"((u32)(value >> 32)), "c"(index)
                 : "memory");
    return ex_vector();
}
