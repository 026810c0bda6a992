#!/bin/sh
# SPDX-License-Identifier: MIT
# Boots the hypervisor with its serial console on this terminal, in the best
# emulator this host offers:
#   kvm    QEMU with KVM, only if the host really offers nested VMX
#          (vmx in /proc/cpuinfo, kvm_intel nested=Y/1, /dev/kvm read/writable)
#   bochs  Bochs 2.7, which emulates VMX with EPT (slow: about 50 MIPS)
#   qemu   QEMU TCG: fast, but without VMX (only boot, ACPI and SMP paths work)
# Environment: EMU=kvm|bochs|qemu overrides the choice; SMP= CPUs (default 4);
# MEM= MiB (default 512); BUILD= build directory (default build).
# LINUX=1 adds Debian's cloud kernel and the test initramfs as modules
# (scripts/linux-guest.sh) and launches them at boot as VM "linux"; its
# busybox shell is at `console linux`.
#
# Bochs's COM1 is a pty that tests/e2e/harness.py relays to this terminal, so
# Ctrl-A X quits Bochs as it quits QEMU; Ctrl-C goes to the guest. The
# generated bochsrc and Bochs's logs are in $BUILD/ (bochsrc-run.txt,
# bochs-run.log, bochs-run.out).
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}
smp=${SMP:-4}
mem=${MEM:-512}

nested_vmx() {
	grep -qw vmx /proc/cpuinfo || return 1
	nested=$(cat /sys/module/kvm_intel/parameters/nested 2>/dev/null || true)
	case $nested in
	Y | y | 1) ;;
	*) return 1 ;;
	esac
	[ -r /dev/kvm ] && [ -w /dev/kvm ]
}

need() {
	[ -f "$1" ] || {
		echo "run.sh: $1 not found; run 'make all' first" >&2
		exit 1
	}
}

iso=$build/hypervisor.iso
bios_iso=$build/hypervisor-bios.iso
if [ "${LINUX:-0}" = 1 ]; then
	scripts/linux-guest.sh "$build/linux" >/dev/null
	iso=$build/hypervisor-linux.iso
	bios_iso=$iso
	MODULE_LIST=$build/guests/modules.list scripts/mkiso.sh "$iso" hybrid \
		"run=vmlinuz,initrd=initrd,mem=256M" \
		"$build/linux/vmlinuz:vmlinuz console=ttyS0 quiet hvshell" \
		"$build/linux/initrd.cpio.gz:initrd"
fi

emu=${EMU:-}
if [ -z "$emu" ]; then
	if nested_vmx; then emu=kvm; else emu=bochs; fi
fi

qemu_run() {
	exec qemu-system-x86_64 "$@" -smp "$smp" -m "$mem" -serial mon:stdio -display none \
		-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
}

case $emu in
kvm)
	need "$iso"
	echo "run.sh: QEMU + KVM (nested VMX), $smp CPUs, $mem MiB. Quit: Ctrl-A X"
	qemu_run -enable-kvm -cpu host -cdrom "$iso"
	;;
qemu)
	need "$iso"
	echo "run.sh: QEMU TCG, $smp CPUs, $mem MiB; TCG has NO VMX, guests cannot run. Quit: Ctrl-A X"
	qemu_run -cdrom "$iso"
	;;
bochs)
	need "$bios_iso"
	echo "run.sh: Bochs (tigerlake, VMX+EPT), $smp CPUs, $mem MiB; boot takes 5-10 s." \
		"Quit: Ctrl-A X, or type poweroff at the hv> prompt"
	exec python3 tests/e2e/harness.py console --iso "$bios_iso" \
		--smp "$smp" --mem "$mem"
	;;
*)
	echo "run.sh: EMU must be kvm, bochs or qemu (got '$emu')" >&2
	exit 2
	;;
esac
