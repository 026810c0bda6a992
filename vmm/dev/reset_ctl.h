/* SPDX-License-Identifier: MIT */
/*
 * The PC's two reset ports. Pure code: a write says whether the platform
 * resets; the caller ends the VM.
 *
 * Port 0x92, System Control Port A (IBM PS/2 "fast reset / fast A20";
 * Intel ICH9 datasheet, "Port 92h" INIT register, bits INIT_NOW and
 * ALT_A20_GATE): bit 0 FAST_RESET, a 0 -> 1 transition resets the CPU;
 * bit 1 A20 gate. Guest memory has no A20 wrap-around here (A20 is always
 * on), so bit 1 always reads 1 whatever was written; the other bits read
 * back as written.
 *
 * Port 0xCF9, Reset Control Register (Intel PIIX4 datasheet "RC -- Reset
 * Control Register (IO)"; ICH9 "RST_CNT"): bit 1 SYS_RST picks a hard (1)
 * or soft (0, CPU INIT) reset, bit 2 RST_CPU starts it when written with
 * 1, bit 3 FULL_RST (ICH) makes a hard reset a full power cycle. SYS_RST
 * and FULL_RST read back as written; RST_CPU and the reserved bits read
 * 0, so every write with RST_CPU set is a 0 -> 1 transition (as QEMU's
 * PIIX and ICH9 models have it). Only byte accesses at the port itself are
 * modelled; the 16- and 32-bit PCI configuration ports around it
 * (0xCF8, 0xCFC) are not.
 */
#ifndef VMM_DEV_RESET_CTL_H
#define VMM_DEV_RESET_CTL_H

#include "lib/compiler.h"

#define PORT92 0x92
#define PORT92_FAST_RESET (1u << 0)
#define PORT92_A20 (1u << 1)

#define RST_CNT_PORT 0xcf9
#define RST_CNT_SYS_RST (1u << 1)
#define RST_CNT_RST_CPU (1u << 2)
#define RST_CNT_FULL_RST (1u << 3)
#define RST_CNT_KEPT (RST_CNT_SYS_RST | RST_CNT_FULL_RST)
/* What OSes write to reset (Linux reboot=pci; the FADT RESET_VALUE QEMU gives): a hard reset. */
#define RST_CNT_HARD_RESET (RST_CNT_SYS_RST | RST_CNT_RST_CPU)

enum reset_kind {
    RESET_NONE,
    RESET_FAST, /* port 0x92 FAST_RESET */
    RESET_SOFT, /* 0xCF9 RST_CPU without SYS_RST: CPU INIT */
    RESET_HARD, /* 0xCF9 RST_CPU with SYS_RST (or FULL_RST) */
};

struct reset_ctl {
    uint8_t port92, rst_cnt;
};

/* As at power-on: A20 on, no reset bits. */
void reset_ctl_init(struct reset_ctl *r);
/* port is PORT92 or RST_CNT_PORT; other ports read 0xFF and ignore writes. */
uint8_t reset_ctl_read(const struct reset_ctl *r, uint16_t port);
enum reset_kind reset_ctl_write(struct reset_ctl *r, uint16_t port, uint8_t val);
/* The VM's end message for a reset: "reset itself (fast reset, port 0x92)", ... */
const char *reset_kind_why(enum reset_kind k);

#endif
