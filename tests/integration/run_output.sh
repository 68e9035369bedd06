#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Outputs of run and merge: checked before the work starts (run never runs
# CMD for a profile it could not write), never a file that is not a profile
# replaced, and never a profile larger than what the readers accept.
. "$(dirname "$0")/../lib.sh"

# expect_fail RC WANT CMD...: exits RC, with WANT on stderr
expect_fail() {
	local want_rc=$1 want=$2 rc
	shift 2
	set +e
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ $rc -eq "$want_rc" ] || die "$*: exit $rc (expected $want_rc): $(cat "$T/err")"
	grep -qF -- "seccomp-trace: $want" "$T/err" || die "$*: expected '$want' in: $(cat "$T/err")"
}

# run -o: the output directory is validated before CMD starts
expect_fail 125 "cannot write $T/nodir/p.json: cannot open directory $T/nodir: No such file or directory" \
	"$ST_BIN" run -o "$T/nodir/p.json" -- touch "$T/ran"
[ ! -e "$T/ran" ] || die "run started CMD with an output it cannot write"
mkdir "$T/ro"
mount -t tmpfs -o ro tmpfs "$T/ro"
unmount_ro() { ! mountpoint -q "$T/ro" || umount "$T/ro"; }
st_at_exit unmount_ro
expect_fail 125 "cannot write $T/ro/p.json: cannot create a file in $T/ro: Read-only file system" \
	"$ST_BIN" run -o "$T/ro/p.json" -- touch "$T/ran"
[ ! -e "$T/ran" ] || die "run started CMD with an output on a read-only mount"
umount "$T/ro"
echo 'ssh-ed25519 AAAA user@host' >"$T/authorized_keys"
expect_fail 125 "cannot write $T/authorized_keys: it exists and is not a seccomp profile" \
	"$ST_BIN" run -o "$T/authorized_keys" -- touch "$T/ran"
[ ! -e "$T/ran" ] && [ "$(cat "$T/authorized_keys")" = 'ssh-ed25519 AAAA user@host' ] ||
	die "run replaced a file that is not a profile"
"$ST_BIN" run -o "$T/p.json" -- "$ST_PROBE" membarrier || die "run -o failed"
assert_allows "$T/p.json" membarrier

# merge -o: the same checks, before the inputs are read
expect_fail 1 "cannot write $T/authorized_keys: it exists and is not a seccomp profile" \
	"$ST_BIN" merge -o "$T/authorized_keys" "$T/p.json"

# A profile above the 4 MiB every reader accepts is never written: a base of
# 1.4 MB whose kept array becomes 4.9 MB once indented.
{
	printf '{"defaultAction":"SCMP_ACT_ERRNO","x-data":['
	awk 'BEGIN { for (i = 0; i < 699999; i++) printf "0," }'
	printf '0]}\n'
} >"$T/big.json"
[ "$(stat -c %s "$T/big.json")" -lt 4194304 ] || die "the base itself is too big"
"$ST_BIN" check "$T/big.json" >/dev/null || die "check refused the base"
limit="bytes, more than the 4194304 bytes (4 MiB) seccomp-trace reads back (check, diff, merge, if:)"
expect_fail 1 "cannot write $T/merged.json: the profile has " "$ST_BIN" merge -o "$T/merged.json" "$T/big.json"
grep -qF "$limit" "$T/err" || die "merge: $(cat "$T/err")"
[ ! -e "$T/merged.json" ] || die "merge wrote a profile the readers refuse"
expect_fail 1 "cannot write the profile to stdout: the profile has " "$ST_BIN" merge "$T/big.json"
grep -qF "$limit" "$T/err" || die "merge to stdout: $(cat "$T/err")"
[ ! -s "$T/out" ] || die "merge printed a profile the readers refuse"
expect_fail 125 "cannot write $T/traced.json: the profile has " \
	"$ST_BIN" run --base "$T/big.json" -o "$T/traced.json" -- true
grep -qF "$limit" "$T/err" || die "run: $(cat "$T/err")"
[ ! -e "$T/traced.json" ] || die "run wrote a profile the readers refuse"
note ok
