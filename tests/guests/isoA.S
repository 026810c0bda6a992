/* SPDX-License-Identifier: MIT */
/*
 * isoA (hostile): ELF64. Fills all of its memory but its own image and the
 * loader's page tables with ISO_PATTERN_A (0xA5...), then scans all of its
 * memory for a 64-byte run of ISO_PATTERN_B, which isoB writes into its own
 * memory at the same time. Exit code 0 when there is none, 1 when found.
 * Leaves its pattern in XMM, x87 and TSC_AUX for isoscan (see iso.inc).
 */
#define ISO_MINE ISO_PATTERN_A
#define ISO_OTHER ISO_PATTERN_B
#define ISO_NAME "isoA"
#include "iso.inc"
