#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""The backends never call up: fail if any file under src/osdep/ calls a
function defined in the API layer or toolcore (a non-static function of
a src/*.c file), except the logger's (src/xtl_*.c).

Backends take and return data (docs/architecture.md): an open returns a
descriptor and the API layer publishes it, a map reports its cookie and
the API layer records it.  A call up is what this forbids.

usage: check-layering.py SOURCE_ROOT [--expect N]
  --expect N: succeed only if exactly N calls up are found (self-test)
"""
import os
import re
import sys

IDENT_CALL = re.compile(r'\b([A-Za-z_]\w*)\s*\(')


def strip(text):
    """Blank out comments, string and character literals, keeping lines."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif text[i] in '"\'':
            q, j = text[i], i + 1
            while j < n and text[j] != q:
                j += 2 if text[j] == '\\' else 1
            out.append(q + ' ' * (j - i - 1) + q)
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def defined_functions(path):
    """Names of the non-static functions a .c file defines.

    The project's style opens a function body with `{` in column 0; the
    declarator is the text between the previous `;`, `}` or directive
    and that brace, and the function's name is the identifier before its
    first `(`.
    """
    text = strip(open(path, encoding='utf-8').read())
    names = []
    for m in re.finditer(r'^\{', text, re.M):
        head = text[:m.start()]
        cut = max(head.rfind(';'), head.rfind('}'))
        last_directive = head.rfind('\n#')
        if last_directive > cut:
            cut = head.find('\n', last_directive + 1)
        decl = head[cut + 1:].strip()
        if not decl or decl.split()[0] == 'static':
            continue
        paren = decl.find('(')
        name = re.search(r'([A-Za-z_]\w*)\s*$', decl[:paren]) if paren > 0 \
            else None
        if name:
            names.append(name.group(1))
    return names


def main():
    root = sys.argv[1]
    expect = int(sys.argv[3]) if sys.argv[2:3] == ['--expect'] else 0
    src = os.path.join(root, 'src')
    upper, logger = {}, set()
    for f in sorted(os.listdir(src)):
        path = os.path.join(src, f)
        if not f.endswith('.c') or not os.path.isfile(path):
            continue
        for name in defined_functions(path):
            if f.startswith('xtl_'):
                logger.add(name)
            else:
                upper[name] = f
    bad = 0
    for dirpath, _, files in sorted(os.walk(os.path.join(src, 'osdep'))):
        for f in sorted(files):
            if not f.endswith(('.c', '.h')):
                continue
            path = os.path.join(dirpath, f)
            text = strip(open(path, encoding='utf-8').read())
            for m in IDENT_CALL.finditer(text):
                name = m.group(1)
                if name in upper and name not in logger:
                    line = text.count('\n', 0, m.start()) + 1
                    print('%s:%d: calls %s() of src/%s: backends take and '
                          'return data, they never call up'
                          % (os.path.relpath(path, root), line, name,
                             upper[name]))
                    bad += 1
    print('%d calls up from src/osdep/ (%d functions of the API layer and '
          'toolcore checked)' % (bad, len(upper)))
    if not upper:
        print('found no function of the API layer: the check is broken')
        return 1
    return 0 if bad == expect else 1


if __name__ == '__main__':
    sys.exit(main())
