#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2046,SC2154 # lists of numbers split on purpose; rc is set in the EXIT trap
# Runs every benchmark of the performance issue and writes
# tests/bench/RESULTS.md: hook latency (hook_latency.sh), per-syscall cost
# (syscall_cost.sh), tracer memory (tracer_mem.sh), N containers at once
# (scale.sh), the runtime shim under Docker (shim_latency.sh), and the
# investigations behind the misses (hook_breakdown.sh, proto_cost.sh).
# Installs and builds what it needs (scripts/setup, CMake into
# build-bench/). About 12 minutes on the 2-core development VM.
# Usage: tests/bench/run-all.sh [--quick|--report]   (as root)
#   --quick   few rounds, to check the scripts; writes out/RESULTS.quick.md
#   --report  no measuring: RESULTS.md again from the data in out/
. "$(dirname "$0")/lib.sh"
quick='' report=''
case ${1:-} in
--quick) quick=1 ;;
--report) report=1 ;;
esac
if [ -n "$quick" ]; then
	r1=2 r2=2 c2=2000000 r3=1 r4=1 c4=2000000 r5=1 r6=1 c6=2000000 r7=2 c7=200
else
	r1=21 r2=11 c2=10000000 r3=5 r4=4 c4=10000000 r5=5 r6=5 c6=10000000 r7=25 c7=2000
fi
if [ -z "$report" ]; then
	rm -f "$BENCH_OUT/machine.log"
	# Other users' builds and fuzzers would be in every figure: give them up to
	# BENCH_WAIT_QUIET seconds (default 600) to finish first.
	if ! wait_quiet "${BENCH_WAIT_QUIET:-600}"; then
		echo "run-all: the machine is still busy ($(foreign_busy)); measuring anyway" >&2
	fi
	export BENCH_QUIET_WAITED=1
	t0=$(date +%s)
	started=$(date -u '+%F %H:%M UTC')
	note_machine "run-all start"
	bash tests/bench/hook_latency.sh "$r1"
	bash tests/bench/syscall_cost.sh "$r2" "$c2"
	bash tests/bench/tracer_mem.sh "$r3"
	bash tests/bench/scale.sh "$r4" "$c4"
	bash tests/bench/hook_breakdown.sh "$r5"
	bash tests/bench/proto_cost.sh "$r6" "$c6"
	bash tests/bench/shim_latency.sh "$r7" "$c7"
	note_machine "run-all end"
	took=$((($(date +%s) - t0 + 30) / 60))
	echo "started='$started' took=$took r1=$r1 r2=$r2 c2=$c2 r3=$r3 r4=$r4 c4=$c4 r5=$r5 r6=$r6 c6=$c6 r7=$r7 c7=$c7" >"$BENCH_OUT/run.env"
fi
# shellcheck disable=SC1091
. "$BENCH_OUT/run.env"

# ---- RESULTS.md ----
for f in hook_latency syscall_cost tracer_mem scale; do
	# shellcheck disable=SC1090
	. "$BENCH_OUT/$f/summary.env"
done
# verdict VALUE LIMIT: "met" or "missed (x.xx times the target)"
verdict() {
	awk -v v="$1" -v l="$2" 'BEGIN {
		if (v == "" || v == "nan") print "n/a"
		else if (v <= l) print "met"
		else printf "**missed** (%.2fx the limit)\n", v / l}'
}
table() { sed -n '/^|/p' "$BENCH_OUT/$1/table.md"; }
# body NAME: the script's table.md without its header lines
body() { sed -e '/^# /d' "$BENCH_OUT/$1/table.md" | sed -e '/./,$!d'; }
max_load=$(grep -o 'load=[0-9.]*' "$BENCH_OUT/machine.log" | cut -d= -f2 | sort -g | tail -n1)
foreign=$(grep -cE 'foreign_procs=[1-9]|foreign_sys_enter_progs=[1-9]|foreign_running=[^0]' "$BENCH_OUT/machine.log" || true)
nsamples=$(wc -l <"$BENCH_OUT/machine.log")
busy=$(grep -o 'foreign_running=[^ ]*' "$BENCH_OUT/machine.log" | sed 's/foreign_running=//; /^0$/d' | tr ',' '\n' |
	sed 's/:.*//' | sort | uniq -c | sort -rn | awk '{printf "%s%s (%d)", (NR > 1 ? ", " : ""), $2, $1}')
