/* SPDX-License-Identifier: MIT */
/*
 * exerciser: ELF64 at 0x100000. Runs the checks below in order, printing
 * "check N ok: <what>" or "check N FAILED: <what>" on COM1, and ends with
 * debug-exit code 0 when all pass, else N of the first failing check. An
 * unexpected exception during check N prints it and also exits with N.
 * Each check returns AL = 1 for pass, 0 for fail.
 */
#include "lib.S"

/* table entry {function, description} in .data.checks, then the label */
.macro CHECK fn, desc
	.pushsection .rodata
.Ldesc\@: .asciz "\desc"
	.popsection
	.pushsection .data.checks, "aw"
	.quad \fn, .Ldesc\@
	.popsection
\fn:
.endm

	.text
	START64
	call idt_install
	lea checks(%rip), %r12
	mov $1, %r13d
next:	lea checks_end(%rip), %rax
	cmp %rax, %r12
	jae all_passed
	mov %r13d, fault_exit_code(%rip)
	call *(%r12)
	mov %eax, %r14d
	PUTS "check "
	mov %r13, %rax
	call uart_putdec
	test $1, %r14b
	jz 1f
	PUTS " ok: "
	jmp 2f
1:	PUTS " FAILED: "
2:	mov 8(%r12), %rsi
	call uart_puts
	PUTS "\n"
	test $1, %r14b
	jz failed
	add $16, %r12
	inc %r13d
	jmp next
failed:	mov %r13d, %eax
	jmp debug_exit
all_passed:
	PUTS "exerciser: all checks passed\n"
	xor %eax, %eax
	jmp debug_exit

pass:	mov $1, %eax
	ret
fail:	xor %eax, %eax
	ret

	.pushsection .data.checks, "aw"
checks:
	.popsection

CHECK chk_hv_bit, "cpuid.1 ecx.hypervisor (bit 31) set"
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	bt $CPUID1_ECX_HYPERVISOR, %ecx
	setc %al
	ret

CHECK chk_no_vmx, "cpuid.1 ecx.vmx (bit 5) clear"
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	bt $CPUID1_ECX_VMX, %ecx
	setnc %al
	ret

CHECK chk_hv_sig, "cpuid 0x40000000 is HVMICROVISOR, eax >= 0x40000001"
	mov $CPUID_HV_BASE, %eax
	xor %ecx, %ecx
	cpuid
	cmp $CPUID_HV_ABI, %eax
	jb fail
	cmp $HV_SIG_EBX, %ebx
	jne fail
	cmp $HV_SIG_ECX, %ecx
	jne fail
	cmp $HV_SIG_EDX, %edx
	jne fail
	jmp pass

CHECK chk_efer, "rdmsr efer has lme and lma"
	mov $MSR_EFER, %ecx
	rdmsr
	and $(EFER_LME | EFER_LMA), %eax
	cmp $(EFER_LME | EFER_LMA), %eax
	sete %al
	ret

CHECK chk_kgs, "wrmsr/rdmsr kernel_gs_base round trip"
	mov $MSR_KERNEL_GS_BASE, %ecx
	mov $0x43210ABC, %eax
	mov $0xFFFF8765, %edx
	wrmsr
	xor %eax, %eax
	xor %edx, %edx
	rdmsr
	cmp $0x43210ABC, %eax
	jne fail
	cmp $0xFFFF8765, %edx
	sete %al
	ret

CHECK chk_bad_msr, "rdmsr 0x12345678 raises #gp"
	movq $-1, fault_vec(%rip)
	ON_FAULT_GOTO 1f
	mov $MSR_UNKNOWN, %ecx
	rdmsr
	FAULT_DISARM
1:	cmpq $VEC_GP, fault_vec(%rip)
	sete %al
	ret

CHECK chk_inb, "inb 0x510 (unmodeled) reads 0xff"
	xor %eax, %eax
	mov $UNMODELED_PORT, %edx
	inb %dx, %al
	cmp $0xFF, %al
	sete %al
	ret

CHECK chk_inl, "inw/inl 0x510 read 0xffff/0xffffffff"
	xor %eax, %eax
	mov $UNMODELED_PORT, %edx
	inw %dx, %ax
	cmp $0xFFFF, %ax
	jne fail
	xor %eax, %eax
	inl %dx, %eax
	cmp $0xFFFFFFFF, %eax
	sete %al
	ret

CHECK chk_out, "outb/outw/outl 0x510 are ignored"
	mov $UNMODELED_PORT, %edx
	mov $0x5A5A5A5A, %eax
	outb %al, %dx
	outw %ax, %dx
	outl %eax, %dx
	jmp pass

CHECK chk_vmcall, "vmcall 99 (unknown) returns -38"
	mov $HC_UNKNOWN, %eax
	vmcall
	cmp $HC_ENOSYS, %rax
	sete %al
	ret

CHECK chk_pause, "1000 x pause"
	mov $1000, %ecx
1:	pause
	loop 1b
	jmp pass

CHECK chk_abi, "cpuid 0x40000001 eax (hypercall abi) is 1"
	mov $CPUID_HV_ABI, %eax
	xor %ecx, %ecx
	cpuid
	cmp $1, %eax
	sete %al
	ret

	.pushsection .data.checks, "aw"
checks_end:
	.popsection
