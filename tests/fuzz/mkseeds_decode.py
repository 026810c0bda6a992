#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_decode.c and fuzz_guest_walk.c:
mkseeds_decode.py [OUTDIR] (default: tests/fuzz/corpus).

decode: byte 0 mode/flags, byte 1 register seed, then one real instruction
encoding (produced by GNU as; the AT&T text is beside it).
guest_walk: paging flags, MAXPHYADDR, access, linear address, copy length,
then guest memory holding page tables (CR3 = 0).
The layouts are described at the top of each fuzz_*.c. Standard library only.
"""

import os
import struct
import sys

M16, M32, M64 = 0, 1, 2
SEEDS = {
    "mov-store-disp32": (M64, "89 83 00 03 00 00"),          # mov %eax,0x300(%rbx)
    "mov-load-rip": (M64, "8b 0d 20 00 00 00"),              # mov 0x20(%rip),%ecx
    "mov-imm": (M64, "c7 80 b0 00 00 00 01 00 00 00"),       # movl $0x1,0xb0(%rax)
    "movzbl": (M64, "0f b6 02"),                             # movzbl (%rdx),%eax
    "mov-ah": (M64, "88 26"),                                # mov %ah,(%rsi)
    "mov-sil-rex": (M64, "40 88 37"),                        # mov %sil,(%rdi)
    "mov-sib-r12-r13": (M64, "4e 89 4c ec f8"),              # mov %r9,-0x8(%rsp,%r13,8)
    "mov-sib-nobase": (M64, "8b 14 85 10 00 00 00"),         # mov 0x10(,%rax,4),%edx
    "movabs": (M64, "a1 00 03 e0 fe 00 00 00 00"),           # movabs 0xfee00300,%eax
    "addr32-rip": (M64, "67 89 0d 10 00 00 00"),             # mov %ecx,0x10(%eip)
    "fs-movw-imm": (M64, "66 64 c7 43 08 34 12"),            # movw $0x1234,%fs:0x8(%rbx)
    "movslq": (M64, "48 63 47 04"),                          # movslq 0x4(%rdi),%rax
    "lock-xchg": (M64, "f0 86 02"),                          # lock xchg %al,(%rdx)
    "orl-imm": (M64 | 0x80, "81 8b 00 03 00 00 00 01 00 00"),  # orl $0x100,0x300(%rbx)
    "lock-add": (M64, "f0 83 00 01"),                        # lock addl $1,(%rax)
    "sub-reg-dst": (M64, "2a 16"),                           # sub (%rsi),%dl
    "test": (M64, "85 43 30"),                               # test %eax,0x30(%rbx)
    "testb-imm": (M64, "f6 00 01"),                          # testb $0x1,(%rax)
    "rep-stos": (M64 | 0x20, "f3 ab"),                       # rep stos %eax,%es:(%rdi)
    "rep-movsq": (M64 | 0x40, "f3 48 a5"),                   # rep movsq
    "movsb-fs": (M64, "64 a4"),                              # movsb %fs:(%rsi),%es:(%rdi)
    "xchg-fail": (M64 | 0x04 | 0x08, "87 08"),               # xchg %ecx,(%rax), 2nd access fails
    "m32-moffs": (M32, "a3 b0 00 e0 fe"),                    # mov %eax,0xfee000b0
    "m32-lock-or-esp": (M32, "f0 83 0c 24 00"),              # lock orl $0x0,(%esp)
    "m32-addr16": (M32, "67 89 00"),                         # addr16 mov %eax,(%bx,%si)
    "m32-movzx-sib": (M32, "0f b6 54 48 01"),                # movzbl 0x1(%eax,%ecx,2),%edx
    "m16-bx-si": (M16, "89 00"),                             # mov %ax,(%bx,%si)
    "m16-bp-imm32": (M16, "66 c7 46 10 01 00 00 00"),        # movl $1,0x10(%bp)
    "m16-moffs": (M16, "a0 34 12"),                          # mov 0x1234,%al
    "m16-addr32": (M16, "67 66 89 03"),                      # addr32 mov %eax,(%ebx)
    "m16-rep-movsw": (M16 | 0x20, "f3 a5"),                  # rep movsw
}


def decode_seeds():
    return {name: bytes([flags, (i * 37) & 0xff]) + bytes.fromhex(hexbytes)
            for i, (name, (flags, hexbytes)) in enumerate(SEEDS.items())}


P, W, U, PS = 1, 2, 4, 0x80


def gmem(entries, esize=8):
    """Guest memory with {address: entry} written in."""
    top = max(entries) + esize
    m = bytearray(top)
    for addr, val in entries.items():
        m[addr:addr + esize] = val.to_bytes(esize, "little")
    return bytes(m)


def walk_seed(mode, flags, access, la, length, memory, maxphy=40):
    """mode: 0 off, 1 32-bit, 2 PSE, 3 PAE, 4 4-level, 6 5-level; flags: bits 7:3 of byte 0."""
    return bytes([mode | flags, maxphy - 32, access]) + struct.pack("<Q", la) + \
        bytes([length]) + memory


def guest_walk_seeds():
    lvl4 = gmem({0x0: 0x1000 | P | W | U, 0x1000: 0x2000 | P | W | U, 0x2008: 0x3000 | P | W | U,
                 0x3000: 0x5000 | P | W | U, 0x3008: 0x6000 | P, 0x2010: 0x400000 | P | PS,
                 0x5ff8: 0x0123456789abcdef})
    lvl5 = gmem({0x0: 0x1000 | P | W, 0x1000: 0x2000 | P | W, 0x2000: 0x3000 | P | W,
                 0x3008: 0x4000 | P | W, 0x4000: 0x5000 | P | W})
    pae = gmem({0x0: 0x1000 | P, 0x1000: 0x2000 | P | W, 0x2008: 0x3000 | P,
                0x1008: 0x200000 | P | PS | (1 << 63)})
    m32 = gmem({0x4: 0x1000 | P | W | U, 0x1000: 0x2000 | P | W, 0x8: 0x800000 | P | PS | (5 << 13),
                0x1004: 0x3000 | P}, esize=4)
    return {
        "4level-4k-cross": walk_seed(4, 0x08 | 0x10, 0, 0x200ffc, 8, lvl4),
        "4level-2m": walk_seed(4, 0x10, 2, 0x400123, 4, lvl4),
        "4level-user-ro": walk_seed(4, 0x08 | 0x20 | 0x40, 6, 0x201010, 2, lvl4),
        "5level": walk_seed(6, 0x10, 0x10, 0x200000, 3, lvl5),
        "pae": walk_seed(3, 0x10, 0, 0x1abc, 4, pae),
        "pae-2m-nx": walk_seed(3, 0x10, 0x10, 0x200000, 1, pae),
        "32bit": walk_seed(1, 0x08, 2, 0x401ffe, 4, m32),
        "32bit-pse36": walk_seed(2, 0, 0, 0x800010, 1, m32),
        "paging-off": walk_seed(0, 0, 0, 0x1000, 16, m32),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    for target, make in (("decode", decode_seeds), ("guest_walk", guest_walk_seeds)):
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for case, data in make().items():
            with open(os.path.join(d, case), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
