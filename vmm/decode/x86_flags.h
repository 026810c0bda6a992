/* SPDX-License-Identifier: MIT */
/* RFLAGS status and control bits the emulators touch (Intel SDM Vol. 1 3.4.3, figure 3-8). */
#ifndef VMM_DECODE_X86_FLAGS_H
#define VMM_DECODE_X86_FLAGS_H

#define X86_FLAGS_CF (1ULL << 0)
#define X86_FLAGS_PF (1ULL << 2)
#define X86_FLAGS_AF (1ULL << 4)
#define X86_FLAGS_ZF (1ULL << 6)
#define X86_FLAGS_SF (1ULL << 7)
#define X86_FLAGS_DF (1ULL << 10)
#define X86_FLAGS_OF (1ULL << 11)
#define X86_FLAGS_AC (1ULL << 18)

/* The status flags the arithmetic instructions write (SDM Vol. 1 3.4.3.1). */
#define X86_FLAGS_ARITH \
    (X86_FLAGS_CF | X86_FLAGS_PF | X86_FLAGS_AF | X86_FLAGS_ZF | X86_FLAGS_SF | X86_FLAGS_OF)

#endif
