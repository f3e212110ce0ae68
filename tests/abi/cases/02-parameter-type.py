"""Change a parameter's type: xenevtchn_unmask's port becomes 64-bit."""
from _edit import replace

EXPECT = 'reject'
CAUGHT_BY = 'no ABI change against'


def edit(tree):
    replace(tree, 'include/xenevtchn.h',
            'int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port);',
            'int xenevtchn_unmask(xenevtchn_handle *xce, uint64_t port);')
    replace(tree, 'src/evtchn.c',
            'XS_API int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)',
            'XS_API int xenevtchn_unmask(xenevtchn_handle *xce, uint64_t port)')
