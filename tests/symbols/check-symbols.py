#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""The exported symbol set of the built library must equal symbols/
exactly: every default version a XENSTABLE_* node, every upstream
function additionally bound (non-default) to exactly upstream's VERS_1.x
node and nothing else exported, the abilist regenerated from the .so
identical to the committed one, the map's nodes chained, sorted and its
newest node naming the project version, and no internal name (xs__*,
osdep_*) exported.  Optional further arguments are upstream's own
libraries (e.g. Debian's libxenevtchn.so.1): every function they export
must be bound here to the very same version name.  Prints TAP."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'scripts'))
import xs_symbols  # noqa: E402

lib, mapfile, abilist, version = sys.argv[1:5]
upstream_libs = sys.argv[5:]
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

# 3. the default-version exports equal the map's XENSTABLE nodes, and the
#    non-default ones equal its VERS (upstream compat) nodes, name by name
own_nodes = [n for n in nodes if not xs_symbols.is_compat_node(n[0])]
compat_nodes = [n for n in nodes if xs_symbols.is_compat_node(n[0])]
want = {(n, node) for node, _, names in own_nodes for n in names}
have = {(s[0], s[1]) for s in syms if s[2]}
check(want == have, 'default-version exports equal the XENSTABLE nodes of the map',
      'missing from .so: %s; not in map: %s' % (
          sorted(want - have), sorted(have - want)))
want_compat = {(n, node) for node, _, names in compat_nodes for n in names}
have_compat = {(s[0], s[1]) for s in syms if not s[2]}
check(want_compat == have_compat,
      'non-default exports equal the VERS (upstream compat) nodes of the map',
      'missing from .so: %s; not in map: %s' % (
          sorted(want_compat - have_compat), sorted(have_compat - want_compat)))
own_names = {n for n, _ in want}
orphans = sorted(n for n, _ in want_compat if n not in own_names)
check(not orphans, 'every upstream-compat name also has a XENSTABLE default version',
      ', '.join(orphans))
compat_names = [n for n, _ in want_compat]
twice = sorted({n for n in compat_names if compat_names.count(n) > 1})
check(not twice, 'each upstream function is bound to exactly one VERS node',
      ', '.join(twice))
# Same address: the compat name is an alias of the very same function.
addr = {}
for name, ver, _, _ in syms:
    addr.setdefault(name, set()).add(xs_symbols.symbol_value(lib, name, ver))
split = sorted(n for n in compat_names if len(addr.get(n, ())) != 1)
check(not split, 'each compat alias is the same code as its default version',
      ', '.join(split))

# 3b. against upstream's own libraries, when given: each of their
#     functions must be bound here to exactly upstream's version name.
if upstream_libs:
    upstream = {}
    for path in upstream_libs:
        for name, ver, _, typ in xs_symbols.dynamic_symbols(path):
            upstream[name] = ver
    compat_of = {n: node for n, node in want_compat}
    wrong = sorted('%s@%s (ours: %s)' % (n, v, compat_of.get(n, 'absent'))
                   for n, v in upstream.items() if compat_of.get(n) != v)
    check(not wrong and upstream,
          'each of the %d functions of %d upstream libraries is bound to '
          'upstream\'s version name' % (len(upstream), len(upstream_libs)),
          ', '.join(wrong) or 'no symbols read')
    # A compat binding upstream does not have: allowed only for a family
    # (xenmanage_*) none of the given libraries provides.
    families = {xs_symbols.family(n) for n in upstream}
    invented = sorted(n for n in compat_of
                      if n not in upstream and xs_symbols.family(n) in families)
    check(not invented, 'no compat binding that upstream does not export',
          ', '.join(invented))
else:
    results.append((True, 'upstream libraries given # SKIP none found', ''))

# 4. the committed abilist equals the one regenerated from the .so
generated = xs_symbols.abilist_lines(syms)
committed = [l.strip() for l in open(abilist, encoding='utf-8')
             if l.strip() and not l.startswith('#')]
check(committed == sorted(committed), 'committed abilist is sorted')
missing = sorted(set(generated) - set(committed))
extra = sorted(set(committed) - set(generated))
check(not missing and not extra, 'abilist regenerated from the .so matches',
      'not in abilist: %s; not exported: %s' % (missing, extra))

# 5. the map is well formed: each family's nodes chained in file order,
#    sorted names, no duplicates
def chained(family):
    return all(family[i][1] == family[i - 1][0] for i in range(1, len(family)))


check(own_nodes and own_nodes[0][1] is None and chained(own_nodes)
      and (not compat_nodes or (compat_nodes[0][1] is None and chained(compat_nodes))),
      'each node names the previous node of its family as its parent')
own_all = [n for _, _, names in own_nodes for n in names]
dups = sorted({n for n in own_all if own_all.count(n) > 1})
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
