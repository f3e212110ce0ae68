#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-only
"""Prove that check-constants can fail: for EVERY row of the table,
change its value and expect the checker to reject the table, naming that
row; delete each row and expect a failure ("declared but never checked");
add an unknown row and a duplicate and expect failures.  The untouched
table must pass.  TAP on stdout.

Usage: selftest.py CHECKER TABLE.tsv
"""
import os
import shlex
import subprocess
import sys
import tempfile


def run(checker, lines, tmpdir):
    path = os.path.join(tmpdir, "table.tsv")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    # a cross build runs the checker through meson's exe wrapper
    wrapper = shlex.split(os.environ.get("MESON_EXE_WRAPPER", ""))
    p = subprocess.run(wrapper + [checker, path], capture_output=True,
                       text=True, check=False)
    return p.returncode, p.stdout


def mutate(value):
    """A different value of the same kind: numbers +1, strings +'x'."""
    try:
        n = int(value, 0)
    except ValueError:
        return value + "x"
    return hex(n + 1) if value.lower().startswith("0x") else str(n + 1)


def main():
    checker, table = sys.argv[1], sys.argv[2]
    with open(table, encoding="utf-8") as f:
        lines = f.readlines()
    rows = [i for i, l in enumerate(lines)
            if l.strip() and not l.startswith("#")]
    results = []

    with tempfile.TemporaryDirectory() as tmp:
        rc, _ = run(checker, lines, tmp)
        results.append((rc == 0, "the committed table passes"))

        for i in rows:
            fields = lines[i].rstrip("\n").split("\t")
            os_, kind, name = fields[0], fields[1], fields[2]
            bad = list(lines)
            fields[3] = mutate(fields[3])
            bad[i] = "\t".join(fields) + "\n"
            rc, out = run(checker, bad, tmp)
            named = any(l.startswith("not ok") and
                        f"{os_} {kind} {name}" in l
                        for l in out.splitlines())
            results.append((rc != 0 and named,
                            f"changing {os_} {kind} {name} fails"))

            gone = lines[:i] + lines[i + 1:]
            rc, out = run(checker, gone, tmp)
            results.append((rc != 0 and "never checked" in out,
                            f"deleting {os_} {kind} {name} fails"))

        extra = lines + ["freebsd\tioctl\tNO_SUCH_REQUEST\t0x1\tref\n"]
        rc, _ = run(checker, extra, tmp)
        results.append((rc != 0, "an undeclared row fails"))

        dup = lines + [lines[rows[0]]]
        rc, _ = run(checker, dup, tmp)
        results.append((rc != 0, "a duplicated row fails"))

        short = lines + ["freebsd\tioctl\tPRIVCMD_HYPERCALL\n"]
        rc, _ = run(checker, short, tmp)
        results.append((rc != 0, "a malformed row fails"))

    for n, (ok, what) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {n} - {what}")
    print(f"1..{len(results)}")
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
