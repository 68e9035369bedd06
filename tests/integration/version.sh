#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --version names seccomp-trace's version and those of the shared libraries
# it runs with, as the dynamic loader resolves them (their file names carry
# the full version: libseccomp.so.2 -> libseccomp.so.2.5.4).
. "$(dirname "$0")/../lib.sh"

out=$("$ST_BIN" --version)
# loaded LIB: the version of the file the loader picks for LIB.so.N
loaded() {
	local so
	so=$(ldd "$ST_BIN" | awk -v l="$1.so." 'index($1, l) == 1 { print $3 }')
	[ -n "$so" ] || die "$ST_BIN does not load $1"
	readlink -f "$so" | sed 's/.*\.so\.//'
}
bpf=$(loaded libbpf)
seccomp=$(loaded libseccomp)
yajl=$(loaded libyajl)
want="seccomp-trace $(sed -n 's/^project(seccomp-trace VERSION \([0-9.]*\).*/\1/p' "$ST_SOURCE/CMakeLists.txt")
libbpf ${bpf%.*}
libseccomp $seccomp
yajl $yajl"
[ "$out" = "$want" ] || die "--version printed:
$out
expected (libbpf gives major.minor only):
$want"
note "$(tr '\n' ' ' <<<"$out")"
# -v goes before or after COMMAND (the top-level help says so): before
# --version and --help too
[ "$("$ST_BIN" -v --version)" = "$want" ] || die "-v --version printed: $("$ST_BIN" -v --version 2>&1)"
"$ST_BIN" -v --help | grep -q '^Usage: seccomp-trace COMMAND' || die "-v --help: $("$ST_BIN" -v --help 2>&1)"
