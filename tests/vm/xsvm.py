#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""xsvm - libxenstable's VM test bed.

Boots the real Debian Xen 4.17 hypervisor with a Debian Linux dom0 (and,
in the two-domain suite, a PVH domU) inside QEMU, runs the VM test
programs against libxenstable ("ours") and against Debian's upstream Xen
libraries ("upstream"), and reports TAP on stdout for meson.

Everything comes from Debian 12 packages fetched with `apt-get download`
into <builddir>/vm-cache/ and unpacked with `dpkg -x`; nothing is
installed on the host.  See tests/vm/README.md.
"""

import argparse
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = '@@XS'          # dom0 markers (never printed by Xen/Linux)
GMARK = '@@XG'         # guest markers

XEN_LIB_PKGS = ['libxenevtchn1', 'libxengnttab1', 'libxencall1',
                'libxenforeignmemory1', 'libxendevicemodel1',
                'libxentoollog1', 'libxentoolcore1', 'libxenhypfs1',
                'libxenmisc4.17', 'libxenstore4']
TOOL_PKGS = ['xen-utils-4.17', 'xen-utils-common', 'xenstore-utils',
             'libyajl2']
BASE_PKGS = ['xen-hypervisor-4.17-amd64', 'busybox-static']
# Loaded in this order (dependencies, read from the .ko files, go first).
XEN_MODULES = ['xen-evtchn', 'xen-privcmd', 'xenfs', 'xen-gntdev',
               'xen-gntalloc']
# Guests get the same drivers except xenfs (not needed there).
GUEST_MODULES = ['xen-evtchn', 'xen-privcmd', 'xen-gntdev', 'xen-gntalloc']

XEN_CMDLINE = ('console=com1 com1=115200,8n1 dom0_mem=512M,max:512M '
               'dom0_max_vcpus=2 loglvl=all guest_loglvl=all noreboot '
               'bootscrub=0')
DOM0_CMDLINE = 'console=hvc0 earlyprintk=xen loglevel=7'

# ---------------------------------------------------------------- output


class Prereq(Exception):
    """A missing host prerequisite (skip locally, fail in CI)."""


class Failure(Exception):
    """The harness itself failed: reported as a failed test."""


def log(msg):
    print('# ' + msg.replace('\n', '\n# '), flush=True)


def run(cmd, **kw):
    kw.setdefault('check', True)
    kw.setdefault('stdout', subprocess.PIPE)
    kw.setdefault('stderr', subprocess.PIPE)
    kw.setdefault('text', True)
    return subprocess.run(cmd, **kw)


def sha256_file(path, h=None):
    h = h or hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h


# ---------------------------------------------------------------- packages


def deb_filename(pkg, ver, arch):
    # apt-get download names files <pkg>_<ver with ':' as %3a>_<arch>.deb
    return '%s_%s_%s.deb' % (pkg, ver.replace(':', '%3a'), arch)


def candidates(pkgs):
    """pkg -> (version, arch) of apt's candidate, via `apt-cache show`."""
    try:
        p = run(['apt-cache', 'show', '--no-all-versions'] + pkgs,
                check=False)
    except FileNotFoundError:
        raise Prereq('apt-cache not found: this harness needs a Debian '
                     'host with apt')
    res = {}
    for stanza in p.stdout.split('\n\n'):
        fields = dict(re.findall(r'^([A-Za-z-]+): (.*)$', stanza, re.M))
        if 'Package' in fields and fields['Package'] not in res:
            res[fields['Package']] = (fields['Version'],
                                      fields.get('Architecture', 'amd64'))
    missing = [x for x in pkgs if x not in res]
    if missing:
        raise Prereq('apt does not know package(s) %s. The package lists '
                     'are probably missing: run `apt-get update` once '
                     '(as root) and retry.%s'
                     % (' '.join(missing),
                        ('\napt-cache said: ' + p.stderr.strip())
                        if p.stderr.strip() else ''))
    return res


def resolve_kernel():
    try:
        p = run(['apt-cache', 'depends', 'linux-image-amd64'], check=False)
    except FileNotFoundError:
        raise Prereq('apt-cache not found')
    m = re.search(r'Depends: (linux-image-[0-9][^\s]*-amd64)', p.stdout)
    if not m:
        raise Prereq('cannot resolve the kernel package from '
                     '`apt-cache depends linux-image-amd64` (package lists '
                     'missing? run `apt-get update`): %s%s'
                     % (p.stdout.strip(), p.stderr.strip()))
    return m.group(1)


def fetch(cache, pkgs):
    """Download missing .debs; return {pkg: path}."""
    debdir = os.path.join(cache, 'debs')
    os.makedirs(debdir, exist_ok=True)
    cand = candidates(pkgs)
    paths, need = {}, []
    for pkg in pkgs:
        ver, arch = cand[pkg]
        path = os.path.join(debdir, deb_filename(pkg, ver, arch))
        paths[pkg] = path
        if not os.path.exists(path):
            need.append('%s=%s' % (pkg, ver))
    if need:
        log('apt-get download ' + ' '.join(need))
        t0 = time.time()
        p = run(['apt-get', 'download'] + need, cwd=debdir, check=False)
        if p.returncode != 0:
            raise Prereq('apt-get download failed (run `apt-get update` if '
                         'the package lists are missing or stale):\n'
                         + p.stderr.strip())
        log('downloaded in %.1fs' % (time.time() - t0))
    for pkg, path in paths.items():
        if not os.path.exists(path):
            raise Failure('apt-get download did not produce ' + path)
    return paths


