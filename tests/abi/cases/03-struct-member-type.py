"""Change a public struct member's type without changing the layout:
the grant-copy segment's status becomes unsigned (same size and offset,
so the layout static asserts in the gntdev back end still pass; only
the ABI dump can see it)."""
from _edit import replace

EXPECT = 'reject'
CAUGHT_BY = 'no ABI change against'


def edit(tree):
    replace(tree, 'include/xengnttab.h',
            '    uint16_t flags;\n    int16_t status;\n',
            '    uint16_t flags;\n    uint16_t status;\n')
