#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2046 # lists of numbers split on purpose
# Per-syscall cost of two builds of seccomp-trace (say main and a branch that
# changes the BPF program), measured in the same rounds, alternating which
# goes first, so that a shared, noisy machine hits both alike. ns per
# getppid() (stprobe, pinned to one CPU):
#   host    on the host while a container is traced
#   in      as PID 1 of a container traced by the build's hook
#   child   as a child of PID 1 in such a container (what most processes are)
#   other   in an untraced container while another is traced
#   nested  in a PID namespace nested in a traced `run` (the outer trace only;
#           `run` owns its namespace: no mount namespace check)
#   nestct  in a PID namespace nested in a container traced by the build's
#           hook, with a mount namespace of its own: who owns the task is
#           asked (resolve_shared) on every call
# "added" subtracts the same loop with no program attached, from the same
# round. Then, with kernel.bpf_stats_enabled, each build's program's own run
# time per call (AB_STATS_ROUNDS rounds, default 3): on a loaded machine the
# figure that moves least. Both builds must exist (cmake --build DIR --target
# seccomp-trace stprobe); the second build's stprobe runs everywhere.
# Usage: tests/bench/ab_cost.sh OLD_BUILD NEW_BUILD [ROUNDS] [CALLS]   (as root)
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "ab_cost: must run as root" >&2; exit 1; }
old=$(realpath "$1") new=$(realpath "$2")
rounds=${3:-9}
calls=${4:-5000000}
for b in "$old" "$new"; do
	if [ ! -x "$b/seccomp-trace" ] || [ ! -e "$b/bpf/seccomp_trace_bpf.bpf.o" ]; then
		echo "ab_cost: $b is not a build directory with seccomp-trace" >&2
		exit 2
	fi
done
ST_SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
export ST_SOURCE ST_PROBE=$new/tests/stprobe ST_BIN=$new/seccomp-trace
export ST_WORK=${ST_WORK:-/tmp/seccomp-trace-ab}
. "$ST_SOURCE/tests/containers.sh"
ct_rootfs
cpu=${BENCH_CPU:-1}
W=$ST_WORK/ab
rm -rf "$W"
mkdir -p "$W" "$CT_STATE/runc"
S=$W/samples # ROUND VARIANT NS
SECC='{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["acct"],"action":"SCMP_ACT_ERRNO"}]}'

bundle() { # DIR BUILD|none [ct_bundle OPTION...] -- CMD...
	local dir=$1 b=$2
	shift 2
	case " $* " in *" -- "*) ;; *) set -- -- "$@" ;; esac
	if [ "$b" = none ]; then
		ct_bundle "$dir" --seccomp "$SECC" "$@"
	else
		ST_BIN=$b/seccomp-trace ct_bundle "$dir" --annotation "of:$dir.json" --log "$dir.log" \
			--seccomp "$SECC" "$@"
	fi
}
for v in old new; do
	b=${!v}
	bundle "$W/$v-in" "$b" stprobe "getppid:$calls"
	bundle "$W/$v-child" "$b" sh -c "stprobe getppid:$calls; true"
	bundle "$W/$v-holder" "$b" sleep 100000
	bundle "$W/$v-nestct" "$b" --cap-add CAP_SYS_ADMIN -- unshare -pf --mount-proc stprobe "getppid:$calls"
done
bundle "$W/plain" none stprobe "getppid:$calls"

rt() { runc --root "$CT_STATE/runc" "$@"; }
cleanup() {
	local id
	set +e
	for id in $(rt list -q 2>/dev/null); do
		case $id in ab-*) rt delete -f "$id" >/dev/null 2>&1 ;; esac
	done
}
trap 'rc=$?; cleanup; exit $rc' EXIT
cleanup

