"""Compatible: change the layout of an opaque handle (struct
xenevtchn_handle, only ever seen by callers through a pointer)."""
from _edit import replace

EXPECT = 'accept'


def edit(tree):
    replace(tree, 'src/evtchn_private.h',
            '    xentoollog_logger *logger;  /* caller\'s, or the static default */\n'
            '    int fd;                     /* -1 while not open */\n',
            '    int fd;                     /* -1 while not open */\n'
            '    unsigned long selftest_added[4];\n'
            '    xentoollog_logger *logger;  /* caller\'s, or the static default */\n')
