#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --scope after-seccomp (the default): recording starts where the runtime
# loads the container's seccomp filter. For runc and crun with
# noNewPrivileges true and false, and podman with its default profile: the
# after-seccomp profile leaves the runtime's set-up out, is smaller than the full
# one, and replays, for `ls /` and for a shell script doing a bit of
# everything.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

SETUP_CALLS=(mount pivot_root umount2 sethostname)

count() { jq '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | unique | length' "$1"; }

n=0
trace_oci() { # RT NNP SCOPE OUT CMD...
	local rt=$1 nnp=$2 scope=$3 out=$4
	shift 4
	n=$((n + 1))
	ct_bundle "$T/t$n" --annotation "of:$out" --log "$T/hook.log" --nnp "$nnp" \
		--seccomp "$CT_TRACE_SECCOMP" --hook-args "--scope $scope" -- "$@"
	ct_run "$rt" "$T/t$n" "st-scope-$$-$n" >"$out.out" || die "$rt: traced run of $* failed"
	ct_wait_file "$out" || die "$rt: no profile for $*"
}

replay_oci() { # RT NNP PROFILE CMD...
	local rt=$1 nnp=$2 prof=$3
	shift 3
	n=$((n + 1))
	ct_bundle "$T/t$n" --nnp "$nnp" --seccomp "$(ct_oci_seccomp "$prof")" -- "$@"
	ct_run "$rt" "$T/t$n" "st-scope-$$-$n" >"$prof.replay" 2>"$prof.replay.err" ||
		die "$rt nnp=$nnp: $* does not replay under $prof: $(cat "$prof.replay.err")"
	cmp -s "$prof.out" "$prof.replay" || die "$rt nnp=$nnp: replay of $* printed something else"
}

for rt in runc crun; do
	for nnp in true false; do
		p=$T/$rt-$nnp
		trace_oci "$rt" "$nnp" after-seccomp "$p-ls.json" ls /
		trace_oci "$rt" "$nnp" all "$p-ls-all.json" ls /
		assert_lacks "$p-ls.json" "${SETUP_CALLS[@]}"
		assert_allows "$p-ls-all.json" "${SETUP_CALLS[@]}"
		assert_allows "$p-ls.json" execve getdents64 rt_sigreturn
		[ "$(count "$p-ls.json")" -lt "$(count "$p-ls-all.json")" ] ||
			die "$rt nnp=$nnp: after-seccomp profile not smaller than the full one"
		grep -q "recorded from the runtime's seccomp filter load on" "$T/hook.log" ||
			die "the filter load was not seen"
		replay_oci "$rt" "$nnp" "$p-ls.json" ls /
		trace_oci "$rt" "$nnp" after-seccomp "$p-sh.json" sh -c "$CT_WORKLOAD_SCRIPT"
		grep -qx "got USR1" "$p-sh.json.out" && grep -qx done "$p-sh.json.out" ||
			die "$rt: the script did not run through: $(cat "$p-sh.json.out")"
		assert_lacks "$p-sh.json" "${SETUP_CALLS[@]}"
		assert_allows "$p-sh.json" pipe2 wait4 kill unlink clone
		replay_oci "$rt" "$nnp" "$p-sh.json" sh -c "$CT_WORKLOAD_SCRIPT"
		note "$rt nnp=$nnp: ls / $(count "$p-ls.json") vs $(count "$p-ls-all.json") syscalls, script $(count "$p-sh.json")"
	done
done

# Without a filter there is no load to start from: everything since the
# hook, and the log says so.
n=$((n + 1))
ct_bundle "$T/t$n" --annotation "of:$T/unconfined.json" --log "$T/unconf.log" -- ls /
ct_run runc "$T/t$n" "st-scope-$$-$n" >/dev/null
ct_wait_file "$T/unconfined.json" || die "no profile without a filter"
assert_allows "$T/unconfined.json" mount pivot_root
grep -q "no seccomp filter load was seen" "$T/unconf.log" || die "the fallback is not logged"

# podman, with its default seccomp profile in force while tracing.
ct_podman_image
ct_hooks_dir "$T/hooks" --log "$T/hook.log"
ct_hooks_dir "$T/hooks-all" --log "$T/hook.log" --scope all
prun() { ct_podman run --rm --network none "$@"; }
prun --hooks-dir "$T/hooks" --annotation "io.containers.trace-syscall=of:$T/pm-ls.json" \
	"$CT_IMAGE" ls / >"$T/pm-ls.json.out"
prun --hooks-dir "$T/hooks-all" --annotation "io.containers.trace-syscall=of:$T/pm-all.json" \
	"$CT_IMAGE" ls / >/dev/null
prun --hooks-dir "$T/hooks" --annotation "io.containers.trace-syscall=of:$T/pm-sh.json" \
	"$CT_IMAGE" sh -c "$CT_WORKLOAD_SCRIPT" >"$T/pm-sh.json.out"
for f in pm-ls pm-all pm-sh; do ct_wait_file "$T/$f.json" || die "podman: no $f.json"; done
assert_lacks "$T/pm-ls.json" "${SETUP_CALLS[@]}"
assert_lacks "$T/pm-sh.json" "${SETUP_CALLS[@]}"
assert_allows "$T/pm-all.json" "${SETUP_CALLS[@]}"
[ "$(count "$T/pm-ls.json")" -lt "$(count "$T/pm-all.json")" ] || die "podman: after-seccomp profile not smaller"
prun --security-opt seccomp="$T/pm-ls.json" "$CT_IMAGE" ls / >"$T/pm-ls.replay" ||
	die "podman: ls / does not replay"
cmp -s "$T/pm-ls.json.out" "$T/pm-ls.replay" || die "podman: ls / replay differs"
prun --security-opt seccomp="$T/pm-sh.json" "$CT_IMAGE" sh -c "$CT_WORKLOAD_SCRIPT" >"$T/pm-sh.replay" ||
	die "podman: the script does not replay"
cmp -s "$T/pm-sh.json.out" "$T/pm-sh.replay" || die "podman: script replay differs"
note "podman: ls / $(count "$T/pm-ls.json") vs $(count "$T/pm-all.json") syscalls, script $(count "$T/pm-sh.json")"
note ok
