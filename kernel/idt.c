/* SPDX-License-Identifier: MIT */
/* IDT set-up and the C side of interrupt dispatch. */
#include "kernel/idt.h"
#include "lib/errno.h"
#include "kernel/extable.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/apic.h"

struct idt_entry {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type; /* 0x8E: present, DPL0, 64-bit interrupt gate */
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t reserved;
} __packed;

extern const uint64_t isr_stub_table[256];
static struct idt_entry idt[256] __aligned(16);
static irq_handler_t handlers[256];

static void set_gate(unsigned v, uint64_t addr, unsigned ist)
{
    idt[v] = (struct idt_entry){
        .off_lo = addr & 0xffff,
        .sel = GDT_KCODE,
        .ist = ist,
        .type = 0x8E,
        .off_mid = (addr >> 16) & 0xffff,
        .off_hi = addr >> 32,
    };
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, isr_stub_table[v], 0);
    /* NMI, #DF and #MC can arrive on a broken stack: give them their own. */
    idt[VEC_NMI].ist = IST_NMI;
    idt[VEC_DF].ist = IST_DF;
    idt[VEC_MC].ist = IST_MC;
}

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed ptr = {sizeof(idt) - 1, (uint64_t)idt};

    __asm__ volatile("lidt %0" ::"m"(ptr));
}

int irq_register(unsigned vector, irq_handler_t h)
{
    if (vector < 32 || vector > 255)
        return -EINVAL;
    if (handlers[vector] && h)
        return -EBUSY;
    handlers[vector] = h;
    return 0;
}

void interrupt_dispatch(struct irq_frame *f);
void interrupt_dispatch(struct irq_frame *f)
{
    unsigned v = (unsigned)f->vector;

    if (v == VEC_NMI && (panic_in_progress() || smp_stop_requested()))
        panic_stop_this_cpu();
    if (v < 32) {
        uint64_t fixup = extable_find(f->rip);
        if (!fixup || v == VEC_NMI || v == VEC_DF || v == VEC_MC)
            panic_exception(f);
        f->rip = fixup; /* an expected fault: resume at the recovery code */
        f->rax = v;
        return;
    }
    if (v == VEC_SPURIOUS)
        return; /* spurious interrupts take no EOI (SDM Vol. 3A 11.9) */
    if (v >= VEC_PIC_BASE && v < VEC_PIC_BASE + 16) {
        /* A masked 8259 can still deliver a spurious IRQ7/15: ignore it. */
        return;
    }
    this_cpu()->irq_count++;
    if (handlers[v])
        handlers[v](f);
    lapic_eoi();
}

void irq_run_vector(unsigned vector); /* kernel/isr.S */

#define EXIT_INTR_INFO_VALID (1U << 31)

void irq_take_exit_interrupt(uint32_t exit_intr_info)
{
    unsigned v = exit_intr_info & 0xFF;

    if (!(exit_intr_info & EXIT_INTR_INFO_VALID)) {
        __asm__ volatile("sti; nop; cli" ::: "memory");
        return;
    }
    if (v < 32) { /* an external interrupt never has an exception vector */
        pr_warn("irq: VM exit reported external interrupt vector %u; ignored", v);
        return;
    }
    if (v == VEC_IPI_KICK) { /* its handler does nothing: the exit was its work */
        this_cpu()->irq_count++;
        lapic_eoi();
        return;
    }
    irq_run_vector(v);
}
