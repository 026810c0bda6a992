#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the fuzzers' seed corpora: mkseeds.py [OUTDIR] (default: tests/fuzz/corpus).

One small valid (or nearly valid) input per case, in OUTDIR/<target>/<case>, laid
out as each tests/fuzz/fuzz_<target>.c reads its input. The output is committed;
rerun this (`make fuzz-seeds`) after changing it. Standard library only.
The corpora also hold inputs no generator writes (libFuzzer-named finds in
decode/, the head of a real kernel in bzimage/); rerunning leaves them alone.
"""

import os
import struct
import sys


# ---------------------------------------------------------------- multiboot2
def mb2_tag(typ, payload):
    """One tag (Multiboot2 spec 3.6), padded to 8 bytes."""
    t = struct.pack("<II", typ, 8 + len(payload)) + payload
    return t + b"\0" * (-len(t) % 8)


def mb2_info(tags):
    body = b"".join(tags) + mb2_tag(0, b"")
    return struct.pack("<II", 8 + len(body), 0) + body


def mb2_mmap(entries):
    return mb2_tag(6, struct.pack("<II", 24, 0) +
                   b"".join(struct.pack("<QQII", b, n, t, 0) for b, n, t in entries))


def mb2_efi_mmap(descs, dsize=48):
    out = b"".join(struct.pack("<IIQQQQ", t, 0, pa, 0, pages, 0xf).ljust(dsize, b"\0")
                   for t, pa, pages in descs)
    return mb2_tag(17, struct.pack("<II", dsize, 1) + out)


def mb2_module(start, end, string):
    return mb2_tag(3, struct.pack("<II", start, end) + string + b"\0")


def mb2_seeds():
    bios_map = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
                (0x100000, 0x7ee0000, 1), (0x7fe0000, 0x20000, 3), (0xfffc0000, 0x40000, 2)]
    rsdp = acpi_rsdp(0, 0xf0000)
    return {
        "bios": mb2_info([
            mb2_tag(1, b"console=com1 loglevel=debug\0"),
            mb2_tag(2, b"GRUB 2.06\0"),
            mb2_module(0x200000, 0x201000, b"hello64 mem=16M"),
            mb2_module(0x201000, 0x201800, b"echo"),
            mb2_mmap(bios_map),
            mb2_tag(14, rsdp[:20]),
        ]),
        "efi": mb2_info([
            mb2_tag(1, b"x2apic=on\0"),
            mb2_tag(12, struct.pack("<Q", 0x7f9e018)),
            mb2_efi_mmap([(7, 0, 0x9f), (2, 0x100000, 0x100), (7, 0x200000, 0x7000),
                          (9, 0x7f00000, 0x10), (10, 0x7f10000, 0x10), (0, 0xff000000, 0x10)]),
            mb2_tag(15, acpi_rsdp(2, 0xf0000, xsdt=0xf0100)),
        ]),
        "both-maps": mb2_info([mb2_mmap(bios_map[:2]), mb2_efi_mmap([(7, 0, 0x100)])]),
        "minimal": mb2_info([mb2_mmap([(0, 0x100000, 1)])]),
    }


# ---------------------------------------------------------------- ACPI
def checksum(data):
    return (-sum(data)) & 0xff


def with_sum(data, at):
    data = bytearray(data)
    data[at] = 0
    data[at] = checksum(data)
    return bytes(data)


def acpi_rsdp(rev, rsdt, xsdt=0):
    v1 = with_sum(struct.pack("<8sB6sBI", b"RSD PTR ", 0, b"BOCHS ", rev, rsdt), 8)
    if rev < 2:
        return v1
    return with_sum(v1 + struct.pack("<IQB3x", 36, xsdt, 0), 32)


def sdt(sig, body, rev=1):
    hdr = struct.pack("<4sIBB6s8sIII", sig, 36 + len(body), rev, 0, b"BOCHS ", b"BXPC    ",
                      1, 0x43505842, 1)
    return with_sum(hdr + body, 9)


def madt(x2apic=False, ncpus=4):
    ents = b""
    for i in range(ncpus):
        if x2apic:
            ents += struct.pack("<BBHIII", 9, 16, 0, 0x100 + i, 1 if i < 3 else 2, i)
        else:
            ents += struct.pack("<BBBBI", 0, 8, i, i, 1)
    ents += struct.pack("<BBBBII", 1, 12, ncpus, 0, 0xfec00000, 0)
    ents += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    ents += struct.pack("<BBBBIH", 2, 10, 0, 9, 9, 0xd)
    if x2apic:
        ents += struct.pack("<BBHIB3x", 10, 12, 5, 0xffffffff, 1)
        ents += struct.pack("<BBHQ", 5, 12, 0, 0xfee00000)
    else:
        ents += struct.pack("<BBBHB", 4, 6, 0xff, 0, 1)
    return sdt(b"APIC", struct.pack("<II", 0xfee00000, 1) + ents, rev=5 if x2apic else 1)


def fadt(dsdt, rev=1, reset=True):
    """Bochs's revision 1 FADT is 116 bytes; revision 3+ goes on to 244."""
    body = bytearray(244 - 36)

    def put(off, fmt, *vals):
        struct.pack_into(fmt, body, off - 36, *vals)

    put(36, "<I", 0)  # FACS
    put(40, "<I", dsdt)
    put(46, "<H", 9)  # SCI
    put(48, "<I", 0xb2)  # SMI_CMD
    put(56, "<I", 0x600)  # PM1a_EVT
    put(64, "<I", 0x604)  # PM1a_CNT
    put(76, "<I", 0x608)  # PM_TMR
    put(88, "<BBBB", 4, 2, 0, 4)
    put(112, "<I", (1 << 10 if reset else 0) | (1 << 8))
    if rev >= 2:
        put(116, "<BBBBQ", 1, 8, 0, 0, 0xcf9)  # RESET_REG
        put(128, "<B", 6)
    if rev >= 3:
        put(140, "<Q", dsdt)  # X_DSDT
        put(172, "<BBBBQ", 1, 16, 0, 2, 0x604)  # X_PM1a_CNT
        put(208, "<BBBBQ", 1, 32, 0, 3, 0x608)  # X_PM_TMR
    return sdt(b"FACP", bytes(body[:116 - 36] if rev < 2 else body), rev=rev)


