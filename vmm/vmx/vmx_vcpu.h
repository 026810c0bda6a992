/* SPDX-License-Identifier: MIT */
/* The vmx backend's per-vCPU and per-VM state (private to vmm/vmx/). */
#ifndef VMM_VMX_VMX_VCPU_H
#define VMM_VMX_VMX_VCPU_H

#include "lib/compiler.h"
#include "vmm/decode/insn_cache.h"
#include "vmm/vmx/ept.h"
#include "vmm/vmx/vmx_public.h" /* struct guest_regs, vmx_enter, injection: public */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "kernel/x86/cpu.h"

struct vcpu;
struct vm;

struct vmx_vcpu {
    struct guest_regs regs; /* first: vmx_enter() takes its address */
    struct vcpu *vcpu;
    uint64_t vmcs;       /* host-physical VMCS region */
    uint64_t msr_bitmap; /* host-physical */
    uint16_t vpid;
    bool launched;
    uint64_t host_rsp; /* as the VMCS holds it (vmx_enter) */
    uint64_t cr0_shadow, cr4_shadow;
    uint8_t tpr;            /* the guest's CR8: virtual, never the real APIC's */
    uint64_t vapic;         /* host-physical virtual-APIC page (TPR shadow), 0 without */
    uint8_t vtpr, vtpr_thr; /* VTPR and TPR threshold as written at the last entry */
    uint32_t proc2_ctl;     /* secondary controls as written (vapic.c toggles VID) */
    bool x2_virt;           /* the guest's x2APIC TPR (and EOI with VID) MSRs pass the bitmap */
    bool vid_ok;            /* virtual-interrupt delivery usable: on while x2_virt */
    uint64_t eoi_exit[4];   /* EOI-exit bitmap as written */
    uint16_t intr_status;   /* guest interrupt status (SVI:RVI) as written or last read */
    bool xapic_ok;          /* apic_access.c: xAPIC register virtualization usable */
    bool xapic_virt;        /* on: the CPU virtualizes the guest's xAPIC page */
    bool x2_ctl;            /* vapic.c asked for "virtualize x2APIC mode" (off while xapic_virt) */
    uint32_t xapic_gen;     /* the APIC model's register generation the virtual-APIC page shows */
    uint32_t xapic_icr_hi;  /* the model's ICR high while xapic_virt (the guest's is in the page) */
    uint32_t exit_reason;
    bool exit_done;             /* the fast path carried out the exit's instruction (exit_fast.c) */
    uint32_t proc_ctl, pin_ctl; /* cached VMCS controls the entry path toggles */
    uint32_t idt_info, idt_error, idt_instr_len; /* event a VM exit interrupted */
    uint32_t cpuid_final;                        /* vm_cpuid_final_mask at the last full entry */
    bool kick_fast; /* the last full entry left nothing pending, VID on: exit_fast.c fast_kick */
    uint64_t timer_deadline;      /* the preemption timer's, TSC; UINT64_MAX: not armed */
    struct insn_cache insn_cache; /* MMIO instructions decoded (exit_mmio.c) */
};

struct vmx_vm {
    struct ept ept;
    uint64_t apic_access; /* host-physical APIC-access page at the guest's xAPIC page, 0 without */
};

/*
 * vcpu->fast_exits, set by vmx_prepare_entry: it left nothing to do at the
 * next entry but, perhaps, the preemption timer (no interrupt or NMI
 * pending, no window exit asked for). Until the vCPU's next full exit only
 * a kick can change that, and a kick zeroes it and is a host interrupt,
 * which exits (never a fast exit): so exits that cannot queue events
 * themselves may resume the guest at once (vmx_fast_exit).
 */
enum vmx_fast {
    VMX_FAST_NONE,  /* every exit takes the full path */
    VMX_FAST_PLAIN, /* the hot exits resume at once */
    VMX_FAST_EXTRA, /* the same, re-arming the preemption timer or timing the exit */
};

/*
 * vmm/vmx/entry.S: where VM exits land (the VMCS host RIP); vmx_enter is in
 * vmx_public.h. The backend's own vCPUs use the fast one: exits
 * vmx_fast_exit handles resume in the stub.
 */
void vmx_exit_entry(void);
void vmx_exit_fast_entry(void);

/* vmm/vmx/vmcs.c */
int vmcs_setup(struct vmx_vcpu *vv, uint64_t eptp, const void *start);
void vmcs_dump_entry_failure(struct vmx_vcpu *vv, bool vmfail);

/* CPUID's answer into the guest's registers (a 32-bit result zero-extends). */
static inline void vmx_set_cpuid_regs(struct vmx_vcpu *vv, const struct cpuid_regs *r)
{
    vv->regs.rax = r->eax;
    vv->regs.rbx = r->ebx;
    vv->regs.rcx = r->ecx;
    vv->regs.rdx = r->edx;
}

/* The width of an IN/OUT of size bytes in RAX: AL, AX or EAX. */
static inline uint64_t vmx_io_mask(unsigned size)
{
    return size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;
}

