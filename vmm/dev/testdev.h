/* SPDX-License-Identifier: MIT */
/*
 * A test device compatible with QEMU's pc-testdev (hw/misc/pc-testdev.c),
 * so that one test guest runs under hv and under QEMU with
 * "-device pc-testdev". Pure code. Ports:
 *
 * 0xE0-0xE3  a 32-bit scratch register. An access of 1, 2 or 4 bytes at
 *            port 0xE0+k covers the register's bytes k..k+size-1 (bits
 *            8k..8k+8*size-1): it reads them, or replaces them and keeps
 *            the others. Bytes past the 4th read 0 and are dropped.
 * 0xE4-0xE7  "flush page": QEMU unmaps and remaps the host page behind the
 *            guest-physical page written (a 4-byte write of its address).
 *            hv's guest memory is pinned, so there is nothing to do:
 *            writes of any width are accepted and ignored; reads are not
 *            the device's (all ones).
 * 0xE8-0xEB  the same scratch register (QEMU's byte-wise view of it).
 * 0x2000-0x2017  one port per IOAPIC input pin n = port - 0x2000: a 1-byte
 *            write of v sets pin n's level to asserted (v != 0) or not.
 *            Write-only (QEMU has no read handler): reads are not the
 *            device's (all ones), as are writes wider than a byte (QEMU
 *            takes only 1-byte accesses there).
 *
 * QEMU's test memory window at 0xFF000000 (pc-testdev-iomem) is not
 * modelled: that address is nobody's in hv.
 */
#ifndef VMM_DEV_TESTDEV_H
#define VMM_DEV_TESTDEV_H

#include "lib/compiler.h"

#define TESTDEV_PORT 0xe0 /* first of the scratch, flush and byte-scratch ports */
#define TESTDEV_SCRATCH 0x0
#define TESTDEV_FLUSH 0x4
#define TESTDEV_SCRATCH_BYTES 0x8
#define TESTDEV_NR_PORTS 12
#define TESTDEV_IRQ_PORT 0x2000
#define TESTDEV_IRQ_PINS 24 /* QEMU's range: one port per IOAPIC pin */

struct testdev {
    uint32_t scratch;
};

/*
 * Accesses at byte offset off (0..TESTDEV_NR_PORTS-1) from TESTDEV_PORT:
 * true when the device answers (read: *val set), false when the access is
 * not the device's (the caller treats it as an unclaimed port).
 */
bool testdev_read(const struct testdev *t, unsigned off, unsigned size, uint32_t *val);
bool testdev_write(struct testdev *t, unsigned off, unsigned size, uint32_t val);
/*
 * A write at byte offset off from TESTDEV_IRQ_PORT: the pin it drives
 * (*level set), or -1 when it drives none (too wide, past the last pin).
 */
int testdev_irq_write(unsigned off, unsigned size, uint32_t val, bool *level);

#endif