def dsdt(style):
    """An AML body holding Name (_S5, Package () {...}) the ways firmware writes it."""
    pre = b"\x10\x0a\\_SB_\x08_HID\x0c\x41\xd0\x0a\x03"  # some surrounding AML
    if style == "bochs":
        s5 = b"\x08_S5_\x12\x06\x04\x00\x00\x00\x00"
    elif style == "qemu":
        s5 = b"\x08\\_S5_\x12\x08\x04\x0a\x05\x0a\x05\x00\x00"
    else:  # a _S5_ reference before the real one, a 2-byte PkgLength
        s5 = b"\x70_S5_\x60" + b"\x08_S5_\x12\x46\x00\x02\x0a\x07\x01"
    return sdt(b"DSDT", pre + s5, rev=1)


def acpi_image(rsdp_rev, fadt_rev, x2apic, s5):
    """Memory image: RSDP at 0, tables 16-byte aligned after it, as fuzz_acpi maps it."""
    tables = [madt(x2apic), None, dsdt(s5)]
    # The FADT's size is known before it is built, and it needs the DSDT's offset.
    sizes = [len(tables[0]), 244 if fadt_rev >= 2 else 116, len(tables[2])]
    offs, at = [], 64 + 36 + 3 * 8  # after the RSDP and the root table
    for s in sizes:
        at += -at % 16
        offs.append(at)
        at += s
    tables[1] = fadt(offs[2], fadt_rev)
    if rsdp_rev >= 2:
        root = sdt(b"XSDT", struct.pack("<QQQ", offs[1], offs[0], offs[2]))
        rsdp = acpi_rsdp(2, 0, xsdt=64)
    else:
        root = sdt(b"RSDT", struct.pack("<III", offs[1], offs[0], offs[2]))
        rsdp = acpi_rsdp(0, 64)
    img = bytearray(at)
    img[0:len(rsdp)] = rsdp
    img[64:64 + len(root)] = root
    for off, t in zip(offs, tables):
        img[off:off + len(t)] = t
    return bytes(img)


