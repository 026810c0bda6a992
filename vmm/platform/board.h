/* SPDX-License-Identifier: MIT */
/*
 * Boards: the devices a VM is built with, chosen once at creation
 * (vm_config.board). A device is one file defining a struct vm_device whose
 * attach registers its ranges in the VM's I/O registry (vmm/io.h), and, for
 * an interrupt controller, installs the VM's irqchip (vmm/irqchip.h). A
 * board is the list of its devices in board.c: a new device is its file,
 * its name on the line below, and one line in each board that has it.
 */
#ifndef VMM_PLATFORM_BOARD_H
#define VMM_PLATFORM_BOARD_H

#include "lib/compiler.h"

struct vm;

struct vm_device {
    const char *name;
    /* Bytes of per-VM state the device gets, zeroed and 64-byte aligned; 0 for none. */
    size_t size;
    /* Registers the device's ranges and wires its lines; 0 or a negative error. */
    int (*attach)(struct vm *vm, void *state);
};

struct board {
    const char *name;
    const struct vm_device *const *devices; /* attached in this order: the irqchip first */
    unsigned ndevices;
};

/*
 * bare: COM1 and the debug-exit port, no interrupt controller but the
 * self-interrupt test hook (docs/guest-abi.md): test guests and TDs.
 * pc: what a Linux guest is shown (docs/linux-guest.md): bare's devices,
 * local APICs and an IOAPIC, the CMOS RTC, the ACPI sleep/reset and PM1
 * ports, the ACPI PM timer, the 0x92/0xCF9 resets and the test device
 * (docs/guest-abi.md, "PC platform").
 */
extern const struct board board_bare, board_pc;

/*
 * Every device (vmm/platform/: irqchip_bare.c, vplat.c, dev_<name>.c) and
 * the boards that carry it: X(device, on bare 0/1, on pc 0/1). A board
 * attaches its devices in this order, and its first installs the irqchip.
 * A new device is its own file plus one line here.
 */
#define BOARD_DEVICES(X)                                                                  \
    X(dev_bare_irqchip, 1, 0) /* no timer; the self-interrupt hook; lines wake HLT */     \
    X(dev_pc_irqchip, 0, 1)   /* LAPIC and IOAPIC pages, MSRs 0x1B, 0x6E0, 0x800-0xBFF */ \
    X(dev_com1, 1, 1)         /* ports 0x3F8-0x3FF, line (IOAPIC pin) 4 */                \
    X(dev_debug_exit, 1, 1)   /* ports 0xF4-0xF7 */                                       \
    X(dev_rtc, 0, 1)          /* ports 0x70-0x71 */                                       \
    X(dev_acpi_pm, 0, 1)      /* 0x600-0x602 sleep/reset; PM1 0x604-5, 0x60C-F */         \
    X(dev_pm_timer, 0, 1)     /* ports 0x608-0x60B: ACPI PM timer */                      \
    X(dev_reset, 0, 1)        /* ports 0x92, 0xCF9 */                                     \
    X(dev_testdev, 0, 1)      /* ports 0xE0-0xEB, 0x2000-0x2017 (pc-testdev) */

#define BOARD_DEVICE_DECLARE(d, bare, pc) extern const struct vm_device d;
BOARD_DEVICES(BOARD_DEVICE_DECLARE)

/*
 * Attaches every device of b to vm (NULL: the bare board), before its vCPUs
 * exist: 0, -ENOMEM (device state), or a device's error.
 */
int board_attach(struct vm *vm, const struct board *b);
/* The devices go: nothing is routed to them any more, and their state is freed. */
void board_detach(struct vm *vm);

#endif
