/* SPDX-License-Identifier: MIT */
/* Shared between vlapic.c (interrupt state), vlapic_regs.c and vlapic_timer.c. */
#ifndef VMM_DEV_VLAPIC_INTERNAL_H
#define VMM_DEV_VLAPIC_INTERNAL_H

#include "vmm/dev/vlapic.h"

/* Index of each LVT register in struct vlapic.lvt, in register order from 0x320. */
enum {
    LVT_TIMER,
    LVT_THERMAL,
    LVT_PERF,
    LVT_LINT0,
    LVT_LINT1,
    LVT_ERROR,
};

bool vlapic_sw_enabled(const struct vlapic *l);
void vlapic_reset_regs(struct vlapic *l);
void vlapic_error(struct vlapic *l, uint32_t esr_bits);
void vlapic_eoi(struct vlapic *l);
uint32_t vlapic_ppr(const struct vlapic *l);
uint32_t vlapic_apr(const struct vlapic *l);
uint32_t vlapic_x2apic_ldr(uint32_t x2apic_id);

unsigned vlapic_timer_mode(const struct vlapic *l);
void vlapic_timer_write_lvt(struct vlapic *l, uint32_t val);
void vlapic_timer_write_icr(struct vlapic *l, uint32_t val, uint64_t now_tsc);
void vlapic_timer_write_dcr(struct vlapic *l, uint32_t val, uint64_t now_tsc);
uint32_t vlapic_timer_ccr(const struct vlapic *l, uint64_t now_tsc);
uint64_t vlapic_tsc_deadline_read(const struct vlapic *l);
void vlapic_tsc_deadline_write(struct vlapic *l, uint64_t val);

#endif
