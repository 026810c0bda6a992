# SPDX-License-Identifier: MIT
"""Conformance guests (tests/conformance/) under hv in Bochs.

The same images test_conformance_qemu.py proves right on QEMU TCG without hv
run here as hv guests on the PC platform, launched from the shell the way a
user would: `launch <guest> cpus=<n> initrd=env-cpus<n>`. A run passes when
the VM exits with code 0, its output has the SUMMARY line with 0 failures, no
FAIL line, and every SKIP matches one of the guest's "hvskip" patterns in
tests/conformance/guests.list (features hv hides on purpose; docs/guest-abi.md).
A FAIL line is tolerated only if it matches a "bochsfail" pattern: a deviation
of Bochs 2.7's CPU model that the same image shows on bare Bochs without hv
(tests/conformance/README.md says how to check), so the run still proves the
rest; the summary's failures must be exactly those lines.
Guests run one after another in a few Bochs boots; runs with more vCPUs than
a boot's CPUs minus the console CPU go to a bigger boot.
"""

import os
import re

from conformance_list import all_guests
from harness import PROMPT, ROOT, E2ETest, Machine, TestFailure, build_dir

GUEST_TIMEOUT = 240  # one guest, launch to exit, in Bochs
SUMMARY_RE = re.compile(r"^SUMMARY: (\d+) tests, (\d+) failures, (\d+) skipped\s*$", re.M)
BOOTS = 2  # boots for the runs of up to 2 vCPUs, in parallel on the CI's 2 cores

# Runs with a per-VM CPU model (launch ... cpuid=): the guests must see exactly that
# CPU, SKIP what it hides, and every check of what it shows still passes.
MODEL_RUNS = [
    ("x2apic", 2, "cpuid=-x2apic", [r"^x2APIC mode \(no CPUID\.1:ECX\.x2APIC\)$"]),
    ("pcid", 2, "cpuid=-pcid", [r"^PCID \(no CPUID\.1:ECX\.PCID\)$"]),
    ("cpuid", 2, "cpuid=baseline", []),
    ("apic_timer", 2, "cpuid=baseline",
     [r"^TSC-deadline timer \(no CPUID\.1:ECX\.TSC_DEADLINE\)$"]),
]


def all_runs():
    """(guest, vCPUs, env?, hvskips, bochsfails, launch args) for every run."""
    guests = {g.name: g for g in all_guests()}
    runs = [(g.name, c, g.env, g.patterns["hvskip"], g.patterns["bochsfail"], "")
            for g in guests.values() for c in g.cpus]
    for n, c, args, skips in MODEL_RUNS:
        runs.append((n, c, True, [re.compile(p) for p in skips], guests[n].patterns["bochsfail"],
                     args))
    return runs


def modules(runs):
    out = os.path.join(build_dir(), "conformance")
    files = [(os.path.join(out, f"{n}.elf"), n) for n in sorted({r[0] for r in runs})]
    files += [(os.path.join(out, f"env-cpus{c}"), f"env-cpus{c}") for c in sorted({r[1] for r in runs})]
    for path, _ in files:
        if not os.path.exists(path):
            raise TestFailure(f"{os.path.relpath(path, ROOT)} not found (run make all)")
    return files


def check_run(lines, code, why, skips, known):
    text = "\n".join(lines)
    fails = re.findall(r"^FAIL: (.*?)\s*$", text, re.M)
    unknown = [f for f in fails if not any(p.search(f) for p in known)]
    if unknown:
        raise TestFailure(f"{len(unknown)} FAIL line(s), first: {unknown[0]!r}")
    if why is not None:
        raise TestFailure(f"stopped: {why}")
    m = SUMMARY_RE.search(text)
    if not m or int(m.group(2)) != len(fails):
        raise TestFailure(f"summary {m.group(0) if m else 'missing'!r}, {len(fails)} known FAILs")
    for s in re.findall(r"^SKIP: (.*?)\s*$", text, re.M):
        if not any(p.search(s) for p in skips):
            raise TestFailure(f"unexpected SKIP: {s!r}")
    if code != (1 if fails else 0):
        raise TestFailure(f"exit code {code}, want {1 if fails else 0}")


def run_one(m, guest, cpus, env, skips, known, args):
    vm = f"{guest}-{cpus}" + ("-" + re.sub(r"[^a-z0-9]+", "", args.split("=", 1)[1]) if args else "")
    start = len(m.transcript())
    spec = f"launch {guest} name={vm} cpus={cpus}" + (f" initrd=env-cpus{cpus}" if env else "")
    spec += f" {args}" if args else ""
    m.send(spec + "\r")
    end = r"vm " + re.escape(vm) + r": (exited: code (-?\d+)|stopped: ([^\r\n]*))\r?\n"
    g = m.expect(end, timeout=GUEST_TIMEOUT, what=f"the end of vm {vm}")
    lines = re.findall(r"\[" + re.escape(vm) + r"\] ([^\r\n]*)", m.transcript()[start:])
    check_run(lines, int(g.group(2)) if g.group(2) else None, g.group(3), skips, known)


def boot_test(name, runs, smp):
    def run(tname):
        failures = []
        with Machine(tname, emu="bochs", smp=smp, mem=512, modules=modules(runs),
                     timeout=GUEST_TIMEOUT * len(runs) + 120) as m:
            m.expect(PROMPT, what="the prompt")
            for r in runs:
                try:
                    run_one(m, *r)
                except TestFailure as e:
                    failures.append(f"{r[0]}-{r[1]}{(' ' + r[5]) if r[5] else ''}: {e}")
                    if "timed out" in str(e):
                        break  # the VM may still hold its CPUs
            m.send("poweroff\r")
        if failures:
            raise TestFailure(f"{len(failures)} of {len(runs)} runs failed: " + "; ".join(failures))

    return E2ETest(name, GUEST_TIMEOUT * len(runs) + 180, run)


def tests():
    runs = all_runs()
    small = [r for r in runs if r[1] <= 2]
    big = [r for r in runs if r[1] > 2]
    out = [boot_test(f"bochs-conformance-{i + 1}", small[i::BOOTS], 3) for i in range(BOOTS)]
    if big:
        out.append(boot_test("bochs-conformance-smp", big, 1 + max(r[1] for r in big)))
    return out


TESTS = tests()
