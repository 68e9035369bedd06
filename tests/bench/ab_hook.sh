#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hook latency of two builds of seccomp-trace, measured in the same rounds,
# alternating which goes first: `runc run` of a busybox `true` whose prestart
# hook is the build's seccomp-trace, wrapped in benchtool hooktime (the hook
# process alone), cold (the build traces nothing else: the program is
# attached, or loaded if nothing of the build is pinned) and warm (the build
# traces a sleeping holder container). Medians in ms.
# Usage: [AB_SECCOMP=FILE] tests/bench/ab_hook.sh OLD_BUILD NEW_BUILD [ROUNDS]   (as root)
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "ab_hook: must run as root" >&2; exit 1; }
old=$(realpath "$1") new=$(realpath "$2")
rounds=${3:-15}
ST_SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
export ST_SOURCE ST_PROBE=$new/tests/stprobe ST_BIN=$new/seccomp-trace
export ST_WORK=${ST_WORK:-/tmp/seccomp-trace-ab}
. "$ST_SOURCE/tests/containers.sh"
ct_rootfs
W=$ST_WORK/abh
rm -rf "$W"
mkdir -p "$W" "$CT_STATE/runc"
BT=$W/benchtool
gcc -O2 -static -o "$BT" "$ST_SOURCE/tests/bench/benchtool.c"
SECC='{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["acct"],"action":"SCMP_ACT_ERRNO"}]}'
# AB_SECCOMP=FILE: that profile (e.g. podman's default) is the container's
# filter instead, in its OCI form: a config.json of an engine's size, which
# the hook reads (the recording filter's errno).
[ -z "${AB_SECCOMP:-}" ] || SECC=$(ct_oci_seccomp "$AB_SECCOMP")
bundle() { # DIR BUILD CMD...: the build's hook behind benchtool hooktime
	local d=$1 b=$2
	shift 2
	ST_BIN=$b/seccomp-trace ct_bundle "$d" --annotation "of:$d.json" --log "$d.log" --seccomp "$SECC" -- "$@"
	jq --arg bt "$BT" --arg t "$d/hook.times" \
		'.hooks.prestart[0] |= {path: $bt, args: (["benchtool", "hooktime", $t, .path] + .args)}' \
		"$d/config.json" >"$d/c.json"
	mv "$d/c.json" "$d/config.json"
}
for v in old new; do
	b=${!v}
	bundle "$W/$v-true" "$b" true
	bundle "$W/$v-holder" "$b" sleep 100000
done
rt() { runc --root "$CT_STATE/runc" "$@"; }
trap 'rt delete -f "ab-$$-holder" >/dev/null 2>&1 || true' EXIT
one() { # VARIANT cold|warm
	local v=$1 m=$2 t0 t1
	if [ "$m" = warm ]; then
		rt run -d -b "$W/$v-holder" "ab-$$-holder" </dev/null >/dev/null 2>&1
		sleep 0.3
	fi
	sleep 0.2
	t0=$(date +%s%N)
	rt run -b "$W/$v-true" "ab-$$-true" </dev/null >/dev/null 2>&1
	t1=$(date +%s%N)
	echo "$v $m wall $(((t1 - t0) / 1000))" >>"$W/samples"
	echo "$v $m hook $(tail -n1 "$W/$v-true/hook.times" | awk '{print int($3 / 1000)}')" >>"$W/samples"
	if [ "$m" = warm ]; then
		rt kill "ab-$$-holder" KILL 2>/dev/null || true
		for _ in $(seq 50); do rt delete "ab-$$-holder" >/dev/null 2>&1 && break; sleep 0.05; done
	fi
	sleep 0.3 # the tracers end
}
for r in $(seq "$rounds"); do
	if [ $((r % 2)) -eq 0 ]; then order="old new"; else order="new old"; fi
	for m in cold warm; do
		for v in $order; do one "$v" "$m"; done
	done
	echo "ab_hook: round $r of $rounds" >&2
done
med() { sort -g | awk '{v[NR]=$1} END {printf "%.2f", (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) / 1000}'; }
get() { awk -v v="$1" -v m="$2" -v k="$3" '$1 == v && $2 == m && $3 == k {print $4}' "$W/samples"; }
echo "# ms, medians of $rounds rounds; old $old, new $new"
echo
echo "| what | old | new |"
echo "|---|---|---|"
for m in cold warm; do
	printf '| %s: hook process | %s | %s |\n' "$m" "$(get old "$m" hook | med)" "$(get new "$m" hook | med)"
	printf '| %s: runc run | %s | %s |\n' "$m" "$(get old "$m" wall | med)" "$(get new "$m" wall | med)"
done
