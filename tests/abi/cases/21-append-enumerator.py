"""Compatible: append an enumerator after every existing one of
xentoollog_level (no existing value changes)."""
from _edit import replace

EXPECT = 'accept'


def edit(tree):
    replace(tree, 'include/xentoollog.h',
            '    XTL_NUM_LEVELS\n',
            '    XTL_NUM_LEVELS,\n    XTL_SELFTEST_APPENDED\n')
