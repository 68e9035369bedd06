#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Without the privilege to trace (not root, capabilities dropped, or root of
# a user namespace as a rootless runtime's hook is), run, hook and unload say
# what tracing needs, and that rootless containers cannot be traced, instead
# of which file under /run was denied; nothing is written, CMD never runs.
. "$(dirname "$0")/../lib.sh"

chmod 755 "$T"
needs_root='tracing needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN): run it as root; rootless containers cannot be traced'
needs_host='tracing needs root in the host'"'"'s user namespace (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN), and this process runs in another one: rootless containers cannot be traced'

# expect WANT-RC WANT CMD...: exit status and the one line on stderr
expect() {
	local want_rc=$1 want=$2 rc
	shift 2
	set +e
	"$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ $rc -eq "$want_rc" ] || die "$*: exit $rc (expected $want_rc): $(cat "$T/err")"
	[ "$(cat "$T/err")" = "seccomp-trace: $want" ] || die "$*: stderr: $(cat "$T/err")"
}

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
expect 125 "$needs_root" nobody "$ST_BIN" run -o - -- touch /tmp/never
expect 1 "$needs_root" nobody "$ST_BIN" unload
expect 125 "$needs_root" capsh --drop=cap_bpf,cap_perfmon,cap_sys_admin -- -c "exec $ST_BIN run -o - -- touch $T/ran"
[ ! -e "$T/ran" ] || die "CMD ran without tracing"

# root of a user namespace: what a rootless runtime's hook is
expect 125 "$needs_host" unshare --user --map-root-user "$ST_BIN" run -o "$T/userns.json" -- touch "$T/ran"
[ ! -e "$T/ran" ] && [ ! -e "$T/userns.json" ] || die "run in a user namespace went on"
sleep 30 &
sleeper=$!
state=$(jq -cn --argjson pid $sleeper --arg ann "of:$T/hook.json" \
	'{ociVersion: "1.0.2", id: "st-rootless", status: "created", pid: $pid, bundle: "/",
	  annotations: {"io.containers.trace-syscall": $ann}}')
set +e
unshare --user --map-root-user "$ST_BIN" hook <<<"$state" >"$T/out" 2>"$T/err"
rc=$?
set -e
kill $sleeper
[ $rc -eq 1 ] && grep -qxF "seccomp-trace: $needs_host" "$T/err" || die "hook in a user namespace: exit $rc: $(cat "$T/err")"
[ ! -e "$T/hook.json" ] || die "a profile without tracing"
note ok
