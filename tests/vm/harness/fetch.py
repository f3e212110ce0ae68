# SPDX-License-Identifier: LGPL-2.1-only
"""Package resolution, download and unpacking.

Everything comes from Debian packages fetched with `apt-get download`
and unpacked with `dpkg -x`; nothing is installed on the host.  For the
host's own release and architecture the host's apt answers.  For any
other release or architecture a PRIVATE apt configuration answers: its
own lists, cache and an empty dpkg status under the build directory,
APT::Architecture set to the target's, and sources for the target
release from the Debian mirror the host already uses.  The host's dpkg
never learns a foreign architecture (`dpkg --add-architecture` would let
other code's `apt-cache show <pkg>` pick foreign stanzas).
"""

import glob
import hashlib
import json
import os
import re
import shutil
import time

from .common import HERE, Failure, Prereq, log, run
from .platform import host_dist_arch

# how old a private apt's package lists may get before `apt-get update`
LISTS_MAX_AGE = 24 * 3600
# A clean CI clone downloads every package: a mirror's transient error
# (a reset connection, a 503) must not fail a suite, so apt retries each
# download itself (with its own back-off) before giving up.
NET_OPTS = ['-o', 'Acquire::Retries=4']


class Apt:
    """apt-get/apt-cache with the options of one configuration."""

    def __init__(self, opts=(), private_dir=None, target=None):
        self.opts = list(opts)
        self.private_dir = private_dir
        self.target = target

    @property
    def private(self):
        return self.private_dir is not None

    def cmd(self, tool, *args):
        return [tool] + NET_OPTS + self.opts + list(args)

    def describe(self):
        return ('a private apt for %s/%s (%s)'
                % (self.target.dist.name, self.target.arch.name,
                   self.private_dir) if self.private else "the host's apt")


def apt_for(target, cache):
    """The host's apt when the target is the host's release and
    architecture, else a private configuration under cache/apt."""
    codename, arch = host_dist_arch()
    if codename == target.dist.name and arch == target.arch.name:
        return Apt()
    return private_apt(target, os.path.join(cache, 'apt'), codename)


def host_sources():
    """[(types, uris, suites, components, signed_by)] of the host's apt
    sources (one-line .list and deb822 .sources files)."""
    files = ['/etc/apt/sources.list'] + sorted(
        glob.glob('/etc/apt/sources.list.d/*.list') +
        glob.glob('/etc/apt/sources.list.d/*.sources'))
    out = []
    for fn in files:
        try:
            with open(fn) as f:
                text = f.read()
        except OSError:
            continue
        if fn.endswith('.sources'):
            for stanza in re.split(r'\n\s*\n', text):
                fields = {}
                for line in stanza.splitlines():
                    if line.startswith('#') or ':' not in line:
                        continue
                    k, v = line.split(':', 1)
                    fields[k.strip().lower()] = v.strip()
                if fields.get('enabled', 'yes').lower() == 'no':
                    continue
                out.append((fields.get('types', '').split(),
                            fields.get('uris', '').split(),
                            fields.get('suites', '').split(),
                            fields.get('components', '').split(),
                            fields.get('signed-by')))
        else:
            for line in text.splitlines():
                line = line.split('#', 1)[0].strip()
                m = re.match(r'(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+'
                             r'(\S+)\s*(.*)$', line)
                if not m:
                    continue
                opts = dict(o.split('=', 1) for o in (m.group(2) or '')
                            .split() if '=' in o)
                out.append(([m.group(1)], [m.group(3)], [m.group(4)],
                            m.group(5).split(), opts.get('signed-by')))
    return out


def target_sources(codename, target):
    """One-line sources for the target release: the host's Debian
    entries (those for its own release and its -updates/-security
    suites) with the release name replaced."""
    lines = []
    for types, uris, suites, comps, signed in host_sources():
        if 'deb' not in types:
            continue
        for uri in uris:
            for suite in suites:
                m = re.match(r'%s(-updates|-security)?$'
                             % re.escape(codename or ''), suite)
                if not codename or not m:
                    continue
                opt = '[signed-by=%s] ' % signed if signed and \
                    not signed.startswith('-') else ''
                lines.append('deb %s%s %s%s %s' % (
                    opt, uri, target.dist.name, m.group(1) or '',
                    ' '.join(c for c in comps if c == 'main') or 'main'))
    if not lines:
        # no Debian entry on the host: Debian's own redirector
        log('no Debian release in the host\'s apt sources: using '
            'deb.debian.org for %s' % target.dist.name)
        lines = ['deb http://deb.debian.org/debian %s main'
                 % target.dist.name,
                 'deb http://deb.debian.org/debian %s-updates main'
                 % target.dist.name,
                 'deb http://deb.debian.org/debian-security %s-security '
                 'main' % target.dist.name]
    return sorted(set(lines))


