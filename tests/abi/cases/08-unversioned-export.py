"""Export an unversioned symbol: the version script loses its 'local: *'
catch-all (a slip in scripts/gen-link-scripts, which writes it) and a
new XS_API function is not listed in the map, so ld exports it without
a version."""
from _edit import add_function, replace

EXPECT = 'reject'
CAUGHT_BY = 'symbols/libxenstable.abilist'


def edit(tree):
    add_function(tree)
    replace(tree, 'scripts/gen-link-scripts',
            "ver.append('  local:\\n    *;')", 'pass')
