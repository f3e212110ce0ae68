"""Change Xentoolcore__Active_Handle, which lives in a private header
but is embedded by Debian's libxenstore.so.4 (abi/headers/ makes it
public to abidw)."""
from _edit import replace

EXPECT = 'reject'
CAUGHT_BY = 'no ABI change against'


def edit(tree):
    replace(tree, 'src/toolcore_private.h',
            '    Xentoolcore__Restrict_Callback *restrict_callback;\n',
            '    Xentoolcore__Restrict_Callback *restrict_callback;\n'
            '    unsigned long selftest_added;\n')
