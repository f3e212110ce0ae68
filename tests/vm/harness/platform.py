# SPDX-License-Identifier: LGPL-2.1-only
"""What differs between the test beds: the Debian release (which fixes
the Xen version, the kernel and upstream's libraries) and the
architecture.  Each is one table entry; code elsewhere asks a Target.

Adding an architecture = one ARCHES entry + its boot-recipe function
(qemu_args); adding a Xen version = one DISTS entry.
"""

import os
import re

from . import fdt
from .common import Failure, log


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
        # emulated CPUs (QEMU's -smp)
        self.smp = kw.get('smp', '2')
        self.dom0_cmdline = kw['dom0_cmdline']
        # the boot recipe: functions returning QEMU's accelerator/CPU
        # arguments and the rest of its command line
        self.accel = kw['accel']
        self.qemu_args = kw['qemu_args']
        # bench mode's valgrind tool directory suffix
        self.valgrind = kw.get('valgrind')
        # the user-mode emulator that runs the target's programs on the
        # host (its busybox, for the applet list and cpio) when the host
        # is another architecture, and the package providing it
        self.user_qemu = kw.get('user_qemu')
        self.user_qemu_pkg = kw.get('user_qemu_pkg')
        # packages the target's own programs need at run time and the
        # host cannot lend when it is another architecture (the C
        # library and what Debian's Xen tools link)
        self.runtime_pkgs = kw.get('runtime_pkgs', [])
        # the two-domain suite's xl config (a template in tests/vm)
        self.guest_cfg = kw.get('guest_cfg', 'guest.cfg')
        # the guest's kernel modules beyond the Xen drivers, with their
        # parameters: {module: 'param=value ...'}
        self.guest_modules = kw.get('guest_modules', {})
        # files for dom0's tree that the guest config names:
        # {path: function returning the bytes}
        self.guest_files = kw.get('guest_files', {})
        # the script that builds this architecture's hypervisor with the
        # device model (ioreq servers), when Debian's lacks it: run as
        # <script> <dir>, prints the image's path (scripts/...)
        self.dm_xen_script = kw.get('dm_xen_script')


def qemu_args_amd64(arch, xen, vmlinuz, initrd, serial_log, mem, smp,
                    accel):
    """x86-64: QEMU's multiboot loader starts Xen; dom0's kernel and
    initramfs are its modules."""
    # QEMU's multiboot loader splits -initrd on ','; ',,' is a literal ','
    dom0_cmd = arch.dom0_cmdline.replace(',', ',,')
    return accel + [
        '-m', mem, '-smp', smp, '-display', 'none', '-monitor', 'none',
        '-serial', 'file:' + serial_log, '-no-reboot', '-nodefaults',
        '-kernel', xen, '-append', xen_cmdline(arch),
        '-initrd', '%s %s,%s' % (vmlinuz, dom0_cmd, initrd)]


def xen_cmdline(arch):
    """The hypervisor's command line, with XSVM_XEN_ARGS appended (for
    experiments on the recipe, such as docs/vm-crash-storm.md's)."""
    return (arch.xen_cmdline + ' ' +
            os.environ.get('XSVM_XEN_ARGS', '')).strip()


def accel_amd64(kvm):
    """The accelerator and CPU arguments: TCG (the default), or real
    hardware KVM when kvm is True."""
    if kvm:
        return ['-accel', 'kvm', '-cpu', 'host,-arch-capabilities']
    # -smap: QEMU 7.2 TCG + SMAP crashes a 64-bit PV dom0 on its first iret.
    # -avx: under QEMU 7.2 TCG a PVH guest's process now and then gets
    # #UD on a valid AVX instruction (glibc's AVX2 string functions): the
    # guest's init died of SIGILL at vmovd in one two-domain boot of a
    # clean-clone CI run (docs/vm-crash-storm.md).  Without AVX in CPUID
    # (and so no YMM state in XCR0) nothing in either domain uses it;
    # nothing under test does.
    return ['-accel', 'tcg', '-cpu', 'max,-smap,-avx']


