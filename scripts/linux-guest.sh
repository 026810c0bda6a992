#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetches Debian's stock cloud kernel and busybox-static with apt-get (cached
# in $OUT) and builds the initramfs the Linux-guest tests boot.
# usage: linux-guest.sh [OUT]   (default build/linux)
# Leaves OUT/vmlinuz (the package's bzImage, unchanged) and OUT/initrd.cpio.gz,
# whose /init prints GUEST-LINUX-OK, the CPU count and a few /proc facts, then
# GUEST-LINUX-DONE, then powers off, unless the kernel command line holds
# "hvshell", in which case it starts a busybox shell on the console.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-build/linux}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$out"
# The versioned image package Debian's cloud meta-package points at today.
kernel_pkg() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/.*Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\(-unsigned\)\?\)$/\1/p' | head -n 1
}
if [ ! -s vmlinuz ]; then
	pkg=$(kernel_pkg)
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -qq >/dev/null 2>&1 || true # a fresh machine may have no package lists
		pkg=$(kernel_pkg)
	fi
	[ -n "$pkg" ] || { echo "linux-guest.sh: no linux-image-cloud-amd64 in apt (run apt-get update)" >&2; exit 1; }
	rm -rf deb k && mkdir deb k
	(cd deb && apt-get download "$pkg" 2>&1 >/dev/null | grep -v "unsandboxed" >&2 || true)
	dpkg -x deb/*.deb k
	cp k/boot/vmlinuz-* vmlinuz.tmp && mv vmlinuz.tmp vmlinuz
	echo "$pkg" > vmlinuz.package
	rm -rf deb k
fi
if [ ! -x busybox ]; then
	rm -rf deb bb && mkdir deb bb
	(cd deb && apt-get download busybox-static 2>&1 >/dev/null | grep -v "unsandboxed" >&2 || true)
	dpkg -x deb/*.deb bb
	cp bb/bin/busybox busybox
	rm -rf deb bb
fi
rm -rf root && mkdir -p root/bin root/dev root/proc root/sys
cp busybox root/bin/busybox
cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo GUEST-LINUX-OK
echo "cpus: $(grep -c ^processor /proc/cpuinfo)"
echo "uptime: $(cat /proc/uptime)"
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "kernel: $(uname -r)"
grep -E 'LOC|ttyS|IO-APIC' /proc/interrupts | head -n 8
echo GUEST-LINUX-DONE
if grep -q hvshell /proc/cmdline; then
	echo "GUEST-LINUX-SHELL"
	exec setsid sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1'
fi
poweroff -f
INIT
chmod +x root/init
# The archive is written by scripts/mkcpio.py: no cpio tool, and /dev/console
# (which the kernel opens for init's stdio before devtmpfs) needs no root rights.
python3 "$here/mkcpio.py" root > root.cpio
gzip -9n < root.cpio > initrd.cpio.gz.tmp
mv initrd.cpio.gz.tmp initrd.cpio.gz # atomically: a test may be copying the old one
rm -rf root root.cpio
ls -l vmlinuz initrd.cpio.gz | awk '{print "linux-guest.sh: " $NF ": " $5 " bytes"}'
