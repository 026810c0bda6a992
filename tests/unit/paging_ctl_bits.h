/* SPDX-License-Identifier: MIT */
/*
 * The control-register and EFER bits that select a paging mode and its
 * checks (Intel SDM Vol. 3A 2.5 "Control Registers", 2.2.1 "Extended Feature
 * Enable Register"), for test_guest_walk.c and fuzz_guest_walk.c. Spelled out
 * here, not taken from the walker's headers, so the tests don't share its mistakes.
 */
#ifndef TESTS_UNIT_PAGING_CTL_BITS_H
#define TESTS_UNIT_PAGING_CTL_BITS_H

#define CR0_PG (1ULL << 31)
#define CR0_WP (1ULL << 16)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#endif