def resolve_and_fetch(cache, suite):
    """{pkg: .deb path}; falls back to the last resolved set in the cache
    when apt cannot resolve (no package lists / mirror unreachable)."""
    last = os.path.join(cache, 'last-resolved-%s.json' % suite)
    try:
        kpkg = resolve_kernel()
        pkgs = BASE_PKGS + [kpkg] + XEN_LIB_PKGS
        if suite == 'twodom':
            pkgs += TOOL_PKGS
        debs = fetch(cache, pkgs)
    except Prereq as e:
        try:
            with open(last) as f:
                debs = json.load(f)
        except (OSError, ValueError):
            raise e
        if not all(os.path.exists(p) for p in debs.values()):
            raise e
        log('WARNING: %s\nusing the previously resolved packages from %s'
            % (str(e).split('\n')[0], last))
        return debs
    with open(last + '.tmp', 'w') as f:
        json.dump(debs, f, indent=1)
    os.replace(last + '.tmp', last)
    return debs


def unpack(cache, debs):
    """dpkg -x the .debs into one tree shared by both suites.

    The tree records which .deb files it holds; new packages are added in
    place, and the tree is rebuilt from scratch when a package it holds
    changed version (so no stale files survive an upgrade)."""
    root = os.path.join(cache, 'root')
    manifest = os.path.join(root, '.xsvm-unpacked')
    have = set()
    if os.path.exists(manifest):
        with open(manifest) as f:
            have = set(f.read().split())
    want = {os.path.basename(d): d for d in debs}
    pkg = lambda name: name.split('_')[0]
    want_pkgs = {pkg(n): n for n in want}
    # a new kernel is a new package name: drop the old one too
    stale = [n for n in have if n not in want and
             (pkg(n) in want_pkgs or pkg(n).startswith('linux-image-'))]
    if stale:
        log('package versions changed (%s): re-unpacking' % ' '.join(stale))
        shutil.rmtree(root)
        have = set()
    os.makedirs(root, exist_ok=True)
    for name in sorted(set(want) - have):
        run(['dpkg', '-x', want[name], root])
        have.add(name)
        with open(manifest + '.tmp', 'w') as f:
            f.write('\n'.join(sorted(have)) + '\n')
        os.replace(manifest + '.tmp', manifest)
    # trees of an older cache layout
    for d in os.listdir(cache):
        if d.startswith('root-'):
            shutil.rmtree(os.path.join(cache, d), ignore_errors=True)
    return root


# ---------------------------------------------------------------- modules


def modinfo(path):
    """The .modinfo strings of a (possibly compressed) kernel module."""
    data = read_module(path)
    info = {}
    for m in re.finditer(rb'(?:^|\0)([a-z_]+)=([^\0]*)', data):
        k, v = m.group(1).decode(), m.group(2).decode('latin-1')
        if k in ('depends', 'name') and k not in info:
            info[k] = v
    return info


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


def find_kernel(root):
    mods = os.path.join(root, 'lib', 'modules')
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
    for dp, _, files in os.walk(os.path.join(root, 'lib', 'modules', kver)):
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


# ---------------------------------------------------------------- rootfs


class Tree:
    """An initramfs under construction (a staging directory)."""

    def __init__(self, path):
        if os.path.exists(path):
            shutil.rmtree(path)
        self.path = path
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
        bb = os.path.join(root, 'bin', 'busybox')
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
        bb = self.bbhost
        with open(tmp, 'wb') as f:
            cp = subprocess.Popen([bb, 'cpio', '-o', '-H', 'newc'],
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


def add_program(tree, exe, dest, builddir, upstream_libdir):
    """Copy a dynamically linked program plus its ldd closure.

    libxenstable (and anything else from the build dir) goes to /ours/lib,
    Debian's stable libxen* (from the unpacked .debs, not the host) to
    /upstream/lib, other Debian libxen* (e.g. libxenstore) and everything
    else to /lib/x86_64-linux-gnu (the loader also to /lib64)."""
    ours = dest.endswith('-ours')
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
                       else '/lib/x86_64-linux-gnu/') + soname, 0o755)
        elif soname.startswith('ld-linux'):
            tree.copy(real, '/lib64/' + soname, 0o755)
            tree.symlink('/lib64/' + soname,
                         '/lib/x86_64-linux-gnu/' + soname)
        else:
            tree.copy(real, '/lib/x86_64-linux-gnu/' + soname, 0o755)


def add_tool(tree, src, dest, libdir, tool_libdirs):
    """A Debian Xen tool: its libxen* go to /upstream/lib, the rest to the
    system lib dir (resolved on the host with the unpacked libs first)."""
    tree.copy(src, dest, 0o755)
    for soname, path in ldd(src, tool_libdirs):
        real = os.path.realpath(path)
        if is_xen_lib(soname):
            tree.copy(os.path.realpath(os.path.join(libdir, soname)),
                      '/upstream/lib/' + soname, 0o755)
        elif soname.startswith('ld-linux'):
            tree.copy(real, '/lib64/' + soname, 0o755)
        else:
            tree.copy(real, '/lib/x86_64-linux-gnu/' + soname, 0o755)


