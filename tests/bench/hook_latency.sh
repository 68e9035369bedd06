#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2046,SC2154 # lists of numbers split on purpose; rc is set in the EXIT trap
# Figure 1: hook latency and `runc run` wall time of a busybox `true`
# container (a permissive seccomp filter in every bundle) with
#   none   no hook
#   null   a trivial prestart hook (benchtool nullhook: reads its stdin)
#   load   seccomp-trace after `seccomp-trace unload`: the hook loads,
#          verifies and pins the BPF program (first container after boot)
#   cold   seccomp-trace, no other trace running: the program is loaded but
#          detached; the hook attaches it
#   warm   seccomp-trace while another container is traced (program attached)
# Every hook runs behind `benchtool hooktime`, which times the hook process
# from the outside (spawn to exit, the state read from stdin): that is (a),
# from the runtime starting the hook to the hook returning with tracing armed.
# (b) is the wall time of `runc run` around it. Rounds alternate the order
# (none null cold warm / warm cold null none).
# Usage: tests/bench/hook_latency.sh [ROUNDS]   (as root)
. "$(dirname "$0")/lib.sh"
rounds=${1:-15}
W=$BENCH_OUT/hook_latency
rm -rf "$W"
mkdir -p "$W"
bench_cleanup_containers
trap 'rc=$?; set +e; bench_kill hl-holder; bench_cleanup_containers; exit $rc' EXIT
note_machine "hook_latency start"

bench_bundle "$W/none" none --seccomp -- true
bench_bundle "$W/null" timed-null --seccomp -- true
bench_bundle "$W/load" timed-st --seccomp --out "$W/load.json" --log "$W/load.log" -- true
bench_bundle "$W/cold" timed-st --seccomp --out "$W/cold.json" --log "$W/cold.log" -- true
bench_bundle "$W/warm" timed-st --seccomp --out "$W/warm.json" --log "$W/warm.log" -- true

S=$W/samples # ROUND VARIANT WALL_MS HOOK_MS
skipped=0
round=0
one() { # VARIANT: one timed `runc run`
	local v=$1 t0 t1 n h=-
	case $v in
	load | cold)
		if ! wait_detached 10; then
			# Someone else's trace of this very build holds the program.
			skipped=$((skipped + 1))
			return 0
		fi
		;;
	warm) attached || { echo "hook_latency: warm run, yet the program is not attached" >&2; exit 1; } ;;
	esac
	[ "$v" = load ] && "$ST_BIN" unload
	rm -f "$W/$v.json"
	n=$(nlines "$W/$v/hook.times")
	settle
	t0=$EPOCHREALTIME
	bench_run "$W/$v" "hl-$v" >/dev/null
	t1=$EPOCHREALTIME
	if [ "$v" != none ]; then
		[ "$(nlines "$W/$v/hook.times")" -gt "$n" ] || { echo "hook_latency: $v: hook not timed" >&2; exit 1; }
		h=$(hook_ms "$W/$v/hook.times")
	fi
	echo "$round $v $(calc "($t1 - $t0) * 1000") $h" >>"$S"
	case $v in
	load | cold | warm) ct_wait_file "$W/$v.json" || { echo "hook_latency: no $v profile" >&2; exit 1; } ;;
	esac
	# unload took every slot's ring with it: give slot 1 (the warm runs')
	# its ring back, untimed, as a host that traces often has it
	if [ "$v" = load ]; then
		hstart
		bench_run "$W/warm" hl-prime >/dev/null
		ct_wait_file "$W/warm.json" || true
		hstop
	fi
}
hstart() { wait_detached 10 || true; holder_start "$W/holder" hl-holder; attached; }
hstop() { holder_stop "$W/holder" hl-holder; wait_detached 10 || true; }

# One untimed warm-up of each kind (page cache, runc binary): round 0.
one none; one null; one load; one cold; hstart; one warm; hstop
for round in $(seq "$rounds"); do
	if [ $((round % 2)) -eq 1 ]; then
		one none; one null; one load; one cold; hstart; one warm; hstop
	else
		hstart; one warm; hstop; one cold; one load; one null; one none
	fi
	[ $((round % 5)) -eq 0 ] && note_machine "hook_latency round $round"
done
note_machine "hook_latency end"

# vals VARIANT COLUMN (3 wall, 4 hook), rounds >= 1
vals() { awk -v v="$1" -v c="$2" '$1 > 0 && $2 == v {print $c}' "$S"; }
# diffs A B COLUMN: A - B of the same round
diffs() {
	awk -v a="$1" -v b="$2" -v c="$3" '$1 > 0 && $2 == a {x[$1] = $c} $1 > 0 && $2 == b {y[$1] = $c}
		END {for (r in x) if (r in y) printf "%.3f\n", x[r] - y[r]}' "$S"
}
{
	bench_header
	echo
	echo "Hook latency and runc run wall time, busybox \`true\`, $rounds alternating rounds (ms)"
	[ "$skipped" -gt 0 ] && echo "($skipped cold samples skipped: another trace of this build held the program)"
	echo
	echo "| measurement (ms) | median | min | max | n |"
	echo "|---|---|---|---|---|"
	row "(a) hook process, trivial hook" $(vals null 4)
	row "(a) hook process, seccomp-trace load" $(vals load 4)
	row "(a) hook process, seccomp-trace cold" $(vals cold 4)
	row "(a) hook process, seccomp-trace warm" $(vals warm 4)
	row "(a) seccomp-trace load - trivial, same round" $(diffs load null 4)
	row "(a) seccomp-trace cold - trivial, same round" $(diffs cold null 4)
	row "(a) seccomp-trace warm - trivial, same round" $(diffs warm null 4)
	row "(b) runc run, no hook" $(vals none 3)
	row "(b) runc run, trivial hook" $(vals null 3)
	row "(b) runc run, seccomp-trace load" $(vals load 3)
	row "(b) runc run, seccomp-trace cold" $(vals cold 3)
	row "(b) runc run, seccomp-trace warm" $(vals warm 3)
	row "(b) seccomp-trace load - trivial, same round" $(diffs load null 3)
	row "(b) seccomp-trace cold - trivial, same round" $(diffs cold null 3)
	row "(b) seccomp-trace warm - trivial, same round" $(diffs warm null 3)
} | tee "$W/table.md"
# Medians for run-all.sh.
{
	echo "hook_null=$(med $(vals null 4))"
	echo "hook_load=$(med $(vals load 4))"
	echo "hook_cold=$(med $(vals cold 4))"
	echo "hook_warm=$(med $(vals warm 4))"
	echo "hook_load_added=$(med $(diffs load null 4))"
	echo "hook_cold_added=$(med $(diffs cold null 4))"
	echo "hook_warm_added=$(med $(diffs warm null 4))"
	echo "wall_none=$(med $(vals none 3))"
	echo "wall_null=$(med $(vals null 3))"
	echo "wall_load=$(med $(vals load 3))"
	echo "wall_cold=$(med $(vals cold 3))"
	echo "wall_warm=$(med $(vals warm 3))"
	echo "wall_load_added=$(med $(diffs load null 3))"
	echo "wall_cold_added=$(med $(diffs cold null 3))"
	echo "wall_warm_added=$(med $(diffs warm null 3))"
	echo "cold_skipped=$skipped"
} >"$W/summary.env"
