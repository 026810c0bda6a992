# SPDX-License-Identifier: MIT
"""TDX module initialization at boot: the emulated module (tdx=emulate) goes
through the whole real sequence and reports ready, and trust domains run on it
(tests/guests/tdhello.S, tdfatal.S) beside a VMX guest; without TDX hardware the
hypervisor says why TDX is unavailable (the MSR probe's #GP is caught by the
exception fixup) and VMX guests still run; on QEMU TCG it blames the missing VMX.
"""

import os
import re
import time

from harness import PROMPT, E2ETest, Machine, TestFailure
from test_vmx import cmd, free_pages

BOCHS_TIMEOUT = 240
TD_TIMEOUT = 900  # boot, two TDs, a VMX guest and the checks, in Bochs with 4 CPUs
QEMU_TIMEOUT = 60
TDHELLO_LINES = [
    "tdhello: hello from a trust domain",
    "tdhello: TDG.VP.INFO: GPA width 48, 1 vCPU, index 0",
    "tdhello: CPUID 0x21: IntelTDX",
    "tdhello: Instruction.CPUID: HVMICROVISOR",
    "tdhello: Instruction.RDMSR: x2APIC, unknown MSR refused",
    "tdhello: MapGPA: private ok, shared refused",
    "tdhello: all checks passed",
]
TD_BENCH_RE = r"tdhello: (tdcall vp.info|tdvmcall cpuid) 1000 calls, (\d+) ticks, (\d+) ticks/call"
TD_BUILT_RE = r"tdx: (\w+): TD built in (\d+) TSC ticks: (\d+) pages added, (\d+) SEAMCALLs"
READY_RE = (r"tdx: module ready: (\d+)\.(\d+)\.(\d+) \(emulated\), (\d+) TDMRs, (\d+) KiB PAMT, "
            r"(\d+) TD KeyIDs")


def pump(m):
    """Reads what the serial port has (Bochs stalls when nobody reads its pty); fails on a
    panic or the emulator's end like expect."""
    try:
        m.expect(r"(?!x)x", timeout=0.5, what="serial output")
    except TestFailure as e:
        if "timed out" not in str(e):
            raise


def wait_in_transcript(m, text, seconds=60):
    """The line may come before or after the prompt: look in everything received."""
    limit = time.monotonic() + seconds
    while text not in m.transcript():
        if time.monotonic() > limit:
            raise TestFailure(f"no {text!r} within {seconds} s")
        pump(m)


def search_transcript(m, regex, what, seconds=300):
    """Like wait_in_transcript, for a regex; returns the last match."""
    limit = time.monotonic() + seconds
    while True:
        found = list(re.finditer(regex, m.transcript()))
        if found:
            return found[-1]
        if time.monotonic() > limit:
            raise TestFailure(f"no {what} within {seconds} s")
        pump(m)


def run_emulated(name):
    with Machine(name, emu="bochs", smp=4, cmdline="tdx=emulate run=hello16",
                 timeout=TD_TIMEOUT) as m:
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
        run_tds(m)
        out = cmd(m, "tdx")
        if "0 in use" not in out:
            raise TestFailure("a TD KeyID was not given back after teardown")
        if "emulated module: 0 TD private pages" not in out:
            raise TestFailure(f"TD pages still out of the direct map after teardown: {out!r}")
        after = free_pages(m)
        if after != before:
            raise TestFailure(f"free pages {before} before the TDs, {after} after")
        m.send("poweroff\r")
        m.expect_poweroff()


def expect_lines(m, name, lines):
    for line in lines:
        wait_in_transcript(m, f"[{name}] {line}", seconds=300)


