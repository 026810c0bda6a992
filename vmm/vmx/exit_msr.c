/* SPDX-License-Identifier: MIT */
/*
 * MSR allowlist, CR0/CR4 writes and XSETBV. MSRs the host never uses and
 * the VMCS does not switch (STAR, LSTAR, KERNEL_GS_BASE, ...) pass straight
 * through; they and the FPU state are reset before each vCPU starts, so one
 * VM cannot read what the previous one left on the CPU. What the VM's CPU
 * model (vmm/cpu_model.c) hides is refused: its MSRs and CR4 bits #GP, its
 * XCR0 bits too, and its VMX controls (RDTSCP, INVPCID, XSAVES) stay off so
 * its instructions #UD.
 */
#include "vmm/vmx/exit_msr.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_asm.h"
#include "vmm/vmx/vmx_hw.h"
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/vm.h"
#include "vmm/msr_virt.h"
#include "vmm/cpu_model.h"
#include "lib/errno.h"
#include "kernel/extable.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"

#define MSR_ARCH_CAPABILITIES MSR_IA32_ARCH_CAPABILITIES
/* Speculation control (Intel "Speculative Execution Side Channel Mitigations", CPUID.7:EDX). */
#define MSR_SPEC_CTRL MSR_IA32_SPEC_CTRL
#define MSR_PRED_CMD MSR_IA32_PRED_CMD
#define MSR_FLUSH_CMD MSR_IA32_FLUSH_CMD
#define SPEC_CTRL_IBRS 1ULL
#define SPEC_CTRL_STIBP 2ULL
#define SPEC_CTRL_SSBD 4ULL
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)
#define XCR0_X87 1ULL