def qemu_args_arm64(arch, xen, vmlinuz, initrd, serial_log, mem, smp,
                    accel):
    """arm64: no firmware.  QEMU starts Xen as the kernel (with a device
    tree QEMU writes at RAM + 128 MiB = 0x48000000) and places dom0's
    kernel and initramfs with guest-loader devices, which Xen finds as
    boot modules in that device tree.  Nothing may be loaded over the
    device tree: the kernel goes at 0x42000000 and must end below it,
    the initramfs at 0x49000000 (/work/shared/reference/xen-arm64-vm.md)."""
    room = ARM64_DTB - ARM64_KERNEL
    if os.path.getsize(vmlinuz) > room:
        raise Failure('%s is %d bytes: more than the %d between its load '
                      'address and QEMU\'s device tree'
                      % (vmlinuz, os.path.getsize(vmlinuz), room))
    # -device splits its argument on ','; ',,' is a literal ','
    esc = lambda s: s.replace(',', ',,')
    return accel + [
        '-M', 'virt,virtualization=on,gic-version=3',
        '-m', mem, '-smp', smp, '-display', 'none', '-monitor', 'none',
        '-serial', 'file:' + serial_log, '-no-reboot', '-nodefaults',
        '-kernel', xen, '-append', xen_cmdline(arch),
        '-device', 'guest-loader,addr=%#x,kernel=%s,bootargs=%s'
        % (ARM64_KERNEL, esc(vmlinuz), esc(arch.dom0_cmdline)),
        '-device', 'guest-loader,addr=%#x,initrd=%s'
        % (ARM64_INITRD, esc(initrd))]


# QEMU virt's RAM starts at 0x40000000; its device tree at RAM + 128 MiB
ARM64_KERNEL = 0x42000000
ARM64_DTB = 0x48000000
ARM64_INITRD = 0x49000000


def accel_arm64(kvm):
    """TCG: an x86-64 host cannot run an arm64 guest with KVM.  The
    Cortex-A57 model is enough for Xen and Linux and cheaper to emulate
    than -cpu max (no pointer authentication, no SVE)."""
    if kvm:
        log('XSVM_ACCEL=kvm ignored: an arm64 test bed runs under TCG')
    return ['-accel', 'tcg', '-cpu', 'cortex-a57']


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
        # Four CPUs, dom0's two vCPUs pinned to CPUs 0 and 1 and the guest
        # to CPU 3 (guest.cfg): no emulated CPU ever switches between two
        # vCPUs, which is what makes QEMU's TCG clobber a process's memory
        # now and then (docs/vm-crash-storm.md).
        smp='4',
        xen_cmdline=('console=com1 com1=115200,8n1 dom0_mem=512M,max:512M '
                     'dom0_max_vcpus=2 dom0_vcpus_pin loglvl=all '
                     'guest_loglvl=all noreboot bootscrub=0'),
        dom0_cmdline='console=hvc0 earlyprintk=xen loglevel=7',
        accel=accel_amd64, qemu_args=qemu_args_amd64,
        valgrind='amd64-linux'),
    'arm64': Arch(
        'arm64',
        qemu='qemu-system-aarch64', qemu_pkg='qemu-system-arm',
        multiarch='aarch64-linux-gnu',
        loader='ld-linux-aarch64.so.1', loader_dir='/lib',
        ldconfig_tag='libc6,AArch64',
        kernel_meta='linux-image-arm64',
        kernel_re=r'linux-image-[0-9][^\s]*-arm64',
        xen_pkg='xen-hypervisor-{xen}-arm64',
        xen_image='boot/xen-{xen}-arm64',
        # the console is the device tree's UART (QEMU virt's PL011)
        xen_cmdline=('console=dtuart dom0_mem=512M dom0_max_vcpus=2 '
                     'loglvl=all guest_loglvl=all noreboot bootscrub=0'),
        dom0_cmdline='console=hvc0 earlycon=xenboot loglevel=7',
        accel=accel_arm64, qemu_args=qemu_args_arm64,
        user_qemu='qemu-aarch64-static', user_qemu_pkg='qemu-user-static',
        # the C library (and libgcc_s, which glibc dlopen()s) for every
        # program, zlib for libxenstable, and what Debian's xl, xenstored
        # and xenconsoled link besides libxen* and libyajl (the closure,
        # read with readelf, names any library that is missing)
        runtime_pkgs=['libc6', 'libgcc-s1', 'zlib1g', 'libfdt1',
                      'libuuid1'],
        guest_cfg='guest-arm64.cfg',
        # a driver for the guest's SPI 40 (its device tree node comes
        # from guest-arm64.cfg's device_tree): the device-model tests
        # raise that interrupt from dom0 (set_irq_level) and the guest
        # counts it in /proc/interrupts
        guest_modules={'gpio_keys': ''},
        guest_files={'/etc/xen/xsvm-dm-irq.dtb':
                     lambda: fdt.dm_irq_dtb(40, 'xsvm-dm-irq')},
        dm_xen_script='scripts/build-xen-arm64.sh'),
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
# Which hypervisor boots: Debian's package, or (dm) the architecture's
# own build with the device model (Arch.dm_xen_script)
HYPERVISORS = ('debian', 'dm')
DEFAULT_ARCH = 'amd64'

