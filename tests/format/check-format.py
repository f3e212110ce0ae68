#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Format check (suite 'lint'): every C source and header under src/,
include/ and tests/ must be unchanged by clang-format with the top-level
.clang-format, except the files listed in tests/format/unformatted.txt
(written before the configuration existed; emptied by one reformat of
the whole tree).  New files are checked from the start.

Needs clang-format 14 (Debian 12): other versions format differently, so
they skip locally and fail in CI (CI=true).  Prints TAP."""

import argparse
import os
import re
import shutil
import subprocess
import sys

DIRS = ('src', 'include', 'tests')
MAJOR = 14

ap = argparse.ArgumentParser()
ap.add_argument('--srcdir', required=True)
ap.add_argument('--exempt', required=True, help='unformatted.txt')
a = ap.parse_args()
CI = os.environ.get('CI', '').lower() in ('1', 'true', 'yes')


def prereq(msg):
    if CI:
        print('not ok 1 - format check prerequisites # %s\n1..1' % msg)
        sys.exit(1)
    print('1..0 # SKIP %s' % msg)
    sys.exit(0)


tool = shutil.which('clang-format-%d' % MAJOR) or shutil.which('clang-format')
if not tool:
    prereq('clang-format not installed (scripts/install-deps.sh)')
out = subprocess.run([tool, '--version'], capture_output=True, text=True)
m = re.search(r'version (\d+)\.', out.stdout)
if not m or int(m.group(1)) != MAJOR:
    prereq('%s is not clang-format %d: %s' % (tool, MAJOR, out.stdout.strip()))

with open(a.exempt) as f:
    exempt = {l.strip() for l in f if l.strip() and not l.startswith('#')}

files = []
for d in DIRS:
    for root, dirs, names in os.walk(os.path.join(a.srcdir, d)):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            if name.endswith(('.c', '.h')) and not os.path.islink(path):
                files.append(os.path.relpath(path, a.srcdir))
stale = sorted(exempt - set(files))

n = failed = 0
style = '--style=file:' + os.path.join(a.srcdir, '.clang-format')
for rel in files:
    if rel in exempt:
        continue
    n += 1
    p = subprocess.run([tool, '--dry-run', '-Werror', style, rel],
                       cwd=a.srcdir, capture_output=True, text=True)
    if p.returncode:
        failed += 1
        print('not ok %d - %s is formatted (clang-format -i %s)'
              % (n, rel, rel))
        for line in (p.stdout + p.stderr).splitlines()[:30]:
            print('#   ' + line)
    else:
        print('ok %d - %s is formatted' % (n, rel))
print('# %d files checked, %d exempt (tests/format/unformatted.txt)'
      % (n, len(exempt)))
if stale:
    print('# exempt but gone (drop them from the list): ' + ' '.join(stale))
print('1..%d' % n)
sys.exit(1 if failed or not n else 0)
