# SPDX-License-Identifier: Apache-2.0
# Shared set-up and helpers for the benchmarks in tests/bench/ (sourced).
#
# Builds the project into its own tree ($BENCH_BUILD, default build-bench/,
# so that a build other developers run in build/ at the same time cannot
# race with ours), the benchmark helpers next to it, and a busybox rootfs
# with stprobe. Raw results go to $BENCH_OUT (default tests/bench/out/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BENCH_SRC=$PWD
BENCH_BUILD=${BENCH_BUILD:-$BENCH_SRC/build-bench}
BENCH_OUT=${BENCH_OUT:-$BENCH_SRC/tests/bench/out}
BENCH_CPU=${BENCH_CPU:-1} # the CPU the syscall loops are pinned to

[ "$(id -u)" -eq 0 ] || { echo "${0##*/}: must run as root" >&2; exit 1; }

bench_build() {
	local b=$BENCH_BUILD/bench
	scripts/setup
	# hook_breakdown.sh watches bpf() calls with perf trace
	command -v perf >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
	cmake -S . -B "$BENCH_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$BENCH_BUILD" -j"$(nproc)" --target seccomp-trace st_runtime stprobe >/dev/null
	mkdir -p "$b"
	gcc -O2 -Wall -Wextra -Werror -static -o "$b/benchtool" tests/bench/benchtool.c
	clang -target bpf -O2 -g -Wall -Werror -c tests/bench/empty.bpf.c -o "$b/empty.bpf.o"
	# the prototypes read other kernel fields than the pinned header has
	bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$b/vmlinux.h"
	clang -target bpf -mcpu=v3 -O2 -g -Wall -Werror -D__TARGET_ARCH_x86 -I"$b" \
		-c tests/bench/proto.bpf.c -o "$b/proto.bpf.o"
	local t
	for t in emptyload proto_load bpfparts; do
		# shellcheck disable=SC2046 # pkg-config prints a word list
		gcc -O2 -Wall -Wextra -Werror -o "$b/$t" "tests/bench/$t.c" $(pkg-config --cflags --libs libbpf)
	done
}

# Skip the build when run-all.sh did it already.
if [ -z "${BENCH_BUILT:-}" ]; then
	bench_build
	export BENCH_BUILT=1
fi

BT=$BENCH_BUILD/bench/benchtool
export ST_BIN=$BENCH_BUILD/seccomp-trace
export ST_PROBE=$BENCH_BUILD/tests/stprobe
export ST_WORK=$BENCH_BUILD/bench/work
export ST_SOURCE=$BENCH_SRC
. tests/containers.sh
ct_rootfs
mkdir -p "$BENCH_OUT" "$CT_STATE/runc"

# The pin directory of this build's BPF object (see hook/tracer_pins.h and hook/tracer_loader.c).
ST_HASH=$("$BT" objhash "$BENCH_BUILD/bpf/seccomp_trace_bpf.bpf.o")
ST_PIN=/sys/fs/bpf/seccomp-trace/$ST_HASH

# A permissive seccomp filter (blocks only acct): with it the runtime loads a
# filter, so the hook's default --scope after-seccomp takes its usual path.
# shellcheck disable=SC2089,SC2090 # JSON text, passed on as one word
BENCH_SECCOMP='{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["acct"],"action":"SCMP_ACT_ERRNO"}]}'

# ---- statistics ----
# stats V...: "median X  min Y  max Z"
stats() {
	printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
		m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
		printf "median %.1f  min %.1f  max %.1f", m, v[1], v[NR]}'
}
med() {
	printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
		printf "%.2f\n", NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}
# row NAME V...: a markdown table row "| NAME | median | min | max | n |"
row() {
	local name=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v n="$name" '{v[NR]=$1} END {
		m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
		printf "| %s | %.1f | %.1f | %.1f | %d |\n", n, m, v[1], v[NR], NR}'
}
# calc EXPR: awk arithmetic
calc() { awk "BEGIN {printf \"%.2f\n\", $1}"; }

now_ms() { echo "${EPOCHREALTIME/./}" | awk '{printf "%.3f\n", $1 / 1000}'; }

