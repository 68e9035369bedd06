#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A trace's life. A container that never ran its workload leaves the old
# profile byte for byte (podman with a missing command, a later prestart hook
# that fails, a create deleted before start, run with a missing command). The
# trace ends when the container's process exits: what it left behind does
# afterwards is not recorded, run after run the same (--pid=host, 8 runs). A
# tracer killed by SIGKILL does not leave the program attached, and
# traces at the same time attach it once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ann=io.containers.trace-syscall
mkdir -p "$T/out"
cat >"$T/old.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}
JSON
# never_started WHAT LOG: the profile at $T/out/p.json is the old one, and
# the log says why.
never_started() {
	sleep 0.3 # the tracer ends after the container
	cmp -s "$T/old.json" "$T/out/p.json" || die "$1: the old profile was replaced: $(head -c 300 "$T/out/p.json")"
	[ "$(ls -A "$T/out")" = p.json ] || die "$1: files left behind: $(ls -A "$T/out")"
	grep -q 'warning: the container never started (its process exited before it ran the workload): no profile written' "$2" ||
		die "$1: the log does not say that the container never started: $(cat "$2")"
}
reset() { cp "$T/old.json" "$T/out/p.json"; }

# podman (crun) with a command the image lacks: crun's exec fails.
ct_podman_image
ct_hooks_dir "$T/hooks" --log "$T/podman.log"
reset
! ct_podman --hooks-dir "$T/hooks" run --rm --network none --annotation "$ann=of:$T/out/p.json" \
	"$CT_IMAGE" /nonexistent >/dev/null 2>&1 || die "podman ran /nonexistent"
never_started "podman /nonexistent" "$T/podman.log"

# runc with a command the rootfs lacks (runc's init fails before any exec).
reset
ct_bundle "$T/missing" --annotation "of:$T/out/p.json" --log "$T/missing.log" --seccomp "$CT_TRACE_SECCOMP" -- /nonexistent
! ct_run runc "$T/missing" "st-life-$$-missing" >/dev/null 2>&1 || die "runc ran /nonexistent"
never_started "runc /nonexistent" "$T/missing.log"

# A prestart hook after ours fails: the runtime kills the init.
reset
ct_bundle "$T/hookfail" --annotation "of:$T/out/p.json" --log "$T/hookfail.log" --seccomp "$CT_TRACE_SECCOMP" -- true
jq '.hooks.prestart += [{path: "/bin/false"}]' "$T/hookfail/config.json" >"$T/c.json"
mv "$T/c.json" "$T/hookfail/config.json"
! ct_run runc "$T/hookfail" "st-life-$$-hookfail" >/dev/null 2>&1 || die "a failing prestart hook did not fail the container"
never_started "a failing prestart hook" "$T/hookfail.log"

# Created, then deleted before start.
reset
ct_bundle "$T/deleted" --annotation "of:$T/out/p.json" --log "$T/deleted.log" --seccomp "$CT_TRACE_SECCOMP" -- true
runc --root "$CT_STATE/runc" create -b "$T/deleted" "st-life-$$-deleted" </dev/null >/dev/null ||
	die "runc create failed"
runc --root "$CT_STATE/runc" delete -f "st-life-$$-deleted"
never_started "created and deleted" "$T/deleted.log"

# run: CMD is not there. Its status as before (127, what a shell says), one
# clear line, no profile.
reset
set +e
"$ST_BIN" run -o "$T/out/p.json" -- /nonexistent 2>"$T/run.err"
rc=$?
set -e
[ $rc -eq 127 ] || die "run /nonexistent: exit $rc, $(cat "$T/run.err")"
grep -qx 'seccomp-trace: /nonexistent never started: no profile written' "$T/run.err" ||
	die "run /nonexistent: $(cat "$T/run.err")"
cmp -s "$T/old.json" "$T/out/p.json" || die "run /nonexistent replaced the old profile"

