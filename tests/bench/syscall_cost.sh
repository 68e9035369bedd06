#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2046,SC2154 # lists of numbers split on purpose; rc is set in the EXIT trap
# Figure 2: ns per getppid() in a tight loop (stprobe, pinned to one CPU),
# outside any container (on the host) and inside a busybox container run by
# runc, with
#   none    no program on raw_syscalls:sys_enter
#   empty   tests/bench/empty.bpf.c attached (the floor: what any program on
#           this tracepoint costs)
#   st      seccomp-trace: outside = on the host while a container (sleeping)
#           is traced; inside = in the traced container itself
#   other   (inside only) in an untraced container while another is traced
# Every round measures all of them; the order of none/empty/st rotates from
# round to round and in/out alternate, so drift hits all alike. "added" is
# the difference to `none` in the same round and place.
# Then, with kernel.bpf_stats_enabled=1, the programs' own run time per call
# (run_time_ns / run_cnt deltas) with both programs attached at once.
# Usage: tests/bench/syscall_cost.sh [ROUNDS] [CALLS]   (as root)
. "$(dirname "$0")/lib.sh"
rounds=${1:-11}
calls=${2:-10000000}
W=$BENCH_OUT/syscall_cost
rm -rf "$W"
mkdir -p "$W"
bench_cleanup_containers
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
trap 'rc=$?; set +e; sysctl -qw kernel.bpf_stats_enabled=$stats_was; empty_stop; bench_kill sc-holder; bench_cleanup_containers; exit $rc' EXIT
note_machine "syscall_cost start"

cpu=$BENCH_CPU
bench_bundle "$W/in-none" none --seccomp -- stprobe "getppid:$calls"
bench_bundle "$W/in-st" st --seccomp --out "$W/in-st.json" --log "$W/in-st.log" -- stprobe "getppid:$calls"
S=$W/samples # ROUND VARIANT(out-none, in-st, ...) NS FOREIGN_PROGS
round=0
out() { taskset -c "$cpu" "$ST_PROBE" "getppid:$calls"; }
in_run() { taskset -c "$cpu" runc --root "$CT_STATE/runc" run -b "$1" "$2" </dev/null; }
sample() { # VARIANT NS
	echo "$round $1 $2 $(foreign_progs "${EMPTY_ID:-}" $(attached && our_prog_id))" >>"$S"
}
measure() { # PHASE: out and in (and other) for one program set-up
	local p=$1 first second
	if [ $((round % 2)) -eq 0 ]; then first=out second=in; else first=in second=out; fi
	for loc in $first $second; do
		if [ "$loc" = out ]; then
			sample "out-$p" "$(out)"
		elif [ "$p" = st ]; then
			rm -f "$W/in-st.json"
			sample in-st "$(in_run "$W/in-st" sc-in)"
			ct_wait_file "$W/in-st.json" || { echo "syscall_cost: no profile" >&2; exit 1; }
			allowed "$W/in-st.json" | grep -qx getppid || { echo "syscall_cost: getppid not traced" >&2; exit 1; }
			sample in-other "$(in_run "$W/in-none" sc-in)"
		else
			sample "in-$p" "$(in_run "$W/in-none" sc-in)"
		fi
	done
}
phase() {
	case $1 in
	none)
		wait_detached 10 || true
		measure none
		;;
	empty)
		empty_start
		measure empty
		empty_stop
		;;
	st)
		holder_start "$W/holder" sc-holder
		measure st
		holder_stop "$W/holder" sc-holder
		;;
	esac
}
phases=(none empty st)
phase none # warm-up, round 0
for round in $(seq "$rounds"); do
	for i in 0 1 2; do
		phase "${phases[$(((round + i) % 3))]}"
	done
	[ $((round % 4)) -eq 0 ] && note_machine "syscall_cost round $round"
done

# ---- the programs' own cost from the kernel's BPF stats ----
B=$W/bpfstats # ROUND WHERE PROG NS_PER_RUN RUNS
prog_stats() { bpftool -j prog show id "$1" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'; }
bpfstats_round() {
	local where=$1 st_id=$2 e0 s0 e1 s1
	e0=$(prog_stats "$EMPTY_ID")
	s0=$(prog_stats "$st_id")
	case $where in
	out) out >/dev/null ;;
	in-st)
		rm -f "$W/in-st.json"
		in_run "$W/in-st" sc-in >/dev/null
		;;
	in-other) in_run "$W/in-none" sc-in >/dev/null ;;
	esac
	e1=$(prog_stats "$EMPTY_ID")
	s1=$(prog_stats "$st_id")
	echo "$r $where empty $e0 $e1" | awk '{printf "%s %s %s %.2f %d\n", $1, $2, $3, ($6 - $4) / ($7 - $5), $7 - $5}' >>"$B"
	echo "$r $where st $s0 $s1" | awk '{printf "%s %s %s %.2f %d\n", $1, $2, $3, ($6 - $4) / ($7 - $5), $7 - $5}' >>"$B"
}
sysctl -qw kernel.bpf_stats_enabled=1
empty_start
holder_start "$W/holder" sc-holder
st_id=$(our_prog_id)
for r in 1 2 3 4 5; do
	for where in out in-st in-other; do
		bpfstats_round "$where" "$st_id"
	done
