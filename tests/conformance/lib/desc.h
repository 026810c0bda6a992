/* SPDX-License-Identifier: MIT */
/*
 * IDT, exception handling and ring 3.
 *
 * Every vector has a stub; handle_exception(vec, fn) installs a handler
 * (global, for all CPUs) that gets the saved registers and may change them
 * (rip, rflags, ...). Interrupt handlers must send their own EOI.
 * Without a handler, an exception is caught (in this order) by:
 *  - an ASM_EX() entry for the faulting RIP: execution continues at the
 *    fixup label, the exception is recorded (ex_last());
 *  - ex_try(): the function is abandoned, ex_try() returns the vector;
 *  - otherwise it is an unexpected exception: a FAIL line with vector,
 *    error code, RIP and CR2, the summary, exit status 1.
 * Vector 0xFF (the spurious vector) is ignored.
 */
#ifndef CONF_DESC_H
#define CONF_DESC_H

#include "x86.h"
#include "asm-defs.h"

struct ex_regs {
    u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 vector, error_code;
    u64 rip, cs, rflags, rsp, ss; /* the frame pushed by the CPU */
};

typedef void (*handler_fn)(struct ex_regs *regs);

/* installs fn for vector (NULL removes it); returns the previous handler */
handler_fn handle_exception(u8 vector, handler_fn fn);
#define handle_irq handle_exception
/* gate DPL (default 0 except #BP, #OF and USER_EXIT_VECTOR: 3) */
void idt_set_dpl(u8 vector, int dpl);
/* gate type: interrupt gate (IF cleared, default) or trap gate */
void idt_set_trap_gate(u8 vector, bool trap);

/* what the CPU pushed for the last exception caught by ASM_EX or ex_try on this CPU */
struct ex_info {
    int vector; /* -1: none since ex_reset() */
    u64 error_code;
    u64 rip, cs, rflags, rsp;
    u64 cr2; /* CR2 read in the handler */
};
const struct ex_info *ex_last(void);
void ex_reset(void);
/* ex_last()->vector after ex_reset(), as a shorthand */
int ex_vector(void);

/*
 * Runs fn(arg) and returns -1 if it returned, or the vector of the first
 * exception it raised (details in ex_last()); fn is abandoned there.
 * Nests. Not for exceptions in NMI or interrupt handlers.
 */
int ex_try(void (*fn)(void *), void *arg);

/*
 * Inline-asm exception table entry: an exception at label insn continues at
 * label fixup. ASM_SAFE(insn) wraps one instruction so that an exception it
 * raises continues after it; call ex_reset() before and read ex_vector().
 *   ex_reset();
 *   asm volatile(ASM_SAFE("rdmsr") : ...);
 *   if (ex_vector() == GP_VECTOR) ...
 */
#define ASM_EX(insn, fixup) \
    ".pushsection .ex_table, \"a\"\n\t.quad " insn ", " fixup "\n\t.popsection\n\t"
#define ASM_SAFE(insn) "1337:\n\t" insn "\n\t1338:\n\t" ASM_EX("1337b", "1338b")

/*
 * Ring 3. Functions and data that run or are touched at CPL3 go into the
 * user section (__user_text, __user_data): its pages have U=1, everything
 * else U=0. run_in_user(fn, arg) runs fn(arg) at CPL3 (CS 0x2b, SS 0x23,
 * IOPL 0, IF as the caller's) on this CPU's user stack and returns -1 when
 * fn returns, or the vector of the exception that ended it (ex_last()).
 * fn must not call non-user code.
 */
#define __user_text __attribute__((section(".user_text"), noinline, noclone))
#define __user_data __attribute__((section(".user_data")))
int run_in_user(void (*fn)(void *), void *arg);

/* this CPU's TSS (rsp0 is the ring-0 stack for events from ring 3) */
struct tss64 {
    u32 res0;
    u64 rsp0, rsp1, rsp2;
    u64 res1;
    u64 ist[7];
    u64 res2;
    u16 res3, iomap_base;
} __attribute__((packed));

struct descriptor_ptr {
    u16 limit;
    u64 base;
} __attribute__((packed));

static inline void sgdt(struct descriptor_ptr *p)
{
    asm volatile("sgdt %0" : "=m"(*p));
}
static inline void sidt(struct descriptor_ptr *p)
{
    asm volatile("sidt %0" : "=m"(*p));
}
extern u64 gdt[];

#endif
