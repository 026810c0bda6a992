/* SPDX-License-Identifier: MIT */
/*
 * Guest-Hypervisor Communication Interface (Intel TDX GHCI 1.5): the
 * TDG.VP.VMCALL sub-functions and status codes, and the pure rules the tdx
 * backend applies to them (tdx/td/ghci.c, unit-tested).
 */
#ifndef TDX_TD_GHCI_H
#define TDX_TD_GHCI_H

#include "lib/compiler.h"
#include "tdx/module/seamcall.h"

/* R11 sub-functions; instructions use their VMX basic exit reason (GHCI table 2-3) */
#define GHCI_CPUID 10
#define GHCI_HLT 12
#define GHCI_IO 30
#define GHCI_RDMSR 31
#define GHCI_WRMSR 32
#define GHCI_MMIO 48
#define GHCI_GET_TD_VMCALL_INFO 0x10000
#define GHCI_MAP_GPA 0x10001
#define GHCI_GET_QUOTE 0x10002
#define GHCI_REPORT_FATAL_ERROR 0x10003
#define GHCI_SETUP_EVENT_NOTIFY 0x10004

/* R10 on return (GHCI "TDG.VP.VMCALL completion status") */
#define GHCI_SUCCESS 0ULL
#define GHCI_RETRY 1ULL
#define GHCI_INVALID_OPERAND 0x8000000000000000ULL
#define GHCI_GPA_INUSE 0x8000000000000001ULL
#define GHCI_ALIGN_ERROR 0x8000000000000002ULL
#define GHCI_SUBFUNC_UNSUPPORTED 0x8000000000000003ULL

#define GHCI_IO_OUT 1 /* operand 1 (R13) of Instruction.IO */
#define GHCI_FATAL_MSG_LEN 64

/*
 * The TDG.VP.VMCALL registers (GHCI 1.5 section 2.4.1), typed: nothing else
 * reads or writes R10-R15 of a GHCI call. On the exit: R10 = 0 for a call
 * the GHCI defines (else vendor-specific), R11 = the sub-function, R12-R15
 * = its operands 0-3. For the next TDH.VP.ENTER: R10 = the completion
 * status, R11-R15 = outputs 0-4 (Instruction.CPUID's EAX-EDX are outputs
 * 1-4, R12-R15). The module passes on only the registers the TD exposed.
 */
static inline bool td_ghci_vendor(const struct tdx_args *in)
{
    return in->r10 != 0;
}

static inline uint64_t td_ghci_subfn(const struct tdx_args *in)
{
    return in->r11;
}

/* Operand n (0-3: R12-R15) of the sub-function; 0 beyond. */
static inline uint64_t td_ghci_arg(const struct tdx_args *in, unsigned n)
{
    const uint64_t r[4] = {in->r12, in->r13, in->r14, in->r15};

    return n < 4 ? r[n] : 0;
}

static inline void td_ghci_set_status(struct tdx_args *out, uint64_t status)
{
    out->r10 = status;
}

static inline uint64_t td_ghci_status(const struct tdx_args *out)
{
    return out->r10;
}

/* Output n (0-4: R11-R15); ignored beyond. */
static inline void td_ghci_set_out(struct tdx_args *out, unsigned n, uint64_t val)
{
    uint64_t *const r[5] = {&out->r11, &out->r12, &out->r13, &out->r14, &out->r15};

    if (n < 5)
        *r[n] = val;
}

/*
 * MapGPA of [gpa, gpa + size) in a TD of gpa_width bits whose private
 * memory is [0, mem_size) and that has no shared memory: to-private of
 * its memory succeeds (it already is private), to-shared and anything
 * outside fail with *next = the first GPA not converted.
 */
uint64_t td_ghci_map_gpa(uint64_t gpa, uint64_t size, unsigned gpa_width, uint64_t mem_size,
                         uint64_t *next);
/* The message of ReportFatalError (operands 2-3, then RBX, RDI, RSI, R8, R9, RDX; NUL-padded). */
void td_ghci_fatal_message(const struct tdx_args *a, char out[GHCI_FATAL_MSG_LEN + 1]);
/* TDG.VP.VMCALL<Instruction.RDMSR/WRMSR> of a TD: 0, or -EPERM (the guest gets #GP). */
int td_msr_read(uint32_t msr, unsigned vcpu_id, uint64_t *val);
int td_msr_write(uint32_t msr, uint64_t val);

#endif
