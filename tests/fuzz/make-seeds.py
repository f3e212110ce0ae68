#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Write the committed seed corpora of the fuzz targets (corpus/<target>/).

Seeds are small, well-formed examples of each input mode, so that the
fuzzer starts from replies a real hypervisor or driver gives and mutates
from there.  Rerun after changing an input format: python3 make-seeds.py
"""
import gzip
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def entry(typ, enc, content_len, max_write=0):
    return struct.pack('<BBHII', typ, enc, 0, content_len, max_write)


def dirlist(names):
    out = b''
    for i, (typ, name) in enumerate(names):
        body = entry(typ, 0, 4) + b'\0\0' + name.encode() + b'\0'
        body += b'\0' * (-len(body) % 8)
        nxt = len(body) if i + 1 < len(names) else 0
        body = body[:12] + struct.pack('<H', nxt) + body[14:]
        out += body
    return out


def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


listing = dirlist([(2, 'version'), (0, 'params'), (5, 'enabled')])
version = b'4.17.3\0'
# hypfs: first byte = mode (see fuzz-hypfs.c), mode 4/5 then one byte
# choosing the hypercall's answer (0 ok, 1 ENOBUFS, 2 ENOENT).
write('hypfs', 'entry', b'\0' + entry(2, 0, 7, 0))
write('hypfs', 'dirlist', b'\1' + listing)
write('hypfs', 'gzip', b'\2' + gzip.compress(b'hello hypfs'))
write('hypfs', 'render-string', b'\3\2' + version)
write('hypfs', 'render-uint', b'\3\3' + struct.pack('<Q', 4096))
write('hypfs', 'read', b'\4\0' + entry(2, 0, len(version)) + version)
write('hypfs', 'read-enobufs',
      b'\4\1' + entry(2, 0, 5000) + b'\0' * (4096 - 12) + b'\0' +
      entry(2, 0, len(version)) + version)
write('hypfs', 'readdir', b'\5\0' + entry(0, 0, len(listing)) + listing)
write('hypfs', 'read-gzip', b'\4\0' + entry(2, 1, 31) +
      gzip.compress(b'compressed'))

# driver: first byte even = foreignmemory, odd = evtchn.
ok = b'\0' * 4
write('driver', 'map-ok', b'\0\3\1' + ok * 4 + b'\0' + b'\0' * 8 + b'\0')
write('driver', 'map-page-errors', b'\0\3\1' + struct.pack('<iiii', 0, -14, -2, 0)
      + b'\0' + b'\0' * 12)
write('driver', 'map-v1', b'\0\1\0' + ok * 2 + b'\xa1' +
      struct.pack('<IB', 0x8, 28) * 2 + b'\0')
write('driver', 'map-paged', b'\0\0\1' + struct.pack('<i', -2) + b'\xa0' +
      struct.pack('<i', 0) + b'\0')
write('driver', 'evtchn', b'\1' + b'\4' + struct.pack('<I', 7) + b'\4' +
      b'\2\1\0' + b'\4' + struct.pack('<I', 9) + b'\4')

# xtl: flags, min level, a level for level_to_string, then records.
rec = (bytes([7]) + b'context' + bytes([11]) + b'hello world' + b'\5' +
       b'\x16\0\0\0' + b'\0' + b'\x16\0\0\0')
prog = (bytes([4]) + b'ctxt' + bytes([8]) + b'doing it' + b'\5' +
        b'\0\0\0\0' + b'\1' + b'\x32\0\0\0' + b'\x64\0\0\0')
write('xtl', 'log', b'\3\2' + b'\4\0\0\0' + rec + rec)
write('xtl', 'progress', b'\x10\2' + b'\xff\0\0\0' + prog + prog)
write('xtl', 'bad-flags', b'\x18\2')

# Regression seeds: inputs that once broke an invariant.
# evtchn port 0x80000000 read from the device (was UB, now EIO).
write('driver', 'regress-port-2g', b'\1' + b'\4' + struct.pack('<I', 0x80000000)
      + b'\4')
# a page error of INT_MIN without an err array (was UB on negation).
write('driver', 'regress-err-int-min', b'\0\0\0' + struct.pack('<i', -2**31)
      + b'\0' + b'\0' * 12)
# first progress line on a non-tty stream: isatty() set errno.
write('xtl', 'regress-progress-errno', b'\0\0' + b'\0\0\0\0' + prog)
