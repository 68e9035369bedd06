#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2046,SC2154 # lists of numbers split on purpose; rc is set in the EXIT trap
# Figure 4 (and the N part of figure 2): N = 1, 8, 32 containers traced at
# once by runc. Container i (0..31) runs
#   stprobe <the syscalls of bit set i> write sleep:600000
# over five syscalls no busybox/runc start-up makes after the seccomp load
# (membarrier getitimer kcmp sched_getattr mkdir): 32 distinct combinations.
# At each level:
#   - the containers added are started at once (a burst): their hook times
#   - 5 more containers (`true`) are started one after the other: the hook
#     latency and runc run time of one container while N are traced (warm)
#   - 3 x getppid loops on the host (pinned): ns/call while N are traced
#   - the tracers' VmHWM / VmRSS
# Rounds alternate up (1, 8, 32, then all stopped) and down (32 started,
# then stopped down to 8, 1, 0); a no-program host loop opens and closes
# each round. When containers stop, every profile must exist (a tracer that
# lost events refuses to write) and hold exactly its own combination of the
# five syscalls.
# Usage: tests/bench/scale.sh [ROUNDS] [CALLS]   (as root)
. "$(dirname "$0")/lib.sh"
rounds=${1:-4}
calls=${2:-10000000}
probes=5
W=$BENCH_OUT/scale
rm -rf "$W"
mkdir -p "$W"
bench_cleanup_containers
trap 'rc=$?; set +e; bench_cleanup_containers; exit $rc' EXIT
note_machine "scale start"

calls5=(membarrier getitimer kcmp sched_getattr mkdir)
args_of() { # I: stprobe's arguments for container I
	local i=$1 b a=()
	for b in 0 1 2 3 4; do
		if [ $(((i >> b) & 1)) -eq 1 ]; then
			case ${calls5[$b]} in
			mkdir) a+=(mkdir:/tmp/d) ;;
			*) a+=("${calls5[$b]}") ;;
			esac
		fi
	done
	echo "${a[@]}" write sleep:600000
}
for i in $(seq 0 31); do
	# shellcheck disable=SC2046
	bench_bundle "$W/c$i" timed-st --seccomp --out "$W/c$i.json" --log "$W/c$i.log" -- stprobe $(args_of "$i")
done
bench_bundle "$W/probe" timed-st --seccomp --out "$W/probe.json" --log "$W/probe.log" -- true

H=$W/hooks   # ROUND LEVEL KIND(burst|probe) HOOK_MS [WALL_MS]
Y=$W/host    # ROUND LEVEL NS
M=$W/mem     # ROUND LEVEL MAX_VmHWM MAX_VmRSS (KiB, over the N tracers)
C=$W/checks  # ROUND CONTAINER ok|reason
declare -A pids=()
running=()

start_burst() { # I...: start containers I... at once, wait for their hooks
	local i n
	declare -A before=()
	for i in "$@"; do
		before[$i]=$(nlines "$W/c$i/hook.times")
		rm -f "$W/c$i.json"
		bench_start "$W/c$i" "sc-$i"
		pids[$i]=$!
	done
	for i in "$@"; do
		for n in $(seq 1500); do
			[ "$(nlines "$W/c$i/hook.times")" -gt "${before[$i]}" ] && break
			kill -0 "${pids[$i]}" 2>/dev/null || { echo "scale: container $i failed: $(cat "$W/c$i/stderr")" >&2; exit 1; }
			sleep 0.02
		done
		echo "$round $level burst $(hook_ms "$W/c$i/hook.times")" >>"$H"
		running+=("$i")
	done
	# Wait until each has made its calls (stprobe's `write` comes last).
	for i in "$@"; do
		for n in $(seq 1500); do
			grep -q stprobe "$W/c$i/stdout" 2>/dev/null && break
			sleep 0.02
		done
	done
}
stop_some() { # I...: stop containers I..., check their profiles
	local i j keep=()
	for i in "$@"; do bench_kill "sc-$i"; done
	for i in "$@"; do wait "${pids[$i]}" 2>/dev/null || true; done
	for i in "$@"; do check "$i"; done
	for j in "${running[@]}"; do
		case " $* " in *" $j "*) ;; *) keep+=("$j") ;; esac
	done
	running=("${keep[@]}")
}
check() { # I: the profile of container I has its own combination, none other
	local i=$1 b have want bad=""
	if ! ct_wait_file "$W/c$i.json" 30; then
		echo "$round $i no-profile:$(grep -m1 -E 'error|lost' "$W/c$i.log" | tr ' ' _)" >>"$C"
		return
	fi
	have=" $(allowed "$W/c$i.json" | tr '\n' ' ') "
	for b in 0 1 2 3 4; do
		want=$(((i >> b) & 1))
		case $have in *" ${calls5[$b]} "*) [ "$want" = 1 ] || bad+="+${calls5[$b]}" ;;
		*) [ "$want" = 0 ] || bad+="-${calls5[$b]}" ;; esac
	done
	grep -q 'lost' "$W/c$i.log" && bad+="lost-events"
	echo "$round $i ${bad:-ok}" >>"$C"
}
host_loops() { # LEVEL
	for _ in 1 2 3; do
		echo "$round $1 $(taskset -c "$BENCH_CPU" "$ST_PROBE" "getppid:$calls")" >>"$Y"
	done
}
measure() { # the current level
	local t0 t1 i p h r hwm=0 rss=0
	[ "${#running[@]}" -eq "$level" ] || { echo "scale: $level expected, ${#running[@]} running" >&2; exit 1; }
	for _ in $(seq "$probes"); do
		rm -f "$W/probe.json"
		settle
		t0=$EPOCHREALTIME
		bench_run "$W/probe" sc-probe >/dev/null
		t1=$EPOCHREALTIME
		echo "$round $level probe $(hook_ms "$W/probe/hook.times") $(calc "($t1 - $t0) * 1000")" >>"$H"
		ct_wait_file "$W/probe.json" || { echo "scale: no probe profile" >&2; exit 1; }
	done
	settle
	host_loops "$level"
	for i in "${running[@]}"; do
		p=$(tracer_pid "$W/c$i.log") || { echo "scale: no tracer for container $i" >&2; exit 1; }
		read -r h r < <(awk '/^VmHWM:/ {h = $2} /^VmRSS:/ {r = $2} END {print h, r}' "/proc/$p/status")
		[ "$h" -gt "$hwm" ] && hwm=$h
		[ "$r" -gt "$rss" ] && rss=$r
	done
	echo "$round $level $hwm $rss" >>"$M"
}

