#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Source and binary drop-in on the build host (no Xen needed).

Installs this build (configured with -Dupstream_compat=true) into a
scratch DESTDIR and, with pkg-config pointed at that staged tree only
(never at the system's upstream .pc files):

* every upstream module name exists, at a version at least the system's
  upstream one, and resolves to -lxenstable and our headers;
* programs written for upstream's API -- among them the calls QEMU's
  build makes to detect Xen >= 4.10 and >= 4.11 -- compile and link with
  pkg-config alone, and with QEMU's fallback -l link names alone, and
  need libxenstable.so.1 and no upstream library;
* the runnable one runs against the staged tree;
* the same program built against the system's upstream libraries runs
  unchanged on the staged tree through the old SONAME names, binds every
  Xen symbol there, and prints exactly what it prints on upstream's.

Prints TAP."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument('--builddir', required=True)
ap.add_argument('--meson', required=True)
ap.add_argument('--cc', required=True)
ap.add_argument('--progs', required=True, help='directory of the C programs')
ap.add_argument('--prefix', required=True)
ap.add_argument('--libdir', required=True)
ap.add_argument('--includedir', required=True)
ap.add_argument('--enabled', required=True, choices=['true', 'false'])
ap.add_argument('--module', nargs=2, action='append', default=[],
                metavar=('NAME', 'VERSION'))
a = ap.parse_args()

n = 0
failed = 0


def check(ok, name, detail=''):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print('%sok %d - %s' % ('' if ok else 'not ', n, name))
    if detail and not ok:
        for line in str(detail).splitlines():
            print('#   ' + line)
    sys.stdout.flush()
    return ok


if a.enabled != 'true':
    msg = 'configure with -Dupstream_compat=true to test the drop-in install'
    if os.environ.get('CI', '').lower() in ('1', 'true', 'yes'):
        print('not ok 1 - %s\n1..1' % msg)
        sys.exit(1)
    print('1..0 # SKIP ' + msg)
    sys.exit(0)


def run(cmd, env=None, **kw):
    return subprocess.run(cmd, env=env, capture_output=True, text=True, **kw)


def clean_env(**extra):
    """The environment for everything we run: meson test puts the build
    dir on LD_LIBRARY_PATH, and the user may have PKG_CONFIG_* set."""
    env = {k: v for k, v in os.environ.items()
           if k != 'LD_LIBRARY_PATH' and not k.startswith('PKG_CONFIG')}
    env.update(extra)
    return env


def needed(exe):
    out = run(['readelf', '-d', '-W', exe]).stdout
    return re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]+)\]', out)


def version_tuple(v):
    return tuple(int(x) for x in re.findall(r'\d+', v))


