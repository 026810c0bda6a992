#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: the same Debian kernel and initramfs booted (a) directly in Bochs by GRUB and
(b) under the hypervisor in Bochs, in one run; compares the guest's uptime at its marker.

Bochs's TSC counts instructions at the configured ips (the hypervisor measures its TSC at
ips kHz against the ACPI PM timer), and both kernels time their uptime by the TSC: the
direct one is told the same frequency with tsc_early_khz, the one under the hypervisor
reads it from CPUID 0x15. The direct boot also needs clearcpuid=580 on Bochs's tigerlake
model (FSRM without fast strings, shared/reference/linux-guest.md); the hypervisor
avoids that trap by showing IA32_MISC_ENABLE's fast-string bit set. So uptime x ips = instructions (plus halted time, the same in
both) from the kernel's clock start to the marker. The ratio goes in docs/performance.md.

usage: python3 tests/bench/linux_ratio.py [--vcpus N]    (about 4 minutes)
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402
from test_linux import CMDLINE, LINUX_IPS, linux_assets  # noqa: E402
from test_vmx import cmd  # noqa: E402

UPTIME_RE = r"uptime: (\d+\.\d+) "


def direct_iso(out, assets):
    d = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(d, "boot", "grub"))
        for path, name in assets:
            shutil.copy(path, os.path.join(d, "boot", name))
        khz = LINUX_IPS // 1000
        with open(os.path.join(d, "boot", "grub", "grub.cfg"), "w") as f:
            f.write("set timeout=0\nserial --unit=0 --speed=115200\nterminal_output serial\n"
                    f"menuentry linux {{\n linux /boot/vmlinuz {CMDLINE} tsc_early_khz={khz} clearcpuid=580\n"
                    " initrd /boot/initrd\n boot\n}\n")
        subprocess.run(["grub-mkrescue", "-d", "/usr/lib/grub/i386-pc", "-o", out, d],
                       check=True, capture_output=True)
    finally:
        shutil.rmtree(d)


class DirectMachine(harness.Machine):
    """A Bochs run of a prebuilt ISO (no hypervisor)."""

    def __init__(self, iso, **kw):
        super().__init__("bench-linux-direct", emu="bochs", **kw)
        self.prebuilt = iso

    def start(self):
        shutil.copy(self.prebuilt, self.iso)
        self.tee = harness._Tee(self.log_path)
        self._start_bochs()


def run_direct(assets, timeout):
    iso = os.path.join(harness.e2e_dir(), "bench-linux-direct-src.iso")
    direct_iso(iso, assets)
    with DirectMachine(iso, smp=1, mem=512, timeout=timeout, ips=LINUX_IPS) as m:
        m.expect(r"GUEST-LINUX-OK", what="the direct boot's marker")
        return float(m.expect(UPTIME_RE, what="the direct boot's uptime").group(1))


def run_hv(assets, vcpus, timeout):
    with harness.Machine("bench-linux-hv", emu="bochs", smp=vcpus + 1, mem=512,
                         timeout=timeout, modules=assets, ips=LINUX_IPS) as m:
        m.expect(harness.PROMPT, what="the prompt")
        cmd(m, f'launch vmlinuz name=linux initrd=initrd mem=128M cpus={vcpus} '
               f'cmdline="{CMDLINE}"')
        m.expect(r"\[linux\] GUEST-LINUX-OK", what="the marker under the hypervisor")
        up = float(m.expect(r"\[linux\] " + UPTIME_RE, what="the uptime").group(1))
        m.expect(r"vm linux: powered off", what="the power-off")
        m.expect(harness.PROMPT, what="the prompt")
        return up, cmd(m, "stats linux")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vcpus", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()
    assets = linux_assets()
    direct = run_direct(assets, args.timeout)
    hv, stats = run_hv(assets, args.vcpus, args.timeout)
    print(f"direct: uptime at marker {direct:.2f} s = {direct * LINUX_IPS / 1e9:.3f} G ticks")
    print(f"hv:     uptime at marker {hv:.2f} s = {hv * LINUX_IPS / 1e9:.3f} G ticks")
    print(f"ratio hv/direct: {hv / direct:.3f}")
    print(stats)


if __name__ == "__main__":
    main()
