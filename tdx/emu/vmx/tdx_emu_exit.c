/* SPDX-License-Identifier: MIT */
/*
 * tdx=emulate: VM exits of a TD vCPU as the module sees them. TDCALL (the
 * #UD it raises on a CPU without TDX, decoded from the bytes at RIP) goes
 * to the module core; CPUID, CR8 and PAUSE are served here; instructions a
 * TD must not execute natively (HLT, I/O, MSRs the module does not own,
 * VMCALL, MWAIT/MONITOR) raise #VE as in the module, VMX instructions #UD;
 * interrupts, NMIs, EPT violations, triple faults and the rest are
 * asynchronous TD exits to the VMM.
 */
#include "tdx/emu/vmx/tdx_emu_vmx.h"
#include "vmm/decode/guest_walk.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "lib/string.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/cpuid.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/regs.h"

#define EXC_VE 20
#define TDCALL_LEN 4
#define CPUID_TDX_LEAF \
    0x21 /* "IntelTDX    " in EBX, EDX, ECX (TDX module spec, CPUID virtualization) */
#define EPTP_ADDR 0x000FFFFFFFFFF000ULL
#define AR_DPL(ar) (((ar) >> 5) & 3)
#define RFLAGS_AC (1ULL << 18)

static const uint8_t tdcall_bytes[TDCALL_LEN] = {0x66, 0x0F, 0x01, 0xCC};

static void *ept_virt(void *ctx, uint64_t pa)
{
    return tdxemu_va(pa);
}

static int gpa_to_hpa(const struct tdxemu_vcpu *vc, uint64_t gpa, uint64_t *hpa)
{
    struct ept e = {.pml4 = vc->eptp & EPTP_ADDR, .mm = {.virt = ept_virt}};
    uint64_t prot;
    unsigned level;

    return ept_translate(&e, gpa, hpa, &prot, &level);
}

/* TD memory for the guest page walk: GPAs through the S-EPT, as the CPU reaches them. */
static int read_gpa(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    uint64_t hpa;

    if (gpa_to_hpa(ctx, gpa, &hpa))
        return -EFAULT;
    memcpy(dst, tdxemu_va(hpa), len); /* len stays within gpa's 4 KiB page */
    return 0;
}

/* The TD's MAXPHYADDR: the host's, which its CPUID 0x80000008 shows (h_cpuid). */
static unsigned td_maxphyaddr(void)
{
    static unsigned bits;
    struct cpuid_regs r;

    if (!bits) {
        cpuid(0x80000008, 0, &r);
        bits = r.eax & 0xFF;
    }
    return bits;
}

/*
 * TDCALL exists in 64-bit mode at CPL 0 only; any other #UD is the guest's.
 * The bytes at RIP are fetched through the TD's own page tables
 * (vmm/decode/guest_walk.c, the walk the vmx backend's MMIO decoder uses).
 */
static bool at_tdcall(const struct tdxemu_vcpu *vc)
{
    const struct guest_paging pg = {
        .cr0 = vmread(VMCS_GUEST_CR0),
        .cr3 = vmread(VMCS_GUEST_CR3),
        .cr4 = vmread(VMCS_GUEST_CR4),
        .efer = vmread(VMCS_GUEST_EFER),
        .ac = vmread(VMCS_GUEST_RFLAGS) & RFLAGS_AC,
        .maxphyaddr = td_maxphyaddr(),
    };
    const struct guest_mem mem = {.read_gpa = read_gpa, .ctx = (void *)vc};
    struct guest_fault fault;
    uint8_t insn[TDCALL_LEN];

    if (!(vmread(VMCS_GUEST_CS_AR) & AR_L) || AR_DPL(vmread(VMCS_GUEST_SS_AR)) != 0)
        return false;
    if (guest_read_linear(&pg, &mem, vmread(VMCS_GUEST_RIP), GW_FETCH, insn, TDCALL_LEN, &fault))
        return false;
    return !memcmp(insn, tdcall_bytes, TDCALL_LEN);
}

static bool async_exit(struct tdxemu_exit *x, uint32_t reason)
{
    x->reason = reason;
    x->qual = vmread(VMCS_EXIT_QUALIFICATION);
    x->gpa = reason == EXIT_EPT_VIOLATION ? vmread(VMCS_GUEST_PHYS_ADDR) : 0;
    x->intr_info = vmread(VMCS_EXIT_INTR_INFO);
    return false;
}

static bool h_exception(const struct tdxemu_vcpu *vc, struct tdxemu_exit *x)
{
    uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);

    if ((info & INTR_TYPE_MASK) != INTR_TYPE_HW_EXCEPTION || (info & 0xFF) != EXC_UD)
        return async_exit(x, EXIT_EXCEPTION_NMI); /* NMI (the host's) or #MC */
    if (!at_tdcall(vc)) {
        vmx_inject_exception(EXC_UD, false, 0);
        return true;
    }
    vmwrite(VMCS_GUEST_RIP, vmread(VMCS_GUEST_RIP) + TDCALL_LEN);
    x->tdcall = true;
    return false;
}

