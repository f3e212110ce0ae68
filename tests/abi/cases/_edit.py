# SPDX-License-Identifier: LGPL-2.1-only
"""Edit helpers for the ABI self-test cases.  Every edit must apply
exactly once: a case whose edit no longer matches the tree raises
instead of silently testing an unchanged library."""

import os
import re


def replace(tree, path, old, new, count=1):
    """Replace old with new in tree/path; old must occur count times."""
    full = os.path.join(tree, path)
    text = open(full, encoding='utf-8').read()
    found = text.count(old)
    if found != count:
        raise RuntimeError('%s: expected %d occurrence(s) of %r, found %d'
                           % (path, count, old, found))
    with open(full, 'w', encoding='utf-8') as f:
        f.write(text.replace(old, new))


def sub(tree, path, pattern, new):
    """Regex replace in tree/path; the pattern must match exactly once."""
    full = os.path.join(tree, path)
    text = open(full, encoding='utf-8').read()
    text, n = re.subn(pattern, new, text, flags=re.M)
    if n != 1:
        raise RuntimeError('%s: pattern %r matched %d times' % (path, pattern, n))
    with open(full, 'w', encoding='utf-8') as f:
        f.write(text)


def append(tree, path, text):
    with open(os.path.join(tree, path), 'a', encoding='utf-8') as f:
        f.write(text)


def abilist_add(tree, line):
    """Insert line into the sorted symbols/libxenstable.abilist."""
    path = os.path.join(tree, 'symbols', 'libxenstable.abilist')
    lines = [l for l in open(path, encoding='utf-8').read().splitlines() if l]
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(sorted(lines + [line])) + '\n')


def abilist_remove(tree, line):
    path = os.path.join(tree, 'symbols', 'libxenstable.abilist')
    lines = open(path, encoding='utf-8').read().splitlines()
    if line not in lines:
        raise RuntimeError('abilist has no line %r' % line)
    lines.remove(line)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')


def map_add_to_node(tree, node, name):
    """Add name to the global list of an existing map node."""
    sub(tree, 'symbols/libxenstable.map',
        r'^(%s\s*\{\s*\n\s*global:\s*\n)' % re.escape(node),
        r'\g<1>    %s;\n' % name)


def map_append_node(tree, node, parent, names):
    append(tree, 'symbols/libxenstable.map',
           '\n%s {\n  global:\n%s} %s;\n' % (
               node, ''.join('    %s;\n' % n for n in names), parent))


def next_node(tree):
    """(node, parent, version) for a node after the newest XENSTABLE_*
    node of the map, so cases keep working as releases add nodes."""
    text = open(os.path.join(tree, 'symbols', 'libxenstable.map'),
                encoding='utf-8').read()
    nodes = re.findall(r'^XENSTABLE_(\d+)\.(\d+)\s*\{', text, flags=re.M)
    major, minor = max((int(a), int(b)) for a, b in nodes)
    return ('XENSTABLE_%d.%d' % (major, minor + 1),
            'XENSTABLE_%d.%d' % (major, minor),
            '%d.%d.0' % (major, minor + 1))


def set_project_version(tree, version):
    sub(tree, 'meson.build', r"^(\s*version\s*:\s*)'[0-9.]+'", r"\g<1>'%s'" % version)


NEW_FUNCTION_C = '''
/* ABI self-test: a function added by a test case. */
XS_API int xenstable_selftest_added(void)
{
    return 42;
}
'''


def add_function(tree, name='xenstable_selftest_added'):
    """Declare and define a new exported function (not yet in the map)."""
    append(tree, 'include/xentoolcore.h',
           '\nint %s(void);\n' % name)
    append(tree, 'src/toolcore.c',
           NEW_FUNCTION_C.replace('xenstable_selftest_added', name))
