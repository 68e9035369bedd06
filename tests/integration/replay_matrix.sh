#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Profiles recorded with the defaults start on every runtime (issue #12):
# `ls /` and a shell script doing a bit of everything, recorded under
# podman (crun, its default profile), podman --runtime runc, and runc
# bundles with noNewPrivileges on and off, each replay the same output under
# Docker 20.10 (runc, noNewPrivileges off), podman/crun, podman/runc and a
# runc bundle with noNewPrivileges off; none holds a call of the runtime's
# set-up before the filter load, and no recording runtime needed a call the
# built-in allowance lacks. A `run` profile starts under Docker and podman,
# and --runtime-allowance reaches the hook through seccomp-trace-runtime's
# hook-args. One private dockerd for all of it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ANN=io.containers.trace-syscall
SHIM=$(dirname "$ST_BIN")/seccomp-trace-runtime
SETUP=(mount pivot_root umount2 sethostname setns unshare chroot)
printf 'runtime = runc\nrequests = annotation env\nhook-args = --runtime-allowance recording --log %s/shim.log\n' "$T" \
	>"$T/runtime.conf"
ct_dockerd_start --runtime seccomp-trace="$SHIM" --env SECCOMP_TRACE_RUNTIME_CONFIG="$T/runtime.conf"
ct_docker_image
ct_podman_image
ct_hooks_dir "$T/hooks" --log "$T/hook.log"

declare -A WORKLOAD=([ls]="ls /" [sh]="$CT_WORKLOAD_SCRIPT")
n=0

# record ENGINE WORKLOAD: its profile $T/ENGINE-WORKLOAD.json, its output
# beside it (.out).
record() {
	local eng=$1 w=$2 p=$T/$1-$2.json
	n=$((n + 1))
	case $eng in
	podman-crun | podman-runc)
		ct_podman --runtime "${eng#podman-}" --hooks-dir "$T/hooks" run --rm --network none \
			--annotation "$ANN=of:$p" "$CT_IMAGE" sh -c "${WORKLOAD[$w]}" >"$p.out" ||
			die "recording $w under $eng failed" ;;
	runc-nnp | runc-no-nnp)
		ct_bundle "$T/b$n" --annotation "of:$p" --log "$T/hook.log" --seccomp "$CT_TRACE_SECCOMP" \
			--nnp "$([ "$eng" = runc-nnp ] && echo true || echo false)" -- sh -c "${WORKLOAD[$w]}"
		ct_run runc "$T/b$n" "st-mx-$$-$n" >"$p.out" || die "recording $w under $eng failed" ;;
	esac
	ct_wait_file "$p" || die "$eng $w: no profile: $(tail -n3 "$T/hook.log")"
}

# replay ENGINE PROFILE WORKLOAD: the same output as recorded.
replay() {
	local eng=$1 p=$2 w=$3 rc=0
	n=$((n + 1))
	case $eng in
	docker)
		ct_docker run --rm --network none --security-opt seccomp="$p" "$CT_DOCKER_IMAGE" \
			sh -c "${WORKLOAD[$w]}" >"$T/replay.out" 2>&1 || rc=$? ;;
	podman-crun | podman-runc)
		ct_podman --runtime "${eng#podman-}" run --rm --network none --security-opt seccomp="$p" \
			"$CT_IMAGE" sh -c "${WORKLOAD[$w]}" >"$T/replay.out" 2>&1 || rc=$? ;;
	runc-no-nnp)
		ct_bundle "$T/b$n" --nnp false --seccomp "$(ct_oci_seccomp "$p")" -- sh -c "${WORKLOAD[$w]}"
		ct_run runc "$T/b$n" "st-mx-$$-$n" >"$T/replay.out" 2>&1 || rc=$? ;;
	esac
	[ $rc -eq 0 ] && cmp -s "$T/replay.out" "$p.out" ||
		die "$(basename "$p") under $eng: exit $rc: $(head -c 600 "$T/replay.out")"
}

for rec in podman-crun podman-runc runc-nnp runc-no-nnp; do
	for w in ls sh; do
		record "$rec" "$w"
		p=$T/$rec-$w.json
		assert_lacks "$p" "${SETUP[@]}"
		jq -e '[.syscalls[] | select(.comment // "" | startswith("runtime allowance (seccomp-trace): what runc, crun may do"))] | length == 1' \
			"$p" >/dev/null || die "$rec $w: no runtime allowance rule of runc and crun"
		for eng in docker podman-crun podman-runc runc-no-nnp; do
			replay "$eng" "$p" "$w"
		done
	done
	note "recorded under $rec: replayed under Docker, podman/crun, podman/runc, runc"
done
grep -q "lacks" "$T/hook.log" && die "a recording runtime needed calls its built-in allowance lacks: $(grep lacks "$T/hook.log")"
grep -qx "done" "$T/podman-crun-sh.json.out" || die "the script did not run through"

# ---- a `run` profile, given to docker run and podman run ----
RUNSCRIPT='echo hello | tr a-z A-Z; ls / >/dev/null; (sleep 0.1; echo sub) & wait
trap "echo got USR1" USR1; kill -USR1 $$; cat /etc/passwd | wc -l; echo done'
WORKLOAD[run]=$RUNSCRIPT
"$ST_BIN" run -o "$T/run.json" -- "$CT_ROOTFS/bin/busybox" sh -c "$RUNSCRIPT" >"$T/run.json.out.host" 2>/dev/null
# the host's /etc/passwd is not the image's: the image's line count
sed "s/^[0-9]*\$/$(wc -l <"$CT_ROOTFS/etc/passwd")/" "$T/run.json.out.host" >"$T/run.json.out"
for eng in docker podman-crun; do
	replay "$eng" "$T/run.json" run
done

# ---- --runtime-allowance in seccomp-trace-runtime's hook-args ----
ct_docker run --rm --network none --runtime seccomp-trace -e "$ANN=of:$T/docker-rec.json" \
	"$CT_DOCKER_IMAGE" sh -c "${WORKLOAD[ls]}" >"$T/docker-rec.json.out" || die "recording through the shim"
ct_wait_file "$T/docker-rec.json" || die "no profile through the shim: $(tail -n3 "$T/shim.log")"
jq -e '[.syscalls[] | select(.comment // "" | startswith("runtime allowance (seccomp-trace): what the recording runtime"))] | length == 1' \
	"$T/docker-rec.json" >/dev/null || die "hook-args --runtime-allowance recording was not obeyed"
replay docker "$T/docker-rec.json" ls
note ok
