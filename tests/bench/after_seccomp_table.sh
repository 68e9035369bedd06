#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Syscalls in the after-seccomp (--scope after-seccomp) vs the full (--scope all)
# profile, for a few busybox workloads under each runtime. Prints a markdown
# table. Usage: tests/bench/after_seccomp_table.sh   (as root)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup
cmake -S . -B build >/dev/null && cmake --build build -j"$(nproc)" >/dev/null
export ST_BIN=$PWD/build/seccomp-trace ST_PROBE=$PWD/build/tests/stprobe
export ST_WORK=$PWD/build/bench-after-seccomp
rm -rf "$ST_WORK"
. tests/containers.sh
W=$ST_WORK/w
mkdir -p "$W"
count() { jq '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | unique | length' "$1"; }
n=0
oci() { # RT NNP SCOPE CMD...
	local rt=$1 nnp=$2 scope=$3
	shift 3
	n=$((n + 1))
	ct_bundle "$W/b$n" --annotation "of:$W/p$n.json" --nnp "$nnp" --seccomp "$CT_TRACE_SECCOMP" \
		--hook-args "--scope $scope" -- "$@"
	ct_run "$rt" "$W/b$n" "tbl-$n" >/dev/null 2>&1
	ct_wait_file "$W/p$n.json"
	count "$W/p$n.json"
}
ct_podman_image
ct_hooks_dir "$W/h-after-seccomp"
ct_hooks_dir "$W/h-all" --scope all
pm() { # SCOPE CMD...
	local scope=$1
	shift
	n=$((n + 1))
	ct_podman --hooks-dir "$W/h-$scope" run --rm --network none \
		--annotation "io.containers.trace-syscall=of:$W/p$n.json" "$CT_IMAGE" "$@" >/dev/null 2>&1
	ct_wait_file "$W/p$n.json"
	count "$W/p$n.json"
}

echo "| runtime | \`true\` after-seccomp / all | \`ls /\` after-seccomp / all | shell script after-seccomp / all |"
echo "|---|---|---|---|"
for rt in runc crun; do
	for nnp in true false; do
		row="| $rt, noNewPrivileges=$nnp"
		for w in true "ls /" "$CT_WORKLOAD_SCRIPT"; do
			# shellcheck disable=SC2086
			if [ "$w" = "$CT_WORKLOAD_SCRIPT" ]; then set -- sh -c "$CT_WORKLOAD_SCRIPT"; else set -- $w; fi
			row+=" | $(oci $rt $nnp after-seccomp "$@") / $(oci $rt $nnp all "$@")"
		done
		echo "$row |"
	done
done
row="| podman (crun), default profile"
for w in true "ls /" "$CT_WORKLOAD_SCRIPT"; do
	# shellcheck disable=SC2086
	if [ "$w" = "$CT_WORKLOAD_SCRIPT" ]; then set -- sh -c "$CT_WORKLOAD_SCRIPT"; else set -- $w; fi
	row+=" | $(pm after-seccomp "$@") / $(pm all "$@")"
done
echo "$row |"
