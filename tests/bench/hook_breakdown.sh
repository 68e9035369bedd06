#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2046,SC2154 # lists of numbers split on purpose; rc is set in the EXIT trap
# Investigation for figure 1: where the hook's time goes. Runs cold and warm
# traced `true` containers (as hook_latency.sh) under `perf trace -e bpf`
# (only the bpf() syscall is traced, so the slow-down is small) and sums the
# time the tracer spends in each bpf() command; then times the set-up steps
# alone with bpfparts (vmlinux BTF parsing, ring buffer creation, the
# map-in-map update that installs a tracer's ring buffer, hash updates).
# Usage: tests/bench/hook_breakdown.sh [RUNS]   (as root)
. "$(dirname "$0")/lib.sh"
runs=${1:-5}
W=$BENCH_OUT/hook_breakdown
rm -rf "$W"
mkdir -p "$W"
bench_cleanup_containers
perf=
trap 'rc=$?; set +e; [ -z "$perf" ] || kill -INT $perf 2>/dev/null || true; bench_kill hb-holder; bench_cleanup_containers; exit $rc' EXIT
note_machine "hook_breakdown start"

bench_bundle "$W/cold" timed-st --seccomp --out "$W/cold.json" --log "$W/cold.log" -- true
bench_bundle "$W/warm" timed-st --seccomp --out "$W/warm.json" --log "$W/warm.log" -- true
S=$W/samples # RUN KIND CMD MS   (CMD total: the hook process)
traced_run() { # RUN KIND
	local r=$1 k=$2 t=$W/perf.$2.$1
	perf trace -a -e bpf -o "$t" &
	perf=$!
	sleep 1.5 # perf trace needs a moment before it sees events
	rm -f "$W/$k.json"
	bench_run "$W/$k" "hb-$k" >/dev/null
	ct_wait_file "$W/$k.json" || { echo "hook_breakdown: no $k profile" >&2; exit 1; }
	kill -INT "$perf"
	wait "$perf" 2>/dev/null || true
	perf=
	echo "$r $k total $(hook_ms "$W/$k/hook.times")" >>"$S"
	# bpf() calls of the seccomp-trace processes: the hook, the tracer and
	# its short-lived BPF loader child. perf names a process ":PID/TID"
	# until it learns its comm: such lines count too (in this window only
	# our new processes make bpf() calls, unless others run seccomp-trace
	# too; see machine.log). A call split over two lines ("... [continued]")
	# takes its cmd from the first.
	awk -v r="$r" -v k="$k" '
		{
			if (match($0, /seccomp-trace\/[0-9]+ /)) tid = substr($0, RSTART + 14, RLENGTH - 15)
			else if (match($0, / :[0-9]+\/[0-9]+ /)) {
				tid = substr($0, RSTART + 2, RLENGTH - 3); sub(/.*\//, "", tid)
			} else next
			if (match($0, /cmd: [A-Z_]+/)) cmd[tid] = substr($0, RSTART + 5, RLENGTH - 5)
			if (match($0, /\( *[0-9.]+ ms\)/)) {
				sum[cmd[tid]] += substr($0, RSTART + 1, RLENGTH - 5) + 0
				n[cmd[tid]]++
			}
		}
		END {for (c in sum) printf "%s %s %s %.3f %d\n", r, k, c, sum[c], n[c]}' "$t" >>"$S"
}
for r in $(seq "$runs"); do
	wait_detached 10 || echo "hook_breakdown: attached for someone else, cold run is warm" >&2
	traced_run "$r" cold
	holder_start "$W/holder" hb-holder
	traced_run "$r" warm
	holder_stop "$W/holder" hb-holder
done
"$BENCH_BUILD/bench/bpfparts" 9 >"$W/bpfparts"
note_machine "hook_breakdown end"

v() { awk -v k="$1" -v c="$2" '$2 == k && $3 == c {print $4}' "$S"; }
cnt() { awk -v k="$1" -v c="$2" '$2 == k && $3 == c {print $5}' "$S" | sort -n | tail -n1; }
{
	bench_header
	echo
	echo "A. The hook process, and the bpf() calls of the hook, the tracer and its BPF loader child by command, from the hook's start until the profile is written (the tracer's teardown after that is left out), under perf trace -e bpf; $runs runs each (ms per run; calls per run cold/warm)"
	echo
	echo "| step | cold median | cold min..max | warm median | warm min..max |"
	echo "|---|---|---|---|---|"
	for c in total $(awk '$3 != "total" {print $3}' "$S" | sort -u); do
		line="| $([ "$c" = total ] && echo "hook process (whole, under perf)" || echo "bpf $c ($(cnt cold "$c" || true)/$(cnt warm "$c" || true) calls)")"
		for k in cold warm; do
			if [ -n "$(v $k "$c")" ]; then
				line+=" | $(med $(v $k "$c")) | $(printf '%s\n' $(v $k "$c") | sort -g | sed -n '1p;$p' | paste -sd/ | sed 's#/#..#')"
			else
				line+=" | - | -"
			fi
		done
		echo "$line |"
	done
	echo
	echo "B. Set-up steps alone (bpfparts, 9 rounds; microseconds):"
	echo
	echo "| step | median | min | max |"
	echo "|---|---|---|---|"
	awk 'NF == 4 {printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4}' "$W/bpfparts"
	echo
	awk 'NF == 2 {printf "%s: %.1f MiB\n", $1, $2 / 1024}' "$W/bpfparts"
} | tee "$W/table.md"