tmp = tempfile.mkdtemp(prefix='xs-dropin-')
try:
    stage = os.path.join(tmp, 'stage')
    p = run([a.meson, 'install', '-C', a.builddir, '--destdir', stage,
             '--no-rebuild', '--quiet'], env=clean_env())
    if not check(p.returncode == 0, 'meson install into a scratch DESTDIR',
                 p.stdout + p.stderr):
        print('1..%d' % n)
        sys.exit(1)

    def staged(path):
        return os.path.join(stage, path.lstrip('/'))

    libdir = staged(os.path.join(a.prefix, a.libdir))
    pcdir = os.path.join(libdir, 'pkgconfig')
    incdir = staged(os.path.join(a.prefix, a.includedir, 'xenstable'))
    real_lib = os.path.realpath(os.path.join(libdir, 'libxenstable.so.1'))
    names = [m for m, _ in a.module]

    # 1. the installed names all lead to the one library
    bad = []
    for m in names:
        for f in ('lib%s.so.1' % m, 'lib%s.so' % m):
            path = os.path.join(libdir, f)
            if not os.path.islink(path) or os.path.realpath(path) != real_lib:
                bad.append(f)
        if not os.path.exists(os.path.join(pcdir, m + '.pc')):
            bad.append(m + '.pc')
    check(not bad and os.path.isfile(real_lib),
          'lib<name>.so.1, lib<name>.so and <name>.pc for all %d upstream '
          'libraries, the links resolving to libxenstable' % len(names),
          'missing or wrong: ' + ', '.join(bad))

    # 2. pkg-config sees the staged tree only
    pc_env = clean_env(PKG_CONFIG_LIBDIR=pcdir, PKG_CONFIG_SYSROOT_DIR=stage)

    def pkgconf(*args):
        return run(['pkg-config'] + list(args), env=pc_env)

    host_env = clean_env()
    low, wrong_flags = [], []
    for m, ours_version in a.module:
        v = pkgconf('--modversion', m)
        hv = run(['pkg-config', '--modversion', m], env=host_env)
        if v.returncode != 0:
            low.append('%s: not found (%s)' % (m, v.stderr.strip()))
            continue
        if v.stdout.strip() != ours_version:
            low.append('%s: %s, table says %s' % (m, v.stdout.strip(),
                                                  ours_version))
        if hv.returncode == 0 and version_tuple(v.stdout) < \
                version_tuple(hv.stdout):
            low.append('%s: %s < upstream %s' % (m, v.stdout.strip(),
                                                 hv.stdout.strip()))
        flags = pkgconf('--cflags', '--libs', m).stdout.split()
        libs = [f for f in flags if f.startswith('-l')]
        paths = [f[2:] for f in flags if f.startswith(('-I', '-L'))]
        if libs != ['-lxenstable'] or not paths or \
                any(not os.path.realpath(x).startswith(stage) for x in paths):
            wrong_flags.append('%s: %s' % (m, ' '.join(flags)))
    check(not low, 'every module at upstream\'s version or newer '
          '(the system\'s upstream .pc files as reference)', '\n'.join(low))
    check(not wrong_flags, 'every module resolves to -lxenstable and the '
          'staged headers only', '\n'.join(wrong_flags))

    def build(src, out, flags):
        cmd = [a.cc, '-Wall', '-Werror', '-o', out,
               os.path.join(a.progs, src)] + flags
        p = run(cmd, env=clean_env())
        return p.returncode == 0, ' '.join(cmd) + '\n' + p.stdout + p.stderr

    def xen_needed(exe):
        return sorted(x for x in needed(exe) if x.startswith('libxen'))

    # 3. QEMU's detection: its pkg-config modules of ours (xencontrol and
    #    xenstore are not stable libraries and stay upstream's)
    qemu_modules = ['xenforeignmemory', 'xengnttab', 'xenevtchn',
                    'xendevicemodel', 'xentoolcore']
    q = pkgconf('--cflags', '--libs', *qemu_modules)
    qflags = q.stdout.split()
    for prog in ('qemu-xen411', 'qemu-xen410'):
        exe = os.path.join(tmp, prog)
        ok, log = build(prog + '.c', exe, qflags)
        check(ok and q.returncode == 0 and
              xen_needed(exe) == ['libxenstable.so.1'],
              '%s: QEMU\'s Xen detection calls build with pkg-config %s '
              'alone and need libxenstable.so.1 only'
              % (prog, ' '.join(qemu_modules)),
              log + ('NEEDED: %s' % needed(exe) if ok else ''))

    # 4. QEMU's fallback without pkg-config: -l<name> link names
    exe = os.path.join(tmp, 'qemu-xen411-l')
    ok, log = build('qemu-xen411.c', exe,
                    ['-I' + incdir, '-L' + libdir, '-lxendevicemodel',
                     '-lxenforeignmemory', '-lxengnttab', '-lxenevtchn',
                     '-lxentoolcore'])
    check(ok and xen_needed(exe) == ['libxenstable.so.1'],
          'qemu-xen411 links with the -lxen* link names alone '
          '(QEMU\'s fallback) and needs libxenstable.so.1 only',
          log + ('NEEDED: %s' % needed(exe) if ok else ''))

    # 5. a runnable program of upstream's API, built with pkg-config
    allmods = pkgconf('--cflags', '--libs', *names[:8]).stdout.split()
    exe = os.path.join(tmp, 'every-module')
    ok, log = build('every-module.c', exe, allmods)
    check(ok and xen_needed(exe) == ['libxenstable.so.1'],
          'every-module (all 8 upstream modules via pkg-config) builds and '
          'needs libxenstable.so.1 only', log)
    run_env = clean_env(LD_LIBRARY_PATH=libdir)
    r = run([exe], env=run_env) if ok else None
    lines = r.stdout.splitlines() if r else []
    opens = [l for l in lines if '_open:' in l]
    sane = len(opens) == 7 and all(
        re.search(r': (opened|failed errno=\d+ \(.*\))$', l) for l in opens)
    check(r is not None and r.returncode == 0 and sane,
          'every-module runs on the staged tree: each open succeeds or '
          'fails cleanly with errno',
          (r.stdout + r.stderr + 'rc=%d' % r.returncode) if r else 'not built')

    # 6. binary drop-in on the host: the upstream build of the same program
    host = run(['pkg-config', '--cflags', '--libs'] + names[:8], env=host_env)
    if host.returncode != 0:
        print('ok %d - upstream build of every-module # SKIP system has no '
              'upstream .pc files (libxen-dev)' % (n + 1))
        n += 1
    else:
        up = os.path.join(tmp, 'every-module-upstream')
        ok, log = build('every-module.c', up, host.stdout.split())
        up_needed = xen_needed(up) if ok else []
        check(ok and 'libxenstable.so.1' not in up_needed and
              'libxenevtchn.so.1' in up_needed,
              'every-module built against the system\'s upstream libraries '
              'needs their SONAMEs', log + 'NEEDED: %s' % up_needed)
        ref = run([up], env=clean_env())
        dbg = os.path.join(tmp, 'bindings')
        mine = run([up], env=clean_env(LD_LIBRARY_PATH=libdir,
                                       LD_DEBUG='bindings',
                                       LD_DEBUG_OUTPUT=dbg))
        check(ref.returncode == 0 and mine.returncode == 0 and
              ref.stdout == mine.stdout and ref.stdout,
              'the upstream-linked binary prints the same on the staged '
              'tree (via lib<name>.so.1) as on upstream\'s libraries',
              'upstream rc=%d:\n%s%s\nstaged rc=%d:\n%s%s' % (
                  ref.returncode, ref.stdout, ref.stderr, mine.returncode,
                  mine.stdout, mine.stderr))
        text = ''
        for f in os.listdir(tmp):
            if f.startswith('bindings'):
                with open(os.path.join(tmp, f)) as fh:
                    text += fh.read()
        # "binding file <exe> [0] to <lib> [0]: normal symbol `x' [VERS_1.0]"
        xen = re.findall(r'binding file \S+ \[\d+\] to (\S+) \[\d+\]: '
                         r'normal symbol `((?:xen|xtl_)\w*)\' \[(\S+)\]', text)
        stray = sorted({'%s@%s -> %s' % (s, v, lib) for lib, s, v in xen
                        if not lib.startswith(libdir) or
                        not v.startswith('VERS_')})
        check(len(xen) >= 10 and not stray,
              'all %d Xen symbol bindings of the upstream-linked binary go to '
              'the staged libxenstable, under upstream\'s VERS_1.x names'
              % len(xen), '\n'.join(stray) or 'bindings seen: %d' % len(xen))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print('1..%d' % n)
sys.exit(1 if failed else 0)
