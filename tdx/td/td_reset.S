/* SPDX-License-Identifier: MIT */
/*
 * The reset-vector page the tdx backend adds to every TD at GPA
 * 0xFFFFF000, standing in for TDVF's reset vector. A TD vCPU starts where
 * TDH.VP.INIT leaves it (tdx-host-abi.md 5.11): 32-bit protected mode,
 * paging off, RIP 0xFFFFFFF0, EFER.LME already set. This code turns on
 * 4-level paging with the loader's identity page tables, enters 64-bit
 * mode and jumps to the image's entry point. Assembly because it is guest
 * code in two CPU modes; the backend copies the page and fills in the
 * three fields at td_reset_cr3/rip/rsp before TDH.MEM.PAGE.ADD measures it.
 * Addresses are written as RESET_GPA + offset: the page runs at RESET_GPA,
 * not where the hypervisor is linked.
 */
#define RESET_GPA 0xFFFFF000
#define AT(sym) (RESET_GPA + ((sym) - td_reset_page))
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define SEL_CODE64 0x08
#define SEL_DATA 0x10

    .section .rodata
    .balign 4096
    .globl td_reset_page, td_reset_cr3, td_reset_rip, td_reset_rsp
td_reset_page:
    .code32
stub32:
    mov AT(td_reset_cr3), %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov %cr0, %eax
    or $CR0_PG, %eax
    mov %eax, %cr0 /* EFER.LME is set: this activates IA-32e mode */
    lgdt AT(gdt_desc)
    ljmp $SEL_CODE64, $AT(stub64)
    .code64
stub64:
    mov $SEL_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov td_reset_rsp(%rip), %rsp
    jmp *td_reset_rip(%rip)

    .balign 8
gdt:
    .quad 0
    .quad 0x00AF9B000000FFFF /* 64-bit code, DPL 0 */
    .quad 0x00CF93000000FFFF /* flat data */
gdt_desc:
    .word gdt_desc - gdt - 1
    .long AT(gdt)
    .balign 8
td_reset_cr3:
    .quad 0
td_reset_rip:
    .quad 0
td_reset_rsp:
    .quad 0

    .org 0xFF0
    .code32
reset_vector: /* RIP 0xFFFFFFF0 */
    jmp stub32
    .org 0x1000
    .code64
