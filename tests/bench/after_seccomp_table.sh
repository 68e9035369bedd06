#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Profile sizes (distinct syscalls allowed) for a few busybox workloads
# under each runtime: after-seccomp profiles (the default scope) with the
# runtime allowance of no runtime (the workload's calls only), of the
# recording runtime, and of every runtime seccomp-trace knows (the default),
# beside the --scope all profile (the runtime's set-up included). Prints a
# markdown table. Usage: tests/bench/after_seccomp_table.sh   (as root)
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
# The hook's arguments of each column.
COLUMNS=("--runtime-allowance none" "--runtime-allowance recording" "--runtime-allowance all"
	"--scope all")
n=0
oci() { # RT NNP HOOK-ARGS CMD...
	local rt=$1 nnp=$2 args=$3
	shift 3
	n=$((n + 1))
	ct_bundle "$W/b$n" --annotation "of:$W/p$n.json" --nnp "$nnp" --seccomp "$CT_TRACE_SECCOMP" \
		--hook-args "$args" -- "$@"
	ct_run "$rt" "$W/b$n" "tbl-$n" >/dev/null 2>&1
	ct_wait_file "$W/p$n.json"
	count "$W/p$n.json"
}
ct_podman_image
for i in "${!COLUMNS[@]}"; do
	# shellcheck disable=SC2086 # a word list
	ct_hooks_dir "$W/h$i" ${COLUMNS[$i]}
done
pm() { # COLUMN CMD...
	local i=$1
	shift
	n=$((n + 1))
	ct_podman --hooks-dir "$W/h$i" run --rm --network none \
		--annotation "io.containers.trace-syscall=of:$W/p$n.json" "$CT_IMAGE" "$@" >/dev/null 2>&1
	ct_wait_file "$W/p$n.json"
	count "$W/p$n.json"
}
cell() { # KIND RT NNP CMD...: "none / recording / all / scope all"
	local kind=$1 rt=$2 nnp=$3 out="" i
	shift 3
	for i in "${!COLUMNS[@]}"; do
		if [ "$kind" = oci ]; then
			out+="${out:+ / }$(oci "$rt" "$nnp" "${COLUMNS[$i]}" "$@")"
		else
			out+="${out:+ / }$(pm "$i" "$@")"
		fi
	done
	echo "$out"
}

echo "| runtime | \`true\` | \`ls /\` | shell script |"
echo "|---|---|---|---|"
for rt in runc crun podman; do
	for nnp in true false; do
		[ "$rt" = podman ] && [ "$nnp" = true ] && continue
		if [ "$rt" = podman ]; then row="| podman (crun), default profile"; else row="| $rt, noNewPrivileges=$nnp"; fi
		for w in true "ls /" "$CT_WORKLOAD_SCRIPT"; do
			# shellcheck disable=SC2086
			if [ "$w" = "$CT_WORKLOAD_SCRIPT" ]; then set -- sh -c "$CT_WORKLOAD_SCRIPT"; else set -- $w; fi
			if [ "$rt" = podman ]; then row+=" | $(cell pm - - "$@")"; else row+=" | $(cell oci "$rt" "$nnp" "$@")"; fi
		done
		echo "$row |"
	done
done
