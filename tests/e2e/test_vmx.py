# SPDX-License-Identifier: MIT
"""VMX tests in Bochs (the only emulator here with VMX): VMX on every CPU at
boot, the test guests from tests/guests/ run to their expected output and exit
code, hostile guests are stopped with their reason while the hypervisor goes
on, and every page comes back. On QEMU TCG the hypervisor must say VMX is
unavailable and refuse to launch, with the reason.
"""

import re

from harness import PROMPT, E2ETest, Machine, TestFailure

BOCHS_TIMEOUT = 300
QEMU_TIMEOUT = 60
VMX_RE = r"vmx: enabled on (\d+)/(\d+) CPUs \(([^)]*)\)"
PAGES_RE = r"pages: free (\d+) used (\d+) total (\d+)"
BENCH_RE = r"bench: (cpuid|vmcall|io) 10000 exits, (\d+) ticks, (\d+) ticks/exit"

# name -> lines the guest must print (in order) before "vm <name>: exited: code 0"
GOOD_GUESTS = {
    "hello16": ["hello from real mode"],
    "hello64": ["hello from long mode", "hypercall print works"],
    "exerciser": ["check 12 ok", "exerciser: all checks passed"],
    "mb1hello": ["mb1hello: cmdline 'greeting=hi'", "mb1hello: all checks passed"],
    "irqtest": ["irqtest: check 4 ok", "irqtest: all checks passed"],
}

# run= keys besides the name: irqtest's self-interrupt hook needs no APIC set-up only on
# the bare board (on the PC board its local APIC starts software-disabled, as on hardware)
RUN_KEYS = {"irqtest": ",platform=none"}

# name -> what the stop reason must say (launched with strict-mem=on: an access outside
# RAM and devices stops the VM instead of reading all ones)
HOSTILE_GUESTS = {
    "triplefault": r"stopped: triple fault",
    "wildwrite": r"stopped: write of guest-physical 0x40000000 outside its memory",
    "badmsr": r"stopped: triple fault",
}


def cmd(m, line):
    """Types a command and returns its output: from its own echo to the next prompt, so
    prompts redrawn around asynchronous guest output earlier cannot be mistaken for it."""
    m.send(line + "\r")
    g = m.expect(re.escape(line) + r"\r*\n([\s\S]*?)" + PROMPT, what=f"the output of '{line}'")
    return g.group(1)


def free_pages(m):
    g = re.search(PAGES_RE, cmd(m, "mem"))
    if not g:
        raise TestFailure("'mem' printed no pages line")
    return int(g.group(1))


def check_vmx_line(m, cpus):
    g = m.expect(VMX_RE, what="the 'vmx: enabled on N/M CPUs' line")
    if (int(g.group(1)), int(g.group(2))) != (cpus, cpus):
        raise TestFailure(f"VMX on {g.group(1)}/{g.group(2)} CPUs, want {cpus}/{cpus}")
    for feature in ("ept", "vpid", "unrestricted-guest"):
        if feature not in g.group(3):
            raise TestFailure(f"VMX features lack {feature}: {g.group(0)!r}")


def expect_guest(m, name, lines):
    for line in lines:
        m.expect(r"\[" + name + r"\] " + re.escape(line), what=f"'{line}' from {name}")
    g = m.expect(r"vm " + name + r": (exited: code (-?\d+)|stopped: [^\r\n]*)",
                 what=f"the end of vm {name}")
    if g.group(2) != "0":
        raise TestFailure(f"vm {name} ended with '{g.group(1)}', want exit code 0")


def run_guests(name):
    """The good guests run from run= at boot; the hostile ones from the shell."""
    boot = "+".join(g + RUN_KEYS.get(g, "") for g in GOOD_GUESTS)
    with Machine(name, emu="bochs", smp=4, cmdline=f"run={boot}",
                 timeout=BOCHS_TIMEOUT) as m:
        check_vmx_line(m, 4)
        for guest, lines in GOOD_GUESTS.items():
            expect_guest(m, guest, lines)
        m.expect(PROMPT, what="the prompt")
        before = free_pages(m)
        for guest, reason in HOSTILE_GUESTS.items():
            m.send(f"launch {guest} strict-mem=on\r")
            m.expect(r"vm " + guest + r": " + reason, what=f"{guest} stopped ({reason})")
        m.send("launch vmxinguest\r")
        m.expect(r"vm vmxinguest: (exited: code 0|stopped: )", what="vmxinguest handled")
        m.send("launch hello16 name=after\r")
        expect_guest(m, "after", GOOD_GUESTS["hello16"])
        after = free_pages(m)
        if after != before:
            raise TestFailure(f"free pages {before} before the hostile guests, {after} after")
        m.send("poweroff\r")
        m.expect_poweroff()