def acpi_seeds():
    d = dsdt("qemu")
    return {
        "bochs-rsdt": acpi_image(0, 1, False, "bochs"),
        "qemu-xsdt": acpi_image(2, 3, False, "qemu"),
        "x2apic-xsdt": acpi_image(2, 2, True, "ref"),
        # Bare tables for the standalone parsers (the input is the table).
        "madt": madt(),
        "madt-x2apic": madt(x2apic=True, ncpus=8),
        "fadt-dsdt": fadt(244, 3) + d,  # X_DSDT at offset 244 of the same input
        "dsdt": d,
    }


# ---------------------------------------------------------------- guest images
def elf64(entry, segs):
    """ELF64 EXEC for x86-64; segs = [(paddr, data, memsz)], vaddr = paddr."""
    phoff, n = 64, len(segs)
    off = phoff + 56 * n
    ph, body = b"", b""
    for paddr, data, memsz in segs:
        ph += struct.pack("<IIQQQQQQ", 1, 7, off + len(body), paddr, paddr, len(data), memsz,
                          0x1000)
        body += data
    eh = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9, 2, 62, 1, entry,
                     phoff, 0, 0, 64, 56, n, 64, 0, 0)
    return eh + ph + body


def mb1_header(flags, addrs=()):
    return struct.pack("<III", 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xffffffff) + \
        b"".join(struct.pack("<I", a) for a in addrs)


def elf32_mb1(entry_v, paddr, vaddr, code, bss):
    """ELF32 multiboot1 kernel linked at vaddr, loaded at paddr (a higher-half kernel)."""
    phoff = 52
    off = phoff + 32
    data = mb1_header(3) + code
    ph = struct.pack("<IIIIIIII", 1, off, vaddr, paddr, len(data), len(data) + bss, 7, 0x1000)
    eh = struct.pack("<16sHHIIIIIHHHHHH", b"\x7fELF\x01\x01\x01" + b"\0" * 9, 2, 3, 1, entry_v,
                     phoff, 0, 0, 52, 32, 1, 40, 0, 0)
    return eh + ph + data


def aout_kludge(load):
    """Multiboot1 a.out kludge: header at offset 0, address fields say where to load."""
    code = b"\xfa\xf4\xeb\xfd"  # cli; hlt; jmp $-1
    hdr_len = 32
    return mb1_header(0x10003, (load, load, load + hdr_len + len(code), load + 0x2000,
                                load + hdr_len)) + code


def image_seeds():
    code = b"\x48\xc7\xc0\x2a\x00\x00\x00\xf4\xeb\xfd"  # mov rax, 42; hlt; jmp
    return {
        "elf64": b"\0" + elf64(0x100000, [(0x100000, code, 0x1000)]),
        "elf64-two-segs": b"\0" + elf64(0x200010, [(0x100000, code, 0x2000),
                                                   (0x200000, code * 3, len(code) * 3)]),
        "elf32-mb1": b"\0" + elf32_mb1(0xc010000c, 0x100000, 0xc0100000, code, 0x1000),
        "mb1-aout": b"\0" + aout_kludge(0x100000),
        "flat-real": b"load=0x7c00 mode=real\0" + b"\xfa\xf4" + b"\0" * 510 + b"\x55\xaa",
        "flat-prot32": b"mode=prot32 load=0x100000 entry=0x100004\0" + code,
        "flat-long64": b"mode=long64 load=0x200000\0" + code,
        "flat-no-args": b"\xfa\xf4\xeb\xfd",
    }


# ---------------------------------------------------------------- shell, cmdline
def shell_seeds():
    return {
        "help": b"help\r",
        "launch": b"launch hello64 mem=16M cpus=1\r\nvms\r\n",
        "history": b"stats\rvms\r\x1b[A\x1b[A\x1b[B\r\x1bOA\r",
        "editing": b"stoq\x7fp 0x1z\b0\x15kill 1\x03log  1\r",
        "quotes": b'console "hello 64" "a\\"b" "c\\\\d" key="x y"\r',
        "sizes": b"4096 256M 1GiB 2kb 0x1000 18446744073709551615 18446744073709551616 16T\r",
        "escapes": b"\x1b[1;5A\x1b[200~paste\x1b[201~\x1bx\r",
    }


