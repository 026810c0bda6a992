/* SPDX-License-Identifier: MIT */
/* memlimitw (hostile): memlimit.S ending with a write of the first byte outside. */
#define MEMLIMIT_WRITE 1
#include "memlimit.S"