host_loop() { taskset -c "$cpu" "$ST_PROBE" "getppid:$calls"; }
ct_loop() { taskset -c "$cpu" runc --root "$CT_STATE/runc" run -b "$1" "ab-$$-loop" </dev/null | tail -n1; }
nested_loop() { # BUILD
	taskset -c "$cpu" "$1/seccomp-trace" run -o "$W/nested-run.json" -- \
		unshare -pf --mount-proc "$ST_PROBE" "getppid:$calls" </dev/null 2>/dev/null | tail -n1
}
holder_start() { # VARIANT: a container traced by that build, sleeping
	rt run -d -b "$W/$1-holder" "ab-$$-holder" </dev/null >/dev/null 2>&1
	sleep 0.3
}
holder_stop() {
	rt kill "ab-$$-holder" KILL 2>/dev/null || true
	for _ in $(seq 100); do rt delete "ab-$$-holder" >/dev/null 2>&1 && break; sleep 0.05; done
	sleep 0.3 # its tracer ends, the program detaches
}
sample() { echo "$round $1 $2" >>"$S"; }
measure() { # VARIANT
	local v=$1 b=${!1}
	holder_start "$v"
	sample "$v-host" "$(host_loop)"
	sample "$v-other" "$(ct_loop "$W/plain")"
	holder_stop
	sample "$v-in" "$(ct_loop "$W/$v-in")"
	sample "$v-child" "$(ct_loop "$W/$v-child")"
	sample "$v-nested" "$(nested_loop "$b")"
	sample "$v-nestct" "$(ct_loop "$W/$v-nestct")"
}
for round in $(seq "$rounds"); do
	sample none-host "$(host_loop)"
	sample none-in "$(ct_loop "$W/plain")"
	if [ $((round % 2)) -eq 0 ]; then order="old new"; else order="new old"; fi
	for v in $order; do measure "$v"; done
	echo "ab_cost: round $round of $rounds" >&2
done

# The programs' own run time per call (kernel BPF stats), each build's
# program attached through a traced holder.
prog_of() { # BUILD: its program's id, from its pins
	local h
	h=$(python3 -c 'import sys
h = 0xcbf29ce484222325
for c in open(sys.argv[1], "rb").read():
    h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
print("%016x" % h)' "$1/bpf/seccomp_trace_bpf.bpf.o")
	bpftool -j prog show pinned "/sys/fs/bpf/seccomp-trace/$h/prog" | jq -r .id
}
pstat() { bpftool -j prog show id "$1" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'; }
was=$(sysctl -n kernel.bpf_stats_enabled)
trap 'rc=$?; sysctl -qw kernel.bpf_stats_enabled="$was"; cleanup; exit $rc' EXIT
sysctl -qw kernel.bpf_stats_enabled=1
B=$W/bpfstats # VARIANT WHERE NS_PER_RUN
for round in $(seq "${AB_STATS_ROUNDS:-3}"); do
	for v in old new; do
		b=${!v}
		holder_start "$v"
		id=$(prog_of "$b")
		for where in host other in child nested nestct; do
			s0=$(pstat "$id")
			case $where in
			host) host_loop >/dev/null ;;
			other) ct_loop "$W/plain" >/dev/null ;;
			nested) nested_loop "$b" >/dev/null ;;
			*) ct_loop "$W/$v-$where" >/dev/null ;;
			esac
			s1=$(pstat "$id")
			echo "$v $where $s0 $s1" | awk '{printf "%s %s %.2f\n", $1, $2, ($5 - $3) / ($6 - $4)}' >>"$B"
		done
		holder_stop
	done
done
sysctl -qw kernel.bpf_stats_enabled="$was"

med() { sort -g | awk '{v[NR]=$1} END {if (NR) printf "%.1f", NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
vals() { awk -v k="$1" '$2 == k {print $3}' "$S"; }
diffs() { # A B: per-round A - B
	awk -v a="$1" -v b="$2" '$2 == a {x[$1] = $3} $2 == b {y[$1] = $3}
		END {for (r in x) if (r in y) printf "%.2f\n", x[r] - y[r]}' "$S"
}
echo "# getppid ns/call, $rounds rounds x $calls calls, CPU $cpu; old $old, new $new"
echo
echo "| where | old | new | old added | new added | new - old (median, min..max) |"
echo "|---|---|---|---|---|---|"
for w in host in child other nested nestct; do
	base=none-in
	[ "$w" = host ] && base=none-host
	d=$(diffs "new-$w" "old-$w")
	printf '| %s | %s | %s | %s | %s | %s (%s..%s) |\n' "$w" "$(vals "old-$w" | med)" "$(vals "new-$w" | med)" \
		"$(diffs "old-$w" "$base" | med)" "$(diffs "new-$w" "$base" | med)" "$(echo "$d" | med)" \
		"$(echo "$d" | sort -g | head -n1)" "$(echo "$d" | sort -g | tail -n1)"
done
printf '\nno program: host %s, in a container %s\n' "$(vals none-host | med)" "$(vals none-in | med)"
echo
echo "Programs' own run time per call (ns, kernel.bpf_stats_enabled, ${AB_STATS_ROUNDS:-3} rounds):"
echo
echo "| loop runs | old | new |"
echo "|---|---|---|"
for w in host other in child nested nestct; do
	printf '| %s | %s | %s |\n' "$w" "$(awk -v w="$w" '$1 == "old" && $2 == w {print $3}' "$B" | med)" \
		"$(awk -v w="$w" '$1 == "new" && $2 == w {print $3}' "$B" | med)"
done
