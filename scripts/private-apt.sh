#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Run apt-get or apt-cache for a foreign architecture without touching the
# host's package state.
#
#   scripts/private-apt.sh [--src] ARCH STATEDIR apt-get|apt-cache ARGS...
#
# Everything apt keeps lives in STATEDIR: package lists, cache, and an
# empty dpkg status file (nothing counts as installed).  The sources are
# copies of the host's (so a mirror or snapshot configured there is used);
# --src also turns each entry into a deb-src one, for `apt-get source`.
# The lists are fetched on first use, and fetched again (once) when a
# command fails, as it does when the lists have gone stale.
#
# Why not `dpkg --add-architecture`: other code on the host (the x86 VM
# test bed) runs `apt-cache show PKG` without an architecture, which then
# may answer with a foreign stanza.  A private state keeps both apart.
set -eu

src=false
if [ "${1:-}" = --src ]; then
    src=true
    shift
fi
if [ $# -lt 3 ]; then
    echo "usage: $0 [--src] ARCH STATEDIR apt-get|apt-cache ARGS..." >&2
    exit 2
fi
arch=$1
state=$2
shift 2

mkdir -p "$state/lists/partial" "$state/cache/archives/partial" \
    "$state/sources.list.d"
state=$(cd "$state" && pwd)
[ -f "$state/status" ] || : >"$state/status"    # nothing installed

# The host's sources, copied so that --src can add deb-src without
# editing /etc/apt.  One-line format: "deb URI SUITE..." gains a deb-src
# twin; deb822 format: "Types: deb" becomes "Types: deb deb-src".
copy_sources() {
    # $1: host file, $2: private copy
    if $src; then
        sed -e 's/^\([[:space:]]*\)deb\([[:space:]].*\)$/\1deb\2\n\1deb-src\2/' \
            -e '/^Types:/{/deb-src/!s/\<deb\>/deb deb-src/}' "$1" >"$2"
    else
        cp "$1" "$2"
    fi
}
rm -f "$state/sources.list" "$state/sources.list.d/"*
if [ -f /etc/apt/sources.list ]; then
    copy_sources /etc/apt/sources.list "$state/sources.list"
else
    : >"$state/sources.list"
fi
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && copy_sources "$f" "$state/sources.list.d/${f##*/}"
done

# APT_CONFIG replaces /etc/apt/apt.conf only; the host's apt.conf.d
# (proxies, validity settings of a snapshot mirror) still applies.
# Sandbox user root: the private directories belong to whoever runs this,
# and _apt may not be able to write them.  A mirror's transient error is
# retried by apt itself: a clean CI clone downloads everything.
cat >"$state/apt.conf" <<EOF
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
Dir::State "$state";
Dir::State::lists "$state/lists/";
Dir::State::status "$state/status";
Dir::Cache "$state/cache/";
Dir::Cache::archives "$state/cache/archives/";
Dir::Etc::SourceList "$state/sources.list";
Dir::Etc::SourceParts "$state/sources.list.d/";
APT::Sandbox::User "root";
Acquire::Languages "none";
Acquire::Retries "4";
EOF
export APT_CONFIG="$state/apt.conf"

update() {
    apt-get -q update >"$state/update.log" 2>&1 || {
        cat "$state/update.log" >&2
        echo "private-apt: apt-get update ($arch) failed" >&2
        return 1
    }
    echo "$key" >"$state/lists.key"
}

# Fetch the lists when there are none yet or the sources changed.
key=$(cat "$state/sources.list" "$state/sources.list.d/"* 2>/dev/null |
    cksum | cut -d' ' -f1)-$arch
if [ "$(cat "$state/lists.key" 2>/dev/null)" != "$key" ]; then
    update
fi
"$@" && exit 0
echo "private-apt: '$*' failed; fetching the package lists again" >&2
update
exec "$@"
