/* SPDX-License-Identifier: MIT */
/*
 * vmxinsns (hostile): ELF64. Executes each of the 12 VMX instructions
 * (VMXON, VMXOFF, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMLAUNCH,
 * VMRESUME, INVEPT, INVVPID, VMFUNC with EAX = 0) under a #UD handler. CPUID
 * says no VMX and there is no nested VMX, so each must raise #UD. Exits with
 * code 0 if all 12 did; otherwise each miss is printed and the code is 1.
 */
#include "lib.S"

	.text
	START64
	PUTS "hostile: vmxinsns (12 VMX instructions, each must raise #UD)\n"
	call idt_install
	lea vmx_region(%rip), %rax
	mov %rax, vmx_ptr(%rip)
	mov %rax, inv_desc(%rip)
	EXPECT_FAULT VEC_UD, "vmxinsns: vmxon", vmxon vmx_ptr(%rip)
	EXPECT_FAULT VEC_UD, "vmxinsns: vmxoff", vmxoff
	EXPECT_FAULT VEC_UD, "vmxinsns: vmclear", vmclear vmx_ptr(%rip)
	EXPECT_FAULT VEC_UD, "vmxinsns: vmptrld", vmptrld vmx_ptr(%rip)
	EXPECT_FAULT VEC_UD, "vmxinsns: vmptrst", vmptrst scratch(%rip)
	mov $0x681E, %eax		/* guest RIP field */
	EXPECT_FAULT VEC_UD, "vmxinsns: vmread", vmread %rax, %rbx
	mov $0x681E, %eax
	xor %ebx, %ebx
	EXPECT_FAULT VEC_UD, "vmxinsns: vmwrite", vmwrite %rbx, %rax
	EXPECT_FAULT VEC_UD, "vmxinsns: vmlaunch", vmlaunch
	EXPECT_FAULT VEC_UD, "vmxinsns: vmresume", vmresume
	mov $2, %eax			/* all-context */
	EXPECT_FAULT VEC_UD, "vmxinsns: invept", invept inv_desc(%rip), %rax
	mov $2, %eax			/* all-context */
	EXPECT_FAULT VEC_UD, "vmxinsns: invvpid", invvpid inv_desc(%rip), %rax
	xor %eax, %eax			/* EPTP switching */
	xor %ecx, %ecx
	EXPECT_FAULT VEC_UD, "vmxinsns: vmfunc", vmfunc
	EXPECT_DONE vmxinsns

	.section .bss
	.balign 4096
vmx_region:
	.skip 4096
vmx_ptr:
	.skip 8
scratch:
	.skip 8
	.balign 16
inv_desc:
	.skip 16