def run_tds(m):
    """A TD prints over its UART (TDCALL I/O) and exits; it runs beside a VMX guest; a TD
    that reports a fatal error stops with its reason; limits are refused with a reason."""
    cmd(m, "launch echo name=vmxguest platform=none")
    wait_in_transcript(m, "[vmxguest] echo: type, q quits")
    cmd(m, "launch tdhello backend=tdx mem=4M name=td0")
    g = search_transcript(m, TD_BUILT_RE, "TD build line")
    if g.group(1) != "td0" or int(g.group(3)) < 1024 or int(g.group(4)) <= 0:
        raise TestFailure(f"implausible build line {g.group(0)!r}")
    # every page the TD got is out of the hypervisor's direct map (its only TD right now)
    g2 = search_transcript(m, r"tdx-emu: (\d+) TD private pages unreachable from the hypervisor",
                           "the private pages line")
    if int(g2.group(1)) != int(g.group(3)):
        raise TestFailure(f"{g.group(3)} pages added, but {g2.group(0)!r}")
    expect_lines(m, "td0", TDHELLO_LINES[:-1])
    expect_lines(m, "td0", TDHELLO_LINES[-1:])
    timings = {g.group(1): int(g.group(3)) for g in re.finditer(TD_BENCH_RE, m.transcript())}
    if sorted(timings) != ["tdcall vp.info", "tdvmcall cpuid"] or min(timings.values()) <= 0:
        raise TestFailure(f"missing or bad timing lines: {timings}")
    wait_in_transcript(m, "vm td0: exited: code 0")
    vms = cmd(m, "vms")
    if not re.search(r"td0\s.*tdx", vms) or not re.search(r"vmxguest\s.*vmx\s.*running", vms):
        raise TestFailure(f"'vms' does not show the TD's backend and the running VMX guest: {vms!r}")
    cmd(m, "launch tdfatal backend=tdx mem=2M name=td1")
    wait_in_transcript(m, "vm td1: stopped: TD reported a fatal error: code 0x2a: "
                          "tdfatal: the guest gave up")
    for args, want in (("cpus=2", "1 vCPU"), ("mem=128M", "64 MiB"), ("mem=2M", None)):
        image = "hello16" if want is None else "tdhello"
        out = cmd(m, f"launch {image} backend=tdx {args} name=bad")
        wanted = want or "64-bit images only"
        if wanted not in m.transcript()[-2000:] + out:
            raise TestFailure(f"launch {image} {args} was not refused with {wanted!r}: {out!r}")
    cmd(m, "kill vmxguest")
    wait_in_transcript(m, "vm vmxguest: stopped")


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


# One boot per init step, each failed by tdx.fail= with a status the module could give there;
# (step, status spelled as on the command line, status name in the log, call number).
INIT_FAULTS = [
    ("TDH.SYS.INIT", "TDX_SYS_INIT_NOT_PENDING", "TDX_SYS_INIT_NOT_PENDING", 1),
    ("TDH.SYS.LP.INIT", "TDX_SYS_LP_INIT_DONE", "TDX_SYS_LP_INIT_DONE", 2),  # the second CPU
    ("TDH.SYS.RD", "TDX_METADATA_FIELD_ID_INCORRECT", "TDX_METADATA_FIELD_ID_INCORRECT", 5),
    ("TDH.SYS.CONFIG", "TDX_INVALID_PAMT", "TDX_INVALID_PAMT", 1),
    ("TDH.SYS.KEY.CONFIG", "0x8000080000000000", "TDX_KEY_GENERATION_FAILED", 1),
    ("TDH.SYS.TDMR.INIT", "TDX_SYS_BUSY", "TDX_SYS_BUSY", 1),
]
PAMT_BUILT_BEFORE = ("TDH.SYS.CONFIG", "TDH.SYS.KEY.CONFIG", "TDH.SYS.TDMR.INIT")
ROLLBACK_RE = r"rollback: (\d+) KiB PAMT given back; free pages (\d+) before init, (\d+) after"
INJECT_TIMEOUT = 180


