/* SPDX-License-Identifier: MIT */
/*
 * INS/OUTS emulation from the VM-exit information: one iteration, or a
 * bounded batch of a REP string I/O instruction per exit.
 */
#ifndef VMM_DECODE_STRING_IO_H
#define VMM_DECODE_STRING_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmm/decode/insn_regs.h"

/* Iterations per exit a caller should allow, so the exit path stays short. */
#define STRING_IO_BATCH 64

/*
 * An INS/OUTS exit, from the exit qualification for I/O instructions (SDM
 * Vol. 3C 28.2.1, table "Exit Qualification for I/O Instructions") and the
 * VM-exit instruction-information field for INS/OUTS (28.2.5; reported when
 * IA32_VMX_BASIC bit 54 is set).
 */
struct string_io_exit {
    uint8_t mode;      /* enum insn_mode of the guest code (CS.L/CS.D) */
    uint8_t size;      /* bytes per transfer: 1, 2, 4 */
    bool in;           /* INS (port to ES:rDI), else OUTS (seg:rSI to port) */
    bool rep;          /* REP prefix: count in rCX */
    uint16_t port;     /* from DX */
    uint8_t addr_size; /* 2, 4, 8: width of rSI/rDI/rCX */
    uint8_t seg;       /* enum insn_seg of the OUTS source; INS always writes ES */
    uint8_t insn_len;  /* VM-exit instruction length: RIP advance when done */
};

/*
 * Fills *x from the raw exit qualification, instruction-information field and
 * instruction length. -EINVAL if the qualification is not a string I/O exit
 * or a field holds a value the SDM does not define.
 */
int string_io_exit_decode(uint64_t qual, uint32_t info, unsigned insn_len, enum insn_mode mode,
                          struct string_io_exit *x);

/* Port I/O and guest linear-memory access; each returns 0 or a negative error. */
struct string_io_ops {
    int (*port_in)(void *ctx, uint16_t port, unsigned size, uint32_t *val);
    int (*port_out)(void *ctx, uint16_t port, unsigned size, uint32_t val);
    int (*read_linear)(void *ctx, uint64_t la, void *dst, size_t len);
    int (*write_linear)(void *ctx, uint64_t la, const void *src, size_t len);
};

#define STRING_IO_AGAIN 0 /* count left: RIP unchanged, the guest re-executes the instruction */
#define STRING_IO_DONE 1  /* finished: RIP advanced past it */

/*
 * Performs up to max_iter (>= 1) transfers of the instruction: each one moves
 * `size` bytes between the port and seg:rSI (OUTS) or ES:rDI (INS), steps the
 * index register by size (down if RFLAGS.DF) and, with REP, decrements rCX,
 * all at the address size. A REP with rCX = 0 does nothing but finish.
 * Registers are committed after every transfer, so on an error (passed up
 * from a callback, e.g. a page fault to inject) they describe the transfers
 * done, and re-executing the instruction continues where it stopped. An INS
 * whose memory write fails has already read the port.
 */
int string_io_run(const struct string_io_exit *x, struct insn_regs *regs,
                  const struct string_io_ops *ops, void *ctx, unsigned max_iter);

#endif
