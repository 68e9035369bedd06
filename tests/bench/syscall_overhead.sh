#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ns per getppid() in a tight loop: (a) untraced, (b) inside a namespace
# traced by `seccomp-trace run`, (c) on the host while another command is
# traced. Rounds alternate a/b/c so that machine noise hits all three alike.
# Usage: tests/bench/syscall_overhead.sh [ROUNDS] [CALLS]   (as root)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-15}
calls=${2:-2000000}
scripts/setup
cmake -S . -B build >/dev/null && cmake --build build -j"$(nproc)" >/dev/null
st=build/seccomp-trace
probe=build/tests/stprobe
out=$(mktemp -d)
trap 'kill $bg 2>/dev/null || true; rm -rf "$out"' EXIT

bg=
a=() b=() c=()
for _ in $(seq "$rounds"); do
	# (a) no program attached at all
	a+=("$(taskset -c 1 "$probe" "getppid:$calls")")
	b+=("$(taskset -c 1 $st run -o "$out/b.json" -- "$probe" "getppid:$calls" | head -n1)")
	# (c) the program is attached for a trace running elsewhere
	$st run -o "$out/bg.json" -- "$probe" sleep:100000000 &
	bg=$!
	sleep 0.3
	c+=("$(taskset -c 1 "$probe" "getppid:$calls")")
	kill $bg
	wait $bg 2>/dev/null || true
done

stats() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "median %7.1f  min %7.1f  max %7.1f", v[int((NR+1)/2)], v[1], v[NR]}'; }
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "getppid ns/call, $rounds rounds x $calls calls, pinned to CPU 1"
echo "(a) untraced                    $(stats "${a[@]}")"
echo "(b) traced (inside namespace)   $(stats "${b[@]}")"
echo "(c) host, other cmd traced      $(stats "${c[@]}")"
awk -v a="$(med "${a[@]}")" -v b="$(med "${b[@]}")" -v c="$(med "${c[@]}")" \
	'BEGIN {printf "added: inside %+.1f ns, outside %+.1f ns (medians)\n", b-a, c-a}'