def cmdline_seeds():
    return {
        "typical": b"console=com1 loglevel=debug x2apic=on panic=reboot",
        "quoted": b'run="hello64 mem=16M" acpi.ignore=APIC,HPET tdx=off',
        "repeated": b"loglevel=info loglevel=warn console console= \tflag",
        "unknown": b'foo=bar "quoted word" =value "unterminated',
    }


# ---------------------------------------------------------------- UART
def uart_seeds():
    rd = lambda off: bytes([off << 2])  # noqa: E731
    wr = lambda off, v: bytes([(off << 2) | 1, v])  # noqa: E731
    push = lambda b: bytes([2, b])  # noqa: E731
    irq = b"\x03"
    init = wr(3, 0x80) + wr(0, 1) + wr(1, 0) + wr(3, 3) + wr(2, 0xc7) + wr(4, 0x0b)
    return {
        "driver": init + wr(1, 0x01) + push(0x41) + push(0x42) + irq + rd(2) + rd(5) +
        rd(0) + rd(0) + rd(5) + wr(0, 0x68) + wr(1, 0x03) + rd(2) + rd(2) + irq,
        "loopback": init + wr(4, 0x1f) + wr(0, 0x55) + wr(0, 0xaa) + rd(5) + rd(0) + rd(6) +
        rd(0) + rd(0),
        "overrun": wr(1, 0x05) + b"".join(push(i) for i in range(66)) + rd(2) + rd(5) + rd(5) +
        wr(2, 0x03) + rd(5),
        "dlab": wr(3, 0x83) + wr(0, 0x0c) + wr(1, 0x00) + rd(0) + rd(1) + wr(7, 0x5a) + rd(7) +
        rd(8) + wr(15, 1),
    }


# ---------------------------------------------------------------- EPT
def ept_op(kind, gunit, gmul, gpages, sunit, smul, spages, hunit, hmul, hpages, prot):
    """One 5-byte operation as fuzz_ept.c decodes it; units: 0 4K, 1 2M, 2 1G, 3 512G."""
    return bytes([kind | gunit << 2 | sunit << 4 | hunit << 6, gmul | gpages << 3,
                  (smul - 1) | spages << 2, hmul | hpages << 3, prot])


def ept_seeds():
    m2 = ept_op(0, 1, 1, 0, 1, 4, 0, 1, 2, 0, 7)  # 8 MiB at 2 MiB, 2M-aligned hpa
    g1 = ept_op(0, 2, 1, 0, 2, 1, 0, 2, 3, 0, 3)  # 1 GiB at 1 GiB
    hole = ept_op(1, 1, 2, 3, 3, 1, 1, 0, 0, 0, 0)  # unmap one page inside it
    chk = ept_op(3, 1, 2, 3, 0, 1, 0, 0, 0, 0, 0)
    small = ept_op(2, 0, 5, 1, 0, 2, 3, 0, 7, 9, 5)  # a few 4 KiB pages
    top = ept_op(0, 3, 3, 31, 0, 1, 0, 0, 1, 0, 7)  # near the top of the 48-bit space
    return {
        "2m-pages": bytes([1, 0]) + m2 + hole + chk + small,
        "1g-pages": bytes([3, 0]) + g1 + m2 + ept_op(1, 2, 1, 0, 1, 1, 0, 0, 0, 0, 0) + chk,
        "4k-only": bytes([0, 0]) + small + m2 + hole + top + chk,
        "few-allocs": bytes([7, 6]) + m2 + g1 + small + top + hole,
    }


