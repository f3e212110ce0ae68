#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Advisory abi-compliance-checker reports (HTML kept in the build dir).

  --against baseline  the current library against the library of the
                      commit that added each abi/ baseline (rebuilt from
                      git in the build dir; both sides dumped with
                      abi-dumper, which needs their DWARF)
  --against upstream  Debian's own Xen 4.17 libraries and headers against
                      ours.  Debian ships no DWARF for them, so both sides
                      are described by XML descriptors (headers + .so) and
                      ACC compiles the headers itself.

The blocking gate is abidiff (tests/abi/abi-gate.py); ACC is slow, Perl,
and matches symbols by name (false positives on symver evolution), so
this test never fails on findings: each incompatibility becomes a TAP
"not ok ... # TODO advisory" line (an expected failure in meson) with the
report path.  It fails only when no report could be produced.  Findings
against upstream are listed in docs/abi-compat.md.

Usage: acc-report.py --against baseline|upstream --lib LIB --srcdir DIR
                     --workdir DIR --upstream-libdir DIR [--upstream-include DIR]"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', '..', 'scripts'))
import xs_abi  # noqa: E402

# Upstream's stable libraries in Debian 12 (libxen-dev + runtime packages)
# and the public header of each.  hypfs's and toolcore's internal
# xentoolcore__* functions have no header, so ACC cannot see them; the
# abidiff baseline covers them.
UPSTREAM = [
    ('xentoollog', 'libxentoollog.so.1'),
    ('xentoolcore', 'libxentoolcore.so.1'),
    ('xenevtchn', 'libxenevtchn.so.1'),
    ('xengnttab', 'libxengnttab.so.1'),
    ('xencall', 'libxencall.so.1'),
    ('xenforeignmemory', 'libxenforeignmemory.so.1'),
    ('xendevicemodel', 'libxendevicemodel.so.1'),
    ('xenhypfs', 'libxenhypfs.so.1'),
]

n = 0
failed = 0


def tap(ok, name, detail=None, advisory=False):
    global n, failed
    n += 1
    failed += not ok and not advisory
    suffix = ' # TODO advisory' if (advisory and not ok) else ''
    print('%sok %d - %s%s' % ('' if ok else 'not ', n, name, suffix))
    if detail:
        print('# ' + detail.rstrip().replace('\n', '\n# '))
    sys.stdout.flush()


def skip_all(msg):
    print('1..0 # SKIP %s' % msg)
    sys.exit(0)     # TAP: "1..0 # SKIP" with status 0 (77 is an ERROR under TAP)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def acc(name, old, new, report, logdir, extra=()):
    """Run ACC; return (summary dict, raw output)."""
    os.makedirs(logdir, exist_ok=True)
    cmd = ['abi-compliance-checker', '-l', name, '-old', old, '-new', new,
           '-report-path', report, '-log-path', os.path.join(logdir, 'acc.log')]
    cmd += list(extra)
    r = run(cmd, cwd=logdir)
    out = r.stdout + r.stderr
    summary = {}
    for kind in ('binary', 'source'):
        m = re.search(r'%s compatibility: ([0-9.]+)%%' % kind.capitalize(), out)
        p = re.search(r'Total %s compatibility problems: (\d+), warnings: (\d+)'
                      % kind, out)
        if m and p:
            summary[kind] = (float(m.group(1)), int(p.group(1)), int(p.group(2)))
    return summary, out, ' '.join(cmd)


def report_findings(label, summary, out, cmd, report):
    if not summary:
        tap(False, '%s: abi-compliance-checker produced a report' % label,
            cmd + '\n' + out[-3000:])
        return
    tap(True, '%s: report %s' % (label, report), cmd)
    for kind in ('binary', 'source'):
        pct, problems, warnings = summary[kind]
        # Warnings count too: ACC files a changed parameter or member type
        # as a source-compatibility "warning" only (measured).
        tap(problems == 0 and warnings == 0,
            '%s: %s compatible (%g%%, %d problems, %d warnings)'
            % (label, kind, pct, problems, warnings), advisory=True)


def against_upstream(args):
    work = os.path.join(args.workdir, 'upstream')
    shutil.rmtree(work, ignore_errors=True)
    # Each side's headers go into a directory of their own: ACC counts the
    # headers around the listed ones as the library's, and in /usr/include
    # that dragged in libc (stdio.h, select.h: "101 removed symbols").
    # Neither copy holds xen/: both sides include the system's Xen public
    # headers (libxen-dev), as with -Dsystem_xen_headers=true, so only the
    # eight library headers are compared (the bundled include/private/xen/
    # is compared with Debian's by tests/headers' layout test), and ACC
    # does not spend minutes on every Xen public type.
    sides = {'upstream': args.upstream_include,
             'ours': os.path.join(args.srcdir, 'include')}
    headers = {}
    for side, srcinc in sides.items():
        inc = os.path.join(work, side + '-include')
        os.makedirs(inc)
        headers[side] = []
        for hdr, _ in UPSTREAM:
            src = os.path.join(srcinc, hdr + '.h')
            if not os.path.exists(src):
                skip_all('%s not installed (Debian libxen-dev)' % src)
            shutil.copy(src, inc)
            headers[side].append(os.path.join(inc, hdr + '.h'))
        if side == 'ours':
            # our headers' switch between the system's and the bundled
            # <xen/...>: with no private/xen/ beside it, the system's
            os.makedirs(os.path.join(inc, 'private'))
            shutil.copy(os.path.join(srcinc, 'private', 'xen-source.h'),
                        os.path.join(inc, 'private'))
    if not os.path.exists(os.path.join(args.upstream_include, 'xen', 'xen.h')):
        skip_all('Debian libxen-dev (%s/xen) not installed'
                 % args.upstream_include)
    libs = []
    for _, so in UPSTREAM:
        lib = os.path.join(args.upstream_libdir, so)
        if not os.path.exists(lib):
            skip_all('%s not installed' % lib)
        libs.append(os.path.realpath(lib))

    def descriptor(path, version, hdrs, libraries):
        with open(path, 'w') as f:
            f.write('<version>%s</version>\n<headers>\n%s\n</headers>\n'
                    '<libs>\n%s\n</libs>\n' % (version, '\n'.join(hdrs),
                                                '\n'.join(libraries)))
    old = os.path.join(work, 'upstream-4.17.xml')
    new = os.path.join(work, 'libxenstable.xml')
    descriptor(old, '4.17', headers['upstream'], libs)
    descriptor(new, 'xenstable', headers['ours'], [os.path.realpath(args.lib)])
    report = os.path.join(args.workdir, 'acc-upstream-vs-libxenstable.html')
    summary, out, cmd = acc('xen-stable', old, new, report, work)
    report_findings('upstream 4.17 -> libxenstable', summary, out, cmd, report)