def find_host_lib(soname):
    p = run(['/sbin/ldconfig', '-p'], check=False)
    for line in p.stdout.splitlines():
        m = re.match(r'\s*(\S+) \(libc6,x86-64\) => (\S+)', line)
        if m and m.group(1) == soname:
            return m.group(2)
    for d in ('/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu'):
        if os.path.exists(os.path.join(d, soname)):
            return os.path.join(d, soname)
    raise Prereq('host library %s not found' % soname)


# ---------------------------------------------------------------- /init


def read_template(name):
    with open(os.path.join(HERE, name)) as f:
        return f.read()


# ---------------------------------------------------------------- boot


def kvm_usable():
    """KVM is opt-in (XSVM_ACCEL=kvm) and only used when it can really run
    a full-system guest: /dev/kvm plus hardware vmx/svm, not kvm_pvm."""
    why = None
    if not os.path.exists('/dev/kvm'):
        why = '/dev/kvm missing'
    elif os.path.exists('/sys/module/kvm_pvm'):
        why = 'kvm_pvm (PVM) cannot run Xen'
    else:
        try:
            with open('/proc/cpuinfo') as f:
                flags = f.read()
            if not re.search(r'^flags\s*:.*\b(vmx|svm)\b', flags, re.M):
                why = 'no vmx/svm in /proc/cpuinfo'
        except OSError:
            why = 'cannot read /proc/cpuinfo'
        if not why and not (os.path.exists('/sys/module/kvm_intel') or
                            os.path.exists('/sys/module/kvm_amd')):
            why = 'neither kvm_intel nor kvm_amd is loaded'
    return why


def boot(qemu, xen, vmlinuz, initrd, serial_log, timeout, mem='2048',
         smp='2'):
    accel = ['-accel', 'tcg', '-cpu', 'max,-smap']
    if os.environ.get('XSVM_ACCEL', 'tcg') == 'kvm':
        why = kvm_usable()
        if why:
            log('XSVM_ACCEL=kvm ignored (%s): using TCG' % why)
        else:
            accel = ['-accel', 'kvm', '-cpu', 'host,-arch-capabilities']
    icount = os.environ.get('XSVM_ICOUNT', '')
    if icount and accel[1] == 'tcg':
        # bench mode (scripts/bench.sh): the guest's clock counts emulated
        # instructions (2^shift ns each), so timings do not depend on how
        # busy the host is
        if not icount.isdigit():
            raise Failure('XSVM_ICOUNT must be a shift (a number)')
        accel += ['-icount', 'shift=%s,sleep=off' % icount]
    # QEMU's multiboot loader splits -initrd on ','; ',,' is a literal ','
    dom0_cmd = DOM0_CMDLINE.replace(',', ',,')
    cmd = [qemu] + accel + [
        '-m', mem, '-smp', smp, '-display', 'none', '-monitor', 'none',
        '-serial', 'file:' + serial_log, '-no-reboot', '-nodefaults',
        '-kernel', xen, '-append', XEN_CMDLINE,
        '-initrd', '%s %s,%s' % (vmlinuz, dom0_cmd, initrd)]
    log('boot: ' + ' '.join("'%s'" % c if ' ' in c else c for c in cmd))
    if os.path.exists(serial_log):
        os.unlink(serial_log)
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    status, done_at = 'exited', None
    # meson ends the harness with SIGTERM on its timeout; QEMU runs in its
    # own session and would be left running: exit through the finally.
    old_term = signal.signal(signal.SIGTERM, lambda sig, _: sys.exit(128 + sig))
    try:
        while True:
            try:
                proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.time()
            tail = ''
            try:
                with open(serial_log, 'rb') as f:
                    f.seek(0, 2)
                    f.seek(max(0, f.tell() - 8192))
                    tail = f.read().decode('latin-1')
            except OSError:
                pass
            if MARK + ' DONE' in tail and done_at is None:
                done_at = now
            if done_at is not None and now - done_at > 30:
                status = 'hung after DONE (killed)'
            elif re.search(r'Panic on CPU|Kernel panic - not syncing', tail):
                time.sleep(2)
                status = 'panic (killed)'
            elif now - t0 > timeout:
                status = 'timeout after %ds (killed)' % timeout
            else:
                continue
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        signal.signal(signal.SIGTERM, old_term)
    elapsed = time.time() - t0
    qemu_out = proc.stdout.read().decode('latin-1').strip()
    return status, elapsed, proc.returncode, qemu_out


# ---------------------------------------------------------------- parsing


def clean_lines(text):
    out = []
    for line in text.replace('\r', '').split('\n'):
        out.append(line)
    return out


def parse_runs(lines, mark):
    """{(prog, impl): {'lines': [...], 'rc': int|None}} plus flags."""
    runs, cur, done, order = {}, None, False, []
    begin = re.compile(re.escape(mark) + r' BEGIN (\S+) (\S+)\s*$')
    end = re.compile(re.escape(mark) + r' END (\S+) (\S+) rc=(-?\d+)\s*$')
    for line in lines:
        if line.startswith('(XEN)'):
            continue
        m = begin.search(line)
        if m:
            cur = (m.group(1), m.group(2))
            runs[cur] = {'lines': [], 'rc': None}
            order.append(cur)
            continue
        m = end.search(line)
        if m:
            key = (m.group(1), m.group(2))
            if key in runs:
                runs[key]['rc'] = int(m.group(3))
            cur = None
            continue
        if line.rstrip() == mark + ' DONE':
            done = True
            continue
        if cur is not None:
            runs[cur]['lines'].append(line)
    return runs, order, done


