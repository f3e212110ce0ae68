"""Add a function to the released node XENSTABLE_1.0 (map and abilist
updated consistently): binaries built against it would fail at first
call on an older 1.0 library instead of at load time."""
from _edit import add_function, map_add_to_node, abilist_add

EXPECT = 'reject'
CAUGHT_BY = 'in unfrozen nodes'


def edit(tree):
    add_function(tree)
    map_add_to_node(tree, 'XENSTABLE_1.0', 'xenstable_selftest_added')
    abilist_add(tree, 'XENSTABLE_1.0 xenstable_selftest_added F')
