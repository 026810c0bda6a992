# SPDX-License-Identifier: MIT
"""Shell robustness and the panic path: input bursts (a pasted 4 KiB line,
control characters) neither crash nor hang the shell; the `crash` command's
exception dump has registers and a symbolic backtrace and powers off with
panic=poweroff; 200 launch/stop cycles leave free memory as it was.
"""

import re

from harness import PROMPT, E2ETest, Machine, TestFailure
from test_vmx import cmd, free_pages

QEMU_TIMEOUT = 60
LEAK_TIMEOUT = 600
LEAK_CYCLES = 200


def run_bursts(name):
    with Machine(name, smp=2, timeout=QEMU_TIMEOUT) as m:
        m.expect(PROMPT, what="the prompt")
        m.send("x" * 4096 + "\r", delay=0)  # pasted: no pause between bytes
        m.expect(r"unknown command: 'x{10,40}'", what="one line for the pasted 4 KiB word")
        m.expect(PROMPT, what="the prompt after the paste")
        m.send("\x00\x01\x02\x07\x0b\x0e\x1b[3~\x1bOZ\x7f\x08\x15help\r", delay=0)
        m.expect(r"'help <command>' tells more", what="help after control characters")
        m.send("cpus\x03")  # Ctrl-C drops the line
        m.expect(r"\^C", what="Ctrl-C echoed")
        out = cmd(m, "mem")
        if "pages: free" not in out:
            raise TestFailure(f"shell not working after the bursts: {out[:100]!r}")
        m.send("poweroff\r")
        m.expect_poweroff()


def run_panic(name):
    with Machine(name, smp=4, timeout=QEMU_TIMEOUT, panic_ok=True) as m:
        m.expect(PROMPT, what="the prompt")
        m.send("crash\r")
        m.expect(r"PANIC on cpu 0: exception 14 \(#PF page fault\)", what="the panic line")
        m.expect(r"cr0 [0-9a-f]+ cr2 0000000000000010", what="registers with CR2")
        m.expect(r"backtrace:", what="the backtrace header")
        m.expect(r"\] cmd_crash\+0x", what="cmd_crash by name in the backtrace")
        m.expect(r"\] shell_run\+0x", what="shell_run by name in the backtrace")
        m.expect(r"all CPUs stopped", what="the other CPUs stopped")
        m.expect_poweroff()


def run_leak(name):
    """Launch and stop a small guest LEAK_CYCLES times; the free page count must not move."""
    with Machine(name, emu="bochs", smp=2, timeout=LEAK_TIMEOUT) as m:
        m.expect(PROMPT, what="the prompt")
        start = free_pages(m)
        for i in range(LEAK_CYCLES):
            m.send("launch hello16 mem=1M\r", delay=0.005)
            m.expect(r"vm hello16: exited: code 0", what=f"cycle {i}: hello16's exit")
            m.expect(PROMPT, what=f"cycle {i}: the prompt")
        out = cmd(m, "vms")
        if len(re.findall(r"hello16\s+vmx\s+exited", out)) < 10:
            raise TestFailure(f"'vms' should list the last ended VMs: {out[:200]!r}")
        end = free_pages(m)
        if end != start:
            raise TestFailure(f"{LEAK_CYCLES} launches: free pages {start} before, {end} after")
        m.send("poweroff\r")
        m.expect_poweroff()


TESTS = [
    E2ETest("qemu-shell-bursts", QEMU_TIMEOUT, run_bursts),
    E2ETest("qemu-panic-path", QEMU_TIMEOUT, run_panic),
    E2ETest("bochs-vmx-leak200", LEAK_TIMEOUT, run_leak),
]
