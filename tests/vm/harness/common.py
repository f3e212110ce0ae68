# SPDX-License-Identifier: LGPL-2.1-only
"""Small shared pieces: errors, logging, subprocess, hashing, templates."""

import hashlib
import os
import subprocess

# tests/vm: the templates (/init scripts, guest.cfg) live there
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def hash_harness(h):
    """Feed every harness file (templates, scripts, this package) into h:
    a cached initramfs is stale when any of them changed."""
    for d in (HERE, os.path.join(HERE, 'harness')):
        for fn in sorted(os.listdir(d)):
            if fn.endswith(('.py', '.sh', '.cfg')):
                sha256_file(os.path.join(d, fn), h)
    return h


def read_template(name):
    with open(os.path.join(HERE, name)) as f:
        return f.read()


def vm_env(extra=''):
    """Host settings passed into the VMs (sourced by the /init scripts)."""
    out = ''
    for var in ('XSVM_PROG_TIMEOUT', 'XSVM_TIMEOUT_MS',
                'XSVM_GUEST_BOOT_TIMEOUT', 'XSVM_BENCH_ROUNDS'):
        val = os.environ.get(var, '')
        if val:
            if not val.isdigit():
                raise Failure('%s must be a number' % var)
            out += 'export %s=%s\n' % (var, val)
    return out + extra


def run_paths(builddir, logdir, target, log_name):
    """(builddir, the target's package cache, serial log path), created.
    The cache is <builddir>/vm-cache/<release>-<arch>; <builddir>/vm-cache
    holds the lock every harness takes while it prepares."""
    builddir = os.path.abspath(builddir)
    logdir = os.path.abspath(logdir or os.path.join(builddir, 'meson-logs'))
    os.makedirs(logdir, exist_ok=True)
    top = os.path.join(builddir, 'vm-cache')
    cache = os.path.join(top, target.key)
    os.makedirs(cache, exist_ok=True)
    return builddir, cache, os.path.join(logdir, log_name)


def lock_cache(cache):
    """Serialise preparation (apt, unpacking, staging) between harness
    runs sharing a build directory; released when the process exits."""
    import fcntl
    f = open(os.path.join(os.path.dirname(cache), '.lock'), 'w')
    fcntl.flock(f, fcntl.LOCK_EX)
    # the cache layout before targets (one release, one architecture)
    top = os.path.dirname(cache)
    for fn in os.listdir(top):
        if fn in ('debs', 'root') or fn.startswith(
                ('initrd-', 'stage-', 'xen-xen-', 'last-resolved-')):
            path = os.path.join(top, fn)
            if os.path.isdir(path):
                import shutil
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
    return f
