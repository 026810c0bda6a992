# SPDX-License-Identifier: MIT
"""Event semantics under the vmx backend in Bochs (docs/guest-abi.md, "Events"): NMI IPIs
(to itself, to another vCPU started with INIT+SIPI, shorthands), NMI blocking until IRET
with the held NMI delivered once after it (NMI-window exit), RF in the frames of faults hv
injects and not in traps, an interrupt held by STI blocking over an emulated CPUID,
single step over an emulated CPUID, DR7.GD and DR0 breakpoints across exits, and a
MOV SS data breakpoint held over an exiting instruction. The guests are
tests/guests/evnmi.S and tests/guests/evdebug.S; both run on the PC board at boot.
"""

import re

from harness import PROMPT, E2ETest, Machine, TestFailure

BOCHS_TIMEOUT = 300

# name -> (run= keys besides the name, lines it must print in order before exit code 0)
GUESTS = {
    "evnmi": (",cpus=2", ["evnmi: check 1 ok", "evnmi: check 2 ok", "evnmi: check 3 ok",
                          "evnmi: check 4 ok", "evnmi: check 5 ok",
                          "evnmi: all checks passed"]),
    "evdebug": ("", ["evdebug: check %d ok" % n for n in range(1, 10)] +
                ["evdebug: all checks passed"]),
}


def run_events(name):
    boot = "+".join(g + keys for g, (keys, _) in GUESTS.items())
    with Machine(name, emu="bochs", smp=4, cmdline=f"run={boot}",
                 timeout=BOCHS_TIMEOUT) as m:
        # The guests run at once and end in any order: wait for both ends, then check
        # each one's lines in the transcript.
        ended = set()
        while ended != set(GUESTS):
            g = m.expect(r"vm (" + "|".join(GUESTS) + r"): (exited|stopped)",
                         what=f"the end of {' and '.join(sorted(set(GUESTS) - ended))}")
            ended.add(g.group(1))
        m.expect(PROMPT, what="the prompt")
        text = clean(m.transcript())
        for guest, (_, lines) in GUESTS.items():
            check_lines(text, guest, lines)
        # The host's own NMIs still reach the host while a guest runs (NMI exiting):
        # power-off stops the other CPUs with NMIs, one of them inside cliloop.
        m.send("launch cliloop\r")
        m.expect(r"\[cliloop\] hostile: cliloop", what="cliloop running")
        m.send("poweroff\r")
        m.expect_poweroff()


ANSI_RE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")


def clean(text):
    """Serial output as lines: no ANSI escapes (the shell redraws its prompt), no CRs."""
    return ANSI_RE.sub("", text).replace("\r", "\n")


def check_lines(text, name, lines):
    mine = [ln for ln in text.splitlines() if f"[{name}] " in ln]
    failed = [ln for ln in mine if "FAILED" in ln]
    if failed:
        raise TestFailure(f"{name}: {failed[0]} / {' '.join(mine[-2:])}")
    pos = 0
    for line in lines:
        while pos < len(mine) and line not in mine[pos]:
            pos += 1
        if pos == len(mine):
            raise TestFailure(f"{name} did not print '{line}': {mine[-3:]}")
    g = re.search(r"vm " + name + r": (exited: code (-?\d+)|stopped: [^\r\n]*)", text)
    if not g or g.group(2) != "0":
        raise TestFailure(f"vm {name} ended with '{g.group(1) if g else '?'}', want exit code 0")


TESTS = [
    E2ETest("bochs-events", BOCHS_TIMEOUT, run_events),
]