# ---- what else runs on the machine ----
# Programs on sys_enter that are not in the pid list given.
foreign_progs() {
	local ids=() i
	for i in "$@"; do [ -n "$i" ] && ids+=("$i"); done
	bpftool -j link show 2>/dev/null |
		jq -r --argjson ours "[$(IFS=,; echo "${ids[*]:-}")]" \
			'[.[] | select(.tp_name == "sys_enter") | .prog_id | select(. as $p | $ours | index($p) | not)] | length'
}
# Processes of other users of the machine: seccomp-trace, runtimes, tests
# whose command line does not mention our work directory.
foreign_procs() {
	local p c n=0
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $c in
		*"$BENCH_BUILD"*|*"$ST_WORK"*|*"$BENCH_OUT"*|"") ;;
		*seccomp-trace*|runc*|crun*|podman*|*ctest*|*conmon*) n=$((n + 1)) ;;
		esac
	done
	echo $n
}
# Commands running (state R) right now that are not the benchmark's own
# kind of process: builds, tests, ... of other users of the machine.
foreign_busy() {
	ps -eo stat=,comm= | awk '$1 ~ /^R/ && $2 !~ /^(ps|awk|stprobe|runc.*|seccomp-trace|bash|sh|jq|taskset|bpftool|perf|benchtool|emptyload|proto_load|bpfparts|sleep|usleep|busybox|true|sed|sort|grep|cat|tr|date|stat|tee|paste|join|wc|seq|head|tail|rm|mkdir|mv|cp|kworker.*|ksoftirqd.*|rcu_.*|migration.*)$/ {print $2}' |
		sort | uniq -c | awk '{printf "%s%s:%s", (NR > 1 ? "," : ""), $2, $1}'
}
# wait_quiet SECONDS: until no foreign process has been running for 5
# samples in a row (1 s apart); false if that did not happen in time.
wait_quiet() {
	local quiet=0
	for _ in $(seq "$1"); do
		if [ -z "$(foreign_busy)" ]; then
			quiet=$((quiet + 1))
			[ "$quiet" -ge 5 ] && return 0
		else
			quiet=0
		fi
		sleep 1
	done
	return 1
}
# note_machine TAG: one line of load and foreign activity into the log.
note_machine() {
	local busy
	busy=$(foreign_busy)
	printf '%s %s load=%s foreign_procs=%s foreign_sys_enter_progs=%s foreign_running=%s\n' \
		"$(date -u +%FT%TZ)" "$1" "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" \
		"$(foreign_procs)" "$(foreign_progs "${BENCH_OUR_PROGS:-}")" "${busy:-0}" >>"$BENCH_OUT/machine.log"
}

# ---- the seccomp-trace program's life cycle ----
# The program stays pinned between traces; it is attached while a tracer
# holds its link (no pin: the link goes with the last tracer).
our_prog_id() {
	bpftool -j prog show pinned "$ST_PIN/prog" 2>/dev/null | jq -r .id
}
attached() {
	local id
	id=$(our_prog_id) && [ -n "$id" ] &&
		bpftool -j link show 2>/dev/null | jq -e --argjson p "$id" 'any(.[]; .prog_id == $p)' >/dev/null
}
# wait_detached [SECONDS]: the last tracer has gone (cold start possible).
wait_detached() {
	for _ in $(seq $((${1:-10} * 50))); do
		attached || return 0
		sleep 0.02
	done
	return 1
}

# ---- bundles and containers ----
# bench_bundle DIR HOOK [OPTS --] CMD...: HOOK is none, null (the trivial
# hook), st (seccomp-trace), or timed-null / timed-st (the same behind
# benchtool hooktime, which appends to DIR/hook.times). OPTS: --out FILE
# (the profile; default DIR/profile.json), --log FILE, --seccomp (load
# BENCH_SECCOMP), --hook-args "ARG...".
bench_bundle() {
	local dir=$1 hook=$2 out="" log="" seccomp="" hargs=""
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--out) out=$2; shift 2 ;;
		--log) log=$2; shift 2 ;;
		--seccomp) seccomp=$BENCH_SECCOMP; shift ;;
		--hook-args) hargs=$2; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	mkdir -p "$dir"
	# shellcheck disable=SC2090 # $seccomp is one word of JSON
	ct_bundle "$dir" --annotation "of:${out:-$dir/profile.json}" ${log:+--log "$log"} \
		${seccomp:+--seccomp "$seccomp"} ${hargs:+--hook-args "$hargs"} -- "$@"
	case $hook in
	none) jq 'del(.hooks) | del(.annotations)' "$dir/config.json" >"$dir/c.tmp" ;;
	st) cp "$dir/config.json" "$dir/c.tmp" ;;
	null)
		jq --arg bt "$BT" '.hooks.prestart = [{path: $bt, args: ["benchtool", "nullhook"]}]' \
			"$dir/config.json" >"$dir/c.tmp" ;;
	timed-null)
		jq --arg bt "$BT" --arg t "$dir/hook.times" \
			'.hooks.prestart = [{path: $bt, args: ["benchtool", "hooktime", $t, $bt, "benchtool", "nullhook"]}]' \
			"$dir/config.json" >"$dir/c.tmp" ;;
	timed-st)
		jq --arg bt "$BT" --arg t "$dir/hook.times" \
			'.hooks.prestart[0] |= {path: $bt, args: (["benchtool", "hooktime", $t, .path] + .args)}' \
			"$dir/config.json" >"$dir/c.tmp" ;;
	*) echo "bench_bundle: unknown hook $hook" >&2; return 2 ;;
	esac
	mv "$dir/c.tmp" "$dir/config.json"
}

