#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Self-test of the VM harness's serial-log reading (no VM is booted):
Xen's console messages spliced into a domain's line, what counts as
the emulated machine crashing or the guest dying, and the allowlist of
known differences.  TAP on stdout."""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness.boot import GUEST_DEATH_SIGNS, crash_lines  # noqa: E402
from harness.common import Failure  # noqa: E402
from harness.transcript import (MARK, Tap, clean_lines,  # noqa: E402
                                load_allowlist, parse_runs)

XEN_MSG = '(XEN) uart interrupt taking more than 4ms, switched to polling'

# (name, serial text, the lines clean_lines must give)
SPLICES = [
    ('a line without Xen', 'ok 1 - a\nok 2 - b',
     ['ok 1 - a', 'ok 2 - b']),
    ('Xen at a line start stays as it is', XEN_MSG + '\nok 1 - a',
     [XEN_MSG, 'ok 1 - a']),
    ('Xen spliced mid-line; the line ends right after it',
     'ok 30 - adopted handle unbinds' + XEN_MSG + '\n\nok 31 - next',
     [XEN_MSG, 'ok 30 - adopted handle unbinds', 'ok 31 - next']),
    ('Xen spliced mid-line; the line goes on after it',
     'ok 30 - adop' + XEN_MSG + '\nted handle unbinds',
     [XEN_MSG, 'ok 30 - adopted handle unbinds']),
    ('two Xen messages in one line',
     'ok 5 - x' + XEN_MSG + '\n(XEN) two\ny',
     [XEN_MSG, '(XEN) two', 'ok 5 - xy']),
    ('carriage returns go', 'ok 1 - a\r\n', ['ok 1 - a', '']),
]

# (name, serial line, is it a crash of the emulated machine)
CRASHES = [
    ('a process killed by a segfault',
     '[ 18.49] sh[350]: segfault at 8 ip 0000000000433f4b sp 00007ff', True),
    ('a general protection fault',
     '[ 2.1] busybox[9]: general protection fault ip:4a4d02 sp:7ff', True),
    ('the guest kernel double-faults',
     '[ 6.52] traps: PANIC: double fault, error_code: 0x0', True),
    ('the guest kernel hits its entry stack guard',
     '[ 19.4] BUG: ENTRY_TRAMPOLINE stack guard page was hit at 0', True),
    ('Xen sees a triple fault', '(XEN) d1v0 Triple fault - invoking HVM '
     'shutdown action', True),
    ('a process killed by #UD', '[ 9.1] traps: sh[77] trap invalid opcode '
     'ip:4093c0 sp:7ffe593f5718 error:0 in busybox[401000+b5000]', True),
    ('init killed by #UD (the panic trace)',
     '[ 5.284527]  asm_exc_invalid_op+0x16/0x20', True),
    ('a failing test is no crash', 'not ok 4 - the guest\'s gfns # errno=110',
     False),
    ('a test naming faults is no crash', 'ok 3 - page fault counters', False),
]

# (name, guest console line, whether twodom.sh's guest_dead -- grep -F
# of /t/guest-death-signs -- must stop waiting for the guest)
GUEST_DEATHS = [
    ('a double fault', '[ 6.52] traps: PANIC: double fault, error_code: 0x0',
     True),
    ('the entry stack guard', '[ 19.4] BUG: ENTRY_TRAMPOLINE stack guard '
     'page was hit at 0000000015d39add', True),
    ('a panic', '[ 3.1] Kernel panic - not syncing: Attempted to kill init!',
     True),
    ('a peer test line', '@@XG END evtchn2dom-peer ours rc=0', False),
    ('a failing peer check', 'not ok 2 - the guest kernel faults # x', False),
]


def main():
    tap = Tap()
    for name, text, want in SPLICES:
        got = clean_lines(text)
        tap.ok(got == want, 'clean_lines: ' + name, 'got %r' % got)
    lines = clean_lines('%s BEGIN evtchn ours\nok 30 - unbinds%s\n\n'
                        '%s END evtchn ours rc=0\n%s DONE\n'
                        % (MARK, XEN_MSG, MARK, MARK))
    runs, _, done = parse_runs(lines, MARK)
    r = runs.get(('evtchn', 'ours'), {})
    tap.ok(done and r.get('lines') == ['ok 30 - unbinds'] and r['rc'] == 0,
           'parse_runs: a spliced Xen message is not part of the output',
           repr(r))
    for name, line, want in CRASHES:
        tap.ok(bool(crash_lines([line])) == want, 'crash_lines: ' + name)
    for name, line, want in GUEST_DEATHS:
        dead = any(sign in line for sign in GUEST_DEATH_SIGNS)
        tap.ok(dead == want, 'guest death signs: ' + name)
    tap.ok(all(s and '\n' not in s for s in GUEST_DEATH_SIGNS),
           'guest death signs are one fixed string per line')
    # the allowlist every boot reads: a bad entry would fail every VM
    # suite only after its boot
    try:
        n = len(load_allowlist(os.path.join(HERE, 'known-differences.txt')))
        why = None
    except (Failure, re.error) as e:
        n, why = 0, str(e)
    tap.ok(n > 0, 'known-differences.txt parses (%d entries)' % n, why)
    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
