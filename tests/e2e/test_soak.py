# SPDX-License-Identifier: MIT
"""Soak in Bochs (4 CPUs): HV_SOAK_CYCLES launch/stop cycles of a mixed set of guests,
three VMs at once on CPUs 1-3. Each cycle launches one guest from each of three
rotations (lengths 3, 5 and 5, so the combinations and memory sizes keep changing):

  LONG     runs until told: echo and progress are stopped, cliloop (interrupts off,
           no exits) is killed;
  GOOD     ends by itself with exit code 0 after printing its lines: hello16,
           hello64, exerciser, mb1hello, bench;
  HOSTILE  is stopped by the hypervisor (triple fault, EPT violation outside its
           memory), or is a second long-running guest, so that two stay running side
           by side and `vms` must show them on two different CPUs.

No launch can silently do nothing: every one must answer "launched vm <id>" with a
new id and its guest must print its first line; every guest must end the way its kind
says. Every CHECK_EVERY cycles and at the end, `mem` must show the free page count of
the start. The run prints "soak: <cycles> cycles, <launches> launches, <pages> pages
leaked" and fails if pages leaked or fewer cycles than asked for completed.

`make test` runs SOAK_SHORT cycles; `make soak` runs 500 (HV_SOAK_CYCLES).
"""

import os
import re
import sys
import time

from harness import PROMPT, E2ETest, Machine, TestFailure
from test_vmx import check_vmx_line, cmd, free_pages

SOAK_SHORT = 40  # ~2.3 s a cycle in Bochs on a shared host: under 2 minutes with the boot
BOOT_BUDGET = 120
CYCLE_BUDGET = 6  # seconds a cycle may take on average before the run times out
CHECK_EVERY = 25
GUEST_TIMEOUT = 60  # launch to first line, or to its end
RELEASE_TIMEOUT = 10  # for the last vCPU to give its pages back after an end line
BUSY_RETRIES = 20  # "no free physical CPU" while a vCPU that ended is still leaving
SEND_DELAY = 0.005  # the shell's UART is interrupt-driven into a ring: typing can be fast


def soak_cycles():
    value = os.environ.get("HV_SOAK_CYCLES", str(SOAK_SHORT))
    try:
        return max(1, int(value))
    except ValueError:
        sys.exit(f"test_soak.py: HV_SOAK_CYCLES={value!r} is not a number of cycles")


CYCLES = soak_cycles()


class Guest:
    """One launch: its arguments, the line it must print first, and how it ends:
    "exit" (code 0, after `lines`), "hv" (stopped by the hypervisor, reason starts
    with `reason`), or "stop"/"kill" (by the user, after its first line)."""

    def __init__(self, spec, first, end, lines=(), reason=""):
        self.spec, self.first, self.end = spec, first, end
        self.lines, self.reason = list(lines), reason
        name = re.search(r"name=(\S+)", spec)
        self.name = name.group(1) if name else spec.split()[0]

    def long_running(self):
        return self.end in ("stop", "kill")


OUTSIDE = "of guest-physical {} outside its memory"
LONG = [
    Guest("echo mem=2M platform=none", "echo: type, q quits", "stop"),
    Guest("progress mem=5M", "hostile: progress (counter", "stop", ["progress 1"]),
    Guest("cliloop mem=2M", "hostile: cliloop (cli; jmp . forever)", "kill"),
]
GOOD = [
    Guest("hello64 mem=3M", "hello from long mode", "exit", ["hypercall print works"]),
    Guest("exerciser mem=2M", "check 1 ok", "exit", ["exerciser: all checks passed"]),
    Guest("hello16 mem=1M", "hello from real mode", "exit"),
    Guest("mb1hello mem=4100K", "mb1hello: cmdline 'greeting=hi'", "exit",
          ["mb1hello: all checks passed"]),
    Guest("bench mem=8M", "bench: cpuid 10000 exits", "exit", ["bench: io 10000 exits"]),
]
HOSTILE = [
    Guest("triplefault mem=1M", "hostile: triplefault", "hv", reason="triple fault"),
    Guest("badmsr mem=2M", "hostile: badmsr", "hv", reason="triple fault"),
    Guest("wildwrite mem=6M strict-mem=on", "hostile: wildwrite", "hv", reason="write " +
          OUTSIDE.format("0x40000000")),
    Guest("memlimit mem=3M strict-mem=on", "hostile: memlimit", "hv", reason="read " + OUTSIDE.format("0x300000")),
    Guest("echo name=e2 mem=2M platform=none", "echo: type, q quits", "stop"),
]