# bench_run BUNDLE NAME: runc run to completion, stdin from /dev/null.
bench_run() {
	runc --root "$CT_STATE/runc" run -b "$1" "$2" </dev/null
}
# bench_start BUNDLE NAME: runc run in the background; its pid in $!.
bench_start() {
	runc --root "$CT_STATE/runc" run -b "$1" "$2" </dev/null >"$1/stdout" 2>"$1/stderr" &
}
bench_kill() {
	runc --root "$CT_STATE/runc" kill "$1" KILL 2>/dev/null || true
}
# ct_done NAME [FILE]: the container's FILE (default /tmp/ready) exists,
# looked at from the host through its init's root.
ct_done() {
	local pid
	pid=$(runc --root "$CT_STATE/runc" state "$1" 2>/dev/null | jq -r .pid) || return 1
	[ -n "$pid" ] && [ "$pid" != 0 ] && [ -e "/proc/$pid/root${2:-/tmp/ready}" ]
}
# Containers left over by an interrupted run.
bench_cleanup_containers() {
	local id
	for id in $(runc --root "$CT_STATE/runc" list -q 2>/dev/null); do
		runc --root "$CT_STATE/runc" delete -f "$id" >/dev/null 2>&1 || true
	done
}

# holder_start DIR NAME [CMD...]: a traced container (timed-st bundle in
# DIR, created if missing; default CMD sleep 100000) started in the
# background; returns once its hook has returned, i.e. tracing is armed.
holder_start() {
	local dir=$1 name=$2 n
	shift 2
	if [ ! -e "$dir/config.json" ]; then
		[ $# -gt 0 ] || set -- sleep 100000
		bench_bundle "$dir" timed-st --seccomp --out "$dir.json" --log "$dir.log" -- "$@"
	fi
	n=$(nlines "$dir/hook.times")
	rm -f "$dir.json"
	bench_start "$dir" "$name"
	HOLDER_PID=$!
	for _ in $(seq 1000); do
		[ "$(nlines "$dir/hook.times")" -gt "$n" ] && break
		sleep 0.01
	done
	# Then until runc is done starting it, so that the start-up does not
	# overlap what is measured next.
	for _ in $(seq 1000); do
		if [ "$(runc --root "$CT_STATE/runc" state "$name" 2>/dev/null | jq -r .status)" = running ]; then
			settle
			return 0
		fi
		sleep 0.01
	done
	echo "holder_start: container $name did not start: $(cat "$dir/stderr")" >&2
	return 1
}
# settle: let what was just started or stopped in the background finish
# (runc's start-up, a tracer's exit) before the next timed run.
settle() { sleep "${BENCH_SETTLE:-0.2}"; }
# holder_stop DIR NAME: kill it, wait for its runc and its profile.
holder_stop() {
	bench_kill "$2"
	wait "$HOLDER_PID" 2>/dev/null || true
	ct_wait_file "$1.json" 20 || { echo "holder_stop: no profile from $2" >&2; return 1; }
}

# empty_start / empty_stop: the empty program attached (EMPTY_ID its id).
empty_start() {
	rm -f "$BENCH_OUT/.emptyload.out"
	"$BENCH_BUILD/bench/emptyload" "$BENCH_BUILD/bench/empty.bpf.o" >"$BENCH_OUT/.emptyload.out" &
	EMPTY_PID=$!
	for _ in $(seq 500); do
		EMPTY_ID=$(awk '/^ready/ {print $2}' "$BENCH_OUT/.emptyload.out" 2>/dev/null)
		[ -n "$EMPTY_ID" ] && return 0
		kill -0 "$EMPTY_PID" 2>/dev/null || break
		sleep 0.01
	done
	echo "empty_start: the empty program did not attach" >&2
	return 1
}
empty_stop() {
	[ -n "${EMPTY_PID:-}" ] || return 0
	kill "$EMPTY_PID" 2>/dev/null || true
	wait "$EMPTY_PID" 2>/dev/null || true
	EMPTY_PID='' EMPTY_ID=
}

# The detached tracer of the container whose hook logs to LOG (a unique path
# per container): the process with `seccomp-trace hook` ... LOG in its
# command line whose parent is not such a process (that would be the hook).
tracer_pid() {
	local log=$1 p c pc
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $c in "seccomp-trace hook "*"$log"*) ;; *) continue ;; esac
		pc=$(tr '\0' ' ' 2>/dev/null <"/proc/$(awk '/^PPid:/ {print $2}' "$p/status" 2>/dev/null)/cmdline") || pc=
		case $pc in "seccomp-trace hook "*) continue ;; esac
		echo "${p#/proc/}"
		return 0
	done
	return 1
}

# nlines FILE: its line count, 0 if it does not exist.
nlines() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# hook_ms FILE: the last hooktime duration in FILE, in ms.
hook_ms() { tail -n1 "$1" | awk '{printf "%.3f\n", $3 / 1e6}'; }

# Profile contents: the unconditionally allowed names.
allowed() {
	jq -r '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | unique | .[]' "$1"
}

bench_header() {
	echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p')"
	echo "# source $(git -C "$BENCH_SRC" rev-parse --short HEAD)$(git -C "$BENCH_SRC" status --porcelain -- bpf hook | grep -q . && echo ' + uncommitted changes in bpf/ or hook/'), BPF object $ST_HASH"
}
