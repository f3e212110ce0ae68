#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""The exported symbol set of the built library must equal symbols/
exactly: every export versioned XENSTABLE_*, the abilist regenerated from
the .so identical to the committed one, the map's nodes chained, sorted
and its newest node naming the project version, and no internal name
(xs__*, osdep_*) exported.  Prints TAP."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'scripts'))
import xs_symbols  # noqa: E402

lib, mapfile, abilist, version = sys.argv[1:5]
results = []


def check(ok, name, detail=''):
    results.append((ok, name, detail))


nodes = xs_symbols.parse_map(mapfile)
syms = xs_symbols.dynamic_symbols(lib)

# 1. every export carries a version of ours
unversioned = [s for s in syms if s[1] is None]
check(not unversioned, 'every exported symbol is versioned',
      ', '.join(s[0] for s in unversioned))
foreign = [s for s in syms if s[2] and not s[1].startswith('XENSTABLE_')]
check(not foreign, 'every default version is a XENSTABLE_* node',
      ', '.join('%s@@%s' % (s[0], s[1]) for s in foreign))
compat = [s for s in syms if not s[2] and not re.match(r'VERS_1\.[0-9]+$', s[1] or '')]
check(not compat, 'non-default versions are only upstream compat nodes',
      ', '.join('%s@%s' % (s[0], s[1]) for s in compat))

# 2. no internal names leak
leaks = [s[0] for s in syms if s[0].startswith(('xs__', 'osdep_', 'xs_sys'))]
check(not leaks, 'no internal symbol is exported', ', '.join(leaks))

# 3. the default-version exports equal the map, node by node
want = {(n, node) for node, _, names in nodes for n in names}
have = {(s[0], s[1]) for s in syms if s[2]}
check(want == have, 'exports equal symbols/libxenstable.map',
      'missing from .so: %s; not in map: %s' % (
          sorted(want - have), sorted(have - want)))

# 4. the committed abilist equals the one regenerated from the .so
generated = xs_symbols.abilist_lines(syms)
committed = [l.strip() for l in open(abilist, encoding='utf-8')
             if l.strip() and not l.startswith('#')]
check(committed == sorted(committed), 'committed abilist is sorted')
missing = sorted(set(generated) - set(committed))
extra = sorted(set(committed) - set(generated))
check(not missing and not extra, 'abilist regenerated from the .so matches',
      'not in abilist: %s; not exported: %s' % (missing, extra))

# 5. the map is well formed: chained nodes, sorted names, no duplicates
ok_chain = all(nodes[i][1] == nodes[i - 1][0] for i in range(1, len(nodes))
               if nodes[i][0].startswith('XENSTABLE_'))
check(nodes and nodes[0][1] is None and ok_chain,
      'each node names the previous node as its parent')
all_names = [n for _, _, names in nodes for n in names]
dups = sorted({n for n in all_names if all_names.count(n) > 1
               and not any(node.startswith('VERS_') for node, _, ns in nodes if n in ns)})
check(not dups, 'no symbol is listed in two XENSTABLE nodes', ', '.join(dups))
unsorted = [node for node, _, names in nodes if names != sorted(names)]
check(not unsorted, 'names are sorted within each node', ', '.join(unsorted))

# 6. the newest XENSTABLE node is the project's major.minor
major, minor = version.split('.')[:2]
newest = [node for node, _, _ in nodes if node.startswith('XENSTABLE_')][-1]
check(newest == 'XENSTABLE_%s.%s' % (major, minor),
      'newest node matches project version %s' % version, 'newest is ' + newest)

for i, (ok, name, detail) in enumerate(results, 1):
    print('%sok %d - %s' % ('' if ok else 'not ', i, name))
    if not ok and detail:
        print('# ' + detail)
print('1..%d' % len(results))
sys.exit(0 if all(r[0] for r in results) else 1)
