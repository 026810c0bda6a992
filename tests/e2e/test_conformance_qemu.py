# SPDX-License-Identifier: MIT
"""Conformance guests (tests/conformance/) on QEMU TCG without hv.

Each guest in $BUILD/conformance/<name>.elf (built by `make all`) boots as a
multiboot1 kernel with -smp N for each CPU count tests/conformance/guests.list
gives it, with env-cpus<N> as its first module unless the list says noenv.
A run passes when QEMU exits with status 1 (guest status 0 through
isa-debug-exit), the serial log has a "SUMMARY: n tests, 0 failures, s skipped"
line, no FAIL line, and every SKIP line matches one of the guest's allowed
patterns. Serial output goes to $BUILD/e2e/<test name>.log.
"""

import os
import re
import signal
import subprocess

from conformance_list import all_guests
from harness import ROOT, E2ETest, TestFailure, build_dir, e2e_dir

TIMEOUT = 60
SUMMARY_RE = re.compile(r"^SUMMARY: (\d+) tests, (\d+) failures, (\d+) skipped\s*$", re.M)


def qemu_command(elf, cpus, env_file, log):
    # -icount: QEMU's clocks (TSC, LAPIC timer, PM timer, RTC with clock=vm) follow the
    # instructions run, as Bochs's do, so a loaded host (CI runs two tests at once)
    # cannot stretch one measurement window and not the next.
    cmd = ["qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-icount", "shift=4,sleep=off",
           "-rtc", "clock=vm", "-cpu", "max",
           "-smp", str(cpus), "-m", "32", "-kernel", elf,
           "-device", "pc-testdev", "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
           "-serial", f"file:{log}", "-display", "none", "-monitor", "none",
           "-no-reboot", "-nodefaults"]
    if env_file:
        cmd += ["-initrd", env_file]
    return cmd


def check_output(text, rc, skips):
    fails = re.findall(r"^FAIL: .*$", text, re.M)
    if fails:
        raise TestFailure(f"{len(fails)} FAIL line(s), first: {fails[0].strip()!r}")
    m = SUMMARY_RE.search(text)
    if not m:
        raise TestFailure(f"no SUMMARY line (QEMU exit status {rc})")
    if int(m.group(2)):
        raise TestFailure(f"summary reports failures: {m.group(0).strip()!r}")
    for s in re.findall(r"^SKIP: (.*?)\s*$", text, re.M):
        if not any(p.search(s) for p in skips):
            raise TestFailure(f"unexpected SKIP: {s!r}")
    if rc != 1:
        raise TestFailure(f"QEMU exit status {rc}, want 1 (guest status 0)")


def conformance_test(name, cpus, env, skips):
    test_name = f"qemu-conformance-{name}-{cpus}cpu"

    def run(tname):
        out = os.path.join(build_dir(), "conformance")
        elf = os.path.join(out, f"{name}.elf")
        env_file = os.path.join(out, f"env-cpus{cpus}") if env else None
        for f in filter(None, (elf, env_file)):
            if not os.path.exists(f):
                raise TestFailure(f"{os.path.relpath(f, ROOT)} not found (run make all)")
        log = os.path.join(e2e_dir(), f"{tname}.log")
        if os.path.exists(log):
            os.unlink(log)
        proc = subprocess.Popen(qemu_command(elf, cpus, env_file, log), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            qemu_out = proc.communicate(timeout=TIMEOUT)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise TestFailure(f"no exit within {TIMEOUT}s")
        try:
            with open(log, errors="replace") as f:
                text = f.read().replace("\r", "")
        except OSError:
            raise TestFailure(f"no serial log; QEMU said: {qemu_out.strip()[-300:]!r}")
        check_output(text, proc.returncode, skips)

    return E2ETest(test_name, TIMEOUT, run)


TESTS = [conformance_test(g.name, c, g.env, g.patterns["skip"]) for g in all_guests() for c in g.cpus]
