/* SPDX-License-Identifier: MIT */
/*
 * vmxinguest (hostile): ELF64. Installs an IDT, then executes VMXON. In VMX
 * non-root operation that is a VM exit; the hypervisor either stops the
 * guest or injects #UD (CPUID says no VMX), which the guest reports and
 * exits with code 0. Any other exception: code 2; no exception: code 1.
 */
#include "lib.S"

	.text
	START64
	call idt_install
	PUTS "hostile: vmxinguest (vmxon)\n"
	lea vmxon_region(%rip), %rax
	mov %rax, vmxon_ptr(%rip)
	movq $-1, fault_vec(%rip)
	ON_FAULT_GOTO 1f
	vmxon vmxon_ptr(%rip)
	FAULT_DISARM
	PUTS "hostile: vmxinguest: vmxon did not fault\n"
	DEBUG_EXIT 1
1:	cmpq $VEC_UD, fault_vec(%rip)
	jne 2f
	PUTS "hostile: vmxinguest: vmxon raised #UD\n"
	DEBUG_EXIT 0
2:	PUTS "hostile: vmxinguest: vmxon raised exception "
	mov fault_vec(%rip), %rax
	call uart_putdec
	PUTS "\n"
	DEBUG_EXIT 2

	.section .bss
	.balign 4096
vmxon_region:
	.skip 4096
vmxon_ptr:
	.skip 8
