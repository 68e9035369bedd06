# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the integration tests (sourced). Tests run as root with
# the real kernel; a missing prerequisite is a failure, never a skip.
set -euo pipefail

: "${ST_BIN:?ST_BIN must point at the seccomp-trace binary}"
: "${ST_WORK:=/tmp/seccomp-trace-tests}"
ST_TEST_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)

die() {
	echo "FAIL [$ST_TEST_NAME]: $*" >&2
	exit 1
}

note() {
	echo "[$ST_TEST_NAME] $*"
}

[ "$(id -u)" -eq 0 ] || die "integration tests need root (BPF, namespaces, runtimes)"

# A fresh directory for this test, removed on success.
T=$(mkdir -p "$ST_WORK" && mktemp -d "$ST_WORK/$ST_TEST_NAME.XXXXXX")
st_cleanup_dirs=("$T")
# st_at_exit FUNCTION: run FUNCTION when the test ends, before its files are
# removed (the last registered runs first); a failing one fails the test.
st_exit_hooks=()
st_at_exit() {
	st_exit_hooks=("$1" "${st_exit_hooks[@]}")
}
st_on_exit() {
	local rc=$? h
	for h in "${st_exit_hooks[@]}"; do
		"$h" || { echo "FAIL [$ST_TEST_NAME]: clean-up $h failed" >&2; [ $rc -ne 0 ] || rc=1; }
	done
	st_exit_hooks=()
	if [ $rc -eq 0 ]; then
		rm -rf "${st_cleanup_dirs[@]}"
	else
		echo "[$ST_TEST_NAME] work files kept in $T" >&2
	fi
	exit $rc
}
trap st_on_exit EXIT

# allows FILE NAME: NAME is in an unconditional SCMP_ACT_ALLOW rule of FILE.
allows() {
	jq -e --arg n "$2" \
		'any(.syscalls[]; .action == "SCMP_ACT_ALLOW" and (.args // [] | length) == 0
		     and (.includes // {} | length) == 0 and (.names | index($n)))' \
		"$1" >/dev/null
}

names_of() {
	jq -r '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | sort | unique | join(" ")' "$1"
}

assert_allows() {
	local f=$1 n
	shift
	for n in "$@"; do
		allows "$f" "$n" || die "$f should allow $n; it allows: $(names_of "$f")"
	done
}

assert_lacks() {
	local f=$1 n
	shift
	for n in "$@"; do
		! allows "$f" "$n" || die "$f should not allow $n"
	done
}

assert_valid_profile() {
	jq -e '.defaultAction and (.syscalls | type == "array")' "$1" >/dev/null ||
		die "$1 is not a seccomp profile"
}

# Seccomp audit records go to the kernel log, or to auditd while one runs:
# tests that read them (learn_*) hold this lock so that they do not run at
# the same time, in this build or another one on the same host (one kernel,
# one printk rate limit).
audit_lock() {
	exec 8>/run/lock/seccomp-trace-tests.audit.lock
	flock 8
}

# A seccomp audit record of our own (ST_PROBE logs one getppid): it closes
# whatever the kernel log held before, so that an earlier gap in the audit
# serial numbers does not reach into the time window that follows.
audit_mark() {
	"${ST_PROBE:?}" logged:1
	sleep 0.05
}

# The time (seconds since the epoch) from which records are this test's:
# the kernel stamps records with its coarse clock, up to a tick behind
# date(1), so the test waits a little before making any.
audit_since() {
	date +%s.%N
	sleep 0.05
}

# run_learn OUT ERR ARGS...: seccomp-trace learn, its status in $learn_rc.
run_learn() {
	local out=$1 err=$2
	shift 2
	set +e
	"$ST_BIN" learn "$@" >"$out" 2>"$err"
	learn_rc=$?
	set -e
}
