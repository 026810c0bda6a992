#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a newc cpio archive of DIR to stdout, owned by root, plus /dev/console.

usage: mkcpio.py DIR
The kernel opens /dev/console for init's stdio before any devtmpfs exists,
so the node must be in the archive; writing the archive here avoids needing
the cpio tool or root rights for mknod.
"""
import os
import stat
import sys


def entry(name, mode, size=0, rdev=(0, 0), ino=0, nlink=1):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], len(name_b), 0]
    h = b"070701" + b"".join(b"%08X" % f for f in fields) + name_b
    return h + b"\0" * (-len(h) % 4)


def main():
    root = sys.argv[1]
    out = bytearray()
    ino = 1
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for n in [None] + sorted(filenames):
            path = dirpath if n is None else os.path.join(dirpath, n)
            rel = os.path.relpath(path, root)
            if rel == ".":
                continue
            st = os.lstat(path)
            data = b""
            if stat.S_ISREG(st.st_mode):
                data = open(path, "rb").read()
            elif stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            mode = stat.S_IFMT(st.st_mode) | (st.st_mode & 0o7777)
            out += entry(rel, mode, len(data), ino=ino, nlink=2 if stat.S_ISDIR(st.st_mode) else 1)
            out += data + b"\0" * (-len(data) % 4)
            ino += 1
    out += entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1), ino=ino)
    out += entry("TRAILER!!!", 0)
    out += b"\0" * (-len(out) % 512)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
