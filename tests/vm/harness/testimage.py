# SPDX-License-Identifier: LGPL-2.1-only
"""The initramfs of the dom0 and two-domain suites (and of the demo and
bench modes): every test program twice (ours, upstream), the programs
with no upstream counterpart, Debian's Xen tools and the guest's own
initramfs for the two-domain suite.  Cached on a hash of its inputs."""

import hashlib
import os
import time

from . import fetch
from .boot import GUEST_DEATH_SIGNS
from .common import (HERE, Failure, Prereq, hash_harness, log,
                     read_template, sha256_file, vm_env)
from .initramfs import (Tree, add_host_tool, add_program, add_upstream,
                        closure, find_host_lib, find_kernel, host_busybox,
                        module_order)

# Loaded in this order (dependencies, read from the .ko files, go first).
XEN_MODULES = ['xen-evtchn', 'xen-privcmd', 'xenfs', 'xen-gntdev',
               'xen-gntalloc']
# Guests get the same drivers except xenfs (not needed there).
GUEST_MODULES = ['xen-evtchn', 'xen-privcmd', 'xen-gntdev', 'xen-gntalloc']

# Tools the bench mode adds to dom0 (the host's own builds, which
# scripts/install-deps.sh installs): strace counts system calls,
# callgrind counts user-space instructions.
BENCH_TOOLS = ['/usr/bin/strace', '/usr/bin/valgrind.bin']
BENCH_SCRIPT = os.path.join(HERE, '..', '..', 'bench', 'vm-run.sh')
# the dirs/files the dom0 tools need at run time
XEN_RUN_DIRS = ('/var/run/xen', '/var/run/xenstored', '/var/lib/xenstored',
                '/var/lib/xen', '/var/log/xen/console', '/var/lock',
                '/etc/xen')


def bench_valgrind(target):
    v = target.arch.valgrind
    return ['/usr/libexec/valgrind/callgrind-' + v,
            '/usr/libexec/valgrind/vgpreload_core-%s.so' % v,
            '/usr/libexec/valgrind/default.supp']


def packages(apt, target, suite):
    """What a suite needs besides the hypervisor, busybox and kernel, and
    whether the upstream side runs on the target's own C library."""
    pkgs = target.lib_pkgs + (target.tool_pkgs if suite == 'twodom' else [])
    own_libc = fetch.needs_own_libc(apt, target)
    if own_libc:
        pkgs += fetch.library_closure(apt, pkgs)
    return pkgs, own_libc


def unloadable(a, env):
    """{(name, impl): reason} of the upstream builds Debian's libraries
    of this release cannot load (programs built against newer headers
    need symbol versions an older library lacks), and the pairs that
    therefore cannot run ({pair name}, per impl).  Names are as the
    reports use them: dom0 programs and pairs by name, guest peers as
    <name>-peer."""
    out = {}
    for name, ours, up in a.prog:
        out[(name, 'upstream')] = env.unloadable(up)
    for name, ours, up, pours, pup in a.pair:
        out[(name, 'upstream')] = env.unloadable(up)
        out[(name + '-peer', 'upstream')] = env.unloadable(pup)
    noload = {k: v for k, v in out.items() if v}
    nopair = {(p[0], impl) for p in a.pair for impl in ('upstream',)
              if (p[0], impl) in noload or (p[0] + '-peer', impl) in noload}
    return noload, nopair


def noload_files(tree, noload, nopair):
    tree.write('/t/noload', ''.join('%s %s\n' % k for k in sorted(noload)))
    tree.write('/t/nopair', ''.join('%s %s\n' % k for k in sorted(nopair)))


def guest_type():
    gtype = os.environ.get('XSVM_GUEST_TYPE', 'pvh')
    if gtype not in ('pvh', 'pv'):
        raise Failure('XSVM_GUEST_TYPE must be pvh or pv')
    return gtype


def guest_kernel(default):
    """XSVM_GUEST_KERNEL: another kernel image for the guest (an
    experiment: docs/vm-crash-storm.md booted bookworm's 6.1 as the guest
    of Xen 4.14; the guest's modules stay the release's, so only the
    stress mode is meaningful then)."""
    return os.environ.get('XSVM_GUEST_KERNEL') or default


