# SPDX-License-Identifier: LGPL-2.1-only
"""Reading ELF files of any architecture without running them: the
libraries a file needs (DT_NEEDED), its run path, its interpreter
(PT_INTERP) and its symbol versions, plus a library closure resolved in
a list of directories the way the loader would.  The host's ldd cannot
do this for a foreign architecture, nor for libraries that need a newer
C library than the host's."""

import os
import struct

PT_INTERP = 3
PT_DYNAMIC = 2
SHT_DYNSYM = 11
SHT_GNU_VERDEF = 0x6ffffffd
SHT_GNU_VERNEED = 0x6ffffffe
DT_NEEDED, DT_STRTAB, DT_SONAME, DT_RPATH, DT_RUNPATH = 1, 5, 14, 15, 29


class Elf:
    def __init__(self, path):
        self.path = path
        with open(path, 'rb') as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b'\x7fELF':
            raise ValueError('%s: not an ELF file' % path)
        self.is64 = d[4] == 2
        self.end = '<' if d[5] == 1 else '>'
        e = self.end
        if self.is64:
            (self.phoff, self.shoff) = struct.unpack_from(e + 'QQ', d, 0x20)
            (self.phentsize, self.phnum, self.shentsize, self.shnum) = \
                struct.unpack_from(e + 'HHHH', d, 0x36)
        else:
            (self.phoff, self.shoff) = struct.unpack_from(e + 'II', d, 0x1c)
            (self.phentsize, self.phnum, self.shentsize, self.shnum) = \
                struct.unpack_from(e + 'HHHH', d, 0x2a)

    # ------------------------------------------------------------ headers

    def segments(self):
        """[(type, offset, vaddr, filesz)]"""
        out = []
        for i in range(self.phnum):
            o = self.phoff + i * self.phentsize
            if self.is64:
                t, _, off, va, _, fsz = struct.unpack_from(
                    self.end + 'IIQQQQ', self.data, o)
            else:
                t, off, va, _, fsz = struct.unpack_from(
                    self.end + 'IIIII', self.data, o)
            out.append((t, off, va, fsz))
        return out

    def sections(self):
        """[(type, offset, size, link, info, entsize)]"""
        out = []
        for i in range(self.shnum):
            o = self.shoff + i * self.shentsize
            if self.is64:
                (_, t, _, _, off, size, link, info, _, ent) = \
                    struct.unpack_from(self.end + 'IIQQQQIIQQ', self.data, o)
            else:
                (_, t, _, _, off, size, link, info, _, ent) = \
                    struct.unpack_from(self.end + 'IIIIIIIIII', self.data, o)
            out.append((t, off, size, link, info, ent))
        return out

    def cstr(self, off):
        return self.data[off:self.data.index(b'\0', off)].decode('latin-1')

    def vaddr_to_off(self, va):
        for t, off, sva, fsz in self.segments():
            if t == 1 and sva <= va < sva + fsz:      # PT_LOAD
                return off + va - sva
        raise ValueError('%s: address %#x not in a segment' % (self.path,
                                                               va))

    # ------------------------------------------------------------ queries

    def interp(self):
        for t, off, _, fsz in self.segments():
            if t == PT_INTERP:
                return self.cstr(off)
        return None

    def dynamic(self):
        """[(tag, value)] of the dynamic section."""
        for t, off, _, fsz in self.segments():
            if t != PT_DYNAMIC:
                continue
            fmt = self.end + ('qQ' if self.is64 else 'iI')
            size = struct.calcsize(fmt)
            out = []
            for o in range(off, off + fsz, size):
                tag, val = struct.unpack_from(fmt, self.data, o)
                if tag == 0:
                    break
                out.append((tag, val))
            return out
        return []

    def _dyn_strings(self):
        dyn = self.dynamic()
        strtab = [v for t, v in dyn if t == DT_STRTAB]
        if not strtab:
            return dyn, None
        return dyn, self.vaddr_to_off(strtab[0])

    def needed(self):
        dyn, st = self._dyn_strings()
        return [self.cstr(st + v) for t, v in dyn if t == DT_NEEDED]

    def soname(self):
        dyn, st = self._dyn_strings()
        names = [self.cstr(st + v) for t, v in dyn if t == DT_SONAME]
        return names[0] if names else None

    def runpath(self):
        """DT_RUNPATH (or DT_RPATH) entries, $ORIGIN expanded."""
        dyn, st = self._dyn_strings()
        origin = os.path.dirname(os.path.abspath(self.path))
        out = []
        for t, v in dyn:
            if t in (DT_RUNPATH, DT_RPATH):
                for p in self.cstr(st + v).split(':'):
                    out.append(p.replace('$ORIGIN', origin)
                               .replace('${ORIGIN}', origin))
        return out

    def version_needs(self):
        """{library soname: {version names}} this file requires."""
        out = {}
        for t, off, size, link, info, _ in self.sections():
            if t != SHT_GNU_VERNEED:
                continue
            stroff = self.sections()[link][1]
            o = off
            for _ in range(info):
                _, cnt, fileoff, aux, nxt = struct.unpack_from(
                    self.end + 'HHIII', self.data, o)
                lib = self.cstr(stroff + fileoff)
                a = o + aux
                for _ in range(cnt):
                    _, _, _, name, anext = struct.unpack_from(
                        self.end + 'IHHII', self.data, a)
                    out.setdefault(lib, set()).add(self.cstr(stroff + name))
                    a += anext
                o += nxt
                if not nxt:
                    break
        return out

    def version_defs(self):
        """{version names} this (library) file defines."""
        out = set()
        for t, off, size, link, info, _ in self.sections():
            if t != SHT_GNU_VERDEF:
                continue
            stroff = self.sections()[link][1]
            o = off
            for _ in range(info):
                _, flags, _, cnt, _, aux, nxt = struct.unpack_from(
                    self.end + 'HHHHIII', self.data, o)
                if cnt and not flags & 1:       # not the file's own name
                    name, _ = struct.unpack_from(self.end + 'II', self.data,
                                                 o + aux)
                    out.add(self.cstr(stroff + name))
                o += nxt
                if not nxt:
                    break
        return out


