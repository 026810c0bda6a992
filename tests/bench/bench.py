#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: one Bochs boot of hv that runs the benchmark guests and two Linux boots,
then prints one table (value, the figure before the exit-path work, the target, met?).

In that boot (tigerlake, 3 CPUs, ips=50M, 512 MiB), from the shell, one after another:
  1. `launch bench`: tests/guests/bench.S, 10,000 CPUID / VMCALL / IN exits each;
  2. `launch perf cpus=2 initrd=env-cpus2`: tests/bench/perf.c (BENCH <name> <ticks> lines:
     exits, CR8, xAPIC MMIO, EOI, self-IPI, IPI to the other vCPU, TSC-deadline round trip,
     in xAPIC mode and then the interrupt ones again in x2APIC mode);
  3. Debian's kernel with 1 vCPU, then with 2 (tests/e2e/test_linux.py's command line):
     the guest's uptime at GUEST-LINUX-OK times ips (Bochs's TSC counts instructions; the
     kernel's clock starts early in its boot), `vms` (launch to power-off) and `stats`.
Bochs's TSC counts instructions, so every figure is a path length (docs/performance.md).

usage: python3 tests/bench/bench.py [--docs] [--log FILE]
  --docs      also rewrite docs/performance.md from tests/bench/performance.md.in
  --no-linux  only the bench and perf guests
  --log FILE  no Bochs run: build the table from the serial log of an earlier run
              (build/e2e/bench.log)
