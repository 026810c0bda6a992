/* SPDX-License-Identifier: MIT */
/*
 * VMCS set-up (SDM Vol. 3C chapter 25 and the entry checks of 27.2-27.3):
 * controls from the capability MSRs, host state of the current CPU, and
 * guest state for each start mode.
 */
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/exit_msr.h"
#include "vmm/vm.h"
#include "vmm/vm_ops.h"
#include "vmm/loader/image.h"
#include "kernel/log.h"
#include "kernel/percpu.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"

#define AR_UNUSABLE 0x10000
#define AR_CODE16 0x9B
#define AR_DATA16 0x93
#define AR_CODE32 0xC09B
#define AR_CODE64 0xA09B
#define AR_DATA32 0xC093
#define AR_TSS_BUSY 0x8B
#define CR0_GUEST_MASK (CR0_NE | CR0_PG | CR0_CD | CR0_NW)

static void w(uint64_t field, uint64_t v)
{
    vmwrite(field, v);
}

static int setup_controls(struct vmx_vcpu *vv, uint64_t eptp)
{
    const struct vmx_caps *c = &vmx_caps;
    /* A foreign vCPU (the emulated TDX module's TDs, vmx_public.c) has no VM and no CPU model. */
    struct vm *vm = vv->vcpu ? vv->vcpu->vm : NULL;
    uint32_t proc2 = PROC2_EPT | PROC2_UNRESTRICTED | (vm ? vmx_proc2_model(vm) : 0) |
                     (vv->vpid ? PROC2_VPID : 0);

    uint32_t pin =
        vmx_adjust_ctl(&c->pin, PIN_EXT_INT_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS);

    /*
     * NMI exiting: the host's NMIs (stop, panic) reach the host. Virtual
     * NMIs: the guest's NMI blocking is tracked for it, which the NMI
     * window needs; allowed only with NMI exiting (SDM 27.2.1.1).
     */
    if (!(pin & PIN_NMI_EXITING))
        pin = vmx_adjust_ctl(&c->pin, pin & ~PIN_VIRTUAL_NMIS);
    w(VMCS_PIN_CONTROLS, pin);
    /*
     * CR8 exits, or a TPR shadow (vmm/vmx/vapic.c): the guest's TPR is
     * virtual, never the real APIC's (it could mask our IPIs).
     */
    w(VMCS_PROC_CONTROLS,
      vmx_adjust_ctl(&c->proc,
                     vapic_proc_controls(vv, PROC_HLT_EXITING | PROC_UNCOND_IO_EXITING |
                                                 PROC_USE_MSR_BITMAPS | PROC_TSC_OFFSETTING |
                                                 PROC_SECONDARY | PROC_MWAIT_EXITING |
                                                 PROC_MONITOR_EXITING | PROC_CR8_LOAD_EXITING |
                                                 PROC_CR8_STORE_EXITING)));
    vapic_vmcs_setup(vv);
    vv->proc2_ctl =
        vmx_adjust_ctl(&c->proc2, apic_access_proc2_controls(vv, vapic_proc2_controls(vv, proc2)));
    w(VMCS_PROC2_CONTROLS, vv->proc2_ctl);
    w(VMCS_EXIT_CONTROLS, vmx_exit_controls(&c->exit));
    /*
     * Debug controls: DR7 and IA32_DEBUGCTL are the guest's (VMCS guest
     * fields, saved at exit, loaded at entry: SDM 28.3.1, 27.3.2.1); a VM
     * exit leaves the host DR7 = 0x400 and DEBUGCTL = 0 (SDM 28.5.1). No
     * MOV-DR exiting: DR0-DR3 and DR6 stay in the CPU (the host never uses
     * them and a vCPU owns its CPU), and the CPU itself raises #DB for
     * DR7.GD, before any MOV-DR exit would (SDM 26.1.1).
     */
    w(VMCS_ENTRY_CONTROLS,
      vmx_adjust_ctl(&c->entry, ENTRY_LOAD_EFER | ENTRY_LOAD_PAT | ENTRY_LOAD_DEBUG));
    w(VMCS_EXCEPTION_BITMAP, 1U << EXC_MC);
    w(VMCS_CR3_TARGET_COUNT, 0);
    w(VMCS_MSR_BITMAP, vv->msr_bitmap);
    w(VMCS_EPT_POINTER, eptp);
    w(VMCS_VPID, vv->vpid);
    w(VMCS_LINK_POINTER, ~0ULL);
    w(VMCS_CR0_MASK, CR0_GUEST_MASK);
    /* CR4 bits of features the CPU model hides exit, and #GP (vmx_write_cr4). */
    w(VMCS_CR4_MASK, vm ? ~vmx_cr4_guest_owned(vm) : CR4_VMXE | ~vmx_caps.cr4_fixed1);
    w(VMCS_TSC_OFFSET, vm ? vv->vcpu->msrs.tsc_offset : 0);
    return 0;
}

