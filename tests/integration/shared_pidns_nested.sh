#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# PID namespaces nested in one shared with a traced container (podman
# --pid=container:A): the outer trace counts a nested namespace's calls only
# when its lineage came from A (main before the fix credited A with every
# nested namespace in its PID namespace, a neighbour's too):
# - A, traced, runs `unshare -pf --mount-proc` (a namespace and a mount
#   namespace of its own): still A's;
# - B, untraced and without CAP_SYS_ADMIN (SYS_PTRACE: podman's filter
#   allows kcmp only then), makes a user and PID namespace
#   (`unshare -Urpf`, B's mount namespace) and one two levels down with a
#   mount namespace of its own (`unshare -Urmpf unshare -pf`);
# - C, traced, runs `unshare -pf --mount-proc`: C's, not A's.
# Markers: A membarrier, A's nested sched_getattr, B's getitimer and kcmp,
# C's nested socket.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ct_podman_traced "$T/podman.log"
ann=io.containers.trace-syscall
A=st-nest-$$-a
rm_a() { ct_podman rm -f "$A" >/dev/null 2>&1 || true; }
st_at_exit rm_a

ct_prun -d --name "$A" --cap-add SYS_ADMIN --annotation "$ann=of:$T/a.json" "$CT_IMAGE" \
	sh -c 'unshare -pf --mount-proc stprobe must:sched_getattr; exec stprobe membarrier sleep:6000' >/dev/null
ct_prun --rm --pid="container:$A" --cap-add SYS_PTRACE "$CT_IMAGE" \
	sh -c 'unshare -Urpf stprobe must:getitimer && unshare -Urmpf unshare -pf stprobe must:kcmp' ||
	die "B: no nested PID namespaces in A's (user namespaces in a container)"
ct_prun --rm --pid="container:$A" --cap-add SYS_ADMIN --annotation "$ann=of:$T/c.json" "$CT_IMAGE" \
	unshare -pf --mount-proc stprobe socket:unix || die "C, traced, did not run in A's PID namespace"
ct_podman wait "$A" >/dev/null
ct_wait_file "$T/a.json" && ct_wait_file "$T/c.json" || die "no profiles: $(tail -n5 "$T/podman.log")"
assert_allows "$T/a.json" membarrier sched_getattr
assert_lacks "$T/a.json" getitimer kcmp socket
assert_allows "$T/c.json" socket
assert_lacks "$T/c.json" membarrier sched_getattr getitimer kcmp
grep -q 'info: [0-9]* calls of processes in the container.s PID namespace (or one nested in it) whose lineage came from outside the container' \
	"$T/podman.log" || die "B's calls were not counted: $(tail -n20 "$T/podman.log")"
note ok
