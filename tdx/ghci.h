/*
 * Guest-Hypervisor Communication Interface (Intel TDX GHCI 1.5): the
 * TDG.VP.VMCALL sub-functions and status codes, and the pure rules the tdx
 * backend applies to them (tdx/ghci.c, unit-tested).
 */
#ifndef TDX_GHCI_H
#define TDX_GHCI_H

#include "kernel/compiler.h"
#include "tdx/seamcall.h"

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

#define GHCI_IO_OUT 1 /* R13 of Instruction.IO */
#define GHCI_FATAL_MSG_LEN 64

/*
 * MapGPA of [gpa, gpa + size) in a TD of gpa_width bits whose private
 * memory is [0, mem_size) and that has no shared memory: to-private of
 * its memory succeeds (it already is private), to-shared and anything
 * outside fail with *next = the first GPA not converted.
 */
uint64_t ghci_map_gpa(uint64_t gpa, uint64_t size, unsigned gpa_width, uint64_t mem_size,
                      uint64_t *next);
/* The message of ReportFatalError (R14, R15, RBX, RDI, RSI, R8, R9, RDX; NUL-padded). */
void ghci_fatal_message(const struct tdx_args *a, char out[GHCI_FATAL_MSG_LEN + 1]);
/* TDG.VP.VMCALL<Instruction.RDMSR/WRMSR> of a TD: 0, or -EPERM (the guest gets #GP). */
int td_msr_read(uint32_t msr, unsigned vcpu_id, uint64_t *val);
int td_msr_write(uint32_t msr, uint64_t val);

#endif