Takes 6 to 10 minutes (2 busy cores). The results also go to build/bench/results.json.
"""

import argparse
import datetime
import json
import os
import re
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402

IPS = 50000000  # tests/e2e/test_linux.py's LINUX_IPS
CMDLINE = "console=ttyS0 quiet panic=-1"  # tests/e2e/test_linux.py's CMDLINE
SMP = 3  # the console CPU and 2 for the VMs
TIMEOUT = 900
TEMPLATE = os.path.join(HERE, "performance.md.in")
DOC = os.path.join(harness.ROOT, "docs", "performance.md")

# Figures before the exit-path and virtual-APIC work (the issue; docs/performance.md of
# 2026-11-22 for the bench.S rows and the Linux boot), and the targets, in ticks.
# key: (label, before, target or None, what the row measures)
ROWS = [
    ("bench.cpuid", "CPUID exit (bench.S, leaf 0)", 220, 80),
    ("bench.vmcall", "VMCALL exit (bench.S, unknown function)", 201, 90),
    ("bench.io", "IN from an unclaimed port (bench.S, 0x510)", 273, 100),
    ("perf.loop", "empty loop (perf, baseline)", None, None),
    ("perf.cpuid", "CPUID exit (perf, C loop)", 345, 80),
    ("perf.vmcall", "VMCALL exit (perf, unknown function)", None, 90),
    ("perf.io_in", "IN from an unclaimed port (perf, 0x6F0)", 394, 100),
    ("perf.cr8_write", "MOV to CR8", 317, None),
    ("perf.cr8_read", "MOV from CR8", 317, None),
    ("perf.mmio_read", "xAPIC read (TPR)", 3181, None),
    ("perf.mmio_write", "xAPIC write (TPR)", 3181, None),
    ("perf.eoi", "EOI in a handler (xAPIC)", None, None),
    ("perf.eoi_idle", "EOI, nothing in service (xAPIC)", None, None),
    ("perf.self_ipi", "self-IPI round trip (xAPIC ICR to handler, EOI)", None, None),
    ("perf.ipi", "IPI to the other vCPU, round trip (xAPIC)", None, None),
    ("perf.tsc_deadline", "TSC-deadline timer round trip (xAPIC, deadline = now)", None, None),
    ("perf.x2_eoi", "EOI in a handler (x2APIC MSR)", 525, 50),
    ("perf.x2_eoi_idle", "EOI, nothing in service (x2APIC MSR)", None, None),
    ("perf.x2_self_ipi", "self-IPI round trip (x2APIC SELF IPI MSR to handler, EOI)", 1737, 400),
    ("perf.x2_self_ipi_icr", "self-IPI round trip (x2APIC ICR, shorthand self)", None, None),
    ("perf.x2_ipi", "IPI to the other vCPU, round trip (x2APIC ICR)", 1654, 800),
    ("perf.x2_tsc_deadline", "TSC-deadline timer round trip (x2APIC, deadline = now)", 4165, 1500),
    ("linux1.exits", "Linux boot, 1 vCPU: exits", 21453, 5000),
    ("linux1.mmio_exits", "Linux boot, 1 vCPU: APIC MMIO exits (ept-violation)", 6825, None),
    ("linux1.mmio_mean", "Linux boot, 1 vCPU: mean ticks per MMIO exit", 3181, None),
    ("linux1.marker", "Linux boot, 1 vCPU: ticks to GUEST-LINUX-OK", 1295000000, 1295000000),
    ("linux1.vm_ticks", "Linux boot, 1 vCPU: launch to power-off (`vms`)", None, None),
    ("linux2.exits", "Linux boot, 2 vCPUs: exits", 83093, None),
    ("linux2.marker", "Linux boot, 2 vCPUs: ticks to GUEST-LINUX-OK", None, None),
    ("linux2.vm_ticks", "Linux boot, 2 vCPUs: launch to power-off (`vms`)", None, None),
]
BEFORE_NOTES = {
    "perf.cr8_write": "CR8 access",
    "perf.cr8_read": "CR8 access",
    "perf.mmio_read": "mean APIC MMIO exit in the Linux boot",
    "perf.mmio_write": "mean APIC MMIO exit in the Linux boot",
    "perf.x2_eoi": "in the timer round trip",
    "linux1.marker": "25.90 s uptime",
    "linux2.exits": "non-quiet console",
}
# Why an x2APIC interrupt-path target is not met, for the docs' @UNMET@ (only rows missed).
UNMET_WHY = {
    "perf.x2_eoi": "EOIs exit: virtual-interrupt delivery is off (a CPU model without it?).",
    "perf.x2_self_ipi": "SELF IPI MSR writes exit: self-IPI virtualization is off (a CPU model "
                        "without virtual-interrupt delivery?).",
    "perf.x2_ipi": "Bochs implements no posted interrupts, so an IPI to a vCPU running on another "
                   "CPU needs a kick. Both ends take the exit fast path (docs/performance.md, "
                   "IPIs to another vCPU): the sender's ICR write goes straight to its one "
                   "target, the target's kick is acknowledged on exit and its vectors join VIRR. "
                   "Over the target here means one of those steps fell back to the full path "
                   "(mixed xAPIC/x2APIC modes, no virtual-interrupt delivery, no "
                   "acknowledge-interrupt-on-exit).",
    "linux1.exits": "Most exits are the guest's timer tick: Debian's kernel (HZ=250) programs "
                    "IA32_TSC_DEADLINE once per tick, about 6,200 times in the boot's 25.7 s of "
                    "guest time, and each tick is two exits, the WRMSR (msr row) and the "
                    "VMX-preemption timer that fires at the deadline (preemption-timer row): about "
                    "12,300 of the exits in the table below. Without posted interrupts (Bochs has "
                    "none) an interrupt reaches a running guest only through a VM exit, so the "
                    "expiries alone, one exit per tick (about 6,100), are more than 5,000, whoever "
                    "arms the timer: the WRMSR exit could go only by passing IA32_TSC_DEADLINE "
                    "through to the host's own LAPIC timer, which ignores the TSC offset and still "
                    "interrupts the host at expiry. With posted interrupts a housekeeping CPU could "
                    "post the timer's vector (KVM's pi_inject_timer), which removes the "
                    "preemption-timer exit, but the WRMSR exits alone (about 6,200) are still more "
                    "than 5,000: the target needs a guest with fewer ticks (nohz_full) or a "
                    "paravirtual clock-event device, which hv does not offer. The feature off and "
                    "on: 21,453 exits before (xAPIC MMIO, no virtual-interrupt delivery), 6,825 of "
                    "them APIC MMIO; now 508 MMIO exits, the timer's two per tick remain.",
    "perf.x2_tsc_deadline": "The WRMSR exit and the entry that pushes the timer's vector take "
                            "longer than the target allows (see the figures of each step above).",
}
# measurement resolution: /proc/uptime has 0.01 s, so a marker figure is met within that
TOLERANCE = {"linux1.marker": IPS // 100}
# Linux 1-vCPU exits by reason before (docs/performance.md, 21,453 exits): count, mean
REASONS_BEFORE = {
    "cpuid": (1397, 90), "io": (712, 3182), "msr": (6248, 198), "cr-access": (5, 110),
    "ept-violation": (6825, 3181), "interrupt-window": (89, 35), "preemption-timer": (6176, 35),
}


def cmd(m, line, timeout=None):
    m.send(line + "\r")
    g = m.expect(re.escape(line) + r"\r*\n([\s\S]*?)" + harness.PROMPT, timeout=timeout,
                 what=f"the output of '{line}'")
    return g.group(1)


def vm_end(m, vm, timeout=TIMEOUT):
    g = m.expect(r"vm " + re.escape(vm) + r": (exited: code (-?\d+)|powered off[^\r\n]*|stopped: [^\r\n]*)",
                 timeout=timeout, what=f"the end of vm {vm}")
    return g.group(1)


def run(log_name="bench", linux=True):
    from test_linux import linux_assets
    b = harness.build_dir()
    mods = linux_assets() + [(os.path.join(b, "bench", "perf.elf"), "perf"),
                             (os.path.join(b, "conformance", "env-cpus2"), "env-cpus2")]
    for path, _ in mods:
        if not os.path.exists(path):
            raise harness.TestFailure(f"{path} not found (run make all)")
    with harness.Machine(log_name, emu="bochs", smp=SMP, mem=512, timeout=TIMEOUT + 600,
                         modules=mods, ips=IPS) as m:
        m.expect(harness.PROMPT, what="the prompt")
        m.send("launch bench\r")
        vm_end(m, "bench", 300)
        m.expect(harness.PROMPT, what="the prompt")
        m.send("launch perf cpus=2 initrd=env-cpus2\r")
        vm_end(m, "perf", 300)
        m.expect(harness.PROMPT, what="the prompt")
        for n in (1, 2) if linux else ():
            out = cmd(m, f'launch vmlinuz name=linux{n} initrd=initrd mem=128M cpus={n} '
                         f'cmdline="{CMDLINE}"')
            if "launched vm" not in out:
                raise harness.TestFailure(f"launch refused: {out.strip()!r}")
            cmd(m, f"stats linux{n} on")  # exit costs are timed only when asked for
            m.expect(rf"\[linux{n}\] uptime: ", what=f"linux{n}'s uptime")
            vm_end(m, f"linux{n}")
            m.expect(harness.PROMPT, what="the prompt")
            cmd(m, f"stats linux{n}")
        cmd(m, "vms")
        m.send("poweroff\r")
        return m.transcript()


def parse(text):
    """{key: value} from a run's serial transcript."""
    text = text.replace("\r", "")
    r = {}
    g = re.search(r"hv: ready in (\d+) TSC ticks", text)
    if g:
        r["hv.ready"] = int(g.group(1))
    for kind, per in re.findall(r"bench: (cpuid|vmcall|io) \d+ exits, \d+ ticks, (\d+) ticks/exit", text):
        r[f"bench.{kind}"] = int(per)
    for name, v in re.findall(r"\[perf\] BENCH (\w+) (\d+)", text):
        r[f"perf.{name}"] = int(v)
    r["perf.fails"] = re.findall(r"\[perf\] FAIL: ([^\n]*)", text)
    g = re.search(r"\[perf\] SUMMARY: ([^\n]*)", text)
    r["perf.summary"] = g.group(1) if g else "missing"
    for n in (1, 2):
        vm = f"linux{n}"
        g = re.search(rf"\[{vm}\] uptime: (\d+\.\d+)", text)
        if g:
            r[f"{vm}.uptime"] = float(g.group(1))
            r[f"{vm}.marker"] = int(round(float(g.group(1)) * IPS))
        g = re.search(rf"vm {vm}: (\d+) exits,[^\n]*\n[^\n]*reason[^\n]*\n((?:  \S+ +\d+ +(?:\d+|-)\n)*)", text)
        if g:
            r[f"{vm}.exits"] = int(g.group(1))
            reasons = {k: (int(c), int(t) if t != "-" else None) for k, c, t in
                       re.findall(r"^  (\S+) +(\d+) +(\d+|-)$", g.group(2), re.M)}
            r[f"{vm}.reasons"] = reasons
            if "ept-violation" in reasons:
                r[f"{vm}.mmio_exits"], r[f"{vm}.mmio_mean"] = reasons["ept-violation"]
        g = re.search(rf"^\d+ +{vm} +\S+ +\S+ +\S+ +\d+ MiB +\d+ +(\d+)\.(\d) s", text, re.M)
        if g:
            r[f"{vm}.vm_ticks"] = (int(g.group(1)) * 10 + int(g.group(2))) * IPS // 10
        end = re.search(rf"vm {vm}: (exited[^\n]*|powered off[^\n]*|stopped[^\n]*)", text)
        r[f"{vm}.end"] = end.group(1) if end else "missing"
    return r


