/* SPDX-License-Identifier: MIT */
/*
 * Virtual local APIC (Intel SDM Vol. 3A ch. 11) for one vCPU: the xAPIC
 * MMIO page and the x2APIC MSRs over one register state, fixed-interrupt
 * acceptance (IRR/ISR/TMR, TPR/PPR), EOI, IPIs out, and the APIC timer
 * in one-shot, periodic and TSC-deadline modes.
 *
 * Pure code: time comes in as guest TSC values, IPIs and level EOIs go
 * out through vlapic_ops. The timer's input clock is the TSC itself, so
 * one timer tick is "divide value" TSC cycles; the hypervisor reports the
 * TSC rate as the core crystal clock in CPUID 0x15 (EBX/EAX = 1/1), from
 * which Linux takes lapic_timer_period instead of calibrating.
 *
 * Not modelled: thermal, performance-counter, CMCI and LINT0/LINT1
 * interrupt sources (their LVT registers are plain storage), the
 * arbitration of lowest-priority delivery (left to the send_ipi handler),
 * remote read, SMI, spurious-interrupt generation, EOI-broadcast
 * suppression, and directed EOI.
 */
#ifndef VMM_DEV_VLAPIC_H
#define VMM_DEV_VLAPIC_H

#include "lib/compiler.h"

#define VLAPIC_NR_LVT 6 /* timer, thermal, perf, LINT0, LINT1, error: no CMCI */

/* ICR destination shorthand, as encoded in ICR bits 19:18. */
enum vlapic_shorthand {
    VLAPIC_SH_NONE = 0,
    VLAPIC_SH_SELF = 1,
    VLAPIC_SH_ALL = 2,    /* all including self */
    VLAPIC_SH_OTHERS = 3, /* all excluding self */
};

/* Delivery modes passed to send_ipi (ICR bits 10:8). SMI is not modelled. */
enum vlapic_delivery {
    VLAPIC_DM_FIXED = 0,
    VLAPIC_DM_LOWEST = 1,
    VLAPIC_DM_NMI = 4,
    VLAPIC_DM_INIT = 5,
    VLAPIC_DM_SIPI = 6,
};

/* One IPI decoded from an ICR write. */
struct vlapic_ipi {
    uint32_t dest;     /* ICR[63:56] in xAPIC mode, ICR[63:32] in x2APIC mode */
    uint8_t vector;    /* vector, or the start-up page for SIPI */
    uint8_t delivery;  /* enum vlapic_delivery */
    uint8_t shorthand; /* enum vlapic_shorthand */
    bool logical;      /* destination mode */
    bool level;        /* trigger mode: level (true) or edge */
    bool assert;       /* level flag (ICR bit 14) */
};

struct vlapic_ops {
    /* Route an IPI: match targets with vlapic_match_dest, then vlapic_set_irq etc. */
    void (*send_ipi)(void *ctx, const struct vlapic_ipi *ipi);
    /* EOI of a level-triggered vector: the IOAPIC clears remote IRR (vioapic_eoi). */
    void (*eoi_level)(void *ctx, uint8_t vector);
};

struct vlapic {
    uint32_t apic_id;   /* initial APIC ID: the x2APIC ID */
    uint8_t phys_bits;  /* MAXPHYADDR for IA32_APIC_BASE checks; 52 after init */
    uint64_t apic_base; /* IA32_APIC_BASE */
    bool no_x2apic;     /* CPUID hides x2APIC: IA32_APIC_BASE.EXTD cannot be set (#GP) */
    uint32_t xapic_id;  /* xAPIC ID register (ID in bits 31:24) */
    uint32_t tpr, svr, ldr, dfr;
    uint32_t esr, esr_pending; /* ESR as last latched; errors since the last ESR write */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[VLAPIC_NR_LVT];
    uint32_t irr[8], isr[8], tmr[8]; /* 256-bit vectors, 32 vectors per word */
    uint32_t timer_icr, timer_dcr;
    bool timer_armed;
    uint64_t timer_next; /* TSC of the next expiry while armed (the deadline in TSC mode) */
    bool wait_for_sipi;
    bool vid_changed; /* ISR or TMR changed other than by vlapic_vid_give since the last take */
    /*
     * Counts changes of the registers vlapic_xapic_sync copies (not TPR,
     * ISR, IRR, EOI or ICR): other CPUs bump it (TMR) before they kick.
     */
    uint32_t regs_gen;
    const struct vlapic_ops *ops;
    void *ctx;
};

/* Power-up state (SDM 11.4.7.1): xAPIC mode at 0xFEE00000, software-disabled. */
void vlapic_init(struct vlapic *l, uint32_t apic_id, bool bsp, const struct vlapic_ops *ops,
                 void *ctx);
/* Firmware left the APIC in x2APIC mode (IA32_APIC_BASE.EXTD, SDM 11.12.1); unless no_x2apic. */
void vlapic_start_x2apic(struct vlapic *l);
/*
 * INIT received (SDM 11.4.7.3): registers back to power-up values except
 * the APIC ID and IA32_APIC_BASE (the x2APIC mode survives INIT); the vCPU
 * then waits for a SIPI (see vlapic_take_sipi).
 */
void vlapic_init_reset(struct vlapic *l);
/*
 * SIPI received: true, with the real-mode start address (vector << 12), if
 * the vCPU was waiting for one; later SIPIs are ignored (SDM 9.4.4.1).
 */
