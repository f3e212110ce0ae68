"""Compatible: change the layout of an opaque handle (struct
xenevtchn_handle, only ever seen by callers through a pointer)."""
from _edit import replace

EXPECT = 'accept'


def edit(tree):
    replace(tree, 'src/evtchn_private.h',
            '    XS_HANDLE_FIELDS            /* the device in fd; see handle.h */\n',
            '    XS_HANDLE_FIELDS            /* the device in fd; see handle.h */\n'
            '    unsigned long selftest_added[4];\n')
