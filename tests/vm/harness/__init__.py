# SPDX-License-Identifier: LGPL-2.1-only
"""libxenstable's VM test bed, by job (see tests/vm/README.md):

  platform   which Debian release / Xen version and which architecture:
             every fact that differs between them, in two tables
  fetch      package resolution (the host's apt, or a private one for
             another release or architecture), download, unpacking
  initramfs  staging a root tree (busybox, modules, programs and their
             libraries) and packing it as a gzip'd newc cpio
  testimage  what the dom0/twodom suites (and demo/bench) put in it
  boot       the QEMU command line, the serial log, timeouts, panics and
             the one extra boot after an emulator crash storm
  transcript parsing the serial log, normalising, diffing, TAP

tests/vm/xsvm.py and tests/vm/dropin.py are the thin mains.
"""