def fmt(v):
    if v is None:
        return "-"
    if v >= 10000000:
        return f"{v / 1e9:.3f} G"
    return f"{v:,}"


def table_rows(r):
    rows = []
    for key, label, before, target in ROWS:
        v = r.get(key)
        b = fmt(before) + (f" ({BEFORE_NOTES[key]})" if key in BEFORE_NOTES and before else "")
        if v is None:
            met = "not measured"
        elif target is None:
            met = "-"
        else:
            met = "yes" if v <= target + TOLERANCE.get(key, 0) else "no"
        tgt = "-" if target is None else "≤ " + fmt(target) + (" (± 0.01 s)" if key in TOLERANCE else "")
        rows.append((label, fmt(v), b, tgt, met))
    return rows


def unmet_text(r):
    """Markdown paragraphs: why each target row with a UNMET_WHY this run missed is missed."""
    out = []
    for key, label, _, target in ROWS:
        v = r.get(key)
        if key in UNMET_WHY and v is not None and v > target:
            unit = "exits" if key.endswith(".exits") else "ticks"
            out.append(f"**Not met: {label}, {fmt(v)} {unit} (target ≤ {fmt(target)}).** "
                       f"{UNMET_WHY[key]}")
    return "\n\n".join(out) or "**Every interrupt-path and Linux target is met.**"