def private_apt(target, d, codename):
    d = os.path.abspath(d)
    for sub in ('lists/partial', 'archives/partial', 'sources.list.d',
                'preferences.d'):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    status = os.path.join(d, 'status')
    if not os.path.exists(status):
        open(status, 'w').close()
    sources = os.path.join(d, 'sources.list')
    text = ''.join(l + '\n' for l in target_sources(codename, target))
    old = None
    if os.path.exists(sources):
        with open(sources) as f:
            old = f.read()
    if old != text:
        with open(sources, 'w') as f:
            f.write(text)
        stamp = os.path.join(d, 'updated')
        if os.path.exists(stamp):
            os.unlink(stamp)       # new sources: lists must be fetched
    opts = []
    for k, v in (('Dir::State', d), ('Dir::State::Lists', d + '/lists'),
                 ('Dir::State::status', status),
                 ('Dir::Cache', d), ('Dir::Cache::archives', d + '/archives'),
                 # a binary cache of the lists, so that each apt-cache
                 # call does not parse them again (some hosts turn the
                 # cache off in their apt.conf)
                 ('Dir::Cache::pkgcache', d + '/pkgcache.bin'),
                 ('Dir::Cache::srcpkgcache', d + '/srcpkgcache.bin'),
                 ('Dir::Etc::SourceList', sources),
                 ('Dir::Etc::SourceParts', d + '/sources.list.d'),
                 ('Dir::Etc::Preferences', d + '/preferences'),
                 ('Dir::Etc::PreferencesParts', d + '/preferences.d'),
                 ('APT::Architecture', target.arch.name),
                 ('APT::Architectures', target.arch.name),
                 ('Acquire::Languages', 'none'),
                 # root's apt would hand the download to the _apt user,
                 # which may not write to the build directory
                 ('APT::Sandbox::User', 'root')):
        opts += ['-o', '%s=%s' % (k, v)]
    apt = Apt(opts, d, target)
    refresh(apt)
    return apt


def refresh(apt, force=False):
    """`apt-get update` of a private configuration when its lists are
    missing, older than LISTS_MAX_AGE, or force is set."""
    stamp = os.path.join(apt.private_dir, 'updated')
    try:
        age = time.time() - os.path.getmtime(stamp)
    except OSError:
        age = None
    if not force and age is not None and age < LISTS_MAX_AGE:
        return
    log('apt-get update (%s)' % apt.describe())
    t0 = time.time()
    p = run(apt.cmd('apt-get', '-q', 'update'), check=False)
    if p.returncode != 0 or 'Err:' in p.stdout:
        msg = ('apt-get update failed for %s:\n%s'
               % (apt.describe(), (p.stdout + p.stderr).strip()))
        if age is None:
            raise Prereq(msg)
        log('WARNING: ' + msg + '\nusing the package lists of %.0f h ago'
            % (age / 3600))
        return
    open(stamp, 'w').close()
    log('package lists updated in %.1fs' % (time.time() - t0))


def deb_filename(pkg, ver, arch):
    # apt-get download names files <pkg>_<ver with ':' as %3a>_<arch>.deb
    return '%s_%s_%s.deb' % (pkg, ver.replace(':', '%3a'), arch)


def show(apt, pkgs, missing_ok=False):
    """pkg -> {field: value} of apt's candidate, via `apt-cache show`."""
    try:
        p = run(apt.cmd('apt-cache', 'show', '--no-all-versions') + pkgs,
                check=False)
    except FileNotFoundError:
        raise Prereq('apt-cache not found: this harness needs a Debian '
                     'host with apt')
    res = {}
    for stanza in p.stdout.split('\n\n'):
        fields = dict(re.findall(r'^([A-Za-z-]+): (.*)$', stanza, re.M))
        if 'Package' in fields and fields['Package'] not in res:
            res[fields['Package']] = fields
    missing = [x for x in pkgs if x not in res]
    if missing and not missing_ok:
        raise Prereq('apt does not know package(s) %s. The package lists '
                     'are probably missing: run `apt-get update` once '
                     '(as root) and retry.%s'
                     % (' '.join(missing),
                        ('\napt-cache said: ' + p.stderr.strip())
                        if p.stderr.strip() else ''))
    return res


def candidates(apt, pkgs):
    """pkg -> (version, arch) of apt's candidate."""
    return {k: (f['Version'], f.get('Architecture', 'amd64'))
            for k, f in show(apt, pkgs).items()}


def is_library_pkg(name):
    return name.startswith('lib') or name == 'zlib1g'


