# SPDX-License-Identifier: MIT
"""The perf guest of `make bench` (tests/bench/perf.c) runs once under hv in Bochs with
2 vCPUs, prints every BENCH line with a positive figure and passes its sanity checks;
keeps it building and working. The figures themselves: `make bench`
(docs/performance.md).

Then its x2-self-ipi part alone (1 vCPU): N self-IPIs through the x2APIC SELF IPI MSR
(0x83F) are all delivered while the VM's MSR exits stay far below N, as the CPU
virtualizes them (virtual-interrupt delivery, vmm/vmx/vapic.c).

Its xAPIC accesses must not be MMIO exits (vmm/vmx/apic_access.c): perf makes over
5,000 of them (TPR reads and writes, EOIs, self-IPIs through the ICR), and `stats perf`
must show fewer than XAPIC_MMIO_MAX EPT violations; its 1,000 IPIs to the other vCPU are
APIC-write exits, its self-IPIs none (self-IPI virtualization). Its 1,000 x2APIC IPIs
are counted as MSR exits and their kicks as external-interrupt exits, fast path or not."""

import os
import re

from harness import PROMPT, E2ETest, Machine, TestFailure, build_dir

TIMEOUT = 300
XAPIC_MMIO_MAX = 100  # tigerlake virtualizes xAPIC registers: a handful of exits at most
IPIS = 1000  # perf.c's N: IPIs to CPU 1, each one ICR write that must reach the model
NAMES = ("loop", "cpuid", "vmcall", "io_in", "cr8_write", "cr8_read", "mmio_read", "mmio_write",
         "eoi_idle", "self_ipi", "eoi", "tsc_deadline", "ipi", "x2_eoi_idle", "x2_self_ipi",
         "x2_eoi", "x2_self_ipi_icr", "x2_tsc_deadline", "x2_ipi")
SELF_IPIS = 1000  # perf.c's N
MAX_MSR_EXITS = SELF_IPIS // 10  # x2APIC mode on, the runtime's own setup: about 15


def vm_output(text, vm):
    return "\n".join(re.findall(rf"\[{vm}\] ([^\n]*)", text))


def check_self_ipi_exits(m):
    m.send('launch perf name=selfipi cmdline="x2-self-ipi"\r')
    g = m.expect(r"vm selfipi: (exited: code (-?\d+)|stopped: [^\r\n]*)", what="the end of vm selfipi")
    m.expect(PROMPT, what="the prompt")
    out = vm_output(m.transcript().replace("\r", ""), "selfipi")
    if g.group(2) != "0" or "FAIL" in out:
        raise TestFailure(f"vm selfipi ended with '{g.group(1)}': {out[-300:]!r}")
    if "SKIP" in out:
        return  # no x2APIC in this CPU model
    if f"x2_self_ipi: {SELF_IPIS} interrupts delivered" not in out:
        raise TestFailure(f"the {SELF_IPIS} self-IPIs were not all delivered: {out[-300:]!r}")
    stats = m.command("stats selfipi")
    msr = re.search(r"^ +msr +(\d+)", stats, re.M)
    n = int(msr.group(1)) if msr else 0
    if n >= MAX_MSR_EXITS:
        raise TestFailure(f"{SELF_IPIS} self-IPIs through MSR 0x83F took {n} MSR exits "
                          f"(want < {MAX_MSR_EXITS}: self-IPI virtualization)")


def run(name):
    b = build_dir()
    mods = [(os.path.join(b, "bench", "perf.elf"), "perf"),
            (os.path.join(b, "conformance", "env-cpus2"), "env-cpus2")]
    for path, _ in mods:
        if not os.path.exists(path):
            raise TestFailure(f"{path} not found (run make all)")
    with Machine(name, emu="bochs", smp=3, mem=256, modules=mods, timeout=TIMEOUT) as m:
        m.expect(PROMPT, what="the prompt")
        m.send("launch perf cpus=2 initrd=env-cpus2\r")
        g = m.expect(r"vm perf: (exited: code (-?\d+)|stopped: [^\r\n]*)", what="the end of vm perf")
        text = m.transcript().replace("\r", "")
        figures = dict(re.findall(r"\[perf\] BENCH (\w+) (\d+)", text))
        missing = [n for n in NAMES if int(figures.get(n, 0)) <= 0]
        if missing:
            raise TestFailure(f"no positive BENCH figure for {', '.join(missing)}")
        fails = re.findall(r"\[perf\] FAIL: ([^\n]*)", text)
        if fails:
            raise TestFailure(f"perf: FAIL {fails[0]}")
        if g.group(2) != "0":
            raise TestFailure(f"vm perf ended with '{g.group(1)}', want exit code 0")
        reasons = stats(m)
        check_xapic_exits(reasons)
        check_ipi_exits(reasons)
        check_self_ipi_exits(m)
        m.send("poweroff\r")
        m.expect_poweroff()


def stats(m):
    """Exits of vm perf by reason, from `stats perf` (after its own echo, up to the prompt)."""
    m.send("stats perf\r")
    g = m.expect(r"stats perf\r*\n([\s\S]*?)" + PROMPT, what="the output of 'stats perf'")
    return {k: int(c) for k, c in re.findall(r"^  (\S+) +(\d+) +\S+\s*$", g.group(1), re.M)}


def check_xapic_exits(reasons):
    mmio, writes = reasons.get("ept-violation", 0), reasons.get("apic-write", 0)
    if mmio >= XAPIC_MMIO_MAX:
        raise TestFailure(f"{mmio} EPT violations: xAPIC accesses still exit as MMIO ({reasons})")
    if not IPIS <= writes < IPIS + IPIS // 2:
        raise TestFailure(f"{writes} APIC-write exits, want the {IPIS} IPIs' and no self-IPI's "
                          f"({reasons})")


def check_ipi_exits(reasons):
    """The exit fast paths count what they handle: each x2APIC ICR write to CPU 1 is an MSR
    exit (fast_wrmsr), each IPI's kick an external-interrupt exit on CPU 1 (fast_kick)."""
    msr, extint = reasons.get("msr", 0), reasons.get("external-interrupt", 0)
    if msr < IPIS or extint < IPIS:
        raise TestFailure(f"{msr} MSR and {extint} external-interrupt exits, want at least "
                          f"{IPIS} of each: the {IPIS} x2APIC IPIs ({reasons})")


TESTS = [E2ETest("bochs-bench-perf", TIMEOUT, run)]
