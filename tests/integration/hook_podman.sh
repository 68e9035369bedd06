#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hook through podman's hooks.d, on a locally imported busybox image.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ct_podman_image
ct_hooks_dir "$T/hooks" --log "$T/hook.log"
run() { ct_podman --hooks-dir "$T/hooks" run --rm --network none "$@"; }
ann=io.containers.trace-syscall

# A missing of: directory. Under podman+runc the hook's line is shown, and
# must not end in strerror(ENOENT), which podman takes for a hook that was
# not found ("command not found", exit 127). Under crun (podman's default)
# only the exit code is shown: the cause is in the hook's log.
for rt in runc crun; do
	rc=0
	ct_podman --runtime "$rt" --hooks-dir "$T/hooks" run --rm --network none \
		--annotation "$ann=of:$T/none-$rt/x.json" "$CT_IMAGE" true >"$T/missing-$rt.out" 2>&1 || rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 127 ] || die "$rt: a missing of: directory: exit $rc: $(cat "$T/missing-$rt.out")"
	! grep -q 'command not found\|No such file or directory' "$T/missing-$rt.out" ||
		die "$rt: podman blames the hook's path: $(cat "$T/missing-$rt.out")"
	grep -qF "cannot open directory $T/none-$rt: does not exist" "$T/hook.log" ||
		die "$rt: the hook's log lacks the cause: $(cat "$T/hook.log")"
done
grep -qF "cannot open directory $T/none-runc: does not exist" "$T/missing-runc.out" ||
	die "runc: podman does not show the hook's line: $(cat "$T/missing-runc.out")"

# Trace `ls /` under podman's default seccomp profile.
run --annotation "$ann=of:$T/ls.json" "$CT_IMAGE" ls / >"$T/ls.out"
ct_wait_file "$T/ls.json" || die "no profile; log: $(cat "$T/hook.log")"
assert_valid_profile "$T/ls.json"
assert_allows "$T/ls.json" execve getdents64

# Replay with the same output; mkdir is refused under it, allowed without.
run --security-opt seccomp="$T/ls.json" "$CT_IMAGE" ls / >"$T/replay.out" ||
	die "ls / under its own profile failed"
cmp -s "$T/ls.out" "$T/replay.out" || die "replay output differs"
run "$CT_IMAGE" mkdir /tmp/x || die "control: mkdir failed without a profile"
set +e
run --security-opt seccomp="$T/ls.json" "$CT_IMAGE" mkdir /tmp/x >"$T/mkdir.out" 2>&1
rc=$?
set -e
# (with ENOSYS: podman's default filter answered that while recording)
[ $rc -ne 0 ] && grep -q 'Function not implemented' "$T/mkdir.out" ||
	die "mkdir under the ls profile: exit $rc, $(cat "$T/mkdir.out")"

# podman's own default profile as if: the result keeps all of it (archMap,
# no architectures list, its rules unchanged first), has no empty rule, and
# podman accepts and replays it.
podman_default=/usr/share/containers/seccomp.json
run --annotation "$ann=if:$podman_default;of:$T/pd.json" "$CT_IMAGE" \
	sh -c 'ls / >/dev/null; stprobe membarrier kcmp' >/dev/null
ct_wait_file "$T/pd.json" || die "no profile with podman's default as base"
jq -e --slurpfile base "$podman_default" '
	has("archMap") and (has("architectures") | not)
	and .archMap == $base[0].archMap
	and .syscalls[0:($base[0].syscalls | length)] == $base[0].syscalls
	and .defaultErrnoRet == $base[0].defaultErrnoRet
	and all(.syscalls[]; (.names | length) > 0)' "$T/pd.json" >/dev/null ||
	die "podman's default profile was not kept intact"
run --security-opt seccomp="$T/pd.json" "$CT_IMAGE" sh -c 'ls / && stprobe membarrier kcmp' >/dev/null ||
	die "podman refused or could not replay the merged profile"

# --rm and a container that dies by SIGKILL: the profile is still written.
run --annotation "$ann=of:$T/killed.json" "$CT_IMAGE" sh -c 'stprobe sched_getattr; kill -KILL $$' || true
ct_wait_file "$T/killed.json" || die "no profile for a SIGKILLed --rm container"
assert_allows "$T/killed.json" sched_getattr

# --pid=host: keyed on the mount namespace; a busy host process leaks nothing.
"$ST_PROBE" loop:getitimer:0 &
noisy=$!
stop_noisy() { kill $noisy 2>/dev/null || true; }
st_at_exit stop_noisy
run --pid=host --annotation "$ann=of:$T/host.json" "$CT_IMAGE" stprobe membarrier sleep:200
kill $noisy
ct_wait_file "$T/host.json" || die "no profile for --pid=host"
grep -q "mount namespace" "$T/hook.log" || die "--pid=host was not keyed on the mount namespace"
assert_allows "$T/host.json" membarrier clock_nanosleep
assert_lacks "$T/host.json" getitimer

# CRI-O's per-container form: traced for the named container only.
# (podman's default profile denies kcmp: denied calls never reach the
# tracepoint, and are not needed in a profile made under that filter.)
run --annotation "$ann/web=of:$T/web.json" --annotation io.kubernetes.container.name=web \
	"$CT_IMAGE" stprobe membarrier
ct_wait_file "$T/web.json" || die "io.containers.trace-syscall/web not honoured"
assert_allows "$T/web.json" membarrier
run --annotation "$ann/web=of:$T/db.json" --annotation io.kubernetes.container.name=db \
	"$CT_IMAGE" stprobe membarrier || die "a container not named by the annotation failed"
sleep 0.5
[ ! -e "$T/db.json" ] || die "the annotation for 'web' traced container 'db'"

# A bad annotation fails podman run with the hook's reason.
set +e
run --annotation "$ann=of:relative.json" "$CT_IMAGE" true >"$T/bad.out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || die "podman ran a container whose trace could not start"
grep -q "relative path" "$T/hook.log" || die "the log lacks the reason"
note ok
