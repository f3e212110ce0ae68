#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Installed headers next to the system's Xen headers (issue 13, point 1).

Stages `meson install --destdir` of this source tree twice -- plain and
with -Dupstream_compat=true -- and compiles, with nothing but the
`pkg-config --cflags` of the modules each file uses:

  visible: the system's Xen headers (Debian libxen-dev) are installed too
    (a) QEMU's way: __XEN_TOOLS__, <xenctrl.h>, every stable header and
        <xen/hvm/params.h> with HVM_PARAM_* names only the complete public
        headers define (both include orders);
    (b) <xenctrl.h> alone via `pkg-config --cflags xencontrol`;
    (c) each stable header alone, as C99, C11 and C++11;
  hidden: a copy of the system include tree without any Xen header (the
    compiler runs with -nostdinc and its own search list, /usr/include
    replaced by that copy), pkg-config sees the staged tree only
    (c) each stable header alone, as C99, C11 and C++11, with and
        without __XEN_TOOLS__.

Prints TAP.  Without libxen-dev the visible cases skip (they fail in CI,
CI=true, where scripts/install-deps.sh installs it)."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument('--srcdir', required=True)
ap.add_argument('--workdir', required=True)
ap.add_argument('--meson', required=True)
ap.add_argument('--cc', required=True, help='C compiler command line')
ap.add_argument('--cxx', default='', help='C++ compiler (optional)')
ap.add_argument('--system-xen-headers', required=True,
                choices=['true', 'false'])
ap.add_argument('--header', action='append', default=[],
                help='an installed stable header (repeat)')
ap.add_argument('--module', nargs=2, action='append', default=[],
                metavar=('HEADER', 'MODULE'),
                help='upstream_compat pkg-config module of a header')
a = ap.parse_args()

CI = os.environ.get('CI', '').lower() in ('1', 'true', 'yes')
CC = a.cc.split()
CXX = a.cxx.split()
MODULE = dict(a.module)

# Names that Xen 4.17's <xen/hvm/params.h> defines and our bundled subset
# does not: if the bundled copy is found instead of the system's, (a)
# fails on them.
FULL_ONLY_PARAMS = ['HVM_PARAM_VIRIDIAN', 'HVM_PARAM_NESTEDHVM',
                    'HVM_PARAM_ALTP2M', 'HVM_PARAM_VM_GENERATION_ID_ADDR',
                    'HVM_PARAM_MONITOR_RING_PFN']
# The Xen headers of the Linux UAPI (linux-libc-dev): present on every
# Debian host with a C toolchain, so "no Xen headers" keeps them.
LINUX_UAPI_XEN = ['evtchn.h', 'gntalloc.h', 'gntdev.h', 'privcmd.h']

n = 0
failed = 0


def tap(ok, name, detail=''):
    global n, failed
    n += 1
    failed += not ok
    print('%sok %d - %s' % ('' if ok else 'not ', n, name))
    if detail and not ok:
        for line in str(detail).rstrip().splitlines()[-40:]:
            print('#   ' + line)
    sys.stdout.flush()


def skip(name, why):
    global n, failed
    n += 1
    if CI:
        failed += 1
        print('not ok %d - %s # (CI) %s' % (n, name, why))
    else:
        print('ok %d - %s # SKIP %s' % (n, name, why))


def clean_env(**extra):
    """meson test's LD_LIBRARY_PATH and the user's PKG_CONFIG_* must not
    leak into what we run."""
    env = {k: v for k, v in os.environ.items()
           if k != 'LD_LIBRARY_PATH' and not k.startswith('PKG_CONFIG')}
    env.update(extra)
    return env


def run(cmd, env=None, **kw):
    return subprocess.run(cmd, env=env or clean_env(), capture_output=True,
                          text=True, **kw)


