#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Test-suite runner (`make test`).

1. Runs every $BUILD/unit/test_* binary (cmocka) and counts individual test cases; a
   binary that crashes or exits non-zero without a failure count is one failure.
2. Runs each libFuzzer target (tests/fuzz/fuzz_*.c, built by `make fuzz-build`) for
   HV_FUZZ_SECONDS seconds (default 15) through tests/fuzz/run.sh, two at a time, as
   the test "fuzz/<name>": it passes if no input crashed.
3. Runs the end-to-end tests (TESTS lists in tests/e2e/test_*.py), two at a time,
   each under a hard timeout after which its emulators' process groups are killed.
4. Prints "PASS name (12.3s)" or "FAIL name: reason" per test (a failed test is
   followed by the end of its output; serial logs are in $BUILD/e2e/<name>.log) and
   ends with the line "N passed, N failed". Exits 1 if anything failed.

BUILD is HV_BUILD, else BUILD, else "build".
"""

import argparse
import concurrent.futures
import glob
import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "e2e"))
import harness  # noqa: E402  (needs the path above)

FUZZ_DIR = os.path.join(HERE, "fuzz")
FUZZ_JOBS = 2
FUZZ_GRACE = 60  # on top of the fuzzing time: regression replays, slow last input
FUZZ_LINE_RE = re.compile(r"^fuzz (\S+): (\d+) execs in ([\d.]+) s, (\d+) crashes$", re.M)

TAIL_LINES = 40
UNIT_TIMEOUT = 120
HARD_TIMEOUT_GRACE = 30  # on top of a test's own budget: ISO build, shutdown
ANSI_RE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")

_print_lock = threading.Lock()


class Result:
    def __init__(self, name, passed, failed, secs, reason="", tail="", info=""):
        self.name, self.passed, self.failed = name, passed, failed
        self.secs, self.reason, self.tail = secs, reason, tail
        self.info = info  # shown after the time of a pass, e.g. ", 12345 execs"


def report(res):
    """Prints one result line, plus the output tail for a failure."""
    with _print_lock:
        if res.failed:
            print(f"FAIL {res.name}: {res.reason}")
            tail = "" if res.tail is None else res.tail or "(no output)"
            for line in tail.splitlines()[-TAIL_LINES:]:
                print(f"    | {line}")
        else:
            print(f"PASS {res.name} ({res.secs:.1f}s{res.info})")
        sys.stdout.flush()


def clean(text):
    """Output made readable: no ANSI escapes, no carriage returns or other controls."""
    text = re.sub(r"\r+\n", "\n", ANSI_RE.sub("", text)).replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or c >= " ")


# ---------------------------------------------------------------- unit tests
def parse_cmocka(out):
    """(passed, failed, found, failed_names) summed over every group in the output."""
    passed = re.findall(r"\[  PASSED  \] (\d+) test\(s\)\.", out)
    failed = re.findall(r"\[  FAILED  \] (\d+) test\(s\)", out)
    names = list(dict.fromkeys(re.findall(r"^\[  FAILED  \] (\w+)\s*$", out, re.M)))
    found = bool(passed or failed)
    return sum(map(int, passed)), sum(map(int, failed)), found, names


def unit_failure_reason(rc, passed, failed, found, names):
    """Why a unit binary failed, or "" if it passed; also the failure count to add."""
    how = f"killed by signal {-rc}" if rc < 0 else f"exit status {rc}"
    if not found:
        return f"no cmocka summary ({how})", 1
    if failed:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        return f"{failed} of {passed + failed} cases failed: {shown}", failed
    if rc != 0:
        return f"{how} after {passed} passing cases (sanitizer report?)", 1
    return "", 0


def run_unit(path, verbose):
    name = "unit/" + os.path.basename(path)
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="stdout")
    t0 = time.monotonic()
    try:
        r = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           timeout=UNIT_TIMEOUT)
        out, rc = r.stdout.decode(errors="replace"), r.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return Result(name, 0, 1, time.monotonic() - t0, f"timed out after {UNIT_TIMEOUT}s",
                      out)
    except OSError as e:
        return Result(name, 0, 1, 0, f"cannot run: {e}")
    secs = time.monotonic() - t0
    if verbose:
        with _print_lock:
            sys.stdout.write(out if out.endswith("\n") or not out else out + "\n")
    passed, failed, found, names = parse_cmocka(out)
    reason, nfail = unit_failure_reason(rc, passed, failed, found, names)
    return Result(name, passed, nfail, secs, reason, None if verbose else clean(out))


def unit_binaries():
    paths = glob.glob(os.path.join(harness.build_dir(), "unit", "test_*"))
    return sorted(p for p in paths if os.path.isfile(p) and os.access(p, os.X_OK)
                  and "." not in os.path.basename(p))


# ---------------------------------------------------------------- fuzz tests
def fuzz_targets():
    names = (os.path.basename(p)[len("fuzz_"):-len(".c")]
             for p in glob.glob(os.path.join(FUZZ_DIR, "fuzz_*.c")))
    return ["fuzz/" + n for n in sorted(names)]


def fuzz_seconds():
    value = os.environ.get("HV_FUZZ_SECONDS", "15")
    try:
        return max(1, int(value))
    except ValueError:
        sys.exit(f"run.py: HV_FUZZ_SECONDS={value!r} is not a number of seconds")


def fuzz_failure_reason(rc, out, name):
    """Why a fuzz run failed, or "" if it passed; also its exec count."""
    m = next((m for m in FUZZ_LINE_RE.finditer(out) if m.group(1) == name), None)
    if not m:
        return f"no result line from tests/fuzz/run.sh (exit status {rc})", 0
    execs, crashes = int(m.group(2)), int(m.group(4))
    if crashes:
        arts = re.findall(r"artifact: (\S+)", out)
        return f"{crashes} crash(es) after {execs} execs" + (
            f"; input in {arts[0]}" if arts else ""), execs
    if rc != 0:
        return f"exit status {rc} after {execs} execs", execs
    return "", execs


def run_fuzz(test, secs):
    """Runs tests/fuzz/run.sh for one target, killing its process group if it overruns."""
    name = test[len("fuzz/"):]
    env = dict(os.environ, HV_BUILD=harness.build_dir())
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen([os.path.join(FUZZ_DIR, "run.sh"), str(secs), name],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    except OSError as e:
        return Result(test, 0, 1, 0, f"cannot run: {e}")
    try:
        out = proc.communicate(timeout=secs + FUZZ_GRACE)[0]
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out = proc.communicate()[0]
        return Result(test, 0, 1, time.monotonic() - t0,
                      f"timed out after {secs + FUZZ_GRACE}s", clean(out.decode(errors="replace")))
    out = clean(out.decode(errors="replace"))
    reason, execs = fuzz_failure_reason(proc.returncode, out, name)
    if reason:
        return Result(test, 0, 1, time.monotonic() - t0, reason, out)
    return Result(test, 1, 0, time.monotonic() - t0, info=f", {execs} execs")


def run_fuzz_all(tests, secs):
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=FUZZ_JOBS) as pool:
        for f in concurrent.futures.as_completed([pool.submit(run_fuzz, t, secs) for t in tests]):
            results.append(f.result())
            report(results[-1])
    return results


# ---------------------------------------------------------------- e2e tests
def load_e2e_tests():
    tests = []
    for path in sorted(glob.glob(os.path.join(HERE, "e2e", "test_*.py"))):
        mod_name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(mod_name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        tests += getattr(mod, "TESTS", [])
    names = [t.name for t in tests]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        sys.exit(f"run.py: duplicate e2e test names: {', '.join(sorted(dups))}")
    return tests


def serial_tail(name):
    try:
        with open(os.path.join(harness.e2e_dir(), f"{name}.log"), errors="replace",
                  newline="") as f:
            return clean(f.read())
    except OSError:
        return "(no serial log)"


def run_e2e(test, started, timed_out):
    started[test.name] = time.monotonic()
    t0 = started[test.name]
    try:
        test.run(test.name)
        return Result(test.name, 1, 0, time.monotonic() - t0)
    except harness.TestFailure as e:
        reason = str(e)
        extra = ""
    except Exception as e:  # a bug in the test or harness: show where
        reason = f"{type(e).__name__}: {e}"
        extra = "\n" + traceback.format_exc()
    finally:
        harness.kill_machines(test.name)
    if test.name in timed_out:
        reason = f"hard timeout after {test.timeout + HARD_TIMEOUT_GRACE}s ({reason})"
    tail = serial_tail(test.name) or "(no serial output)"
    return Result(test.name, 0, 1, time.monotonic() - t0, reason, tail + extra)


def run_e2e_all(tests, jobs):
    results = []
    started, timed_out = {}, set()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futs = {pool.submit(run_e2e, t, started, timed_out): t for t in tests}
        pending = set(futs)
        while pending:
            done, pending = concurrent.futures.wait(pending, timeout=1,
                                                    return_when=concurrent.futures.FIRST_COMPLETED)
            for f in done:
                results.append(f.result())
                report(results[-1])
            watchdog(pending, futs, started, timed_out)
    return results


def watchdog(pending, futs, started, timed_out):
    """Kills the emulators of tests that overran their budget plus a grace period."""
    now = time.monotonic()
    for f in pending:
        t = futs[f]
        t0 = started.get(t.name)
        if t0 and t.name not in timed_out and now - t0 > t.timeout + HARD_TIMEOUT_GRACE:
            timed_out.add(t.name)
            harness.kill_machines(t.name)


# ---------------------------------------------------------------- main
def parse_args():
    ap = argparse.ArgumentParser(description="Runs the unit and end-to-end tests.")
    ap.add_argument("-k", metavar="SUBSTRING", help="only tests whose name contains SUBSTRING")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    ap.add_argument("--unit-only", action="store_true",
                    help="unit tests only, printing their output")
    ap.add_argument("--e2e-only", action="store_true", help="end-to-end tests only")
    ap.add_argument("--no-fuzz", action="store_true", help="skip the fuzz/* tests")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="e2e tests in parallel (2)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print unit test output")
    ap.add_argument("binaries", nargs="*", help="unit test binaries (default: all built)")
    return ap.parse_args()


def main():
    args = parse_args()
    units = [os.path.abspath(b) for b in args.binaries] or unit_binaries()
    e2e = [] if args.unit_only else load_e2e_tests()
    fuzz = [] if args.unit_only or args.e2e_only or args.no_fuzz else fuzz_targets()
    fuzz_secs = fuzz_seconds() if fuzz else 0
    if args.e2e_only:
        units = []
    if args.k:
        units = [u for u in units if args.k in "unit/" + os.path.basename(u)]
        fuzz = [t for t in fuzz if args.k in t]
        e2e = [t for t in e2e if args.k in t.name]
    if args.list:
        for u in units:
            print("unit/" + os.path.basename(u))
        for t in fuzz:
            print(f"{t} ({fuzz_secs}s)")
        for t in e2e:
            print(f"{t.name} (timeout {t.timeout}s)")
        return 0
    if not units and not fuzz and not e2e:
        print("run.py: no tests selected", file=sys.stderr)
        return 1
    results = []
    for u in units:
        results.append(run_unit(u, args.verbose or args.unit_only))
        report(results[-1])
    results += run_fuzz_all(fuzz, fuzz_secs)
    results += run_e2e_all(e2e, max(1, args.jobs))
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
