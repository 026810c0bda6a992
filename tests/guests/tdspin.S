/* SPDX-License-Identifier: MIT */
/*
 * tdspin: trust-domain test guest (ELF64, backend=tdx) that says it runs,
 * then spins with no exit of its own. Whatever makes it leave the TD is the
 * host's: interrupts (cross-CPU calls, kicks), which the TD's VMCS
 * acknowledges on exit, and asynchronous TD exits. The host must take each
 * interrupt, with its EOI, and re-enter: its CPU keeps answering cross-CPU
 * calls and `kill` still ends it (tests/e2e/test_tdx.py).
 */
#include "lib.S"

	.text
	START64
	PUTS "tdspin: spinning\n"
	/*
	 * Interrupts on, though the TD takes none (they all exit to the host):
	 * Bochs 2.7 recomputes its interrupt mask only when IF changes, and a
	 * TD that never changed IF would never exit for a host interrupt there.
	 */
	sti
1:	jmp 1b