def section(lines, name):
    """Lines between '@@XS <name> BEGIN' and '@@XS <name> END'."""
    out, inside = [], False
    for line in lines:
        if line.rstrip() == '%s %s BEGIN' % (MARK, name):
            inside, out = True, []
        elif line.rstrip() == '%s %s END' % (MARK, name):
            inside = False
        elif inside:
            out.append(line)
    return out


def normalise(lines):
    out = []
    for line in lines:
        line = line.rstrip()
        if not line or line.startswith('#'):
            continue
        out.append(re.sub(r'\{[^{}]*\}', '{}', line))
    return out


def load_allowlist(path):
    """Lines: '<prog> | <regex> | <reason>' (reason is mandatory)."""
    allow = []
    if not os.path.exists(path):
        return allow
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = [x.strip() for x in line.split('|', 2)]
            if len(parts) != 3 or not parts[2]:
                raise Failure('%s:%d: expected "<prog> | <regex> | <reason>"'
                              % (path, n))
            allow.append((parts[0], re.compile(parts[1]), parts[2]))
    return allow


def diff_transcripts(prog, a, b, allow):
    """Unmatched differences between two normalised transcripts."""
    import difflib
    diffs, allowed = [], []
    for d in difflib.unified_diff(a, b, 'ours', 'upstream', n=0,
                                  lineterm=''):
        if d.startswith(('---', '+++', '@@')):
            continue
        body = d[1:]
        hit = [r for p, rx, r in allow
               if (p == prog or p == '*') and rx.search(body)]
        (allowed if hit else diffs).append(
            d + ('   [allowed: %s]' % hit[0] if hit else ''))
    return diffs, allowed


class Tap:
    def __init__(self):
        self.n, self.failed = 0, 0

    def ok(self, cond, name, detail=None, diag=()):
        self.n += 1
        if not cond:
            self.failed += 1
        print('%sok %d - %s%s' % ('' if cond else 'not ', self.n, name,
                                  (' # ' + detail) if detail and not cond
                                  else ''))
        for d in diag:
            print('#   ' + d)
        sys.stdout.flush()

    def finish(self):
        print('1..%d' % self.n, flush=True)
        return 1 if self.failed else 0


def report_runs(tap, runs, progs, impls, allow, where):
    """TAP lines per (prog, impl) plus one differential line per prog."""
    for prog in progs:
        for impl in impls:
            r = runs.get((prog, impl))
            name = '%s [%s]%s' % (prog, impl, where)
            if r is None:
                tap.ok(False, name, 'did not run (no BEGIN marker)')
                continue
            bad = [l for l in r['lines'] if l.startswith('not ok')]
            oks = [l for l in r['lines'] if l.startswith('ok ')]
            cond = r['rc'] == 0 and not bad and bool(oks)
            detail = None
            if r['rc'] is None:
                detail = 'no END marker (crashed or hung)'
            elif r['rc'] != 0:
                detail = 'rc=%d, %d failed check(s)' % (r['rc'], len(bad))
            elif bad:
                detail = '%d failed check(s)' % len(bad)
            elif not oks:
                detail = 'program reported no checks'
            diag = r['lines'] if not cond else \
                ['%d checks passed' % len(oks)]
            tap.ok(cond, name, detail, diag)
        if len(impls) < 2:          # ours-only: nothing to compare with
            continue
        a, b = runs.get((prog, impls[0])), runs.get((prog, impls[1]))
        name = '%s [diff %s vs %s]%s' % (prog, impls[0], impls[1], where)
        if a is None or b is None:
            tap.ok(False, name, 'missing transcript')
            continue
        ta = normalise(a['lines']) + ['exit %s' % a['rc']]
        tb = normalise(b['lines']) + ['exit %s' % b['rc']]
        diffs, allowed = diff_transcripts(prog, ta, tb, allow)
        tap.ok(not diffs, name, '%d unexplained difference(s)' % len(diffs)
               if diffs else None, diffs + allowed)


# ---------------------------------------------------------------- main


def prereq_or_fail(tap_exit, msg):
    ci = os.environ.get('CI', '').lower() in ('1', 'true', 'yes')
    if ci:
        print('not ok 1 - VM prerequisites # %s' % msg.split('\n')[0])
        log(msg)
        print('1..1')
        return 1
    print('1..0 # SKIP %s' % msg.replace('\n', ' '))
    return tap_exit


def early_exit(a):
    """The exit status when this run must not boot: a prerequisite meson
    could not find (--missing) or the XSVM_DISABLE opt-out; else None."""
    if a.missing:
        return prereq_or_fail(0, a.missing)
    if os.environ.get('XSVM_DISABLE'):
        print('1..0 # SKIP XSVM_DISABLE is set')
        return 0
    return None


