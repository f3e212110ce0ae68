"""Compatible: a new function in the next node (after the newest) with the
project version bumped to match."""
from _edit import (add_function, map_append_node, abilist_add,
                   set_project_version, next_node)

EXPECT = 'accept'


def edit(tree):
    node, parent, version = next_node(tree)
    add_function(tree)
    map_append_node(tree, node, parent, ['xenstable_selftest_added'])
    abilist_add(tree, '%s xenstable_selftest_added F' % node)
    set_project_version(tree, version)
