/* SPDX-License-Identifier: MIT */
/*
 * Constants shared by the test guests (assembly only: no C types). The
 * contract they test is docs/guest-abi.md; the macros and routines built on
 * these are in lib.S.
 */
#ifndef TESTS_GUESTS_LIB_H
#define TESTS_GUESTS_LIB_H

/* 16550 UART, COM1 (PC16550D datasheet); literal values: GAS macro arguments cannot hold spaces */
#define COM1 0x3F8
#define COM1_IER 0x3F9 /* DLM when LCR.DLAB = 1 */
#define COM1_FCR 0x3FA
#define COM1_LCR 0x3FB
#define COM1_MCR 0x3FC
#define COM1_LSR 0x3FD
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_THRE 0x20 /* transmit holding register empty */

/* debug exit: writing v to the port ends the VM with exit code v */
#define DEBUG_EXIT_PORT 0xF4

/* a port the hypervisor does not model: reads give all ones */
#define UNMODELED_PORT 0x510

/* hypercalls: function in RAX, arguments in RBX, RCX, RDX, result in RAX */
#define HC_PRINT 1
#define HC_EXIT 2
#define HC_SELF_IRQ 3 /* RBX = vector (32-255): queue an external interrupt for this vCPU */
#define HC_UNKNOWN 99
#define HC_EINVAL (-22)
#define HC_ENOSYS (-38)

/* Multiboot 0.6.96: OS image header (3.1.1) and the loader's hand-off (3.2, 3.3) */
#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_HEADER_MEMORY_INFO 0x2      /* flags bit 1: mem_* fields wanted */
#define MB1_BOOTLOADER_MAGIC 0x2BADB002 /* EAX on entry */
#define MB1_INFO_MEM 0x1                /* info flags: mem_lower/mem_upper valid */
#define MB1_INFO_CMDLINE 0x4            /* cmdline valid */
#define MB1_INFO_MMAP 0x40              /* mmap_length/mmap_addr valid */
#define MB1_INFO_LOADER 0x200           /* boot_loader_name valid */
/* byte offsets in the multiboot information structure (3.3) */
#define MB1I_FLAGS 0
#define MB1I_MEM_LOWER 4
#define MB1I_MEM_UPPER 8
#define MB1I_CMDLINE 16
#define MB1I_MMAP_LENGTH 44
#define MB1I_MMAP_ADDR 48
#define MB1I_BOOT_LOADER_NAME 64
/* a memory map entry: size (of the rest, not counting itself), base, length, type */
#define MB1M_SIZE 0
#define MB1M_BASE 4
#define MB1M_LENGTH 12
#define MB1M_TYPE 20

/* CPUID */
#define CPUID1_ECX_VMX 5
#define CPUID1_ECX_HYPERVISOR 31
#define CPUID_HV_BASE 0x40000000
#define CPUID_HV_ABI 0x40000001
#define HV_SIG_EBX 0x494D5648 /* "HVMI" */
#define HV_SIG_ECX 0x564F5243 /* "CROV" */
#define HV_SIG_EDX 0x524F5349 /* "ISOR" */

/* MSRs (SDM Vol. 4, chapter 2) */
#define MSR_IA32_FEATURE_CONTROL 0x3A
#define MSR_EFER 0xC0000080
#define EFER_LME 0x100
#define EFER_LMA 0x400
#define MSR_KERNEL_GS_BASE 0xC0000102
#define MSR_UNKNOWN 0x12345678
#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_LSTAR 0xC0000082
#define MSR_PAT 0x277
#define MSR_APIC_BASE 0x1B
#define MSR_X2APIC_ICR 0x830
#define EFER_RESERVED_BIT1 0x2
#define NONCANONICAL_HI 0x80000000 /* EDX of 0x8000000000000000 */

/* exception vectors */
#define VEC_UD 6
#define VEC_GP 13
#define IDT_VECTORS 256 /* room lib.S reserves; idt_install loads the first 32 */

/* the loader's identity page tables for 64-bit images: the top pages of guest
 * memory (PML4, PDPT, 4 PDs: 0-4 GiB in 2 MiB pages); CR3 points at the first */
#define GUEST_PT_PAGES 6
#define GUEST_IMAGE_BASE 0x100000 /* where guest64.ld links ELF64 guests */

/* hostile isolation guests: the byte patterns and the run length searched */
#define ISO_PATTERN_A 0xA5A5A5A5A5A5A5A5
#define ISO_PATTERN_B 0x5A5A5A5A5A5A5A5A
#define PATTERN_RUN_QWORDS 7

/* local APIC and IOAPIC default bases, ICR (SDM Vol. 3A 11.6.1) */
#define APIC_BASE_ADDR 0xFEE00000
#define APIC_ICR_LO 0xFEE00300
#define IOAPIC_BASE_ADDR 0xFEC00000
#define ICR_INIT_SELF 0x00044500 /* INIT, level assert, shorthand self */
#define ICR_SIPI_SELF 0x00044610 /* start-up at 0x10000, shorthand self */

/* TDX guests (GHCI 1.5, TDX module ABI): TDCALL leaves, TDG.VP.VMCALL sub-functions and statuses */
#define TDG_VP_VMCALL 0
#define TDG_VP_INFO 1
#define TD_VMCALL_R10_R15 0xFC00 /* RCX: GPRs exposed to the VMM */
#define TD_VMCALL_R10_R15_RDX 0xFC04
#define TD_VMCALL_FATAL_REGS 0xFFCC /* RDX, RBX, RSI, RDI, R8-R15 */
#define GHCI_CPUID 10
#define GHCI_HLT 12
#define GHCI_IO 30
#define GHCI_RDMSR 31
#define GHCI_WRMSR 32
#define GHCI_MAP_GPA 0x10001
#define GHCI_REPORT_FATAL_ERROR 0x10003
#define GHCI_IO_OUT 1
#define GHCI_INVALID_OPERAND 0x8000000000000000
#define GHCI_SUBFUNC_UNSUPPORTED 0x8000000000000003
#define TD_GPAW 48
#define TD_SHARED_BIT 0x800000000000 /* GPA bit 47 */
#define APIC_BASE_X2APIC 0x400
#define CPUID_TDX 0x21
#define TDX_SIG_EBX 0x65746E49 /* "Inte" */
#define TDX_SIG_EDX 0x5844546C /* "lTDX" */
#define TDX_SIG_ECX 0x20202020 /* "    " */

/* selectors of the GDT lib.S loads in 64-bit guests */
#define SEL_CODE64 0x08
#define SEL_DATA 0x10

#endif
