"""Insert an enumerator in the middle of xentoollog_level, renumbering
every level after it."""
from _edit import replace

EXPECT = 'reject'
CAUGHT_BY = 'no ABI change against'


def edit(tree):
    replace(tree, 'include/xentoollog.h',
            '    XTL_DEBUG,\n',
            '    XTL_DEBUG,\n    XTL_SELFTEST_TRACE,\n')