/* TSC_AUX exits: it exists only while CPUID shows RDTSCP or RDPID. */
static const uint32_t passthrough[] = {
    MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR,         MSR_LSTAR,
    MSR_CSTAR,   MSR_FMASK,   MSR_SYSENTER_CS,    MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

/* Bitmap quarters: read low, read high, write low, write high (SDM 25.6.9). */
static void allow(uint8_t *bm, uint32_t msr)
{
    unsigned base = msr >= 0xC0000000 ? 1024 : 0;
    uint32_t bit = msr & 0x1fff;

    bm[base + bit / 8] &= ~(1U << (bit % 8));
    bm[2048 + base + bit / 8] &= ~(1U << (bit % 8));
}

/* Whether RDMSR (read) or WRMSR (!read) of an MSR exits: its bit in the bitmap. */
void vmx_msr_bitmap_intercept(uint8_t *bm, uint32_t msr, bool read, bool exit)
{
    unsigned at = (read ? 0 : 2048) + (msr >= 0xC0000000 ? 1024 : 0) + (msr & 0x1fff) / 8;
    uint8_t bit = (uint8_t)(1U << (msr % 8));

    bm[at] = exit ? bm[at] | bit : bm[at] & (uint8_t)~bit;
}

void vmx_msr_bitmap_init(uint8_t *bm)
{
    memset(bm, 0xff, 4096);
    for (unsigned i = 0; i < ARRAY_SIZE(passthrough); i++)
        allow(bm, passthrough[i]);
}

static struct vm *vm_of(struct vmx_vcpu *vv)
{
    return vv->vcpu->vm;
}

int vmx_msr_gate(struct vmx_vcpu *vv, uint32_t msr)
{
    return cpu_model_msr_gate(&vm_of(vv)->cpu, msr) == -EPERM ? -EPERM : 0;
}

int vmx_msr_read(struct vmx_vcpu *vv, uint32_t msr, uint64_t *val)
{
    int e = vm_msr_model_read(&vm_of(vv)->cpu, &vv->vcpu->msrs, msr, rdtsc(), val);

    if (e != -ENOENT)
        return e ? -EPERM : 0;
    switch (msr) {
    case MSR_EFER:
        *val = vmread(VMCS_GUEST_EFER);
        return 0;
    case MSR_IA32_PAT:
        *val = vmread(VMCS_GUEST_PAT);
        return 0;
    case MSR_TSC_AUX:           /* the guest's value lives in the CPU, for RDTSCP and RDPID */
    case MSR_ARCH_CAPABILITIES: /* the host's: guests run on its CPUs (CPUID.7:EDX[29] shows it) */
    case MSR_SPEC_CTRL:
        return rdmsr_safe(msr, val) ? -EPERM : 0;
    }
    return -EPERM;
}

static bool pat_valid(uint64_t pat)
{
    for (int i = 0; i < 8; i++) {
        uint8_t t = (pat >> (8 * i)) & 0xff;
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

static int write_efer(uint64_t val)
{
    uint64_t cur = vmread(VMCS_GUEST_EFER);

    if ((val & ~(EFER_GUEST_WRITABLE | EFER_LMA)) || ((val ^ cur) & EFER_LMA))
        return -EPERM;
    if (((val ^ cur) & EFER_LME) && (vmread(VMCS_GUEST_CR0) & CR0_PG))
        return -EPERM; /* LME cannot change while paging is on (SDM 10.8.5) */
    vmwrite(VMCS_GUEST_EFER, val);
    return 0;
}

/* IA32_SPEC_CTRL bits the CPU model shows (CPUID.7:EDX[26], [27], [31]). */
static uint64_t spec_ctrl_valid(const struct cpu_features *f)
{
    return (cpu_feat(f, F_IBRS) ? SPEC_CTRL_IBRS : 0) |
           (cpu_feat(f, F_STIBP) ? SPEC_CTRL_STIBP : 0) |
           (cpu_feat(f, F_SSBD) ? SPEC_CTRL_SSBD : 0);
}

/* The model's MSRs; a changed TSC offset (IA32_TSC, TSC_ADJUST) goes into the VMCS. */
static int model_write(struct vmx_vcpu *vv, uint32_t msr, uint64_t val)
{
    struct vcpu_msrs *m = &vv->vcpu->msrs;
    uint64_t off = m->tsc_offset;
    int e = vm_msr_model_write(&vm_of(vv)->cpu, m, msr, rdtsc(), val);

    if (!e && m->tsc_offset != off)
        vmwrite(VMCS_TSC_OFFSET, m->tsc_offset);
    return e;
}

int vmx_msr_write(struct vmx_vcpu *vv, uint32_t msr, uint64_t val)
{
    int e = model_write(vv, msr, val);

    if (e != -ENOENT)
        return e ? -EPERM : 0;
    switch (msr) {
    case MSR_EFER:
        return write_efer(val);
    case MSR_IA32_PAT:
        if (!pat_valid(val))
            return -EPERM;
        vmwrite(VMCS_GUEST_PAT, val);
        return 0;
    case MSR_SPEC_CTRL: /* the guest's setting holds on its CPU; reset before the next vCPU */
        return val & ~spec_ctrl_valid(&vm_of(vv)->cpu) || wrmsr_safe(msr, val) ? -EPERM : 0;
    case MSR_TSC_AUX: /* bits 63:32 are reserved */
        return val >> 32 || wrmsr_safe(msr, val) ? -EPERM : 0;
    case MSR_PRED_CMD: /* IBPB and L1D flush are commands: run them for the guest */
    case MSR_FLUSH_CMD:
        return val & ~1ULL || wrmsr_safe(msr, val) ? -EPERM : 0;
    }
    return -EPERM;
}

/* CR0.PG with EFER.LME switches long mode on or off: keep LMA and the entry control in step. */
static void update_long_mode(uint64_t old_cr0, uint64_t new_cr0)
{
    uint64_t efer = vmread(VMCS_GUEST_EFER), entry = vmread(VMCS_ENTRY_CONTROLS);

    if (!((old_cr0 ^ new_cr0) & CR0_PG) || !(efer & EFER_LME))
        return;
    if (new_cr0 & CR0_PG) {
        efer |= EFER_LMA;
        entry |= ENTRY_IA32E_GUEST;
    } else {
        efer &= ~EFER_LMA;
        entry &= ~(uint64_t)ENTRY_IA32E_GUEST;
    }
    vmwrite(VMCS_GUEST_EFER, efer);
    vmwrite(VMCS_ENTRY_CONTROLS, entry);
}

int vmx_write_cr0(struct vmx_vcpu *vv, uint64_t val)
{
    uint64_t real, old = vmread(VMCS_GUEST_CR0);

    if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) || ((val & CR0_NW) && !(val & CR0_CD)))
        return -EPERM;
    real = ((val | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1 & ~(CR0_PE | CR0_PG)) |
           (val & (CR0_PE | CR0_PG));
    update_long_mode(old, real);
    vmwrite(VMCS_GUEST_CR0, real);
    vmwrite(VMCS_CR0_SHADOW, val);
    vv->cr0_shadow = val;
    return 0;
}

/* CR4 bits the guest owns: what its CPU model allows and the CPU has; the rest exit (#GP). */
uint64_t vmx_cr4_guest_owned(const struct vm *vm)
{
    return cpu_model_cr4_allowed(&vm->cpu) & vmx_caps.cr4_fixed1 & ~(uint64_t)CR4_VMXE;
}

/* SDM 2.5 and MOV to CR4: reserved or hidden bits, PCIDE outside IA-32e mode or with CR3[11:0] set. */
int vmx_write_cr4(struct vmx_vcpu *vv, uint64_t val)
{
    if (val & ~vmx_cr4_guest_owned(vm_of(vv)))
        return -EPERM; /* no nested VMX; nothing the CPU model hides or the CPU lacks */
    if ((val & CR4_PCIDE) && !(vv->cr4_shadow & CR4_PCIDE) &&
        (!(vmread(VMCS_GUEST_EFER) & EFER_LMA) || (vmread(VMCS_GUEST_CR3) & 0xfff)))
        return -EPERM;
    vmwrite(VMCS_GUEST_CR4, val | vmx_caps.cr4_fixed0);
    vmwrite(VMCS_CR4_SHADOW, val);
    vv->cr4_shadow = val;
    return 0;
}

/* XSETBV: only the components CPUID.0DH shows, in the combinations SDM Vol. 1 13.3 allows. */
int vmx_xsetbv(struct vmx_vcpu *vv, uint32_t xcr, uint64_t val)
{
    if (cpu_model_xsetbv_check(vm_of(vv)->xcr0, xcr, val))
        return -EPERM;
    __asm__ volatile("xsetbv" ::"c"(xcr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
    return 0;
}

/* The secondary controls the CPU model needs: its instructions #UD while they are off. */
uint32_t vmx_proc2_model(const struct vm *vm)
{
    const struct cpu_features *f = &vm->cpu;

    return (cpu_feat(f, F_RDTSCP) || cpu_feat(f, F_RDPID) ? PROC2_RDTSCP : 0) |
           (cpu_feat(f, F_INVPCID) ? PROC2_INVPCID : 0) |
           (cpu_feat(f, F_XSAVES) ? PROC2_XSAVES : 0);
}

static uint64_t host_xcr0_mask(void)
{
    struct cpuid_regs r;

    cpuid(0xD, 0, &r);
    return ((uint64_t)r.edx << 32) | r.eax;
}

/* An XSAVE image with XSTATE_BV = 0: XRSTOR from it puts every component in its init state. */
static uint8_t init_image[4096] __aligned(64);
#define MXCSR_DEFAULT 0x1F80
#define XSAVE_MXCSR_OFFSET 24
#define CPUID1_ECX_XSAVE (1U << 26)
#define CPUID1_EDX_FXSR (1U << 24)
#define XCR0_GUEST_START 3ULL /* x87 | SSE, as after reset; XSETBV exits set more */

static void reset_fpu_xsave(void)
{
    uint64_t mask = host_xcr0_mask();

    write_cr4(read_cr4() | CR4_OSXSAVE | CR4_OSFXSR);
    __asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)));
    __asm__ volatile("xrstor64 %0" ::"m"(init_image), "a"(~0U), "d"(~0U) : "memory");
    __asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)XCR0_GUEST_START), "d"(0));
}