def check_rollback(m, step, status_name):
    """The 'tdx' command repeats the reason, and the allocator has every page back."""
    out = cmd(m, "tdx")
    if f"tdx: failed: {step}: {status_name}" not in out:
        raise TestFailure(f"'tdx' does not give the failed step: {out!r}")
    g = re.search(ROLLBACK_RE, out)
    if not g:
        raise TestFailure(f"'tdx' shows no rollback line: {out!r}")
    pamt_kib, before, after = (int(g.group(i)) for i in (1, 2, 3))
    if before != after:
        raise TestFailure(f"rollback lost pages: {before} free before init, {after} after")
    if (pamt_kib > 0) != (step in PAMT_BUILT_BEFORE):
        raise TestFailure(f"{pamt_kib} KiB PAMT built before {step} failed")
    now = free_pages(m)
    if now != after:
        raise TestFailure(f"{after} free pages after the rollback, {now} after a VMX guest ran")


def run_init_fault(step, spec_status, status_name, nth):
    def run(name):
        spec = f"{step}:{spec_status}:{nth}"
        with Machine(name, emu="bochs", smp=2, cmdline=f"tdx=emulate tdx.fail={spec} run=hello16",
                     timeout=INJECT_TIMEOUT) as m:
            g = m.expect(r"tdx: (injected [^\r\n]*|module ready)[\r\n]", what="the injection line")
            if g.group(1) != f"injected {status_name} into {step} (call {nth})":
                raise TestFailure(f"not the injection asked for: {g.group(0)!r}")
            line = f"tdx: unavailable: {step}: {status_name} (0x"
            m.expect(re.escape(line) + r"[0-9a-f]{16}\)", what=f"'{line}...'")
            m.expect(r"vm hello16: exited: code 0", what="a VMX guest after the rollback")
            m.expect(PROMPT, what="the prompt")
            check_rollback(m, step, status_name)
            if m.transcript().count("tdx: injected") != 1:
                raise TestFailure("the injection did not fire exactly once")
            m.send("poweroff\r")
            m.expect_poweroff()
    return run


# Teardown steps failed by tdx.fail= on a TD being torn down: (leaf, status, call number).
TEARDOWN_FAULTS = [
    ("TDH.PHYMEM.PAGE.RECLAIM", "TDX_PAGE_METADATA_INCORRECT", 100),  # mid-way through the pages
    ("TDH.MNG.KEY.FREEID", "TDX_HKID_NOT_FREE", 1),
]
LEAK_RE = (r"warning: tdx: ([A-Z.]+) failed: ([A-Z_]+) \(0x[0-9a-f]{16}\); leaking the TD's "
           r"pages and KeyID (\d+)")
PRIVATE_RE = r"emulated module: (\d+) TD private pages"


def tdx_state(m):
    """(TD KeyIDs in use, TD pages out of the direct map) from the 'tdx' command."""
    out = cmd(m, "tdx")
    g, p = re.search(r"KeyIDs: .*, (\d+) in use", out), re.search(PRIVATE_RE, out)
    if "tdx: ready" not in out or not g or not p:
        raise TestFailure(f"unexpected 'tdx' output: {out!r}")
    return int(g.group(1)), int(p.group(1))


def wait_all_back(m, before, seconds=60):
    """True once no TD KeyID or page is taken and `before` pages are free again: a killed
    TD's teardown (reclaiming each page) ends after its "stopped" line, later under load."""
    end = time.monotonic() + seconds
    while True:
        if tdx_state(m) == (0, 0) and free_pages(m) == before:
            return True
        if time.monotonic() > end:
            return False
        time.sleep(2)


