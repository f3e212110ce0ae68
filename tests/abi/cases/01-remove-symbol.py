"""Remove a released function: xenevtchn_unmask leaves the map and the
abilist (a consistent removal, so only abidiff can object)."""
from _edit import replace, abilist_remove

EXPECT = 'reject'
CAUGHT_BY = 'no ABI change against'


def edit(tree):
    replace(tree, 'symbols/libxenstable.map', '    xenevtchn_unmask;\n', '')
    abilist_remove(tree, 'XENSTABLE_1.0 xenevtchn_unmask F')
