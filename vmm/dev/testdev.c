/* SPDX-License-Identifier: MIT */
/* QEMU pc-testdev compatible test ports (vmm/dev/testdev.h). */
#include "vmm/dev/testdev.h"
#include "vmm/dev/lanes.h"

#define LANE_MASK 3u /* both scratch windows are 4 ports wide */

static bool scratch_window(unsigned off)
{
    return off < TESTDEV_FLUSH ||
           (off >= TESTDEV_SCRATCH_BYTES && off < TESTDEV_SCRATCH_BYTES + LANES_MAX);
}

bool testdev_read(const struct testdev *t, unsigned off, unsigned size, uint32_t *val)
{
    if (!scratch_window(off))
        return false;
    *val = lanes_read(t->scratch, off & LANE_MASK, size);
    return true;
}

bool testdev_write(struct testdev *t, unsigned off, unsigned size, uint32_t val)
{
    if (off >= TESTDEV_FLUSH && off < TESTDEV_SCRATCH_BYTES)
        return true; /* flush page: nothing to flush, guest memory is pinned */
    if (!scratch_window(off))
        return false;
    t->scratch = lanes_write(t->scratch, off & LANE_MASK, size, val);
    return true;
}

int testdev_irq_write(unsigned off, unsigned size, uint32_t val, bool *level)
{
    if (size != 1 || off >= TESTDEV_IRQ_PINS)
        return -1;
    *level = (val & 0xff) != 0;
    return (int)off;
}