def run_paths(a, log_name):
    """(builddir, package cache, serial log path) of this run, created."""
    builddir = os.path.abspath(a.builddir)
    logdir = os.path.abspath(a.logdir or os.path.join(builddir, 'meson-logs'))
    os.makedirs(logdir, exist_ok=True)
    cache = os.path.join(builddir, 'vm-cache')
    os.makedirs(cache, exist_ok=True)
    return builddir, cache, os.path.join(logdir, log_name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--suite', required=True, choices=['dom0', 'twodom'])
    ap.add_argument('--builddir', required=True)
    ap.add_argument('--logdir')
    ap.add_argument('--timeout', type=int,
                    default=int(os.environ.get('XSVM_TIMEOUT', '240')))
    ap.add_argument('--prog', nargs=3, action='append', default=[],
                    metavar=('NAME', 'OURS', 'UPSTREAM'),
                    help='a dom0 test program (both builds)')
    ap.add_argument('--pair', nargs=5, action='append', default=[],
                    metavar=('NAME', 'OURS', 'UPSTREAM', 'PEER_OURS',
                             'PEER_UPSTREAM'),
                    help='a two-domain test: dom0 side and guest peer')
    ap.add_argument('--ours-only', nargs=2, action='append', default=[],
                    metavar=('NAME', 'EXE'),
                    help='a program with no upstream counterpart, run '
                    'against libxenstable only and not diffed: in dom0 '
                    'after the others (two-domain suite: once the guest '
                    'is done, so it may end the guest)')
    ap.add_argument('--demo', nargs='+', default=[], metavar='EXE',
                    help='run these programs (linked against libxenstable) in '
                    'dom0 while the guest is up and print their output '
                    'verbatim instead of TAP (scripts/demo.sh)')
    ap.add_argument('--bench', nargs=2, metavar=('OURS', 'UPSTREAM'),
                    help='benchmark mode (scripts/bench.sh): run bench/'
                    'vm-run.sh in dom0 with the guest up, with strace and '
                    'callgrind in the initramfs; no TAP')
    ap.add_argument('--bench-out', help='bench mode: write the lines '
                    'between @@XS BENCH BEGIN/END to this file')
    ap.add_argument('--missing', help='a prerequisite meson could not find')
    ap.add_argument('--prepare-only', action='store_true',
                    help='build the initramfs, do not boot')
    a = ap.parse_args()

    early = early_exit(a)
    if early is not None:
        return early
    builddir, cache, serial_log = run_paths(a, 'vm-%s.log' % a.suite)
    tap = Tap()
    t_start = time.time()

    try:
        qemu = shutil.which('qemu-system-x86_64')
        if not qemu:
            raise Prereq('qemu-system-x86_64 not found: apt-get install '
                         'qemu-system-x86 (scripts/install-deps.sh does)')
        for tool in ('apt-get', 'dpkg', 'ldd', 'gzip'):
            if not shutil.which(tool):
                raise Prereq(tool + ' not found')
        import fcntl
        lockf = open(os.path.join(cache, '.lock'), 'w')
        fcntl.flock(lockf, fcntl.LOCK_EX)   # released when we exit
        debs = resolve_and_fetch(cache, a.suite)
        root = unpack(cache, list(debs.values()))
        initrd, xen, vmlinuz = build_initrd(a, builddir, cache, root, debs)
    except Prereq as e:
        return prereq_or_fail(0, str(e))
    except (Failure, subprocess.CalledProcessError, OSError) as e:
        msg = str(e)
        if isinstance(e, subprocess.CalledProcessError):
            msg += '\n' + (e.stderr or '')
        tap.ok(False, 'prepare %s VM' % a.suite, msg.split('\n')[0],
               msg.split('\n')[1:])
        return tap.finish()
    t_prep = time.time() - t_start
    log('prepared in %.1fs (initrd %s, %d KiB)'
        % (t_prep, initrd, os.path.getsize(initrd) // 1024))
    if a.prepare_only:
        print('1..0 # SKIP --prepare-only')
        return 0

    if a.demo or a.bench:
        status, elapsed, qrc, qout = boot(qemu, xen, vmlinuz, initrd,
                                          serial_log, a.timeout)
        lines = read_serial(serial_log)
        runs, order, done = parse_runs(lines, MARK)
        booted = done and status == 'exited'
        if a.demo:
            return print_demo(a, runs, booted, status, lines, serial_log)
        return write_bench(a, booted, status, lines, serial_log)

    # One retry, only when the first boot failed AND the emulated machine
    # showed its known fault: processes killed by SIGSEGV at random (kernel
    # "segfault at" lines), which QEMU 7.2 TCG causes when Xen switches
    # between two domains' vCPUs -- busybox and Debian's own binaries die
    # the same way (measured in docs/vm-crash-storm.md).  The second boot
    # must pass on its own; the first one's TAP is kept in the log.
    for attempt in (1, 2):
        sub = Tap()
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            elapsed, crashes, lines = boot_and_report(
                a, sub, qemu, xen, vmlinuz, initrd, serial_log)
        if attempt == 1 and sub.failed and crashes:
            log('boot 1: %d failed check(s) with %d process crash report(s) '
                'from the emulated machine: booting again.  Boot 1 said:'
                % (sub.failed, len(crashes)))
            for l in crashes[:10]:
                log('  crash: ' + l)
            for l in buf.getvalue().splitlines():
                log('  | ' + l)
            os.replace(serial_log, serial_log + '.boot1')
            continue
        sys.stdout.write(buf.getvalue())
        sys.stdout.flush()
        tap.n, tap.failed = sub.n, sub.failed
        break
    log('suite %s: prepare %.1fs, boot %.1fs, total %.1fs'
        % (a.suite, t_prep, elapsed, time.time() - t_start))
    rc = tap.finish()
    if rc:
        log('FAILED; last lines of the serial log %s:' % serial_log)
        for l in lines[-40:]:
            log('  ' + l)
    return rc


def read_serial(serial_log):
    try:
        with open(serial_log, 'rb') as f:
            text = f.read().decode('latin-1')
    except OSError:
        text = ''
    return clean_lines(text)


def boot_and_report(a, tap, qemu, xen, vmlinuz, initrd, serial_log):
    """Boot once and report every check into tap.  Returns the boot time,
    the kernel's process-crash lines and the serial log's lines."""
    status, elapsed, qrc, qout = boot(qemu, xen, vmlinuz, initrd,
                                      serial_log, a.timeout)
    lines = read_serial(serial_log)
    runs, order, done = parse_runs(lines, MARK)
    log('boot %s in %.1fs (qemu rc=%s); serial log: %s'
        % (status, elapsed, qrc, serial_log))
    booted = done and status == 'exited'
    diag = []
    if not booted:
        diag = ['qemu: ' + l for l in qout.splitlines()[-10:]]
        diag += ['serial tail: ' + l for l in lines[-60:]]
    tap.ok(booted, 'boot %s VM (Xen + dom0%s) and reach %s DONE'
           % (a.suite, ' + %s domU' % os.environ.get('XSVM_GUEST_TYPE', 'pvh')
              .upper() if a.suite == 'twodom' else '', MARK),
           status if done else 'no %s DONE: %s' % (MARK, status), diag)

    allow = load_allowlist(os.path.join(HERE, 'known-differences.txt'))
    impls = ['ours', 'upstream']
    ours_only = [p[0] for p in a.ours_only]
    if a.suite == 'dom0':
        report_runs(tap, runs, [p[0] for p in a.prog], impls, allow, '')
        report_runs(tap, runs, ours_only, ['ours'], allow, '')
    else:
        names = [p[0] for p in a.pair]
        report_runs(tap, runs, names, impls, allow, ' (dom0)')
        report_runs(tap, runs, ours_only, ['ours'], allow, ' (dom0)')
        glines = section(lines, 'GUEST-LOG')
        if not glines:
            for name in names:
                for impl in impls:
                    tap.ok(False, '%s-peer [%s] (domU)' % (name, impl),
                           'no guest console log reached the serial port')
        else:
            gruns, _, gdone = parse_runs(glines, GMARK)
            report_runs(tap, gruns, [n + '-peer' for n in names], impls,
                        allow, ' (domU)')
            if not gdone:
                log('guest did not print %s DONE; guest log tail:' % GMARK)
                for l in glines[-40:]:
                    log('  ' + l)
    crashes = [l for l in lines if 'segfault at' in l or
               'general protection fault ip:' in l]
    return elapsed, crashes, lines


def print_demo(a, runs, booted, status, lines, serial_log):
    """Demo mode: each program's output as it printed it, then a verdict."""
    rc = 0 if booted else 1
    for exe in a.demo:
        name = os.path.basename(exe)
        r = runs.get((name, 'ours'))
        print('\n===== %s (in the Xen dom0%s) =====' % (
            name, ', with a PVH guest' if a.suite == 'twodom' else ''))
        if r is None:
            print('(did not run)')
            rc = 1
            continue
        print('\n'.join(r['lines']))
        if r['rc'] != 0:
            rc = 1
    if not booted:
        print('\nthe VM did not finish cleanly (%s); serial log: %s'
              % (status, serial_log))
        for l in lines[-30:]:
            print('  ' + l)
    return rc


def write_bench(a, booted, status, lines, serial_log):
    """Bench mode: save the benchmark's lines for bench/report.py."""
    out = section(lines, 'BENCH')
    if a.bench_out:
        with open(a.bench_out, 'w') as f:
            f.write(''.join(l + '\n' for l in out))
    log('bench: %d result lines%s' % (len(out), ' -> ' + a.bench_out
                                      if a.bench_out else ''))
    if not booted or not out:
        log('the bench VM did not finish cleanly (%s); serial log: %s'
            % (status, serial_log))
        for l in lines[-40:]:
            log('  ' + l)
        return 1
    return 0


# Tools the bench mode adds to dom0 (the host's own builds, which
# scripts/install-deps.sh installs): strace counts system calls,
# callgrind counts user-space instructions.
BENCH_TOOLS = ['/usr/bin/strace', '/usr/bin/valgrind.bin']
BENCH_VALGRIND = ['/usr/libexec/valgrind/callgrind-amd64-linux',
                  '/usr/libexec/valgrind/vgpreload_core-amd64-linux.so',
                  '/usr/libexec/valgrind/default.supp']
BENCH_SCRIPT = os.path.join(HERE, '..', '..', 'bench', 'vm-run.sh')


def add_bench(tree, a, builddir, upstream_libdir):
    for impl, exe in zip(('ours', 'upstream'), a.bench):
        add_program(tree, exe, '/t/bin/xsbench-' + impl, builddir,
                    upstream_libdir)
    for tool in BENCH_TOOLS + BENCH_VALGRIND:
        if not os.path.exists(tool):
            raise Prereq('%s not found: apt-get install strace valgrind '
                         '(scripts/install-deps.sh does)' % tool)
    for tool in BENCH_TOOLS:
        add_tool(tree, tool, tool, upstream_libdir, [upstream_libdir])
    for f in BENCH_VALGRIND:
        tree.copy(f, f, 0o755)
    tree.write('/t/bench.sh', read_template(BENCH_SCRIPT))
    tree.write('/t/bench', 'xsbench\n')


def build_initrd(a, builddir, cache, root, debs):
    """Stage and pack the dom0 initramfs; cached on a hash of its inputs."""
    kver, vmlinuz = find_kernel(root)
    xen_gz = os.path.join(root, 'boot', 'xen-4.17-amd64.gz')
    if not os.path.exists(xen_gz):
        cands = [f for f in os.listdir(os.path.join(root, 'boot'))
                 if f.startswith('xen-') and f.endswith('.gz')]
        if not cands:
            raise Failure('no xen-*.gz in xen-hypervisor package')
        xen_gz = os.path.join(root, 'boot', sorted(cands)[0])
    xen = os.path.join(cache, 'xen-' + os.path.basename(
        debs['xen-hypervisor-4.17-amd64'])[:-4])
    if not os.path.exists(xen):
        import gzip
        with gzip.open(xen_gz) as fi, open(xen + '.tmp', 'wb') as fo:
            shutil.copyfileobj(fi, fo)
        os.replace(xen + '.tmp', xen)

    # Cache key: packages, harness files, test binaries and the libraries
    # they load from the build dir / host.
    h = hashlib.sha256()
    h.update(('\n'.join(sorted(os.path.basename(d)
                               for d in debs.values())) + a.suite).encode())
    for fn in sorted(os.listdir(HERE)):
        if fn.endswith(('.py', '.sh', '.cfg')):
            sha256_file(os.path.join(HERE, fn), h)
    exes = [x for p in a.prog for x in p[1:]] + \
        [x for p in a.pair for x in p[1:]] + [p[1] for p in a.ours_only]
    h.update(repr(a.prog + a.pair + a.ours_only + a.demo).encode())
    exes += a.demo
    if a.bench:
        exes += a.bench + BENCH_TOOLS + BENCH_VALGRIND + [BENCH_SCRIPT]
        h.update(repr(a.bench).encode())
    h.update((vm_env() + os.environ.get('XSVM_GUEST_TYPE', 'pvh')).encode())
    for exe in exes:
        sha256_file(exe, h)
        for _, lib in ldd(exe):
            sha256_file(lib, h)
    key = h.hexdigest()[:16]
    # keep the test initrd cached
    kind = 'demo' if a.demo else 'bench' if a.bench else a.suite
    initrd = os.path.join(cache, 'initrd-%s-%s.gz' % (kind, key))
    if os.path.exists(initrd):
        log('initramfs up to date: ' + initrd)
        return initrd, xen, vmlinuz
    for fn in os.listdir(cache):
        if fn.startswith('initrd-%s-' % kind):
            os.unlink(os.path.join(cache, fn))

    t0 = time.time()
    upstream_libdir = os.path.join(root, 'usr', 'lib', 'x86_64-linux-gnu')
    bbhost = os.path.join(root, 'bin', 'busybox')
    mods = module_order(root, kver, XEN_MODULES)
    log('kernel %s, modules: %s' % (kver, ' '.join(n for n, _ in mods)))

    def base_tree(path, modlist):
        t = Tree(path)
        t.bbhost = bbhost
        t.busybox(root)
        t.modules(modlist)
        t.mkdir('/ours/lib', '/upstream/lib', '/t/bin')
        return t

    # dom0 test programs
    tree = base_tree(os.path.join(cache, 'stage-' + a.suite), mods)
    plan = []
    for name, ours, up in a.prog:
        add_program(tree, ours, '/t/bin/%s-ours' % name, builddir,
                    upstream_libdir)
        add_program(tree, up, '/t/bin/%s-upstream' % name, builddir,
                    upstream_libdir)
        plan.append(name)
    for name, ours, up, pours, pup in a.pair:
        add_program(tree, ours, '/t/bin/%s-ours' % name, builddir,
                    upstream_libdir)
        add_program(tree, up, '/t/bin/%s-upstream' % name, builddir,
                    upstream_libdir)
    tree.write('/t/env', vm_env())
    tree.write('/t/plan', ''.join('%s\n' % n for n in plan))
    tree.write('/t/pairs', ''.join('%s\n' % p[0] for p in a.pair))
    for name, exe in a.ours_only:
        add_program(tree, exe, '/t/bin/%s-ours' % name, builddir,
                    upstream_libdir)
    tree.write('/t/ours-only', ''.join('%s\n' % p[0] for p in a.ours_only))
    for exe in a.demo:
        add_program(tree, exe, '/t/bin/%s-ours' % os.path.basename(exe),
                    builddir, upstream_libdir)
    tree.write('/t/demo', ''.join('%s\n' % os.path.basename(e)
                                  for e in a.demo))
    tree.write('/init', read_template('init-dom0.sh'), 0o755)
    if a.bench:
        add_bench(tree, a, builddir, upstream_libdir)

    if a.suite == 'twodom':
        build_twodom(tree, root, kver, vmlinuz, upstream_libdir, builddir,
                     cache, a, bbhost)

    # Debian's upstream libraries: the whole stable set, so a test program
    # that gains a dependency keeps working.
    for pkg in XEN_LIB_PKGS:
        for soname in lib_sonames(root, debs[pkg]):
            tree.copy(os.path.realpath(os.path.join(upstream_libdir,
                                                    soname)),
                      '/upstream/lib/' + soname, 0o755)
    tree.cpio_gz(initrd)
    log('initramfs built in %.1fs' % (time.time() - t0))
    return initrd, xen, vmlinuz


def vm_env():
    """Host settings passed into the VMs (sourced by the /init scripts)."""
    out = ''
    for var in ('XSVM_PROG_TIMEOUT', 'XSVM_TIMEOUT_MS',
                'XSVM_GUEST_BOOT_TIMEOUT', 'XSVM_BENCH_ROUNDS'):
        val = os.environ.get(var, '')
        if val:
            if not val.isdigit():
                raise Failure('%s must be a number' % var)
            out += 'export %s=%s\n' % (var, val)
    return out


def lib_sonames(root, deb):
    """Shared-library sonames a library .deb ships (from its file list)."""
    p = run(['dpkg-deb', '-c', deb])
    names = []
    for line in p.stdout.splitlines():
        m = re.search(r'\./usr/lib/x86_64-linux-gnu/(lib[^/ ]+\.so\.[0-9.]+)',
                      line)
        if m:
            base = re.match(r'(.*\.so\.\d+)', m.group(1)).group(1)
            if os.path.exists(os.path.join(root, 'usr/lib/x86_64-linux-gnu',
                                           base)) and base not in names:
                names.append(base)
    return names


def build_twodom(tree, root, kver, vmlinuz, upstream_libdir, builddir,
                 cache, a, bbhost):
    """Add xl & co, the guest kernel and the guest initramfs to dom0's."""
    xbin = os.path.join(root, 'usr', 'lib', 'xen-4.17', 'bin')
    libdirs = [upstream_libdir]
    for tool in ('xl', 'xenstored', 'xenconsoled', 'xen-init-dom0'):
        add_tool(tree, os.path.join(xbin, tool),
                 '/usr/lib/xen-4.17/bin/' + tool, upstream_libdir, libdirs)
    for tool in ('xenstore-read', 'xenstore-write', 'xenstore-ls',
                 'xenstore-list', 'xenstore-rm', 'xenstore-watch'):
        src = os.path.join(root, 'usr', 'bin', tool)
        if os.path.islink(src):
            tgt = os.readlink(src)
            tree.symlink(tgt, '/usr/bin/' + tool)
            src = os.path.join(os.path.dirname(src), tgt)
            tool = os.path.basename(tgt)
        add_tool(tree, src, '/usr/bin/' + tool, upstream_libdir, libdirs)
    # glibc dlopen()s libgcc_s for pthread_cancel (xl aborts without it)
    tree.copy(os.path.realpath(find_host_lib('libgcc_s.so.1')),
              '/lib/x86_64-linux-gnu/libgcc_s.so.1', 0o755)
    for d in ('/var/run/xen', '/var/run/xenstored', '/var/lib/xenstored',
              '/var/lib/xen', '/var/log/xen/console', '/var/lock',
              '/etc/xen'):
        tree.mkdir(d)
    tree.copy(vmlinuz, '/boot/vmlinuz', 0o644)
    cfg = read_template('guest.cfg')
    gtype = os.environ.get('XSVM_GUEST_TYPE', 'pvh')
    if gtype not in ('pvh', 'pv'):
        raise Failure('XSVM_GUEST_TYPE must be pvh or pv')
    cfg = cfg.replace('type = "pvh"', 'type = "%s"' % gtype)
    tree.write('/etc/xen/guest.cfg', cfg)
    tree.write('/t/twodom.sh', read_template('twodom.sh'))
    tree.write('/etc/xen/xl.conf', '# empty: defaults\n')

    # guest initramfs: busybox, drivers, peer programs and their libraries
    gmods = module_order(root, kver, GUEST_MODULES)
    g = Tree(os.path.join(cache, 'stage-guest'))
    g.bbhost = bbhost
    g.busybox(root)
    g.modules(gmods)
    g.mkdir('/ours/lib', '/upstream/lib', '/t/bin')
    for name, _, _, pours, pup in a.pair:
        add_program(g, pours, '/t/bin/%s-peer-ours' % name, builddir,
                    upstream_libdir)
        add_program(g, pup, '/t/bin/%s-peer-upstream' % name, builddir,
                    upstream_libdir)
    g.write('/t/env', vm_env())
    g.write('/t/pairs', ''.join('%s\n' % p[0] for p in a.pair))
    g.write('/init', read_template('init-guest.sh'), 0o755)
    g.cpio_gz(tree.p('/boot/guest-initrd.gz'))


if __name__ == '__main__':
    sys.exit(main())
