/* SPDX-License-Identifier: MIT */
/*
 * TDG.VP.VMCALL requests of a TD (GHCI 1.5; tdx-host-abi.md 5.7), served by
 * the same device models and rules as vmx guests: port I/O through vm_pio
 * (COM1 UART model, debug-exit port), CPUID through vm_cpuid, HLT through
 * vcpu_halt_wait. Answers go in the registers of the next TDH.VP.ENTER,
 * all through ghci.h's typed accessors (R10 = status, R11-R15 = outputs);
 * the module passes on only those the guest exposed.
 */
#include "tdx/td/ghci.h"
#include "tdx/td/tdx_backend.h"
#include "tdx/td/tdx_td.h"
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

/* Instruction.IO: operands size, direction, port, data (out); output 0 = data (in). */
static bool g_io(struct ghci_call *c)
{
    uint64_t size = td_ghci_arg(c->in, 0), dir = td_ghci_arg(c->in, 1);
    uint64_t port = td_ghci_arg(c->in, 2), mask;
    bool in = dir != GHCI_IO_OUT;
    uint32_t val;

    if (!io_size_ok(size) || dir > GHCI_IO_OUT || port > 0xFFFF) {
        td_ghci_set_status(c->out, GHCI_INVALID_OPERAND);
        return true;
    }
    mask = size == 4 ? 0xFFFFFFFFULL : (1ULL << (size * 8)) - 1;
    val = (uint32_t)(td_ghci_arg(c->in, 3) & mask);
    vm_pio(c->v, (uint16_t)port, (unsigned)size, in, &val);
    if (in)
        td_ghci_set_out(c->out, 0, val & mask);
    return !c->v->stop;
}

/* Instruction.CPUID: operands leaf, subleaf; outputs 1-4 = EAX, EBX, ECX, EDX. */
static bool g_cpuid(struct ghci_call *c)
{
    struct cpuid_regs r;

    /* The TD's CR4 is private; leaf 1's OSXSAVE is the module's to virtualize (TDX
     * module spec, CPUID virtualization), so the host's answer leaves it clear. */
    vm_cpuid(c->v, (uint32_t)td_ghci_arg(c->in, 0), (uint32_t)td_ghci_arg(c->in, 1), 0, &r);
    td_ghci_set_out(c->out, 1, r.eax);
    td_ghci_set_out(c->out, 2, r.ebx);
    td_ghci_set_out(c->out, 3, r.ecx);
    td_ghci_set_out(c->out, 4, r.edx);
    return true;
}

/* Instruction.RDMSR/WRMSR: operands MSR, value (write); output 0 = value (read). */
static bool g_msr(struct ghci_call *c, bool write)
{
    uint64_t msr = td_ghci_arg(c->in, 0), val = 0;
    int err = write ? td_msr_write((uint32_t)msr, td_ghci_arg(c->in, 1))
                    : td_msr_read((uint32_t)msr, c->v->id, &val);

    if (err || msr > 0xFFFFFFFFULL)
        td_ghci_set_status(c->out, GHCI_INVALID_OPERAND); /* the guest raises #GP */
    else if (!write)
        td_ghci_set_out(c->out, 0, val);
    return true;
}

/* MapGPA: operands GPA, size; on failure output 0 = the first GPA not converted. */
static bool g_map_gpa(struct ghci_call *c)
{
    uint64_t next, st;

    st = td_ghci_map_gpa(td_ghci_arg(c->in, 0), td_ghci_arg(c->in, 1), TD_GPA_WIDTH,
                         c->v->vm->mem_size, &next);
    td_ghci_set_status(c->out, st);
    if (st != GHCI_SUCCESS)
        td_ghci_set_out(c->out, 0, next);
    return true;
}

/* ReportFatalError: operand 0 = error code, the message in td_ghci_fatal_message's registers. */
static bool g_fatal(struct ghci_call *c)
{
    char msg[GHCI_FATAL_MSG_LEN + 1];

    td_ghci_fatal_message(c->in, msg);
    vm_stop(c->v->vm, "TD reported a fatal error: code %#lx%s%s", td_ghci_arg(c->in, 0),
            msg[0] ? ": " : "", msg);
    return false;
}

/* GetTdVmCallInfo leaf 0: every GHCI 1.0 standard call is there (no extra bitmaps). */
static bool g_info(struct ghci_call *c)
{
    if (td_ghci_arg(c->in, 0) != 0)
        td_ghci_set_status(c->out, GHCI_INVALID_OPERAND);
    for (unsigned i = 0; i < 4; i++)
        td_ghci_set_out(c->out, i, 0);
    return true;
}

static bool dispatch(struct ghci_call *c, int *cls)
{
    uint64_t subfn = td_ghci_subfn(c->in);

    switch (subfn) {
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
        return g_msr(c, subfn == GHCI_WRMSR);
    case GHCI_MAP_GPA:
        return g_map_gpa(c);
    case GHCI_REPORT_FATAL_ERROR:
        return g_fatal(c);
    case GHCI_GET_TD_VMCALL_INFO:
        return g_info(c);
    default:
        td_ghci_set_status(c->out, GHCI_SUBFUNC_UNSUPPORTED);
        return true;
    }
}

bool td_ghci(struct vcpu *v, const struct tdx_args *in, struct tdx_args *out, int *cls)
{
    struct ghci_call c = {v, in, out};

    *cls = VMEXIT_HYPERCALL;
    *out = (struct tdx_args){0};
    if (td_ghci_vendor(in)) { /* vendor-specific calls: none here */
        td_ghci_set_status(out, GHCI_SUBFUNC_UNSUPPORTED);
        return true;
    }
    return dispatch(&c, cls);
}
