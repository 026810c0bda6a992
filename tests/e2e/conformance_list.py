# SPDX-License-Identifier: MIT
"""tests/conformance/guests.list, read once for both conformance runners
(test_conformance_qemu.py: QEMU TCG without hv; test_conformance_hv.py: under hv
in Bochs). The format is described at the top of the file."""

import os
import re

from harness import ROOT

CONF_DIR = os.path.join(ROOT, "tests", "conformance")
PATTERN_WORDS = ("skip", "hvskip", "bochsfail")


class Guest:
    def __init__(self, name, cpus=(2,), env=True):
        self.name, self.cpus, self.env = name, list(cpus), env
        self.patterns = {w: [] for w in PATTERN_WORDS}


def parse(path=os.path.join(CONF_DIR, "guests.list")):
    """{name: Guest} for the guests the list names."""
    guests, last = {}, None
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line[0] in " \t":
                word, _, rest = line.strip().partition(" ")
                if word not in PATTERN_WORDS or last is None or not rest.strip():
                    raise ValueError(f"guests.list: bad line {line!r}")
                last.patterns[word].append(re.compile(rest.strip()))
                continue
            words = line.split()
            cpus = [int(c) for c in words[1].split(",")] if len(words) > 1 else [2]
            last = guests[words[0]] = Guest(words[0], cpus, "noenv" not in words[2:])
    return guests


def all_guests():
    """Every guest source in tests/conformance/, listed or not (default: 2 CPUs, env)."""
    names = sorted(os.path.splitext(f)[0] for f in os.listdir(CONF_DIR) if f.endswith(".c"))
    listed = parse()
    return [listed.get(n, Guest(n)) for n in names]
