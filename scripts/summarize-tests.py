#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Print one 'N passed, N failed, N skipped' line over meson testlog.json
files, counting TAP subtests where a test reported them.  Exit 1 if any
test failed or if nothing ran at all.

Each failed test also gets a short digest of why: its first failing TAP
lines (or its last output lines when it printed none).  CI shows only the
tail of a run's output, and meson's --print-errorlogs puts the whole log
far above it, so the reason has to sit next to the closing line."""

import json
import sys

DIGEST_LINES = 4      # per failed test
DIGEST_WIDTH = 200    # characters per line


def digest(test):
    """The few lines that say why a test failed."""
    out = (test.get('stdout') or '') + '\n' + (test.get('stderr') or '')
    lines = [l for l in out.splitlines() if l.strip()]
    why = [l for l in lines
           if l.startswith(('not ok', 'Bail out'))
           or 'exited with status' in l]
    shown = why[:DIGEST_LINES] if why else lines[-DIGEST_LINES:]
    rest = len(why) - len(shown) if why else 0
    text = ['    ' + l[:DIGEST_WIDTH] for l in shown]
    if rest > 0:
        text.append('    ... and %d more failing line(s)' % rest)
    rc = test.get('returncode')
    if rc not in (None, 0) and not any('exited with status' in l
                                       for l in shown):
        text.append('    (exit status %s)' % rc)
    return text


def main(paths):
    passed = failed = skipped = 0
    failures = []
    for path in paths:
        try:
            lines = open(path, encoding='utf-8').read().splitlines()
        except OSError as e:
            print('summarize-tests: %s' % e, file=sys.stderr)
            failed += 1
            continue
        for line in lines:
            t = json.loads(line)
            result = t.get('result')
            if result == 'SKIP':
                skipped += 1
            elif result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            else:
                failed += 1
                failures.append((path, t))
    for path, t in failures:
        print('FAILED: %s (%s) in %s' % (t.get('name'), t.get('result'), path))
        for line in digest(t):
            print(line)
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
