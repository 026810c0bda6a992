"""TDX module initialization at boot: the emulated module (tdx=emulate) goes
through the whole real sequence and reports ready; without TDX hardware the
hypervisor says why TDX is unavailable (the MSR probe's #GP is caught by the
exception fixup) and VMX guests still run; on QEMU TCG it blames the missing VMX.
"""

import time

from harness import PROMPT, E2ETest, Machine, TestFailure
from test_vmx import cmd, free_pages

BOCHS_TIMEOUT = 240
QEMU_TIMEOUT = 60
READY_RE = (r"tdx: module ready: (\d+)\.(\d+)\.(\d+) \(emulated\), (\d+) TDMRs, (\d+) KiB PAMT, "
            r"(\d+) TD KeyIDs")


def wait_in_transcript(m, text, seconds=60):
    """The line may come before or after the prompt: look in everything received."""
    limit = time.monotonic() + seconds
    while text not in m.transcript():
        if time.monotonic() > limit:
            raise TestFailure(f"no {text!r} within {seconds} s")
        time.sleep(0.5)


def run_emulated(name):
    with Machine(name, emu="bochs", smp=4, cmdline="tdx=emulate run=hello16",
                 timeout=BOCHS_TIMEOUT) as m:
        g = m.expect(READY_RE, what="the 'tdx: module ready' line")
        major, minor, tdmrs, pamt, keyids = (int(g.group(i)) for i in (1, 2, 4, 5, 6))
        if (major, minor) < (1, 5) or tdmrs < 1 or pamt <= 0 or keyids < 1:
            raise TestFailure(f"implausible module line: {g.group(0)!r}")
        m.expect(r"vm hello16: exited: code 0", what="a VMX guest after TDX init")
        m.expect(PROMPT, what="the prompt")
        out = cmd(m, "tdx")
        for want in ("tdx: ready", "module 1.5", "TDMRs", "KeyIDs: global 32", "0 in use"):
            if want not in out:
                raise TestFailure(f"'tdx' output lacks {want!r}: {out[:300]!r}")
        before = free_pages(m)
        # The whole TD build and teardown SEAMCALL pipeline; running a TD is not there yet.
        for i in range(2):
            cmd(m, f"launch hello64 backend=tdx mem=4M name=td{i}")
            wait_in_transcript(m, f"vm td{i}: stopped: TD built; running TDs is not implemented")
        if "0 in use" not in cmd(m, "tdx"):
            raise TestFailure("a TD KeyID was not given back after teardown")
        after = free_pages(m)
        if after != before:
            raise TestFailure(f"free pages {before} before two TDs, {after} after")
        m.send("poweroff\r")
        m.expect_poweroff()


def run_no_tdx_hw(name):
    with Machine(name, emu="bochs", smp=2, cmdline="run=hello16", timeout=BOCHS_TIMEOUT) as m:
        # Bochs reads MSR 0x87 as 0; a CPU without it raises #GP, caught by the fixup table.
        m.expect(r"tdx: unavailable: (no IA32_MKTME_KEYID_PARTITIONING MSR|only 0 TDX KeyIDs)",
                 what="'tdx: unavailable' with the reason")
        m.expect(r"vm hello16: exited: code 0", what="VMX guests still run")
        m.expect(PROMPT, what="the prompt")
        if "tdx: unavailable" not in cmd(m, "tdx"):
            raise TestFailure("the 'tdx' command does not say TDX is unavailable")
        out = cmd(m, "launch hello16 backend=tdx")
        if "the tdx backend is unavailable: " not in out:
            raise TestFailure(f"backend=tdx was not refused with a reason: {out[:200]!r}")
        m.send("poweroff\r")
        m.expect_poweroff()


def run_qemu(name):
    with Machine(name, smp=2, cmdline="tdx=emulate", timeout=QEMU_TIMEOUT) as m:
        m.expect(r"tdx: unavailable: VMX is not available", what="the reason TDX is off")
        m.expect(PROMPT, what="the prompt")
        m.send("poweroff\r")
        m.expect_poweroff()


TESTS = [
    E2ETest("bochs-tdx-emulated", BOCHS_TIMEOUT, run_emulated),
    E2ETest("bochs-tdx-no-hardware", BOCHS_TIMEOUT, run_no_tdx_hw),
    E2ETest("qemu-tdx-no-vmx", QEMU_TIMEOUT, run_qemu),
]