def stage_install(flavor, compat):
    """Configure, build the installed targets of, and install one flavor.
    Returns (stage dir, pkgconfig dir, include dir) or None."""
    build = os.path.join(a.workdir, 'build-' + flavor)
    stage = os.path.join(a.workdir, 'stage-' + flavor)
    for d in (build, stage):
        shutil.rmtree(d, ignore_errors=True)
    env = clean_env(CC=a.cc)
    steps = [[a.meson, 'setup', build, a.srcdir, '--prefix=/usr',
              '-Dvm_tests=disabled', '-Dupstream_compat=' + compat,
              '-Dsystem_xen_headers=' + a.system_xen_headers]]
    log = ''
    for cmd in steps:
        p = run(cmd, env=env)
        log += ' '.join(cmd) + '\n' + p.stdout + p.stderr
        if p.returncode:
            return None, log
    p = run([a.meson, 'introspect', '--targets', build], env=env)
    targets = [os.path.relpath(t['filename'][0], build)
               for t in json.loads(p.stdout or '[]') if t.get('installed')]
    for cmd in (['ninja', '-C', build] + targets,
                [a.meson, 'install', '-C', build, '--destdir', stage,
                 '--no-rebuild', '--quiet']):
        p = run(cmd, env=env)
        log += ' '.join(cmd) + '\n' + p.stdout + p.stderr
        if p.returncode:
            return None, log
    pcdirs = [os.path.join(r, d) for r, ds, _ in os.walk(stage)
              for d in ds if d == 'pkgconfig']
    incdir = os.path.join(stage, 'usr', 'include', 'xenstable')
    if len(pcdirs) != 1 or not os.path.isdir(incdir):
        return None, log + 'no single pkgconfig dir / no %s' % incdir
    return (stage, pcdirs[0], incdir), log


def search_dirs(compiler, lang):
    """The compiler's own #include <...> search list, in order."""
    p = run(compiler + ['-x', lang, '-E', '-v', '/dev/null'])
    dirs, on = [], False
    for line in p.stderr.splitlines():
        if line.startswith('#include <...> search starts here'):
            on = True
        elif line.startswith('End of search list'):
            break
        elif on:
            dirs.append(line.strip().split(' (')[0])
    return dirs


def make_xenless_include(root):
    """A copy of /usr/include (symlinks) without libxen-dev's headers: the
    Linux UAPI's xen/ files stay, anything else of Xen goes."""
    os.makedirs(root)
    for name in sorted(os.listdir('/usr/include')):
        src = os.path.join('/usr/include', name)
        low = name.lower()
        if name == 'xen':
            os.mkdir(os.path.join(root, 'xen'))
            for f in LINUX_UAPI_XEN:
                if os.path.exists(os.path.join(src, f)):
                    os.symlink(os.path.join(src, f),
                               os.path.join(root, 'xen', f))
        elif low.startswith(('xen', 'libxen', 'libxl', '_libxl', 'xs.h',
                             'xs_lib.h')):
            continue
        else:
            os.symlink(src, os.path.join(root, name))


def hidden_flags(compiler, lang, xenless):
    """-nostdinc plus the compiler's own search list with /usr/include
    replaced by the Xen-less copy and /usr/local/include dropped (a Xen
    built from source installs there)."""
    flags = ['-nostdinc']
    for d in search_dirs(compiler, lang):
        real = os.path.realpath(d)
        if real == '/usr/local/include':
            continue
        flags += ['-isystem', xenless if real == '/usr/include' else d]
    return flags


def compile_tu(compiler, lang, flags, text, name, step='-c'):
    """step -E: preprocess only (is a header found at all?)."""
    with tempfile.TemporaryDirectory(dir=a.workdir) as d:
        src = os.path.join(d, 't.' + ('cc' if lang == 'c++' else 'c'))
        with open(src, 'w') as f:
            f.write(text)
        cmd = compiler + ['-x', lang] + flags + [step, src, '-o',
                                                 os.path.join(d, 't.o')]
        p = run(cmd)
        return p.returncode == 0, '%s\n--- %s\n%s--- output:\n%s%s' % (
            ' '.join(cmd), name, text, p.stdout, p.stderr)


def pkgconf(env, modules):
    p = run(['pkg-config', '--cflags'] + modules, env=env)
    return p.returncode == 0, p.stdout.split(), p.stderr


