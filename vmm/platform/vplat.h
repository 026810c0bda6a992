/*
 * The PC platform a VM sees when it runs a full OS (Linux): a local APIC per
 * vCPU, an IOAPIC, the CMOS RTC and the ACPI sleep/reset ports, wired to the
 * VM's 16550. Backend-neutral: backends call these hooks from their exit
 * handlers and before each VM entry; they never see the models.
 *
 * VMs without a platform (vm->plat == NULL, the small test guests) keep the
 * bare machine of docs/guest-abi.md: accesses to the APIC pages stop them.
 */
#ifndef VMM_PLATFORM_VPLAT_H
#define VMM_PLATFORM_VPLAT_H

#include "kernel/compiler.h"

struct vm;
struct vcpu;

/* Allocates and wires the platform for vm (before its vCPUs start). */
int vplat_create(struct vm *vm);
void vplat_destroy(struct vm *vm);

/*
 * Interrupts for the backend, called on the vCPU's own CPU: the highest
 * vector the vCPU's APIC would deliver now (after running its expired
 * timers), or -1; vcpu_irq_ack when that vector was injected.
 */
int vcpu_irq_pending(struct vcpu *v);
void vcpu_irq_ack(struct vcpu *v, uint8_t vector);
/* TSC value at which the vCPU's next timer fires, UINT64_MAX when none. */
uint64_t vcpu_timer_deadline(struct vcpu *v);

/* Guest-physical MMIO: 0 when a model took it, -ENOENT when nothing lives at gpa. */
int vm_mmio(struct vcpu *v, uint64_t gpa, unsigned size, bool write, uint64_t *val);
/*
 * MSRs the platform owns (APIC base, x2APIC, TSC deadline): 0 done,
 * -EINVAL the guest gets #GP, -ENOENT not a platform MSR.
 */
int vm_platform_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);
/* Port I/O the platform owns (RTC, ACPI sleep and reset); false if not its port. */
bool vplat_pio(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *val);
/*
 * The VM's UART changed state (a register access by vCPU self, or input
 * when self is NULL): re-evaluates its IRQ line. Called with vm->lock held.
 */
void vplat_uart_changed(struct vm *vm, struct vcpu *self);
/* An AP's thread: waits for INIT + SIPI; returns the SIPI vector, or -1 when the VM ends. */
int vplat_wait_sipi(struct vcpu *v);

#endif
