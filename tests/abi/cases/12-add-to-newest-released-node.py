"""Add a function to the newest node after its baseline was committed
(e.g. XENSTABLE_1.1): released additions of a node are accepted against
older baselines, but the node itself is frozen like any other."""
from _edit import add_function, map_add_to_node, abilist_add, next_node

EXPECT = 'reject'
CAUGHT_BY = 'in unfrozen nodes'


def edit(tree):
    _, newest, _ = next_node(tree)
    add_function(tree)
    map_add_to_node(tree, newest, 'xenstable_selftest_added')
    abilist_add(tree, '%s xenstable_selftest_added F' % newest)
