#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2046,SC2154 # lists of numbers split on purpose; rc is set in the EXIT trap
# Investigation for figure 2: what seccomp-trace's per-syscall work would
# cost done other ways. tests/bench/proto.bpf.c holds prototypes of the
# program's hot path (today's lookup, plain BTF loads, a direct-mapped
# array, and a lower bound), each registering one container's PID namespace.
#
# A. Timing, the figure-2 metric: ns per getppid (stprobe, pinned) with only
#    one program attached at a time (none, empty, proto_*), rotating the
#    order every round, in three places:
#      target  inside the container the prototypes look for
#      other   inside another container
#      host    on the host
#    "added / empty" is the variant's added ns over the empty program's.
# B. The programs' own run time per call (kernel BPF stats) with
#    seccomp-trace's real program (tracing the target container through
#    its hook), the empty one and all prototypes attached at once.
# Usage: tests/bench/proto_cost.sh [ROUNDS] [CALLS]   (as root)
. "$(dirname "$0")/lib.sh"
rounds=${1:-5}
calls=${2:-10000000}
W=$BENCH_OUT/proto_cost
rm -rf "$W"
mkdir -p "$W"
bench_cleanup_containers
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
proto=
trap 'rc=$?; set +e; sysctl -qw kernel.bpf_stats_enabled=$stats_was; [ -z "$proto" ] || kill $proto 2>/dev/null || true; empty_stop; bench_kill pc-target; bench_kill pc-holder; bench_cleanup_containers; exit $rc' EXIT
note_machine "proto_cost start"
cpu=$BENCH_CPU
nr=$(printf '#include <sys/syscall.h>\nSYS_getppid\n' | gcc -E -P - | tail -n1)

# A container that runs a getppid loop each time /tmp/go appears.
loop="while :; do while [ ! -e /tmp/go ]; do usleep 20000; done; rm /tmp/go;
stprobe getppid:$calls >/tmp/out; touch /tmp/done; done"
bench_bundle "$W/target" none --seccomp -- sh -c "$loop"
bench_bundle "$W/holder" timed-st --seccomp --out "$W/holder.json" --log "$W/holder.log" -- sh -c "$loop"
bench_bundle "$W/other" none --seccomp -- stprobe "getppid:$calls"

label() {
	case $1 in
	st) echo "seccomp-trace (bpf/)" ;;
	proto_cur) echo "proto_cur (today's lookup)" ;;
	proto_direct) echo "proto_direct (plain loads)" ;;
	proto_array) echo "proto_array (plain loads + array)" ;;
	proto_floor) echo "proto_floor (lower bound)" ;;
	*) echo "$1" ;;
	esac
}
# run_loop PID: one loop inside the container whose init is PID; prints ns
run_loop() {
	local root=/proc/$1/root
	rm -f "$root/tmp/done"
	touch "$root/tmp/go"
	for _ in $(seq 3000); do [ -e "$root/tmp/done" ] && break; sleep 0.01; done
	[ -e "$root/tmp/done" ] || { echo "proto_cost: the loop in $1 did not run" >&2; exit 1; }
	cat "$root/tmp/out"
}
other_loop() { taskset -c "$cpu" runc --root "$CT_STATE/runc" run -b "$W/other" pc-other </dev/null; }
host_loop() { taskset -c "$cpu" "$ST_PROBE" "getppid:$calls"; }
proto_start() { # INUM [PROG...]: ids in $proto_ids
	rm -f "$W/proto.out"
	"$BENCH_BUILD/bench/proto_load" "$BENCH_BUILD/bench/proto.bpf.o" "$@" >"$W/proto.out" &
	proto=$!
	for _ in $(seq 500); do grep -qs ^ready "$W/proto.out" && break; sleep 0.01; done
	proto_ids=$(sed -n 's/^ready //p' "$W/proto.out" 2>/dev/null)
	[ -n "$proto_ids" ] || { echo "proto_cost: the prototypes did not attach" >&2; exit 1; }
}
proto_stop() { # LABEL: appends "LABEL seen NR: cur=0|1 ..." to $W/seen
	kill "$proto"
	wait "$proto" || true
	proto=
	echo "$1 $(grep ^seen "$W/proto.out" || echo "seen ?")" >>"$W/seen"
}

# ---- A. timing, one program at a time ----
# The target runs under taskset: its loops inherit the CPU.
taskset -c "$cpu" runc --root "$CT_STATE/runc" run -b "$W/target" pc-target </dev/null >/dev/null 2>&1 &
tpid_runc=$!
for _ in $(seq 500); do
	tpid=$(runc --root "$CT_STATE/runc" state pc-target 2>/dev/null | jq -r .pid) && [ "${tpid:-0}" != 0 ] && break
	sleep 0.01
