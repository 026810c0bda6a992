/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 header and 32-bit entry (Multiboot2 spec 1.0, 3.1 and 3.3).
 * GRUB enters here in protected mode with paging off. Assembly because C
 * cannot run before long mode: we build throw-away page tables (identity
 * and direct map of the low 4 GiB, the kernel image at -2 GiB), enter long
 * mode and jump to kmain() in the higher half. kmain() replaces these tables
 * with the kernel's own.
 */
#include "kernel/layout.h"

#define MB2_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0
#define MB2_BOOT_MAGIC 0x36D76289
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define V2P(x) ((x) - KERNEL_VMA)

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* module alignment tag: modules page-aligned */
    .balign 8
    .short 6, 0
    .long 8
    /* end tag */
    .balign 8
    .short 0, 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    mov %eax, boot_magic
    mov %ebx, boot_mbi
    mov $boot_stack32_top, %esp
    cmp $MB2_BOOT_MAGIC, %eax
    jne halt32
    rdtsc /* boot-time measurement starts at the multiboot entry */
    mov %eax, boot_tsc
    mov %edx, boot_tsc + 4

    /* Long mode available? CPUID 0x80000001 EDX bit 29 */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb halt32
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc halt32
    mov %edx, %esi /* keep: bit 20 = NX */

    /* PD: 2048 entries of 2 MiB pages, identity for 0..4 GiB */
    mov $boot_pd, %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $(PTE_P | PTE_W | PTE_PS), %eax
    mov %eax, (%edi, %ecx, 8)
    mov %ecx, %eax
    shr $11, %eax
    mov %eax, 4(%edi, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jne 1b

    /* PDPT low: 4 entries pointing at the 4 PD pages */
    mov $boot_pdpt, %edi
    mov $boot_pd + (PTE_P | PTE_W), %eax
    mov %eax, 0(%edi)
    add $4096, %eax
    mov %eax, 8(%edi)
    add $4096, %eax
    mov %eax, 16(%edi)
    add $4096, %eax
    mov %eax, 24(%edi)

    /* PDPT high: entry 510 maps -2 GiB to physical 0..1 GiB */
    mov $boot_pd + (PTE_P | PTE_W), %eax
    mov %eax, boot_pdpt_hi + 510 * 8

    /* PML4: identity, direct map, kernel */
    mov $boot_pdpt + (PTE_P | PTE_W), %eax
    mov %eax, boot_pml4
    mov %eax, boot_pml4 + DMAP_PML4_INDEX * 8
    mov $boot_pdpt_hi + (PTE_P | PTE_W), %eax
    mov %eax, boot_pml4 + 511 * 8

    mov %cr4, %eax
    or $(1 << 5), %eax /* PAE */
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    bt $20, %esi
    jnc 2f
    or $EFER_NXE, %eax
2:  wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax /* PG | WP | PE */
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_entry

halt32:
    hlt
    jmp halt32

    .code64
long_entry:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $higher_half, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF /* 64-bit code */
    .quad 0x00CF92000000FFFF /* data */
boot_gdt_ptr:
    .short boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt
    .globl boot_magic, boot_mbi, boot_tsc
    .balign 8
boot_tsc:
    .quad 0
boot_magic:
    .long 0
boot_mbi:
    .long 0

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pdpt_hi:
    .skip 4096
boot_pd:
    .skip 4096 * 4
    .skip 1024
boot_stack32_top:

    .text
higher_half:
    movabs $bsp_stack_top, %rsp
    xor %ebp, %ebp
    movabs $boot_magic, %rax
    mov (%rax), %edi
    movabs $boot_mbi, %rax
    mov (%rax), %esi
    call kmain
1:  cli
    hlt
    jmp 1b

    .bss
    .balign 4096
    .globl bsp_stack_bottom, bsp_stack_top
bsp_stack_bottom:
    .skip BOOT_STACK_SIZE
bsp_stack_top:
