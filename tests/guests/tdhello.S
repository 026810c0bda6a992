/* SPDX-License-Identifier: MIT */
/*
 * tdhello: trust-domain test guest, ELF64 at 0x100000, launched with
 * backend=tdx (the tdx backend's reset page enters it in 64-bit mode).
 * Everything goes through TDCALL: its UART output is
 * TDG.VP.VMCALL<Instruction.IO> (lib.S, GUEST_TD). Checks, ending with the
 * check's number as debug-exit code on failure:
 *   1  TDG.VP.INFO: GPA width 48, 1 vCPU, index 0
 *   2  CPUID 0x21 (the module's own leaf) says "IntelTDX    "
 *   3  Instruction.CPUID 0x40000000 gives the hypervisor's signature
 *   4  Instruction.RDMSR of IA32_APIC_BASE: x2APIC mode
 *   5  Instruction.RDMSR of an unknown MSR fails (INVALID_OPERAND)
 *   6  MapGPA of its own first page to private succeeds, to shared fails
 *   7  an unknown sub-function gives SUBFUNC_UNSUPPORTED
 * then times 1000 TDG.VP.INFO (served in the module) and 1000
 * TDG.VP.VMCALL<Instruction.CPUID> (a TD exit to the VMM) round trips:
 *   tdhello: <what> 1000 calls, <total> ticks, <per> ticks/call
 * and ends with debug-exit code 0.
 */
#include "lib.S"

#define N 1000
#define MSR_UNKNOWN_TD 0x12345678

/* TDG.VP.VMCALL sub-function \fn, R12 = \a, R13 = \b, exposing R10-R15. */
.macro GHCI fn, a=0, b=0
	mov $\fn, %r11d
	movabs $\a, %r12
	movabs $\b, %r13
	xor %r10d, %r10d
	mov $TD_VMCALL_R10_R15, %ecx
	xor %eax, %eax
	TDCALL
.endm

.macro FAIL n, msg
	PUTS "tdhello: check \n FAILED: \msg\n"
	DEBUG_EXIT \n
.endm

/* times routine \fn (N calls), prints "tdhello: \name 1000 calls, <total> ticks, <per> ticks/call" */
.macro TIME fn, name
	lea \fn(%rip), %r15
	call timeit
	mov %rax, %rbx
	PUTS "tdhello: \name 1000 calls, "
	mov %rbx, %rax
	call uart_putdec
	PUTS " ticks, "
	mov %rbx, %rax
	xor %edx, %edx
	mov $N, %ecx
	div %rcx
	call uart_putdec
	PUTS " ticks/call\n"
.endm

	.text
	START64
	PUTS "tdhello: hello from a trust domain\n"

	mov $TDG_VP_INFO, %eax
	TDCALL
	test %rax, %rax
	jnz 1f
	cmp $TD_GPAW, %rcx
	jne 1f
	cmp $1, %r8d
	jne 1f
	test %r9, %r9
	jz 2f
1:	FAIL 1, "TDG.VP.INFO"
2:	PUTS "tdhello: TDG.VP.INFO: GPA width 48, 1 vCPU, index 0\n"

	mov $CPUID_TDX, %eax
	xor %ecx, %ecx
	cpuid
	cmp $TDX_SIG_EBX, %ebx
	jne 1f
	cmp $TDX_SIG_EDX, %edx
	jne 1f
	cmp $TDX_SIG_ECX, %ecx
	je 2f
1:	FAIL 2, "CPUID 0x21 is not IntelTDX"
2:	PUTS "tdhello: CPUID 0x21: IntelTDX\n"

	GHCI GHCI_CPUID, CPUID_HV_BASE, 0
	test %r10, %r10
	jnz 1f
	cmp $HV_SIG_EBX, %r13d
	jne 1f
	cmp $HV_SIG_ECX, %r14d
	jne 1f
	cmp $HV_SIG_EDX, %r15d
	je 2f
1:	FAIL 3, "Instruction.CPUID 0x40000000"
2:	PUTS "tdhello: Instruction.CPUID: HVMICROVISOR\n"

	GHCI GHCI_RDMSR, MSR_APIC_BASE, 0
	test %r10, %r10
	jnz 1f
	test $APIC_BASE_X2APIC, %r11
	jnz 2f
1:	FAIL 4, "Instruction.RDMSR IA32_APIC_BASE"
2:	GHCI GHCI_RDMSR, MSR_UNKNOWN_TD, 0
	movabs $GHCI_INVALID_OPERAND, %rax
	cmp %rax, %r10
	je 2f
	FAIL 5, "Instruction.RDMSR of an unknown MSR did not fail"
2:	PUTS "tdhello: Instruction.RDMSR: x2APIC, unknown MSR refused\n"

	GHCI GHCI_MAP_GPA, 0, 4096
	test %r10, %r10
	jnz 1f
	GHCI GHCI_MAP_GPA, TD_SHARED_BIT, 4096
	movabs $GHCI_INVALID_OPERAND, %rax
	cmp %rax, %r10
	je 2f
1:	FAIL 6, "MapGPA"
2:	PUTS "tdhello: MapGPA: private ok, shared refused\n"

	GHCI 0x12345, 0, 0
	movabs $GHCI_SUBFUNC_UNSUPPORTED, %rax
	cmp %rax, %r10
	je 2f
	FAIL 7, "unknown sub-function"
2:	TIME loop_info, "tdcall vp.info"
	TIME loop_cpuid, "tdvmcall cpuid"
	PUTS "tdhello: all checks passed\n"
	DEBUG_EXIT 0

/* R15 = routine; RAX = TSC ticks it took */
timeit:
	lfence
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %r14
	push %r14
	call *%r15
	pop %r14
	lfence
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	sub %r14, %rax
	ret

loop_info:
	mov $N, %ebx
1:	mov $TDG_VP_INFO, %eax
	TDCALL
	dec %ebx
	jnz 1b
	ret

loop_cpuid:
	mov $N, %ebx
1:	GHCI GHCI_CPUID, 0, 0
	dec %ebx
	jnz 1b
	ret
