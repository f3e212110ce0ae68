#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""vm-dropin: a Debian release's own Xen binaries on libxenstable.

Builds a dom0 initramfs in which Debian's upstream stable libraries
(libxenevtchn.so.1.2, ...) are ABSENT and their SONAMEs are links to
libxenstable.so.1 -- what -Dupstream_compat=true installs -- while
everything else is the release's (--dist): xl and libxenlight/libxenctrl/
libxenguest/libxenstore, xenstored, xenconsoled, xen-init-dom0,
test-resource and QEMU (qemu-system-xen's xen-qemu-system-i386), with
the release's C library when it is newer than the host's.
dom0 (tests/vm/dropin.sh) then starts the daemons, lists domains,
creates a PV guest (XSVM_DROPIN_GUEST=pvh for PVH) whose disk is served
by QEMU's qdisk backend -- so xl starts QEMU as the guest's device model
-- runs test-resource, lets the guest write a known pattern of several
MiB through the disk and read it back (tests/vm/dropin-guest.sh),
destroys the guest and checks the image.

The same tree is then booted with the release's own stable libraries
instead (XSVM_DROPIN_IMPL=ours or =upstream runs one), and the two runs'
results and step times are printed side by side; each run's normalised
transcript is kept as meson-logs/vm-dropin-<xen>-<impl>.txt and the
differences are printed.  Reports TAP.
"""

import argparse
import contextlib
import difflib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import fetch  # noqa: E402
from harness.boot import (boot, boot_once_more_on_crash_storm,  # noqa: E402
                          find_qemu, read_serial)
from harness.common import (Failure, Prereq, hash_harness,  # noqa: E402
                            lock_cache, log, read_template, run_paths,
                            sha256_file, vm_env)
from harness.initramfs import (LibEnv, Tree, add_loader,  # noqa: E402
                               busybox_path, find_host_lib, find_kernel,
                               is_stable_lib, is_xen_lib, module_order)
from harness.platform import (DEFAULT_ARCH, DEFAULT_DIST,  # noqa: E402
                              STABLE_PKGS, Target)
from harness.testimage import (GUEST_MODULES, XEN_MODULES,  # noqa: E402
                               XEN_RUN_DIRS)
from harness.transcript import (MARK, Tap, early_exit,  # noqa: E402
                                parse_runs, prereq_or_fail)

QEMU_PKGS = ['qemu-system-xen', 'qemu-system-data']
QEMU_BIN = '/usr/libexec/xen-qemu-system-i386'
QEMU_KEYMAPS = '/usr/share/qemu/keymaps'
TOOLS = ['xl', 'xenstored', 'xenconsoled', 'xen-init-dom0', 'test-resource']
# the guest's disk (several MiB of pattern through QEMU's qdisk backend)
DISK_MIB = 8
DISK_CFG = ('disk = [ "format=raw, vdev=xvda, access=rw, backendtype=qdisk, '
            'target=/var/lib/xen/xsdisk.img" ]\n')
BINDING = re.compile(r"binding file (\S+) \[\d+\] to (\S+) \[\d+\]: "
                     r"normal symbol `(\w+)' \[([^\]]+)\]")
# a file name of Debian's stable libraries (lib<name>.so.1.<minor>)
STABLE_FILE = re.compile(r'libxen(evtchn|gnttab|call|foreignmemory|'
                         r'devicemodel|toollog|toolcore|hypfs)\.so\.1\.\d')
# glibc's heap checks aborting QEMU: seen with either library, always
# right after QEMU declines the guest's console device, in boots that
# also show the emulator's crash storm (docs/drop-in.md)
HEAP_ABORT = re.compile(r'malloc\(\)|free\(\)|corrupted (top|size|double)')
STEP_TIME = re.compile(re.escape(MARK) + r' TIME (\S+) (\S+) ([\d.]+) '
                       r'([\d.]+)\s*$')


def add_binary(tree, env, src, dest, provided):
    """A Debian binary plus its library closure (env: from the release's
    packages, and the host's when it runs on the host's C library).  The
    stable SONAMEs are left out: the tree provides them (links to
    libxenstable, or Debian's files in the comparison run)."""
    syslib = env.target.syslib
    tree.copy(src, dest, 0o755)
    skip = lambda so: is_stable_lib(so) or so in provided  # noqa: E731
    for soname, path in env.closure(src, skip):
        real = os.path.realpath(path)
        if is_xen_lib(soname):
            tree.copy(env.lib(soname), syslib + soname, 0o755)
        elif soname == env.target.arch.loader:
            add_loader(tree, env.target, real)
        else:
            tree.copy(real, syslib + soname, 0o755)


def stable_files(target, root, debs):
    """{sha256: path} of every shared object Debian's stable-library
    packages ship (to prove none of them is in the ours tree)."""
    out = {}
    for pkg in STABLE_PKGS:
        for soname in fetch.lib_sonames(target, root, debs[pkg]):
            real = os.path.realpath(os.path.join(target.lib_dir(root),
                                                 soname))
            out[sha256_file(real).hexdigest()] = real
    return out


def absence(tree, target, root, debs):
    """The absence proof: no file of Debian's stable-library packages,
    by content, anywhere in the dom0 tree (the guest's initramfs inside it
    has no libraries at all).  (found, files checked, Debian's files)."""
    debian = stable_files(target, root, debs)
    found, checked = [], 0
    for dp, _, fns in os.walk(tree.path):
        for fn in fns:
            path = os.path.join(dp, fn)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            checked += 1
            if re.match(r'libxen.*\.so', fn) or \
                    os.path.getsize(path) < 1 << 20:
                digest = sha256_file(path).hexdigest()
                if digest in debian:
                    found.append('%s (= %s)' % (
                        os.path.relpath(path, tree.path), debian[digest]))
    return found, checked, len(debian)


def disk_pattern():
    """The known pattern the guest writes through its QEMU-served disk:
    DISK_MIB MiB of 4 KiB blocks, each naming its own number (a block
    written to the wrong place shows as well as a corrupted one)."""
    out = bytearray()
    for b in range(DISK_MIB * 256):
        head = ('xsvm qdisk block %08d\n' % b).encode()
        body = bytes((b * 31 + i) % 251 for i in range(4096 - len(head)))
        out += head + body
    return bytes(out)


def write_pattern(tree):
    with open(tree.p('/t/disk.pattern'), 'wb') as f:
        f.write(disk_pattern())


def build_initrd(a, env, cache, debs, impl):
    """The dropin dom0 initramfs for one implementation; cached on a hash
    of its inputs.  Returns (initrd, xen, vmlinuz, absence proof or None
    for Debian's own libraries)."""
    target, root = env.target, env.root
    kver, vmlinuz = find_kernel(root)
    xen = fetch.xen_image(target, cache, root, debs[target.xen_pkg])
    syslib = target.syslib
    vm_env_text = vm_env(target.vm_env() +
                         'export XSVM_DISK_MIB=%d\n' % DISK_MIB)

    h = hashlib.sha256()
    h.update(('\n'.join(sorted(os.path.basename(d) for d in debs.values()))
              + impl + guest_type() + ' '.join(a.soname) +
              ' own-libc=%s' % env.own_libc).encode())
    hash_harness(h)
    sha256_file(a.lib, h)
    h.update(vm_env_text.encode())
    initrd = os.path.join(cache, 'initrd-dropin-%s-%s.gz'
                          % (impl, h.hexdigest()[:16]))
    # the absence proof is made while building; kept beside the initrd
    # so that every run reports it
    proof = initrd + '.absence.json'
    if os.path.exists(initrd) and (impl != 'ours' or
                                   os.path.exists(proof)):
        log('initramfs up to date: ' + initrd)
        absent = None
        if impl == 'ours':
            with open(proof) as f:
                absent = tuple(json.load(f))
        return initrd, xen, vmlinuz, absent
    for fn in os.listdir(cache):
        if fn.startswith('initrd-dropin-%s-' % impl):
            os.unlink(os.path.join(cache, fn))

    t0 = time.time()
    bbhost = busybox_path(root)
    tree = Tree(os.path.join(cache, 'stage-dropin'), bbhost)
    tree.busybox(root)
    tree.modules(module_order(root, kver, XEN_MODULES))
    tree.mkdir('/t/bin')
    tree.write('/t/env', vm_env_text)
    tree.write('/t/plan', '')
    tree.write('/t/pairs', '')
    tree.write('/t/demo', '')
    tree.write('/t/impl', impl + '\n')
    tree.write('/t/stage2.sh', read_template('dropin.sh'))
    tree.write('/t/again.sh', read_template('again.sh'))
    write_pattern(tree)
    tree.write('/init', read_template('init-dom0.sh'), 0o755)

    # the stable SONAMEs: ours (links, as installed) or Debian's files
    skip_stable = lambda so: is_stable_lib(so)  # noqa: E731
    if impl == 'ours':
        tree.copy(os.path.realpath(a.lib), syslib + 'libxenstable.so.1',
                  0o755)
        for so in a.soname:
            tree.symlink('libxenstable.so.1', syslib + so)
        # what libxenstable itself needs, from the system it is dropped in
        for so, path in env.closure(a.lib, skip_stable):
            if so == target.arch.loader:
                add_loader(tree, target, os.path.realpath(path))
            else:
                tree.copy(os.path.realpath(path), syslib + so, 0o755)
    else:
        for pkg in STABLE_PKGS:
            for so in fetch.lib_sonames(target, root, debs[pkg]):
                tree.copy(env.lib(so), syslib + so, 0o755)

    provided = set(a.soname)
    for t in TOOLS:
        add_binary(tree, env, os.path.join(root, target.xen_bin.lstrip('/'),
                                           t), target.xen_bin + '/' + t,
                   provided)
    add_binary(tree, env, os.path.join(root, QEMU_BIN.lstrip('/')),
               QEMU_BIN, provided)
    keymaps = os.path.join(root, QEMU_KEYMAPS.lstrip('/'))
    for fn in sorted(os.listdir(keymaps)):
        tree.copy(os.path.join(keymaps, fn), QEMU_KEYMAPS + '/' + fn, 0o644)
    # glibc dlopen()s libgcc_s for pthread_cancel (xl aborts without it)
    tree.copy(env.lib('libgcc_s.so.1') if env.own_libc else
              os.path.realpath(find_host_lib(target, 'libgcc_s.so.1')),
              syslib + 'libgcc_s.so.1', 0o755)
    tree.mkdir(*XEN_RUN_DIRS)
    tree.write('/etc/xen/xl.conf', '# empty: defaults\n')

    # the guest: same kernel, a busybox initramfs that says "@@XG UP"
    # and exercises its QEMU-served disk
    cfg = read_template('guest.cfg').replace(
        'type = "pvh"', 'type = "%s"' % guest_type())
    if 'type = "%s"' % guest_type() not in cfg:
        raise Failure('guest.cfg: cannot set the guest type')
    tree.write('/etc/xen/guest.cfg', cfg + DISK_CFG)
    tree.copy(vmlinuz, '/boot/vmlinuz', 0o644)
    g = Tree(os.path.join(cache, 'stage-dropin-guest'), bbhost)
    g.busybox(root)
    g.modules(module_order(root, kver, GUEST_MODULES + ['xen-blkfront']))
    g.write('/t/env', vm_env_text)
    g.write('/t/pairs', '')
    g.write('/t/guest-stage.sh', read_template('dropin-guest.sh'))
    g.write('/t/again.sh', read_template('again.sh'))
    write_pattern(g)
    g.write('/init', read_template('init-guest.sh'), 0o755)
    g.cpio_gz(tree.p('/boot/guest-initrd.gz'))

    absent = absence(tree, target, root, debs) if impl == 'ours' else None
    tree.cpio_gz(initrd)
    if absent is not None:
        with open(proof, 'w') as f:
            json.dump(absent, f)
    log('initramfs built in %.1fs' % (time.time() - t0))
    return initrd, xen, vmlinuz, absent


def guest_type():
    """pv (default: the guest kind the issue names) or pvh
    (XSVM_DROPIN_GUEST=pvh)."""
    t = os.environ.get('XSVM_DROPIN_GUEST', 'pv')
    if t not in ('pv', 'pvh'):
        raise Failure('XSVM_DROPIN_GUEST must be pv or pvh')
    return t


def step_lines(runs, step, impl):
    r = runs.get((step, impl))
    return (r['lines'] if r else None), (r['rc'] if r else None)


def normalise(lines):
    """Mask what differs between boots: numbers in ids, pids, times,
    addresses; drop loader noise."""
    out = []
    for l in lines:
        l = re.sub(r'\d+\.\d+', '{t}', l.rstrip())
        l = re.sub(r'\b\d+\b', '{n}', l)
        out.append(l)
    return out


def step_times(lines, impl):
    """{step: seconds} from the '@@XS TIME' lines of one boot."""
    out = {}
    for l in lines:
        m = STEP_TIME.search(l)
        if m and m.group(2) == impl:
            out[m.group(1)] = float(m.group(4)) - float(m.group(3))
    return out


def arguments():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--builddir', required=True)
    ap.add_argument('--logdir')
    ap.add_argument('--dist', default=DEFAULT_DIST,
                    help='Debian release or its Xen version (default %s)'
                    % DEFAULT_DIST)
    ap.add_argument('--arch', default=DEFAULT_ARCH,
                    help='architecture (default %s)' % DEFAULT_ARCH)
    ap.add_argument('--lib', required=True, help='the built libxenstable.so')
    ap.add_argument('--soname', nargs='+', required=True,
                    help='upstream SONAMEs to provide as links')
    ap.add_argument('--timeout', type=int,
                    default=int(os.environ.get('XSVM_TIMEOUT', '300')))
    ap.add_argument('--missing')
    ap.add_argument('--prepare-only', action='store_true',
                    help='build the initramfs, do not boot')
    return ap.parse_args()


def main():
    a = arguments()
    impls = os.environ.get('XSVM_DROPIN_IMPL', 'ours upstream').split()
    if not impls or set(impls) - {'ours', 'upstream'}:
        print('1..0 # SKIP XSVM_DROPIN_IMPL must be ours or upstream')
        return 1
    early = early_exit(a)
    if early is not None:
        return early
    tap = Tap()
    t_start = time.time()
    prepared = {}
    try:
        target = Target(a.dist, a.arch)
        builddir, cache, serial_log = run_paths(
            a.builddir, a.logdir, target, 'vm-dropin-%s.log' % target.label)
        logdir = os.path.dirname(serial_log)
        qemu = find_qemu(target)
        lock_cache(cache)            # held until we exit
        apt = fetch.apt_for(target, cache)
        pkgs = target.lib_pkgs + target.tool_pkgs + QEMU_PKGS
        own_libc = fetch.needs_own_libc(apt, target)
        if own_libc:
            pkgs += fetch.library_closure(apt, pkgs)
        debs = fetch.resolve_and_fetch(apt, cache, target, pkgs, 'dropin')
        root = fetch.unpack(cache, list(debs.values()))
        env = LibEnv(target, root, own_libc)
        for impl in impls:
            prepared[impl] = build_initrd(a, env, cache, debs, impl)
    except Prereq as e:
        return prereq_or_fail(0, str(e))
    except (Failure, subprocess.CalledProcessError, OSError) as e:
        msg = str(e)
        if isinstance(e, subprocess.CalledProcessError):
            msg += '\n' + (e.stderr or '')
        tap.ok(False, 'prepare dropin VM', msg.split('\n')[0],
               msg.split('\n')[1:])
        return tap.finish()
    t_prep = time.time() - t_start
    log('prepared in %.1fs (Xen %s, %s, %s C library)'
        % (t_prep, target.xen, target.arch.name,
           'the release\'s own' if own_libc else 'the host\'s'))
    if a.prepare_only:
        return tap.finish()

    results = {}
    for impl in impls:
        # With both, Debian's own libraries are the reference run: its
        # results are printed beside ours, not counted (below).
        reference = impl == 'upstream' and len(impls) > 1
        results[impl] = boot_impl(a, target, tap, qemu, prepared[impl],
                                  impl, serial_log.replace(
                                      '.log', '-%s.log' % impl), reference)
    side_by_side(target, impls, results)
    compare_transcripts(target, logdir, impls, results)
    log('suite dropin (Xen %s): prepare %.1fs, %s, total %.1fs'
        % (target.label, t_prep, ', '.join(
            'boot %s %.1fs' % (i, results[i]['elapsed']) for i in impls),
           time.time() - t_start))
    rc = tap.finish()
    if rc:
        for impl in impls:
            log('last lines of the %s serial log:' % impl)
            for l in results[impl]['lines'][-40:]:
                log('  ' + l)
    return rc


def boot_impl(a, target, tap, qemu, prepared, impl, serial_log,
              reference=False):
    """Boot one implementation's tree (once more on a crash storm) and
    report its checks into tap.

    A reference run (Debian's own libraries, booted after ours for the
    side-by-side comparison) is booted once and its checks are printed as
    comments, not counted: it shows what the release's own stack does in
    this emulated machine, and its failures (QEMU's heap abort, the crash
    storm; docs/drop-in.md) say nothing about libxenstable.  Run alone
    (XSVM_DROPIN_IMPL=upstream) it is an ordinary, counted run."""
    initrd, xen, vmlinuz, absent = prepared
    if absent is not None:
        found, checked, ndeb = absent
        tap.ok(not found and ndeb >= 8,
               '[%s] none of the %d shared objects of Debian\'s '
               'stable-library packages is in the initramfs (%d files '
               'compared)' % (impl, ndeb, checked), '%d found' % len(found),
               found)

    def attempt(sub):
        status, elapsed, qrc, qout = boot(target, qemu, xen, vmlinuz,
                                          initrd, serial_log, a.timeout)
        lines = read_serial(serial_log)
        runs, order, done = parse_runs(lines, MARK)
        log('boot %s in %.1fs (qemu rc=%s); serial log: %s'
            % (status, elapsed, qrc, serial_log))
        booted = done and status == 'exited'
        sub.ok(booted, '[%s] boot dropin VM (Xen %s + dom0 + %s domU, %s '
               'stable libraries) and reach @@XS DONE'
               % (impl, target.xen, guest_type().upper(), impl), status,
               [] if booted else
               ['serial tail: ' + l for l in lines[-60:]])
        steps = {}
        crashes = check_steps(sub, target, runs, impl, a.soname, steps)
        return crashes, {'elapsed': elapsed, 'lines': lines, 'runs': runs,
                         'order': order, 'steps': steps,
                         'times': step_times(lines, impl)}

    if reference:
        sub = Tap()
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            crashes, result = attempt(sub)
        log('reference run on Debian\'s own libraries (not counted): %d of '
            '%d checks failed%s' % (sub.failed, sub.n, ':' if sub.failed
                                    else ''))
        for l in buf.getvalue().splitlines():
            if l.startswith('not ok') or (sub.failed and l.startswith('#')):
                log('  | ' + l)
        return result
    # A second boot only when the first one failed a step AND the kernel
    # logged dom0 crashes (the test bed's crash storm, docs/drop-in.md,
    # seen with Debian's libraries too).
    return boot_once_more_on_crash_storm(tap, serial_log, attempt)


def side_by_side(target, impls, results):
    """Each step's result and time (dom0 uptime) for both libraries."""
    log('Xen %s drop-in, step by step (seconds of dom0 time):' % target.xen)
    log('  %-16s' % 'step' + ''.join('%-22s' % i for i in impls))
    names = []
    for impl in impls:
        for s in results[impl]['steps']:
            if s not in names:
                names.append(s)
    for s in names:
        row = '  %-16s' % s
        for impl in impls:
            ok = results[impl]['steps'].get(s)
            t = results[impl]['times'].get(s)
            row += '%-22s' % ('%-5s %s' % (ok or '-', '%6.1f' % t
                                            if t is not None else ''))
        log(row)
    log('  %-16s' % 'whole boot' + ''.join(
        '%-22s' % ('%6.1f s wall' % results[i]['elapsed']) for i in impls))


def compare_transcripts(target, logdir, impls, results):
    """Save each run's normalised transcript; print their differences."""
    bodies = {}
    for impl in impls:
        runs, body = results[impl]['runs'], []
        for key in results[impl]['order']:
            if key[1] == impl:
                body.append('== %s rc=%s' % (key[0], runs[key]['rc']))
                body += normalise(runs[key]['lines'])
        bodies[impl] = body
        with open(os.path.join(logdir, 'vm-dropin-%s-%s.txt'
                               % (target.label, impl)), 'w') as f:
            f.write('\n'.join(body) + '\n')
    if len(impls) < 2:
        return
    d = list(difflib.unified_diff(bodies[impls[1]], bodies[impls[0]],
                                  impls[1], impls[0], n=0, lineterm=''))
    log('%s vs %s: %d differing line(s)%s'
        % (impls[0], impls[1], len([x for x in d if x[:1] in '+-'
                                    and x[:3] not in ('+++', '---')]),
           '' if not d else ':'))
    for x in d:
        log('  ' + x)


def check_steps(tap, target, runs, impl, sonames, steps):
    """One TAP line per step of dropin.sh; steps gets {step: 'ok' or
    'FAIL'}.
    Returns the dom0 crash reports (crash-storm evidence)."""
    syslib = target.syslib

    def ok_step(step, cond_fn, what):
        lines, rc = step_lines(runs, step, impl)
        name = '[%s] %s: %s' % (impl, step, what)
        if lines is None:
            tap.ok(False, name, 'did not run')
            steps[step] = 'FAIL'
            return None
        cond, detail = cond_fn(lines, rc)
        tap.ok(cond, name, detail,
               lines if not cond else [l for l in lines[:40]])
        steps[step] = 'ok' if cond else 'FAIL'
        return lines

    def rc0(lines, rc):
        return rc == 0, 'rc=%s' % rc

    # what provides each SONAME, and how xl's chain resolves
    def libs_ok(lines, rc):
        bad = []
        for so in sonames:
            if so == 'libxenmanage.so.1':
                continue   # no Debian binary (up to 4.20) uses it
            entry = [l for l in lines if l.startswith(so + ' ') and '=>' not in l]
            want = (so + ' -> libxenstable.so.1') if impl == 'ours' \
                else (so + ' (file)')
            if entry != [want]:
                bad.append('%s: %s, want %r' % (so, entry, want))
        if impl == 'ours' and any(re.match(r'libxen(evtchn|gnttab|call|'
                                           r'foreignmemory|devicemodel|'
                                           r'toollog|toolcore|hypfs)\.so\.1\.',
                                           l) for l in lines):
            bad.append('a Debian stable library file is present')
        res = [l for l in lines if '=>' in l]
        for l in res:
            so, path = [x.strip() for x in l.split('=>', 1)]
            if path != syslib + so:
                bad.append(l)
        if not any(l.startswith('libxenctrl.so') for l in res) or \
                not any(l.startswith('libxentoollog.so.1') for l in res):
            bad.append('xl\'s libxenctrl/libxentoollog not listed')
        return rc == 0 and not bad, '; '.join(bad[:5]) or 'rc=%s' % rc
    ok_step('libs', libs_ok, 'the stable SONAMEs are %s, and xl\'s library '
            'chain (libxenlight, libxenctrl, ...) resolves through them'
            % ('links to libxenstable.so.1 (no Debian file)' if impl == 'ours'
               else 'Debian\'s files'))
    ok_step('xenstored', rc0, 'Debian\'s xenstored starts and serves its socket')
    ok_step('xen-init-dom0', rc0, 'Debian\'s xen-init-dom0 succeeds')
    ok_step('xenconsoled', rc0, 'Debian\'s xenconsoled starts')
    ok_step('xl-list', lambda l, rc: (rc == 0 and any(
        re.match(r'Domain-0\s+0\s+\d+\s+\d+\s', x) for x in l), 'rc=%s' % rc),
        '`xl list` shows Domain-0')
    gt = guest_type().upper()
    ok_step('disk-image', rc0, 'a %d MiB disk image for the guest'
            % DISK_MIB)
    ok_step('xl-create', rc0, '`xl create` of a %s guest with a qdisk disk '
            '(xl starts QEMU as its backend) succeeds' % gt)
    ok_step('guest-up', lambda l, rc: (rc == 0 and any(
        re.search(r'type=%s\b' % gt, x, re.I) for x in l), 'rc=%s' % rc),
        'the %s guest boots and its console reaches xenconsoled\'s log' % gt)
    ok_step('xl-list-guest', lambda l, rc: (rc == 0 and any(
        re.match(r'xsguest\s+\d+\s+\d+\s+1\s', x) for x in l), 'rc=%s' % rc),
        '`xl list` shows the running guest')

    def qemu_ok(lines, rc):
        text = '\n'.join(lines)
        bad = []
        if 'qemu: running' not in text:
            bad.append('QEMU is not running')
        for dev in ('/dev/xen/privcmd', '/dev/xen/evtchn',
                    '/dev/xen/gntdev'):
            if dev not in lines:
                bad.append('no open ' + dev)
        if re.search(r'symbol lookup error|version `VERS|not found|'
                     r'error while loading', text):
            bad.append('loader error')
        maps = [l for l in lines if l.startswith('/') and 'libxen' in l]
        if impl == 'ours':
            if syslib + 'libxenstable.so.1' not in maps:
                bad.append('libxenstable.so.1 not mapped')
            deb = [l for l in maps if STABLE_FILE.search(l)]
            if deb:
                bad.append('Debian stable library mapped: %s' % deb)
        return not bad, '; '.join(bad)
    qemu_lines = ok_step(
        'qemu', qemu_ok, 'Debian\'s QEMU, started by xl as the guest\'s disk '
        'backend, runs with privcmd, evtchn and gntdev open%s'
        % (' on libxenstable' if impl == 'ours' else ''))
    ok_step('guest-disk', lambda l, rc: (
        rc == 0 and any(x.startswith('@@XG END disk guest rc=0') for x in l),
        'rc=%s' % rc), 'the guest writes %d MiB of pattern through QEMU\'s '
        'qdisk backend and reads the same back' % DISK_MIB)

    def resource_ok(lines, rc):
        bad = [] if rc == 0 else ['rc=%s' % rc]
        # glibc: "binding file F [0] to L [0]: normal symbol `s' [VERS]"
        binds = [m.groups() for m in (BINDING.search(l) for l in lines) if m]
        if impl == 'ours':
            wrong = ['%s -> %s %s@%s' % b for b in binds
                     if not b[3].startswith('VERS_') or STABLE_FILE.search(b[1])]
            ctrl = [b for b in binds if 'libxenctrl' in b[0]]
            prog = [b for b in binds if b[0].endswith('test-resource')]
            if wrong:
                bad.append('unexpected bindings: %s' % wrong[:3])
            if len(ctrl) < 3 or len(prog) < 4:
                bad.append('too few VERS_ bindings: libxenctrl %d, '
                           'test-resource %d' % (len(ctrl), len(prog)))
        return not bad, '; '.join(bad)
    ok_step('test-resource', resource_ok, 'Debian\'s test-resource passes%s'
            % (', its and libxenctrl\'s stable imports bound under '
               'VERS_1.x' if impl == 'ours' else ''))
    def settle_ok(lines, rc):
        return rc == 0, 'dom0 did not settle: rc=%s' % rc
    lines = ok_step('settle', settle_ok, 'dom0 runs new processes cleanly '
                    'with QEMU serving') or []
    # Every dom0 process crash the kernel logged during the run.  An
    # unexplained crash storm (docs/drop-in.md) is an open problem: it is
    # reported as a TAP TODO -- visible in every log, not counted as a
    # failure -- until it is understood.
    crashes = [l for l in lines if 'segfault at' in l or
               'general protection' in l]
    # QEMU killed by glibc's heap check counts as the storm's evidence
    # too (for the one extra boot), not as a pass
    heap = [l for l in qemu_lines or [] if HEAP_ABORT.search(l)]
    tap.n += 1
    print('%sok %d - [%s] no dom0 process crashed while the binaries ran%s'
          % ('not ' if crashes else '', tap.n, impl,
             ' # TODO %d kernel crash reports: unexplained, also seen with '
             'Debian\'s libraries (docs/drop-in.md)' % len(crashes)
             if crashes else ''))
    for l in crashes:
        print('#   ' + l)
    sys.stdout.flush()
    ok_step('xl-destroy', rc0, '`xl destroy` of the guest succeeds')
    ok_step('xl-list-end', lambda l, rc: (rc == 0 and not any(
        x.startswith('xsguest') for x in l), 'rc=%s' % rc),
        '`xl list` no longer shows the guest')
    ok_step('disk-check', rc0, 'with the guest and its QEMU gone, dom0 finds '
            'the pattern in the image')
    return crashes + ['QEMU: ' + l for l in heap]



if __name__ == '__main__':
    sys.exit(main())