def line_re(name, text):
    return r"\[" + re.escape(name) + r"\] " + re.escape(text) + r"[^\r\n]*\r?\n"


def end_re(name):
    return r"vm " + re.escape(name) + r": (exited: code (-?\d+)|stopped: ([^\r\n]*))\r?\n"


def wait_all(m, start, wants, what):
    """Waits until every regex in `wants` (key -> regex) matches the transcript from
    offset `start`, in any order; returns key -> match. Guests run concurrently, so
    their lines come in any order, and a line may have been read while waiting for an
    earlier command."""
    end = time.monotonic() + GUEST_TIMEOUT
    while True:
        text = m.transcript()[start:]
        found = {k: re.search(r, text) for k, r in wants.items()}
        missing = [k for k, g in found.items() if not g]
        if not missing:
            return found
        left = end - time.monotonic()
        if left <= 0:
            raise TestFailure(f"{what}: timed out waiting for {', '.join(missing)}")
        try:  # reads more output; the match itself is taken from the transcript above
            m.expect("|".join(f"(?:{wants[k]})" for k in missing), timeout=min(left, 5),
                     what=f"{what}: {', '.join(missing)}")
        except TestFailure:
            if not m.alive() or time.monotonic() >= end:
                raise


class Soak:
    def __init__(self, m, cycles):
        self.m, self.cycles = m, cycles
        self.done = self.launches = self.busy = 0
        self.last_id = 0

    def launch(self, g, cycle):
        """Launches g; its id must be new. Retries while the CPU of a VM that just ended
        is still giving its pages back (placement needs a free CPU)."""
        m = self.m
        for _ in range(BUSY_RETRIES):
            m.send(f"launch {g.spec}\r", delay=SEND_DELAY)
            r = m.expect(r"(launched vm (\d+) '" + re.escape(g.name) + r"'|launch: )[^\r\n]*\r?\n",
                         timeout=GUEST_TIMEOUT, what=f"cycle {cycle}: the answer to 'launch "
                         f"{g.spec}'")
            m.expect(PROMPT, timeout=GUEST_TIMEOUT, what=f"cycle {cycle}: the prompt")
            if r.group(2):
                break
            if "no free physical CPU" not in r.group(0):
                raise TestFailure(f"cycle {cycle}: {r.group(0).strip()!r}")
            self.busy += 1
            time.sleep(0.2)
        else:
            raise TestFailure(f"cycle {cycle}: no free CPU for {g.name} after {BUSY_RETRIES} "
                              "tries")
        vm_id = int(r.group(2))
        if vm_id <= self.last_id:
            raise TestFailure(f"cycle {cycle}: {g.name} got vm id {vm_id}, not after "
                              f"{self.last_id}")
        self.last_id = vm_id
        self.launches += 1

    def check_side_by_side(self, names, cycle):
        """The long-running guests are listed running, each on a CPU of its own, not 0."""
        out = cmd(self.m, "vms")
        cpus = {}
        for name in names:
            row = re.search(r"^\d+\s+" + re.escape(name) + r"\s+vmx\s+(running|halted)\s+1@(\d+)",
                            out, re.M)
            if not row:
                raise TestFailure(f"cycle {cycle}: {name} is not running in 'vms': {out!r}")
            cpus[name] = int(row.group(2))
        if len(set(cpus.values())) != len(cpus) or 0 in cpus.values():
            raise TestFailure(f"cycle {cycle}: VMs side by side share a CPU or use CPU 0: {cpus}")

    def check_end(self, g, match, cycle):
        code, reason = match.group(2), match.group(3)
        if g.end == "exit" and code != "0":
            raise TestFailure(f"cycle {cycle}: vm {g.name} ended with {match.group(1)!r}, "
                              "want exit code 0")
        if g.end == "hv" and not (reason or "").startswith(g.reason):
            raise TestFailure(f"cycle {cycle}: vm {g.name} ended with {match.group(1)!r}, "
                              f"want 'stopped: {g.reason} ...'")

    def end_long(self, g, cycle):
        verb = "stop" if g.end == "stop" else "kill"
        want = "stopped by the user" if verb == "stop" else "killed by the user"
        out = cmd(self.m, f"{verb} {g.name}")
        if f"vm {g.name}: stopped: {want}" not in out or "has not left" in out:
            raise TestFailure(f"cycle {cycle}: '{verb} {g.name}' answered {out.strip()!r}")

    def cycle(self, i):
        guests = [LONG[i % len(LONG)], GOOD[i % len(GOOD)], HOSTILE[(i // 3) % len(HOSTILE)]]
        start = len(self.m.transcript())
        for g in guests:
            self.launch(g, i)
        wants = {}
        for g in guests:
            for n, text in enumerate([g.first] + g.lines):
                wants[f"{g.name} line {n}"] = line_re(g.name, text)
            if not g.long_running():
                wants[f"{g.name} end"] = end_re(g.name)
        found = wait_all(self.m, start, wants, f"cycle {i}")
        for g in guests:
            if not g.long_running():
                self.check_end(g, found[f"{g.name} end"], i)
        long = [g for g in guests if g.long_running()]
        if len(long) > 1:
            self.check_side_by_side([g.name for g in long], i)
        for g in long:
            self.end_long(g, i)

    def check_pages(self, start):
        """Free pages must come back to `start` (the last vCPU out frees them, so allow
        it a moment after its end line); returns the pages missing."""
        end = time.monotonic() + RELEASE_TIMEOUT
        while True:
            free = free_pages(self.m)
            if free == start or time.monotonic() > end:
                return start - free
            time.sleep(0.5)

    def check_no_vm_left(self):
        rows = re.findall(r"^\d+\s+(\S+)\s+vmx\s+(running|halted)\b", cmd(self.m, "vms"), re.M)
        if rows:
            raise TestFailure(f"VMs left running after the soak: {rows}")

    def run(self):
        start = free_pages(self.m)
        failure, leaked = None, None
        t0 = time.monotonic()
        try:
            for i in range(self.cycles):
                self.cycle(i)
                self.done += 1
                if self.done % CHECK_EVERY == 0 and self.check_pages(start):
                    raise TestFailure(f"pages missing after {self.done} cycles")
        except TestFailure as e:
            failure = e
        if self.m.alive():
            leaked = self.check_pages(start)
        print(f"soak: {self.done} cycles, {self.launches} launches, "
              f"{'?' if leaked is None else leaked} pages leaked "
              f"({time.monotonic() - t0:.0f} s, {self.busy} launches retried for a busy CPU)",
              flush=True)
        if failure:
            raise failure
        if leaked:
            raise TestFailure(f"{leaked} pages leaked in {self.done} cycles")
        if self.done < self.cycles:
            raise TestFailure(f"{self.done} cycles of {self.cycles}")
        self.check_no_vm_left()


def run_soak(name):
    with Machine(name, emu="bochs", smp=4, timeout=BOOT_BUDGET + CYCLES * CYCLE_BUDGET) as m:
        check_vmx_line(m, 4)
        m.expect(PROMPT, what="the prompt")
        Soak(m, CYCLES).run()
        m.send("poweroff\r")
        m.expect_poweroff()


TESTS = [
    E2ETest("bochs-vmx-soak", BOOT_BUDGET + CYCLES * CYCLE_BUDGET, run_soak),
]
