#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""The ABI gate: a freshly built libxenstable against every committed
baseline under abi/.  Prints TAP.

The baselines are those of the library's architecture (abi/ for x86-64,
abi/aarch64/ for arm64).

Fails when
  * the library has no debug info (abidiff would then compare names only),
  * abidiff --no-added-syms reports anything against any baseline (any
    non-zero rc: libabigail 2.2 sets the "incompatible" bit only for
    removed symbols, struct and parameter breaks set just bit 4),
  * a symbol binding of a baseline is gone (abidiff misses removed aliases
    such as name@VERS_1.0),
  * a symbol was added to a version node that a baseline already froze,
  * the exported set differs from symbols/ (map and abilist),
  * the newest node of the map is not the project version,
  * the architectures do not all have baselines of the same nodes.
Skips ("1..0 # SKIP", status 0) when libabigail is not installed, unless
CI=true.

Usage: abi-gate.py --lib LIB --srcdir DIR --version X.Y.Z --workdir DIR"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'scripts'))
import xs_abi  # noqa: E402
import xs_symbols  # noqa: E402


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, good, name, detail=None):
        self.n += 1
        self.failed += not good
        print('%sok %d - %s' % ('' if good else 'not ', self.n, name))
        if detail:
            print('# ' + detail.rstrip().replace('\n', '\n# '))
        sys.stdout.flush()

    def done(self):
        print('1..%d' % self.n)
        return 1 if self.failed else 0


def ci_strict():
    return os.environ.get('CI', '').lower() in ('1', 'true', 'yes')


def prereq(msg):
    """Missing tools: skip locally, fail in CI (as tests/vm/xsvm.py)."""
    if ci_strict():
        print('not ok 1 - ABI gate prerequisites # %s' % msg)
        print('1..1')
        sys.exit(1)
    print('1..0 # SKIP %s' % msg)
    sys.exit(0)     # TAP: "1..0 # SKIP" with status 0 (77 is an ERROR under TAP)


