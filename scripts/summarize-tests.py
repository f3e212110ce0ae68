#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Print one 'N passed, N failed, N skipped' line over meson testlog.json
files, counting TAP subtests where a test reported them.  Exit 1 if any
test failed or if nothing ran at all."""

import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
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
            print('FAILED: %s (%s)' % (t.get('name'), result))
print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
sys.exit(1 if failed or passed == 0 else 0)
