/* SPDX-License-Identifier: MIT */
/*
 * hello16: flat image, mode=real load=0x8000. Prints one line on COM1 and
 * ends with debug-exit code 0.
 */
#include "lib.S"

	.text
	START16
	PUTS "hello from real mode\n"
	DEBUG_EXIT 0
