"""Open a new node XENSTABLE_1.1 but forget to bump the project version
(the library would ship 1.1 symbols as release 1.0.x)."""
from _edit import add_function, map_append_node, abilist_add

EXPECT = 'reject'
CAUGHT_BY = 'matches project version'


def edit(tree):
    add_function(tree)
    map_append_node(tree, 'XENSTABLE_1.1', 'XENSTABLE_1.0',
                    ['xenstable_selftest_added'])
    abilist_add(tree, 'XENSTABLE_1.1 xenstable_selftest_added F')
