"""Compatible: a new function in a new node XENSTABLE_1.1 with the
project version bumped to 1.1.0."""
from _edit import add_function, map_append_node, abilist_add, set_project_version

EXPECT = 'accept'


def edit(tree):
    add_function(tree)
    map_append_node(tree, 'XENSTABLE_1.1', 'XENSTABLE_1.0',
                    ['xenstable_selftest_added'])
    abilist_add(tree, 'XENSTABLE_1.1 xenstable_selftest_added F')
    set_project_version(tree, '1.1.0')
