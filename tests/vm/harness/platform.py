# SPDX-License-Identifier: LGPL-2.1-only
"""What differs between the test beds: the Debian release (which fixes
the Xen version, the kernel and upstream's libraries) and the
architecture.  Each is one table entry; code elsewhere asks a Target.

Adding an architecture = one ARCHES entry + its boot-recipe function
(qemu_args); adding a Xen version = one DISTS entry.
"""

import os
import re

from .common import Failure


class Arch:
    """Facts of one architecture (Debian's name for it is the key)."""

    def __init__(self, name, **kw):
        self.name = name
        # QEMU system emulator and the host package that provides it
        self.qemu = kw['qemu']
        self.qemu_pkg = kw['qemu_pkg']
        # Debian's multiarch triplet: /usr/lib/<multiarch>
        self.multiarch = kw['multiarch']
        # the glibc loader's file name and the directory programs name
        # in their PT_INTERP
        self.loader = kw['loader']
        self.loader_dir = kw['loader_dir']
        # ldconfig -p's tag for this ABI ("libc6,x86-64")
        self.ldconfig_tag = kw['ldconfig_tag']
        # the kernel meta package; its Depends names the real kernel
        self.kernel_meta = kw['kernel_meta']
        self.kernel_re = kw['kernel_re']
        # the hypervisor package and its image in /boot (both take the
        # Xen version; a .gz image is gunzipped for QEMU)
        self.xen_pkg = kw['xen_pkg']
        self.xen_image = kw['xen_image']
        # hypervisor and dom0 kernel command lines
        self.xen_cmdline = kw['xen_cmdline']
        self.dom0_cmdline = kw['dom0_cmdline']
        # the boot recipe: functions returning QEMU's accelerator/CPU
        # arguments and the rest of its command line
        self.accel = kw['accel']
        self.qemu_args = kw['qemu_args']
        # bench mode's valgrind tool directory suffix
        self.valgrind = kw.get('valgrind')


def qemu_args_amd64(arch, xen, vmlinuz, initrd, serial_log, mem, smp,
                    accel):
    """x86-64: QEMU's multiboot loader starts Xen; dom0's kernel and
    initramfs are its modules."""
    # QEMU's multiboot loader splits -initrd on ','; ',,' is a literal ','
    dom0_cmd = arch.dom0_cmdline.replace(',', ',,')
    return accel + [
        '-m', mem, '-smp', smp, '-display', 'none', '-monitor', 'none',
        '-serial', 'file:' + serial_log, '-no-reboot', '-nodefaults',
        '-kernel', xen, '-append', arch.xen_cmdline,
        '-initrd', '%s %s,%s' % (vmlinuz, dom0_cmd, initrd)]


def accel_amd64(kvm):
    """The accelerator and CPU arguments: TCG (the default), or real
    hardware KVM when kvm is True."""
    if kvm:
        return ['-accel', 'kvm', '-cpu', 'host,-arch-capabilities']
    # -smap: QEMU 7.2 TCG + SMAP crashes a 64-bit PV dom0 on its first iret
    return ['-accel', 'tcg', '-cpu', 'max,-smap']


ARCHES = {
    'amd64': Arch(
        'amd64',
        qemu='qemu-system-x86_64', qemu_pkg='qemu-system-x86',
        multiarch='x86_64-linux-gnu',
        loader='ld-linux-x86-64.so.2', loader_dir='/lib64',
        ldconfig_tag='libc6,x86-64',
        kernel_meta='linux-image-amd64',
        kernel_re=r'linux-image-[0-9][^\s]*-amd64',
        xen_pkg='xen-hypervisor-{xen}-amd64',
        xen_image='boot/xen-{xen}-amd64.gz',
        xen_cmdline=('console=com1 com1=115200,8n1 dom0_mem=512M,max:512M '
                     'dom0_max_vcpus=2 loglvl=all guest_loglvl=all '
                     'noreboot bootscrub=0'),
        dom0_cmdline='console=hvc0 earlyprintk=xen loglevel=7',
        accel=accel_amd64, qemu_args=qemu_args_amd64,
        valgrind='amd64-linux'),
}


class Dist:
    """A Debian release: its Xen version and the package names that
    carry the version (the rest are the same in every release)."""

    def __init__(self, name, debian, xen, xenstore_pkg):
        self.name = name
        self.debian = debian
        self.xen = xen
        self.xenstore_pkg = xenstore_pkg


