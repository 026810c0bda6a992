#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that #include lines only look down the floors of the tree.

Each top-level folder is a floor; a file may include headers of its own
floor or of floors below it, never above (docs/architecture.md, "Floors").
Known exceptions, each a piece of work still to do, are listed in
scripts/floors-allow.txt as "<file> -> <header>" lines; an allowed line that
no longer occurs is reported too, so the list only shrinks.

  python3 scripts/check_floors.py            check, print "N passed, N failed"
  python3 scripts/check_floors.py --mermaid  print the folder graph (Mermaid)
"""
import collections
import os
import re
import sys

# Bottom first. Same floor: includes are free.
FLOORS = [
    ["lib"],        # pure helpers: no hardware, no kernel state
    ["kernel", "boot"],  # memory, per-CPU, locks, log, interrupt entry, SMP
    ["drivers"],    # UART, LAPIC/x2APIC, IOAPIC, ACPI, timers
    ["vmm"],        # VMs, vCPUs, the vmx backend, device models, loaders
    ["tdx"],        # TDX module enabling, the tdx backend, the emulated module
    ["init"],       # boot order: brings every floor up
]
LEVEL = {folder: i for i, floors in enumerate(FLOORS) for folder in floors}
INCLUDE = re.compile(r'\s*#\s*include\s+"([^"]+)"')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOW = os.path.join(ROOT, "scripts", "floors-allow.txt")


def sources():
    for top in sorted(LEVEL):
        for base, _, names in os.walk(os.path.join(ROOT, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h", ".S")):
                    yield os.path.relpath(os.path.join(base, n), ROOT)


def includes():
    """(file, header) for every quoted include between known folders."""
    for path in sources():
        with open(os.path.join(ROOT, path), errors="replace") as f:
            for line in f:
                m = INCLUDE.match(line)
                if m and m.group(1).split("/")[0] in LEVEL:
                    yield path, m.group(1)


def floor(path):
    return LEVEL[path.split("/")[0]]


def allowed():
    if not os.path.exists(ALLOW):
        return set()
    with open(ALLOW) as f:
        return {ln.split("#")[0].strip() for ln in f if ln.split("#")[0].strip()}


def mermaid():
    edges = collections.Counter()
    for path, hdr in includes():
        a, b = path.split("/")[0], hdr.split("/")[0]
        if a != b:
            edges[(a, b)] += 1
    print("graph BT")
    for (a, b), n in sorted(edges.items()):
        arrow = "-.->|%d up|" % n if LEVEL[b] > LEVEL[a] else "-->|%d|" % n
        print(f"  {a} {arrow} {b}")


def main():
    if "--mermaid" in sys.argv:
        mermaid()
        return 0
    allow, seen, bad = allowed(), set(), []
    for path, hdr in includes():
        if floor(hdr) <= floor(path):
            continue
        key = f"{path} -> {hdr}"
        if key in allow:
            seen.add(key)
        else:
            bad.append(key)
    for key in bad:
        print(f"floors: {key}: includes a floor above its own")
    for key in sorted(allow - seen):
        print(f"floors: {key}: listed in scripts/floors-allow.txt but gone: remove the line")
    failed = len(bad) + len(allow - seen)
    print(f"floors: {len(seen)} known exceptions left (scripts/floors-allow.txt)")
    print(f"{0 if failed else 1} passed, {1 if failed else 0} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
