#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Each trace records what happens in its own container, however namespaces
# nest or are shared:
# - under `run`, CMD has its own /proc (/proc/$$ is CMD);
# - a container traced by the hook inside a traced `run` (nested PID
#   namespaces): the inner trace gets its container's calls, the outer one
#   counts everything below it;
# - containers sharing a PID namespace (runc bundles joining another's
#   namespace, podman --pid=container:X, a pod sharing its PID namespace):
#   a second traced container starts and each records only its own calls; an
#   untraced neighbour's calls are counted and left out; a process of the
#   container in a mount namespace of its own is still the container's.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

# run: /proc is the new PID namespace's.
out=$("$ST_BIN" run -o "$T/proc.json" -- sh -c 'echo "$$ $(cat /proc/$$/comm) $(cat /proc/1/comm)"')
[ "$out" = "2 sh seccomp-trace" ] || die "run: /proc is not CMD's (\$\$, its comm, PID 1's comm): '$out'"

# Nested: runc under run, the inner container traced by the hook.
ct_bundle "$T/inner" --annotation "of:$T/inner.json" --log "$T/inner.log" --seccomp "$CT_TRACE_SECCOMP" -- \
	stprobe membarrier
"$ST_BIN" run -o "$T/outer.json" -- runc --root "$CT_STATE/runc" run -b "$T/inner" "st-ns-$$-inner" </dev/null ||
	die "runc under run failed"
ct_wait_file "$T/inner.json" || die "nested: no inner profile: $(cat "$T/inner.log")"
assert_allows "$T/inner.json" membarrier execve
assert_lacks "$T/inner.json" pivot_root mount bpf
# the outer trace has the inner container's calls, its runtime's set-up and
# the inner tracer's
assert_allows "$T/outer.json" membarrier pivot_root mount bpf
grep -q "tracing container st-ns-$$-inner (pid [0-9]*, PID namespace" "$T/inner.log" ||
	die "nested: the inner container was not traced by its PID namespace: $(cat "$T/inner.log")"
# argument values of a nested task (read from its registers another way)
"$ST_BIN" run --args -o "$T/nested-args.json" -- unshare -pf --mount-proc "$ST_PROBE" socket:unix >/dev/null
jq -e '.syscalls[] | select(.names == ["socket"]) | .args[] | select(.index == 0 and .value == 1 and .op == "SCMP_CMP_EQ")' \
	"$T/nested-args.json" >/dev/null || die "nested --args: no AF_UNIX socket rule: $(jq -c '.syscalls' "$T/nested-args.json")"

# Shared PID namespace, runc bundles: A is traced and has a process that
# enters a mount namespace of its own (unshare -m); B, traced, and C, not
# traced, join A's PID namespace. A: membarrier and sched_getattr; B: socket;
# C: getitimer, in a loop.
ct_bundle "$T/a" --annotation "of:$T/a.json" --log "$T/a.log" --cap-add CAP_SYS_ADMIN --seccomp "$CT_TRACE_SECCOMP" -- \
	sh -c 'unshare -m stprobe sched_getattr; stprobe membarrier sleep:1500'
ct_run runc "$T/a" "st-ns-$$-a" >/dev/null &
a=$!
pid=
for _ in $(seq 100); do
	pid=$(runc --root "$CT_STATE/runc" state "st-ns-$$-a" 2>/dev/null | jq -r .pid) && [ "$pid" != 0 ] && break
	sleep 0.05