/* CPUID the module answers itself: the host's, no VMX, the hypervisor bit and leaf 0x21. */
static bool h_cpuid(const struct tdxemu_vcpu *vc)
{
    struct tdxemu_gprs *g = vc->gprs;
    uint32_t leaf = (uint32_t)g->rax;
    struct cpuid_regs r = {0, 0, 0, 0};

    if (leaf == CPUID_TDX_LEAF)
        r = (struct cpuid_regs){0, 0x65746E49, 0x20202020, 0x5844546C}; /* "Inte" "    " "lTDX" */
    else if (leaf < 0x40000000 || leaf >= 0x80000000)
        cpuid(leaf, (uint32_t)g->rcx, &r);
    if (leaf == 0)
        r.eax = MAX(r.eax, CPUID_TDX_LEAF);
    if (leaf == 1)
        r.ecx = (r.ecx & ~(CPUID1_ECX_VMX | CPUID1_ECX_SMX)) | CPUID1_ECX_HYPERVISOR;
    g->rax = r.eax;
    g->rbx = r.ebx;
    g->rcx = r.ecx;
    g->rdx = r.edx;
    vmx_skip_instruction();
    return true;
}

static uint64_t *gpr(const struct tdxemu_vcpu *vc, unsigned n)
{
    return &((uint64_t *)vc->gprs)[n];
}

/* CR8 is virtual; a write to a CR0/CR4 bit the module owns is #GP. */
static bool h_cr(struct tdxemu_vmx *st, const struct tdxemu_vcpu *vc)
{
    uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
    unsigned n = CR_QUAL_GPR(q);

    if (CR_QUAL_NUM(q) != 8 || n == 4) {
        vmx_inject_exception(EXC_GP, true, 0);
        return true;
    }
    if (CR_QUAL_TYPE(q) == CR_TYPE_MOV_FROM) {
        *gpr(vc, n) = st->tpr;
    } else if (*gpr(vc, n) > 15) {
        vmx_inject_exception(EXC_GP, true, 0);
        return true;
    } else {
        st->tpr = (uint8_t)*gpr(vc, n);
    }
    vmx_skip_instruction();
    return true;
}

/* A virtualization exception: what happened goes to TDG.VP.VEINFO.GET; a second one is #DF. */
static bool inject_ve(const struct tdxemu_vcpu *vc, uint32_t reason)
{
    struct tdxemu_ve *ve = vc->ve;

    if (ve->valid) {
        vmx_inject_exception(EXC_DF, true, 0);
        return true;
    }
    ve->valid = 1;
    ve->exit_reason = reason;
    ve->qual = vmread(VMCS_EXIT_QUALIFICATION);
    ve->gla = vmread(VMCS_GUEST_LINEAR_ADDR);
    ve->gpa = vmread(VMCS_GUEST_PHYS_ADDR);
    ve->instr_len = (uint32_t)vmread(VMCS_EXIT_INSTR_LEN);
    ve->instr_info = (uint32_t)vmread(VMCS_EXIT_INSTR_INFO);
    vmx_inject_exception(EXC_VE, false, 0);
    return true;
}

bool tdxemu_vmx_exit(struct tdxemu_vmx *st, const struct tdxemu_vcpu *vc, struct tdxemu_exit *x)
{
    uint32_t reason = (uint32_t)vmread(VMCS_EXIT_REASON) & 0xFFFF;

    switch (reason) {
    case EXIT_EXCEPTION_NMI:
        return h_exception(vc, x);
    case EXIT_CPUID:
        return h_cpuid(vc);
    case EXIT_CR_ACCESS:
        return h_cr(st, vc);
    case EXIT_PAUSE:
    case EXIT_WBINVD:
    case EXIT_INVD:
        vmx_skip_instruction();
        return true;
    case EXIT_HLT:
    case EXIT_IO:
    case EXIT_RDMSR:
    case EXIT_WRMSR:
    case EXIT_VMCALL:
    case EXIT_MWAIT:
    case EXIT_MONITOR:
        return inject_ve(vc, reason);
    case EXIT_GETSEC:
    case EXIT_VMCLEAR:
    case EXIT_VMLAUNCH:
    case EXIT_VMPTRLD:
    case EXIT_VMPTRST:
    case EXIT_VMREAD:
    case EXIT_VMRESUME:
    case EXIT_VMWRITE:
    case EXIT_VMXOFF:
    case EXIT_VMXON:
    case EXIT_INVEPT:
    case EXIT_INVVPID:
    case EXIT_VMFUNC:
        vmx_inject_exception(EXC_UD, false, 0);
        return true;
    case EXIT_ENTRY_FAIL_GUEST:
    case EXIT_ENTRY_FAIL_MSR:
        vmx_dump_entry_failure(false);
        return async_exit(x, reason);
    default:
        return async_exit(x, reason);
    }
}
