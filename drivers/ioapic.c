/* SPDX-License-Identifier: MIT */
/* I/O APIC driver. */
#include "drivers/ioapic.h"
#include "drivers/acpi_tables.h"
#include "lib/errno.h"
#include "kernel/log.h"
#include "kernel/paging.h"
#include "kernel/spinlock.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))
#define RTE_MASKED (1ULL << 16)
#define RTE_LEVEL (1ULL << 15)
#define RTE_ACTIVE_LOW (1ULL << 13)

/* MPS INTI flags in an interrupt source override (ACPI 6.5 table 5.26). */
#define INTI_POLARITY_MASK 0x3
#define INTI_POLARITY_LOW 0x3
#define INTI_TRIGGER_MASK 0xC
#define INTI_TRIGGER_LEVEL 0xC

struct ioapic {
    volatile uint32_t *regs;
    uint32_t gsi_base;
    unsigned nlines;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned count;
static const struct acpi_info *acpi;
static spinlock_t lock = SPINLOCK_INIT;

static uint32_t io_read(struct ioapic *io, uint32_t reg)
{
    io->regs[IOREGSEL / 4] = reg;
    return io->regs[IOWIN / 4];
}

static void io_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
    io->regs[IOREGSEL / 4] = reg;
    io->regs[IOWIN / 4] = v;
}

static void write_rte(struct ioapic *io, unsigned line, uint64_t rte)
{
    io_write(io, IOAPIC_REDTBL(line) + 1, (uint32_t)(rte >> 32));
    io_write(io, IOAPIC_REDTBL(line), (uint32_t)rte);
}

unsigned ioapic_count(void)
{
    return count;
}

int ioapic_init(const struct acpi_info *ai)
{
    acpi = ai;
    for (unsigned i = 0; ai->have_madt && i < ai->nioapics; i++) {
        struct ioapic *io = &ioapics[count];
        io->regs = mmio_map(ai->ioapics[i].addr, 0x20);
        if (!io->regs)
            continue;
        io->gsi_base = ai->ioapics[i].gsi_base;
        io->nlines = ((io_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
        for (unsigned l = 0; l < io->nlines; l++)
            write_rte(io, l, RTE_MASKED);
        count++;
    }
    return count ? 0 : -ENODEV;
}

/* ISA IRQs are edge/active-high unless the MADT overrides them. */
static uint32_t isa_to_gsi(unsigned irq, uint64_t *flags)
{
    *flags = 0;
    for (unsigned i = 0; i < acpi->nisos; i++) {
        const struct acpi_iso *o = &acpi->isos[i];
        if (o->bus_irq != irq)
            continue;
        if ((o->flags & INTI_POLARITY_MASK) == INTI_POLARITY_LOW)
            *flags |= RTE_ACTIVE_LOW;
        if ((o->flags & INTI_TRIGGER_MASK) == INTI_TRIGGER_LEVEL)
            *flags |= RTE_LEVEL;
        return o->gsi;
    }
    return irq;
}

int ioapic_route_isa_irq(unsigned irq, uint8_t vector, uint32_t dest_apic)
{
    uint64_t flags, f;
    uint32_t gsi;

    if (!count)
        return -ENODEV;
    gsi = isa_to_gsi(irq, &flags);
    for (unsigned i = 0; i < count; i++) {
        struct ioapic *io = &ioapics[i];
        if (gsi < io->gsi_base || gsi >= io->gsi_base + io->nlines)
            continue;
        f = spin_lock_irqsave(&lock);
        /* Physical destination mode; in x2APIC mode the full 32-bit id is not
         * reachable without interrupt remapping, so route to ids < 256 only. */
        write_rte(io, gsi - io->gsi_base, flags | vector | ((uint64_t)(dest_apic & 0xff) << 56));
        spin_unlock_irqrestore(&lock, f);
        return (int)gsi;
    }
    pr_warn("ioapic: no I/O APIC serves GSI %u (ISA IRQ %u)", gsi, irq);
    return -ENOENT;
}