def run_teardown_fault(leaf, status, nth):
    """The TD's teardown fails at one step: its pages and KeyID stay taken for good, one line
    says so, and the hypervisor goes on: a VMX guest runs and gives all its pages back."""
    def run(name):
        with Machine(name, emu="bochs", smp=2, timeout=INJECT_TIMEOUT,
                     cmdline=f"tdx=emulate tdx.fail={leaf}:{status}:{nth}") as m:
            m.expect(READY_RE, what="the 'tdx: module ready' line")
            m.expect(PROMPT, what="the prompt")
            before = free_pages(m)
            cmd(m, "launch tdhello backend=tdx mem=2M name=td0")
            built = int(search_transcript(m, TD_BUILT_RE, "TD build line").group(3))
            wait_in_transcript(m, "vm td0: exited: code 0")
            wait_in_transcript(m, f"tdx: injected {status} into {leaf} (call {nth})")
            g = search_transcript(m, LEAK_RE, "the leak line", seconds=60)
            if (g.group(1), g.group(2)) != (leaf, status):
                raise TestFailure(f"the leak line blames another step: {g.group(0)!r}")
            keyids, private = tdx_state(m)
            if keyids != 1 or private < 1 or private > built:
                raise TestFailure(f"after the leak: {keyids} KeyIDs in use, {private} TD pages "
                                  f"kept (of {built} added); want 1 and some")
            leaked = before - free_pages(m)
            if leaked < private:
                raise TestFailure(f"{private} TD pages kept, but only {leaked} pages not free")
            cmd(m, "launch hello16")
            wait_in_transcript(m, "vm hello16: exited: code 0")
            if before - free_pages(m) != leaked or tdx_state(m) != (keyids, private):
                raise TestFailure("a VMX guest after the leak did not give back its pages")
            if m.transcript().count("leaking the TD's pages") != 1:
                raise TestFailure("the leak was not said in exactly one line")
            m.send("poweroff\r")
            m.expect_poweroff()
    return run


def run_cpus_missing(name):
    """Bochs has 3 CPUs in its MADT, hv starts 2 (maxcpus=2): the module would count all three
    and refuse SYS.CONFIG, so TDX is refused at once with the count; VMX guests still run."""
    # three keys after the image: the spec parser once ate the first letter of the third
    with Machine(name, emu="bochs", smp=3,
                 cmdline="tdx=emulate maxcpus=2 run=hello16,mem=4M,cpus=1,name=h16",
                 timeout=BOCHS_TIMEOUT) as m:
        m.expect(r"smp: maxcpus=2: leaving APIC id 2 out", what="the maxcpus line")
        m.expect(r"tdx: (unavailable: [^\r\n]*|module ready)[\r\n]", what="the TDX line")
        if "tdx: unavailable: 2 of 3 CPUs online" not in m.transcript():
            raise TestFailure("TDX was not refused with '2 of 3 CPUs online'")
        m.expect(r"vm h16: exited: code 0", what="a VMX guest from run=hello16,mem=4M,...")
        m.expect(PROMPT, what="the prompt")
        if "2 of 3 CPUs online" not in cmd(m, "tdx"):
            raise TestFailure("the 'tdx' command does not give the reason")
        if "TDH.SYS" in m.transcript():
            raise TestFailure("a SEAMCALL was made although a CPU is missing")
        m.send("poweroff\r")
        m.expect_poweroff()


def run_td_interrupts(name):
    """A TD spins on a CPU while the host sends that CPU cross-CPU calls (building another TD
    on the third CPU calls every CPU) and a kick (kill): the TD's VMCS acknowledges each interrupt on exit,
    and only the host's handler with its EOI lets the next one in. A lost EOI shows as a CPU
    that stops answering, a TD build that fails, or a TD that cannot be killed."""
    with Machine(name, emu="bochs", smp=3, cmdline="tdx=emulate", timeout=TD_TIMEOUT) as m:
        m.expect(READY_RE, what="the 'tdx: module ready' line")
        m.expect(PROMPT, what="the prompt")
        before = free_pages(m)
        cmd(m, "launch tdspin backend=tdx mem=2M name=spin")
        wait_in_transcript(m, "[spin] tdspin: spinning", seconds=300)
        for i in range(2):
            cmd(m, f"launch tdhello backend=tdx mem=2M name=td{i}")
            wait_in_transcript(m, f"vm td{i}: exited: code 0", seconds=300)
        if not re.search(r"spin\s.*tdx\s.*running", cmd(m, "vms")):
            raise TestFailure("the spinning TD is no longer running")
        cmd(m, "kill spin")
        wait_in_transcript(m, "vm spin: stopped", seconds=60)
        if "did not answer a cross-CPU call" in m.transcript():
            raise TestFailure("a CPU stopped answering cross-CPU calls while a TD ran on it")
        if "3/3 CPUs online" not in cmd(m, "cpus"):
            raise TestFailure("not every CPU is still online")
        if not wait_all_back(m, before):
            raise TestFailure("the TDs did not give back every KeyID and page")
        m.send("poweroff\r")
        m.expect_poweroff()