/* Without XSAVE: FXRSTOR of a zeroed image clears the x87 and XMM registers. */
static void reset_fpu_fxsave(void)
{
    write_cr4(read_cr4() | CR4_OSFXSR);
    __asm__ volatile("fxrstor64 %0" ::"m"(init_image) : "memory");
    __asm__ volatile("fninit");
}

void vmx_reset_guest_cpu_state(void)
{
    static const uint32_t zeroed[] = {MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
                                      MSR_FMASK};
    struct cpuid_regs r;

    for (unsigned i = 0; i < ARRAY_SIZE(zeroed); i++)
        wrmsr(zeroed[i], 0);
    cpuid(0x80000001, 0, &r);
    if (r.edx & (1U << 27)) /* RDTSCP: TSC_AUX exists and guests write it directly */
        wrmsr(MSR_TSC_AUX, 0);
    wrmsr_safe(MSR_SPEC_CTRL, 0); /* a previous guest's IBRS/SSBD must not slow the next */
    *(uint32_t *)&init_image[XSAVE_MXCSR_OFFSET] = MXCSR_DEFAULT;
    cpuid(1, 0, &r);
    if (r.ecx & CPUID1_ECX_XSAVE)
        reset_fpu_xsave();
    else if (r.edx & CPUID1_EDX_FXSR)
        reset_fpu_fxsave();
    else
        __asm__ volatile("fninit");
}