def library_closure(apt, pkgs):
    """The runtime library packages pkgs need, transitively (Depends and
    Pre-Depends, the first alternative apt knows; only library packages
    are followed, so python3, debconf and the like stay out).  The
    libraries a binary really loads are checked later from its ELF
    headers: this only decides what to download.  One apt-cache call per
    level of the dependency tree; a private configuration remembers the
    answer until its lists change."""
    memo = None
    if apt.private:
        stamp = os.path.join(apt.private_dir, 'updated')
        lists = 'closure-%d-' % (os.path.getmtime(stamp)
                                 if os.path.exists(stamp) else 0)
        memo = os.path.join(apt.private_dir, lists + hashlib.sha256(
            ' '.join(sorted(pkgs)).encode()).hexdigest()[:16] + '.json')
        if os.path.exists(memo):
            with open(memo) as f:
                return json.load(f)
        for fn in os.listdir(apt.private_dir):      # older lists' answers
            if fn.startswith('closure-') and not fn.startswith(lists):
                os.unlink(os.path.join(apt.private_dir, fn))
    out = _library_closure(apt, pkgs)
    if memo:
        with open(memo, 'w') as f:
            json.dump(out, f)
    return out


def _library_closure(apt, pkgs):
    have, out = set(pkgs), []
    info = show(apt, list(pkgs), missing_ok=True)
    while info:
        groups = []
        for fields in info.values():
            deps = fields.get('Pre-Depends', '') + ',' + \
                fields.get('Depends', '')
            for group in deps.split(','):
                alts = [re.sub(r'[\s(].*$', '', a.strip()).split(':')[0]
                        for a in group.split('|') if a.strip()]
                alts = [a for a in alts if is_library_pkg(a)]
                if alts and not any(a in have for a in alts):
                    groups.append(alts)
        names = sorted({a for g in groups for a in g})
        known = show(apt, names, missing_ok=True) if names else {}
        new = []
        for alts in groups:
            if any(a in have for a in alts):
                continue
            pick = [a for a in alts if a in known]
            if pick:
                have.add(pick[0])
                new.append(pick[0])
        out += new
        info = {k: known[k] for k in new}
    return out


def host_libc_version():
    p = run(['dpkg-query', '-W', '-f', '${Version}', 'libc6'], check=False)
    return p.stdout.strip() or None


def version_gt(a, b):
    return run(['dpkg', '--compare-versions', a, 'gt', b],
               check=False).returncode == 0


def needs_own_libc(apt, target):
    """Whether the upstream side must run on the target's C library (and
    loader) beside libxenstable's: when the target's glibc is newer than
    the host's (its libraries may use symbols the host's lacks: trixie's
    libxenhypfs needs GLIBC_2.38).  An older glibc's binaries run on the
    host's newer one.  On another architecture both sides run on the
    target's C library anyway (the host's cannot run there; the
    architecture's runtime_pkgs bring it), so there is no second one."""
    host_codename, host_arch = host_dist_arch()
    if host_arch != target.arch.name:
        return False
    if host_codename == target.dist.name:
        return False
    mine = host_libc_version()
    theirs = candidates(apt, ['libc6'])['libc6'][0]
    return mine is None or version_gt(theirs, mine)


def resolve_kernel(apt, target):
    """The kernel package the architecture's meta package depends on."""
    meta = target.arch.kernel_meta
    try:
        p = run(apt.cmd('apt-cache', 'depends', meta), check=False)
    except FileNotFoundError:
        raise Prereq('apt-cache not found')
    kpkg = target.kernel_from_depends(p.stdout)
    if not kpkg:
        raise Prereq('cannot resolve the kernel package from '
                     '`apt-cache depends %s` (package lists '
                     'missing? run `apt-get update`): %s%s'
                     % (meta, p.stdout.strip(), p.stderr.strip()))
    return kpkg


def fetch(apt, cache, pkgs, retry=True):
    """Download missing .debs; return {pkg: path}."""
    debdir = os.path.join(cache, 'debs')
    os.makedirs(debdir, exist_ok=True)
    cand = candidates(apt, pkgs)
    paths, need = {}, []
    for pkg in pkgs:
        ver, arch = cand[pkg]
        path = os.path.join(debdir, deb_filename(pkg, ver, arch))
        paths[pkg] = path
        if not os.path.exists(path):
            need.append('%s=%s' % (pkg, ver))
    if need:
        log('apt-get download ' + ' '.join(need))
        t0 = time.time()
        p = run(apt.cmd('apt-get', 'download') + need, cwd=debdir,
                check=False)
        if p.returncode != 0 and apt.private and retry:
            # stale private lists name superseded versions: update, retry
            refresh(apt, force=True)
            return fetch(apt, cache, pkgs, retry=False)
        if p.returncode != 0:
            raise Prereq('apt-get download failed (run `apt-get update` '
                         'if the package lists are missing or stale):\n'
                         + p.stderr.strip())
        log('downloaded in %.1fs' % (time.time() - t0))
    for pkg, path in paths.items():
        if not os.path.exists(path):
            raise Failure('apt-get download did not produce ' + path)
    return paths


