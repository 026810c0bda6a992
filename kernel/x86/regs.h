/* SPDX-License-Identifier: MIT */
/* Control-register and RFLAGS bits (Intel SDM Vol. 3A 2.5 and 2.3). */
#ifndef KERNEL_X86_REGS_H
#define KERNEL_X86_REGS_H

#define CR0_PE (1UL << 0)
#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR0_ET (1UL << 4)
#define CR0_NE (1UL << 5)
#define CR0_WP (1UL << 16)
#define CR0_AM (1UL << 18)
#define CR0_NW (1UL << 29)
#define CR0_CD (1UL << 30)
#define CR0_PG (1UL << 31)

#define CR4_VME (1UL << 0)
#define CR4_PVI (1UL << 1)
#define CR4_TSD (1UL << 2)
#define CR4_DE (1UL << 3)
#define CR4_PSE (1UL << 4)
#define CR4_PAE (1UL << 5)
#define CR4_MCE (1UL << 6)
#define CR4_PGE (1UL << 7)
#define CR4_PCE (1UL << 8)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_UMIP (1UL << 11)
#define CR4_LA57 (1UL << 12)
#define CR4_VMXE (1UL << 13)
#define CR4_SMXE (1UL << 14)
#define CR4_FSGSBASE (1UL << 16)
#define CR4_PCIDE (1UL << 17)
#define CR4_OSXSAVE (1UL << 18)
#define CR4_KL (1UL << 19)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)
#define CR4_PKE (1UL << 22)
#define CR4_CET (1UL << 23)
#define CR4_PKS (1UL << 24)
#define CR4_UINTR (1UL << 25)

#define RFLAGS_IF (1UL << 9)

/* Page-table entry bits (SDM Vol. 3A 4.5, tables 4-14 to 4-20). */
#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

#endif