# --pid=host: a process outlives the container's process. It reads a FIFO
# the container's process holds open, and at its end (the process is
# exiting: it closed its descriptors) makes calls of its own (getitimer,
# sched_getattr, membarrier), while the tracer learns of the exit, and on for
# as long as it lives: not recorded, every time, and no trace fails for them.
: >"$T/host.log"
ct_hooks_dir "$T/hooks-host" --log "$T/host.log"
for i in $(seq 8); do
	ct_podman --hooks-dir "$T/hooks-host" run --rm --pid=host --network none \
		--annotation "$ann=of:$T/host$i.json" "$CT_IMAGE" \
		sh -c 'mkfifo /tmp/f; stprobe eof getitimer sched_getattr membarrier loop:getitimer:0 </tmp/f &
		       exec sleep 0.3 >/tmp/f' ||
		die "--pid=host run $i failed"
	ct_wait_file "$T/host$i.json" 10 || die "--pid=host run $i: no profile: $(tail -n3 "$T/host.log")"
	assert_allows "$T/host$i.json" read clock_nanosleep execve
	assert_lacks "$T/host$i.json" getitimer sched_getattr membarrier
	cmp -s "$T/host1.json" "$T/host$i.json" ||
		die "--pid=host run $i gave another profile than run 1: $(diff <(names_of "$T/host1.json" | tr ' ' '\n') <(names_of "$T/host$i.json" | tr ' ' '\n'))"
done
! grep -q 'error' "$T/host.log" || die "--pid=host: $(grep error "$T/host.log")"
[ "$(grep -c 'calls new to the trace, made after the traced process exited (by processes it left behind), were not recorded' "$T/host.log")" -ge 8 ] ||
	die "--pid=host: the log does not say that later calls were left out"

# SIGKILL to the only tracer of the program: nothing keeps it attached. The
# test's own build may be traced by other tests running now: the link the
# tracer held may then stay while they hold it, but never once nobody does.
ct_bundle "$T/killed" --annotation "of:$T/out/killed.json" --log "$T/killed.log" -- sleep 30
ct_run runc "$T/killed" "st-life-$$-killed" >/dev/null &
ctr=$!
kill_ctr() { runc --root "$CT_STATE/runc" kill "st-life-$$-killed" KILL 2>/dev/null || true; }
st_at_exit kill_ctr
for _ in $(seq 100); do grep -q 'tracing container' "$T/killed.log" 2>/dev/null && break; sleep 0.05; done
tracer=$(sed -n 's/.*seccomp-trace\[[^]]*\]\[\([0-9]*\)\] info: tracing container.*/\1/p' "$T/killed.log")
[ -n "$tracer" ] && kill -0 "$tracer" || die "tracer process not found: $(cat "$T/killed.log")"
# The programs (sys_enter and sched_process_fork): their ids from the
# tracer's descriptors.
prog=$(grep -h '^prog_id:' /proc/"$tracer"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u)
[ "$(echo "$prog" | wc -w)" = 2 ] || die "the tracer holds $(echo "$prog" | wc -w) BPF programs, not 2: $prog"
progs_json=$(echo "$prog" | jq -s -c .)
links_of_prog() { bpftool -j link show | jq -r --argjson p "$progs_json" '.[] | select(.prog_id as $i | $p | index($i)) | .id'; }
holders() { # LINK: processes with a descriptor of it
	grep -l "^link_id:[[:space:]]*$1\$" /proc/[0-9]*/fdinfo/* 2>/dev/null | cut -d/ -f3 | sort -u | tr '\n' ' '
}
# A second trace at the same time shares the link: one run of the program
# per syscall, however many traces.
"$ST_BIN" run -o "$T/second.json" -- sleep 1 &
second=$!
for _ in $(seq 100); do
	grep -q "^link_id:" /proc/[0-9]*/fdinfo/* 2>/dev/null && [ -n "$(holders "$(links_of_prog | head -n1)")" ] && break
	sleep 0.05
done
sleep 0.3
[ "$(links_of_prog | wc -l)" = 2 ] || die "two traces attached the two programs $(links_of_prog | wc -l) times"
wait $second || die "the second trace failed"
kill -KILL "$tracer"
runc --root "$CT_STATE/runc" kill "st-life-$$-killed" KILL
wait $ctr || true
for i in $(seq 600); do
	left=$(links_of_prog)
	[ -z "$left" ] && break
	for l in $left; do
		[ -n "$(holders "$l")" ] || die "link $l keeps the program attached with no tracer holding it"
	done
	sleep 0.2 # held by other tests' tracers of this build: they end
done
[ -z "$(links_of_prog)" ] || die "the program stayed attached: links $(links_of_prog), held by $(holders "$(links_of_prog | head -n1)")"
note ok
