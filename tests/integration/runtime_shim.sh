#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# seccomp-trace-runtime, the runc-compatible shim, under Docker (registered
# in daemon.json) and containerd (ctr --runc-binary), one private dockerd for
# every case: record -> replay under the same engine, the request variable
# gone from the workload's environment, bad requests failing the create with
# the hook's line, unasked containers run as by runc (output, status, stdin,
# terminal, signals, exec), pod annotations and the sandbox, 8 containers at
# once each with its own profile.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

SHIM=$(dirname "$ST_BIN")/seccomp-trace-runtime
ANN=io.containers.trace-syscall
[ -x "$SHIM" ] || die "no $SHIM"

# The shim's settings, as an operator writes them (the hook logs to a file).
cat >"$T/runtime.conf" <<EOF
# seccomp-trace-runtime settings for this test
runtime = runc
hook-args = --log $T/hook.log
requests = annotation env
EOF
export SECCOMP_TRACE_RUNTIME_CONFIG=$T/runtime.conf
"$SHIM" --check-config >"$T/check.out" || die "--check-config: $(cat "$T/check.out")"
grep -qx "settings: $T/runtime.conf" "$T/check.out" &&
	grep -qx "runtime: $(command -v runc)" "$T/check.out" &&
	grep -qx "hook (prestart): $ST_BIN hook --log $T/hook.log" "$T/check.out" &&
	grep -qx "requests: annotation env" "$T/check.out" ||
	die "--check-config says: $(cat "$T/check.out")"
# Without hook-args the hook logs where the hooks.d entry's does (syslog may
# have no reader, and Docker shows only a failed hook's stderr).
echo 'runtime = runc' >"$T/defaults.conf"
SECCOMP_TRACE_RUNTIME_CONFIG=$T/defaults.conf "$SHIM" --check-config >"$T/check.out" &&
	grep -qx "hook (prestart): $ST_BIN hook --log /var/log/seccomp-trace.log" "$T/check.out" ||
	die "--check-config without hook-args says: $(cat "$T/check.out")"

# ---- a bundle run by hand: an unasked container's config.json is not touched ----
ct_bundle "$T/plain" -- sh -c 'echo plain'
sum=$(sha256sum <"$T/plain/config.json")
mkdir -p "$CT_STATE/shim"
out=$("$SHIM" --root "$CT_STATE/shim" run -b "$T/plain" "shim-plain-$$" </dev/null)
[ "$out" = plain ] || die "runc run through the shim: '$out'"
[ "$(sha256sum <"$T/plain/config.json")" = "$sum" ] || die "the shim changed an unasked config.json"

# A runtime entry whose settings name a runtime that does not exist.
printf '#!/bin/sh\nSECCOMP_TRACE_RUNTIME=/nonexistent/runc exec %s "$@"\n' "$SHIM" >"$T/broken-shim"
chmod +x "$T/broken-shim"
ct_dockerd_start --runtime seccomp-trace="$SHIM" --runtime st-broken="$T/broken-shim" \
	--env SECCOMP_TRACE_RUNTIME_CONFIG="$T/runtime.conf"
ct_docker_image
drun() { ct_docker run --rm --network none --hostname st "$@"; }
shim() { drun --runtime seccomp-trace "$@"; }
# expect_fail WHAT TEXT CMD...: CMD fails and its stderr holds TEXT.
expect_fail() {
	local what=$1 text=$2 rc=0
	shift 2
	"$@" >"$T/fail.out" 2>"$T/fail.err" || rc=$?
	[ $rc -ne 0 ] || die "$what: succeeded"
	grep -qF -- "$text" "$T/fail.err" || die "$what: exit $rc without '$text': $(cat "$T/fail.err")"
}

# hook-args the hook would refuse fail --check-config with the hook's line
for bad in "--report --bogus|seccomp-trace hook: unrecognized option '--bogus'" \
	"--allow-dir relative/dir|seccomp-trace hook: --allow-dir relative/dir: not an absolute path" \
	"--allow-dir $T/none|seccomp-trace hook: --allow-dir $T/none: does not exist" \
	"--log $T/none/hook.log|seccomp-trace: cannot open log file $T/none/hook.log: its directory does not exist"; do
	printf 'runtime = runc\nhook-args = %s\n' "${bad%%|*}" >"$T/bad-args.conf"
	SECCOMP_TRACE_RUNTIME_CONFIG=$T/bad-args.conf expect_fail "hook-args ${bad%%|*}" \
		"seccomp-trace-runtime: hook-args would fail every traced container: ${bad#*|}" \
		"$SHIM" --check-config
done

# ---- Docker: an unasked container runs as it would under runc ----
rc=0
shim "$CT_DOCKER_IMAGE" sh -c 'echo out; echo err >&2; exit 3' >"$T/u.out" 2>"$T/u.err" || rc=$?
[ $rc -eq 3 ] && [ "$(cat "$T/u.out")" = out ] && [ "$(cat "$T/u.err")" = err ] ||
	die "unasked container: exit $rc, stdout '$(cat "$T/u.out")', stderr '$(cat "$T/u.err")'"
