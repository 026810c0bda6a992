/* SPDX-License-Identifier: MIT */
/*
 * memlimit (hostile): ELF64, launched with mem=4M (or any size: the limit is
 * computed from CR3, see guest_mem_size). Reads and writes the last byte of
 * its memory, checks that the print hypercall refuses ranges that reach past
 * it (-EFAULT), then reads the first byte outside: the EPT violation must
 * stop it ("read of guest-physical <limit> outside its memory"). If it gets
 * past the read, it says so and exits with code 1. memlimitw.S is the same
 * guest ending with a write instead.
 */
#include "lib.S"

#define EFAULT_RET (-14)

	.text
	START64
#ifdef MEMLIMIT_WRITE
	PUTS "hostile: memlimitw (last byte inside works, write of the first byte outside)\n"
#else
	PUTS "hostile: memlimit (last byte inside works, read of the first byte outside)\n"
#endif
	call idt_install
	call guest_mem_size
	mov %rax, %rbx			/* RBX = limit, kept by lib routines */
	PUTS "hostile: memlimit: limit "
	mov %rbx, %rax
	call uart_puthex
	PUTS "\n"

	/* the last byte inside: the top byte of the last page directory's last
	 * entry (maps 0xFFE00000, which nothing here touches); flip it, read it
	 * back, restore it */
	movb -1(%rbx), %r12b
	mov %r12b, %r13b
	xor $0x5A, %r13b
	mov %r13b, -1(%rbx)
	cmp -1(%rbx), %r13b
	jne 9f
	mov %r12b, -1(%rbx)
	PUTS "hostile: memlimit: last byte inside read and written\n"

	/* the hypervisor must not read past the limit on the guest's behalf */
	mov $HC_PRINT, %eax
	lea -1(%rbx), %rbx
	mov $2, %ecx
	vmcall
	inc %rbx
	cmp $EFAULT_RET, %rax
	jne 8f
	mov $HC_PRINT, %eax
	mov $1, %ecx
	vmcall
	cmp $EFAULT_RET, %rax
	jne 8f
	PUTS "hostile: memlimit: print hypercall across and beyond the limit: -EFAULT\n"

#ifdef MEMLIMIT_WRITE
	PUTS "hostile: memlimit: writing the first byte outside\n"
	movb $0x5A, (%rbx)
	PUTS "hostile: memlimit survived the write\n"
#else
	PUTS "hostile: memlimit: reading the first byte outside\n"
	movb (%rbx), %al
	PUTS "hostile: memlimit survived the read\n"
#endif
	DEBUG_EXIT 1
8:	PUTS "hostile: memlimit: print hypercall beyond the limit did not return -EFAULT\n"
	DEBUG_EXIT 2
9:	PUTS "hostile: memlimit: last byte inside did not read back\n"
	DEBUG_EXIT 3