def reason_rows(r):
    keys = list(REASONS_BEFORE)
    for n in (1, 2):
        keys += [k for k in r.get(f"linux{n}.reasons", {}) if k not in keys]
    rows = []
    for k in keys:
        cells = [k]
        for n in (1, 2):
            c = r.get(f"linux{n}.reasons", {}).get(k)
            cells.append((f"{c[0]:,} x {c[1]:,}" if c[1] is not None else f"{c[0]:,}") if c else "-")
        b = REASONS_BEFORE.get(k)
        cells.append(f"{b[0]:,} x {b[1]:,}" if b else "-")
        rows.append(cells)
    tot = [f"{r[f'linux{n}.exits']:,}" if f"linux{n}.exits" in r else "-" for n in (1, 2)]
    rows.append(["**all**"] + tot + ["21,453"])
    return rows


def text_table(head, rows):
    w = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w[i]) for i, c in enumerate(cells)).rstrip()
    return "\n".join([line(head), line(["-" * x for x in w])] + [line(c) for c in rows])


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in cells) + " |" for cells in rows]
    return "\n".join(out)


HEAD = ["measure (Bochs ticks)", "now", "before", "target", "met?"]
RHEAD = ["exit reason", "1 vCPU: count x mean ticks", "2 vCPUs", "1 vCPU before"]


def checks(r, no_linux_ok=False):
    """Problems that make the run invalid (the table is printed anyway)."""
    bad = [f"perf: FAIL {f}" for f in r["perf.fails"]]
    if not r["perf.summary"].startswith(tuple("0123456789")) or " 0 failures" not in r["perf.summary"]:
        bad.append(f"perf summary: {r['perf.summary']}")
    for n in (1, 2) if "linux1.uptime" in r or not no_linux_ok else ():
        if not r[f"linux{n}.end"].startswith("powered off"):
            bad.append(f"linux{n}: {r[f'linux{n}.end']}")
    return bad


def write_docs(r):
    with open(TEMPLATE) as f:
        t = f.read()
    subst = {
        "DATE": datetime.date.today().isoformat(),
        "COMMIT": harness.subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=harness.ROOT,
                                         capture_output=True, text=True).stdout.strip(),
        "TABLE": md_table(HEAD, table_rows(r)),
        "REASONS": md_table(RHEAD, reason_rows(r)),
        "UNMET": unmet_text(r),
        "HV_READY": fmt(r.get("hv.ready")),
        "LINUX1_UPTIME": f"{r.get('linux1.uptime', 0):.2f}",
        "LINUX2_UPTIME": f"{r.get('linux2.uptime', 0):.2f}",
    }
    for k, v in subst.items():
        t = t.replace("@" + k + "@", v)
    with open(DOC, "w") as f:
        f.write(t)
    print(f"wrote {os.path.relpath(DOC, harness.ROOT)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", action="store_true")
    ap.add_argument("--log")
    ap.add_argument("--no-linux", action="store_true", help="only the bench and perf guests (1 minute)")
    args = ap.parse_args()
    if args.log:
        with open(args.log, errors="replace") as f:
            text = f.read()
    else:
        try:
            text = run(linux=not args.no_linux)
        except harness.TestFailure as e:
            print(f"bench: {e} (serial log: build/e2e/bench.log)", file=sys.stderr)
            return 1
    r = parse(text)
    out = os.path.join(harness.build_dir(), "bench")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(r, f, indent=1, sort_keys=True)
    print(text_table(HEAD, table_rows(r)))
    print()
    print(text_table(RHEAD, reason_rows(r)))
    bad = checks(r, args.no_linux)
    for b in bad:
        print("bench: invalid run:", b, file=sys.stderr)
    if args.docs and not bad:
        write_docs(r)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