res=tests/bench/RESULTS.md
[ -n "$quick" ] && res=$BENCH_OUT/RESULTS.quick.md
{
	cat <<EOF
# seccomp-trace performance figures

Written by \`tests/bench/run-all.sh\` (do not edit by hand; the analysis at
the end comes from \`tests/bench/analysis.md\`).

- Run: $started, $took min
- Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) vCPUs ($(lscpu | sed -n 's/^Hypervisor vendor: *//p') guest), $(free -g | awk '/^Mem:/ {print $2}') GiB;
  kernel $(uname -r); $(runc --version | head -n1); bpftool $(bpftool version | sed -n 's/^bpftool //p')
- Source: $(bench_header | sed -n '2s/^# source //p')
- Load average seen during the run: up to $max_load. Of $nsamples samples
  of the machine (tests/bench/out/machine.log), $foreign showed other users'
  runtimes, tracers, sys_enter programs or running processes${busy:+ (running: $busy)}$([ "$foreign" -gt 0 ] && echo ': other developers used the machine during the run, and the figures carry their noise')
- Syscall loops: \`stprobe getppid:N\` pinned with \`taskset -c $BENCH_CPU\`; containers:
  busybox rootfs, runc, a permissive seccomp filter (blocks only \`acct\`) in
  every bundle so that the hook's default \`--scope after-seccomp\` takes its
  usual path.

## Targets

| target | measured (medians) | verdict |
|---|---|---|
| 1. runc run added over a trivial hook, first container after \`unload\` (load + verify), <= 20 ms | $wall_load_added ms (hook process alone: $hook_load_added ms) | $(verdict "$wall_load_added" 20) |
| 1. runc run added over a trivial hook, cold (no trace running, program detached), <= 20 ms | $wall_cold_added ms (hook process alone: $hook_cold_added ms) | $(verdict "$wall_cold_added" 20) |
| 1. runc run added over a trivial hook, warm, <= 20 ms | $wall_warm_added ms (hook process alone: $hook_warm_added ms) | $(verdict "$wall_warm_added" 20) |
| 2. added ns/syscall outside, seccomp-trace / empty program <= 1.2 | $out_st_added / $out_empty_added ns = $ratio_out | $(verdict "$ratio_out" 1.2) |
| 2. added ns/syscall inside the traced container, seccomp-trace / empty <= 1.2 | $in_st_added / $in_empty_added ns = $ratio_in | $(verdict "$ratio_in" 1.2) |
| 2. (same, inside an untraced container while another is traced) | $in_other_added / $in_empty_added ns = $ratio_in_other | $(verdict "$ratio_in_other" 1.2) |
| 2. outside added ns, N=32 / N=1 traced <= 1.5 | $host_added_32 / $host_added_1 ns = $ratio_host | $(verdict "$ratio_host" 1.5) |
| 3. tracer peak RSS (VmHWM) <= 8 MiB, cold tracer | $cold_hwm MiB (VmRSS $cold_rss MiB) | $(verdict "$cold_hwm" 8) |
| 3. tracer peak RSS (VmHWM) <= 8 MiB, warm tracer | $warm_hwm MiB (VmRSS $warm_rss MiB) | $(verdict "$warm_hwm" 8) |
| 4. N=32: every profile right, no lost events | $profiles_checked profiles, $profiles_bad wrong or missing | $([ "$profiles_bad" = 0 ] && echo met || echo '**missed**') |
| 4. hook latency with 32 traced / with 1 traced <= 2 | $hook_probe_32 / $hook_probe_1 ms = $ratio_hook | $(verdict "$ratio_hook" 2) |
$(cat "$BENCH_OUT/shim_latency/target.md")

## 1. Hook latency

(a) is the hook process timed from the outside (\`benchtool hooktime\`
wraps every hook, the trivial one too: from spawning the hook to its exit,
i.e. tracing armed); (b) is the wall time of \`runc run\` of a busybox
\`true\` container. Load: first container after \`seccomp-trace unload\`, the
hook loads, verifies and pins the program; cold: no other trace, the program
is loaded but detached and the hook attaches it; warm: another container is
traced, the program is attached. "Same
round" rows are per-round differences (the variants alternate in each round).

$(body hook_latency)

## 2. Per-syscall overhead

$(body syscall_cost)

Outside (host) with N containers traced at once (from scale.sh; "added" is
against the no-program loops of the same round):

| N traced | measure | median | min | max | n |
|---|---|---|---|---|---|
$(table scale | grep 'host getppid')

## 3. Tracer memory

$(body tracer_mem)

Largest VmHWM / VmRSS over all tracers with N traced at once (scale.sh; the
first tracer of a round is a cold one):

| N traced | measure | median | min | max | n |
|---|---|---|---|---|---|
$(table scale | grep 'max tracer')

## 4. Scale

$(body scale | grep -v 'host getppid\|max tracer')

$(cat "$BENCH_OUT/shim_latency/section.md")

## Reproduce

As root on a Debian 12 host (installs packages through \`scripts/setup\`,
builds into \`build-bench/\`, raw data in \`tests/bench/out/\`):

    tests/bench/run-all.sh            # everything, writes this file (~$took min)
    tests/bench/run-all.sh --report   # this file again from tests/bench/out/
    tests/bench/hook_latency.sh [ROUNDS]
    tests/bench/syscall_cost.sh [ROUNDS] [CALLS]
    tests/bench/tracer_mem.sh [ROUNDS]
    tests/bench/scale.sh [ROUNDS] [CALLS]
    tests/bench/hook_breakdown.sh     # where the hook's time goes (perf trace, BPF syscalls)
    tests/bench/proto_cost.sh         # per-call cost of alternative lookups (timing, BPF stats)
    tests/bench/shim_latency.sh [--update-results] [ROUNDS] [CALLS]   # seccomp-trace-runtime under Docker

Rounds used here: hook_latency $r1, syscall_cost $r2 x $c2 calls,
tracer_mem $r3, scale $r4 x $c4 calls, hook_breakdown $r5, proto_cost
$r6 x $c6 calls, shim_latency $r7 x $c7 calls.

## Investigation: where the hook's time goes (hook_breakdown.sh)

$(body hook_breakdown)

## Investigation: cheaper ways to find the target (proto_cost.sh)

$(body proto_cost)
EOF
	if [ -e tests/bench/analysis.md ]; then
		echo
		cat tests/bench/analysis.md
	fi
} >"$res"
echo "wrote $res"
