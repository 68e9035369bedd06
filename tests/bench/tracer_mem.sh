#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2046,SC2154 # lists of numbers split on purpose; rc is set in the EXIT trap
# Figure 3: memory of the detached tracer process while it traces a busybox
# container that ran a small shell workload and now sleeps: peak RSS (VmHWM)
# and current RSS (VmRSS, and its anonymous / file / shared parts), for the
# "cold" tracer (the first one: it loaded and pinned the BPF program) and a
# "warm" one (started while the first still traces: it reuses the pins).
# The tracer is found through /proc: `seccomp-trace hook ...` with this
# container's --log path in its command line, whose parent is not the hook.
# Usage: tests/bench/tracer_mem.sh [ROUNDS]   (as root)
. "$(dirname "$0")/lib.sh"
rounds=${1:-5}
W=$BENCH_OUT/tracer_mem
rm -rf "$W"
mkdir -p "$W"
bench_cleanup_containers
trap 'rc=$?; set +e; bench_kill tm-cold; bench_kill tm-warm; bench_cleanup_containers; exit $rc' EXIT
note_machine "tracer_mem start"

work='echo hello >/tmp/f; cat /tmp/f | tr a-z A-Z >/tmp/g; ls -la / >/dev/null; ps >/dev/null;
stprobe membarrier getcpu kcmp sched_getattr thread:getcpu fork:kcmp; touch /tmp/ready; exec sleep 100000'
S=$W/samples # ROUND KIND VmHWM VmRSS RssAnon RssFile RssShmem (KiB)
# start KIND: a traced container; waits until the workload is done.
start() {
	local k=$1
	bench_bundle "$W/$k" timed-st --seccomp --out "$W/$k.json" --log "$W/$k.log" -- sh -c "$work"
	rm -f "$W/$k.json"
	holder_start "$W/$k" "tm-$k"
	eval "pid_$k=\$HOLDER_PID"
	for _ in $(seq 500); do
		ct_done "tm-$k" && return 0
		sleep 0.02
	done
	echo "tracer_mem: the $k workload did not finish" >&2
	exit 1
}
sample() { # KIND
	local k=$1 p
	p=$(tracer_pid "$W/$k.log") || { echo "tracer_mem: no tracer for $k" >&2; exit 1; }
	awk -v r="$round" -v k="$k" '/^(VmHWM|VmRSS|RssAnon|RssFile|RssShmem):/ {v[$1] = $2}
		END {print r, k, v["VmHWM:"], v["VmRSS:"], v["RssAnon:"], v["RssFile:"], v["RssShmem:"]}' \
		"/proc/$p/status" >>"$S"
	grep -E '^(Vm|Rss)' "/proc/$p/status" >"$W/$k.status.$round"
}
stop() { # KIND
	HOLDER_PID=$(eval "echo \$pid_$1")
	holder_stop "$W/$1" "tm-$1"
	allowed "$W/$1.json" | grep -qx kcmp || { echo "tracer_mem: $1 profile lacks kcmp" >&2; exit 1; }
}
for round in $(seq "$rounds"); do
	wait_detached 10 || echo "tracer_mem: round $round: attached for someone else, 'cold' is warm" >&2
	start cold
	start warm
	sleep 0.2
	sample cold
	sample warm
	stop warm
	stop cold
done
note_machine "tracer_mem end"

mib() { awk -v k="$1" -v c="$2" '$2 == k {printf "%.2f\n", $c / 1024}' "$S"; }
{
	bench_header
	echo
	echo "Detached tracer memory while tracing, $rounds rounds (MiB)"
	echo
	echo "| tracer | measure | median | min | max | n |"
	echo "|---|---|---|---|---|---|"
	for k in cold warm; do
		row "$k | VmHWM (peak RSS)" $(mib $k 3)
		row "$k | VmRSS" $(mib $k 4)
		row "$k | RssAnon" $(mib $k 5)
		row "$k | RssFile" $(mib $k 6)
		row "$k | RssShmem" $(mib $k 7)
	done
} | tee "$W/table.md"
{
	echo "cold_hwm=$(med $(mib cold 3))"
	echo "cold_rss=$(med $(mib cold 4))"
	echo "warm_hwm=$(med $(mib warm 3))"
	echo "warm_rss=$(med $(mib warm 4))"
	echo "cold_anon=$(med $(mib cold 5))"
	echo "warm_anon=$(med $(mib warm 5))"
	echo "cold_file=$(med $(mib cold 6))"
	echo "warm_file=$(med $(mib warm 6))"
} >"$W/summary.env"
