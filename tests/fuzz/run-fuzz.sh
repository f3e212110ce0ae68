#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Run one libFuzzer target for a bounded time.
# usage: run-fuzz.sh TARGET SEED_CORPUS_DIR WORK_DIR SECONDS
# New interesting inputs go to WORK_DIR (first corpus directory: the one
# libFuzzer writes to); the committed seeds are only read.  Any crash,
# leak or broken invariant makes libFuzzer exit non-zero and keeps the
# input in WORK_DIR as crash-*.
set -eu
target=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work"
exec "$target" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=1024 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$work/" \
    "$work" "$seeds"