def build_at(srcdir, commit, work):
    """Build the library of commit in work/; return its path."""
    src = os.path.join(work, 'src-' + commit[:12])
    build = os.path.join(work, 'build-' + commit[:12])
    if not os.path.isdir(src):
        os.makedirs(src)
        tar = subprocess.run(['git', '-C', srcdir, 'archive', '--format=tar',
                              commit], capture_output=True, check=True).stdout
        subprocess.run(['tar', '-x', '-C', src], input=tar, check=True)
    if not os.path.exists(os.path.join(build, 'build.ninja')):
        r = run(['meson', 'setup', build, src, '-Dbuildtype=debugoptimized',
                 '-Dvm_tests=disabled'])
        if r.returncode != 0:
            raise RuntimeError(r.stdout + r.stderr)
    targets = json.loads(run(['meson', 'introspect', '--targets', build],
                             check=True).stdout)
    lib = [t['filename'][0] for t in targets
           if t['name'] == 'xenstable' and t['type'] == 'shared library'][0]
    r = run(['ninja', '-C', build, '-j2', os.path.relpath(lib, build)])
    if r.returncode != 0:
        raise RuntimeError(r.stdout[-3000:] + r.stderr)
    return lib, src


def against_baselines(args):
    if not os.path.isdir(os.path.join(args.srcdir, '.git')) and \
            not os.path.isfile(os.path.join(args.srcdir, '.git')):
        skip_all('not a git checkout: the baseline libraries are rebuilt '
                 'from the commits that added abi/*.abi')
    work = os.path.join(args.workdir, 'baseline')
    os.makedirs(work, exist_ok=True)
    new_dump = os.path.join(work, 'current.dump')
    r = run(['abi-dumper', os.path.abspath(args.lib), '-o', new_dump,
             '-lver', 'current', '-public-headers',
             os.path.join(args.srcdir, 'include')], cwd=work)
    if r.returncode != 0:
        tap(False, 'abi-dumper of the current library', r.stdout + r.stderr)
        return
    arch = xs_abi.elf_arch(args.lib)
    if arch is None:
        skip_all('no ABI baselines for the architecture of ' + args.lib)
    for node, path in xs_abi.baselines(args.srcdir, arch):
        rel = os.path.relpath(path, args.srcdir)
        commit = run(['git', '-C', args.srcdir, 'log', '--diff-filter=A',
                      '--format=%H', '-1', '--', rel]).stdout.strip()
        if not commit:
            tap(False, '%s: find the commit that added it' % rel,
                'not committed yet?', advisory=True)
            continue
        try:
            lib, src = build_at(args.srcdir, commit, work)
        except (RuntimeError, subprocess.CalledProcessError) as e:
            tap(False, '%s: rebuild the library of %s' % (node, commit[:12]),
                str(e))
            continue
        old_dump = os.path.join(work, node + '.dump')
        r = run(['abi-dumper', lib, '-o', old_dump, '-lver', node,
                 '-public-headers', os.path.join(src, 'include')], cwd=work)
        if r.returncode != 0:
            tap(False, 'abi-dumper of %s' % node, r.stdout + r.stderr)
            continue
        report = os.path.join(args.workdir, 'acc-%s-vs-current.html' % node)
        summary, out, cmd = acc('libxenstable', old_dump, new_dump, report,
                                work)
        report_findings('%s (%s) -> current' % (node, commit[:12]), summary,
                        out, cmd, report)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--against', choices=['baseline', 'upstream'],
                    required=True)
    ap.add_argument('--lib', required=True)
    ap.add_argument('--srcdir', required=True)
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--upstream-libdir', required=True,
                    help="Debian's libxen* of this build's architecture")
    ap.add_argument('--upstream-include', default='/usr/include',
                    help="Debian's libxen-dev headers")
    args = ap.parse_args()
    args.workdir = os.path.abspath(args.workdir)
    args.srcdir = os.path.abspath(args.srcdir)
    tools = ['abi-compliance-checker'] + (
        ['abi-dumper', 'git', 'meson', 'ninja'] if args.against == 'baseline'
        else [])
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        skip_all('%s not installed (scripts/install-deps.sh)' % ', '.join(missing))
    os.makedirs(args.workdir, exist_ok=True)
    if args.against == 'upstream':
        against_upstream(args)
    else:
        against_baselines(args)
    print('1..%d' % n)
    return 0 if n and not failed else 1


if __name__ == '__main__':
    sys.exit(main())