bool vlapic_take_sipi(struct vlapic *l, uint8_t vector, uint32_t *start_addr);

/* xAPIC mode: aligned 32-bit accesses at offset 0-0xFFF from the APIC base. */
uint32_t vlapic_mmio_read(struct vlapic *l, unsigned offset, uint64_t now_tsc);
void vlapic_mmio_write(struct vlapic *l, unsigned offset, uint32_t val, uint64_t now_tsc);
/* Base address of the MMIO page the guest chose (IA32_APIC_BASE[51:12]). */
uint64_t vlapic_mmio_base(const struct vlapic *l);
bool vlapic_xapic_mode(const struct vlapic *l);
bool vlapic_x2apic_mode(const struct vlapic *l);

/*
 * IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC MSRs 0x800-0xBFF.
 * Returns 0, -EINVAL when the guest must get #GP, or -ENOENT when msr is
 * not one of these (the caller handles it).
 */
int vlapic_msr_read(struct vlapic *l, uint32_t msr, uint64_t *val, uint64_t now_tsc);
int vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now_tsc);
/* A WRMSR of the x2APIC ICR, as vlapic_msr_write does it (-EINVAL: reserved bits, #GP). */
int vlapic_x2apic_icr_write(struct vlapic *l, uint64_t icr);
/* The register part of that write alone (the value read back), for a caller that delivers it. */
void vlapic_x2apic_icr_latch(struct vlapic *l, uint64_t icr);
/*
 * Whether that write is a fixed IPI to one other APIC and no one else:
 * it can queue nothing for this vCPU (the exit fast path's condition).
 */
bool vlapic_x2apic_icr_to_other(const struct vlapic *l, uint64_t icr);

/* A fixed interrupt arrives (IPI, IOAPIC, MSI); level sets its TMR bit. */
void vlapic_set_irq(struct vlapic *l, uint8_t vector, bool level);
/* Highest IRR vector above the processor priority, or -1 (also when disabled). */
int vlapic_pending_vector(const struct vlapic *l);
/*
 * The priority class (0-15) below which a TPR would release the highest
 * requested vector, when only the TPR holds it back; else 0. A TPR shadow's
 * threshold (SDM 29.1.2): lowering CR8 under it exits so the vector is taken.
 */
uint8_t vlapic_tpr_threshold(const struct vlapic *l);
/* The vector was injected: IRR -> ISR. */
void vlapic_ack(struct vlapic *l, uint8_t vector);
/*
 * Virtual-interrupt delivery (vmm/vmx/vapic.c): while the guest runs, the
 * CPU holds the IRR and ISR in a virtual-APIC page and retires EOIs
 * itself. Before an entry vlapic_vid_take moves the requested vectors out
 * (the model's IRR is then empty) and copies the ISR and TMR; after an
 * exit vlapic_vid_give merges the vectors not yet delivered back and takes
 * the CPU's ISR, so between exit and entry the model is complete again.
 * vlapic_vid_take fills nothing when the model has no requested vector and
 * its ISR and TMR are as the last take or give left them (the CPU already
 * holds all there is), and the ISR only when it changed otherwise (an ack,
 * an EOI, a reset or a mode change).
 */
enum vlapic_vid { VLAPIC_VID_NONE, VLAPIC_VID_IRR, VLAPIC_VID_ALL }; /* what was filled */
enum vlapic_vid vlapic_vid_take(struct vlapic *l, uint32_t irr[8], uint32_t isr[8],
                                uint32_t tmr[8]);
void vlapic_vid_give(struct vlapic *l, const uint32_t irr[8], const uint32_t isr[8]);
/* The CPU retired vector (an EOI-induced exit): a level-triggered one ends at the IOAPIC. */
void vlapic_vid_eoi(struct vlapic *l, uint8_t vector);
/*
 * xAPIC register virtualization (vmm/vmx/apic_access.c): while the guest
 * runs, the CPU answers reads of most xAPIC registers from page (the
 * virtual-APIC page, laid out as the MMIO page) and stores the guest's
 * writes there (SDM Vol. 3C 29.4). Before each entry: when the APIC is in
 * xAPIC mode, its registers go into page (fill: all of them, the page
 * holds nothing of this APIC yet; else only after they changed since
 * *gen); true. TPR, ISR and IRR are left to the TPR shadow and
 * virtual-interrupt delivery, PPR to the CPU. The ICR is the page's while
 * xAPIC mode lasts: its writes (ICR high, self-IPIs) need not exit, so it
 * is written only by fill, and taken back into the model when the APIC
 * left for x2APIC mode (a disabled APIC was reset). False outside xAPIC
 * mode.
 */
bool vlapic_xapic_sync(struct vlapic *l, uint32_t page[1024], uint32_t *gen, bool fill);
/* True if this APIC is a target of dest in the given destination mode (no shorthand). */
bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical);

/* Absolute TSC of the next timer interrupt, UINT64_MAX when none can come. */
uint64_t vlapic_next_deadline(const struct vlapic *l);
/* Fires timers expired by now_tsc (one interrupt per expiry, coalesced); rearms periodic. */
void vlapic_timer_update(struct vlapic *l, uint64_t now_tsc);

#endif
