/* SPDX-License-Identifier: MIT */
/*
 * crbits (hostile): ELF64. MOVs to CR0 and CR4 that must raise #GP: CR4.VMXE
 * (no nested VMX), CR4 reserved bit 31, CR4.PAE cleared in long mode, CR0
 * reserved bit 63, CR0.PG without CR0.PE, CR0.NW without CR0.CD. Then CR0
 * and CR4 must read back unchanged. Exit code 0 when all of that holds.
 * Also reports, without failing, whether CR4.PCIDE can be set although
 * CPUID hides PCID.
 */
#include "lib.S"

#define CR0_PE_BIT 0
#define CR0_NW_BIT 29
#define CR0_CD_BIT 30
#define CR4_PAE_BIT 5
#define CR4_VMXE_BIT 13
#define CR4_PCIDE_BIT 17

	.text
	START64
	PUTS "hostile: crbits (invalid CR0/CR4 writes, each must raise #GP)\n"
	call idt_install
	mov %cr0, %r12
	mov %cr4, %r13

	mov %r13, %rax
	bts $CR4_VMXE_BIT, %rax
	EXPECT_FAULT VEC_GP, "crbits: cr4.vmxe", mov %rax, %cr4
	mov %r13, %rax
	bts $31, %rax
	EXPECT_FAULT VEC_GP, "crbits: cr4 reserved bit 31", mov %rax, %cr4
	mov %r13, %rax
	btr $CR4_PAE_BIT, %rax
	EXPECT_FAULT VEC_GP, "crbits: cr4.pae cleared in long mode", mov %rax, %cr4
	mov %r12, %rax
	bts $63, %rax
	EXPECT_FAULT VEC_GP, "crbits: cr0 reserved bit 63", mov %rax, %cr0
	mov %r12, %rax
	btr $CR0_PE_BIT, %rax
	EXPECT_FAULT VEC_GP, "crbits: cr0.pg without cr0.pe", mov %rax, %cr0
	mov %r12, %rax
	bts $CR0_NW_BIT, %rax
	btr $CR0_CD_BIT, %rax
	EXPECT_FAULT VEC_GP, "crbits: cr0.nw without cr0.cd", mov %rax, %cr0

	mov %cr0, %rax
	cmp %r12, %rax
	jne 1f
	mov %cr4, %rax
	cmp %r13, %rax
	jne 2f
	PUTS "hostile: crbits: cr0 and cr4 unchanged\n"

	/* informational: CPUID.1:ECX.PCID is hidden, so PCIDE should #GP */
	movq $-1, fault_vec(%rip)
	ON_FAULT_GOTO 3f
	mov %r13, %rax
	bts $CR4_PCIDE_BIT, %rax
	mov %rax, %cr4
	FAULT_DISARM
	mov %r13, %cr4
	PUTS "hostile: crbits: note: cr4.pcide accepted although cpuid hides pcid\n"
	jmp 4f
3:	PUTS "hostile: crbits: note: cr4.pcide raised exception "
	mov fault_vec(%rip), %rax
	call uart_putdec
	PUTS "\n"
4:	EXPECT_DONE crbits
1:	PUTS "hostile: crbits: cr0 changed\n"
	DEBUG_EXIT 2
2:	PUTS "hostile: crbits: cr4 changed\n"
	DEBUG_EXIT 2