done
[ -n "$pid" ] && [ "$pid" != 0 ] || die "container A did not start"
join_pidns() { # BUNDLE: into A's PID namespace
	jq --arg p "/proc/$pid/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
		"$1/config.json" >"$1/c.json"
	mv "$1/c.json" "$1/config.json"
}
ct_bundle "$T/b" --annotation "of:$T/b.json" --log "$T/b.log" --seccomp "$CT_TRACE_SECCOMP" -- stprobe socket:unix
join_pidns "$T/b"
ct_bundle "$T/c" --seccomp "$CT_TRACE_SECCOMP" -- stprobe loop:getitimer:20000
join_pidns "$T/c"
ct_run runc "$T/b" "st-ns-$$-b" || die "B, traced in A's PID namespace, did not run: $(cat "$T/b.log")"
ct_run runc "$T/c" "st-ns-$$-c" || die "C did not run in A's PID namespace"
wait $a || die "A failed"
ct_wait_file "$T/a.json" || die "no profile for A: $(cat "$T/a.log")"
ct_wait_file "$T/b.json" || die "no profile for B: $(cat "$T/b.log")"
assert_allows "$T/a.json" membarrier sched_getattr unshare
assert_lacks "$T/a.json" socket getitimer
assert_allows "$T/b.json" socket
assert_lacks "$T/b.json" membarrier sched_getattr getitimer
grep -q "info: PID namespace [0-9]* is traced for another container too: this one is told apart by its mount namespace" "$T/b.log" ||
	die "B's log does not say how it is told apart: $(cat "$T/b.log")"
grep -q 'info: [0-9]* calls of processes in the container.s PID namespace (or one nested in it) whose lineage came from outside the container' "$T/a.log" ||
	die "A's log does not count C's calls: $(cat "$T/a.log")"

# podman: --pid=container:X, and a pod that shares its PID namespace (its
# infra container, untraced, holds it). The traced ones get sched_getattr /
# membarrier, the untraced neighbour getitimer.
ct_podman_traced "$T/podman.log"
ann=io.containers.trace-syscall
check_pair() { # FIRST SECOND
	ct_wait_file "$1" && ct_wait_file "$2" || die "no profiles: $(tail -n5 "$T/podman.log")"
	assert_allows "$1" membarrier
	assert_lacks "$1" sched_getattr getitimer
	assert_allows "$2" sched_getattr
	assert_lacks "$2" membarrier getitimer
}
ct_prun -d --name "st-ns-$$-x" --annotation "$ann=of:$T/x.json" "$CT_IMAGE" stprobe membarrier sleep:2000 >/dev/null
ct_prun --rm --pid="container:st-ns-$$-x" --annotation "$ann=of:$T/y.json" "$CT_IMAGE" stprobe sched_getattr ||
	die "podman: a second traced container in X's PID namespace did not run"
ct_prun --rm --pid="container:st-ns-$$-x" "$CT_IMAGE" stprobe loop:getitimer:1000
ct_podman wait "st-ns-$$-x" >/dev/null
ct_podman rm "st-ns-$$-x" >/dev/null
check_pair "$T/x.json" "$T/y.json"

# The init itself enters a mount namespace of its own (an entrypoint of
# `unshare -m ...`, with a user namespace: no capability needed), then
# starts the workload: its children are the container's, not neighbours.
: >"$T/podman.log"
ct_prun --rm --annotation "$ann=of:$T/u.json" "$CT_IMAGE" \
	unshare -Urm sh -c 'stprobe membarrier; stprobe sched_getattr' >/dev/null ||
	die "podman: unshare -Urm as the init did not run"
ct_wait_file "$T/u.json" || die "no profile for the init that unshares: $(tail -n5 "$T/podman.log")"
assert_allows "$T/u.json" membarrier sched_getattr
! grep -q 'were left out' "$T/podman.log" || die "the init's own children were left out: $(grep 'left out' "$T/podman.log")"

ct_podman pod create --name "st-ns-$$-pod" --share pid >/dev/null
rm_pod() { ct_podman pod rm -f "st-ns-$$-pod" >/dev/null 2>&1 || true; }
st_at_exit rm_pod
ct_prun -d --pod "st-ns-$$-pod" --name "st-ns-$$-p1" --annotation "$ann=of:$T/p1.json" "$CT_IMAGE" \
	stprobe membarrier sleep:2000 >/dev/null
ct_prun --rm --pod "st-ns-$$-pod" --annotation "$ann=of:$T/p2.json" "$CT_IMAGE" stprobe sched_getattr ||
	die "podman: a second traced container of the pod did not run"
ct_prun --rm --pod "st-ns-$$-pod" "$CT_IMAGE" stprobe loop:getitimer:1000
ct_podman wait "st-ns-$$-p1" >/dev/null
check_pair "$T/p1.json" "$T/p2.json"
note ok
