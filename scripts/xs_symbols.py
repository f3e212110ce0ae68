#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Read libxenstable's version script and the dynamic symbols of a built
library, and render the glibc-style abilist ("NODE name F").

Shared by tests/symbols/check-symbols.py and scripts/update-abilist."""

import re
import subprocess


def parse_map(path):
    """Return [(node, parent, [names...]), ...] in file order."""
    text = open(path, encoding='utf-8').read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'#[^\n]*', '', text)
    nodes = []
    for m in re.finditer(r'([A-Za-z0-9_.]+)\s*\{(.*?)\}\s*([A-Za-z0-9_.]*)\s*;',
                         text, flags=re.S):
        node, body, parent = m.group(1), m.group(2), m.group(3) or None
        names = []
        section = 'global'
        for item in body.split(';'):
            item = item.strip()
            if not item:
                continue
            label = re.match(r'(global|local)\s*:\s*(.*)', item, flags=re.S)
            if label:
                section, item = label.group(1), label.group(2).strip()
                if not item:
                    continue
            if section == 'global':
                names.append(item)
        nodes.append((node, parent, names))
    return nodes


def is_compat_node(node):
    """Upstream's own version names (VERS_1.0 ...), bound as non-default
    aliases so binaries linked against upstream's libraries resolve."""
    return re.match(r'VERS_[0-9.]+$', node) is not None


def dynamic_symbols(lib, readelf='readelf'):
    """Return a list of (name, version, is_default, type) for every symbol
    the library defines in .dynsym.  version is None when unversioned."""
    out = subprocess.run([readelf, '--dyn-syms', '-W', lib], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) < 8 or not f[0].rstrip(':').isdigit():
            continue
        typ, bind, ndx, name = f[3], f[4], f[6], f[7]
        if ndx == 'UND' or bind not in ('GLOBAL', 'WEAK'):
            continue
        version, is_default = None, False
        if '@@' in name:
            name, version = name.split('@@', 1)
            is_default = True
        elif '@' in name:
            name, version = name.split('@', 1)
        # The version-definition symbols themselves (ABS, named as a node).
        if ndx == 'ABS' and typ == 'OBJECT' and re.match(
                r'(XENSTABLE|VERS)_[0-9.]+$', name) and version in (None, name):
            continue
        syms.append((name, version, is_default, typ))
    return syms


def symbol_value(lib, name, version, readelf='readelf'):
    """The address of name@version (either kind) in lib's .dynsym."""
    out = _dynsyms_cached(lib, readelf)
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].rstrip(':').isdigit() and f[6] != 'UND':
            n = f[7].replace('@@', '@')
            if n == '%s@%s' % (name, version):
                return f[1]
    return None


_dynsyms = {}


def _dynsyms_cached(lib, readelf):
    if lib not in _dynsyms:
        _dynsyms[lib] = subprocess.run([readelf, '--dyn-syms', '-W', lib], check=True,
                                       capture_output=True, text=True).stdout
    return _dynsyms[lib]


def family(name):
    """The upstream library prefix of a function name: xencall2L -> xencall,
    xentoolcore__register_active_handle -> xentoolcore, xtl_log -> xtl."""
    m = re.match(r'(xtl|xen[a-z]+?)(?=[_0-9]|$)', name)
    return m.group(1) if m else name


def abilist_lines(syms):
    kind = {'FUNC': 'F', 'OBJECT': 'D', 'IFUNC': 'F', 'TLS': 'T'}
    lines = set()
    for name, version, is_default, typ in syms:
        lines.add('%s %s %s' % (version or '(none)', name, kind.get(typ, typ)))
    return sorted(lines)
