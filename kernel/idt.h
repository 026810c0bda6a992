/* SPDX-License-Identifier: MIT */
/* Interrupt descriptor table, vectors and the common interrupt frame. */
#ifndef KERNEL_IDT_H
#define KERNEL_IDT_H

#include "lib/compiler.h"

/* Vector map. 0-31 are exceptions (SDM Vol. 3A 6.3.1). */
#define VEC_NMI 2
#define VEC_DF 8
#define VEC_MC 18
#define VEC_PIC_BASE 0x20 /* 8259s remapped here, then masked */
#define VEC_IRQ_BASE 0x30 /* IOAPIC-routed device IRQs: 0x30 + GSI */
#define VEC_IPI_CALL 0xF0 /* run-on-CPUs call */
#define VEC_IPI_KICK 0xF1 /* wake a CPU from HLT */
#define VEC_APIC_TIMER 0xF8
#define VEC_APIC_ERROR 0xFE
#define VEC_SPURIOUS 0xFF

/* IST slots (1-based in the IDT; index-1 in tss.ist[]). */
#define IST_NMI 1
#define IST_DF 2
#define IST_MC 3

/* Saved by the stubs in kernel/isr.S; order matches the pushes there. */
struct irq_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_t)(struct irq_frame *f);

void idt_init(void);
void idt_load(void);
/* Handlers for vectors >= 32 run with interrupts off and get an EOI after. */
int irq_register(unsigned vector, irq_handler_t h);
/*
 * The host interrupt that caused a VM exit. With a valid VM-exit
 * interruption information (the exit acknowledged it: SDM Vol. 3C 25.9.2)
 * its vector's handler runs here, as if delivered; otherwise it is still
 * pending in the APIC and is taken by opening interrupts for a moment.
 * Call with interrupts off.
 */
void irq_take_exit_interrupt(uint32_t exit_intr_info);

#endif
