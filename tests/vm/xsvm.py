#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""xsvm - libxenstable's VM test bed (dom0 and two-domain suites).

Boots a real Debian Xen hypervisor with a Debian Linux dom0 (and, in the
two-domain suite, a PVH domU) inside QEMU, runs the VM test programs
against libxenstable ("ours") and against Debian's upstream Xen
libraries ("upstream"), and reports TAP on stdout for meson.  --dist
picks the Debian release (and so the Xen version), --arch the
architecture.  The work is done by the modules in harness/; see
tests/vm/README.md.
"""

import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import fetch, testimage  # noqa: E402
from harness.boot import (boot, boot_once_more_on_crash_storm,  # noqa: E402
                          crash_lines, find_qemu, read_serial)
from harness.common import (HERE, Failure, Prereq, lock_cache,  # noqa: E402
                            log, run_paths)
from harness.initramfs import LibEnv  # noqa: E402
from harness.platform import DEFAULT_ARCH, DEFAULT_DIST, Target  # noqa
from harness.transcript import (GMARK, MARK, Expect, Tap,  # noqa: E402
                                early_exit, load_allowlist, parse_runs,
                                prereq_or_fail, print_demo, report_runs,
                                section, segv_runs, write_bench)


def arguments():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--suite', required=True, choices=['dom0', 'twodom'])
    ap.add_argument('--dist', default=DEFAULT_DIST,
                    help='Debian release or its Xen version (default %s)'
                    % DEFAULT_DIST)
    ap.add_argument('--arch', default=DEFAULT_ARCH,
                    help='architecture (default %s)' % DEFAULT_ARCH)
    ap.add_argument('--hypervisor', default='debian',
                    help='debian: Debian\'s hypervisor package; dm: the '
                    'architecture\'s own build with the device model '
                    '(arm64: scripts/build-xen-arm64.sh, cached under '
                    'the build dir)')
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
    ap.add_argument('--stress', type=int, metavar='SECONDS',
                    help='two-domain suite: measure the emulator\'s crash '
                    'storm (docs/vm-crash-storm.md) instead of testing: '
                    'both domains fork and exec busybox for SECONDS; '
                    'TAP: the runs and kills of each domain, and the '
                    'serial log\'s crash reports')
    ap.add_argument('--missing', help='a prerequisite meson could not find')
    ap.add_argument('--prepare-only', action='store_true',
                    help='build the initramfs, do not boot')
    return ap.parse_args()


def prepare(a, target, cache, builddir):
    """Packages, unpacked tree and initramfs: (qemu, xen, vmlinuz, initrd,
    the upstream builds this release cannot load)."""
    qemu = find_qemu(target)
    import shutil
    # (another architecture's programs are read by harness/elf.py)
    for tool in ('apt-get', 'dpkg', 'gzip') + (
            () if target.foreign else ('ldd',)):
        if not shutil.which(tool):
            raise Prereq(tool + ' not found')
    lock_cache(cache)            # held until we exit
    apt = fetch.apt_for(target, cache)
    pkgs, own_libc = testimage.packages(apt, target, a.suite)
    debs = fetch.resolve_and_fetch(apt, cache, target, pkgs, a.suite)
    root = fetch.unpack(cache, list(debs.values()))
    env = LibEnv(target, root, own_libc)
    noload, nopair = testimage.unloadable(a, env)
    initrd, xen, vmlinuz = testimage.build_initrd(
        a, target, builddir, cache, root, debs, env, noload, nopair)
    if target.hypervisor == 'dm':
        xen = fetch.build_dm_xen(target, builddir)
    return qemu, xen, vmlinuz, initrd, (noload, nopair)


def main():
    a = arguments()
    early = early_exit(a)
    if early is not None:
        return early
    tap = Tap()
    t_start = time.time()
    try:
        target = Target(a.dist, a.arch, a.hypervisor)
        builddir, cache, serial_log = run_paths(
            a.builddir, a.logdir, target,
            'vm-%s-%s.log' % (testimage.run_kind(a), target.label))
        qemu, xen, vmlinuz, initrd, loadable = prepare(a, target, cache,
                                                       builddir)
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
    log('prepared in %.1fs (Xen %s, %s; initrd %s, %d KiB)'
        % (t_prep, target.xen, target.arch.name, initrd,
           os.path.getsize(initrd) // 1024))
    if a.prepare_only:
        print('1..0 # SKIP --prepare-only')
        return 0

    def boot_once():
        status, elapsed, qrc, qout = boot(target, qemu, xen, vmlinuz,
                                          initrd, serial_log, a.timeout)
        lines = read_serial(serial_log)
        return status, elapsed, qrc, qout, lines

    if a.stress:
        status, elapsed, qrc, qout, lines = boot_once()
        return print_stress(lines, status, elapsed, serial_log)

    if a.demo or a.bench:
        status, elapsed, qrc, qout, lines = boot_once()
        runs, order, done = parse_runs(lines, MARK)
        booted = done and status == 'exited'
        if a.demo:
            return print_demo(a.demo, a.suite == 'twodom', runs, booted,
                              status, lines, serial_log)
        return write_bench(a.bench_out, booted, status, lines, serial_log)

    def attempt(sub):
        result = boot_once()
        crashes = report(a, target, sub, result, serial_log, loadable)
        return crashes, result

    status, elapsed, qrc, qout, lines = boot_once_more_on_crash_storm(
        tap, serial_log, attempt)
    log('suite %s (Xen %s): prepare %.1fs, boot %.1fs, total %.1fs'
        % (a.suite, target.label, t_prep, elapsed, time.time() - t_start))
    rc = tap.finish()
    if rc:
        log('FAILED; last lines of the serial log %s:' % serial_log)
        for l in lines[-40:]:
            log('  ' + l)
    return rc


def print_stress(lines, status, elapsed, serial_log):
    """Stress mode: TAP, one check per domain: its workers ran and the
    emulated machine killed none of their processes."""
    tap = Tap()
    counts = {}
    for l in lines:
        m = re.match(r'@@X[SG] STRESS (\w+) runs=(\d+) killed=(\d+)', l)
        if m:
            counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    for who in ('dom0', 'guest'):
        runs, killed = counts.get(who, (0, 0))
        tap.ok(runs > 0 and killed == 0,
               '%s: %d fork+exec runs, %d killed by a signal'
               % (who, runs, killed),
               'no stress report' if who not in counts else
               '%d process(es) killed' % killed if killed else None)
    reports = crash_lines(lines)
    tap.ok(not reports, 'no crash reports in the serial log',
           '%d' % len(reports), reports[:10])
    log('boot %s in %.1fs; serial log %s' % (status, elapsed, serial_log))
    return tap.finish()


def report(a, target, tap, result, serial_log, loadable):
    """Report every check of one boot into tap; returns the crash-storm
    evidence: the kernel's process-crash lines and the programs killed
    by SIGSEGV."""
    status, elapsed, qrc, qout, lines = result
    noload, nopair = loadable
    rules = Expect(target.xen, noload, nopair)
    runs, order, done = parse_runs(lines, MARK)
    log('boot %s in %.1fs (qemu rc=%s); serial log: %s'
        % (status, elapsed, qrc, serial_log))
    booted = done and status == 'exited'
    diag = []
    if not booted:
        diag = ['qemu: ' + l for l in qout.splitlines()[-10:]]
        diag += ['serial tail: ' + l for l in lines[-60:]]
    tap.ok(booted, 'boot %s VM (Xen + dom0%s) and reach %s DONE'
           % (a.suite, ' + %s domU' % testimage.guest_type().upper()
              if a.suite == 'twodom' else '', MARK),
           status if done else 'no %s DONE: %s' % (MARK, status), diag)

    allow = load_allowlist(os.path.join(HERE, 'known-differences.txt'))
    impls = ['ours', 'upstream']
    ours_only = [p[0] for p in a.ours_only]
    segv = segv_runs(runs)
    if a.suite == 'dom0':
        report_runs(tap, runs, [p[0] for p in a.prog], impls, allow, '',
                    rules)
        report_runs(tap, runs, ours_only, ['ours'], allow, '', rules)
    else:
        # dom0 programs of a two-domain boot run before the guest starts
        report_runs(tap, runs, [p[0] for p in a.prog], impls, allow, '',
                    rules)
        names = [p[0] for p in a.pair]
        report_runs(tap, runs, names, impls, allow, ' (dom0)', rules)
        report_runs(tap, runs, ours_only, ['ours'], allow, ' (dom0)', rules)
        glines = section(lines, 'GUEST-LOG')
        if not glines:
            for name in names:
                for impl in impls:
                    tap.ok(False, '%s-peer [%s] (domU)' % (name, impl),
                           'no guest console log reached the serial port')
        else:
            gruns, _, gdone = parse_runs(glines, GMARK)
            segv += segv_runs(gruns)
            report_runs(tap, gruns, [n + '-peer' for n in names], impls,
                        allow, ' (domU)', rules)
            if not gdone:
                log('guest did not print %s DONE; guest log tail:' % GMARK)
                for l in glines[-40:]:
                    log('  ' + l)
    return crash_lines(lines) + segv


if __name__ == '__main__':
    sys.exit(main())