def run_console(name):
    """Two VMs at once on different CPUs; attach to one, type to it and read its
    answer, detach; stop both; every page comes back; bad commands get one line."""
    with Machine(name, emu="bochs", smp=4, timeout=BOCHS_TIMEOUT) as m:
        check_vmx_line(m, 4)
        m.expect(PROMPT, what="the prompt")
        before = free_pages(m)
        for vm in ("e1", "e2"):
            m.send(f"launch echo name={vm} mem=4M platform=none\r")
            m.expect(r"\[" + vm + r"\] echo: type, q quits", what=f"{vm}'s banner")
        out = cmd(m, "vms")
        rows = re.findall(r"\d+\s+(e[12])\s+vmx\s+(running|halted)\s+1@(\d+)", out)
        if len(rows) != 2 or rows[0][2] == rows[1][2] or "0" in (rows[0][2], rows[1][2]):
            raise TestFailure(f"want e1 and e2 running on two CPUs other than 0: {out!r}")
        m.send("console e1\r")
        m.expect(r"attached to e1", what="the attach banner")
        m.expect(r"echo> ", what="e1's history replayed")
        m.send("hi there\r")
        m.expect(r"HI THERE", what="e1's answer")
        m.send("\x1dq")
        m.expect(r"detached from e1", what="the detach banner")
        m.expect(PROMPT, what="the prompt after detaching")
        if "echo> " not in cmd(m, "log e2"):
            raise TestFailure("'log e2' does not show e2's output")
        for bad, want in (("stop nosuch", "no VM 'nosuch'"), ("launch", "usage: launch"),
                          ("launch echo mem=12Q", "bad value"), ("console", "usage: console")):
            if want not in cmd(m, bad):
                raise TestFailure(f"'{bad}' did not answer '{want}'")
        if "vm e1: stopped: stopped by the user" not in cmd(m, "stop e1"):
            raise TestFailure("'stop e1' did not log the stop")
        if "vm e2: stopped: killed by the user" not in cmd(m, "kill e2"):
            raise TestFailure("'kill e2' did not log the kill")
        if "not running" not in cmd(m, "kill e2"):
            raise TestFailure("a second kill did not say the VM is not running")
        after = free_pages(m)
        if after != before:
            raise TestFailure(f"free pages {before} before the VMs, {after} after")
        m.send("poweroff\r")
        m.expect_poweroff()


def run_bench(name):
    """The exit-cost benchmark runs and reports positive costs (figures: docs/performance.md)."""
    with Machine(name, emu="bochs", smp=2, cmdline="run=bench", timeout=BOCHS_TIMEOUT) as m:
        check_vmx_line(m, 2)
        m.expect(r"hv: ready in (\d+) TSC ticks", what="the boot time line")
        for kind in ("cpuid", "vmcall", "io"):
            g = m.expect(BENCH_RE, what=f"the bench {kind} line")
            if g.group(1) != kind or int(g.group(3)) <= 0:
                raise TestFailure(f"unexpected bench line {g.group(0)!r}")
        m.expect(r"vm bench: exited: code 0", what="bench exit code 0")
        m.send("poweroff\r")
        m.expect_poweroff()


def run_qemu_no_vmx(name):
    with Machine(name, smp=2, timeout=QEMU_TIMEOUT) as m:
        m.expect(r"vmx: unavailable: [^\r\n]*no VMX", what="'vmx: unavailable: ...' line")
        m.expect(PROMPT, what="the prompt")
        out = cmd(m, "launch hello16")
        if "vmx backend is unavailable" not in out or "no VMX" not in out:
            raise TestFailure(f"launch did not say why it cannot run a VM: {out[:200]!r}")
        out = cmd(m, "vms")
        if "no VMs" not in out:
            raise TestFailure(f"a refused launch left a VM behind: {out[:200]!r}")
        m.send("poweroff\r")
        m.expect_poweroff()


TESTS = [
    E2ETest("bochs-vmx-guests", BOCHS_TIMEOUT, run_guests),
    E2ETest("bochs-vmx-console", BOCHS_TIMEOUT, run_console),
    E2ETest("bochs-vmx-bench", BOCHS_TIMEOUT, run_bench),
    E2ETest("qemu-vmx-unavailable", QEMU_TIMEOUT, run_qemu_no_vmx),
]
