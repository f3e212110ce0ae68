#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""The ABI gate proves it can fail: apply each case of tests/abi/cases/
to a scratch copy of the source tree, rebuild only the library there,
run the gate on it and require the case's verdict (reject, by the named
check, or accept).  Prints TAP, one line per case, and a summary table.

One scratch tree and one configured build directory are shared by all
cases: before each case the tree is reset to a pristine copy (files get
a fresh mtime, so ninja rebuilds exactly what the case touched), which
keeps a case to about one incremental library build.

Usage: abi-selftest.py --srcdir DIR --workdir DIR --gate abi-gate.py
                       [--buildtype T] [--osdep O] [--only SUBSTRING]"""

import argparse
import filecmp
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', '..', 'scripts'))
import xs_abi  # noqa: E402

CASES_DIR = os.path.join(here, 'cases')
sys.path.insert(0, CASES_DIR)     # the cases import _edit


def is_build_dir(path):
    return any(os.path.exists(os.path.join(path, f))
               for f in ('meson-private', 'build.ninja', 'meson-logs'))


def ignore_for_copy(dirpath, names):
    skip = {'.git', '__pycache__'}
    return [n for n in names if n in skip
            or (os.path.isdir(os.path.join(dirpath, n))
                and not os.path.islink(os.path.join(dirpath, n))
                and is_build_dir(os.path.join(dirpath, n)))]


def copy_entry(src, dst):
    if os.path.lexists(dst):
        os.remove(dst)
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
    else:
        # copyfile, not copy2: the restored file must look newer than the
        # objects built from the case's edit, or ninja would keep them.
        shutil.copyfile(src, dst)
        shutil.copymode(src, dst)


def reset_tree(pristine, tree):
    """Make tree equal to pristine, touching only files that differ."""
    wanted = set()
    for dirpath, dirnames, filenames in os.walk(pristine):
        rel = os.path.relpath(dirpath, pristine)
        os.makedirs(os.path.join(tree, rel), exist_ok=True)
        for name in filenames + [d for d in dirnames
                                 if os.path.islink(os.path.join(dirpath, d))]:
            src = os.path.join(dirpath, name)
            dst = os.path.normpath(os.path.join(tree, rel, name))
            wanted.add(dst)
            if os.path.islink(src):
                if not os.path.islink(dst) or os.readlink(dst) != os.readlink(src):
                    copy_entry(src, dst)
            elif os.path.islink(dst) or not os.path.isfile(dst) or \
                    not filecmp.cmp(src, dst, shallow=False):
                copy_entry(src, dst)
    for dirpath, _, filenames in os.walk(tree):
        for name in filenames:
            path = os.path.normpath(os.path.join(dirpath, name))
            if path not in wanted:
                os.remove(path)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def load_case(path):
    spec = importlib.util.spec_from_file_location(
        'abi_case_' + os.path.basename(path)[:-3].replace('-', '_'), path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def library_path(builddir):
    targets = json.loads(run(['meson', 'introspect', '--targets', builddir],
                             check=True).stdout)
    for t in targets:
        if t['name'] == 'xenstable' and t['type'] == 'shared library':
            return t['filename'][0]
    raise RuntimeError('no shared library target "xenstable"')


def project_version(builddir):
    info = json.loads(run(['meson', 'introspect', '--projectinfo', builddir],
                          check=True).stdout)
    return info['version']


def build_library(builddir):
    """Regenerate if a meson.build changed, then build only the library."""
    r = run(['ninja', '-C', builddir, 'build.ninja'])
    if r.returncode != 0:
        raise RuntimeError('meson regenerate failed:\n' + r.stdout + r.stderr)
    lib = library_path(builddir)
    r = run(['ninja', '-C', builddir, '-j2',
             os.path.relpath(lib, builddir)])
    if r.returncode != 0:
        raise RuntimeError('library build failed:\n' + r.stdout[-3000:] +
                           r.stderr[-2000:])
    return lib


def prereq(msg):
    if os.environ.get('CI', '').lower() in ('1', 'true', 'yes'):
        print('not ok 1 - ABI self-test prerequisites # %s' % msg)
        print('1..1')
        sys.exit(1)
    print('1..0 # SKIP %s' % msg)
    sys.exit(0)     # TAP: "1..0 # SKIP" with status 0 (77 is an ERROR under TAP)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--srcdir', required=True)
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--gate', required=True)
    ap.add_argument('--buildtype', default='debugoptimized')
    ap.add_argument('--osdep', default='auto')
    ap.add_argument('--only', help='run the cases whose name contains this')
    args = ap.parse_args()

    missing = xs_abi.tools_missing() + [t for t in ('meson', 'ninja', 'objcopy')
                                        if shutil.which(t) is None]
    if missing:
        prereq('%s not installed (scripts/install-deps.sh)' % ', '.join(missing))

    work = os.path.abspath(args.workdir)
    pristine = os.path.join(work, 'pristine')
    tree = os.path.join(work, 'tree')
    builddir = os.path.join(work, 'build')
    t0 = time.monotonic()
    shutil.rmtree(pristine, ignore_errors=True)
    shutil.copytree(args.srcdir, pristine, symlinks=True,
                    ignore=ignore_for_copy)
    reset_tree(pristine, tree)
    if not os.path.exists(os.path.join(builddir, 'build.ninja')):
        shutil.rmtree(builddir, ignore_errors=True)
        r = run(['meson', 'setup', builddir, tree,
                 '-Dbuildtype=' + args.buildtype, '-Dosdep=' + args.osdep,
                 '-Dvm_tests=disabled'])
        if r.returncode != 0:
            print('not ok 1 - configure the scratch tree')
            print('# ' + (r.stdout + r.stderr)[-3000:].replace('\n', '\n# '))
            print('1..1')
            return 1
    print('# scratch tree %s, build %s (%.1fs to prepare)'
          % (tree, builddir, time.monotonic() - t0))

    cases = sorted(p for p in glob.glob(os.path.join(CASES_DIR, '[0-9]*.py'))
                   if not args.only or args.only in os.path.basename(p))
    rows = []
    failed = 0
    for n, path in enumerate(cases, 1):
        name = os.path.basename(path)[:-3]
        case = load_case(path)
        expect = case.EXPECT
        caught_by = getattr(case, 'CAUGHT_BY', None)
        start = time.monotonic()
        reset_tree(pristine, tree)
        verdict, detail, lines = None, '', []
        try:
            case.edit(tree)
            lib = build_library(builddir)
            if hasattr(case, 'postbuild'):
                case.postbuild(lib)
            gate = run([sys.executable, args.gate, '--lib', lib,
                        '--srcdir', tree, '--version', project_version(builddir),
                        '--workdir', os.path.join(work, 'gate', name)])
            lines = gate.stdout.splitlines()
            failures = [l for l in lines if l.startswith('not ok')]
            if any(l.startswith('1..0') for l in lines):
                verdict = 'error (gate skipped)'
            elif gate.returncode == 0:
                verdict = 'accept'
            elif gate.returncode == 1 and failures:
                verdict = 'reject'
            else:
                verdict = 'error (gate rc %d)' % gate.returncode
            if hasattr(case, 'postbuild'):
                os.remove(lib)      # the next case must relink it
        except Exception as e:      # an edit that no longer applies, etc.
            verdict, detail = 'error', str(e)
        secs = time.monotonic() - start
        failures = [l.split(' - ', 1)[-1] for l in lines if l.startswith('not ok')]
        good = verdict == expect
        if good and expect == 'reject' and caught_by:
            good = any(caught_by in f for f in failures)
            if not good:
                detail = 'rejected, but not by the check "%s"' % caught_by
        failed += not good
        print('%sok %d - %s: expected %s, gate said %s (%.1fs)' % (
            '' if good else 'not ', n, name, expect, verdict, secs))
        doc = (case.__doc__ or '').strip().split('\n')[0]
        print('# ' + doc)
        if verdict == 'reject' or not good:
            # The gate's own report, so the log shows what it saw.
            show = False
            for l in lines:
                if l.startswith(('ok ', 'not ok ', '1..')):
                    show = l.startswith('not ok ')
                if show:
                    print('#   | ' + l)
        if not good:
            print('# ' + (detail or '').replace('\n', '\n# '))
        rows.append((name, expect, verdict, '; '.join(failures) or '-', secs))
        sys.stdout.flush()

    # Leave the scratch tree pristine for the next (incremental) run.
    reset_tree(pristine, tree)
    print('#')
    print('# %-28s %-7s %-8s %6s  %s' % ('case', 'expect', 'verdict', 'secs',
                                          'failed gate checks'))
    for name, expect, verdict, why, secs in rows:
        print('# %-28s %-7s %-8s %6.1f  %s' % (name, expect, verdict, secs, why))
    print('# total %.1fs' % (time.monotonic() - t0))
    print('1..%d' % len(cases))
    return 1 if failed or not cases else 0


if __name__ == '__main__':
    sys.exit(main())
