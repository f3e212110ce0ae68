#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The README's main command: install what is needed, build libxenstable,
# and run the demonstration program (examples/xenstable-demo.c) against a
# real Xen hypervisor.  On a Xen dom0 it runs directly; elsewhere it boots
# Debian's Xen 4.17 and Linux dom0 (plus a PVH guest) under QEMU and runs
# it there.  Also prints what xenstable-probe reports.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh

if [ -f build/build.ninja ]; then
    meson setup --reconfigure build >/dev/null
else
    meson setup build -Dbuildtype=debugoptimized
fi
ninja -C build

if [ -e /dev/xen/privcmd ] || [ -e /proc/xen/privcmd ]; then
    echo "This host is a Xen domain: running the demonstration directly."
    build/tools/xenstable-probe
    exec build/examples/xenstable-demo
fi

echo "No Xen here: booting Xen 4.17 + a Debian dom0 and a PVH guest under QEMU"
echo "(first run downloads the packages into build/vm-cache/)."
exec python3 tests/vm/xsvm.py --suite twodom --builddir "$PWD/build" \
    --logdir "$PWD/build/meson-logs" \
    --demo build/examples/xenstable-demo build/tools/xenstable-probe
