# SPDX-License-Identifier: MIT
"""Linux guests: Debian's stock cloud kernel (unchanged bzImage, fetched with apt-get by
scripts/linux-guest.sh and cached in build/linux/) boots under the vmx backend in Bochs
with a busybox initramfs whose /init prints a marker, the CPU count and a few /proc
facts, then powers off through ACPI. The tests check the marker, the CPU count, that
the VM ends cleanly when the guest powers off, and that every page comes back; one
attaches the console, runs a command at the busybox prompt, detaches and stops the VM.

One Linux boot in Bochs costs a minute or more: `make test` runs the 1-vCPU boot and
the console test; `make test-slow` (HV_SLOW_TESTS=1) adds the 2-vCPU boot.
"""

import fcntl
import os
import re
import subprocess

from harness import PROMPT, ROOT, E2ETest, Machine, TestFailure, build_dir
from test_vmx import cmd, free_pages

LINUX_TIMEOUT = 900
# Instructions per emulated second: Bochs's TSC counts instructions, so this sets the
# TSC frequency the hypervisor calibrates and tells the guest (CPUID 0x15).
LINUX_IPS = 50000000
CMDLINE = "console=ttyS0 quiet panic=-1"


def linux_assets():
    """Fetches and builds build/linux/{vmlinuz,initrd.cpio.gz} once (apt-get cache)."""
    d = os.path.join(build_dir(), "linux")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # tests run two at a time: one download, one build
        r = subprocess.run([os.path.join(ROOT, "scripts", "linux-guest.sh"), d], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    if r.returncode:
        raise TestFailure(f"linux-guest.sh failed: {(r.stderr or r.stdout).strip()[-300:]}")
    return [(os.path.join(d, "vmlinuz"), "vmlinuz"), (os.path.join(d, "initrd.cpio.gz"), "initrd")]


def linux_machine(name, vcpus):
    return Machine(name, emu="bochs", smp=vcpus + 1, mem=512, timeout=LINUX_TIMEOUT,
                   modules=linux_assets(), ips=LINUX_IPS)


def launch_linux(m, vcpus, cmdline=CMDLINE, mem="128M", boot=True):
    """Launches the kernel; boot: first wait for the hypervisor's first prompt."""
    if boot:
        m.expect(PROMPT, what="the prompt")
    before = free_pages(m)
    out = cmd(m, f'launch vmlinuz name=linux initrd=initrd mem={mem} cpus={vcpus} '
                 f'cmdline="{cmdline}"')
    if "launched vm" not in out:
        raise TestFailure(f"launch refused: {out.strip()!r}")
    return before


def expect_marker(m, vcpus):
    m.expect(r"\[linux\] GUEST-LINUX-OK", what="the guest's marker GUEST-LINUX-OK")
    g = m.expect(r"\[linux\] cpus: (\d+)", what="the guest's CPU count")
    if int(g.group(1)) != vcpus:
        raise TestFailure(f"the guest sees {g.group(1)} CPUs, want {vcpus}")
    m.expect(r"\[linux\] GUEST-LINUX-DONE", what="GUEST-LINUX-DONE")


def run_boot(vcpus):
    def run(name):
        with linux_machine(name, vcpus) as m:
            before = launch_linux(m, vcpus)
            expect_marker(m, vcpus)
            m.expect(r"vm linux: powered off \(ACPI S5\)", what="the guest's ACPI power-off")
            m.expect(PROMPT, what="the prompt")
            after = free_pages(m)
            if after != before:
                raise TestFailure(f"free pages {before} before the VM, {after} after it")
            stats = cmd(m, "stats linux")
            print(stats)
    return run


# Refused before anything is allocated: one line each, and no VM appears.
BAD_LAUNCHES = (
    ("launch vmlinuz initrd=initrd mem=32M", r"the kernel needs \d+ MiB of guest memory"),
    ("launch vmlinuz initrd=nosuch", r"no such initrd image"),
    ("launch vmlinuz initrd=initrd backend=tdx", r"backend"),
    ("launch hello64 initrd=initrd", r"initrd= is for Linux and multiboot1 kernels only"),
)


def check_bad_launches(m):
    m.expect(PROMPT, what="the prompt")
    for line, want in BAD_LAUNCHES:
        out = cmd(m, line)
        if not re.search(want, out):
            raise TestFailure(f"'{line}' said {out.strip()!r}, want /{want}/")
    if re.search(r"\d+\s+vmlinuz", cmd(m, "vms")):
        raise TestFailure("a refused launch left a VM behind")


def run_console(name):
    with linux_machine(name, 1) as m:
        check_bad_launches(m)
        before = launch_linux(m, 1, CMDLINE + " hvshell", boot=False)
        m.expect(r"\[linux\] GUEST-LINUX-SHELL", what="the guest's shell marker")
        m.send("console linux\r")
        m.expect(r"attached to linux", what="the attach banner")
        m.send("\r")
        m.expect(r"[#$] ", what="the busybox prompt")
        m.send("echo $((6*7))-from-busybox\r")
        m.expect(r"42-from-busybox", what="the command's output")
        m.send("\x1dq")
        m.expect(r"detached from linux", what="the detach banner")
        m.expect(PROMPT, what="the prompt after detaching")
        if "vm linux: stopped: stopped by the user" not in cmd(m, "stop linux"):
            raise TestFailure("'stop linux' did not log the stop")
        after = free_pages(m)
        if after != before:
            raise TestFailure(f"free pages {before} before the VM, {after} after it")


TESTS = [
    E2ETest("bochs-linux-1cpu", LINUX_TIMEOUT, run_boot(1)),
    E2ETest("bochs-linux-console", LINUX_TIMEOUT, run_console),
]
if os.environ.get("HV_SLOW_TESTS"):
    TESTS.append(E2ETest("bochs-linux-2cpu", LINUX_TIMEOUT, run_boot(2)))
