/* SPDX-License-Identifier: MIT */
/*
 * Virtual I/O APIC (82093AA datasheet). Edge pins send one message per
 * rising edge while unmasked (a masked edge is lost); level pins send while
 * asserted, unmasked and not already waiting for an EOI (remote IRR).
 */
#include "vmm/dev/vioapic.h"
#include "vmm/dev/ioapic_regs.h"
#include "lib/string.h"

void vioapic_init(struct vioapic *io, uint8_t id, const struct vioapic_ops *ops, void *ctx)
{
    memset(io, 0, sizeof(*io));
    io->id = id & (IOAPIC_ID_MASK >> IOAPIC_ID_SHIFT);
    for (unsigned i = 0; i < VIOAPIC_PINS; i++)
        io->rte[i] = IOAPIC_RTE_MASKED;
    io->ops = ops;
    io->ctx = ctx;
}

static uint8_t delivery_mode(uint64_t rte)
{
    return (rte & IOAPIC_RTE_DM_MASK) >> IOAPIC_RTE_DM_SHIFT;
}

/*
 * Level semantics (remote IRR, EOI) apply to fixed and lowest-priority
 * entries only; the datasheet treats NMI, SMI, INIT and ExtINT as edge.
 */
static bool level_pin(uint64_t rte)
{
    uint8_t dm = delivery_mode(rte);

    return (rte & IOAPIC_RTE_LEVEL) && (dm == IOAPIC_DM_FIXED || dm == IOAPIC_DM_LOWEST);
}

static bool pin_asserted(const struct vioapic *io, unsigned pin)
{
    return io->asserted & (1U << pin);
}

static void send(struct vioapic *io, unsigned pin)
{
    uint64_t rte = io->rte[pin];
    bool level = level_pin(rte);

    /* Remote IRR is set before the callback so a re-entrant EOI sees it. */
    if (level)
        io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
    if (io->ops && io->ops->deliver)
        io->ops->deliver(io->ctx, (uint8_t)(rte >> IOAPIC_RTE_DEST_SHIFT), rte & IOAPIC_RTE_LOGICAL,
                         (uint8_t)(rte & IOAPIC_RTE_VECTOR), delivery_mode(rte), level);
}

/* Sends a level pin's interrupt if it is due: asserted, unmasked, remote IRR clear. */
static void service_level(struct vioapic *io, unsigned pin)
{
    uint64_t rte = io->rte[pin];

    if (level_pin(rte) && pin_asserted(io, pin) && !(rte & IOAPIC_RTE_MASKED) &&
        !(rte & IOAPIC_RTE_REMOTE_IRR))
        send(io, pin);
}

void vioapic_set_pin(struct vioapic *io, unsigned pin, bool level)
{
    bool was;

    if (pin >= VIOAPIC_PINS)
        return;
    was = pin_asserted(io, pin);
    if (level)
        io->asserted |= 1U << pin;
    else
        io->asserted &= ~(1U << pin);
    if (level_pin(io->rte[pin]))
        service_level(io, pin);
    else if (level && !was && !(io->rte[pin] & IOAPIC_RTE_MASKED))
        send(io, pin);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
    for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
        uint64_t rte = io->rte[pin];

        if (!(rte & IOAPIC_RTE_REMOTE_IRR) || (rte & IOAPIC_RTE_VECTOR) != vector)
            continue;
        io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
        service_level(io, pin);
    }
}

static void write_rte_low(struct vioapic *io, unsigned pin, uint32_t val)
{
    uint64_t ro = io->rte[pin] & (IOAPIC_RTE_REMOTE_IRR | ~0xFFFFFFFFULL);

    io->rte[pin] = ro | (val & IOAPIC_RTE_LO_WRITABLE);
    /* Remote IRR only has a meaning for level entries: switching to edge drops it. */
    if (!level_pin(io->rte[pin]))
        io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
    /* Unmasking (or switching to level) an asserted level pin sends it now. */
    service_level(io, pin);
}

static void write_rte_high(struct vioapic *io, unsigned pin, uint32_t val)
{
    uint64_t hi = val & IOAPIC_RTE_HI_WRITABLE;

    io->rte[pin] = (io->rte[pin] & 0xFFFFFFFFULL) | (hi << 32);
}

static uint32_t read_indirect(const struct vioapic *io)
{
    unsigned idx = io->regsel, pin = (idx - IOAPIC_REG_REDTBL) / 2;

    switch (idx) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB: /* the arbitration ID is loaded from the ID */
        return (uint32_t)io->id << IOAPIC_ID_SHIFT;
    case IOAPIC_REG_VER:
        return IOAPIC_VERSION | ((VIOAPIC_PINS - 1) << IOAPIC_VER_MAXREDIR_SHIFT);
    }
    if (idx < IOAPIC_REG_REDTBL || pin >= VIOAPIC_PINS)
        return 0;
    return (uint32_t)(idx & 1 ? io->rte[pin] >> 32 : io->rte[pin]);
}

static void write_indirect(struct vioapic *io, uint32_t val)
{
    unsigned idx = io->regsel, pin = (idx - IOAPIC_REG_REDTBL) / 2;

    if (idx == IOAPIC_REG_ID) {
        io->id = (val & IOAPIC_ID_MASK) >> IOAPIC_ID_SHIFT;
        return;
    }
    /* VER and ARB are read-only; indexes past the table don't decode. */
    if (idx < IOAPIC_REG_REDTBL || pin >= VIOAPIC_PINS)
        return;
    if (idx & 1)
        write_rte_high(io, pin, val);
    else
        write_rte_low(io, pin, val);
}

uint32_t vioapic_mmio_read(struct vioapic *io, unsigned offset)
{
    if (offset == IOAPIC_IOREGSEL)
        return io->regsel;
    if (offset == IOAPIC_IOWIN)
        return read_indirect(io);
    return 0; /* the EOI register is write-only */
}

void vioapic_mmio_write(struct vioapic *io, unsigned offset, uint32_t val)
{
    if (offset == IOAPIC_IOREGSEL)
        io->regsel = (uint8_t)val;
    else if (offset == IOAPIC_IOWIN)
        write_indirect(io, val);
    else if (offset == IOAPIC_EOIR)
        vioapic_eoi(io, (uint8_t)val);
}
