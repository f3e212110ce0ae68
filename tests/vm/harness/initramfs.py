# SPDX-License-Identifier: LGPL-2.1-only
"""Staging a root tree and packing it as a gzip'd newc initramfs:
busybox, kernel modules (in dependency order), programs with their
library closure, split so that LD_LIBRARY_PATH=/<impl>/lib picks the
implementation (libxenstable in /ours/lib, Debian's stable libraries in
/upstream/lib, everything else in the system library directory)."""

import os
import re
import shutil
import subprocess

from . import elf
from .common import Failure, Prereq, run

# ---------------------------------------------------------------- modules


def read_module(path):
    with open(path, 'rb') as f:
        data = f.read()
    if path.endswith('.xz'):
        import lzma
        data = lzma.decompress(data)
    elif path.endswith('.zst'):
        raise Failure('zstd-compressed modules are not supported: ' + path)
    elif path.endswith('.gz'):
        import gzip
        data = gzip.decompress(data)
    return data


def modinfo(path):
    """The .modinfo strings of a (possibly compressed) kernel module."""
    data = read_module(path)
    info = {}
    for m in re.finditer(rb'(?:^|\0)([a-z_]+)=([^\0]*)', data):
        k, v = m.group(1).decode(), m.group(2).decode('latin-1')
        if k in ('depends', 'name') and k not in info:
            info[k] = v
    return info


def in_root(root, *rels):
    """The first of rels that exists under root (Debian 13 ships files
    under /usr only, older releases under / as well), else the first."""
    for rel in rels:
        if os.path.lexists(os.path.join(root, rel)):
            return os.path.join(root, rel)
    return os.path.join(root, rels[0])


def modules_dir(root):
    return in_root(root, 'lib/modules', 'usr/lib/modules')


def busybox_path(root):
    return in_root(root, 'bin/busybox', 'usr/bin/busybox')


def find_kernel(root):
    mods = modules_dir(root)
    kvers = sorted(os.listdir(mods)) if os.path.isdir(mods) else []
    if len(kvers) != 1:
        raise Failure('expected one kernel in %s, found %s' % (mods, kvers))
    kver = kvers[0]
    vmlinuz = os.path.join(root, 'boot', 'vmlinuz-' + kver)
    if not os.path.exists(vmlinuz):
        raise Failure('no ' + vmlinuz)
    return kver, vmlinuz


def module_order(root, kver, wanted):
    """[(name, path)] for the wanted modules plus dependencies, deps first."""
    index = {}
    for dp, _, files in os.walk(os.path.join(modules_dir(root), kver)):
        for fn in files:
            m = re.match(r'(.*)\.ko(\.xz|\.gz|\.zst)?$', fn)
            if m:
                index.setdefault(m.group(1).replace('-', '_'),
                                 os.path.join(dp, fn))
    order, seen = [], set()

    def visit(name, chain):
        key = name.replace('-', '_')
        if key in seen:
            return
        if key not in index:
            raise Failure('module %s not found in the kernel package '
                          '(needed by %s)' % (name, ' <- '.join(chain)))
        deps = modinfo(index[key]).get('depends', '')
        for d in filter(None, deps.split(',')):
            visit(d, chain + [name])
        seen.add(key)
        order.append((key, index[key]))

    for w in wanted:
        visit(w, [])
    return order


# ---------------------------------------------------------------- the tree


