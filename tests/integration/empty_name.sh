#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# "names": [""]: runc (and Docker, containerd and podman --runtime runc with
# it) refuse such a profile, crun skips the name (tests/check_runtimes.json).
# One behaviour everywhere: check reports an error, and every verb that takes
# a profile as input (merge, run --base, learn --base, diff, the hook's if:)
# refuses it with its path, writing nothing, rather than passing "" on.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

chmod 755 "$T" # the hook reads only bases every user could read
printf '%s\n' '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
  {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
  {"names": ["kcmp", ""], "action": "SCMP_ACT_ERRNO"}]}' >"$T/empty.json"
jq '.syscalls[1].names = ["kcmp"]' "$T/empty.json" >"$T/good.json"
chmod 644 "$T/empty.json" "$T/good.json"
want="invalid profile $T/empty.json: syscalls[1].names[1]: an empty syscall name (runc, and so Docker and containerd, refuse such a profile)"

# expect_refused RC CMD...: exits RC, saying want, and writes no $T/out.json
expect_refused() {
	local want_rc=$1 rc
	shift
	rm -f "$T/out.json"
	set +e
	"$@" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	set -e
	[ $rc -eq "$want_rc" ] || die "$*: exit $rc (expected $want_rc): $(cat "$T/stderr")"
	grep -qF -- "$want" "$T/stderr" || die "$*: expected '$want' in: $(cat "$T/stderr")"
	[ ! -e "$T/out.json" ] || die "$*: wrote a profile"
}

set +e
"$ST_BIN" check "$T/empty.json" >"$T/check.out"
rc=$?
set -e
[ $rc -eq 1 ] && grep -qxF "$T/empty.json: error: syscalls[1].names[1]: an empty syscall name (runc: \"empty string is not a valid syscall\"; crun skips it): runc, podman --runtime runc, Docker and containerd refuse it; crun and podman accept it" \
	"$T/check.out" || die "check: exit $rc: $(cat "$T/check.out")"
"$ST_BIN" check "$T/good.json" >/dev/null || die "check refused the profile without the empty name"

expect_refused 1 "$ST_BIN" merge "$T/good.json" "$T/empty.json" -o "$T/out.json"
expect_refused 125 "$ST_BIN" run --base "$T/empty.json" -o "$T/out.json" -- touch "$T/ran"
[ ! -e "$T/ran" ] || die "run ran CMD with a refused base"
: >"$T/empty.log"
expect_refused 1 "$ST_BIN" learn --base "$T/empty.json" -o "$T/out.json" "$T/empty.log"
expect_refused 2 "$ST_BIN" diff "$T/good.json" "$T/empty.json"

# the hook's if: fails the container create, with the path
ct_bundle "$T/b" --annotation "of:$T/out.json;if:$T/empty.json" --log "$T/hook.log" -- true
set +e
ct_run runc "$T/b" "st-empty-$$" >"$T/b.out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && grep -qF "seccomp-trace: cannot use if: base profile: " "$T/b.out" &&
	grep -qF "syscalls[1].names[1]: an empty syscall name" "$T/b.out" ||
	die "the hook: exit $rc: $(cat "$T/b.out")"
[ ! -e "$T/out.json" ] || die "the hook wrote a profile from a refused base"
note ok