def build_initrd(a, target, builddir, cache, root, debs, env, noload,
                 nopair):
    """Stage and pack the dom0 initramfs; cached on a hash of its inputs.
    env is the upstream side's LibEnv.  Returns (initrd, hypervisor
    image, kernel)."""
    kver, vmlinuz = find_kernel(root)
    xen = fetch.xen_image(target, cache, root, debs[target.xen_pkg])

    # Cache key: packages, harness files, test binaries and the libraries
    # they load from the build dir / host.
    h = hashlib.sha256()
    h.update(('\n'.join(sorted(os.path.basename(d)
                               for d in debs.values())) + a.suite +
              ' own-libc=%s' % env.own_libc).encode())
    hash_harness(h)
    exes = [x for p in a.prog for x in p[1:]] + \
        [x for p in a.pair for x in p[1:]] + [p[1] for p in a.ours_only]
    h.update(repr(a.prog + a.pair + a.ours_only + a.demo +
                  [stress_seconds(a)]).encode())
    exes += a.demo
    if a.bench:
        exes += a.bench + BENCH_TOOLS + bench_valgrind(target) + \
            [BENCH_SCRIPT]
        h.update(repr(a.bench).encode())
    vm_env_text = vm_env(target.vm_env())
    h.update((vm_env_text + guest_type() + guest_kernel('')).encode())
    libdirs = env.root_dirs if target.foreign else []
    for exe in exes:
        sha256_file(exe, h)
        for _, lib in closure(target, exe, libdirs):
            sha256_file(lib, h)
    key = h.hexdigest()[:16]
    # keep the test initrd cached
    kind = run_kind(a)
    initrd = os.path.join(cache, 'initrd-%s-%s.gz' % (kind, key))
    if os.path.exists(initrd):
        log('initramfs up to date: ' + initrd)
        return initrd, xen, vmlinuz
    for fn in os.listdir(cache):
        if fn.startswith('initrd-%s-' % kind):
            os.unlink(os.path.join(cache, fn))

    t0 = time.time()
    bbhost = host_busybox(target, root)
    mods = module_order(root, kver, XEN_MODULES)
    log('kernel %s, modules: %s' % (kver, ' '.join(n for n, _ in mods)))

    def prog(t, exe, dest):
        add_program(t, target, exe, dest, builddir, env)

    # dom0 test programs
    tree = Tree(os.path.join(cache, 'stage-' + a.suite), bbhost)
    tree.base(root, mods)
    plan = []
    for name, ours, up in a.prog:
        prog(tree, ours, '/t/bin/%s-ours' % name)
        prog(tree, up, '/t/bin/%s-upstream' % name)
        plan.append(name)
    for name, ours, up, pours, pup in a.pair:
        prog(tree, ours, '/t/bin/%s-ours' % name)
        prog(tree, up, '/t/bin/%s-upstream' % name)
    tree.write('/t/env', vm_env_text)
    tree.write('/t/plan', ''.join('%s\n' % n for n in plan))
    tree.write('/t/pairs', ''.join('%s\n' % p[0] for p in a.pair))
    for name, exe in a.ours_only:
        prog(tree, exe, '/t/bin/%s-ours' % name)
    tree.write('/t/ours-only', ''.join('%s\n' % p[0] for p in a.ours_only))
    for exe in a.demo:
        prog(tree, exe, '/t/bin/%s-ours' % os.path.basename(exe))
    tree.write('/t/demo', ''.join('%s\n' % os.path.basename(e)
                                  for e in a.demo))
    tree.write('/init', read_template('init-dom0.sh'), 0o755)
    noload_files(tree, noload, nopair)
    add_stress(tree, a)
    if a.bench:
        add_bench(tree, target, a, builddir, env)

    if a.suite == 'twodom':
        build_twodom(tree, target, root, kver, vmlinuz, builddir, cache, a,
                     bbhost, env, vm_env_text, noload, nopair)

    # Debian's upstream libraries: the whole stable set, so a test program
    # that gains a dependency keeps working.
    for pkg in target.lib_pkgs:
        for soname in fetch.lib_sonames(target, root, debs[pkg]):
            lib = env.lib(soname)
            tree.copy(lib, '/upstream/lib/' + soname, 0o755)
            if env.own_libc:
                for dep, path in env.closure(lib):
                    tree.copy(os.path.realpath(path), '/upstream/lib/' + dep,
                              0o755)
    tree.cpio_gz(initrd)
    log('initramfs built in %.1fs' % (time.time() - t0))
    return initrd, xen, vmlinuz


def run_kind(a):
    """What this run boots: its suite, or the demo/bench/stress mode
    built on it, and the hypervisor build when it is not Debian's.  Names
    the cached initramfs and the serial log, so that two kinds of run in
    one build directory (vm-twodom and vm-stress) keep their own."""
    kind = 'demo' if getattr(a, 'demo', None) else \
        'bench' if getattr(a, 'bench', None) else \
        'stress' if stress_seconds(a) else a.suite
    if getattr(a, 'hypervisor', 'debian') != 'debian':
        kind += '-' + a.hypervisor
    return kind