# ---------------------------------------------------------------- bzImage
def bzimage(version=0x20f, setup_sects=4, ksize=0x1000, init_size=0x400000,
            pref=0x1000000, align=0x200000, reloc=1, xlf=0x1, initrd_max=0x7fffffff,
            cmdline_size=2047):
    """A bzImage header (Linux boot.rst) in front of a small patterned kernel."""
    setup = bytearray(((setup_sects or 4) + 1) * 512)  # 0 means 4

    def put(off, fmt, *vals):
        struct.pack_into(fmt, setup, off, *vals)

    put(0x1f1, "<BHI", setup_sects, 0, ksize // 16)
    put(0x1fe, "<HBB4sH", 0xAA55, 0xEB, 0x6A, b"HdrS", version)
    put(0x211, "<B", 1)  # LOADED_HIGH
    put(0x214, "<I", 0x100000)
    put(0x22c, "<IIBBHI", initrd_max, align, reloc, 21, xlf, cmdline_size)
    put(0x248, "<IIQQII", 0x100, 0x800, 0, pref, init_size, 0)
    kernel = bytes((i * 7 + 3) & 0xff for i in range(ksize))
    return bytes(setup) + kernel


def bz_ctl(mem_mib, initrd_units, cmdline, cpus=2, acpi=True):
    """fuzz_bzimage.c's control block and command line."""
    return bytes([mem_mib - 1, initrd_units & 0xff, initrd_units >> 8, len(cmdline),
                  (cpus - 1) | (0 if acpi else 0x80), 0, 0, 0]) + cmdline


def bzimage_seeds():
    cmd = b"console=ttyS0 panic=-1"
    return {
        "good": bz_ctl(64, 0x1000, cmd) + bzimage(),
        "no-acpi-no-initrd": bz_ctl(32, 0, b"", acpi=False) + bzimage(),
        "above-4g-xlf": bz_ctl(48, 0xffff, cmd, cpus=8) + bzimage(xlf=0x7f, initrd_max=0x17fffff),
        "not-relocatable": bz_ctl(40, 0x10, cmd) + bzimage(reloc=0, pref=0x1200000),
        "protocol-2.12": bz_ctl(24, 0x100, b"quiet") + bzimage(version=0x20c, setup_sects=0),
        "too-little-memory": bz_ctl(8, 1, cmd) + bzimage(),
        "old-protocol": bz_ctl(64, 0, cmd) + bzimage(version=0x20a),
    }


# ---------------------------------------------------------------- decoder
# Byte 0 mode/flags, byte 1 register seed, then one real instruction encoding
# (produced by GNU as; the AT&T text is beside it).
M16, M32, M64 = 0, 1, 2
DECODE_SEEDS = {
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
            for i, (name, (flags, hexbytes)) in enumerate(DECODE_SEEDS.items())}


# ---------------------------------------------------------------- guest page-table walk
# Paging flags, MAXPHYADDR, access, linear address, copy length, then guest
# memory holding page tables (CR3 = 0).
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


def le(fmt, *v):
    return struct.pack("<" + fmt, *v)


# ---------------------------------------------------------------- local APIC
def mmio_rd(off):
    return bytes([0]) + le("H", off)


def mmio_wr(off, val):
    return bytes([1]) + le("HI", off, val)


MSR_BASE, MSR_DEADLINE, MSR_OTHER, MSR_ICR = 0xFF, 0xFE, 0xFD, 0xFC


def msr_rd(sel):
    return bytes([2, sel])


def msr_wr(sel, val):
    return bytes([3, sel]) + le("Q", val)


def irq(vector, level=False):
    return bytes([4 | (level << 3), vector])


def inject(eoi=True):
    return bytes([5 | (eoi << 3)])


def time(delta, shift=0):
    return bytes([6 | (shift << 3)]) + le("H", delta)


def init():
    return bytes([7])


def sipi(vector):
    return bytes([7 | (1 << 3), vector])


def match(dest):
    return bytes([7 | (2 << 3)]) + le("I", dest)


def vlapic_seeds():
    linux = (mmio_wr(0x80, 0) + mmio_wr(0xE0, 0xFFFFFFFF) + mmio_wr(0xD0, 1 << 24) +
             mmio_wr(0xF0, 0x3FF) + mmio_wr(0x350, 0x700) + mmio_wr(0x360, 0x400) +
             mmio_wr(0x370, 0xFE) + mmio_wr(0x280, 0) + mmio_wr(0x280, 0) + mmio_rd(0x280) +
             mmio_wr(0x320, 0xEC) + mmio_wr(0x3E0, 0x3) + mmio_wr(0x380, 62500) +
             time(0xF424, 1) + inject() + mmio_rd(0x390) + mmio_wr(0x380, 1000) + time(0x1000) +
             inject())
    x2apic = (mmio_wr(0xF0, 0x1FF) + msr_wr(MSR_BASE, 0xFEE00C00) + msr_rd(0x02) +
              msr_rd(0x0D) + msr_wr(0x08, 0) + msr_wr(0x32, 0xEC | (2 << 17)) +
              msr_wr(MSR_DEADLINE, 5000) + msr_rd(MSR_DEADLINE) + time(0x2000) + inject() +
              msr_wr(MSR_ICR, (1 << 32) | 0xC500) + msr_wr(MSR_ICR, (1 << 32) | 0x69A) +
              msr_wr(MSR_ICR, 0x40031) + msr_wr(0x3F, 0x41) + inject() + msr_wr(0x0B, 1) +
              msr_rd(0x0B) + msr_wr(0x31, 0) + msr_wr(0x28, 0) + msr_rd(0x28) +
              msr_wr(MSR_BASE, 0xFEE00800) + msr_wr(MSR_BASE, 0xFEE00000) + msr_rd(MSR_OTHER))
    ipis = (mmio_wr(0xF0, 0x1FF) + mmio_wr(0x310, 0x03000000) + mmio_wr(0x300, 0x31) +
            mmio_wr(0x300, 0x40032) + mmio_wr(0x300, 0x80033) + mmio_wr(0x300, 0xC0034) +
            mmio_wr(0x300, 0xC500) + mmio_wr(0x300, 0x8500) + mmio_wr(0x300, 0x69A) +
            mmio_wr(0x300, 0x400) + mmio_wr(0x300, 0x0F) + mmio_wr(0x300, 0x200) +
            mmio_wr(0xD0, 0x08000000) + mmio_wr(0xE0, 0xFFFFFFFF) + match(0x08) + match(0x07) +
            mmio_wr(0xE0, 0x0FFFFFFF) + mmio_wr(0xD0, 0x21000000) + match(0x23) +
            mmio_wr(0x300, 0x8835) + inject() + inject())
    priority = (mmio_wr(0xF0, 0x1FF) + irq(0x31) + irq(0xE2, True) + irq(0x70) + inject(False) +
                mmio_wr(0x80, 0x55) + mmio_rd(0xA0) + mmio_rd(0x90) + irq(0x5F) + irq(0x66) +
                inject(False) + mmio_wr(0xB0, 0) + mmio_wr(0xB0, 0) + irq(7) + mmio_wr(0x280, 0) +
                mmio_rd(0x280) + mmio_rd(0x200) + mmio_rd(0x180) + mmio_rd(0x100) + inject())
    periodic = (mmio_wr(0xF0, 0x1FF) + mmio_wr(0x3E0, 0xB) + mmio_wr(0x320, 0x200EC) +
                mmio_wr(0x380, 100) + time(137) + inject() + time(450) + inject() +
                mmio_wr(0x320, 0x300EC) + time(1000) + mmio_wr(0x320, 0x200EC) +
                mmio_wr(0x3E0, 0x0) + mmio_rd(0x390) + time(0xFFFF, 7) + inject() +
                mmio_wr(0x380, 0) + time(500))
    transitions = (msr_wr(MSR_BASE, 0xFEE00400) + msr_wr(MSR_BASE, 0xFEE00000) +
                   msr_wr(MSR_BASE, 0xFEE00C00) + mmio_rd(0x20) + msr_wr(MSR_BASE, 0xFEE00800) +
                   msr_wr(MSR_BASE, 0xFEE00C00) + msr_wr(MSR_BASE, 0xFEE00800) + init() +
                   sipi(0x9A) + sipi(0x10) + msr_wr(MSR_BASE, 0xFEE00801) +
                   msr_wr(MSR_BASE, 0x7FFEE00800) + mmio_rd(0x30))
    return {
        "linux-xapic": bytes([1]) + linux,
        "x2apic": bytes([0x23]) + x2apic,
        "ipis": bytes([3]) + ipis,
        "priority": bytes([2]) + priority,
        "periodic": bytes([5]) + periodic,
        "transitions": bytes([1]) + transitions,
    }


# ---------------------------------------------------------------- IOAPIC
def sel(v):
    return bytes([0, v])


RD = bytes([1])


def wr(v):
    return bytes([2]) + le("I", v)


def pin(p, level):
    return bytes([3 | (level << 3), p])


def eoi(v):
    return bytes([4, v])


def eoir(v):
    return bytes([5]) + le("I", v)


def io_mrd(off):
    return bytes([6]) + le("H", off)


def io_mwr(off, v):
    return bytes([7]) + le("HI", off, v)


def rte(n, lo, hi=0):
    return sel(0x11 + 2 * n) + wr(hi) + sel(0x10 + 2 * n) + wr(lo)


def vioapic_seeds():
    return {
        "uart-edge": rte(4, 0x10024) + rte(4, 0x24) + pin(4, 1) + pin(4, 0) + pin(4, 1) +
        sel(0x18) + RD + pin(4, 1),
        "level-eoi": rte(10, 0x8061, 0x01000000) + pin(10, 1) + sel(0x24) + RD + eoi(0x61) +
        pin(10, 0) + eoi(0x61) + RD + pin(10, 1) + eoir(0x61) + rte(11, 0x8061) + pin(11, 1) +
        eoi(0x61),
        "mask-unmask": rte(12, 0x18081) + pin(12, 1) + rte(12, 0x8081) + pin(12, 0) +
        rte(12, 0x81) + rte(12, 0x8081) + rte(13, 0x8400) + pin(13, 1) + pin(13, 1),
        "registers": sel(0) + RD + wr(0xFFFFFFFF) + RD + sel(1) + RD + wr(0) + sel(2) + RD +
        sel(0x3F) + wr(0xFFFFFFFF) + RD + sel(0x40) + RD + wr(1) + io_mrd(0x20) +
        io_mwr(0x20, 5) + io_mrd(0) + pin(24, 1) + pin(255, 1),
    }


# ---------------------------------------------------------------- RTC/CMOS
def idx(v):
    return bytes([0, v])


def data_wr(v):
    return bytes([2, v])


def host(t):
    return bytes([3]) + le("Q", t)


RTC_RD = bytes([1])


def read_clock():
    return b"".join(idx(i) + RTC_RD for i in (0x0A, 0, 2, 4, 6, 7, 8, 9, 0x32, 0x0B, 0x0C, 0x0D))


def rtc_seeds():
    return {
        "linux-read": read_clock() + host(946684799) + read_clock(),
        "set-time": idx(0x0B) + data_wr(0x82) + idx(9) + data_wr(0x31) + idx(8) + data_wr(0x12) +
        idx(7) + data_wr(0x25) + idx(4) + data_wr(0x08) + idx(2) + data_wr(0x30) + idx(0) +
        data_wr(0x00) + idx(0x32) + data_wr(0x20) + read_clock() + idx(0x0B) + data_wr(0x02) +
        host(1700000100) + read_clock(),
        "binary-12h": idx(0x0B) + data_wr(0x04) + read_clock() + idx(4) + data_wr(0x8C) +
        host(0) + read_clock() + host(0xFFFFFFFFFFFFFFFF) + read_clock(),
        "nvram": b"".join(idx(i) + data_wr(i ^ 0x5A) + RTC_RD for i in range(0x0E, 0x80, 7)) +
        idx(0x8F) + RTC_RD + bytes([5]),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    targets = {"mb2": mb2_seeds, "acpi": acpi_seeds, "image": image_seeds,
               "shell": shell_seeds, "cmdline": cmdline_seeds, "uart": uart_seeds,
               "ept": ept_seeds, "bzimage": bzimage_seeds, "decode": decode_seeds,
               "guest_walk": guest_walk_seeds, "vlapic": vlapic_seeds, "vioapic": vioapic_seeds,
               "rtc_cmos": rtc_seeds}
    for name, make in targets.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        for case, data in make().items():
            with open(os.path.join(d, case), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