done
# The program as loaded: instruction counts and the verifier's work.
"$BENCH_BUILD/bench/bpfparts" prog "$st_id" >"$W/st_prog"
"$BENCH_BUILD/bench/bpfparts" prog "$EMPTY_ID" >"$W/empty_prog"
holder_stop "$W/holder" sc-holder
empty_stop
sysctl -qw kernel.bpf_stats_enabled="$stats_was"
note_machine "syscall_cost end"

# ---- report ----
vals() { awk -v v="$1" '$1 > 0 && $2 == v {print $3}' "$S"; }
added() { # VARIANT BASE: VARIANT - BASE in the same round
	awk -v a="$1" -v b="$2" '$1 > 0 && $2 == a {x[$1] = $3} $1 > 0 && $2 == b {y[$1] = $3}
		END {for (r in x) if (r in y) printf "%.2f\n", x[r] - y[r]}' "$S"
}
bstat() { awk -v w="$1" -v p="$2" '$2 == w && $3 == p {print $4}' "$B"; }
contaminated=$(awk '$1 > 0 && $4 > 0' "$S" | wc -l)
m() { med "$@"; }
out_empty=$(m $(added out-empty out-none)) out_st=$(m $(added out-st out-none))
in_empty=$(m $(added in-empty in-none)) in_st=$(m $(added in-st in-none)) in_other=$(m $(added in-other in-none))
{
	bench_header
	echo
	echo "getppid ns/call, $rounds rounds x $calls calls, pinned to CPU $cpu"
	[ "$contaminated" -gt 0 ] && echo "($contaminated samples ran while another user's program was on sys_enter: see machine.log)"
	echo
	echo "| case | median | min | max | n |"
	echo "|---|---|---|---|---|"
	row "outside (host), no program" $(vals out-none)
	row "outside, empty program" $(vals out-empty)
	row "outside, seccomp-trace (a container traced)" $(vals out-st)
	row "inside a container, no program" $(vals in-none)
	row "inside, empty program" $(vals in-empty)
	row "inside the traced container, seccomp-trace" $(vals in-st)
	row "inside an untraced container, another traced" $(vals in-other)
	row "added: outside, empty" $(added out-empty out-none)
	row "added: outside, seccomp-trace" $(added out-st out-none)
	row "added: inside, empty" $(added in-empty in-none)
	row "added: inside traced, seccomp-trace" $(added in-st in-none)
	row "added: inside untraced, seccomp-trace" $(added in-other in-none)
	echo
	echo "Ratio of added medians, seccomp-trace / empty (target <= 1.2):" \
		"outside $(calc "$out_st / $out_empty"), inside traced $(calc "$in_st / $in_empty")," \
		"inside untraced $(calc "$in_other / $in_empty")"
	echo
	echo "Programs' own run time per call (kernel.bpf_stats_enabled, both attached; 5 rounds):"
	echo
	echo "| loop runs | empty ns/run | seccomp-trace ns/run |"
	echo "|---|---|---|"
	for w in out in-st in-other; do
		echo "| $w | $(stats $(bstat $w empty)) | $(stats $(bstat $w st)) |"
	done
	echo
	awk '{print "seccomp-trace program: " $2 " BPF instructions after the verifier, " $4 " B of x86 code, " $6 " instructions verified  "}' "$W/st_prog"
	awk '{print "empty program: " $2 " BPF instructions, " $4 " B of x86 code, " $6 " instructions verified"}' "$W/empty_prog"
} | tee "$W/table.md"
{
	echo "out_none=$(m $(vals out-none))"
	echo "in_none=$(m $(vals in-none))"
	echo "out_empty_added=$out_empty"
	echo "out_st_added=$out_st"
	echo "in_empty_added=$in_empty"
	echo "in_st_added=$in_st"
	echo "in_other_added=$in_other"
	echo "ratio_out=$(calc "$out_st / $out_empty")"
	echo "ratio_in=$(calc "$in_st / $in_empty")"
	echo "ratio_in_other=$(calc "$in_other / $in_empty")"
	for w in out in-st in-other; do
		echo "bpf_${w//-/_}_empty=$(m $(bstat $w empty))"
		echo "bpf_${w//-/_}_st=$(m $(bstat $w st))"
	done
	echo "contaminated=$contaminated"
} >"$W/summary.env"