def stress_seconds(a):
    return getattr(a, 'stress', None) or 0


def add_stress(tree, a):
    """Stress mode (--stress, docs/vm-crash-storm.md): /t/stress holds
    the seconds both domains run tests/vm/stress.sh's workers."""
    if stress_seconds(a):
        tree.write('/t/stress', '%d\n' % stress_seconds(a))
        tree.write('/t/stress.sh', read_template('stress.sh'))


def add_bench(tree, target, a, builddir, env):
    for impl, exe in zip(('ours', 'upstream'), a.bench):
        add_program(tree, target, exe, '/t/bin/xsbench-' + impl, builddir,
                    env)
    valgrind = bench_valgrind(target)
    for tool in BENCH_TOOLS + valgrind:
        if not os.path.exists(tool):
            raise Prereq('%s not found: apt-get install strace valgrind '
                         '(scripts/install-deps.sh does)' % tool)
    for tool in BENCH_TOOLS:
        add_host_tool(tree, target, tool, tool, env.root_dirs[0])
    for f in valgrind:
        tree.copy(f, f, 0o755)
    tree.write('/t/bench.sh', read_template(BENCH_SCRIPT))
    tree.write('/t/bench', 'xsbench\n')


def build_twodom(tree, target, root, kver, vmlinuz, builddir, cache, a,
                 bbhost, env, vm_env_text, noload, nopair):
    """Add xl & co, the guest kernel and the guest initramfs to dom0's."""
    xbin = os.path.join(root, target.xen_bin.lstrip('/'))
    for tool in ('xl', 'xenstored', 'xenconsoled', 'xen-init-dom0'):
        add_upstream(tree, env, os.path.join(xbin, tool),
                     target.xen_bin + '/' + tool)
    for tool in ('xenstore-read', 'xenstore-write', 'xenstore-ls',
                 'xenstore-list', 'xenstore-rm', 'xenstore-watch'):
        src = os.path.join(root, 'usr', 'bin', tool)
        if os.path.islink(src):
            tgt = os.readlink(src)
            tree.symlink(tgt, '/usr/bin/' + tool)
            src = os.path.join(os.path.dirname(src), tgt)
            tool = os.path.basename(tgt)
        add_upstream(tree, env, src, '/usr/bin/' + tool)
    # glibc dlopen()s libgcc_s for pthread_cancel (xl aborts without it)
    if env.own_libc:
        tree.copy(env.lib('libgcc_s.so.1'), '/upstream/lib/libgcc_s.so.1',
                  0o755)
    else:
        tree.copy(os.path.realpath(find_host_lib(target, 'libgcc_s.so.1',
                                                 root)),
                  target.syslib + 'libgcc_s.so.1', 0o755)
    tree.mkdir(*XEN_RUN_DIRS)
    tree.copy(guest_kernel(vmlinuz), '/boot/vmlinuz', 0o644)
    cfg = read_template(target.arch.guest_cfg)
    cfg = cfg.replace('type = "pvh"', 'type = "%s"' % guest_type())
    tree.write('/etc/xen/guest.cfg', cfg)
    for path, make in target.arch.guest_files.items():
        tree.mkdir(os.path.dirname(path))
        with open(tree.p(path), 'wb') as f:
            f.write(make())
    tree.write('/t/twodom.sh', read_template('twodom.sh'))
    tree.write('/t/guest-death-signs',
               ''.join('%s\n' % s for s in GUEST_DEATH_SIGNS))
    tree.write('/etc/xen/xl.conf', '# empty: defaults\n')

    # guest initramfs: busybox, drivers, peer programs and their libraries
    gmods = module_order(root, kver, GUEST_MODULES +
                         list(target.arch.guest_modules))
    g = Tree(os.path.join(cache, 'stage-guest'), bbhost)
    g.base(root, gmods, target.arch.guest_modules)
    for name, _, _, pours, pup in a.pair:
        add_program(g, target, pours, '/t/bin/%s-peer-ours' % name,
                    builddir, env)
        add_program(g, target, pup, '/t/bin/%s-peer-upstream' % name,
                    builddir, env)
    g.write('/t/env', vm_env_text)
    g.write('/t/pairs', ''.join('%s\n' % p[0] for p in a.pair))
    g.write('/init', read_template('init-guest.sh'), 0o755)
    noload_files(g, noload, nopair)
    add_stress(g, a)
    g.cpio_gz(tree.p('/boot/guest-initrd.gz'))
