/* SPDX-License-Identifier: MIT */
/*
 * wildwrite (hostile): ELF64. Builds its own page tables identity-mapping
 * 0-4 GiB with 2 MiB pages, loads CR3 and writes to guest-physical 1 GiB
 * (0x40000000), beyond a 64 MiB guest's memory: the EPT violation must stop
 * the guest. If it ever gets past the write, it says so and exits with code 1.
 */
#include "lib.S"

#define PTE_P_RW 0x03
#define PTE_PS 0x80
#define WILD_ADDR 0x40000000

	.text
	START64
	PUTS "hostile: wildwrite (own page tables, write to 0x40000000)\n"
	lea pt(%rip), %rdi		/* PML4, PDPT, then 4 PDs */
	xor %eax, %eax
	mov $(6 * 512), %ecx
	rep stosq
	lea pt(%rip), %rdi
	lea (0x1000 + PTE_P_RW)(%rdi), %rax
	mov %rax, (%rdi)		/* PML4[0] -> PDPT */
	lea (0x2000 + PTE_P_RW)(%rdi), %rax
	lea 0x1000(%rdi), %rsi
	mov $4, %ecx
1:	mov %rax, (%rsi)		/* PDPT[0..3] -> PD0..PD3 */
	add $8, %rsi
	add $0x1000, %rax
	loop 1b
	lea 0x2000(%rdi), %rsi
	mov $(PTE_PS | PTE_P_RW), %eax
	mov $(4 * 512), %ecx
2:	mov %rax, (%rsi)		/* 2 MiB pages, 0-4 GiB */
	add $8, %rsi
	add $0x200000, %rax
	loop 2b
	mov %rdi, %cr3
	PUTS "hostile: wildwrite: page tables loaded, writing\n"
	movl $0xDEADBEEF, WILD_ADDR
	PUTS "hostile: wildwrite survived the write\n"
	DEBUG_EXIT 1

	.section .bss
	.balign 4096
pt:	.skip 6 * 4096
