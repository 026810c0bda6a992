#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns `nm -n` output into an assembly symbol table for backtraces.

Input: nm lines "ADDR TYPE NAME" (or an empty file). Output: a .ksyms
section holding a sorted address array and NUL-separated names, read by
kernel/ksyms.c.
"""
import sys


def text_symbols(lines):
    syms = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in ("T", "t"):
            continue
        addr = int(parts[0], 16)
        if addr < 0xFFFFFFFF80000000:
            continue
        syms.append((addr, parts[2]))
    return sorted(set(syms))


def main():
    src = sys.stdin if sys.argv[1] == "-" else open(sys.argv[1])
    syms = text_symbols(src.readlines())
    out = ['\t.section .ksyms, "a"', "\t.balign 8", "\t.globl ksyms_count, ksyms_addrs, ksyms_names",
           "ksyms_count:", f"\t.quad {len(syms)}", "ksyms_addrs:"]
    out += [f"\t.quad 0x{a:x}" for a, _ in syms]
    out.append("ksyms_names:")
    out += [f'\t.asciz "{n}"' for _, n in syms]
    out.append('\t.section .note.GNU-stack, "", @progbits')
    print("\n".join(out))


if __name__ == "__main__":
    main()
