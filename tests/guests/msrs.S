/* SPDX-License-Identifier: MIT */
/*
 * msrs (hostile): ELF64. WRMSRs the hypervisor must refuse with #GP:
 * IA32_FEATURE_CONTROL (not allowed), EFER with reserved bit 1, EFER.LME
 * cleared while paging is on, FS_BASE, GS_BASE, KERNEL_GS_BASE,
 * SYSENTER_ESP, SYSENTER_EIP and LSTAR with the non-canonical
 * 0x8000000000000000, a PAT with a reserved memory type (2), APIC_BASE moved
 * away from 0xFEE00000, and the x2APIC ICR (x2APIC is hidden). Then EFER and
 * FS_BASE must read back unchanged. Exit code 0 when all of that holds.
 */
#include "lib.S"

/* ECX = MSR, EDX:EAX = 0x8000000000000000 */
.macro NONCANON msr
	mov $\msr, %ecx
	xor %eax, %eax
	mov $NONCANONICAL_HI, %edx
.endm

	.text
	START64
	PUTS "hostile: msrs (forbidden and invalid WRMSRs, each must raise #GP)\n"
	call idt_install
	mov $MSR_EFER, %ecx
	rdmsr
	mov %eax, efer_lo(%rip)
	mov %edx, efer_hi(%rip)

	mov $MSR_IA32_FEATURE_CONTROL, %ecx
	mov $5, %eax			/* lock, VMX outside SMX */
	xor %edx, %edx
	EXPECT_FAULT VEC_GP, "msrs: feature_control", wrmsr
	mov $MSR_EFER, %ecx
	mov efer_lo(%rip), %eax
	mov efer_hi(%rip), %edx
	or $EFER_RESERVED_BIT1, %eax
	EXPECT_FAULT VEC_GP, "msrs: efer reserved bit 1", wrmsr
	mov $MSR_EFER, %ecx
	mov efer_lo(%rip), %eax
	mov efer_hi(%rip), %edx
	and $~EFER_LME, %eax
	EXPECT_FAULT VEC_GP, "msrs: efer.lme cleared with paging on", wrmsr
	NONCANON MSR_FS_BASE
	EXPECT_FAULT VEC_GP, "msrs: fs_base non-canonical", wrmsr
	NONCANON MSR_GS_BASE
	EXPECT_FAULT VEC_GP, "msrs: gs_base non-canonical", wrmsr
	NONCANON MSR_KERNEL_GS_BASE
	EXPECT_FAULT VEC_GP, "msrs: kernel_gs_base non-canonical", wrmsr
	NONCANON MSR_SYSENTER_ESP
	EXPECT_FAULT VEC_GP, "msrs: sysenter_esp non-canonical", wrmsr
	NONCANON MSR_SYSENTER_EIP
	EXPECT_FAULT VEC_GP, "msrs: sysenter_eip non-canonical", wrmsr
	NONCANON MSR_LSTAR
	EXPECT_FAULT VEC_GP, "msrs: lstar non-canonical", wrmsr
	mov $MSR_PAT, %ecx
	mov $0x00070406, %eax		/* WB, WT, UC-, UC ... */
	mov $0x00070402, %edx		/* ... with type 2 (reserved) in entry 4 */
	EXPECT_FAULT VEC_GP, "msrs: pat reserved type 2", wrmsr
	mov $MSR_APIC_BASE, %ecx
	mov $0xFED00900, %eax		/* enabled, BSP, moved */
	xor %edx, %edx
	EXPECT_FAULT VEC_GP, "msrs: apic_base moved", wrmsr
	mov $MSR_X2APIC_ICR, %ecx
	mov $ICR_INIT_SELF, %eax
	xor %edx, %edx
	EXPECT_FAULT VEC_GP, "msrs: x2apic icr", wrmsr

	mov $MSR_EFER, %ecx
	rdmsr
	cmp efer_lo(%rip), %eax
	jne 1f
	cmp efer_hi(%rip), %edx
	jne 1f
	mov $MSR_FS_BASE, %ecx
	rdmsr
	or %edx, %eax
	jnz 2f
	PUTS "hostile: msrs: efer and fs_base unchanged\n"
	EXPECT_DONE msrs
1:	PUTS "hostile: msrs: efer changed\n"
	DEBUG_EXIT 2
2:	PUTS "hostile: msrs: fs_base changed\n"
	DEBUG_EXIT 2

	.section .bss
efer_lo: .skip 4
efer_hi: .skip 4
