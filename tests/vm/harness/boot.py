# SPDX-License-Identifier: LGPL-2.1-only
"""Booting the test bed: the QEMU command line (the architecture's
recipe), the serial log, the hard timeout, early stops on a panic or a
hang after the last marker, and the one extra boot after the emulator's
crash storm (docs/vm-crash-storm.md)."""

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from .common import Failure, Prereq, log
from .transcript import MARK, Tap, clean_lines


def find_qemu(target):
    # XSVM_QEMU: another build of the emulator (docs/vm-crash-storm.md
    # measured Debian 12's and bookworm-backports' QEMU 10 this way)
    qemu = shutil.which(os.environ.get('XSVM_QEMU') or target.arch.qemu)
    if not qemu:
        raise Prereq('%s not found: apt-get install %s '
                     '(scripts/install-deps.sh does)'
                     % (target.arch.qemu, target.arch.qemu_pkg))
    return qemu


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


def qemu_command(target, qemu, xen, vmlinuz, initrd, serial_log,
                 mem='2048', smp=None):
    kvm = False
    if os.environ.get('XSVM_ACCEL', 'tcg') == 'kvm':
        why = kvm_usable()
        if why:
            log('XSVM_ACCEL=kvm ignored (%s): using TCG' % why)
        else:
            kvm = True
    accel = target.arch.accel(kvm)
    icount = os.environ.get('XSVM_ICOUNT', '')
    if icount and not kvm:
        # bench mode (scripts/bench.sh): the guest's clock counts emulated
        # instructions (2^shift ns each), so timings do not depend on how
        # busy the host is
        if not icount.isdigit():
            raise Failure('XSVM_ICOUNT must be a shift (a number)')
        accel += ['-icount', 'shift=%s,sleep=off' % icount]
    return [qemu] + target.arch.qemu_args(target.arch, xen, vmlinuz, initrd,
                                          serial_log, mem,
                                          smp or target.arch.smp, accel)


def boot(target, qemu, xen, vmlinuz, initrd, serial_log, timeout,
         mem='2048', smp=None):
    """Run QEMU until it exits, panics, hangs after DONE or times out.
    Returns (status, seconds, QEMU's exit code, QEMU's own output)."""
    cmd = qemu_command(target, qemu, xen, vmlinuz, initrd, serial_log,
                       mem, smp)
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


def read_serial(serial_log):
    try:
        with open(serial_log, 'rb') as f:
            text = f.read().decode('latin-1')
    except OSError:
        text = ''
    return clean_lines(text)


# What the emulated machine's crashes look like in the serial log: a
# kernel's reports of processes killed by a fault (QEMU TCG's crash storm),
# a process killed by an illegal-instruction fault on a valid instruction,
# and the PVH guest's kernel dying in its exception entry under Xen 4.14
# (a double fault or a stack guard hit on the entry trampoline, or Xen
# seeing its triple fault); docs/vm-crash-storm.md.
KERNEL_DEATH_SIGNS = ('PANIC: double fault', 'stack guard page was hit',
                      'Triple fault')
# a process killed by #UD on an instruction the CPU claims to have (the
# kernel's unhandled-signal line; the trace of a panic when it was init)
ILLEGAL_INSN_SIGNS = ('trap invalid opcode', 'asm_exc_invalid_op')
CRASH_SIGNS = ('segfault at', 'general protection fault ip:') + \
    ILLEGAL_INSN_SIGNS + KERNEL_DEATH_SIGNS
# What twodom.sh looks for in the guest's console log before each pair
# (written to /t/guest-death-signs, one fixed string per line): the same
# deaths, and any panic -- a dead guest answers nothing, so waiting for
# it only turns one failure into a timeout.
GUEST_DEATH_SIGNS = KERNEL_DEATH_SIGNS + ('Kernel panic',)


def crash_lines(lines):
    """The lines that show the emulated machine crashing, not a test."""
    return [l for l in lines if any(s in l for s in CRASH_SIGNS)]


def boot_once_more_on_crash_storm(tap, serial_log, attempt):
    """Run attempt(sub_tap) -> (crash report lines, result) once, and a
    second time only when the first run failed a check AND the emulated
    machine reported process crashes: QEMU 7.2 TCG kills processes with
    SIGSEGV at random when Xen switches between two domains' vCPUs --
    busybox and Debian's own binaries die the same way (measured in
    docs/vm-crash-storm.md).  The second run must pass on its own; the
    first one's TAP and crash lines are kept in the log as comments and
    its serial log as <log>.boot1.  Returns the counted run's result."""
    for n in (1, 2):
        sub = Tap()
        sub.n = tap.n
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            crashes, result = attempt(sub)
        if n == 1 and sub.failed and crashes:
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
        tap.n = sub.n
        tap.failed += sub.failed
        return result
