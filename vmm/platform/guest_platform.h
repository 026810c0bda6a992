/* SPDX-License-Identifier: MIT */
/*
 * The platform a guest OS such as Linux is shown: where its interrupt
 * controllers are and which I/O ports the hypervisor traps to power the VM
 * off or reset it. vmm/platform/acpi_gen.c describes exactly this in the
 * guest's ACPI tables; the VM's exit handlers must implement the same.
 */
#ifndef VMM_PLATFORM_GUEST_PLATFORM_H
#define VMM_PLATFORM_GUEST_PLATFORM_H

#include "vmm/platform/acpi_spec.h"

/*
 * The architectural xAPIC and the PC's usual I/O APIC addresses (Intel SDM
 * vol. 3A 11.4.1; the 82093AA datasheet default). Every OS looks there
 * first, and they sit in the top 20 MiB of the 4 GiB space that guest RAM
 * never reaches.
 */
#define GUEST_LAPIC_ADDR 0xFEE00000u
#define GUEST_IOAPIC_ADDR 0xFEC00000u
/* One I/O APIC with GSIs from 0: ISA IRQ n is GSI n (ACPI 6.5 5.2.12.5). */
#define GUEST_IOAPIC_GSI_BASE 0
#define GUEST_IOAPIC_PINS 24
/*
 * I/O APIC IDs are a separate namespace from LAPIC IDs on x86-64 (Linux
 * only checks them against other I/O APICs), so ID 0 next to CPU 0 is fine;
 * QEMU does the same.
 */
#define GUEST_IOAPIC_ID 0

/* Guest RAM is [0, mem_size) and must stay below the lowest of these. */
#define GUEST_RAM_LIMIT GUEST_IOAPIC_ADDR

/*
 * Power control block, in I/O space (the FADT's generic address structures
 * name these ports; ACPI 6.5 4.8.3.7 and 4.8.3.6). 0x600-0x603 is free on
 * this platform: no device the hypervisor models (COM1 0x3F8, debug exit
 * 0xF4) and no legacy port Linux probes by itself (PIC, PIT, 8042, RTC,
 * POST 0x80, PCI 0xCF8-0xCFF, VGA) lies there.
 *
 * SLEEP_CONTROL_REG (8 bits, write): OSPM writes SLP_EN (bit 5) together
 * with SLP_TYP (bits 4:2). SLP_EN with SLP_TYP == GUEST_S5_SLP_TYP is a
 * power-off: stop the VM. Other values may be ignored (no other sleep
 * state is offered: the DSDT has only \_S5).
 * SLEEP_STATUS_REG (8 bits): Linux clears WAK_STS (bit 7) by writing it
 * before sleeping, then polls it until it reads set; reads returning 0xFF
 * (as for any unmodelled port) end that wait should the VM not stop.
 */
#define GUEST_SLEEP_CTL_PORT 0x600
#define GUEST_SLEEP_STS_PORT 0x601
#define GUEST_SLP_EN (1u << 5)
#define GUEST_SLP_TYP_SHIFT 2
#define GUEST_SLP_TYP_MASK 0x1Cu
#define GUEST_WAK_STS (1u << 7)
/* SLP_TYP the DSDT's \_S5 package gives; 5 so that a trace reads "S5". */
#define GUEST_S5_SLP_TYP 5

/*
 * FADT RESET_REG (ACPI 6.5 4.8.3.6): writing GUEST_RESET_VALUE to this
 * 8-bit port resets the VM. Linux tries the ACPI reset register first when
 * the FADT has RESET_REG_SUP (reboot=acpi is its default order).
 */
#define GUEST_RESET_PORT 0x602
#define GUEST_RESET_VALUE 0x01

/*
 * The fixed hardware a full (not hardware-reduced) FADT names (ACPI 6.5
 * 4.8.3), in the same 16-port block 0x600-0x60F as the registers above
 * (vmm/dev/acpi_pm1.h, vmm/dev/pm_timer.h). PM1a_CNT_BLK and PM_TMR_BLK
 * sit where QEMU's PIIX4 and ICH9 put them (PM base 0x600, +4 and +8);
 * PM1a_EVT_BLK, at +0 there, is at +0xC here because 0x600-0x602 are the
 * sleep and reset registers of the hardware-reduced FADT. Both sets are
 * always decoded: the board does not know which FADT its guest was given.
 * The PM timer is also there under a hardware-reduced FADT, which does not
 * name it (OSPM ignores the PM timer fields then, ACPI 6.5 5.2.9).
 */
#define GUEST_PM1A_CNT_PORT 0x604
#define GUEST_PM_TMR_PORT 0x608
#define GUEST_PM1A_EVT_PORT 0x60C
/*
 * The SCI's ISA IRQ (= GSI) in a full FADT, IRQ 9 as on PIIX4/ICH9 PCs. No
 * event in this platform ever raises it.
 */
#define GUEST_SCI_IRQ 9
/* FADT CENTURY (5.2.9): the CMOS index of the century byte (vmm/dev/rtc_cmos.h). */
#define GUEST_RTC_CENTURY 0x32

/*
 * The PCs' reset ports (vmm/dev/reset_ctl.h): System Control Port A 0x92
 * and the Reset Control Register 0xCF9. A full FADT names 0xCF9 as its
 * RESET_REG with value 0x06 (SYS_RST | RST_CPU), as QEMU's FADT does.
 */
#define GUEST_PORT92 0x92
#define GUEST_RST_CNT_PORT 0xCF9
#define GUEST_RST_CNT_RESET 0x06

/*
 * FADT IA-PC boot architecture flags (ACPI 6.5 5.2.9.3): the legacy
 * devices the hypervisor does not model, so the guest need not probe them.
 * 8042 clear: no keyboard controller (Linux skips i8042 probing); no VGA.
 * The CMOS RTC is there (vmm/dev/rtc_cmos.c), so its flag stays clear and
 * Linux reads the wall clock from it. A VM that loses or gains one of these
 * devices must change this.
 */
#define GUEST_IAPC_BOOT_ARCH ACPI_IAPC_VGA_NOT_PRESENT

/* COM1, as the 16550 model decodes it, on ISA IRQ 4 = I/O APIC pin 4. */
#define GUEST_COM1_PORT 0x3F8
#define GUEST_COM1_PORTS 8
#define GUEST_COM1_IRQ 4

#endif