# Debian's builds of the stable libraries (one package per library; the
# same names in every release above)
STABLE_PKGS = ['libxenevtchn1', 'libxengnttab1', 'libxencall1',
               'libxenforeignmemory1', 'libxendevicemodel1',
               'libxentoollog1', 'libxentoolcore1', 'libxenhypfs1']


class Target:
    """One test bed: a Debian release on an architecture."""

    def __init__(self, dist, arch, hypervisor='debian'):
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
        self._foreign = None
        if hypervisor not in HYPERVISORS:
            raise Failure('unknown hypervisor %r (known: %s)'
                          % (hypervisor, ', '.join(HYPERVISORS)))
        if hypervisor == 'dm' and not self.arch.dm_xen_script:
            raise Failure('%s has no separate device-model hypervisor: '
                          'Debian\'s has the device model' % arch)
        self.hypervisor = hypervisor

    @property
    def xen_dm(self):
        """Whether the booted hypervisor has the device model (ioreq
        servers, dm_op): Debian's does unless the architecture needs
        its own build for it."""
        return self.hypervisor == 'dm' or not self.arch.dm_xen_script

    @property
    def label(self):
        """How results are labelled: the Xen version, plus the
        architecture when it is not the default one."""
        return self.xen + ('' if self.arch.name == DEFAULT_ARCH
                           else '-' + self.arch.name) + (
            '' if self.hypervisor == 'debian' else '-' + self.hypervisor)

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
    def foreign(self):
        """True when the host cannot run the target's programs itself:
        their libraries come from the target's packages (found by reading
        ELF headers, not by the host's ldd) and its busybox runs under
        the architecture's user-mode emulator."""
        if self._foreign is None:
            self._foreign = host_dist_arch()[1] != self.arch.name
        return self._foreign

    @property
    def base_pkgs(self):
        return [self.xen_pkg, 'busybox-static'] + (
            self.arch.runtime_pkgs if self.foreign else [])

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
        per version what differs between versions), the architecture and
        whether the hypervisor has the device model (XSVM_XEN_DM: tests
        assert dm_op's answers either way)."""
        a = self.arch
        return ('export XSVM_XEN_VERSION=%s\n'
                'export XSVM_XEN_BIN=%s\n'
                'export XSVM_SYSLIB=%s\n'
                'export XSVM_LOADER=%s/%s\n'
                'export XSVM_ARCH=%s\n'
                'export XSVM_XEN_DM=%d\n'
                % (self.xen, self.xen_bin, self.syslib.rstrip('/'),
                   a.loader_dir, a.loader, a.name, self.xen_dm))

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
