# SPDX-License-Identifier: Apache-2.0
# Hook mode under an OCI runtime driven directly with bundles (sourced by
# integration/hook_runc.sh and hook_crun.sh with RT set).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/containers.sh"
: "${RT:?}"
chmod 755 "$T" # the hook reads if: only where any user could

# 1. Trace `ls /`.
ct_bundle "$T/b1" --annotation "of:$T/ls.json" --log "$T/hook.log" -- ls /
ct_run "$RT" "$T/b1" "st-$RT-$$-1" >"$T/ls.out" || die "$RT run with the hook failed"
ct_wait_file "$T/ls.json" || die "no profile written; log: $(cat "$T/hook.log")"
assert_valid_profile "$T/ls.json"
assert_allows "$T/ls.json" execve getdents64
grep -q "tracing container st-$RT-$$-1" "$T/hook.log" || die "the log file lacks the start line"
grep -q "profile written to $T/ls.json" "$T/hook.log" || die "the log file lacks the end line"

# 2. Replay: the same command under its own profile, same output.
ct_bundle "$T/b2" --seccomp "$(ct_oci_seccomp "$T/ls.json")" -- ls /
ct_run "$RT" "$T/b2" "st-$RT-$$-2" >"$T/replay.out" 2>"$T/replay.err" ||
	die "ls / under its own profile failed: $(cat "$T/replay.err")"
cmp -s "$T/ls.out" "$T/replay.out" || die "replay output differs"

# 3. The profile restricts: mkdir works without it, not under it.
ct_bundle "$T/b3" -- mkdir /tmp/x
ct_run "$RT" "$T/b3" "st-$RT-$$-3" || die "control: mkdir failed without a profile"
ct_bundle "$T/b4" --seccomp "$(ct_oci_seccomp "$T/ls.json")" -- mkdir /tmp/x
set +e
ct_run "$RT" "$T/b4" "st-$RT-$$-4" >"$T/mkdir.out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || die "mkdir succeeded under the ls profile"
grep -q 'Operation not permitted' "$T/mkdir.out" || die "mkdir: $(cat "$T/mkdir.out")"

# 4. if: base profile: its rules and fields stay, what was seen is added.
cat >"$T/base.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
 "architectures": ["SCMP_ARCH_X86_64"], "x-team": "infra",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
              {"names": ["uname"], "action": "SCMP_ACT_ALLOW", "comment": "base"}]}
JSON
ct_bundle "$T/b5" --annotation "if:$T/base.json;of:$T/based.json" --log "$T/hook.log" -- \
	sh -c 'mkdir /tmp/y; ls / >/dev/null'
ct_run "$RT" "$T/b5" "st-$RT-$$-5" >/dev/null 2>&1 || true
ct_wait_file "$T/based.json" || die "no profile with a base; log: $(cat "$T/hook.log")"
jq -e '."x-team" == "infra" and .defaultErrnoRet == 1
       and .syscalls[0] == {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}
       and .syscalls[1].comment == "base"' "$T/based.json" >/dev/null ||
	die "base content lost: $(jq -c . "$T/based.json")"
assert_lacks "$T/based.json" mkdir
assert_allows "$T/based.json" getdents64 execve
grep -q 'mkdir was called but the base profile.s rule says SCMP_ACT_ERRNO: kept blocked' "$T/hook.log" ||
	die "the log does not say that mkdir stayed blocked"

# 4b. A profile that lets io_uring through says so in the tracer's log;
# one that does not, does not.
ct_bundle "$T/b10" --annotation "of:$T/iou.json" --log "$T/iou.log" -- stprobe io_uring_setup
ct_run "$RT" "$T/b10" "st-$RT-$$-10" >/dev/null || die "$RT run (io_uring) failed"
ct_wait_file "$T/iou.json" || die "no io_uring profile; log: $(cat "$T/iou.log")"
assert_allows "$T/iou.json" io_uring_setup
for _ in $(seq 100); do grep -q 'profile written' "$T/iou.log" && break; sleep 0.05; done
grep -qE "warning: the profile allows io_uring_setup \(syscalls\[[0-9]+\]\.names\[[0-9]+\]\): through a ring the workload opens files and creates sockets of any family" "$T/iou.log" ||
	die "no io_uring warning in the log: $(cat "$T/iou.log")"
! grep -q io_uring "$T/hook.log" || die "an io_uring warning for a profile without it: $(cat "$T/hook.log")"

