# SPDX-License-Identifier: MIT
"""The perf guest of `make bench` (tests/bench/perf.c) runs once under hv in Bochs with
2 vCPUs, prints every BENCH line with a positive figure and passes its sanity checks;
keeps it building and working. The figures themselves: `make bench`
(docs/performance.md)."""

import os
import re

from harness import PROMPT, E2ETest, Machine, TestFailure, build_dir

TIMEOUT = 300
NAMES = ("loop", "cpuid", "vmcall", "io_in", "cr8_write", "cr8_read", "mmio_read", "mmio_write",
         "eoi_idle", "self_ipi", "eoi", "tsc_deadline", "ipi")


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
        m.send("poweroff\r")
        m.expect_poweroff()


TESTS = [E2ETest("bochs-bench-perf", TIMEOUT, run)]
