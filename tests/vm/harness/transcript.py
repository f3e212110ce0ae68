# SPDX-License-Identifier: LGPL-2.1-only
"""Reading what the VM printed: the marked runs in the serial log,
normalised transcripts, the ours-vs-upstream diff with its allowlist
(known-differences.txt), and TAP for meson."""

import difflib
import os
import re
import sys

from .common import Failure, log

MARK = '@@XS'          # dom0 markers (never printed by Xen/Linux)
GMARK = '@@XG'         # guest markers


def clean_lines(text):
    """The serial log's lines, with Xen's own console messages taken out of
    the middle of a domain's line.  Xen prints each message as a whole line
    starting "(XEN) ", but it can land between two writes of dom0's
    console ("ok 30 - adopted handle unbinds(XEN) uart interrupt taking
    more than 4ms, ..."); the rest of dom0's line then follows on the next
    line.  Such a message becomes a line of its own and dom0's line is
    joined again."""
    out, carry = [], ''
    for line in text.replace('\r', '').split('\n'):
        line = carry + line
        carry = ''
        at = line.find('(XEN) ')
        if at > 0:
            out.append(line[at:])
            carry = line[:at]
            continue
        out.append(line)
    if carry:
        out.append(carry)
    return out


def parse_runs(lines, mark):
    """{(prog, impl): {'lines': [...], 'rc': int|None}} plus flags."""
    runs, cur, done, order = {}, None, False, []
    begin = re.compile(re.escape(mark) + r' BEGIN (\S+) (\S+)\s*$')
    end = re.compile(re.escape(mark) + r' END (\S+) (\S+) rc=(-?\d+)\s*$')
    for line in lines:
        if line.startswith('(XEN)'):
            continue
        m = begin.search(line)
        if m:
            cur = (m.group(1), m.group(2))
            runs[cur] = {'lines': [], 'rc': None}
            order.append(cur)
            continue
        m = end.search(line)
        if m:
            key = (m.group(1), m.group(2))
            if key in runs:
                runs[key]['rc'] = int(m.group(3))
            cur = None
            continue
        if line.rstrip() == mark + ' DONE':
            done = True
            continue
        if cur is not None:
            runs[cur]['lines'].append(line)
    return runs, order, done


def section(lines, name):
    """Lines between '@@XS <name> BEGIN' and '@@XS <name> END'."""
    out, inside = [], False
    for line in lines:
        if line.rstrip() == '%s %s BEGIN' % (MARK, name):
            inside, out = True, []
        elif line.rstrip() == '%s %s END' % (MARK, name):
            inside = False
        elif inside:
            out.append(line)
    return out


def normalise(lines):
    out = []
    for line in lines:
        line = line.rstrip()
        if not line or line.startswith('#'):
            continue
        out.append(re.sub(r'\{[^{}]*\}', '{}', line))
    return out


def load_allowlist(path):
    """Lines: '<prog> | <regex> | <reason>' (reason is mandatory); the
    prog field may end in '@<xen>[,<xen>...]' to hold for those Xen
    versions only.  Returns [(prog, versions or None, regex, reason)]."""
    allow = []
    if not os.path.exists(path):
        return allow
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = [x.strip() for x in line.split('|', 2)]
            if len(parts) != 3 or not parts[2]:
                raise Failure('%s:%d: expected "<prog> | <regex> | <reason>"'
                              % (path, n))
            prog, _, vers = parts[0].partition('@')
            allow.append((prog, set(vers.split(',')) if vers else None,
                          re.compile(parts[1]), parts[2]))
    return allow


def diff_transcripts(prog, a, b, allow, xen=None):
    """Unmatched differences between two normalised transcripts (on Xen
    version xen, for the allowlist's per-version entries)."""
    diffs, allowed = [], []
    for d in difflib.unified_diff(a, b, 'ours', 'upstream', n=0,
                                  lineterm=''):
        if d.startswith(('---', '+++', '@@')):
            continue
        body = d[1:]
        hit = [r for p, vers, rx, r in allow
               if (p == prog or p == '*') and (vers is None or xen in vers)
               and rx.search(body)]
        (allowed if hit else diffs).append(
            d + ('   [allowed: %s]' % hit[0] if hit else ''))
    return diffs, allowed


class Tap:
    def __init__(self):
        self.n, self.failed = 0, 0

    def ok(self, cond, name, detail=None, diag=()):
        self.n += 1
        if not cond:
            self.failed += 1
        print('%sok %d - %s%s' % ('' if cond else 'not ', self.n, name,
                                  (' # ' + detail) if detail and not cond
                                  else ''))
        for d in diag:
            print('#   ' + d)
        sys.stdout.flush()

    def finish(self):
        print('1..%d' % self.n, flush=True)
        return 1 if self.failed else 0


class Expect:
    """What a run may legitimately look like on this test bed: the Xen
    version (for the allowlist), the upstream builds the release's
    libraries cannot load ({(prog, impl): reason}) and the pairs that
    therefore did not run ({(pair, impl)})."""

    def __init__(self, xen=None, noload=None, nopair=None):
        self.xen = xen
        self.noload = noload or {}
        self.nopair = nopair or set()

    def not_run(self, prog, impl):
        pair = prog[:-len('-peer')] if prog.endswith('-peer') else prog
        return (pair, impl) in self.nopair and \
            (prog, impl) not in self.noload


