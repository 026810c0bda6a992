# SPDX-License-Identifier: MIT
"""Boot tests: firmware path, SMP bring-up and APIC mode, then the basic shell
commands (cpus, mem, an unknown command, poweroff) on QEMU TCG and Bochs.

Every test boots with panic=poweroff (added by Machine), so a kernel panic ends the
emulator at once and is reported as "kernel panic: ...".
"""

import os
import re

from harness import PROMPT, E2ETest, Machine, TestFailure, e2e_dir

QEMU_BIOS_TIMEOUT = 60
OVMF_TIMEOUT = 120
BOCHS_TIMEOUT = 240

BOOTED_RE = r"hv: booted (\S+) via multiboot2 \((\w+)\), (\d+) MiB usable"
SMP_RE = r"smp: (\d+)/(\d+) CPUs online \((\w+)\)"
CPU_ROW_RE = r"cpu\s+(\d+)\s+apic\s+(\d+)\s+online"
PAGES_RE = r"pages: free (\d+) used (\d+) total (\d+)"
ACPI_MADT_RE = r"acpi:[^\n]*MADT"
# One line of QEMU 7.2 "info tlb" (target/i386/monitor.c print_pte): virtual address,
# physical address, then the leaf entry's flags: X (NX), G, P (large page), D, A,
# C (PCD), T (PWT), U, W.
TLB_RE = r"(?m)^([0-9a-f]+): ([0-9a-f]+) ([-X][-G][-P][-D][-A][-C][-T][-U][-W])\s*$"


def check_booted(m, firmware):
    g = m.expect(BOOTED_RE, what="the 'hv: booted ... MiB usable' line")
    if g.group(2) != firmware:
        raise TestFailure(f"booted via '{g.group(2)}', want '{firmware}': {g.group(0)!r}")
    if int(g.group(3)) <= 0:
        raise TestFailure(f"no usable memory reported: {g.group(0)!r}")


def check_smp(m, cpus, apic=None):
    g = m.expect(SMP_RE, what="the 'smp: N/N CPUs online' line")
    online, enabled, mode = int(g.group(1)), int(g.group(2)), g.group(3)
    if (online, enabled) != (cpus, cpus):
        raise TestFailure(f"{online}/{enabled} CPUs online, want {cpus}/{cpus}: {g.group(0)!r}")
    if apic and mode != apic:
        raise TestFailure(f"APIC mode '{mode}', want '{apic}': {g.group(0)!r}")


def check_cpus(m, cpus):
    out = m.command("cpus")
    rows = re.findall(CPU_ROW_RE, out)
    if len(rows) != cpus:
        raise TestFailure(f"'cpus' lists {len(rows)} online CPUs, want {cpus}")
    if len({r[0] for r in rows}) != cpus or len({r[1] for r in rows}) != cpus:
        raise TestFailure(f"'cpus' repeats a CPU number or APIC id: {rows}")


def check_mem(m):
    out = m.command("mem")
    g = re.search(PAGES_RE, out)
    if not g:
        raise TestFailure(f"'mem' printed no 'pages: free F used U total T' line: {out[:120]!r}")
    free, used, total = (int(x) for x in g.groups())
    if free <= 0:
        raise TestFailure(f"no free pages: {g.group(0)!r}")
    if free + used != total:
        raise TestFailure(f"free + used != total: {g.group(0)!r}")


def check_unknown_command(m):
    out = m.command("frobnicate", what="the prompt after an unknown command")
    if "unknown command" not in out:
        raise TestFailure(f"'frobnicate' did not print 'unknown command': {out[:120]!r}")


def poweroff(m):
    m.send("poweroff\r")
    m.expect_poweroff()


def boot_test(name, emu, firmware, cpus, apic, timeout, cmdline="", model="tigerlake"):
    def run(test_name):
        with Machine(test_name, emu=emu, firmware=firmware, smp=cpus, cmdline=cmdline,
                     cpu_model=model, timeout=timeout) as m:
            check_booted(m, firmware)
            check_smp(m, cpus, apic)
            m.expect(PROMPT, what="the 'hv> ' prompt")
            check_cpus(m, cpus)
            check_mem(m)
            check_unknown_command(m)
            poweroff(m)
    return E2ETest(name, timeout, run)


def run_no_madt(name):
    """ACPI without a MADT: the kernel warns and runs on the boot CPU alone."""
    with Machine(name, smp=4, cmdline="acpi.ignore=APIC", timeout=QEMU_BIOS_TIMEOUT) as m:
        check_booted(m, "bios")
        check_smp(m, 1)
        m.expect(PROMPT, what="the 'hv> ' prompt")
        if not re.search(ACPI_MADT_RE, m.transcript()):
            raise TestFailure("no 'acpi: ... MADT' warning with acpi.ignore=APIC")
        check_cpus(m, 1)
        poweroff(m)


def run_wx(name):
    """No page may be both writable and executable (Hedron's CI idea): QEMU's
    'info tlb' lists CPU 0's leaf page-table entries once the shell is up."""
    with Machine(name, smp=2, monitor=True, timeout=QEMU_BIOS_TIMEOUT) as m:
        check_booted(m, "bios")
        m.expect(PROMPT, what="the 'hv> ' prompt")
        dump = m.monitor("info tlb")
        path = os.path.join(e2e_dir(), f"{name}.tlb")
        with open(path, "w") as f:
            f.write(dump)
        pages = re.findall(TLB_RE, dump)
        if not pages:
            raise TestFailure(f"no mappings in 'info tlb' output: {dump.strip()[:100]!r}")
        bad = [p for p in pages if p[2][8] == "W" and p[2][0] != "X"]
        if bad:
            va, pa, flags = bad[0]
            raise TestFailure(f"{len(bad)} of {len(pages)} mappings are writable and "
                              f"executable, first {va} -> {pa} {flags} (dump: {path})")
        poweroff(m)


TESTS = [
    boot_test("qemu-bios-1cpu", "qemu", "bios", 1, "xapic", QEMU_BIOS_TIMEOUT),
    boot_test("qemu-bios-4cpu", "qemu", "bios", 4, "xapic", QEMU_BIOS_TIMEOUT),
    boot_test("qemu-bios-8cpu", "qemu", "bios", 8, "xapic", QEMU_BIOS_TIMEOUT),
    boot_test("qemu-uefi-4cpu", "qemu", "efi", 4, "xapic", OVMF_TIMEOUT),
    boot_test("bochs-xapic-4cpu", "bochs", "bios", 4, "xapic", BOCHS_TIMEOUT,
              cmdline="x2apic=off", model="corei7_haswell_4770"),
    boot_test("bochs-x2apic-4cpu", "bochs", "bios", 4, "x2apic", BOCHS_TIMEOUT,
              cmdline="x2apic=on", model="tigerlake"),
    E2ETest("qemu-no-madt", QEMU_BIOS_TIMEOUT, run_no_madt),
    E2ETest("qemu-wx", QEMU_BIOS_TIMEOUT, run_wx),
]