def set_interp(path, interp):
    """Point the file's PT_INTERP at another loader, in place.  The new
    path must fit in the old one's space (it is padded with NULs), so a
    program can name a second loader without relinking."""
    e = Elf(path)
    for t, off, _, fsz in e.segments():
        if t == PT_INTERP:
            new = interp.encode()
            if len(new) + 1 > fsz:
                raise ValueError('%s: interpreter %s longer than %s'
                                 % (path, interp, e.interp()))
            with open(path, 'r+b') as f:
                f.seek(off)
                f.write(new + b'\0' * (fsz - len(new)))
            return
    raise ValueError('%s has no PT_INTERP' % path)


def closure(path, dirs, skip=lambda soname: False):
    """[(soname, path)] of every library path needs, transitively,
    resolved in each file's run path and then in dirs (first match), and
    the loader its PT_INTERP names (looked up by name in dirs, like the
    libraries).  skip(soname) leaves a library (and what it needs) out.
    Raises LookupError naming a library found nowhere."""
    out, seen = [], set()
    top = Elf(path)
    todo = [(path, n) for n in top.needed()]
    if top.interp():
        todo.append((None, os.path.basename(top.interp())))
    runpaths = {path: top.runpath()}
    while todo:
        parent, soname = todo.pop(0)
        if soname in seen or skip(soname):
            continue
        seen.add(soname)
        for d in runpaths.get(parent, []) + list(dirs):
            cand = os.path.join(d, soname)
            if os.path.exists(cand):
                break
        else:
            raise LookupError('%s: library %s (needed by %s) not found in '
                              '%s' % (path, soname, parent,
                                      ':'.join(dirs)))
        out.append((soname, cand))
        e = Elf(cand)
        runpaths[cand] = e.runpath()
        todo += [(cand, n) for n in e.needed()]
    return out