class Tree:
    """An initramfs under construction (a staging directory).  bbhost is
    the command that runs the target's busybox on the host (its applet
    list and its cpio, which packs the tree): the path of the binary, or
    a list [emulator, path] for another architecture (host_busybox)."""

    def __init__(self, path, bbhost=None):
        if os.path.exists(path):
            shutil.rmtree(path)
        self.path = path
        self.bbhost = bbhost
        self.bbcmd = list(bbhost) if isinstance(bbhost, (list, tuple)) \
            else [bbhost]
        os.makedirs(path)

    def p(self, rel):
        return os.path.join(self.path, rel.lstrip('/'))

    def mkdir(self, *rels):
        for rel in rels:
            os.makedirs(self.p(rel), exist_ok=True)

    def copy(self, src, rel, mode=None):
        dst = self.p(rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.lexists(dst):
            return
        shutil.copyfile(src, dst)
        os.chmod(dst, mode if mode is not None
                 else (os.stat(src).st_mode & 0o7777) | 0o444)

    def write(self, rel, text, mode=0o644):
        dst = self.p(rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, 'w') as f:
            f.write(text)
        os.chmod(dst, mode)

    def symlink(self, target, rel):
        dst = self.p(rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not os.path.lexists(dst):
            os.symlink(target, dst)

    def busybox(self, root):
        bb = busybox_path(root)
        self.copy(bb, '/bin/busybox', 0o755)
        # (through the emulator when the busybox is foreign)
        applets = run(self.bbcmd[:-1] + [bb, '--list-full']).stdout.split()
        for a in applets:
            if a in ('bin/busybox',):
                continue
            self.symlink('/bin/busybox', '/' + a)
        for d in ('proc', 'sys', 'dev', 'tmp', 'run', 'var', 'etc', 'root',
                  'mnt'):
            self.mkdir(d)

    def modules(self, mods, params=None):
        """The modules, and their load order with each one's parameters
        ("name param=value ..." lines, read by the /init scripts)."""
        params = params or {}
        for name, path in mods:
            dst = self.p('/lib/xsvm-modules/%s.ko' % name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, 'wb') as f:
                f.write(read_module(path))
        self.write('/lib/xsvm-modules/order',
                   ''.join(('%s %s' % (n, params.get(n, ''))).rstrip() +
                           '\n' for n, _ in mods))

    def base(self, root, mods, params=None):
        """busybox, the modules and the implementation directories."""
        self.busybox(root)
        self.modules(mods, params)
        self.mkdir('/ours/lib', '/upstream/lib', '/t/bin')

    def cpio_gz(self, out):
        # The host has no cpio: use busybox's (newc, root-owned).
        tmp = out + '.tmp'
        files = []
        for dp, dns, fns in os.walk(self.path):
            dns.sort()
            rel = os.path.relpath(dp, self.path)
            if rel != '.':
                files.append(rel)
            for fn in sorted(fns):
                files.append(os.path.normpath(os.path.join(rel, fn)))
        with open(tmp, 'wb') as f:
            cp = subprocess.Popen(self.bbcmd + ['cpio', '-o', '-H', 'newc'],
                                  cwd=self.path, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
            gz = subprocess.Popen(['gzip', '-1', '-n'], stdin=cp.stdout,
                                  stdout=f)
            cp.stdout.close()
            cp.stdin.write(''.join(x + '\n' for x in files).encode())
            cp.stdin.close()
            if cp.wait() != 0 or gz.wait() != 0:
                raise Failure('building %s failed' % out)
        os.replace(tmp, out)


# ---------------------------------------------------------------- libraries


def ldd(path, extra_libdirs=()):
    """[(soname, resolved path)] of an ELF, using the host's loader."""
    env = dict(os.environ)
    # meson puts the build dir on LD_LIBRARY_PATH for tests: do not let it
    # (or anything else) change what an upstream program resolves to
    env.pop('LD_LIBRARY_PATH', None)
    if extra_libdirs:
        env['LD_LIBRARY_PATH'] = ':'.join(extra_libdirs)
    p = run(['ldd', path], env=env, check=False)
    if p.returncode != 0 and 'not a dynamic executable' in (p.stdout +
                                                             p.stderr):
        return []
    out = []
    for line in p.stdout.splitlines():
        line = line.strip()
        m = re.match(r'(\S+) => (not found|\S+)', line)
        if m:
            if m.group(2) == 'not found':
                raise Failure('%s: library %s not found' % (path,
                                                           m.group(1)))
            out.append((m.group(1), m.group(2)))
            continue
        m = re.match(r'(/\S+) \(0x', line)
        if m:  # the loader itself
            out.append((os.path.basename(m.group(1)), m.group(1)))
    return out


def host_busybox(target, root):
    """The command that runs the target's busybox on the host: itself,
    or under the architecture's user-mode emulator (busybox-static needs
    no libraries, so no -L)."""
    bb = busybox_path(root)
    if not target.foreign:
        return bb
    emu = target.arch.user_qemu and shutil.which(target.arch.user_qemu)
    if not emu:
        raise Prereq('%s not found: apt-get install %s (scripts/'
                     'install-deps.sh does)' % (target.arch.user_qemu,
                                                target.arch.user_qemu_pkg))
    return [emu, bb]


def root_lib_dirs(target, upstream_libdir):
    """The target's library directories in the unpacked packages (the
    tree upstream_libdir, <root>/usr/lib/<multiarch>, is part of)."""
    root = os.path.normpath(os.path.join(upstream_libdir, '..', '..', '..'))
    return [upstream_libdir, os.path.join(root, 'lib', target.arch.multiarch)]


def closure(target, path, dirs=()):
    """[(soname, resolved path)] of an ELF the VM will run: the host's
    ldd (with dirs first) for the host's architecture; for another one,
    read from the ELF files (elf.closure: each library looked up in the
    run path of the file that needs it, then in dirs, plus the loader
    its PT_INTERP names)."""
    if target.foreign:
        try:
            return elf.closure(path, dirs)
        except LookupError as e:
            raise Failure(str(e))
    return ldd(path, dirs)


def is_xen_lib(soname):
    return soname.startswith('libxen') and not soname.startswith(
        'libxenstable')


# The stable libraries libxenstable replaces: their Debian builds live in
# /upstream/lib so that LD_LIBRARY_PATH selects the implementation.
STABLE_LIBS = ('libxenevtchn.so.', 'libxengnttab.so.', 'libxencall.so.',
               'libxenforeignmemory.so.', 'libxendevicemodel.so.',
               'libxentoollog.so.', 'libxentoolcore.so.', 'libxenhypfs.so.')


def is_stable_lib(soname):
    return soname.startswith(STABLE_LIBS)


def under(path, d):
    return path.startswith(os.path.realpath(d) + os.sep)


class LibEnv:
    """Where the upstream side of a test bed (Debian's test-program
    builds and tools) gets its libraries, and how they reach the VM.

    Debian's libxen* always come from the target release's packages.
    The rest comes from the host (its library dirs after the unpacked
    ones) on the host's architecture, and from the target's packages
    on another one (target.foreign: libxenstable's side uses them too).
    own_libc: the release's glibc is newer than the host's (Debian 13's
    2.41 on a Debian 12 host).  Then the upstream side's whole closure
    comes from the target's packages, lands in /upstream/lib next to the
    target's loader, and each upstream program's PT_INTERP is pointed at
    that loader (/upstream/ld.so), while libxenstable's side keeps the
    host's C library and loader."""

    LOADER = '/upstream/ld.so'

    def __init__(self, target, root, own_libc):
        self.target = target
        self.root = root
        self.own_libc = own_libc
        multi = target.arch.multiarch
        self.root_dirs = [target.lib_dir(root), os.path.join(root, 'lib',
                                                             multi)]
        self.dirs = self.root_dirs + (
            [] if own_libc or target.foreign
            else ['/lib/' + multi, '/usr/lib/' + multi])

    def closure(self, exe, skip=lambda soname: False):
        try:
            return elf.closure(exe, self.dirs, skip)
        except LookupError as e:
            raise Failure(str(e))

    def lib(self, soname):
        """The path of a library of the target's packages."""
        for d in self.root_dirs:
            if os.path.exists(os.path.join(d, soname)):
                return os.path.realpath(os.path.join(d, soname))
        raise Failure('no unpacked Debian package provides ' + soname)

    def has(self, soname):
        return any(os.path.exists(os.path.join(d, soname))
                   for d in self.root_dirs)

    def unloadable(self, exe):
        """Why the loader would refuse exe with these libraries, or None:
        a libxen* the target's release does not have at all (another
        version's libxenctrl), or symbol versions of one that its build
        lacks.  'lib' or 'lib VERS', comma-separated."""
        why = []
        for lib in elf.Elf(exe).needed():
            if is_xen_lib(lib) and not self.has(lib):
                why.append(lib)
        for lib, vers in sorted(elf.Elf(exe).version_needs().items()):
            if not is_xen_lib(lib) or not self.has(lib):
                continue
            have = elf.Elf(self.lib(lib)).version_defs()
            why += ['%s %s' % (lib, v) for v in sorted(vers - have)]
        return ', '.join(why) or None


def add_program(tree, target, exe, dest, builddir, env):
    """Copy a test program plus its library closure.

    The libxenstable build (dest ends in -ours): libxenstable (and
    anything else from the build dir) goes to /ours/lib, the rest of its
    closure (the host's, or the target's packages' on another
    architecture) to the system library directory and its loader to the
    loader's directory.  The upstream build: see add_upstream."""
    if not dest.endswith('-ours'):
        return add_upstream(tree, env, exe, dest, builddir,
                            all_xen_upstream=False)
    syslib = target.syslib
    tree.copy(exe, dest, 0o755)
    dirs = env.root_dirs if target.foreign else []
    for soname, path in closure(target, exe, dirs):
        real = os.path.realpath(path)
        if (under(real, builddir) and not under(real, env.root)) or \
                soname.startswith('libxenstable'):
            # (the closure is transitive already)
            tree.copy(real, '/ours/lib/' + soname, 0o755)
        elif is_stable_lib(soname):
            raise Failure('%s (the libxenstable build) links Debian\'s '
                          '%s: it would not test libxenstable'
                          % (exe, soname))
        elif is_xen_lib(soname):
            tree.copy(env.lib(soname), syslib + soname, 0o755)
        elif soname == target.arch.loader:
            add_loader(tree, target, real)
        else:
            tree.copy(real, syslib + soname, 0o755)


def add_upstream(tree, env, exe, dest, builddir=None, all_xen_upstream=True):
    """A program that runs on Debian's libraries (a test program's
    upstream build, or one of Debian's own tools) plus its closure:
    Debian's stable libxen* go to /upstream/lib, other libxen* too when
    all_xen_upstream (tools run with LD_LIBRARY_PATH=/upstream/lib) and
    to the system library directory otherwise; with env.own_libc
    everything goes to /upstream/lib and the program's interpreter is
    the target's loader.  A program that cannot load on this release
    (env.unloadable) gets what resolves: it runs only to show the loader
    refusing it."""
    target = env.target
    syslib = target.syslib
    tree.copy(exe, dest, 0o755)
    absent = lambda so: is_xen_lib(so) and not env.has(so)  # noqa: E731
    for soname, path in env.closure(exe, absent):
        real = os.path.realpath(path)
        if builddir and under(real, builddir) and not under(real, env.root):
            raise Failure('%s (an upstream build) loads %s from the '
                          'build dir' % (exe, soname))
        if soname.startswith('libxenstable'):
            raise Failure('%s (an upstream build) loads %s' % (exe, soname))
        if env.own_libc or is_stable_lib(soname) or \
                (all_xen_upstream and is_xen_lib(soname)):
            tree.copy(real, '/upstream/lib/' + soname, 0o755)
        elif soname == target.arch.loader:
            add_loader(tree, target, real)
        else:
            tree.copy(real, syslib + soname, 0o755)
    if env.own_libc:
        loader = env.lib(target.arch.loader)
        tree.copy(loader, '/upstream/lib/' + target.arch.loader, 0o755)
        tree.symlink('lib/' + target.arch.loader, env.LOADER)
        elf.set_interp(tree.p(dest), env.LOADER)


def add_loader(tree, target, path):
    """The glibc loader where programs' PT_INTERP names it, and a link
    in the system library directory."""
    a = target.arch
    tree.copy(path, '%s/%s' % (a.loader_dir, a.loader), 0o755)
    if a.loader_dir.rstrip('/') != target.syslib.rstrip('/'):
        tree.symlink('%s/%s' % (a.loader_dir, a.loader),
                     target.syslib + a.loader)


def add_host_tool(tree, target, src, dest, libdir):
    """One of the host's own tools (bench mode: strace, valgrind; the
    host's architecture only): its libxen* go to /upstream/lib, the rest
    to the system lib dir."""
    tree.copy(src, dest, 0o755)
    for soname, path in ldd(src, [libdir]):
        real = os.path.realpath(path)
        if is_xen_lib(soname):
            tree.copy(os.path.realpath(os.path.join(libdir, soname)),
                      '/upstream/lib/' + soname, 0o755)
        elif soname == target.arch.loader:
            tree.copy(real, '%s/%s' % (target.arch.loader_dir, soname),
                      0o755)
        else:
            tree.copy(real, target.syslib + soname, 0o755)


def find_host_lib(target, soname, root=None):
    """A system library for the VM: the host's, or for another
    architecture the one in the target's unpacked packages (root)."""
    if target.foreign:
        for d in root_lib_dirs(target, target.lib_dir(root)):
            if os.path.exists(os.path.join(d, soname)):
                return os.path.join(d, soname)
        raise Failure('%s: no unpacked %s package provides it (add it to '
                      'the architecture\'s runtime_pkgs)'
                      % (soname, target.arch.name))
    p = run(['/sbin/ldconfig', '-p'], check=False)
    for line in p.stdout.splitlines():
        m = re.match(r'\s*(\S+) \((.*)\) => (\S+)', line)
        if m and m.group(1) == soname and m.group(2) == \
                target.arch.ldconfig_tag:
            return m.group(3)
    for d in ('/lib/' + target.arch.multiarch,
              '/usr/lib/' + target.arch.multiarch):
        if os.path.exists(os.path.join(d, soname)):
            return os.path.join(d, soname)
    raise Prereq('host library %s not found' % soname)
