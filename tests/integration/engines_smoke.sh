#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The engine helpers of tests/containers.sh: a private dockerd and the
# containerd it runs, driven by docker and ctr; a seccomp profile given to
# each is enforced; two daemons at once; nothing left behind by a stop.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

# A profile that refuses mkdir (EPERM) and allows everything else.
cat >"$T/nomkdir.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
# expect_eperm DESCRIPTION CMD...: CMD fails, saying Operation not permitted.
expect_eperm() {
	local what=$1 rc=0
	shift
	"$@" >"$T/out" 2>&1 || rc=$?
	[ $rc -ne 0 ] && grep -q 'Operation not permitted' "$T/out" ||
		die "$what: exit $rc, not refused: $(cat "$T/out")"
}

# A registered runtime that notes its arguments and execs runc.
printf '#!/bin/sh\necho "$*" >>%s/logrunc.args\nexec runc "$@"\n' "$T" >"$T/logrunc"
chmod +x "$T/logrunc"
ct_dockerd_start --runtime logrunc="$T/logrunc"
[ -S "${CT_DOCKER_HOST#unix://}" ] && [ -S "$CT_CONTAINERD_SOCK" ] || die "no daemon sockets"
[ "$(cat "$CT_DOCKERD_EXEC/docker.pid")" = "$CT_DOCKERD_PID" ] || die "pidfile does not name our dockerd"
ct_docker info --format '{{.DockerRootDir}} {{json .Runtimes}}' >"$T/info"
grep -q "^$CT_DOCKERD_DIR/data " "$T/info" && grep -q '"logrunc"' "$T/info" ||
	die "dockerd does not use its own root and runtimes: $(cat "$T/info")"
ct_docker_image

# ---- Docker ----
out=$(ct_docker run --rm --network none "$CT_DOCKER_IMAGE" sh -c 'echo hello; echo $PATH')
[ "$out" = "hello
/bin" ] || die "docker run: '$out'"
ct_docker run --rm --network none "$CT_DOCKER_IMAGE" mkdir /tmp/x || die "control: mkdir under Docker's default profile"
expect_eperm "docker run --security-opt seccomp=" \
	ct_docker run --rm --network none --security-opt seccomp="$T/nomkdir.json" "$CT_DOCKER_IMAGE" mkdir /tmp/x
expect_eperm "docker run --runtime logrunc --security-opt seccomp=" \
	ct_docker run --rm --network none --runtime logrunc --security-opt seccomp="$T/nomkdir.json" \
	"$CT_DOCKER_IMAGE" mkdir /tmp/x
grep -q -- ' create --bundle ' "$T/logrunc.args" || die "--runtime logrunc did not run the registered runtime"

# ---- containerd (ctr) ----
ct_ctr_image
out=$(ct_ctr_run --rm "$CT_CTR_IMAGE" c1 sh -c 'echo from ctr' </dev/null)
[ "$out" = "from ctr" ] || die "ctr run: '$out'"
ct_ctr_run --rm --seccomp "$CT_CTR_IMAGE" c2 mkdir /tmp/x </dev/null || die "control: mkdir under containerd's default profile"
expect_eperm "ctr run --seccomp-profile" \
	ct_ctr_run --rm --seccomp --seccomp-profile "$T/nomkdir.json" "$CT_CTR_IMAGE" c3 mkdir /tmp/x </dev/null
[ -z "$(ct_ctr containers ls -q)" ] || die "ctr run --rm left containers: $(ct_ctr containers ls -q)"

# ---- a second daemon at once, started and stopped by another shell ----
other=$T/other.env
bash -c '
	. "$ST_SOURCE/tests/lib.sh"
	. "$ST_SOURCE/tests/containers.sh"
	ct_dockerd_start
	echo "$CT_DOCKERD_EXEC $CT_DOCKERD_DIR $CT_DOCKERD_PID $CT_CTR_NS" >"$1"
	ct_docker_image
	ct_docker run -d --network none --name sleeper "$CT_DOCKER_IMAGE" sleep 1000 >/dev/null
	ct_ctr_image
	ct_ctr_run -d "$CT_CTR_IMAGE" sleeper sleep 1000 >/dev/null
' other "$other" || die "a second dockerd beside the first failed"
read -r o_exec o_dir o_pid o_ns <"$other"
[ "$o_exec" != "$CT_DOCKERD_EXEC" ] || die "two daemons share an exec root"
# its stop (at that shell's exit) left nothing, with containers running then
! kill -0 "$o_pid" 2>/dev/null || die "the second dockerd still runs"
[ ! -e "$o_exec" ] || die "the second daemon's exec root is left: $(find "$o_exec" | head)"
[ -z "$(ct_pids_with "$o_exec/")" ] || die "processes of the second daemon left: $(ct_pids_with "$o_exec/")"
! grep -qF -e " $o_exec/" -e " $o_dir/" /proc/self/mountinfo || die "mounts of the second daemon left"
[ ! -e "/run/containerd/runc/$o_ns" ] || die "the second daemon's runc state is left"
for c in /sys/fs/cgroup/*/"st-d-${o_exec##*.}" /sys/fs/cgroup/*/"$o_ns"; do
	[ ! -e "$c" ] || die "the second daemon's cgroup $c is left"
done
# and ours still answers
ct_docker run --rm --network none "$CT_DOCKER_IMAGE" true || die "the first dockerd stopped working"
