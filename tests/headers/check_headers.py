#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Header checks for libxenstable (meson suite 'headers').

  check_headers.py compile MODE HEADER   one public or bundled header alone
  check_headers.py protos HEADER         our prototypes == upstream's
  check_headers.py layout PROBES...      bundled xen/ ABI == system xen/ ABI
  check_headers.py uapi PROBES...        xen-linux-uapi.h == <xen/sys/*.h>

The layout probes are built by meson (tests/headers/meson.build) with
the build's own compiler and run through its exe wrapper.

Paths come from the environment: XS_SRCDIR (source root), XS_BUILD_INC
(the build's include/, where xenstable.h is generated), CC, CXX; in a
cross build also XS_SYSTEM_INCLUDE (the sysroot's libxen-dev headers),
XS_CLANG_TARGET (clang's --target) and MESON_EXE_WRAPPER (set by meson).
Exit 0 = pass, 1 = fail, 77 = skip (a needed tool or header is missing).
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get('XS_SRCDIR',
                     os.path.dirname(os.path.dirname(os.path.dirname(
                         os.path.abspath(__file__)))))
INC = os.path.join(SRC, 'include')
# Generated public headers (xenstable.h), searched after INC.
BUILD_INC = os.environ.get('XS_BUILD_INC', INC)
# The bundled Xen public headers (private/xen/...) and the switch that
# makes our headers use them instead of the system's <xen/...>.
PRIVATE = os.path.join(INC, 'private')
BUNDLED = ['-DXENSTABLE_USE_SYSTEM_XEN_HEADERS=0']
HERE = os.path.join(SRC, 'tests', 'headers')
# Where Debian's libxen-dev headers are: /usr/include, or the sysroot's
# in a cross build (meson.build passes it).
SYSINC = os.environ.get('XS_SYSTEM_INCLUDE') or '/usr/include'
CC = os.environ.get('CC', 'gcc').split()
CXX = os.environ.get('CXX', 'g++').split()
# A cross build's target (meson.build): clang compiles for it too.
CLANG_TARGET = os.environ.get('XS_CLANG_TARGET', '')
SKIP = 77
# The system headers stay system headers (after -I) in a cross build too.
SYSFLAGS = [] if SYSINC == '/usr/include' else ['-isystem', SYSINC]

# Public headers whose upstream (Debian libxen-dev) counterpart exists.
UPSTREAM = {
    'xentoollog.h': os.path.join(SYSINC, 'xentoollog.h'),
    'xentoolcore.h': os.path.join(SYSINC, 'xentoolcore.h'),
    'xenevtchn.h': os.path.join(SYSINC, 'xenevtchn.h'),
    'xengnttab.h': os.path.join(SYSINC, 'xengnttab.h'),
    'xencall.h': os.path.join(SYSINC, 'xencall.h'),
    'xenforeignmemory.h': os.path.join(SYSINC, 'xenforeignmemory.h'),
    'xendevicemodel.h': os.path.join(SYSINC, 'xendevicemodel.h'),
    'xenhypfs.h': os.path.join(SYSINC, 'xenhypfs.h'),
    # Not in Xen 4.17: checked against the Xen 4.21 prototypes instead.
    'xenmanage.h': os.path.join(HERE, 'upstream-xenmanage.h'),
}
# Functions each header must declare (the ~104 stable functions + toollog
# and toolcore).  A missing or extra declaration fails `protos'.
EXPECTED_COUNT = {
    'xentoollog.h': 8, 'xentoolcore.h': 1, 'xenevtchn.h': 12,
    'xengnttab.h': 20, 'xencall.h': 15, 'xenforeignmemory.h': 9,
    'xendevicemodel.h': 26 + 13, 'xenhypfs.h': 6, 'xenmanage.h': 4,
    # libxenstable's own interface (no upstream header: no protos test)
    'xenkexec.h': 11,
}
# libxenstable's additions to upstream headers (node XENSTABLE_1.1): the
# only declarations allowed beyond upstream's, and all of them required.
EXTENSIONS = {
    'xendevicemodel.h': {
        'xendevicemodel_add_to_physmap', 'xendevicemodel_populate_physmap_exact',
        'xendevicemodel_map_pirq', 'xendevicemodel_map_pirq_msi',
        'xendevicemodel_unmap_pirq', 'xendevicemodel_reboot',
        'xendevicemodel_s3_suspend', 'xendevicemodel_s3_awaken',
        'xendevicemodel_route_pci_intx_to_isa_irq',
        'xendevicemodel_mark_memory_region_dirty',
        'xendevicemodel_make_ram_region_rw',
        'xendevicemodel_make_ram_region_ro', 'xendevicemodel_populate_ram',
    },
}


def run(cmd, **kw):
    print('+ ' + ' '.join(cmd), flush=True)
    return subprocess.run(cmd, **kw)


def have(tool):
    return shutil.which(tool[0]) is not None


def tu_for(header):
    # Something besides the header so that -pedantic has a non-empty TU.
    return '#include <%s>\nint xs_header_check_dummy;\n' % header


def compile_tu(compiler, flags, text, lang='c', out=None):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, 't.' + ('cc' if lang == 'c++' else 'c'))
        with open(src, 'w') as f:
            f.write(text)
        cmd = compiler + flags + ['-x', lang, src]
        cmd += ['-o', out] if out else ['-fsyntax-only']
        return run(cmd).returncode == 0


MODES = {
    # name: (compiler, flags, lang)
    'c99': ('cc', ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror'], 'c'),
    'ansi': ('cc', ['-ansi', '-pedantic', '-Wall', '-Werror'], 'c'),
    'cxx': ('cxx', ['-std=c++11', '-Wall', '-Wextra', '-Werror'], 'c++'),
    'clang': ('clang', ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror'], 'c'),
    'clangxx': ('clang++', ['-std=c++11', '-Wall', '-Wextra', '-Werror'], 'c++'),
    # Against Debian's Xen headers, which private/xen-source.h picks
    # whenever the compiler finds <xen/xen.h>.
    'system': ('cc', ['-std=gnu99', '-Wall', '-Wextra', '-Werror'], 'c'),
    'systemxx': ('cxx', ['-std=c++11', '-Wall', '-Werror'], 'c++'),
}


def cmd_compile(mode, header):
    comp, flags, lang = MODES[mode]
    compiler = {'cc': CC, 'cxx': CXX}.get(comp, [comp])
    if comp.startswith('clang') and CLANG_TARGET:
        compiler = compiler + ['--target=' + CLANG_TARGET]
    if not have(compiler):
        print('SKIP: no ' + compiler[0])
        return SKIP
    extra = []
    if header.startswith('xen/'):
        # Bundled headers: tools-only ones need __XEN_TOOLS__; check the
        # others both ways.
        variants = [['-D__XEN_TOOLS__']]
        if header != 'xen/domctl.h':
            variants.append([])
    else:
        variants = [[]]
    ok = True
    if mode.startswith('system'):
        if header.startswith('xen/'):
            print('SKIP: bundled header')
            return SKIP
        if not os.path.exists(os.path.join(SYSINC, 'xen', 'xen.h')):
            print('SKIP: no system Xen headers (libxen-dev)')
            return SKIP
        for v in variants:
            ok &= compile_tu(compiler, flags + v + ['-I' + INC,
                                                    '-I' + BUILD_INC]
                             + SYSFLAGS, tu_for(header), lang)
        return 0 if ok else 1
    text = tu_for(header)
    if lang == 'c++' and header in EXPECTED_COUNT:
        # Re-declaring each function with C linkage is an error if the
        # header (missing its extern "C" guard) gave it C++ linkage.
        decls = declarations(os.path.join(INC, header), [INC])
        text += ''.join('extern "C" %s\n' % d for d in decls.values())
    # A bundled header on its own (as the library's build includes it),
    # or a public header forced onto the bundled copies.
    incs = ['-I' + PRIVATE] if header.startswith('xen/') \
        else BUNDLED + ['-I' + INC, '-I' + BUILD_INC]
    for v in variants:
        ok &= compile_tu(compiler, flags + v + extra + incs, text, lang)
    return 0 if ok else 1


# --- prototype comparison -------------------------------------------------

FUNC_RE = re.compile(r'\b((?:xen|xtl_)\w*)\s*\(')


def declarations(header_path, incdirs, defines=()):
    """Top-level function declarations of one header, after preprocessing
    (comments, macros and #if resolved), as {name: text}."""
    text = '#include "%s"\n' % header_path
    cmd = CC + ['-E', '-P', '-std=gnu99'] + list(defines)
    cmd += ['-I' + i for i in incdirs] + ['-x', 'c', '-']
    p = subprocess.run(cmd, input=text, capture_output=True, text=True)
    if p.returncode:
        sys.stderr.write(p.stderr)
        raise SystemExit(1)
    # Only declarations from the header file itself, not its includes:
    # re-run with line markers to know where each line came from.
    cmd[cmd.index('-P')] = '-dI'
    p = subprocess.run(cmd, input=text, capture_output=True, text=True)
    own, keep = [], False
    target = os.path.realpath(header_path)
    for line in p.stdout.splitlines():
        m = re.match(r'# \d+ "([^"]+)"', line)
        if m:
            keep = os.path.realpath(m.group(1)) == target
            continue
        if keep and not line.startswith('#'):
            own.append(line)
    body = ' '.join(own)
    decls, depth, cur = {}, 0, ''
    for ch in body:
        cur += ch
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth -= 1
        elif ch == ';' and depth == 0:
            stmt = ' '.join(cur.split())
            cur = ''
            if stmt.startswith(('typedef', 'struct', 'enum', 'union', 'extern "C"')) \
                    and '(' not in stmt.split('{')[0]:
                continue
            m = FUNC_RE.search(stmt)
            if m and not stmt.startswith('typedef'):
                decls[m.group(1)] = stmt
    return decls


def cmd_protos(header):
    upstream = UPSTREAM[header]
    if not os.path.exists(upstream):
        print('SKIP: %s not installed (libxen-dev)' % upstream)
        return SKIP
    ours = declarations(os.path.join(INC, header), [INC])
    theirs = declarations(upstream, [SYSINC])
    ok = True
    want = EXPECTED_COUNT[header]
    if len(ours) != want:
        print('FAIL: %s declares %d functions, expected %d: %s'
              % (header, len(ours), want, sorted(ours)))
        ok = False
    missing = sorted(set(theirs) - set(ours))
    ext = EXTENSIONS.get(header, set())
    extra = sorted(set(ours) - set(theirs) - ext)
    absent = sorted(ext - set(ours))
    if absent:
        print('FAIL: libxenstable extensions missing from %s: %s'
              % (header, absent))
        ok = False
    if missing:
        print('FAIL: missing from our %s: %s' % (header, missing))
        ok = False
    if extra:
        print('FAIL: not in upstream %s: %s' % (header, extra))
        ok = False
    # Redeclare every one of our prototypes after upstream's header: the
    # compiler rejects any difference in return or parameter types,
    # pointer constness, or variadic-ness as a conflicting declaration.
    tu = ['#include "%s"' % upstream]
    tu += [ours[n] for n in sorted(ours)]
    # ...and the other way round, to catch a stray K&R-style "()" in ours.
    with tempfile.TemporaryDirectory() as d:
        ok &= compile_tu(CC, ['-std=gnu11', '-Wall', '-Werror',
                              '-I' + SYSINC, '-I' + HERE],
                         '\n'.join(tu) + '\n', 'c')
        tu2 = ['#include "%s"' % os.path.join(INC, header)]
        tu2 += [theirs[n] for n in sorted(theirs)]
        ok &= compile_tu(CC, ['-std=gnu11', '-Wall', '-Werror', '-I' + INC],
                         '\n'.join(tu2) + '\n', 'c')
    print('%s: %d prototypes compared' % (header, len(ours)))
    return 0 if ok else 1


# --- layout comparison ----------------------------------------------------

def run_probe(exe):
    """Output of a layout probe built by meson, run through meson's exe
    wrapper when it is for another machine (MESON_EXE_WRAPPER, set by
    `meson test` in cross builds: qemu-user for arm64)."""
    cmd = shlex.split(os.environ.get('MESON_EXE_WRAPPER', '')) + [exe]
    print('+ ' + ' '.join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.stdout.write(p.stderr)
        return None
    return p.stdout


def diff_outputs(label, ours, theirs):
    if ours is None or theirs is None:
        print('FAIL: %s: probe did not build/run' % label)
        return False
    a, b = ours.splitlines(), theirs.splitlines()
    if a == b:
        print('%s: %d items identical' % (label, len(a)))
        return True
    import difflib
    print('FAIL: %s differs (--- system, +++ ours):' % label)
    sys.stdout.writelines(l + '\n' for l in difflib.unified_diff(
        b, a, 'system', 'ours', lineterm='', n=0))
    return False


def cmd_layout(probes):
    # (ours, system) without and with __XEN_TOOLS__, from meson.build;
    # none when the system's Xen headers are missing.
    if not probes:
        print('SKIP: no system Xen headers (libxen-dev) for this build')
        return SKIP
    ok = True
    for i, label in ((0, 'layout'), (2, 'layout with __XEN_TOOLS__')):
        ok &= diff_outputs(label, run_probe(probes[i]),
                           run_probe(probes[i + 1]))
    return 0 if ok else 1


def cmd_uapi(probes):
    # (ours, system), from meson.build
    if not probes:
        print('SKIP: no <xen/sys/privcmd.h> (libxen-dev) for this build')
        return SKIP
    return 0 if diff_outputs('uapi', run_probe(probes[0]),
                             run_probe(probes[1])) else 1


def main(argv):
    if argv[1] == 'compile':
        return cmd_compile(argv[2], argv[3])
    if argv[1] == 'protos':
        return cmd_protos(argv[2])
    if argv[1] == 'layout':
        return cmd_layout(argv[2:])
    if argv[1] == 'uapi':
        return cmd_uapi(argv[2:])
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