STRESS_CYCLES = int(os.environ.get("HV_TDX_STRESS_CYCLES", "20"))
RETRIES_RE = r"SEAMCALLs: (\d+), (\d+) of them retries"


def run_stress(name):
    """The emulated module loses races and runs out of entropy on 10% of its calls, interrupts
    CACHE.WB and ends TD entries with SMIs and notifications (tdx.stress=): module init and
    STRESS_CYCLES TD launches and teardowns still succeed, retried, and give everything back."""
    with Machine(name, emu="bochs", smp=2, cmdline="tdx=emulate tdx.stress=100:7",
                 timeout=TD_TIMEOUT) as m:
        m.expect(r"tdx: emulated module under stress: 100 per mille", what="the stress line")
        m.expect(READY_RE, what="the 'tdx: module ready' line")
        m.expect(PROMPT, what="the prompt")
        before = free_pages(m)
        for i in range(STRESS_CYCLES):
            cmd(m, f"launch tdhello backend=tdx mem=2M name=s{i}")
            wait_in_transcript(m, f"vm s{i}: exited: code 0", seconds=120)
            pump(m)
        for bad in ("failed", "leaking", "did not answer"):
            if bad in m.transcript():
                raise TestFailure(f"{bad!r} in the transcript under stress")
        g = re.search(RETRIES_RE, cmd(m, "tdx"))
        if not g or int(g.group(2)) == 0:
            raise TestFailure("no SEAMCALL was retried under stress")
        if not wait_all_back(m, before):
            raise TestFailure("TDs under stress did not give back every KeyID and page")
        m.send("poweroff\r")
        m.expect_poweroff()


def run_qemu(name):
    with Machine(name, smp=2, cmdline="tdx=emulate", timeout=QEMU_TIMEOUT) as m:
        m.expect(r"tdx: unavailable: VMX is not available", what="the reason TDX is off")
        m.expect(PROMPT, what="the prompt")
        m.send("poweroff\r")
        m.expect_poweroff()


TESTS = [
    E2ETest("bochs-tdx-emulated", TD_TIMEOUT, run_emulated),
    E2ETest("bochs-tdx-no-hardware", BOCHS_TIMEOUT, run_no_tdx_hw),
    E2ETest("qemu-tdx-no-vmx", QEMU_TIMEOUT, run_qemu),
    E2ETest("bochs-tdx-cpus-missing", BOCHS_TIMEOUT, run_cpus_missing),
    E2ETest("bochs-tdx-interrupts", TD_TIMEOUT, run_td_interrupts),
    E2ETest("bochs-tdx-stress", TD_TIMEOUT, run_stress),
] + [
    E2ETest(f"bochs-tdx-fail-{step[4:].lower().replace('.', '-')}", INJECT_TIMEOUT,
            run_init_fault(step, spec_status, status_name, nth))
    for step, spec_status, status_name, nth in INIT_FAULTS
] + [
    E2ETest(f"bochs-tdx-fail-teardown-{leaf.split('.')[-1].lower()}", INJECT_TIMEOUT,
            run_teardown_fault(leaf, status, nth))
    for leaf, status, nth in TEARDOWN_FAULTS
]
