/* SPDX-License-Identifier: MIT */
/*
 * Virtual I/O APIC (82093AA datasheet, with the version 0x20 EOI register)
 * with 24 input pins. Pure code: the VM's MMIO handler calls
 * vioapic_mmio_read/write for offsets in the 4 KiB page at 0xFEC00000,
 * device models drive the pins with vioapic_set_pin, the local APICs'
 * level EOIs come back through vioapic_eoi, and interrupt messages leave
 * through the deliver callback (the caller finds the target local APICs).
 *
 * A pin's input is its logical state (asserted or not): the polarity bit
 * is stored for the guest but does not invert anything. Delivery is
 * instantaneous, so delivery status always reads 0.
 */
#ifndef VMM_DEV_VIOAPIC_H
#define VMM_DEV_VIOAPIC_H

#include "lib/compiler.h"

#define VIOAPIC_PINS 24

struct vioapic_ops {
    /* dest: RTE bits 63:56; delivery_mode: RTE bits 10:8 (IOAPIC_DM_*). */
    void (*deliver)(void *ctx, uint8_t dest, bool logical, uint8_t vector, uint8_t delivery_mode,
                    bool level_triggered);
};

struct vioapic {
    uint8_t id; /* bits 27:24 of the ID register */
    uint8_t regsel;
    uint64_t rte[VIOAPIC_PINS]; /* remote IRR lives in bit 14 */
    uint32_t asserted;          /* one bit per pin: the input line's state */
    const struct vioapic_ops *ops;
    void *ctx;
};

/* Reset state: every pin masked (datasheet 3.2.4). id is truncated to 4 bits. */
void vioapic_init(struct vioapic *io, uint8_t id, const struct vioapic_ops *ops, void *ctx);
/* Aligned 32-bit accesses; offsets other than IOREGSEL, IOWIN and EOI read 0, ignore writes. */
uint32_t vioapic_mmio_read(struct vioapic *io, unsigned offset);
void vioapic_mmio_write(struct vioapic *io, unsigned offset, uint32_t val);
/* Drives input pin to level (asserted = true); pins >= VIOAPIC_PINS are ignored. */
void vioapic_set_pin(struct vioapic *io, unsigned pin, bool level);
/* A local APIC's EOI of a level-triggered vector: clears remote IRR, re-delivers if still asserted. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

#endif
