/* SPDX-License-Identifier: MIT */
/*
 * The per-VM backend table. Every VM is bound to one at creation (vmx for
 * ordinary VMs, tdx for trust domains), as Linux's vt_x86_ops chooses per
 * VM; common code (shell, loaders, device models, scheduling) calls only
 * through it and never sees VMCS fields or SEAMCALL leaves.
 */
#ifndef VMM_VM_OPS_H
#define VMM_VM_OPS_H

#include "lib/compiler.h"

struct vm;
struct vcpu;

enum start_mode;

/* Architectural start state common code asks for; the backend builds it. */
struct vcpu_start {
    int mode; /* enum start_mode from vmm/loader/image.h */
    uint64_t rip;
    uint64_t rsp;
    uint64_t cr3;      /* long mode: guest-physical PML4 */
    uint64_t rax, rbx; /* e.g. multiboot1 magic and info pointer */
    uint64_t rsi;      /* Linux: the boot_params (zero page) address */
    /* A guest GDT to run on (Linux's 64-bit boot protocol); gdt_limit 0: none. */
    uint64_t gdt_base;
    uint16_t gdt_limit;
    uint16_t cs_sel, ds_sel; /* selectors into that GDT */
};

/* Reasons common code keeps per VM for `stats`; backends map their exits onto them. */
enum vm_exit_class {
    VMEXIT_CPUID,
    VMEXIT_HLT,
    VMEXIT_IO,
    VMEXIT_MSR,
    VMEXIT_CR,
    VMEXIT_MMIO,
    VMEXIT_EXTINT,
    VMEXIT_HYPERCALL,
    VMEXIT_WINDOW,
    VMEXIT_TIMER,
    VMEXIT_APIC_ACCESS, /* an access to the xAPIC page the CPU did not virtualize */
    VMEXIT_APIC_WRITE,  /* a virtualized xAPIC register write the model must act on */
    VMEXIT_OTHER,
    VMEXIT_CLASSES,
};

struct vm_ops {
    const char *name;
    /* 0 when the backend can create VMs now, else -ENODEV with *why set. */
    int (*available)(const char **why);
    /* Whether physical CPU cpu can run this backend's vCPUs. */
    bool (*cpu_usable)(unsigned cpu);
    int (*vm_create)(struct vm *vm);
    void (*vm_destroy)(struct vm *vm);
    /* Maps host-physical memory at guest-physical gpa (both 4 KiB aligned). */
    int (*map_memory)(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size);
    int (*unmap_memory)(struct vm *vm, uint64_t gpa, uint64_t size);
    int (*vcpu_create)(struct vcpu *v, const struct vcpu_start *start);
    void (*vcpu_destroy)(struct vcpu *v);
    /* Replaces the start state of a vCPU that has not run yet (a SIPI picks an AP's); may be NULL. */
    int (*vcpu_reset)(struct vcpu *v, const struct vcpu_start *start);
    /* Runs the vCPU on the calling physical CPU until it stops; returns 0 or an error. */
    int (*vcpu_run)(struct vcpu *v);
    /* Queues an external interrupt vector for delivery when the guest can take it. */
    int (*inject_irq)(struct vcpu *v, uint8_t vector);
    const char *(*exit_class_name)(int cls);
};

extern const struct vm_ops vmx_vm_ops;
extern const struct vm_ops tdx_vm_ops;

#endif
