#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds a GRUB ISO that boots build/hypervisor.elf through multiboot2.
# usage: mkiso.sh OUT.iso bios|hybrid "KERNEL CMDLINE" [FILE[:MODULE STRING]]...
# A module's string starts with its name (default: the file's base name
# without extension), then optional key=value words. MODULE_LIST=<file> adds
# the modules listed there, one "<path> <name> [key=value...]" per line.
set -eu
out=$1 kind=$2 cmdline=$3
shift 3
if [ -n "${MODULE_LIST:-}" ]; then
	while read -r file str; do
		set -- "$@" "$file:$str"
	done < "$MODULE_LIST"
fi
kernel=${KERNEL:-build/hypervisor.elf}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub" "$dir/boot/modules"
cp "$kernel" "$dir/boot/hypervisor.elf"
mods=""
for m in "$@"; do
	file=${m%%:*}
	if [ "$file" = "$m" ]; then
		str=$(basename "$file"); str=${str%.*}
	else
		str=${m#*:}
	fi
	base=$(basename "$file")
	cp "$file" "$dir/boot/modules/$base"
	mods="$mods	module2 /boot/modules/$base $str
"
done
cat > "$dir/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
menuentry "hypervisor" {
	multiboot2 /boot/hypervisor.elf $cmdline
$mods	boot
}
CFG
case $kind in
bios) dflag="-d /usr/lib/grub/i386-pc" ;;
hybrid) dflag="" ;;
*) echo "mkiso.sh: kind must be bios or hybrid" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
grub-mkrescue $dflag -o "$out" "$dir" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; rm -f "$dir.log"; exit 1; }
rm -f "$dir.log"
