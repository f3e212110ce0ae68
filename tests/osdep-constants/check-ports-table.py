#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""docs/ports.md has exactly one row per exported function: every name of
our own nodes (XENSTABLE_*) in the abilist, no other, none twice, each
row with an answer for linux, freebsd, netbsd and none.  TAP on stdout.

Usage: check-ports-table.py docs/ports.md symbols/libxenstable.abilist
"""
import re
import sys


def main():
    doc, abilist = sys.argv[1], sys.argv[2]
    exported = set()
    with open(abilist, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 2 and fields[0].startswith("XENSTABLE_"):
                exported.add(fields[1])
    rows = {}
    dup = []
    bad = []
    with open(doc, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\| `([A-Za-z0-9_]+)` \|(.*)\|\s*$", line)
            if not m:
                continue
            name, cells = m.group(1), [c.strip() for c in m.group(2).split("|")]
            if name in rows:
                dup.append(name)
            if len(cells) != 4 or not all(cells):
                bad.append(name)
            rows[name] = cells

    results = [(bool(exported), f"{len(exported)} exported functions read")]
    for name in sorted(exported):
        results.append((name in rows, f"{name} has a row"))
    for name in sorted(set(rows) - exported):
        results.append((False, f"{name} has a row but is not exported"))
    for name in dup:
        results.append((False, f"{name} has more than one row"))
    for name in bad:
        results.append((False, f"{name}'s row answers for linux, freebsd, "
                               "netbsd and none"))
    for n, (ok, what) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {n} - {what}")
    print(f"1..{len(results)}")
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
