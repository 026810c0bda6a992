#!/bin/sh
# SPDX-License-Identifier: MIT
# Starts QEMU TCG stopped at the first instruction, with its gdbstub on
# localhost:1234 and the serial console on this terminal (Ctrl-A X quits).
# Writes $BUILD/gdbinit; attach from a second terminal with
#   gdb -x build/gdbinit
# which loads the symbols, connects and runs to kmain (a hardware breakpoint,
# since kmain's higher-half address is not mapped at reset).
# Environment: SMP= (default 1), MEM= MiB (default 512), BUILD= (default build).
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}
[ -f "$build/hypervisor-bios.iso" ] || {
	echo "debug.sh: $build/hypervisor-bios.iso not found; run 'make all' first" >&2
	exit 1
}
cat >"$build/gdbinit" <<EOF
file $build/hypervisor.elf
target remote localhost:1234
hbreak kmain
continue
EOF
echo "debug.sh: QEMU waits for gdb on localhost:1234; in another terminal: gdb -x $build/gdbinit (quit QEMU: Ctrl-A X)"
exec qemu-system-x86_64 -s -S -smp "${SMP:-1}" -m "${MEM:-512}" -cdrom "$build/hypervisor-bios.iso" \
	-serial mon:stdio -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