/* Host state is per physical CPU: the vCPU stays on the CPU that ran this. */
void vmcs_load_host_state(void)
{
    struct percpu *pc = this_cpu();
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed idtr;

    __asm__ volatile("sidt %0" : "=m"(idtr));
    w(VMCS_HOST_CR0, read_cr0());
    w(VMCS_HOST_CR3, read_cr3());
    w(VMCS_HOST_CR4, read_cr4());
    w(VMCS_HOST_CS_SEL, GDT_KCODE);
    w(VMCS_HOST_SS_SEL, GDT_KDATA);
    w(VMCS_HOST_DS_SEL, GDT_KDATA);
    w(VMCS_HOST_ES_SEL, GDT_KDATA);
    w(VMCS_HOST_FS_SEL, 0);
    w(VMCS_HOST_GS_SEL, 0);
    w(VMCS_HOST_TR_SEL, GDT_TSS);
    w(VMCS_HOST_FS_BASE, 0);
    w(VMCS_HOST_GS_BASE, (uint64_t)pc);
    w(VMCS_HOST_TR_BASE, (uint64_t)&pc->tss);
    w(VMCS_HOST_GDTR_BASE, (uint64_t)pc->gdt);
    w(VMCS_HOST_IDTR_BASE, idtr.base);
    w(VMCS_HOST_EFER, rdmsr(MSR_EFER));
    w(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
    w(VMCS_HOST_SYSENTER_CS, 0);
    w(VMCS_HOST_SYSENTER_ESP, 0);
    w(VMCS_HOST_SYSENTER_EIP, 0);
    w(VMCS_HOST_RIP, (uint64_t)vmx_exit_entry);
}

static void seg(unsigned i, uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
    w(VMCS_GUEST_ES_SEL + 2 * i, sel);
    w(VMCS_GUEST_ES_BASE + 2 * i, base);
    w(VMCS_GUEST_ES_LIMIT + 2 * i, limit);
    w(VMCS_GUEST_ES_AR + 2 * i, ar);
}

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

static void data_segs(uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
    seg(SEG_ES, sel, base, limit, ar);
    seg(SEG_SS, sel, base, limit, ar);
    seg(SEG_DS, sel, base, limit, ar);
    seg(SEG_FS, sel, base, limit, ar);
    seg(SEG_GS, sel, base, limit, ar);
}

static uint64_t guest_cr0(struct vmx_vcpu *vv, uint64_t want)
{
    vv->cr0_shadow = want;
    /* PE and PG may be off with unrestricted guest; NE must stay on (CR0_FIXED0). */
    return ((want | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1 & ~(CR0_PE | CR0_PG)) |
           (want & (CR0_PE | CR0_PG));
}

static void guest_mode_state(struct vmx_vcpu *vv, const struct vcpu_start *s)
{
    uint64_t cr0 = CR0_ET, efer = 0;
    uint32_t entry = (uint32_t)vmread(VMCS_ENTRY_CONTROLS) & ~ENTRY_IA32E_GUEST;

    if (s->mode == START_REAL16) {
        seg(SEG_CS, (uint16_t)(s->rip >> 4), s->rip & ~0xfULL, 0xffff, AR_CODE16);
        data_segs(0, 0, 0xffff, AR_DATA16);
        w(VMCS_GUEST_RIP, s->rip & 0xf);
    } else if (s->mode == START_PROT32) {
        cr0 |= CR0_PE;
        seg(SEG_CS, 0x08, 0, 0xffffffff, AR_CODE32);
        data_segs(0x10, 0, 0xffffffff, AR_DATA32);
        w(VMCS_GUEST_RIP, s->rip);
    } else {
        cr0 |= CR0_PE | CR0_PG | CR0_WP;
        efer = EFER_LME | EFER_LMA;
        entry |= ENTRY_IA32E_GUEST;
        seg(SEG_CS, s->gdt_limit ? s->cs_sel : 0x08, 0, 0xffffffff, AR_CODE64);
        data_segs(s->gdt_limit ? s->ds_sel : 0x10, 0, 0xffffffff, AR_DATA32);
        w(VMCS_GUEST_RIP, s->rip);
    }
    w(VMCS_ENTRY_CONTROLS, entry);
    w(VMCS_GUEST_CR0, guest_cr0(vv, cr0));
    w(VMCS_CR0_SHADOW, cr0);
    vv->cr4_shadow = s->mode == START_LONG64 ? CR4_PAE : 0;
    w(VMCS_GUEST_CR4, vv->cr4_shadow | vmx_caps.cr4_fixed0);
    w(VMCS_CR4_SHADOW, vv->cr4_shadow);
    w(VMCS_GUEST_CR3, s->cr3);
    w(VMCS_GUEST_EFER, efer);
}

static void guest_common_state(struct vmx_vcpu *vv, const struct vcpu_start *s)
{
    seg(SEG_LDTR, 0, 0, 0, AR_UNUSABLE);
    seg(SEG_TR, 0, 0, 0x67, AR_TSS_BUSY);
    w(VMCS_GUEST_GDTR_BASE, s->gdt_limit ? s->gdt_base : 0);
    w(VMCS_GUEST_GDTR_LIMIT, s->gdt_limit ? s->gdt_limit : 0xffff);
    w(VMCS_GUEST_IDTR_BASE, 0);
    w(VMCS_GUEST_IDTR_LIMIT, 0xffff);
    w(VMCS_GUEST_DR7, DR7_RESET);
    /* DR0-DR3 and DR6 at their reset values (SDM 10.1.1): nothing of a previous guest on this CPU. */
    write_dr0(0);
    write_dr1(0);
    write_dr2(0);
    write_dr3(0);
    write_dr6(DR6_RESET);
    w(VMCS_GUEST_RSP, s->rsp);
    w(VMCS_GUEST_RFLAGS, 0x2);
    w(VMCS_GUEST_PAT, 0x0007040600070406ULL); /* the architectural reset value */
    w(VMCS_GUEST_DEBUGCTL, 0);
    w(VMCS_GUEST_SYSENTER_CS, 0);
    w(VMCS_GUEST_SYSENTER_ESP, 0);
    w(VMCS_GUEST_SYSENTER_EIP, 0);
    w(VMCS_GUEST_INTERRUPTIBILITY, 0);
    w(VMCS_GUEST_ACTIVITY, 0);
    w(VMCS_GUEST_PENDING_DBG, 0);
    w(VMCS_ENTRY_INTR_INFO, 0);
    vv->regs.rax = s->rax;
    vv->regs.rbx = s->rbx;
    vv->regs.rsi = s->rsi;
}

int vmcs_setup(struct vmx_vcpu *vv, uint64_t eptp, const void *start)
{
    const struct vcpu_start *s = start;

    setup_controls(vv, eptp);
    vmcs_load_host_state();
    w(VMCS_HOST_RIP, (uint64_t)vmx_exit_fast_entry); /* the backend's vCPUs take the fast path */
    guest_mode_state(vv, s);
    guest_common_state(vv, s);
    return 0;
}

static const char *const entry_errors[] = {
    [7] = "invalid control field(s)",
    [8] = "invalid host-state field(s)",
    [26] = "VM entry with events blocked by MOV SS",
};

void vmcs_dump_entry_failure(struct vmx_vcpu *vv, bool vmfail)
{
    uint32_t err = (uint32_t)vmread(VMCS_INSTR_ERROR);

    if (vmfail)
        pr_err("vmx: VM entry failed: instruction error %u (%s)", err,
               err < ARRAY_SIZE(entry_errors) && entry_errors[err] ? entry_errors[err] : "?");
    else
        pr_err("vmx: VM entry failed: invalid guest state (exit qualification %lu)",
               vmread(VMCS_EXIT_QUALIFICATION));
    pr_err("vmx: pin %08lx proc %08lx proc2 %08lx exit %08lx entry %08lx",
           vmread(VMCS_PIN_CONTROLS), vmread(VMCS_PROC_CONTROLS), vmread(VMCS_PROC2_CONTROLS),
           vmread(VMCS_EXIT_CONTROLS), vmread(VMCS_ENTRY_CONTROLS));
    pr_err("vmx: guest cr0 %lx cr3 %lx cr4 %lx efer %lx rip %lx rsp %lx rflags %lx",
           vmread(VMCS_GUEST_CR0), vmread(VMCS_GUEST_CR3), vmread(VMCS_GUEST_CR4),
           vmread(VMCS_GUEST_EFER), vmread(VMCS_GUEST_RIP), vmread(VMCS_GUEST_RSP),
           vmread(VMCS_GUEST_RFLAGS));
    pr_err("vmx: guest cs %lx/%lx/%lx ss %lx/%lx tr %lx/%lx activity %lu intr %lx",
           vmread(VMCS_GUEST_CS_SEL), vmread(VMCS_GUEST_CS_BASE), vmread(VMCS_GUEST_CS_AR),
           vmread(VMCS_GUEST_SS_SEL), vmread(VMCS_GUEST_SS_AR), vmread(VMCS_GUEST_TR_SEL),
           vmread(VMCS_GUEST_TR_AR), vmread(VMCS_GUEST_ACTIVITY),
           vmread(VMCS_GUEST_INTERRUPTIBILITY));
}