def fmt_sym(s):
    name, version, default = s
    return '%s%s%s' % (name, '@@' if default else '@', version) if version \
        else name + ' (unversioned)'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--lib', required=True)
    ap.add_argument('--srcdir', required=True)
    ap.add_argument('--version', required=True, help='project version')
    ap.add_argument('--workdir', required=True,
                    help='where the fresh dump and reports are written')
    args = ap.parse_args()

    missing = xs_abi.tools_missing()
    if missing:
        prereq('%s not installed (scripts/install-deps.sh installs '
               'abigail-tools)' % ', '.join(missing))

    # Sizes and layouts differ between architectures: the library is
    # compared with the baselines of its own (abi/ for x86-64,
    # abi/aarch64/ for arm64; xs_abi.ARCH_DIRS).
    arch = xs_abi.elf_arch(args.lib)
    if arch is None:
        prereq('no ABI baselines for the architecture of %s (see '
               'xs_abi.ARCH_DIRS and abi/README.md)' % args.lib)

    tap = Tap()
    os.makedirs(args.workdir, exist_ok=True)
    mapfile = os.path.join(args.srcdir, 'symbols', 'libxenstable.map')
    abilist = os.path.join(args.srcdir, 'symbols', 'libxenstable.abilist')
    fresh = os.path.join(args.workdir, 'libxenstable-current.abi')

    version = xs_abi.libabigail_version()
    tap.ok(version == xs_abi.LIBABIGAIL_PINNED,
           'libabigail is the pinned %s' % xs_abi.LIBABIGAIL_PINNED,
           None if version == xs_abi.LIBABIGAIL_PINNED else
           'found %s: ABIXML differs between releases; regenerate every '
           'baseline with the new release (abi/README.md)' % version)

    # 1. Debug info, and a dump that really describes types.
    debug = xs_abi.has_debug_info(args.lib)
    tap.ok(debug, 'library has DWARF (.debug_info)',
           None if debug else '%s has no .debug_info: without it abidiff '
           'sees symbol names only; build with -Dbuildtype=debugoptimized'
           % args.lib)
    try:
        cmd = xs_abi.dump(args.lib, args.srcdir, fresh)
        described = xs_abi.described_functions(fresh)
        tap.ok(described > 0, 'abidw dump with the pinned flags describes '
               'functions (%d)' % described, ' '.join(cmd))
    except RuntimeError as e:
        tap.ok(False, 'abidw dump with the pinned flags', str(e))
        return tap.done()

    # 2. Every baseline of the library's architecture: no reported
    #    change other than additions.  Each architecture freezes the
    #    same nodes: a release commits a baseline for every one of them.
    bases = xs_abi.baselines(args.srcdir, arch)
    rel_dir = xs_abi.ARCH_DIRS[arch]
    tap.ok(bool(bases), 'at least one committed %s baseline under %s/'
           % (arch, rel_dir))
    frozen = {a: [n for n, _ in xs_abi.baselines(args.srcdir, a)]
              for a in sorted(xs_abi.ARCH_DIRS)}
    same = all(nodes == frozen[arch] for nodes in frozen.values())
    tap.ok(same, 'every architecture has baselines of the same nodes',
           None if same else '\n'.join('%s (%s/): %s' % (
               a, xs_abi.ARCH_DIRS[a], ', '.join(n) or 'none')
               for a, n in frozen.items()))
    fresh_syms = xs_abi.elf_symbols(fresh)
    frozen_versions = set()
    released = set()            # every binding some baseline contains
    for node, path in bases:
        frozen_versions.add(node)
        base = xs_abi.elf_symbols(path)
        frozen_versions |= {s[1] for s in base}
        released |= base
    for node, path in bases:
        rel = os.path.relpath(path, args.srcdir)
        problems = xs_abi.pinned_flags_problems(path)
        tap.ok(not problems, '%s was dumped with the pinned flags' % rel,
               '; '.join(problems))
        rc, out = xs_abi.abidiff(path, fresh, xs_abi.ABIDIFF_GATE_FLAGS)
        detail = None
        if rc != 0:
            _, leaf = xs_abi.abidiff(path, fresh, xs_abi.ABIDIFF_REPORT_FLAGS
                                     + ['--no-added-syms'])
            detail = 'abidiff rc %d (%s)\n%s' % (rc, describe_rc(rc), leaf)
        tap.ok(rc == 0, 'no ABI change against %s' % rel, detail)

        # 3. Every released binding is still there.  abidiff misses this
        #    for aliases: dropping name@VERS_1.0 while name@@XENSTABLE_1.0
        #    stays reported nothing (measured, libabigail 2.2).
        base_syms = xs_abi.elf_symbols(path)
        gone = sorted(base_syms - fresh_syms)
        tap.ok(not gone, 'every symbol of %s is still exported' % rel,
               'removed or re-versioned: ' + ', '.join(map(fmt_sym, gone))
               if gone else None)

        # 4. Additions must live in nodes no baseline has frozen, unless a
        #    newer baseline released them (the 1.1 functions are additions
        #    against the 1.0 baseline, in 1.1's own).
        added = sorted(fresh_syms - base_syms)
        bad = [s for s in added if s not in released
               and (s[1] in frozen_versions or not s[1])]
        info = 'added since %s: %s' % (node, ', '.join(map(fmt_sym, added))) \
            if added else None
        if bad:
            info = ('added to a frozen or no version node: %s\n%s' % (
                ', '.join(map(fmt_sym, bad)), info))
        tap.ok(not bad, 'symbols added since %s are in unfrozen nodes (%d '
               'added)' % (node, len(added)), info)

    # 5. The exported set is exactly symbols/ (map and abilist).
    syms = xs_symbols.dynamic_symbols(args.lib)
    nodes = xs_symbols.parse_map(mapfile)
    generated = xs_symbols.abilist_lines(syms)
    committed = [line.strip() for line in open(abilist, encoding='utf-8')
                 if line.strip() and not line.startswith('#')]
    diff = ['+ ' + s for s in sorted(set(generated) - set(committed))] + \
           ['- ' + s for s in sorted(set(committed) - set(generated))]
    tap.ok(not diff, 'exported symbols equal symbols/libxenstable.abilist',
           '(+ exported, not listed; - listed, not exported)\n' +
           '\n'.join(diff) if diff else None)
    want = {(n, node) for node, _, names in nodes for n in names
            if node.startswith('XENSTABLE_')}
    have = {(s[0], s[1]) for s in syms if s[2]}
    tap.ok(want == have, 'default-version exports equal '
           'symbols/libxenstable.map',
           None if want == have else 'missing from .so: %s; not in map: %s'
           % (sorted(want - have), sorted(have - want)))

    # 6. The newest node names the project version; no node is newer
    #    than a baseline's node without being the development node.
    xs_nodes = [n for n, _, _ in nodes if n.startswith('XENSTABLE_')]
    major, minor = args.version.split('.')[:2]
    expect = 'XENSTABLE_%s.%s' % (major, minor)
    newest = xs_nodes[-1] if xs_nodes else None
    tap.ok(newest == expect, 'newest map node %s matches project version %s'
           % (newest, args.version),
           None if newest == expect else 'expected %s' % expect)
    stray = [n for n, _ in bases if n not in xs_nodes]
    tap.ok(not stray, 'every baseline names a node of the map',
           ', '.join(stray))
    return tap.done()


def describe_rc(rc):
    bits = []
    if rc & 1:
        bits.append('tool error')
    if rc & 2:
        bits.append('usage error')
    if rc & 4:
        bits.append('ABI change')
    if rc & 8:
        bits.append('incompatible change')
    return ', '.join(bits) or 'unknown'


if __name__ == '__main__':
    sys.exit(main())
