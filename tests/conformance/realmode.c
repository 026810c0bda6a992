/* SPDX-License-Identifier: MIT */
/*
 * realmode: leave long mode and come back. 64-bit -> compatibility mode
 * (32-bit code segment) -> paging off (IA32_EFER.LMA clears) -> EFER.LME
 * off -> 16-bit protected mode -> CR0.PE off -> real mode at 0x6000:xxxx.
 * There: segment arithmetic (0x6100:0x0010 and 0x6000:0x1010 are the same
 * byte), INT 0x42 through our own IVT (LIDT base 0x62000) pushing FLAGS,
 * CS and IP, REP MOVSB, CR0.PE reads 0 through SMSW. Then protected mode,
 * long mode again, and the results are checked from C.
 */
#include "conf.h"

#define RM_BASE 0x60000
#define RM_SEG 0x6000
#define IVT_BASE 0x62000

/* 64-bit entry and exit, 32-bit legs in the image; the 16-bit blob is copied to RM_BASE */
asm(".pushsection .text\n"
    ".code64\n"
    ".globl rm_call\n"
    "rm_call:\n"
    "  push %rbp; push %rbx; push %r12; push %r13; push %r14; push %r15\n"
    "  pushfq\n"
    "  cli\n"
    "  mov %rsp, rm_saved_rsp(%rip)\n"
    "  sidt rm_saved_idt(%rip)\n"
    "  pushq $0x30\n" /* KERNEL_CS32 */
    "  lea rm_compat(%rip), %rax\n"
    "  push %rax\n"
    "  lretq\n"
    ".code32\n"
    "rm_compat:\n"
    "  mov %cr0, %eax\n"
    "  and $0x7fffffff, %eax\n" /* paging off: leaves IA-32e mode */
    "  mov %eax, %cr0\n"
    "  mov $0xc0000080, %ecx\n"
    "  rdmsr\n"
    "  mov %eax, rm_efer_off\n"
    "  and $~0x100, %eax\n" /* LME off */
    "  wrmsr\n"
    "  mov $0x40, %ax\n" /* KERNEL_DS16: 64 KiB limits for real mode */
    "  mov %ax, %ds; mov %ax, %es; mov %ax, %ss; mov %ax, %fs; mov %ax, %gs\n"
    "  ljmp $0x48, $(rm16 - rm_blob)\n" /* SPARE_SEL: 16-bit code, base RM_BASE */
    "rm_back32:\n"
    "  mov $0x10, %ax\n"
    "  mov %ax, %ds; mov %ax, %es; mov %ax, %ss\n"
    "  mov $pml4, %eax\n"
    "  mov %eax, %cr3\n"
    "  mov $0xc0000080, %ecx\n"
    "  rdmsr\n"
    "  or $0x100, %eax\n"
    "  wrmsr\n"
    "  mov %cr0, %eax\n"
    "  or $0x80000001, %eax\n"
    "  mov %eax, %cr0\n"
    "  ljmp $0x08, $rm_back64\n"
    ".code64\n"
    "rm_back64:\n"
    "  mov $0x10, %ax\n"
    "  mov %ax, %ds; mov %ax, %es; mov %ax, %ss\n"
    "  xor %eax, %eax\n"
    "  mov %ax, %fs; mov %ax, %gs\n"
    "  mov rm_saved_rsp(%rip), %rsp\n"
    "  lidt rm_saved_idt(%rip)\n"
    "  popfq\n"
    "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbx; pop %rbp\n"
    "  ret\n"
    ".popsection\n"

    ".pushsection .data\n"
    ".balign 16\n"
    "rm_saved_idt: .word 0; .quad 0\n"
    ".balign 8\n"
    "rm_saved_rsp: .quad 0\n"
    "rm_efer_off: .long 0\n"
    ".balign 16\n"
    ".globl rm_blob, rm_blob_end, rm_res, rm_src, rm_dst, rm_int_handler\n"
    "rm_blob:\n"
    ".code16\n"
    "rm16:\n"
    "  mov %cr0, %eax\n"
    "  and $~1, %eax\n"
    "  mov %eax, %cr0\n"
    "  ljmp $0x6000, $(rm_real - rm_blob)\n"
    "rm_real:\n"
    "  mov $0x6000, %ax\n"
    "  mov %ax, %ds; mov %ax, %es; mov %ax, %ss\n"
    "  mov $0xf000, %sp\n"
    /* result 0: SMSW low bits (PE must be 0) */
    "  smsw %ax\n"
    "  mov %ax, (rm_res - rm_blob)\n"
    /* result 1: segment arithmetic, write via 0x6100:0x10, read via 0x6000:0x1010 */
    "  mov $0x6100, %ax\n"
    "  mov %ax, %es\n"
    "  movw $0xbeef, %es:0x10\n"
    "  mov 0x1010, %ax\n"
    "  mov %ax, (rm_res - rm_blob + 2)\n"
    "  mov $0x6000, %ax\n"
    "  mov %ax, %es\n"
    /* results 2-4: INT 0x42 through our IVT */
    "  lidt (rm_ivt_ptr - rm_blob)\n"
    "  mov $0x1234, %bx\n"
    "  int $0x42\n"
    "rm_after_int:\n"
    "  mov %bx, (rm_res - rm_blob + 4)\n"
    /* REP MOVSB rm_src -> rm_dst */
    "  cld\n"
    "  mov $(rm_src - rm_blob), %si\n"
    "  mov $(rm_dst - rm_blob), %di\n"
    "  mov $16, %cx\n"
    "  rep movsb\n"
    "  mov %cx, (rm_res - rm_blob + 10)\n"
    "  mov %si, (rm_res - rm_blob + 12)\n"
    /* back: protected mode, 32-bit code in the image */
    "  lgdtl (rm_gdt_ptr - rm_blob)\n"
    "  mov %cr0, %eax\n"
    "  or $1, %eax\n"
    "  mov %eax, %cr0\n"
    "  ljmpl $0x30, $rm_back32\n"
    "rm_int_handler:\n"
    "  add $1, %bx\n"
    "  mov %sp, %bp\n"
    "  mov 0(%bp), %ax\n" /* IP */
    "  mov %ax, (rm_res - rm_blob + 6)\n"
    "  mov 2(%bp), %ax\n" /* CS */
    "  mov %ax, (rm_res - rm_blob + 8)\n"
    "  iret\n"
    ".code64\n"
    ".balign 8\n"
    "rm_gdt_ptr: .word 0xcf; .long gdt\n" /* limit: TSS_SEL(MAX_CPUS) - 1 */
    "rm_ivt_ptr: .word 0x3ff; .long 0x62000\n"
    ".balign 2\n"
    "rm_res: .fill 16, 1, 0\n"
    "rm_src: .ascii \"real mode movsb!\"\n"
    "rm_dst: .fill 16, 1, 0\n"
    "rm_after_int_off: .word rm_after_int - rm_blob\n"
    "rm_blob_end:\n"
    ".popsection\n");

