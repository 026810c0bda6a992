/* SPDX-License-Identifier: MIT */
/*
 * Page tables: one shared 4-level identity map of 0-4 GiB in 2 MiB pages
 * (0xFE000000-0xFFFFFFFF PCD|PWT), leaves U=0, upper levels P|RW|U.
 * vm_pte() splits a 2 MiB page into 4 KiB pages on demand. Changes are seen
 * by every CPU (one CR3); flush other CPUs' TLBs yourself (on_cpu()).
 */
#ifndef CONF_VM_H
#define CONF_VM_H

#include "x86.h"

#define PT_PRESENT BIT(0)
#define PT_WRITABLE BIT(1)
#define PT_USER BIT(2)
#define PT_PWT BIT(3)
#define PT_PCD BIT(4)
#define PT_ACCESSED BIT(5)
#define PT_DIRTY BIT(6)
#define PT_PAGE_SIZE BIT(7)
#define PT_GLOBAL BIT(8)
#define PT_NX BIT(63)
#define PT_PKEY(k) ((u64)(k) << 59)
#define PT_PKEY_MASK (0xfULL << 59)
#define PT_ADDR_MASK 0x000ffffffffff000ULL

/* the 4 KiB PTE mapping va (< 4 GiB), splitting its 2 MiB page first */
u64 *vm_pte(u64 va);
/* sets/clears PTE bits for every 4 KiB page of [va, va+len) and flushes this CPU's TLB */
void vm_update(u64 va, u64 len, u64 set, u64 clear);
/* a zeroed, 4 KiB aligned page from a static pool (aborts when exhausted) */
void *alloc_page(void);
/* CR3 value of the shared page tables (PML4 address) */
u64 vm_root(void);
/* reloads CR3 (no PCID) */
void flush_tlb(void);

#endif