[ "$(echo piped | shim -i "$CT_DOCKER_IMAGE" cat)" = piped ] || die "stdin through the shim"
[ "$(shim -t "$CT_DOCKER_IMAGE" tty | tr -d '\r')" = /dev/pts/0 ] || die "terminal (--console-socket) through the shim"
ct_docker run -d --network none --name sig --runtime seccomp-trace "$CT_DOCKER_IMAGE" \
	sh -c 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
for _ in $(seq 100); do ct_docker logs sig 2>/dev/null | grep -q ready && break; sleep 0.1; done
[ "$(ct_docker exec sig echo exec)" = exec ] || die "docker exec through the shim"
ct_docker stop -t 10 sig >/dev/null
[ "$(ct_docker inspect -f '{{.State.ExitCode}}' sig)" = 7 ] && ct_docker logs sig | grep -q 'got TERM' ||
	die "SIGTERM through the shim: exit $(ct_docker inspect -f '{{.State.ExitCode}}' sig), logs: $(ct_docker logs sig 2>&1)"
ct_docker rm sig >/dev/null
[ ! -e "$T/hook.log" ] || die "the hook ran for unasked containers: $(cat "$T/hook.log")"

# ---- Docker: record, then replay under Docker's runc ----
# The workload prints its environment as runc started it (that of PID 1:
# sh would not pass a variable with dots in its name on): the request
# variable must be gone from it, and only it (a control container shows
# that Docker passes it).
work="$CT_WORKLOAD_SCRIPT; tr '\\0' '\\n' </proc/1/environ | sort"
drun -e "$ANN=of:/x" "$CT_DOCKER_IMAGE" sh -c "$work" | grep -q "^$ANN=of:/x\$" ||
	die "control: Docker does not pass the variable to the container"
shim -e "$ANN=of:$T/docker.json" -e FOO=bar "$CT_DOCKER_IMAGE" sh -c "$work" >"$T/rec.out" ||
	die "record under Docker failed"
! grep -q "$ANN" "$T/rec.out" || die "the request variable reached the workload: $(grep "$ANN" "$T/rec.out")"
grep -qx FOO=bar "$T/rec.out" || die "the other variables did not reach the workload"
ct_wait_file "$T/docker.json" || die "no profile from Docker; hook log: $(cat "$T/hook.log" 2>&1)"
assert_valid_profile "$T/docker.json"
assert_allows "$T/docker.json" execve wait4 kill
drun -e FOO=bar --security-opt seccomp="$T/docker.json" "$CT_DOCKER_IMAGE" sh -c "$work" >"$T/replay.out" ||
	die "replay under Docker failed: the profile recorded through the shim does not start the workload"
cmp -s "$T/rec.out" "$T/replay.out" || die "replay output differs: $(diff "$T/rec.out" "$T/replay.out")"
drun "$CT_DOCKER_IMAGE" mkdir /tmp/x || die "control: mkdir under Docker's default profile"
expect_fail "mkdir under the recorded profile" "Operation not permitted" \
	drun --security-opt seccomp="$T/docker.json" "$CT_DOCKER_IMAGE" mkdir /tmp/x

# ---- Docker: bad requests fail docker run at create, with the hook's line ----
expect_fail "relative of:" \
	"seccomp-trace: invalid annotation $ANN: of:relative.json: relative path (paths must be absolute)" \
	shim -e "$ANN=of:relative.json" "$CT_DOCKER_IMAGE" true
expect_fail "unreadable if:" "/nonexistent/base.json" \
	shim -e "$ANN=if:/nonexistent/base.json;of:$T/nobase.json" "$CT_DOCKER_IMAGE" true
grep -q "OCI runtime create failed" "$T/fail.err" || die "not failed at create: $(cat "$T/fail.err")"
# the shim's own errors reach docker run too (through runc's log)
expect_fail "shim error" "seccomp-trace-runtime: wrapped runtime /nonexistent/runc: No such file or directory" \
	drun --runtime st-broken "$CT_DOCKER_IMAGE" true
[ -z "$(ct_docker ps -aq)" ] || die "failed creates left containers: $(ct_docker ps -a)"
sleep 1
[ ! -e "$T/nobase.json" ] || die "a refused request wrote a profile"

# ---- containerd (ctr): record with --runc-binary and an annotation, replay ----
ct_ctr_image
crun_() { ct_ctr_run --rm "$@" </dev/null; }
crun_ --seccomp --runc-binary "$SHIM" --annotation "$ANN=of:$T/ctr.json" "$CT_CTR_IMAGE" rec \
	sh -c "$CT_WORKLOAD_SCRIPT" >"$T/ctr-rec.out" || die "record under ctr failed"
