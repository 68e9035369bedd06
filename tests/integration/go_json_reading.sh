#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Profiles that Go runtimes read differently from what a C reader sees: keys
# that fold to a field name (encoding/json matches case-insensitively, with
# Unicode simple folding, and the last match wins), and strings that yajl
# alters (\u0000, lone surrogates, invalid UTF-8). podman shows here that the
# folding is real; every reader of seccomp-trace (hook if:, check, diff,
# merge, run --base) refuses such a profile with the JSON path.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

chmod 755 "$T" # the hook reads only bases every user could read
# The issue's example: we would see errno-all, podman and Docker enforce allow-all.
cat >"$T/fold.json" <<'EOF'
{"defaultAction":"SCMP_ACT_ERRNO","DefaultAction":"SCMP_ACT_ALLOW",
 "syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}
EOF
fold_msg='DefaultAction: Go runtimes read this key as "defaultAction" (keys match case-insensitively there, and the last one wins): refused'
# The same profile without the folded key.
jq 'del(.DefaultAction)' "$T/fold.json" >"$T/plain.json"
# U+017F LONG S folds to s: podman takes this list for "syscalls".
printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[],"\xc5\xbfyscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}\n' >"$T/longs.json"
longs_msg='\u017fyscalls: Go runtimes read this key as "syscalls"'
# U+212A KELVIN SIGN folds to k (Docker's minKernel).
printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"min\xe2\x84\xaaernel":"99.0"}}]}\n' >"$T/kelvin.json"
# A comment cut at its NUL, and a name with a lone surrogate.
printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","comment":"a\\u0000b"}]}\n' >"$T/nul.json"
printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","x\\ud800"],"action":"SCMP_ACT_ALLOW"}]}\n' >"$T/surrogate.json"

# podman (containers/common, encoding/json) really reads the folded keys.
ct_podman_image
prun() { ct_podman run --rm --network none "$@"; }
prun --security-opt seccomp="$T/fold.json" "$CT_IMAGE" true ||
	die "podman: under the exact keys alone (errno-all) nothing could start; it did not start either"
set +e
prun --security-opt seccomp="$T/longs.json" "$CT_IMAGE" mkdir /tmp/d >"$T/longs.out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && grep -q 'Operation not permitted' "$T/longs.out" ||
	die "podman did not apply the long-s \"syscalls\" (exit $rc): $(cat "$T/longs.out")"

# check: an error with the path, exit 1.
expect_check() {
	local f=$1 want=$2 rc
	set +e
	"$ST_BIN" check "$f" >"$T/check.out" 2>&1
	rc=$?
	set -e
	[ $rc -eq 1 ] || die "check $f: exit $rc: $(cat "$T/check.out")"
	grep -qF -- "$f: error: " "$T/check.out" && grep -qF -- "$want" "$T/check.out" ||
		die "check $f: expected '$want' in: $(cat "$T/check.out")"
}
expect_check "$T/fold.json" "$fold_msg"
expect_check "$T/longs.json" "$longs_msg"
expect_check "$T/kelvin.json" 'syscalls[0].includes.min\u212aernel: Go runtimes read this key as "minKernel"'
expect_check "$T/nul.json" 'syscalls[0].comment: \u0000 (NUL) in a string: refused'
expect_check "$T/surrogate.json" 'syscalls[0].names[1]: lone UTF-16 surrogate \ud800 in a string: refused'
"$ST_BIN" check "$T/plain.json" >/dev/null || die "check refused the plain profile"

# diff never calls them equal to the profile without the key: it cannot read
# one, says why, exits 2 (both orders).
for pair in "fold.json plain.json" "plain.json fold.json"; do
	set -- $pair
	set +e
	"$ST_BIN" diff "$T/$1" "$T/$2" >"$T/diff.out" 2>"$T/diff.err"
	rc=$?
	set -e
	[ $rc -eq 2 ] || die "diff $pair: exit $rc: $(cat "$T/diff.out" "$T/diff.err")"
	grep -qF "seccomp-trace: invalid profile $T/fold.json: $fold_msg" "$T/diff.err" ||
		die "diff $pair: $(cat "$T/diff.err")"
	! grep -q 'no differences' "$T/diff.out" || die "diff $pair called them equal"
done

# merge: refused, nothing written.
set +e
"$ST_BIN" merge "$T/plain.json" "$T/fold.json" -o "$T/merged.json" 2>"$T/merge.err"
rc=$?
set -e
[ $rc -ne 0 ] && grep -qF "seccomp-trace: invalid profile $T/fold.json: $fold_msg" "$T/merge.err" ||
	die "merge: exit $rc: $(cat "$T/merge.err")"
[ ! -e "$T/merged.json" ] || die "merge wrote a profile"

# run --base: refused before CMD runs.
set +e
"$ST_BIN" run --base "$T/nul.json" -o "$T/run.json" -- touch "$T/ran" 2>"$T/run.err"
rc=$?
set -e
[ $rc -eq 125 ] && grep -qF 'syscalls[0].comment: \u0000 (NUL) in a string' "$T/run.err" ||
	die "run --base: exit $rc: $(cat "$T/run.err")"
[ ! -e "$T/ran" ] && [ ! -e "$T/run.json" ] || die "run went on with a refused base"

# if: base of the hook: the container create fails with the message.
n=0
hook_refuses() {
	local base=$1 want=$2
	n=$((n + 1))
	ct_bundle "$T/b$n" --annotation "of:$T/out$n.json;if:$base" --log "$T/hook.log" -- touch /tmp/x
	set +e
	ct_run runc "$T/b$n" "st-gojson-$$-$n" >"$T/b$n.out" 2>&1
	rc=$?
	set -e
	[ $rc -ne 0 ] || die "the hook accepted if:$base"
	grep -qF -- "seccomp-trace: cannot use if: base profile: " "$T/b$n.out" &&
		grep -qF -- "$want" "$T/b$n.out" || die "if:$base: expected '$want' in: $(cat "$T/b$n.out")"
	[ ! -e "$T/out$n.json" ] || die "a profile was written from if:$base"
}
# (runc shows the hook's stderr with quotes escaped)
hook_refuses "$T/fold.json" "invalid profile $T/fold.json: DefaultAction: Go runtimes read this key as"
hook_refuses "$T/longs.json" 'u017fyscalls: Go runtimes read this key as'
hook_refuses "$T/kelvin.json" 'syscalls[0].includes.min\\u212aernel: Go runtimes read this key as'
hook_refuses "$T/nul.json" 'syscalls[0].comment: \\u0000 (NUL) in a string'
hook_refuses "$T/surrogate.json" 'syscalls[0].names[1]: lone UTF-16 surrogate \\ud800'
note ok
