/* SPDX-License-Identifier: MIT */
/*
 * ioapic: interrupts from ISA lines driven by the pc-testdev device
 * (port 0x2000 + line) through the IOAPIC. Redirection entries read back;
 * an edge pin delivers its vector once per rising edge, to the CPU named
 * in the destination field; a masked pin does not deliver; a level pin
 * sets Remote IRR (and the LAPIC TMR bit) until EOI, is delivered again
 * after EOI while the line stays high, stops when the line is lowered, and
 * a level interrupt held while masked is delivered on unmask.
 */
#include "conf.h"

#define EDGE_IRQ 10
#define LEVEL_IRQ 11
#define EDGE_VEC 0x70
#define LEVEL_VEC 0x78

static int edge_pin, level_pin;
static volatile int edge_hits[MAX_CPUS];
static volatile int level_hits;
static volatile int level_lower_at;
static volatile bool level_remote_irr, level_tmr;

static void edge_isr(struct ex_regs *r)
{
    edge_hits[smp_id()]++;
    apic_eoi();
}

static void level_isr(struct ex_regs *r)
{
    level_hits++;
    level_remote_irr = (ioapic_read_redir(level_pin) & IOAPIC_REDIR_REMOTE_IRR) != 0;
    level_tmr = apic_vector_bit(APIC_TMR, LEVEL_VEC);
    if (level_hits >= level_lower_at)
        testdev_set_irq(LEVEL_IRQ, 0);
    apic_eoi();
}

static void window(void)
{
    irq_enable();
    udelay(1000);
    irq_disable();
}

static void test_registers(void)
{
    u32 ver = ioapic_read(1);
    report((ver & 0xff) >= 0x11, "IOAPIC version %#x", ver & 0xff);
    report(ioapic_nr_pins() >= 24, "at least 24 redirection entries (%d)", ioapic_nr_pins());
    u64 v = IOAPIC_REDIR_MASKED | IOAPIC_REDIR_LEVEL | IOAPIC_REDIR_DEST(cpu_apic_id(0)) | 0x55;
    ioapic_write_redir(edge_pin, v);
    report(ioapic_read_redir(edge_pin) == v, "redirection entry reads back (%#lx)",
           ioapic_read_redir(edge_pin));
    ioapic_write_redir(edge_pin, IOAPIC_REDIR_MASKED);
}

static void test_edge(void)
{
    edge_hits[0] = 0;
    ioapic_route(edge_pin, EDGE_VEC, false, cpu_apic_id(0));
    testdev_set_irq(EDGE_IRQ, 1);
    window();
    report(edge_hits[0] == 1, "edge pin %d delivers vector %#x on a rising edge", edge_pin,
           EDGE_VEC);
    window();
    report(edge_hits[0] == 1, "edge pin: a line held high delivers once");
    testdev_set_irq(EDGE_IRQ, 0);
    testdev_set_irq(EDGE_IRQ, 1);
    window();
    testdev_set_irq(EDGE_IRQ, 0);
    report(edge_hits[0] == 2, "edge pin: the next rising edge delivers again (%d)", edge_hits[0]);
    report(!(ioapic_read_redir(edge_pin) & IOAPIC_REDIR_REMOTE_IRR),
           "edge pin: Remote IRR stays clear");

    ioapic_mask(edge_pin, true);
    testdev_set_irq(EDGE_IRQ, 1);
    window();
    testdev_set_irq(EDGE_IRQ, 0);
    report(edge_hits[0] == 2, "masked edge pin does not deliver");
    ioapic_write_redir(edge_pin, IOAPIC_REDIR_MASKED);
    window(); /* an implementation may deliver the masked edge on unmask; not checked */

    if (nr_cpus() < 2) {
        report_skip("one CPU", "edge pin routed to another CPU");
        return;
    }
    int t = nr_cpus() - 1;
    for (int i = 0; i < MAX_CPUS; i++)
        edge_hits[i] = 0;
    ioapic_route(edge_pin, EDGE_VEC, false, cpu_apic_id(t));
    testdev_set_irq(EDGE_IRQ, 1);
    bool ok = wait_for(edge_hits[t] == 1, 100000);
    testdev_set_irq(EDGE_IRQ, 0);
    window();
    report(ok && edge_hits[0] == 0, "edge pin routed to cpu %d (APIC ID %u) reaches it only", t,
           cpu_apic_id(t));
    ioapic_write_redir(edge_pin, IOAPIC_REDIR_MASKED);
}

