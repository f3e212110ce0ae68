"""Remove a released function: xenevtchn_unmask leaves the map (its
XENSTABLE_1.0 and VERS_1.0 entries) and the abilist, a consistent
removal, so only abidiff can object."""
from _edit import replace, abilist_remove

EXPECT = 'reject'
CAUGHT_BY = 'no ABI change against'


def edit(tree):
    replace(tree, 'symbols/libxenstable.map', '    xenevtchn_unmask;\n', '',
            count=2)
    abilist_remove(tree, 'XENSTABLE_1.0 xenevtchn_unmask F')
    abilist_remove(tree, 'VERS_1.0 xenevtchn_unmask F')