LANGS = [
    # label, compiler, -x language, flags
    ('C99', CC, 'c', ['-std=c99']),
    ('C11', CC, 'c', ['-std=c11']),
    ('C++11', CXX, 'c++', ['-std=c++11']),
]
WARN = ['-Wall', '-Wextra', '-Werror']


def header_tu(header, tools):
    return ('%s#include <%s>\nint xs_install_check_dummy;\n'
            % ('#define __XEN_TOOLS__ 1\n' if tools else '', header))


def qemu_tu(headers, xenctrl_first):
    """What QEMU's hw/xen/xen_native.h and its users do."""
    lines = ['#define __XEN_TOOLS__ 1']
    ctrl = ['#include <xenctrl.h>']
    ours = ['#include <%s>' % h for h in headers]
    lines += (ctrl + ours) if xenctrl_first else (ours + ctrl)
    lines += ['#include <xen/hvm/params.h>',
              'static const unsigned int params[] = {',
              '    ' + ', '.join(FULL_ONLY_PARAMS) + ',',
              '    HVM_PARAM_IOREQ_PFN, HVM_PARAM_BUFIOREQ_PFN,',
              '};',
              'int qemu_like(xc_interface *xch, xendevicemodel_handle *dmod,',
              '              xenforeignmemory_handle *fmem, domid_t dom);',
              'int qemu_like(xc_interface *xch, xendevicemodel_handle *dmod,',
              '              xenforeignmemory_handle *fmem, domid_t dom)',
              '{',
              '    uint64_t v = 0;',
              '    ioservid_t id;',
              '    xen_pfn_t pfn = 0;',
              '    (void)fmem;',
              '    if (xc_hvm_param_get(xch, dom, params[0], &v))',
              '        return -1;',
              '    if (xendevicemodel_create_ioreq_server(dmod, dom,',
              '            HVM_IOREQSRV_BUFIOREQ_ATOMIC, &id))',
              '        return -1;',
              '    return xendevicemodel_set_mem_type(dmod, dom,',
              '            HVMMEM_ram_rw, pfn, 1) + (int)v;',
              '}',
              '']
    return '\n'.join(lines)


