#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""The committed Debian symbols file (symbols/debian/<package>.symbols)
must be exactly what scripts/gen-debian-symbols makes from the built
library, and -- when dpkg-dev is installed -- dpkg-gensymbols itself
must accept the library against it with -c4 (no symbol new or lost) and
list the same entries.  Prints TAP; without dpkg-gensymbols those two
subtests skip locally and fail under CI=true.

Usage: check-debian-symbols.py LIB SRCDIR VERSION"""

import difflib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

lib, srcdir, version = sys.argv[1:4]
gen_path = os.path.join(srcdir, 'scripts', 'gen-debian-symbols')
loader = importlib.machinery.SourceFileLoader('gen_debian_symbols', gen_path)
spec = importlib.util.spec_from_loader('gen_debian_symbols', loader)
gen = importlib.util.module_from_spec(spec)
loader.exec_module(gen)

n = 0
failed = 0


def tap(ok, name, detail=None, skip=None):
    global n, failed
    n += 1
    if skip:
        print('ok %d - %s # SKIP %s' % (n, name, skip))
        return
    failed += not ok
    print('%sok %d - %s' % ('' if ok else 'not ', n, name))
    if detail and not ok:
        print('# ' + detail.rstrip().replace('\n', '\n# '))


package = gen.package_name(gen.soname(lib))
committed_path = os.path.abspath(os.path.join(srcdir, 'symbols', 'debian', package + '.symbols'))
rel = os.path.relpath(committed_path, srcdir)
generated = gen.render(lib, srcdir, version)
try:
    committed = open(committed_path, encoding='utf-8').read()
except OSError as e:
    committed = ''
    tap(False, '%s exists' % rel, str(e))
tap(committed == generated, '%s equals scripts/gen-debian-symbols output' % rel,
    ''.join(difflib.unified_diff(committed.splitlines(True), generated.splitlines(True),
                                 'committed', 'generated'))
    + '\nregenerate: scripts/gen-debian-symbols ' + lib)

dpkg = shutil.which('dpkg-gensymbols')
if dpkg is None:
    why = 'dpkg-gensymbols not installed (dpkg-dev, scripts/install-deps.sh)'
    ci = os.environ.get('CI', '').lower() in ('1', 'true', 'yes')
    for name in ('dpkg-gensymbols -c4 accepts the library against it',
                 'dpkg-gensymbols lists the same entries'):
        tap(not ci, name, why, skip=None if ci else why)
else:
    with tempfile.TemporaryDirectory() as tmp:
        base = [dpkg, '-q', '-v' + version, '-p' + package, '-e' + os.path.abspath(lib)]
        r = subprocess.run(base + ['-I' + committed_path, '-c4',
                                   '-O' + os.path.join(tmp, 'checked')],
                           cwd=tmp, capture_output=True, text=True)
        tap(r.returncode == 0, 'dpkg-gensymbols -c4 accepts the library against it',
            r.stdout + r.stderr)
        r = subprocess.run(base + ['-O' + os.path.join(tmp, 'fresh')],
                           cwd=tmp, capture_output=True, text=True)
        fresh = open(os.path.join(tmp, 'fresh'), encoding='utf-8').read() \
            if r.returncode == 0 else ''

        def entries(text):
            # The minimal versions differ by design (dpkg only knows -v).
            return [l.split()[0] for l in text.splitlines()[1:] if l.strip()]
        tap(r.returncode == 0 and entries(fresh) == entries(committed)
            and fresh.split('\n')[0] == committed.split('\n')[0],
            'dpkg-gensymbols lists the same entries',
            r.stderr + '\n'.join(difflib.unified_diff(
                committed.splitlines(), fresh.splitlines(), 'committed',
                'dpkg-gensymbols', lineterm='')))
print('1..%d' % n)
sys.exit(1 if failed else 0)