/* IN's result into RAX: a 32-bit IN zero-extends it, 8- and 16-bit ones merge (SDM Vol. 2A IN). */
static inline void vmx_io_in_set(struct vmx_vcpu *vv, unsigned size, uint32_t val)
{
    uint64_t mask = vmx_io_mask(size);

    vv->regs.rax = size == 4 ? val : (vv->regs.rax & ~mask) | (val & mask);
}

/* vmm/vmx/exit.c: the guest's CPUID (leaf RAX, subleaf RCX) answered in its registers. */
void vmx_cpuid_to_regs(struct vmx_vcpu *vv);
/* vmm/vmx/exit.c: handles one exit; false when the vCPU must stop. */
bool vmx_handle_exit(struct vmx_vcpu *vv);
/*
 * vmm/vmx/exit_fast.c: the hot exits (CPUID, VMCALL, unclaimed port I/O)
 * while vv->fast allows: the registers to resume the guest with when
 * handled; NULL (nothing done) sends the exit down vmx_handle_exit. Called
 * by the exit stub (entry.S) with the guest registers saved in vv->regs.
 */
struct guest_regs *vmx_fast_exit(struct vmx_vcpu *vv);
/*
 * hv completed the guest's instruction and moved RIP past it (rflags: as
 * the instruction started): STI / MOV SS blocking ends and the #DB due
 * after it is injected (single step, a held breakpoint). vmx_skip_instruction
 * is this for the exit's own instruction length.
 */
void vmx_instruction_done(uint64_t rflags);

/* vmm/vmx/exit_mmio.c: platform MMIO (EPT violations) and INS/OUTS; false: stop. */
bool vmx_ept_violation(struct vmx_vcpu *vv);
bool vmx_string_io(struct vmx_vcpu *vv, uint64_t qual);
/*
 * The instruction at RIP accesses the device page at guest-physical
 * page_gpa (an APIC-access exit): emulated with the decoder. 0 when done
 * (or a #PF injected); -EOPNOTSUPP when the decoder cannot; else impossible.
 */
int vmx_mmio_emulate(struct vmx_vcpu *vv, uint64_t page_gpa);

/* vmm/vmx/exit_msr.c */
void vmx_msr_bitmap_intercept(uint8_t *bm, uint32_t msr, bool read, bool exit);

/* vmm/vmx/vapic.c: TPR shadow, virtualized x2APIC TPR, virtual-interrupt delivery. */
uint32_t vapic_proc_controls(struct vmx_vcpu *vv, uint32_t proc);
uint32_t vapic_proc2_controls(struct vmx_vcpu *vv, uint32_t proc2);
void vapic_vmcs_setup(struct vmx_vcpu *vv);
void vapic_exit(struct vmx_vcpu *vv);
void vapic_entry(struct vmx_vcpu *vv, int pending);
void vapic_free(struct vmx_vcpu *vv);
uint8_t vmx_tpr_get(struct vmx_vcpu *vv);
void vmx_tpr_set(struct vmx_vcpu *vv, uint8_t tpr);
bool vapic_vid_mode(struct vmx_vcpu *vv);
void vapic_vid_push(struct vmx_vcpu *vv);
bool vapic_vid_add(struct vmx_vcpu *vv);
bool vapic_eoi_exit(struct vmx_vcpu *vv);
bool vapic_apic_write(struct vmx_vcpu *vv);

/*
 * The VMX-preemption timer counts down only in VMX non-root operation and
 * restarts from its VMCS field at each entry (SDM Vol. 3C, "VMX-Preemption
 * Timer"): the
 * field is the time left to the deadline, written before every entry.
 */
static inline void vmx_preemption_timer_set(uint64_t deadline)
{
    uint64_t now = rdtsc();
    uint64_t ticks = deadline > now ? (deadline - now) >> VMX_MISC_PREEMPT_RATE(vmx_caps.misc) : 0;

    vmwrite(VMCS_PREEMPTION_TIMER, ticks > 0xffffffffULL ? 0xffffffffULL : ticks);
}

/*
 * vmm/vmx/apic_access.c: xAPIC register virtualization. apic_access_vm_init
 * when the VM's first vCPU is created (0, or -ENOMEM); apic_access_vm_free
 * at its end; apic_access_proc2_controls after vapic_proc2_controls;
 * apic_access_entry instead of vapic_vid_mode, true when VID is on; the
 * APIC-access and APIC-write exits.
 */
int apic_access_vm_init(struct vm *vm);
void apic_access_vm_free(struct vm *vm);
uint32_t apic_access_proc2_controls(struct vmx_vcpu *vv, uint32_t proc2);
bool apic_access_entry(struct vmx_vcpu *vv);
bool apic_access_exit(struct vmx_vcpu *vv);
bool apic_write_exit(struct vmx_vcpu *vv);

/* vmm/vmx/vmx_events.c: interrupt injection, timers and HLT. */
void vmx_save_idt_vectoring(struct vmx_vcpu *vv);
void vmx_prepare_entry(struct vmx_vcpu *vv);
/* The guest executed HLT (already skipped): false when the vCPU must stop. */
bool vmx_halt(struct vmx_vcpu *vv);
const char *vmx_exit_reason_name(uint32_t reason);

#endif
