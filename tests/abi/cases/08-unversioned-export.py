"""Export an unversioned symbol: the map loses its 'local: *;' catch-all
and a new XS_API function is not listed, so it is exported without a
version."""
from _edit import add_function, replace

EXPECT = 'reject'
CAUGHT_BY = 'symbols/libxenstable.abilist'


def edit(tree):
    add_function(tree)
    replace(tree, 'symbols/libxenstable.map', '  local:\n    *;\n', '')