def resolve_and_fetch(apt, cache, target, pkgs, name):
    """{pkg: .deb path} of the target's base packages, its kernel and
    pkgs; falls back to the last set resolved under this name when apt
    cannot resolve (no package lists / mirror unreachable)."""
    last = os.path.join(cache, 'last-resolved-%s.json' % name)
    try:
        kpkg = resolve_kernel(apt, target)
        debs = fetch(apt, cache, target.base_pkgs + [kpkg] + pkgs)
    except Prereq as e:
        try:
            with open(last) as f:
                debs = json.load(f)
        except (OSError, ValueError):
            raise e
        if not all(os.path.exists(p) for p in debs.values()):
            raise e
        log('WARNING: %s\nusing the previously resolved packages from %s'
            % (str(e).split('\n')[0], last))
        return debs
    with open(last + '.tmp', 'w') as f:
        json.dump(debs, f, indent=1)
    os.replace(last + '.tmp', last)
    return debs


def unpack(cache, debs):
    """dpkg -x the .debs into one tree shared by every suite of a target.

    The tree records which .deb files it holds; new packages are added in
    place, and the tree is rebuilt from scratch when a package it holds
    changed version (so no stale files survive an upgrade)."""
    root = os.path.join(cache, 'root')
    manifest = os.path.join(root, '.xsvm-unpacked')
    have = set()
    if os.path.exists(manifest):
        with open(manifest) as f:
            have = set(f.read().split())
    want = {os.path.basename(d): d for d in debs}
    pkg = lambda name: name.split('_')[0]
    want_pkgs = {pkg(n): n for n in want}
    # a new kernel is a new package name: drop the old one too
    stale = [n for n in have if n not in want and
             (pkg(n) in want_pkgs or pkg(n).startswith('linux-image-'))]
    if stale:
        log('package versions changed (%s): re-unpacking' % ' '.join(stale))
        shutil.rmtree(root)
        have = set()
    os.makedirs(root, exist_ok=True)
    for name in sorted(set(want) - have):
        run(['dpkg', '-x', want[name], root])
        have.add(name)
        with open(manifest + '.tmp', 'w') as f:
            f.write('\n'.join(sorted(have)) + '\n')
        os.replace(manifest + '.tmp', manifest)
    return root


def lib_sonames(target, root, deb):
    """Shared-library sonames a library .deb ships (from its file list)."""
    p = run(['dpkg-deb', '-c', deb])
    names = []
    libdir = 'usr/lib/%s' % target.arch.multiarch
    for line in p.stdout.splitlines():
        m = re.search(r'\./%s/(lib[^/ ]+\.so\.[0-9.]+)' % re.escape(libdir),
                      line)
        if m:
            base = re.match(r'(.*\.so\.\d+)', m.group(1)).group(1)
            if os.path.exists(os.path.join(root, libdir, base)) and \
                    base not in names:
                names.append(base)
    return names


def xen_image(target, cache, root, deb):
    """The hypervisor image QEMU boots (gunzipped once into the cache)."""
    src = os.path.join(root, target.xen_image)
    if not os.path.exists(src):
        cands = sorted(f for f in os.listdir(os.path.join(root, 'boot'))
                       if f.startswith('xen-') and not f.endswith(
                           ('.config', '.efi')))
        if not cands:
            raise Failure('no hypervisor image in ' + target.xen_pkg)
        src = os.path.join(root, 'boot', cands[0])
    xen = os.path.join(cache, 'xen-' + os.path.basename(deb)[:-4])
    if not os.path.exists(xen):
        tmp = xen + '.tmp'
        if src.endswith('.gz'):
            import gzip
            with gzip.open(src) as fi, open(tmp, 'wb') as fo:
                shutil.copyfileobj(fi, fo)
        else:
            shutil.copyfile(src, tmp)
        os.replace(tmp, xen)
    return xen


def build_dm_xen(target, builddir):
    """The architecture's hypervisor with the device model, built by its
    script (Arch.dm_xen_script) into <builddir>/xen-<arch>: cached
    there, so only the first run builds.  Returns the image's path."""
    script = os.path.join(HERE, '..', '..', target.arch.dm_xen_script)
    out = os.path.join(builddir, 'xen-' + target.arch.name)
    t0 = time.time()
    p = run([script, out], check=False)
    if p.returncode != 0:
        raise Failure('%s %s failed:\n%s' % (target.arch.dm_xen_script,
                                              out, p.stderr.strip()))
    xen = p.stdout.strip().splitlines()[-1]
    log('device-model hypervisor %s (%.1fs)' % (xen, time.time() - t0))
    return xen
