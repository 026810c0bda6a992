/* SPDX-License-Identifier: MIT */
/*
 * isoscan (hostile): ELF64, launched after isoA and isoB have ended, with
 * enough memory to cover theirs. Fills nothing; scans all of its memory for
 * a 64-byte run of either pattern: pages must be zeroed before reuse. Then
 * looks for the patterns in the CPU state it found on entry (XMM, x87,
 * TSC_AUX), which isoA left on this CPU. Exit code 0 when there is none, 1
 * when found in memory, 2 when found in CPU state only (see iso.inc).
 */
#define ISO_OTHER ISO_PATTERN_A
#define ISO_OTHER2 ISO_PATTERN_B
#define ISO_NAME "isoscan"
#include "iso.inc"
