#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake --install: every file where its prefix puts it, the hooks.d entry
# and the shim naming the installed seccomp-trace, man pages and bash
# completion where man and bash-completion look; DESTDIR stages without
# changing paths; another prefix than the configured one is refused (the
# installed files name each other by it).
. "$(dirname "$0")/../lib.sh"

build=$(dirname "$ST_BIN")
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ -n "$prefix" ] || die "no CMAKE_INSTALL_PREFIX in $build/CMakeCache.txt"
DESTDIR=$T/stage cmake --install "$build" >"$T/install.log" 2>&1 ||
	die "DESTDIR install failed: $(cat "$T/install.log")"
r=$T/stage$prefix
for f in bin/seccomp-trace bin/seccomp-trace-runtime share/containers/oci/hooks.d/seccomp-trace.json \
	share/man/man1/seccomp-trace.1 share/man/man1/seccomp-trace-runtime.1 \
	share/bash-completion/completions/seccomp-trace; do
	[ -f "$r/$f" ] || die "cmake --install did not install $prefix/$f"
done
[ -z "$(find "$T/stage" -name '*.o' -o -name '*.h')" ] || die "build files installed"
[ "$(jq -r .hook.path "$r/share/containers/oci/hooks.d/seccomp-trace.json")" = "$prefix/bin/seccomp-trace" ] ||
	die "the hooks.d entry runs $(jq -r .hook.path "$r/share/containers/oci/hooks.d/seccomp-trace.json")"
[ "$(jq -r '.hook.args | join(" ")' "$r/share/containers/oci/hooks.d/seccomp-trace.json")" = \
	"seccomp-trace hook --log /var/log/seccomp-trace.log" ] ||
	die "the hooks.d entry's args: $(jq -c .hook.args "$r/share/containers/oci/hooks.d/seccomp-trace.json")"
"$r/bin/seccomp-trace" --version | grep -q '^seccomp-trace ' || die "the installed binary does not run"
# The shim names the seccomp-trace of the prefix (compiled in).
grep -qa "$prefix/bin/seccomp-trace" "$r/bin/seccomp-trace-runtime" $r/libexec/seccomp-trace/* 2>/dev/null ||
	die "seccomp-trace-runtime does not name $prefix/bin/seccomp-trace"

if cmake --install "$build" --prefix "$T/elsewhere" >"$T/other.log" 2>&1; then
	die "cmake --install --prefix $T/elsewhere was accepted: the files would name $prefix"
fi
tr -s ' \n' '  ' <"$T/other.log" | grep -q "configure with -DCMAKE_INSTALL_PREFIX=$T/elsewhere to" ||
	die "the refusal does not say what to do: $(cat "$T/other.log")"
[ ! -e "$T/elsewhere" ] || die "a refused install left files in $T/elsewhere"
