/* SPDX-License-Identifier: MIT */
/* isoB (hostile): isoA with the patterns swapped (fills 0x5A..., looks for 0xA5...). */
#define ISO_MINE ISO_PATTERN_B
#define ISO_OTHER ISO_PATTERN_A
#define ISO_NAME "isoB"
#include "iso.inc"
