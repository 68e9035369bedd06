#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Set-up tasks and who made each call first.
# - A process exec'd into a traced container (runc exec, crun exec, podman
#   exec) is scoped like the container's own process (--scope
#   after-seccomp): what the runtime does before that process loads its
#   seccomp filter stays out of the profile,
#   what it does under the filter up to its exec is the runtime allowance
#   (kept, and reported as a set of its own), what the exec'd program does is
#   the workload's. (--runtime-allowance recording: the profile's allowance
#   rule holds what the trace saw, not every runtime's.)
# - The first sighting of each syscall names the process: comm, PID in the
#   container, executable (debug log).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

# exec_into RUNTIME: a traced container that sleeps, `RUNTIME exec` of a
# program calling membarrier into it (it lives on a second, so that its
# executable can be read); its profile is $T/RUNTIME.json.
exec_into() {
	local rt=$1
	ct_bundle "$T/$rt" --annotation "of:$T/$rt.json" --log "$T/$rt.log" \
		--hook-args "-v --runtime-allowance recording" \
		--seccomp "$CT_TRACE_SECCOMP" -- stprobe sleep:3000
	ct_run "$rt" "$T/$rt" "st-exec-$$-$rt" >/dev/null &
	local pid=$!
	for _ in $(seq 100); do
		[ "$("$rt" --root "$CT_STATE/$rt" state "st-exec-$$-$rt" 2>/dev/null | jq -r .status)" = running ] && break
		sleep 0.05
	done
	"$rt" --root "$CT_STATE/$rt" exec "st-exec-$$-$rt" stprobe membarrier sleep:1000 ||
		die "$rt exec into the traced container failed"
	wait $pid || die "$rt: the container failed"
	ct_wait_file "$T/$rt.json" || die "$rt: no profile: $(cat "$T/$rt.log")"
	assert_allows "$T/$rt.json" membarrier
	grep -q 'info: runtime allowance seen: [0-9]* syscalls made by set-up tasks' "$T/$rt.log" ||
		die "$rt: the runtime allowance is not reported: $(grep -v debug "$T/$rt.log")"
}
# allowance_has LOG NAME...: the reported runtime allowance lists them.
allowance_has() {
	local log=$1 list n
	shift
	list=" $(sed -n 's/.* debug: runtime allowance: //p' "$log") "
	for n in "$@"; do
		[[ $list == *" $n "* ]] || die "$log: $n is not in the runtime allowance:$list"
	done
}
allowance_lacks() {
	local log=$1 list n
	shift
	list=" $(sed -n 's/.* debug: runtime allowance: //p' "$log") "
	for n in "$@"; do
		[[ $list != *" $n "* ]] || die "$log: $n is in the runtime allowance:$list"
	done
}

# runc exec: its init (runc:[2:INIT]) sets up (keyctl, setsid, setgroups,
# capget, ...) before it loads the exec'd process's filter, just before exec.
exec_into runc
assert_lacks "$T/runc.json" keyctl setsid setgroups capget seccomp
allowance_has "$T/runc.log" execve
allowance_lacks "$T/runc.log" keyctl setsid setgroups seccomp mount pivot_root

# crun exec loads the filter early: its setgroups, setresuid, capset run
# under it (the runtime allowance, needed for crun exec to work under the
# profile); what it does before (close_range, geteuid, the seccomp call
# itself) stays out.
exec_into crun
assert_lacks "$T/crun.json" close_range geteuid seccomp
assert_allows "$T/crun.json" setgroups setresuid capset
allowance_has "$T/crun.log" execve setgroups setresuid capset
allowance_lacks "$T/crun.log" close_range geteuid seccomp

# Who made each call first: the exec'd program (stprobe, PID 2 or more in
# the container, /bin/stprobe as the container sees it), and the container's
# own runtime init before its exec.
grep -Eq 'debug: first membarrier \(SCMP_ARCH_X86_64 #[0-9]+\) \[all,workload\] by stprobe, pid ([2-9]|[1-9][0-9]+) in the container \(/bin/stprobe\)' "$T/crun.log" ||
	die "crun: the first membarrier is not the exec'd stprobe's: $(grep 'first membarrier' "$T/crun.log")"
grep -Eq 'debug: first [a-z_0-9]+ \(SCMP_ARCH_X86_64 #[0-9]+\) \[all\] by runc:\[2:INIT\], pid 1 in the container' "$T/runc.log" ||
	die "runc: no first sighting names runc's init, PID 1: $(grep -m3 'first' "$T/runc.log")"

# podman exec (crun under conmon): same, in a container under podman's own
# default profile.
ct_podman_image
ct_hooks_dir "$T/hooks" --log "$T/podman.log" -v --runtime-allowance recording
ct_podman --hooks-dir "$T/hooks" run -d --name "st-exec-$$-pm" --network none \
	--annotation "io.containers.trace-syscall=of:$T/podman.json" "$CT_IMAGE" stprobe sleep:1500 >/dev/null
ct_podman exec "st-exec-$$-pm" stprobe membarrier || die "podman exec failed"
ct_podman wait "st-exec-$$-pm" >/dev/null
ct_podman rm "st-exec-$$-pm" >/dev/null
ct_wait_file "$T/podman.json" || die "podman: no profile: $(cat "$T/podman.log")"
assert_allows "$T/podman.json" membarrier
assert_lacks "$T/podman.json" close_range seccomp

# run: the first call of each syscall, with CMD's PID in its namespace and
# its executable; a forked child that made its call and is gone has none.
"$ST_BIN" run -v -o "$T/run.json" -- "$ST_PROBE" membarrier sleep:1000 fork:kcmp 2>"$T/run.log"
grep -qx "seccomp-trace: first membarrier (SCMP_ARCH_X86_64 #[0-9]*) \[all,workload\] by stprobe, pid 2 in the container ($ST_PROBE)" "$T/run.log" ||
	die "run: $(grep 'first membarrier' "$T/run.log")"
grep -Eq 'seccomp-trace: first kcmp \(SCMP_ARCH_X86_64 #[0-9]+\) \[all,workload\] by stprobe, pid 3 in the container \((executable unknown|'"$ST_PROBE"')\)$' "$T/run.log" ||
	die "run: $(grep 'first kcmp' "$T/run.log")"
note ok
