/* SPDX-License-Identifier: MIT */
/*
 * Local APIC architecture constants (Intel SDM Vol. 3A ch. 11, "Advanced
 * Programmable Interrupt Controller (APIC)"). Register offsets are xAPIC
 * MMIO offsets from the APIC base; the x2APIC MSR of a register is
 * X2APIC_MSR_BASE + (offset >> 4) (SDM 11.12.1.2, table 11-6).
 */
#ifndef VMM_DEV_APIC_REGS_H
#define VMM_DEV_APIC_REGS_H

/* IA32_APIC_BASE MSR (SDM 11.4.4, figure 11-5; 11.12.1 for EXTD). */
#define MSR_IA32_APIC_BASE 0x1B
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10) /* x2APIC mode enable */
#define APIC_BASE_EN (1ULL << 11)   /* APIC global enable */
#define APIC_BASE_RSVD_LOW 0x2FFULL /* bits 0-7 and 9 */
#define APIC_BASE_ADDR_MASK 0xFFFFFFFFFFFFF000ULL
#define APIC_DEFAULT_BASE 0xFEE00000ULL

/* IA32_TSC_DEADLINE MSR (SDM 11.5.4.1). */
#define MSR_IA32_TSC_DEADLINE 0x6E0

/* x2APIC MSR window (SDM 11.12.1.2, 11.12.2: 0x800-0xBFF #GP outside x2APIC mode). */
#define X2APIC_MSR_BASE 0x800
#define X2APIC_MSR_LAST 0xBFF
#define X2APIC_ICR_MSR 0x830 /* X2APIC_MSR_BASE + (APIC_ICR_LO >> 4), table 11-6 */

/* Register address map (SDM table 11-1). */
#define APIC_ID 0x020
#define APIC_VER 0x030
#define APIC_TPR 0x080
#define APIC_APR 0x090
#define APIC_PPR 0x0A0
#define APIC_EOI 0x0B0
#define APIC_RRD 0x0C0
#define APIC_LDR 0x0D0
#define APIC_DFR 0x0E0
#define APIC_SVR 0x0F0
#define APIC_ISR 0x100 /* eight registers, 0x100-0x170 */
#define APIC_TMR 0x180 /* 0x180-0x1F0 */
#define APIC_IRR 0x200 /* 0x200-0x270 */
#define APIC_ESR 0x280
#define APIC_LVT_CMCI 0x2F0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_THERMAL 0x330
#define APIC_LVT_PERF 0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT 0x380    /* timer initial count */
#define APIC_TMCCT 0x390    /* timer current count */
#define APIC_TDCR 0x3E0     /* timer divide configuration */
#define APIC_SELF_IPI 0x3F0 /* x2APIC only (SDM 11.12.11) */
#define APIC_REG_END 0x400

/* Version register (SDM 11.4.8): bits 7:0 version, 23:16 max LVT entry (count - 1). */
#define APIC_VER_INTEGRATED 0x14
#define APIC_VER_MAXLVT_SHIFT 16

/* Spurious-interrupt vector register (SDM 11.9, figure 11-23). */
#define APIC_SVR_VECTOR 0xFFU
#define APIC_SVR_ENABLE (1U << 8)
#define APIC_SVR_FOCUS_DISABLE (1U << 9)
#define APIC_SVR_RESET 0xFFU

/* Local vector table entries (SDM 11.5.1, figure 11-8). */
#define APIC_LVT_VECTOR 0xFFU
#define APIC_LVT_DM_MASK (7U << 8)
#define APIC_LVT_STATUS (1U << 12) /* delivery status, read-only */
#define APIC_LVT_POLARITY (1U << 13)
#define APIC_LVT_REMOTE_IRR (1U << 14) /* LINT0/1, read-only */
#define APIC_LVT_LEVEL (1U << 15)
#define APIC_LVT_MASKED (1U << 16)
#define APIC_LVT_TIMER_MODE_SHIFT 17
#define APIC_LVT_TIMER_MODE (3U << 17)
#define APIC_TIMER_ONESHOT 0U
#define APIC_TIMER_PERIODIC 1U
#define APIC_TIMER_TSC_DEADLINE 2U

/* Error status register bits (SDM 11.5.3, figures 11-9 and 11-14). */
#define APIC_ESR_SEND_ILLEGAL (1U << 5)
#define APIC_ESR_RECV_ILLEGAL (1U << 6)

/* Divide configuration register (SDM 11.5.4, figure 11-10): bits 0, 1, 3. */
#define APIC_TDCR_MASK 0xBU

/* Interrupt command register (SDM 11.6.1, figure 11-12). */
#define APIC_ICR_VECTOR 0xFFU
#define APIC_ICR_DM_SHIFT 8
#define APIC_ICR_DM_MASK (7U << 8)
#define APIC_ICR_LOGICAL (1U << 11)
#define APIC_ICR_BUSY (1U << 12) /* delivery status; reserved in x2APIC mode */
#define APIC_ICR_ASSERT (1U << 14)
#define APIC_ICR_LEVEL (1U << 15)
#define APIC_ICR_SH_SHIFT 18
#define APIC_ICR_SH_MASK (3U << 18)
#define APIC_ICR_XAPIC_DEST_SHIFT 24 /* in ICR_HI: bits 63:56 of the ICR */
/* Bits the guest may set in ICR[31:0]; the rest are reserved (x2APIC #GP, SDM 11.12.1.3). */
#define APIC_ICR_LO_WRITABLE 0x000CCFFFU

/* ICR delivery modes (SDM 11.6.1). */
#define APIC_DM_FIXED 0
#define APIC_DM_LOWEST 1
#define APIC_DM_SMI 2
#define APIC_DM_NMI 4
#define APIC_DM_INIT 5
#define APIC_DM_STARTUP 6

/* Logical destination (SDM 11.6.2.2): LDR bits 31:24; DFR model in bits 31:28. */
#define APIC_LDR_XAPIC_MASK 0xFF000000U
#define APIC_DFR_MODEL_MASK 0xF0000000U
#define APIC_DFR_FLAT 0xFFFFFFFFU
#define APIC_DFR_CLUSTER_MODEL 0x00000000U
#define APIC_XAPIC_BROADCAST 0xFFU
#define APIC_X2APIC_BROADCAST 0xFFFFFFFFU

/* Legal interrupt vectors start at 16 (SDM 11.5.2: 0-15 are illegal). */
#define APIC_FIRST_VECTOR 16

#endif
