#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# cppcheck over src/ (every back end), zero findings allowed: warnings,
# style, portability and performance.  A finding that is wrong must be
# silenced where it occurs with a "cppcheck-suppress" comment saying why.
# Skips (exit 77) only where cppcheck is not installed; scripts/
# install-deps.sh installs it for CI.
set -eu
root=$1
command -v cppcheck >/dev/null 2>&1 || { echo "cppcheck not installed"; exit 77; }
cd "$root"
exec cppcheck -q --error-exitcode=1 --inline-suppr \
    --enable=warning,style,portability,performance --std=c11 \
    -D__XEN_TOOLS__ -D__x86_64__ -D__linux__ -I src -I include \
    -I include/private \
    --suppress=missingIncludeSystem src/