DISTS = {
    'bullseye': Dist('bullseye', 11, '4.14', 'libxenstore3.0'),
    'bookworm': Dist('bookworm', 12, '4.17', 'libxenstore4'),
    'trixie': Dist('trixie', 13, '4.20', 'libxenstore4'),
}
DEFAULT_DIST = 'bookworm'
DEFAULT_ARCH = 'amd64'

# Debian's builds of the stable libraries (one package per library; the
# same names in every release above)
STABLE_PKGS = ['libxenevtchn1', 'libxengnttab1', 'libxencall1',
               'libxenforeignmemory1', 'libxendevicemodel1',
               'libxentoollog1', 'libxentoolcore1', 'libxenhypfs1']


class Target:
    """One test bed: a Debian release on an architecture."""

    def __init__(self, dist, arch):
        if dist not in DISTS:
            # a Xen version names its release too
            by_xen = [d for d in DISTS.values() if d.xen == dist]
            if not by_xen:
                raise Failure('unknown Debian release or Xen version %r '
                              '(known: %s)' % (dist, ', '.join(
                                  '%s = %s' % (d.name, d.xen)
                                  for d in DISTS.values())))
            dist = by_xen[0].name
        if arch not in ARCHES:
            raise Failure('unknown architecture %r (known: %s)'
                          % (arch, ', '.join(ARCHES)))
        self.dist = DISTS[dist]
        self.arch = ARCHES[arch]
        self.xen = self.dist.xen

    @property
    def label(self):
        """How results are labelled: the Xen version, plus the
        architecture when it is not the default one."""
        return self.xen + ('' if self.arch.name == DEFAULT_ARCH
                           else '-' + self.arch.name)

    @property
    def key(self):
        """Cache directory name."""
        return '%s-%s' % (self.dist.name, self.arch.name)

    def lib_dir(self, root=''):
        return os.path.join(root, 'usr', 'lib', self.arch.multiarch)

    @property
    def syslib(self):
        """The system library directory inside the VM."""
        return '/lib/%s/' % self.arch.multiarch

    @property
    def xen_pkg(self):
        return self.arch.xen_pkg.format(xen=self.xen)

    @property
    def xen_image(self):
        return self.arch.xen_image.format(xen=self.xen)

    @property
    def xen_bin(self):
        """Where Debian's Xen tools live (in the packages and the VM)."""
        return '/usr/lib/xen-%s/bin' % self.xen

    @property
    def base_pkgs(self):
        return [self.xen_pkg, 'busybox-static']

    @property
    def lib_pkgs(self):
        """Debian's Xen runtime libraries: the stable set, libxenmisc
        (libxenctrl, libxenlight, ...) and libxenstore."""
        return STABLE_PKGS + ['libxenmisc' + self.xen,
                              self.dist.xenstore_pkg]

    @property
    def tool_pkgs(self):
        return ['xen-utils-' + self.xen, 'xen-utils-common',
                'xenstore-utils', 'libyajl2']

    def vm_env(self):
        """What the /init scripts need to know about the target (sourced
        from /t/env): where Debian's Xen tools and system libraries live,
        the loader, and the Xen version the harness booted (tests assert
        per version what differs between versions)."""
        a = self.arch
        return ('export XSVM_XEN_VERSION=%s\n'
                'export XSVM_XEN_BIN=%s\n'
                'export XSVM_SYSLIB=%s\n'
                'export XSVM_LOADER=%s/%s\n'
                % (self.xen, self.xen_bin, self.syslib.rstrip('/'),
                   a.loader_dir, a.loader))

    def kernel_from_depends(self, text):
        m = re.search(r'Depends: (%s)' % self.arch.kernel_re, text)
        return m.group(1) if m else None


def host_dist_arch():
    """(codename, dpkg architecture) of the host, or (None, None)."""
    codename = None
    try:
        with open('/etc/os-release') as f:
            m = re.search(r'^VERSION_CODENAME=(\S+)', f.read(), re.M)
            codename = m.group(1).strip('"') if m else None
    except OSError:
        pass
    arch = None
    try:
        import subprocess
        arch = subprocess.run(['dpkg', '--print-architecture'],
                              stdout=subprocess.PIPE, text=True,
                              stderr=subprocess.DEVNULL).stdout.strip()
    except OSError:
        pass
    return codename, arch or None