# 5. Bad annotations fail the create with one clear line; no file appears.
bad() {
	local ann=$1 want=$2 n=$3
	ct_bundle "$T/bad$n" --annotation "$ann" -- true
	set +e
	ct_run "$RT" "$T/bad$n" "st-$RT-$$-bad$n" >"$T/bad$n.out" 2>&1
	local rc=$?
	set -e
	[ $rc -ne 0 ] || die "annotation '$ann' did not fail the create"
	# runc shows the hook's stderr, crun only in run.oci.hooks.stderr
	cat "$T/bad$n/hook.stderr" >>"$T/bad$n.out" 2>/dev/null || true
	grep -qF -- "seccomp-trace: $want" "$T/bad$n.out" ||
		grep -qF -- "stderr: seccomp-trace: $want" "$T/bad$n.out" ||
		die "annotation '$ann': expected 'seccomp-trace: $want' in: $(cat "$T/bad$n.out")"
	[ -z "$(ls "$T/out" 2>/dev/null)" ] || die "annotation '$ann' left a file: $(ls "$T/out")"
}
mkdir -p "$T/out"
A="invalid annotation io.containers.trace-syscall"
bad " " "$A: empty value (expected of:/abs/out.json[;if:/abs/base.json])" 1
bad "of:out.json" "$A: of:out.json: relative path (paths must be absolute)" 2
bad "xf:$T/out/a.json" "$A: unknown entry 'xf:$T/out/a.json' (expected of:PATH or if:PATH)" 3
bad "of:$T/out/a.json;of:$T/out/b.json" "$A: of:: given twice" 4
bad "if:$T/base.json" "$A: missing of:/abs/path.json" 5
bad "of:$T/out/a.json;if:$T/out/missing.json" "cannot use if: base profile: cannot read $T/out/missing.json: does not exist" 6
echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [' >"$T/broken.json"
bad "of:$T/out/a.json;if:$T/broken.json" "cannot use if: base profile: invalid JSON in $T/broken.json at the end (50 bytes)" 9
bad "of:/no/such/dir/a.json" "cannot write /no/such/dir/a.json: cannot open directory /no: does not exist" 7
bad "of:$T/out/a.json;" "$A: empty entry" 8
# and the reason is in the log too (all crun shows without its annotation)
ct_bundle "$T/badlog" --annotation "of:rel.json" --log "$T/bad9.log" -- true
ct_run "$RT" "$T/badlog" "st-$RT-$$-badlog" >/dev/null 2>&1 && die "relative of: accepted"
grep -q "error: $A: of:rel.json: relative path" "$T/bad9.log" || die "log lacks the reason: $(cat "$T/bad9.log")"

# The createRuntime stage works as prestart does.
ct_bundle "$T/b10" --stage createRuntime --annotation "of:$T/cr.json" -- stprobe membarrier
ct_run "$RT" "$T/b10" "st-$RT-$$-10" || die "createRuntime hook: container failed"
ct_wait_file "$T/cr.json" || die "createRuntime hook: no profile"
assert_allows "$T/cr.json" membarrier

# 6. A container killed by SIGKILL still gets a complete profile.
ct_bundle "$T/b6" --annotation "of:$T/killed.json" --log "$T/hook.log" -- \
	sh -c 'stprobe membarrier; kill -KILL $$'
ct_run "$RT" "$T/b6" "st-$RT-$$-6" || true
ct_wait_file "$T/killed.json" || die "no profile for a SIGKILLed container"
assert_allows "$T/killed.json" membarrier kill

# 7. Eight containers at once, each with its own distinctive syscall (6 also
# makes an x32 call, which this kernel refuses: counted in its trace only;
# getcpu would be none: a time call, every profile allows it).
calls=(membarrier kcmp getitimer sched_getattr "thread:membarrier" "fork:kcmp" "socket:unix x32:getpid" write)
: >"$T/par.log"
for i in $(seq 0 7); do
	# shellcheck disable=SC2086 # container 6 gets two actions
	ct_bundle "$T/p$i" --annotation "of:$T/par$i.json" --log "$T/par.log" -- stprobe ${calls[$i]} sleep:200
	ct_run "$RT" "$T/p$i" "st-$RT-$$-p$i" >/dev/null &
done
wait
for i in $(seq 0 7); do
	ct_wait_file "$T/par$i.json" || die "parallel container $i: no profile"
done
assert_allows "$T/par0.json" membarrier
assert_lacks "$T/par0.json" kcmp getitimer sched_getattr
assert_allows "$T/par1.json" kcmp
assert_lacks "$T/par1.json" membarrier getitimer sched_getattr
assert_allows "$T/par2.json" getitimer
assert_lacks "$T/par2.json" membarrier kcmp sched_getattr
assert_allows "$T/par3.json" sched_getattr
assert_lacks "$T/par3.json" membarrier kcmp getitimer
assert_allows "$T/par4.json" membarrier
assert_lacks "$T/par4.json" kcmp getitimer sched_getattr
assert_allows "$T/par5.json" kcmp
assert_lacks "$T/par5.json" membarrier getitimer sched_getattr
assert_allows "$T/par6.json" socket
for i in 0 1 2 3 4 5 7; do
	assert_lacks "$T/par$i.json" socket
done
[ "$(grep -c 'x32 calls were not recorded' "$T/par.log")" = 1 ] &&
	grep -q 'warning: 1 x32 calls were not recorded' "$T/par.log" ||
	die "the one x32 call is not counted once: $(grep x32 "$T/par.log")"
note ok
