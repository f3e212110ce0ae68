"""Drop one upstream-compatibility binding (xenevtchn_unmask@VERS_1.0)
while keeping xenevtchn_unmask@@XENSTABLE_1.0: binaries linked against
upstream's libxenevtchn.so.1 would no longer load.  abidiff does not
report a removed alias; the gate's own symbol comparison must."""
import os
from _edit import abilist_remove

EXPECT = 'reject'
CAUGHT_BY = 'is still exported'


def edit(tree):
    # The second occurrence is the VERS_1.0 entry (XENSTABLE_1.0 comes first).
    full = os.path.join(tree, 'symbols', 'libxenstable.map')
    text = open(full, encoding='utf-8').read()
    first = text.index('    xenevtchn_unmask;\n')
    second = text.index('    xenevtchn_unmask;\n', first + 1)
    if text.rfind('VERS_1.0 {', 0, second) < text.rfind('XENSTABLE_1.0 {', 0, second):
        raise RuntimeError('second xenevtchn_unmask entry is not in VERS_1.0')
    text = text[:second] + text[second + len('    xenevtchn_unmask;\n'):]
    with open(full, 'w', encoding='utf-8') as f:
        f.write(text)
    abilist_remove(tree, 'VERS_1.0 xenevtchn_unmask F')
