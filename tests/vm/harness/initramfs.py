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
    a busybox the host can run (its cpio packs the tree)."""

    def __init__(self, path, bbhost=None):
        if os.path.exists(path):
            shutil.rmtree(path)
        self.path = path
        self.bbhost = bbhost
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
        applets = run([bb, '--list-full']).stdout.split()
        for a in applets:
            if a in ('bin/busybox',):
                continue
            self.symlink('/bin/busybox', '/' + a)
        for d in ('proc', 'sys', 'dev', 'tmp', 'run', 'var', 'etc', 'root',
                  'mnt'):
            self.mkdir(d)

    def modules(self, mods):
        for name, path in mods:
            dst = self.p('/lib/xsvm-modules/%s.ko' % name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, 'wb') as f:
                f.write(read_module(path))
        self.write('/lib/xsvm-modules/order',
                   ''.join('%s\n' % n for n, _ in mods))

    def base(self, root, mods):
        """busybox, the modules and the implementation directories."""
        self.busybox(root)
        self.modules(mods)
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
            cp = subprocess.Popen([self.bbhost, 'cpio', '-o', '-H', 'newc'],
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


def add_program(tree, target, exe, dest, builddir, upstream_libdir):
    """Copy a dynamically linked program plus its ldd closure.

    libxenstable (and anything else from the build dir) goes to /ours/lib,
    Debian's stable libxen* (from the unpacked .debs, not the host) to
    /upstream/lib, other Debian libxen* (e.g. libxenstore) and everything
    else to the system library directory (the loader also to its own)."""
    ours = dest.endswith('-ours')
    syslib = target.syslib
    tree.copy(exe, dest, 0o755)
    for soname, path in ldd(exe):
        real = os.path.realpath(path)
        if real.startswith(os.path.realpath(builddir) + os.sep) or \
                soname.startswith('libxenstable'):
            if not ours:
                raise Failure('%s (an upstream build) loads %s from the '
                              'build dir' % (exe, soname))
            # (ldd already lists the transitive closure)
            tree.copy(real, '/ours/lib/' + soname, 0o755)
        elif is_xen_lib(soname):
            if ours and is_stable_lib(soname):
                raise Failure('%s (the libxenstable build) links Debian\'s '
                              '%s: it would not test libxenstable'
                              % (exe, soname))
            src = os.path.join(upstream_libdir, soname)
            if not os.path.exists(src):
                raise Failure('%s needs %s, which no unpacked Debian '
                              'package provides' % (exe, soname))
            tree.copy(os.path.realpath(src),
                      ('/upstream/lib/' if is_stable_lib(soname)
                       else syslib) + soname, 0o755)
        elif soname == target.arch.loader:
            add_loader(tree, target, real)
        else:
            tree.copy(real, syslib + soname, 0o755)


def add_loader(tree, target, path):
    """The glibc loader where programs' PT_INTERP names it, and a link
    in the system library directory."""
    a = target.arch
    tree.copy(path, '%s/%s' % (a.loader_dir, a.loader), 0o755)
    if a.loader_dir.rstrip('/') != target.syslib.rstrip('/'):
        tree.symlink('%s/%s' % (a.loader_dir, a.loader),
                     target.syslib + a.loader)


def add_tool(tree, target, src, dest, libdir, tool_libdirs):
    """A Debian Xen tool: its libxen* go to /upstream/lib, the rest to the
    system lib dir (resolved on the host with the unpacked libs first)."""
    tree.copy(src, dest, 0o755)
    for soname, path in ldd(src, tool_libdirs):
        real = os.path.realpath(path)
        if is_xen_lib(soname):
            tree.copy(os.path.realpath(os.path.join(libdir, soname)),
                      '/upstream/lib/' + soname, 0o755)
        elif soname == target.arch.loader:
            tree.copy(real, '%s/%s' % (target.arch.loader_dir, soname),
                      0o755)
        else:
            tree.copy(real, target.syslib + soname, 0o755)


def find_host_lib(target, soname):
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
