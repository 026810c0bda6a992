#!/usr/bin/env python3
"""Writes the seed corpora of the device-model fuzzers (vlapic, vioapic, rtc_cmos):
mkseeds_dev.py [OUTDIR] (default: tests/fuzz/corpus).

Same layout as mkseeds.py: OUTDIR/<target>/<case>, each input encoded as
tests/fuzz/fuzz_<target>.c reads it. The output is committed; rerun this after
changing it. Standard library only.
"""

import os
import struct
import sys


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
    targets = {"vlapic": vlapic_seeds, "vioapic": vioapic_seeds, "rtc_cmos": rtc_seeds}
    for name, make in targets.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        for case, data in make().items():
            with open(os.path.join(d, case), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
