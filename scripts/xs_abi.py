#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""The one place that knows how libxenstable's ABI is dumped and compared.

scripts/abi-dump (which writes the committed baselines under abi/) and
tests/abi/abi-gate.py (which checks a fresh build against them) both call
this module, so the abidw flags of a baseline and of the fresh dump can
never drift apart: libabigail 2.2 silently passes real struct breaks when
the two sides were dumped differently (see abi/README.md)."""

import glob
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

# The libabigail release the baselines are written with.  ABIXML changed
# incompatibly in 2.0; a different release must regenerate every baseline
# (abi/README.md) instead of comparing against them.
LIBABIGAIL_PINNED = '2.2'

# Pinned abidw flags.  Why each one:
#   --drop-private-types   only types declared in the public headers (the
#                          --headers-dir list below) are described; the
#                          opaque handles' private layouts stay out
#   --drop-undefined-syms  libc's malloc/free etc. are not our ABI
#   --no-corpus-path, --no-comp-dir-path, --no-show-locs
#                          nothing that depends on where or with which
#                          gcc the tree was built
#   --type-id-style hash   a change touches few lines of the XML
ABIDW_FLAGS = [
    '--drop-private-types',
    '--drop-undefined-syms',
    '--no-corpus-path',
    '--no-comp-dir-path',
    '--no-show-locs',
    '--type-id-style', 'hash',
]

# Directories (relative to the source root) whose headers are public ABI.
# include/ holds our headers and the bundled Xen public headers
# (private/xen/).
# abi/headers/ holds symlinks to the few private headers that are ABI all
# the same (Xentoolcore__Active_Handle, embedded by Debian's
# libxenstore.so.4).  A directory is needed because in libabigail 2.2
# --header-file never matched (the DWARF path is build-dir relative),
# while --headers-dir matches a header by its base name.
HEADERS_DIRS = ['include', os.path.join('abi', 'headers')]

BASELINE_RE = re.compile(r'libxenstable-(\d+)\.(\d+)\.abi$')

# abidiff: hermetic (no ~/.abignore), additions are judged separately.
ABIDIFF_GATE_FLAGS = ['--no-default-suppression', '--no-added-syms']
ABIDIFF_REPORT_FLAGS = ['--no-default-suppression', '--leaf-changes-only',
                        '--impacted-interfaces']


def tools_missing():
    """Names of the libabigail tools that are not on PATH."""
    return [t for t in ('abidw', 'abidiff', 'readelf')
            if shutil.which(t) is None]


def libabigail_version():
    out = subprocess.run(['abidw', '--version'], capture_output=True,
                         text=True).stdout
    m = re.search(r'(\d+)\.(\d+)', out)
    return '%s.%s' % (m.group(1), m.group(2)) if m else out.strip()


def has_debug_info(lib):
    """True if the library carries DWARF.  abidw without DWARF writes only
    the symbol list and abidiff then compares names only (rc 0 for any
    type break, even with --fail-no-debug-info in 2.2), so check it."""
    out = subprocess.run(['readelf', '-S', '-W', lib], check=True,
                         capture_output=True, text=True).stdout
    return re.search(r'\s\.debug_info\s', out) is not None


def abidw_command(lib, srcdir, out):
    cmd = ['abidw']
    for d in HEADERS_DIRS:
        cmd += ['--headers-dir', os.path.join(srcdir, d)]
    return cmd + ABIDW_FLAGS + ['--out-file', out, lib]


def dump(lib, srcdir, out):
    """Write the pinned abidw dump of lib to out; raise on failure."""
    cmd = abidw_command(lib, srcdir, out)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('%s failed (rc %d): %s' % (
            ' '.join(cmd), r.returncode, r.stderr.strip()))
    return cmd


def abidiff(old, new, flags):
    r = subprocess.run(['abidiff'] + flags + [old, new],
                       capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


# Baselines are per architecture: sizes, layouts and the calling
# convention are part of the ABI, and abidw records the machine.  The
# x86-64 baselines came first and stay at the top of abi/; every other
# architecture has a directory of its own.  The key is the ELF machine
# of the library (elf_arch), so a library is always compared with the
# baselines of its own architecture.
ARCH_DIRS = {
    'x86_64': 'abi',
    'aarch64': os.path.join('abi', 'aarch64'),
}
# readelf -h "Machine:" -> ARCH_DIRS key
ELF_MACHINES = {
    'Advanced Micro Devices X86-64': 'x86_64',
    'AArch64': 'aarch64',
}


def elf_arch(lib):
    """The ARCH_DIRS key of a library (None for an architecture without
    baselines), from its ELF header."""
    out = subprocess.run(['readelf', '-h', '-W', lib], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r'^\s*Machine:\s*(.+?)\s*$', out, re.M)
    return ELF_MACHINES.get(m.group(1)) if m else None


def baselines(srcdir, arch):
    """[(node, path)] for every committed baseline of arch, oldest first.
    A node is frozen exactly when its baseline file exists."""
    found = []
    pattern = os.path.join(srcdir, ARCH_DIRS[arch], 'libxenstable-*.abi')
    for path in glob.glob(pattern):
        m = BASELINE_RE.search(path)
        if m:
            found.append(((int(m.group(1)), int(m.group(2))), path))
    return [('XENSTABLE_%d.%d' % v, p) for v, p in sorted(found)]


def baseline_path(srcdir, node, arch):
    m = re.match(r'XENSTABLE_(\d+)\.(\d+)$', node)
    return os.path.join(srcdir, ARCH_DIRS[arch],
                        'libxenstable-%s.%s.abi' % m.groups())


def elf_symbols(abi_xml):
    """{(name, version, is_default)} of the functions and variables an
    ABIXML corpus exports, from its <elf-symbol> elements."""
    root = ET.parse(abi_xml).getroot()
    syms = set()
    for tag in ('elf-function-symbols', 'elf-variable-symbols'):
        for table in root.iter(tag):
            for s in table.iter('elf-symbol'):
                syms.add((s.get('name'), s.get('version') or '',
                          s.get('is-default-version') == 'yes'))
    return syms


def described_functions(abi_xml):
    """How many function declarations carry type information.  Zero means
    the dump was made without DWARF and compares symbol names only."""
    root = ET.parse(abi_xml).getroot()
    return sum(1 for _ in root.iter('function-decl'))


def pinned_flags_problems(abi_xml):
    """Traces in a dump that it was not written with ABIDW_FLAGS (source
    locations, build paths): such a baseline must not be compared."""
    text = open(abi_xml, encoding='utf-8').read()
    problems = []
    if re.search(r"\sfilepath='", text) or re.search(r"\sline='\d", text):
        problems.append('has source locations (made without --no-show-locs)')
    if re.search(r"<abi-corpus[^>]*\spath='", text):
        problems.append('has a corpus path (made without --no-corpus-path)')
    if 'comp-dir-path=' in text:
        problems.append('has compilation dirs (made without --no-comp-dir-path)')
    if re.search(r"\sid='type-id-\d+'", text):
        problems.append('has sequence type ids (made without --type-id-style hash)')
    return problems
