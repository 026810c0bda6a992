#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks that the Debian packages needed to build and test are installed.
# As root it installs the missing ones; otherwise it prints the command and
# fails. Silent when everything is present.
#   bochs-term: the "term" display library, the only one that runs headless.
#   clang-14, libclang-rt-14-dev: `clang-14 -fsanitize=fuzzer` for tests/fuzz/
#     (the libFuzzer/sanitizer runtimes are only a Recommends of clang-14's deps);
#     llvm-14: llvm-symbolizer, for readable fuzzer crash reports.
set -eu

pkgs="gcc make binutils python3 python3-pexpect grub-common grub-pc-bin
grub-efi-amd64-bin xorriso mtools qemu-system-x86 ovmf bochs bochsbios
vgabios bochs-term libcmocka-dev clang-format clang-14 libclang-rt-14-dev llvm-14"

missing=""
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages; run: sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
