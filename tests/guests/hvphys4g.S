/* SPDX-License-Identifier: MIT */
/*
 * hvphys4g (hostile): ELF64. The loader maps only 0-4 GiB, so it adds a page
 * directory to the loader's PDPT (slot 4: 4-5 GiB) mapping guest-virtual
 * 0x100000000 to guest-physical 0x100000000 with a 2 MiB page, then writes
 * there: the EPT violation must stop it. If it gets past the write, it says
 * so and exits with code 1.
 */
#include "lib.S"

#define PTE_P_RW 0x03
#define PTE_PS 0x80
#define ADDR_4G 0x100000000

	.text
	START64
	PUTS "hostile: hvphys4g (own mapping, write to 0x100000000)\n"
	call idt_install
	mov $(ADDR_4G | PTE_PS | PTE_P_RW), %rax
	mov %rax, pd4(%rip)
	mov %cr3, %rdi
	and $~0xFFF, %rdi
	lea pd4(%rip), %rax
	or $PTE_P_RW, %rax
	mov %rax, (4096 + 4 * 8)(%rdi)	/* PDPT[4] -> pd4 */
	mov %rdi, %cr3			/* flush */
	PUTS "hostile: hvphys4g: mapped, writing\n"
	mov $ADDR_4G, %rax
	movl $0xDEADBEEF, (%rax)
	PUTS "hostile: hvphys4g survived the write\n"
	DEBUG_EXIT 1

	.section .bss
	.balign 4096
pd4:	.skip 4096