extern u8 rm_blob[], rm_blob_end[], rm_res[], rm_src[], rm_dst[], rm_int_handler[];
extern u16 rm_after_int_off;
void rm_call(void);

#define RM_PHYS(sym) ((u8 *)phys_to_virt(RM_BASE + (u64)((sym)-rm_blob)))

int main(void)
{
    size_t len = (size_t)(rm_blob_end - rm_blob);
    report(len < 0x1000, "real-mode blob fits in a page (%lu bytes)", (u64)len);
    memcpy(phys_to_virt(RM_BASE), rm_blob, len);
    memset(phys_to_virt(IVT_BASE), 0, 0x400);
    u16 *ivt = phys_to_virt(IVT_BASE);
    ivt[0x42 * 2] = (u16)(rm_int_handler - rm_blob);
    ivt[0x42 * 2 + 1] = RM_SEG;
    /* SPARE_SEL: 16-bit code segment, base RM_BASE, limit 64 KiB */
    gdt[SPARE_SEL / 8] = 0x00009a000000ffffULL | ((u64)RM_BASE << 16);

    u64 efer = rdmsr(MSR_EFER), cr0 = read_cr0(), cr4 = read_cr4();
    rm_call();
    gdt[SPARE_SEL / 8] = 0;

    report_pass("returned to long mode");
    report(rdmsr(MSR_EFER) == efer, "EFER restored (%#lx)", rdmsr(MSR_EFER));
    report(read_cr0() == cr0 && read_cr4() == cr4, "CR0 and CR4 as before");
    u16 *res = (u16 *)RM_PHYS(rm_res);
    report((res[0] & 1) == 0, "real mode: SMSW shows CR0.PE = 0 (%#x)", res[0]);
    report(res[1] == 0xbeef, "real mode: 0x6100:0x0010 is 0x6000:0x1010 (%#x)", res[1]);
    report(res[2] == 0x1235, "real mode: INT 0x42 ran our IVT handler (BX %#x)", res[2]);
    report(res[3] == *(u16 *)RM_PHYS((u8 *)&rm_after_int_off) && res[4] == RM_SEG,
           "real mode: INT pushed CS:IP of the next instruction (%#x:%#x)", res[4], res[3]);
    report(!memcmp(RM_PHYS(rm_dst), "real mode movsb!", 16) && res[5] == 0,
           "real mode: REP MOVSB copied 16 bytes, CX 0");
    report(res[6] == (u16)(rm_src - rm_blob + 16), "real mode: SI advanced by 16 (%#x)", res[6]);
    /* long mode still works: an exception and an interrupt */
    report(rdmsr_safe(MSR_EFER, &efer) == -1, "RDMSR in long mode after the round trip");
    u64 v = 0;
    ex_reset();
    asm volatile(ASM_SAFE("ud2")::: "memory");
    v = (u64)ex_vector();
    report(v == UD_VECTOR, "exceptions delivered through the 64-bit IDT again");
    return 0;
}