done
inum=$(stat -L -c %i "/proc/$tpid/ns/pid")
A=$W/timing # ROUND VARIANT PLACE NS
variants=(none empty proto_cur proto_direct proto_array proto_floor)
: >"$W/seen"
for round in $(seq 0 "$rounds"); do # round 0: warm-up
	n=${#variants[@]}
	for i in $(seq 0 $((n - 1))); do
		v=${variants[$(((round + i) % n))]}
		case $v in
		none) ;;
		empty) empty_start ;;
		*) proto_start "$inum" "$nr" "$v" ;;
		esac
		echo "$round $v target $(run_loop "$tpid")" >>"$A"
		echo "$round $v other $(other_loop)" >>"$A"
		echo "$round $v host $(host_loop)" >>"$A"
		case $v in
		none) ;;
		empty) empty_stop ;;
		*) proto_stop "$v" ;;
		esac
	done
	note_machine "proto_cost timing round $round"
done
bench_kill pc-target
wait "$tpid_runc" 2>/dev/null || true

# ---- B. BPF stats, everything attached at once ----
sysctl -qw kernel.bpf_stats_enabled=1
empty_start
holder_start "$W/holder" pc-holder
hpid=$(runc --root "$CT_STATE/runc" state pc-holder | jq -r .pid)
proto_start "$(stat -L -c %i "/proc/$hpid/ns/pid")" "$nr"
read -r id_cur id_direct id_array id_floor <<<"$proto_ids"
declare -A ids=([st]=$(our_prog_id) [empty]=$EMPTY_ID [proto_cur]=$id_cur [proto_direct]=$id_direct
	[proto_array]=$id_array [proto_floor]=$id_floor)
names=(empty st proto_cur proto_direct proto_array proto_floor)
snap() { # all programs' "NAME run_time_ns run_cnt"
	local n
	for n in "${names[@]}"; do
		echo "$n $(bpftool -j prog show id "${ids[$n]}" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"')"
	done
}
S=$W/stats # ROUND PLACE PROG NS_PER_RUN RUNS
for round in $(seq 3); do
	for place in target other host; do
		snap | sort >"$W/s0"
		case $place in
		target) run_loop "$hpid" >/dev/null ;;
		other) other_loop >/dev/null ;;
		host) host_loop >/dev/null ;;
		esac
		snap | sort >"$W/s1"
		join "$W/s0" "$W/s1" | awk -v r="$round" -v w="$place" \
			'{printf "%s %s %s %.2f %d\n", r, w, $1, ($4 - $2) / ($5 - $3), $5 - $3}' >>"$S"
	done
done
for n in st proto_cur proto_direct proto_array proto_floor; do
	echo "$(label "$n"): $("$BENCH_BUILD/bench/bpfparts" prog "${ids[$n]}" |
		awk '{print $2 " BPF instructions, " $4 " B of x86 code, " $6 " instructions verified"}')"
done >"$W/sizes"
proto_stop all
holder_stop "$W/holder" pc-holder
empty_stop
sysctl -qw kernel.bpf_stats_enabled="$stats_was"
note_machine "proto_cost end"

# ---- report ----
tv() { awk -v v="$1" -v p="$2" '$1 > 0 && $2 == v && $3 == p {print $4}' "$A"; }
tadd() { # VARIANT PLACE: minus `none` of the same round and place
	awk -v v="$1" -v p="$2" '$1 > 0 && $3 == p && $2 == v {x[$1] = $4} $1 > 0 && $3 == p && $2 == "none" {b[$1] = $4}
		END {for (r in x) printf "%.2f\n", x[r] - b[r]}' "$A"
}
sv() { awk -v w="$1" -v p="$2" '$2 == w && $3 == p {print $4}' "$S"; }
sminus() {
	awk -v w="$1" -v p="$2" '$2 == w && $3 == p {x[$1] = $4} $2 == w && $3 == "empty" {e[$1] = $4}
		END {for (r in x) printf "%.2f\n", x[r] - e[r]}' "$S"
}
{
	bench_header
	echo
	echo "A. ns per getppid with one program attached, $rounds rounds x $calls calls (medians; added = minus no program, same round)"
	echo
	echo "| program | target container | added | / empty | other container | added | / empty | host | added | / empty |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for v in "${variants[@]}"; do
		line="| $(label "$v")"
		for p in target other host; do
			a=$(med $(tadd "$v" "$p"))
			e=$(med $(tadd empty "$p"))
			line+=" | $(med $(tv "$v" "$p")) | $a | $(calc "$a / $e")"
		done
		echo "$line |"
	done
	echo
	echo "Each prototype found its target (getppid in its bitmap after the rounds; 1 = yes):" \
		"$(awk '$1 != "all" {k = substr($1, 7); for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) print $1 ": " substr($i, length(k) + 2)}' "$W/seen" |
			sort | uniq -c | awk '{printf "%s %s (%d rounds); ", $2, $3, $1}')"
	echo
	echo "B. Programs' own run time per call (kernel.bpf_stats_enabled, all attached at once, target traced by seccomp-trace too), 3 rounds"
	echo
	echo "| program | ns/run, target | other | host | above empty, target | other | host |"
	echo "|---|---|---|---|---|---|---|"
	for n in "${names[@]}"; do
		echo "| $(label "$n") | $(med $(sv target "$n")) | $(med $(sv other "$n")) | $(med $(sv host "$n")) |" \
			"$(med $(sminus target "$n")) | $(med $(sminus other "$n")) | $(med $(sminus host "$n")) |"
	done
	echo
	sed 's/$/  /' "$W/sizes"
} | tee "$W/table.md"
