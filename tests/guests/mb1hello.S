/* SPDX-License-Identifier: MIT */
/*
 * mb1hello: multiboot1 kernel, ELF32 linked at 0x100000, entered in 32-bit
 * protected mode with paging off (Multiboot 0.6.96, 3.2). Its module string
 * is "mb1hello greeting=hi": the loader passes "greeting=hi" as the
 * multiboot command line. Checks, exiting through the debug-exit port with
 * the code on failure:
 *   1  EAX is not 0x2BADB002
 *   2  info flags lack mem (bit 0), cmdline (bit 2) or mmap (bit 6)
 *   3  mem_upper is 0
 *   4  the memory map is empty
 * then prints "mb1hello: cmdline '<cmdline>'", one line per memory map entry
 * "mb1hello: mmap <base> <length> type <n>", "mb1hello: all checks passed"
 * and exits with code 0.
 */
#include "lib.S"

#define MB1_INFO_WANTED (MB1_INFO_MEM | MB1_INFO_CMDLINE | MB1_INFO_MMAP)

	/* 3.1.1: 32-bit aligned, in the first 8 KiB (guest32.ld puts it first) */
	.section .multiboot, "a"
	.balign 4
	.long MB1_HEADER_MAGIC
	.long MB1_HEADER_MEMORY_INFO
	.long -(MB1_HEADER_MAGIC + MB1_HEADER_MEMORY_INFO)

	.text
	START32
	cmp $MB1_BOOTLOADER_MAGIC, %eax
	je 1f
	mov %eax, %ebx
	PUTS "mb1hello: check 1 FAILED: eax "
	mov %ebx, %eax
	xor %edx, %edx
	call uart_puthex
	PUTS ", expected 0x2BADB002\n"
	DEBUG_EXIT 1

1:	mov MB1I_FLAGS(%ebx), %eax
	and $MB1_INFO_WANTED, %eax
	cmp $MB1_INFO_WANTED, %eax
	je 1f
	PUTS "mb1hello: check 2 FAILED: info flags "
	mov MB1I_FLAGS(%ebx), %eax
	xor %edx, %edx
	call uart_puthex
	PUTS " lack bit 0, 2 or 6\n"
	DEBUG_EXIT 2

1:	cmpl $0, MB1I_MEM_UPPER(%ebx)
	jne 1f
	PUTS "mb1hello: check 3 FAILED: mem_upper is 0\n"
	DEBUG_EXIT 3

1:	PUTS "mb1hello: cmdline '"
	mov MB1I_CMDLINE(%ebx), %esi
	call uart_puts
	PUTS "'\n"

	/* entries are size-prefixed: the next one is at cur + size + 4 */
	mov MB1I_MMAP_ADDR(%ebx), %ebp	/* cur */
	mov MB1I_MMAP_LENGTH(%ebx), %ebx
	add %ebp, %ebx			/* end */
	xor %edi, %edi			/* entries seen */
	cmp %ebx, %ebp
	jae mmap_done
mmap_next:
	push %edi
	PUTS "mb1hello: mmap "
	mov MB1M_BASE(%ebp), %eax
	mov MB1M_BASE+4(%ebp), %edx
	call uart_puthex
	PUTS " "
	mov MB1M_LENGTH(%ebp), %eax
	mov MB1M_LENGTH+4(%ebp), %edx
	call uart_puthex
	PUTS " type "
	mov MB1M_TYPE(%ebp), %eax
	call uart_putdec
	PUTS "\n"
	pop %edi
	inc %edi
	mov MB1M_SIZE(%ebp), %eax
	add $4, %eax
	add %eax, %ebp
	jc mmap_done			/* a size that wraps: stop */
	cmp %ebx, %ebp
	jb mmap_next
mmap_done:
	test %edi, %edi
	jnz 1f
	PUTS "mb1hello: check 4 FAILED: the memory map is empty\n"
	DEBUG_EXIT 4

1:	PUTS "mb1hello: all checks passed\n"
	DEBUG_EXIT 0