for round in $(seq "$rounds"); do
	running=()
	level=0
	wait_detached 10 || true
	host_loops 0
	if [ $((round % 2)) -eq 1 ]; then
		level=1; start_burst 0; measure
		level=8; start_burst $(seq 1 7); measure
		level=32; start_burst $(seq 8 31); measure
		stop_some $(seq 0 31)
	else
		level=32; start_burst $(seq 0 31); measure
		stop_some $(seq 8 31)
		level=8; measure
		stop_some $(seq 1 7)
		level=1; measure
		stop_some 0
	fi
	level=0
	wait_detached 10 || true
	host_loops 0
	note_machine "scale round $round"
done

# ---- report ----
hk() { awk -v l="$1" -v k="$2" -v c="${3:-4}" '$2 == l && $3 == k {print $c}' "$H"; }
hv() { awk -v l="$1" '$2 == l {print $3}' "$Y"; }
# host ns minus the mean of the no-program loops of the same round
hadd() {
	awk -v l="$1" 'NR == FNR {if ($2 == 0) {s[$1] += $3; n[$1]++}; next}
		$2 == l && n[$1] {printf "%.2f\n", $3 - s[$1] / n[$1]}' "$Y" "$Y"
}
mm() { awk -v l="$1" -v c="$2" '$2 == l {printf "%.2f\n", $c / 1024}' "$M"; }
nbad=$(awk '$3 != "ok"' "$C" | wc -l)
nchecked=$(wc -l <"$C")
h1=$(med $(hk 1 probe)) h32=$(med $(hk 32 probe))
o1=$(med $(hadd 1)) o32=$(med $(hadd 32))
{
	bench_header
	echo
	echo "N containers traced at once (runc), $rounds rounds alternating up/down; $probes probe containers and 3 host loops of $calls getppid per level"
	echo
	echo "Profiles checked: $nchecked, wrong or missing: $nbad$([ "$nbad" -gt 0 ] && echo " ($(awk '$3 != "ok" {print "round " $1 " c" $2 ": " $3}' "$C" | head -5 | tr '\n' ';'))")"
	echo
	echo "| N traced | measure | median | min | max | n |"
	echo "|---|---|---|---|---|---|"
	for l in 1 8 32; do row "$l | hook of one more container, warm (ms)" $(hk $l probe); done
	for l in 1 8 32; do row "$l | runc run of one more container (ms)" $(hk $l probe 5); done
	for l in 1 8 32; do row "$l | hooks of a burst started at once (ms)" $(hk $l burst); done
	row "0 | host getppid ns/call, no program" $(hv 0)
	for l in 1 8 32; do row "$l | host getppid ns/call" $(hv $l); done
	for l in 1 8 32; do row "$l | host getppid added ns/call" $(hadd $l); done
	for l in 1 8 32; do row "$l | max tracer VmHWM (MiB)" $(mm $l 3); done
	for l in 1 8 32; do row "$l | max tracer VmRSS (MiB)" $(mm $l 4); done
	echo
	echo "Hook latency N=32 / N=1 (target <= 2): $(calc "$h32 / $h1");" \
		"host added ns N=32 / N=1 (target <= 1.5): $(calc "$o32 / $o1")"
} | tee "$W/table.md"
{
	echo "profiles_checked=$nchecked"
	echo "profiles_bad=$nbad"
	for l in 1 8 32; do
		echo "hook_probe_$l=$(med $(hk $l probe))"
		echo "wall_probe_$l=$(med $(hk $l probe 5))"
		echo "hook_burst_$l=$(med $(hk $l burst))"
		echo "host_ns_$l=$(med $(hv $l))"
		echo "host_added_$l=$(med $(hadd $l))"
		echo "mem_hwm_max_$l=$(awk -v l=$l '$2 == l && $3 > m {m = $3} END {printf "%.2f", m / 1024}' "$M")"
		echo "mem_rss_max_$l=$(awk -v l=$l '$2 == l && $4 > m {m = $4} END {printf "%.2f", m / 1024}' "$M")"
	done
	echo "host_ns_0=$(med $(hv 0))"
	echo "ratio_hook=$(calc "$h32 / $h1")"
	echo "ratio_host=$(calc "$o32 / $o1")"
} >"$W/summary.env"