def flavor_checks(flavor, staged, have_system, xenless):
    stage, pcdir, incdir = staged
    compat = flavor == 'upstream_compat'
    # pkg-config as on a host where this tree is installed in /usr: ours
    # first, the system's .pc files (libxen-dev) after them.
    vis_env = clean_env(PKG_CONFIG_PATH=pcdir, PKG_CONFIG_SYSROOT_DIR=stage)
    # ...and on a host without any Xen .pc file.
    hid_env = clean_env(PKG_CONFIG_LIBDIR=pcdir, PKG_CONFIG_SYSROOT_DIR=stage)

    def modules_of(header):
        return [MODULE[header]] if compat and header in MODULE \
            else ['xenstable']

    # The premise of (a): those names are missing from our bundled copy.
    bundled = [os.path.join(r, f) for r, _, fs in os.walk(incdir)
               for f in fs if f == 'params.h']
    for path in bundled:
        with open(path) as f:
            text = f.read()
        tap(any(p not in text for p in FULL_ONLY_PARAMS),
            '%s: staged %s lacks some of %s (so (a) tells which '
            'params.h it got)' % (flavor, os.path.relpath(path, stage),
                                  ' '.join(FULL_ONLY_PARAMS)))

    if not have_system:
        skip('%s: visible cases (a) (b) (c)' % flavor,
             'no system Xen headers + xencontrol.pc (Debian libxen-dev)')
    else:
        # (b)
        ok, flags, err = pkgconf(vis_env, ['xencontrol'])
        good, log = compile_tu(CC, 'c', ['-std=gnu11'] + flags,
                               '#include <xenctrl.h>\nint dummy;\n',
                               'xenctrl.h alone') if ok else (False, err)
        tap(good, '%s, libxen-dev visible: (b) <xenctrl.h> alone with '
            'pkg-config --cflags xencontrol' % flavor, log)
        # (a)
        mods = ['xencontrol', 'xenstable']
        if compat:
            mods += sorted(set(MODULE.values()))
        ok, flags, err = pkgconf(vis_env, mods)
        for first in (True, False):
            good, log = compile_tu(CC, 'c', ['-std=gnu11', '-Wall'] + flags,
                                   qemu_tu(a.header, first), 'qemu-like') \
                if ok else (False, err)
            tap(good, '%s, libxen-dev visible: (a) __XEN_TOOLS__ + '
                '<xenctrl.h> %s every stable header + <xen/hvm/params.h> '
                '(pkg-config --cflags %s)'
                % (flavor, 'before' if first else 'after', ' '.join(mods)),
                log)
        # (c)
        for h in a.header:
            ok, flags, err = pkgconf(vis_env, modules_of(h))
            for label, comp, lang, std in LANGS:
                name = '%s, libxen-dev visible: (c) <%s> alone, %s' % (
                    flavor, h, label)
                if not comp:
                    skip(name, 'no C++ compiler')
                    continue
                pedantic = ['-pedantic'] if lang == 'c' else []
                good, log = compile_tu(comp, lang, std + pedantic + WARN +
                                       flags, header_tu(h, False), h) \
                    if ok else (False, err)
                tap(good, name + ' (pkg-config --cflags %s)'
                    % ' '.join(modules_of(h)), log)

    if a.system_xen_headers == 'true':
        # By design: such an install requires the system's Xen headers.
        copies = [os.path.relpath(os.path.join(r, f), incdir)
                  for r, _, fs in os.walk(incdir) for f in fs
                  if os.path.basename(r) == 'xen' or '/xen/' in r]
        tap(not copies, '%s: -Dsystem_xen_headers=true installs no bundled '
            'Xen header (the hidden cases need them and do not apply)'
            % flavor, '\n'.join(copies))
        return
    for h in a.header:
        ok, flags, err = pkgconf(hid_env, modules_of(h))
        for label, comp, lang, std in LANGS:
            name = '%s, no Xen headers: (c) <%s> alone, %s' % (flavor, h,
                                                               label)
            if not comp:
                skip(name, 'no C++ compiler')
                continue
            hide = hidden_flags(comp, lang, xenless)
            pedantic = ['-pedantic'] if lang == 'c' else []
            good, log = True, err
            for tools in (False, True):
                if good and ok:
                    good, log = compile_tu(
                        comp, lang, std + pedantic + WARN + hide + flags,
                        header_tu(h, tools), h)
            tap(ok and good, name + ', with and without __XEN_TOOLS__', log)


def main():
    os.makedirs(a.workdir, exist_ok=True)
    xenless = os.path.join(a.workdir, 'xenless-include')
    shutil.rmtree(xenless, ignore_errors=True)
    make_xenless_include(xenless)

    # The hidden setup really hides Xen, and still works for libc.
    hide = hidden_flags(CC, 'c', xenless)
    # (<xen/gntalloc.h>: the one Linux UAPI Xen header that compiles alone)
    uapi = '#include <xen/gntalloc.h>\n' \
        if os.path.exists('/usr/include/xen/gntalloc.h') else ''
    good, log = compile_tu(CC, 'c', hide, '#include <stdio.h>\n' + uapi +
                           'int dummy;\n', 'libc')
    tap(good, 'no-Xen include tree: libc and the Linux UAPI headers work',
        log)
    for h in ('xen/xen.h', 'xenctrl.h', 'xentoollog.h', 'xenevtchn.h'):
        good, log = compile_tu(CC, 'c', hide, '#include <%s>\n' % h, h, '-E')
        tap(not good, 'no-Xen include tree: <%s> is not found' % h, log)

    have_system = os.path.exists('/usr/include/xen/xen.h') and \
        run(['pkg-config', '--exists', 'xencontrol']).returncode == 0

    for flavor, compat in (('plain', 'false'), ('upstream_compat', 'true')):
        staged, log = stage_install(flavor, compat)
        tap(staged is not None, '%s: meson setup, build and install '
            '--destdir' % flavor, log)
        if staged:
            flavor_checks(flavor, staged, have_system, xenless)
    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