ct_wait_file "$T/ctr.json" || die "no profile from ctr; hook log: $(cat "$T/hook.log")"
assert_valid_profile "$T/ctr.json"
crun_ --seccomp --seccomp-profile "$T/ctr.json" "$CT_CTR_IMAGE" rep sh -c "$CT_WORKLOAD_SCRIPT" \
	>"$T/ctr-rep.out" || die "replay under ctr --seccomp-profile failed"
cmp -s "$T/ctr-rec.out" "$T/ctr-rep.out" || die "ctr replay output differs"
expect_fail "mkdir under the ctr profile" "Operation not permitted" \
	crun_ --seccomp --seccomp-profile "$T/ctr.json" "$CT_CTR_IMAGE" mk mkdir /tmp/x
expect_fail "ctr: relative of:" "seccomp-trace: invalid annotation $ANN: of:rel.json: relative path" \
	crun_ --runc-binary "$SHIM" --annotation "$ANN=of:rel.json" "$CT_CTR_IMAGE" bad true

# Kubernetes through containerd: pod annotations reach every container of
# the pod, the sandbox (pause) container too, which is never traced; the
# per-container form names the container.
crun_ --runc-binary "$SHIM" --annotation io.kubernetes.cri.container-type=sandbox \
	--annotation "$ANN=of:$T/pause.json" "$CT_CTR_IMAGE" pause true || die "sandbox container"
crun_ --runc-binary "$SHIM" --annotation io.kubernetes.cri.container-type=container \
	--annotation io.kubernetes.cri.container-name=app --annotation "$ANN/app=of:$T/app.json" \
	--annotation "$ANN/db=of:$T/db.json" "$CT_CTR_IMAGE" app stprobe getitimer || die "pod container"
ct_wait_file "$T/app.json" || die "no profile for the container named by $ANN/app"
assert_allows "$T/app.json" getitimer
sleep 1
[ ! -e "$T/pause.json" ] || die "the sandbox container was traced"
[ ! -e "$T/db.json" ] || die "a profile for a container of another name"

# ---- without `requests = annotation env` the environment asks nothing ----
# (process.env holds the image's own ENV: its author is not the operator)
cp "$T/runtime.conf" "$T/runtime.conf.both"
grep -v '^requests' "$T/runtime.conf.both" >"$T/runtime.conf"
"$SHIM" --check-config | grep -qx 'requests: annotation' || die "--check-config: $("$SHIM" --check-config 2>&1)"
shim -e "$ANN=of:$T/env-off.json" "$CT_DOCKER_IMAGE" sh -c "$work" >"$T/env-off.out" ||
	die "default requests: the container did not run"
grep -qx "$ANN=of:$T/env-off.json" "$T/env-off.out" ||
	die "default requests: the variable is not the workload's any more"
crun_ --runc-binary "$SHIM" --annotation "$ANN=of:$T/ann-on.json" "$CT_CTR_IMAGE" annon \
	stprobe getitimer || die "default requests: ctr with the annotation"
ct_wait_file "$T/ann-on.json" || die "default requests: the annotation asked nothing"
sleep 1
[ ! -e "$T/env-off.json" ] || die "default requests: the environment asked for a trace"
echo 'requests = env' >>"$T/runtime.conf"
expect_fail "requests without annotation" "runtime.conf:4: requests must include annotation" \
	"$SHIM" --check-config
mv "$T/runtime.conf.both" "$T/runtime.conf"

# ---- 8 Docker containers at once, each its own profile ----
# Container i makes the marker syscalls of the bits of i, and waits for the
# others so that all 8 are traced at the same time.
markers=(membarrier getitimer sched_getattr)
mkdir -p "$T/sync"
pids=()
for i in $(seq 0 7); do
	calls=
	for b in 0 1 2; do [ $((i >> b & 1)) = 1 ] && calls+=" ${markers[$b]}"; done
	shim -v "$T/sync:/sync" -e "$ANN=of:$T/many$i.json" "$CT_DOCKER_IMAGE" sh -c "
		touch /sync/$i; n=0
		while [ \$(ls /sync | wc -l) -lt 8 ] && [ \$n -lt 600 ]; do sleep 0.05; n=\$((n + 1)); done
		[ \$n -lt 600 ] || { echo 'the others did not start' >&2; exit 1; }
		stprobe write$calls >/dev/null" >"$T/many$i.out" 2>&1 &
	pids+=($!)
done
for i in $(seq 0 7); do
	wait "${pids[$i]}" || die "container $i of 8: $(cat "$T/many$i.out")"
done
for i in $(seq 0 7); do
	ct_wait_file "$T/many$i.json" || die "no profile for container $i of 8"
	for b in 0 1 2; do
		if [ $((i >> b & 1)) = 1 ]; then
			assert_allows "$T/many$i.json" "${markers[$b]}"
		else
			assert_lacks "$T/many$i.json" "${markers[$b]}"
		fi
	done
done
note "8 containers at once: 8 profiles, each with exactly its own marker calls"
