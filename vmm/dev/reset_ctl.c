/* SPDX-License-Identifier: MIT */
/* Ports 0x92 and 0xCF9 (vmm/dev/reset_ctl.h). */
#include "vmm/dev/reset_ctl.h"

void reset_ctl_init(struct reset_ctl *r)
{
    *r = (struct reset_ctl){.port92 = PORT92_A20};
}

uint8_t reset_ctl_read(const struct reset_ctl *r, uint16_t port)
{
    if (port == PORT92)
        return r->port92 | PORT92_A20;
    return port == RST_CNT_PORT ? r->rst_cnt : 0xff;
}

static enum reset_kind port92_write(struct reset_ctl *r, uint8_t val)
{
    bool rising = (val & PORT92_FAST_RESET) && !(r->port92 & PORT92_FAST_RESET);

    r->port92 = val | PORT92_A20;
    return rising ? RESET_FAST : RESET_NONE;
}

static enum reset_kind rst_cnt_write(struct reset_ctl *r, uint8_t val)
{
    r->rst_cnt = val & RST_CNT_KEPT;
    if (!(val & RST_CNT_RST_CPU))
        return RESET_NONE;
    return val & RST_CNT_KEPT ? RESET_HARD : RESET_SOFT;
}

enum reset_kind reset_ctl_write(struct reset_ctl *r, uint16_t port, uint8_t val)
{
    if (port == PORT92)
        return port92_write(r, val);
    return port == RST_CNT_PORT ? rst_cnt_write(r, val) : RESET_NONE;
}

const char *reset_kind_why(enum reset_kind k)
{
    switch (k) {
    case RESET_FAST:
        return "reset itself (fast reset, port 0x92)";
    case RESET_SOFT:
        return "reset itself (soft reset, port 0xcf9)";
    case RESET_HARD:
        return "reset itself (hard reset, port 0xcf9)";
    default:
        return "no reset";
    }
}
