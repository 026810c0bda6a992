/* SPDX-License-Identifier: MIT */
/*
 * bench: ELF64 at 0x100000. Times N = 10000 CPUID (leaf 0), VMCALL (RAX = 99,
 * unknown) and IN (port 0x510, unmodeled) exits and an empty loop of the same
 * shape with RDTSC (lfence; rdtsc around each loop), prints
 *   bench: cpuid 10000 exits, <total> ticks, <per> ticks/exit
 *   bench: vmcall 10000 exits, <total> ticks, <per> ticks/exit
 *   bench: io 10000 exits, <total> ticks, <per> ticks/exit
 *   bench: loop baseline <per> ticks/iter
 * and ends with debug-exit code 0.
 */
#include "lib.S"

#define N 10000

/* times loop \fn, prints "bench: \name 10000 exits, <total> ticks, <per> ticks/exit" */
.macro BENCH fn, name
	lea \fn(%rip), %r15
	call timeit
	mov %rax, %r14
	PUTS "bench: \name 10000 exits, "
	mov %r14, %rax
	call uart_putdec
	PUTS " ticks, "
	mov %r14, %rax
	xor %edx, %edx
	mov $N, %ecx
	div %rcx
	call uart_putdec
	PUTS " ticks/exit\n"
.endm

	.text
	START64
	BENCH loop_cpuid, "cpuid"
	BENCH loop_vmcall, "vmcall"
	BENCH loop_io, "io"
	lea loop_empty(%rip), %r15
	call timeit
	xor %edx, %edx
	mov $N, %ecx
	div %rcx
	mov %rax, %r14
	PUTS "bench: loop baseline "
	mov %r14, %rax
	call uart_putdec
	PUTS " ticks/iter\n"
	xor %eax, %eax
	jmp debug_exit

/* R15 = loop routine; returns RAX = TSC ticks it took */
timeit:
	lfence
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %r13
	call *%r15
	lfence
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	sub %r13, %rax
	ret

/* the loops: counter in R12, one setup instruction, the measured one */
loop_cpuid:
	mov $N, %r12d
1:	xor %eax, %eax
	cpuid
	dec %r12d
	jnz 1b
	ret

loop_vmcall:
	mov $N, %r12d
1:	mov $HC_UNKNOWN, %eax
	vmcall
	dec %r12d
	jnz 1b
	ret

loop_io:
	mov $N, %r12d
1:	mov $UNMODELED_PORT, %edx
	inb %dx, %al
	dec %r12d
	jnz 1b
	ret

loop_empty:
	mov $N, %r12d
1:	xor %eax, %eax
	nop
	dec %r12d
	jnz 1b
	ret
