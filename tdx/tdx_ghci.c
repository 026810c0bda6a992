/*
 * TDG.VP.VMCALL requests of a TD (GHCI 1.5; tdx-host-abi.md 5.7), served by
 * the same device models and rules as vmx guests: port I/O through vm_pio
 * (COM1 UART model, debug-exit port), CPUID through vm_cpuid, HLT through
 * vcpu_halt_wait. Answers go in the registers of the next TDH.VP.ENTER:
 * R10 = status, R11 (and R12-R15 for CPUID) = outputs; the module passes
 * on only those the guest exposed.
 */
#include "tdx/ghci.h"
#include "tdx/tdx_backend.h"
#include "tdx/tdx_td.h"
#include "vmm/vm.h"
#include "vmm/cpuid.h"

struct ghci_call {
    struct vcpu *v;
    const struct tdx_args *in; /* the exit registers */
    struct tdx_args *out;      /* the next entry's registers */
};

static bool io_size_ok(uint64_t size)
{
    return size == 1 || size == 2 || size == 4;
}

static bool g_io(struct ghci_call *c)
{
    uint64_t size = c->in->r12, mask;
    bool in = c->in->r13 != GHCI_IO_OUT;
    uint32_t val;

    if (!io_size_ok(size) || c->in->r13 > GHCI_IO_OUT || c->in->r14 > 0xFFFF) {
        c->out->r10 = GHCI_INVALID_OPERAND;
        return true;
    }
    mask = size == 4 ? 0xFFFFFFFFULL : (1ULL << (size * 8)) - 1;
    val = (uint32_t)(c->in->r15 & mask);
    vm_pio(c->v, (uint16_t)c->in->r14, (unsigned)size, in, &val);
    if (in)
        c->out->r11 = val & mask;
    return !c->v->stop;
}

static bool g_cpuid(struct ghci_call *c)
{
    struct cpuid_regs r;

    /* The TD's CR4 is private; leaf 1's OSXSAVE is the module's to virtualize (TDX
     * module spec, CPUID virtualization), so the host's answer leaves it clear. */
    vm_cpuid(c->v, (uint32_t)c->in->r12, (uint32_t)c->in->r13, 0, &r);
    c->out->r12 = r.eax;
    c->out->r13 = r.ebx;
    c->out->r14 = r.ecx;
    c->out->r15 = r.edx;
    return true;
}

static bool g_msr(struct ghci_call *c, bool write)
{
    uint64_t val = 0;
    int err = write ? td_msr_write((uint32_t)c->in->r12, c->in->r13)
                    : td_msr_read((uint32_t)c->in->r12, c->v->id, &val);

    if (err || c->in->r12 > 0xFFFFFFFFULL)
        c->out->r10 = GHCI_INVALID_OPERAND; /* the guest raises #GP */
    else if (!write)
        c->out->r11 = val;
    return true;
}

static bool g_map_gpa(struct ghci_call *c)
{
    uint64_t next;

    c->out->r10 = ghci_map_gpa(c->in->r12, c->in->r13, TD_GPA_WIDTH, c->v->vm->mem_size, &next);
    if (c->out->r10 != GHCI_SUCCESS)
        c->out->r11 = next;
    return true;
}

static bool g_fatal(struct ghci_call *c)
{
    char msg[GHCI_FATAL_MSG_LEN + 1];

    ghci_fatal_message(c->in, msg);
    vm_stop(c->v->vm, "TD reported a fatal error: code %#lx%s%s", c->in->r12, msg[0] ? ": " : "",
            msg);
    return false;
}

/* GetTdVmCallInfo leaf 0: every GHCI 1.0 standard call is there (no extra bitmaps). */
static bool g_info(struct ghci_call *c)
{
    if (c->in->r12 != 0)
        c->out->r10 = GHCI_INVALID_OPERAND;
    c->out->r11 = c->out->r12 = c->out->r13 = c->out->r14 = 0;
    return true;
}

static bool dispatch(struct ghci_call *c, int *cls)
{
    switch (c->in->r11) {
    case GHCI_IO:
        *cls = VMEXIT_IO;
        return g_io(c);
    case GHCI_CPUID:
        *cls = VMEXIT_CPUID;
        return g_cpuid(c);
    case GHCI_HLT:
        *cls = VMEXIT_HLT;
        return vcpu_halt_wait(c->v);
    case GHCI_RDMSR:
    case GHCI_WRMSR:
        *cls = VMEXIT_MSR;
        return g_msr(c, c->in->r11 == GHCI_WRMSR);
    case GHCI_MAP_GPA:
        return g_map_gpa(c);
    case GHCI_REPORT_FATAL_ERROR:
        return g_fatal(c);
    case GHCI_GET_TD_VMCALL_INFO:
        return g_info(c);
    default:
        c->out->r10 = GHCI_SUBFUNC_UNSUPPORTED;
        return true;
    }
}

bool td_ghci(struct vcpu *v, const struct tdx_args *in, struct tdx_args *out, int *cls)
{
    struct ghci_call c = {v, in, out};

    *cls = VMEXIT_HYPERCALL;
    *out = (struct tdx_args){0};
    if (in->r10 != 0) { /* vendor-specific calls: none here */
        out->r10 = GHCI_SUBFUNC_UNSUPPORTED;
        return true;
    }
    return dispatch(&c, cls);
}
