"""Grow a caller-visible public struct: xenhypfs_dirent gains a member
(arrays of it are returned to callers, so its size is ABI)."""
from _edit import replace

EXPECT = 'reject'
CAUGHT_BY = 'no ABI change against'


def edit(tree):
    replace(tree, 'include/xenhypfs.h',
            '    unsigned int flags;         /* XENHYPFS_FLAG_* */\n',
            '    unsigned int flags;         /* XENHYPFS_FLAG_* */\n'
            '    unsigned int selftest_added;\n')
