"""Open the next node (XENSTABLE_1.<n+1>) but forget to bump the project version
(the library would ship its symbols under the previous release)."""
from _edit import add_function, map_append_node, abilist_add, next_node

EXPECT = 'reject'
CAUGHT_BY = 'matches project version'


def edit(tree):
    node, parent, version = next_node(tree)
    add_function(tree)
    map_append_node(tree, node, parent, ['xenstable_selftest_added'])
    abilist_add(tree, '%s xenstable_selftest_added F' % node)