static void test_level(void)
{
    level_hits = 0;
    level_lower_at = 3;
    ioapic_route(level_pin, LEVEL_VEC, true, cpu_apic_id(0));
    testdev_set_irq(LEVEL_IRQ, 1);
    irq_enable();
    bool ok = wait_for(level_hits >= 3, 100000);
    udelay(1000);
    irq_disable();
    report(ok, "level pin %d delivers vector %#x", level_pin, LEVEL_VEC);
    report(level_hits == 3, "level pin re-delivers after EOI while high, stops once lowered (%d)",
           level_hits);
    report(level_remote_irr, "level pin: Remote IRR set while the handler runs (before EOI)");
    report(level_tmr, "level interrupt: LAPIC TMR bit set");
    report(!(ioapic_read_redir(level_pin) & IOAPIC_REDIR_REMOTE_IRR),
           "level pin: Remote IRR clear after EOI");

    level_hits = 0;
    level_lower_at = 1000;
    ioapic_mask(level_pin, true);
    testdev_set_irq(LEVEL_IRQ, 1);
    window();
    report(level_hits == 0, "masked level pin does not deliver");
    level_lower_at = 1;
    ioapic_mask(level_pin, false);
    window();
    report(level_hits == 1, "level interrupt held while masked is delivered on unmask (%d)",
           level_hits);
    testdev_set_irq(LEVEL_IRQ, 0);
    ioapic_write_redir(level_pin, IOAPIC_REDIR_MASKED);
}

static void no_eoi_isr(struct ex_regs *r)
{
    level_hits++;
}

static void test_remote_irr(void)
{
    handle_irq(LEVEL_VEC, no_eoi_isr);
    level_hits = 0;
    ioapic_route(level_pin, LEVEL_VEC, true, cpu_apic_id(0));
    testdev_set_irq(LEVEL_IRQ, 1);
    window();
    report(level_hits == 1, "level interrupt without EOI is delivered once (%d)", level_hits);
    report(ioapic_read_redir(level_pin) & IOAPIC_REDIR_REMOTE_IRR,
           "Remote IRR stays set until EOI");
    testdev_set_irq(LEVEL_IRQ, 0);
    apic_eoi();
    window();
    report(!(ioapic_read_redir(level_pin) & IOAPIC_REDIR_REMOTE_IRR),
           "Remote IRR clear after the late EOI");
    report(level_hits == 1, "no delivery after EOI with the line low");
    ioapic_write_redir(level_pin, IOAPIC_REDIR_MASKED);
    handle_irq(LEVEL_VEC, level_isr);
}

int main(void)
{
    if (!testdev_present()) {
        report_fail("pc-testdev scratch register at port 0xe0 does not read back");
        return 1;
    }
    u16 flags;
    edge_pin = (int)acpi_isa_irq_gsi(EDGE_IRQ, &flags);
    level_pin = (int)acpi_isa_irq_gsi(LEVEL_IRQ, &flags);
    report_info("ISA IRQ %d -> pin %d, IRQ %d -> pin %d, IOAPIC at %#lx", EDGE_IRQ, edge_pin,
                LEVEL_IRQ, level_pin, ioapic_base());
    handle_irq(EDGE_VEC, edge_isr);
    handle_irq(LEVEL_VEC, level_isr);
    test_registers();
    test_edge();
    test_level();
    test_remote_irr();
    return 0;
}
