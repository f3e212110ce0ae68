# SPDX-License-Identifier: LGPL-2.1-only
# Sourced by the drop-in suite's dom0 and guest scripts.
# again <command...>: run a busybox helper (dd, cmp, sha256sum) once more,
# up to three times, when it was killed by SIGSEGV or SIGBUS.  Under QEMU
# TCG, while a second domain runs, freshly started processes of either
# domain die that way at random (docs/vm-crash-storm.md); the helpers
# wrapped here use no Xen library, so such a crash says nothing about
# the library under test.  Every retry is printed.
# (Its variables have their own names: shell functions share them with
# their callers, e.g. wait_for's counter.)
again() {
    again_try=1
    while :; do
        "$@"
        again_rc=$?
        case $again_rc in
            135|139) ;;
            *) return $again_rc ;;
        esac
        [ $again_try -ge 3 ] && return $again_rc
        echo "# $1 killed by signal $(( again_rc - 128 )) (the emulator's crash storm): again" >&2
        again_try=$(( again_try + 1 ))
    done
}