def loader_refused(r, reason):
    """The loader refused the program as the harness predicted: 'lib' (a
    library the release does not have at all) or 'lib VERS' (a symbol
    version its build lacks), comma-separated.  glibc's loader names
    the first library it cannot open, and every missing version."""
    if r is None or r['rc'] in (0, None):
        return False
    text = '\n'.join(r['lines'])
    absent = [n for n in reason.split(', ') if ' ' not in n]
    if absent:
        return any(re.search(r'%s: cannot open shared object file'
                             % re.escape(lib), text) for lib in absent)
    for need in reason.split(', '):
        lib, ver = need.split(' ')
        if not re.search(r'%s: version `%s\' not found' % (re.escape(lib),
                                                          re.escape(ver)),
                         text):
            return False
    return True


def report_runs(tap, runs, progs, impls, allow, where, rules=None):
    """TAP lines per (prog, impl) plus one differential line per prog."""
    rules = rules or Expect()
    for prog in progs:
        skip_diff = False
        for impl in impls:
            r = runs.get((prog, impl))
            name = '%s [%s]%s' % (prog, impl, where)
            if (prog, impl) in rules.noload:
                why = rules.noload[(prog, impl)]
                tap.ok(loader_refused(r, why), '%s: Xen %s\'s libraries '
                       'cannot load it (needs %s), and the loader says so'
                       % (name, rules.xen, why),
                       'rc=%s' % (r and r['rc']), r['lines'] if r else [])
                skip_diff = True
                continue
            if rules.not_run(prog, impl):
                log('%s: not run (the other side of the pair cannot load '
                    'on Xen %s)' % (name, rules.xen))
                if r is not None:
                    tap.ok(False, name, 'ran although its pair cannot')
                skip_diff = True
                continue
            if r is None:
                tap.ok(False, name, 'did not run (no BEGIN marker)')
                continue
            bad = [l for l in r['lines'] if l.startswith('not ok')]
            oks = [l for l in r['lines'] if l.startswith('ok ')]
            cond = r['rc'] == 0 and not bad and bool(oks)
            detail = None
            if r['rc'] is None:
                detail = 'no END marker (crashed or hung)'
            elif r['rc'] != 0:
                detail = 'rc=%d, %d failed check(s)' % (r['rc'], len(bad))
            elif bad:
                detail = '%d failed check(s)' % len(bad)
            elif not oks:
                detail = 'program reported no checks'
            diag = r['lines'] if not cond else \
                ['%d checks passed' % len(oks)]
            tap.ok(cond, name, detail, diag)
        if len(impls) < 2:          # ours-only: nothing to compare with
            continue
        if skip_diff:
            log('%s: ours vs upstream not compared: upstream cannot run '
                'this program on Xen %s' % (prog, rules.xen))
            continue
        a, b = runs.get((prog, impls[0])), runs.get((prog, impls[1]))
        name = '%s [diff %s vs %s]%s' % (prog, impls[0], impls[1], where)
        if a is None or b is None:
            tap.ok(False, name, 'missing transcript')
            continue
        ta = normalise(a['lines']) + ['exit %s' % a['rc']]
        tb = normalise(b['lines']) + ['exit %s' % b['rc']]
        diffs, allowed = diff_transcripts(prog, ta, tb, allow, rules.xen)
        tap.ok(not diffs, name, '%d unexplained difference(s)' % len(diffs)
               if diffs else None, diffs + allowed)


def print_demo(exes, with_guest, runs, booted, status, lines, serial_log):
    """Demo mode: each program's output as it printed it, then a verdict."""
    rc = 0 if booted else 1
    for exe in exes:
        name = os.path.basename(exe)
        r = runs.get((name, 'ours'))
        print('\n===== %s (in the Xen dom0%s) =====' % (
            name, ', with a PVH guest' if with_guest else ''))
        if r is None:
            print('(did not run)')
            rc = 1
            continue
        print('\n'.join(r['lines']))
        if r['rc'] != 0:
            rc = 1
    if not booted:
        print('\nthe VM did not finish cleanly (%s); serial log: %s'
              % (status, serial_log))
        for l in lines[-30:]:
            print('  ' + l)
    return rc


def write_bench(bench_out, booted, status, lines, serial_log):
    """Bench mode: save the benchmark's lines for bench/report.py."""
    out = section(lines, 'BENCH')
    if bench_out:
        with open(bench_out, 'w') as f:
            f.write(''.join(l + '\n' for l in out))
    log('bench: %d result lines%s' % (len(out), ' -> ' + bench_out
                                      if bench_out else ''))
    if not booted or not out:
        log('the bench VM did not finish cleanly (%s); serial log: %s'
            % (status, serial_log))
        for l in lines[-40:]:
            log('  ' + l)
        return 1
    return 0


def segv_runs(runs):
    """Programs killed by SIGSEGV (status 139): crash-storm evidence the
    kernel does not print (a guest's kernel logs quietly)."""
    return ['%s [%s] killed by SIGSEGV' % k for k, r in sorted(runs.items())
            if r['rc'] == 139]


def prereq_or_fail(tap_exit, msg):
    ci = os.environ.get('CI', '').lower() in ('1', 'true', 'yes')
    if ci:
        print('not ok 1 - VM prerequisites # %s' % msg.split('\n')[0])
        log(msg)
        print('1..1')
        return 1
    print('1..0 # SKIP %s' % msg.replace('\n', ' '))
    return tap_exit


def early_exit(a):
    """The exit status when this run must not boot: a prerequisite meson
    could not find (--missing) or the XSVM_DISABLE opt-out; else None."""
    if a.missing:
        return prereq_or_fail(0, a.missing)
    if os.environ.get('XSVM_DISABLE'):
        print('1..0 # SKIP XSVM_DISABLE is set')
        return 0
    return None
