#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --args: argument conditions recorded and enforced. Under runc, crun and
# podman: a socket rule for AF_UNIX only (AF_INET then fails with EPERM, or
# ENOSYS as under podman's default filter), a
# clone rule that allows forks but not a new namespace, and the after-seccomp
# workloads replaying under their args profiles.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"


n=0
# trace RT PROFILE CMD...: traced with --args, in a container with CAP_SYS_ADMIN
# (so that only seccomp can refuse a new namespace).
trace() {
	local rt=$1 out=$2
	shift 2
	n=$((n + 1))
	if [ "$rt" = podman ]; then
		ct_podman --hooks-dir "$T/hooks" run --rm --network none --cap-add SYS_ADMIN \
			--annotation "io.containers.trace-syscall=of:$out" "$CT_IMAGE" "$@" >"$out.out"
	else
		ct_bundle "$T/b$n" --annotation "of:$out" --log "$T/hook.log" --cap-add CAP_SYS_ADMIN \
			--seccomp "$CT_TRACE_SECCOMP" --hook-args "--args" -- "$@"
		ct_run "$rt" "$T/b$n" "st-args-$$-$n" >"$out.out"
	fi || die "$rt: traced run of $* failed"
	ct_wait_file "$out" || die "$rt: no profile for $*"
}

# under RT PROFILE CMD...: run under the profile; output in $T/last.out
under() {
	local rt=$1 prof=$2
	shift 2
	n=$((n + 1))
	if [ "$rt" = podman ]; then
		ct_podman run --rm --network none --cap-add SYS_ADMIN --security-opt seccomp="$prof" \
			"$CT_IMAGE" "$@" >"$T/last.out" 2>&1
	else
		ct_bundle "$T/b$n" --cap-add CAP_SYS_ADMIN --seccomp "$(ct_oci_seccomp "$prof")" -- "$@"
		ct_run "$rt" "$T/b$n" "st-args-$$-$n" >"$T/last.out" 2>&1
	fi
}

ct_podman_image
ct_hooks_dir "$T/hooks" --log "$T/hook.log" --args
# What a profile answers the calls it does not list: the recording filter's
# errno (podman's default: ENOSYS; the bundles' permissive filter: none, so
# EPERM).
refused() { [ "$1" = podman ] && echo "Function not implemented" || echo "Operation not permitted"; }

for rt in runc crun podman; do
	p=$T/$rt
	# a socket rule for the family seen, and only for it
	trace "$rt" "$p-unix.json" stprobe write socket:unix
	jq -e '[.syscalls[] | select(.names == ["socket"])] == [{"names": ["socket"],
		"action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "valueTwo": 0,
		"op": "SCMP_CMP_EQ"}, {"index": 1, "value": 4294440959, "valueTwo": 1,
		"op": "SCMP_CMP_MASKED_EQ"}]}]' "$p-unix.json" >/dev/null ||
		die "$rt: socket rule: $(jq -c '.syscalls[] | select(.names | index("socket"))' "$p-unix.json")"
	assert_lacks "$p-unix.json" socket
	under "$rt" "$p-unix.json" stprobe socket:unix || die "$rt: AF_UNIX refused: $(cat "$T/last.out")"
	under "$rt" "$p-unix.json" stprobe socket:inet && die "$rt: AF_INET allowed"
	grep -q "socket inet: $(refused "$rt")" "$T/last.out" || die "$rt: AF_INET: $(cat "$T/last.out")"

	# clone: forks yes, a new namespace no (it works without the profile)
	trace "$rt" "$p-fork.json" stprobe fork:write
	jq -e '[.syscalls[] | select(.names == ["clone"]) | .args] == [[{"index": 0,
		"value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]]' "$p-fork.json" \
		>/dev/null || die "$rt: clone rule: $(jq -c '.syscalls[] | select(.names | index("clone"))' "$p-fork.json")"
	under "$rt" "$p-fork.json" stprobe fork:write || die "$rt: fork refused: $(cat "$T/last.out")"
	trace "$rt" "$p-uts.json" stprobe clone:newuts
	under "$rt" "$p-fork.json" stprobe clone:newuts && die "$rt: clone(CLONE_NEWUTS) allowed"
	grep -q "clone newuts: $(refused "$rt")" "$T/last.out" || die "$rt: newuts: $(cat "$T/last.out")"

	# the after-seccomp profile workloads replay under their args profiles
	trace "$rt" "$p-ls.json" ls /
	under "$rt" "$p-ls.json" ls / || die "$rt: ls / does not replay: $(cat "$T/last.out")"
	cmp -s "$p-ls.json.out" "$T/last.out" || die "$rt: ls / replay differs"
	trace "$rt" "$p-sh.json" sh -c "$CT_WORKLOAD_SCRIPT"
	under "$rt" "$p-sh.json" sh -c "$CT_WORKLOAD_SCRIPT" || die "$rt: the script does not replay: $(cat "$T/last.out")"
	cmp -s "$p-sh.json.out" "$T/last.out" || die "$rt: script replay differs"
	note "$rt: $(jq '[.syscalls[] | select(.args)] | length' "$p-sh.json") conditional rules in the script's profile"
done
# diff, merge and check take argument rules as whole rules
"$ST_BIN" check "$T/runc-unix.json" >/dev/null || die "check refused an args profile"
jq '(.syscalls[] | select(.names == ["socket"]) | .args[0].value) |= 2' "$T/runc-unix.json" >"$T/inet.json"
set +e
"$ST_BIN" diff "$T/runc-unix.json" "$T/inet.json" >"$T/diff.out"
rc=$?
set -e
[ $rc -eq 1 ] || die "a changed socket family did not fail the diff"
grep -qx '  ~ socket: conditions \[arg0 EQ 1 0; arg1 MASKED_EQ 4294440959 1\] -> \[arg0 EQ 2 0; arg1 MASKED_EQ 4294440959 1\]' \
	"$T/diff.out" || die "diff: $(cat "$T/diff.out")"
"$ST_BIN" merge "$T/runc-unix.json" "$T/inet.json" -o "$T/both.json"
[ "$(jq '[.syscalls[] | select(.names == ["socket"])] | length' "$T/both.json")" -eq 2 ] ||
	die "merge: $(jq -c '.syscalls[] | select(.names == ["socket"])' "$T/both.json")"
assert_lacks "$T/both.json" socket
"$ST_BIN" merge "$T/runc-unix.json" "$T/runc-unix.json" | cmp -s - "$T/runc-unix.json" ||
	die "merge of an args profile with itself changed it"
note ok
