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
# - D, untraced, enters A's nested namespace (nsenter -p) while a task of
#   A's lives there: the verdict is its lineage's, per task, not the
#   namespace's; A's task makes its marker call after D made its own (a
#   verdict kept per namespace credits A with D's call, or drops A's).
# - A's init becomes `unshare -pf --mount-proc` (sh execs its last command):
#   it leaves A's first mount namespace, and the kernel gives that
#   namespace's inode number to the next one made (D's, in every run here
#   unless another namespace took it first): D's tasks are not A's for
#   that number (main before the fix credited A with all of D, its
#   runtime's calls included, and C's calls too when C got it).
# Markers: A membarrier, A's nested sched_getattr (after D), B's getitimer
# and kcmp, C's nested socket, D's mkdir.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ct_podman_traced "$T/podman.log"
ann=io.containers.trace-syscall
A=st-nest-$$-a
rm_a() { ct_podman rm -f "$A" >/dev/null 2>&1 || true; }
st_at_exit rm_a

# A's nested task waits (calling) for /tmp/go, then makes its marker call;
# A's init exec's the unshare.
tag=st-nest-wait-$$
ct_prun -d --name "$A" --cap-add SYS_ADMIN --annotation "$ann=of:$T/a.json" "$CT_IMAGE" \
	sh -c 'stprobe membarrier; unshare -pf --mount-proc sh -c "$0" '"$tag" \
	'i=0; while [ ! -e /tmp/go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done; stprobe must:sched_getattr' \
	>/dev/null
# Its host PID: the process named $tag three PID namespaces deep.
nested=
for _ in $(seq 100); do
	for p in /proc/[0-9]*; do
		{ tr '\0' '\n' <"$p/cmdline" | grep -qx "$tag"; } 2>/dev/null || continue
		[ "$(awk '/^NSpid:/ {print NF - 1}' "$p/status" 2>/dev/null)" = 3 ] || continue
		nested=${p#/proc/}
	done
	[ -n "$nested" ] && break
	sleep 0.1
done
[ -n "$nested" ] || die "A's nested task did not start"
in_a=$(awk '/^NSpid:/ {print $3}' "/proc/$nested/status")
ct_prun --rm --pid="container:$A" --cap-add SYS_ADMIN --cap-add SYS_PTRACE "$CT_IMAGE" \
	nsenter -p -t "$in_a" stprobe mkdir:/tmp/d || die "D: could not enter A's nested PID namespace"
ct_prun --rm --pid="container:$A" --cap-add SYS_PTRACE "$CT_IMAGE" \
	sh -c 'unshare -Urpf stprobe must:getitimer && unshare -Urmpf unshare -pf stprobe must:kcmp' ||
	die "B: no nested PID namespaces in A's (user namespaces in a container)"
ct_prun --rm --pid="container:$A" --cap-add SYS_ADMIN --annotation "$ann=of:$T/c.json" "$CT_IMAGE" \
	unshare -pf --mount-proc stprobe socket:unix || die "C, traced, did not run in A's PID namespace"
touch "/proc/$nested/root/tmp/go"
ct_podman wait "$A" >/dev/null
ct_wait_file "$T/a.json" && ct_wait_file "$T/c.json" || die "no profiles: $(tail -n5 "$T/podman.log")"
assert_allows "$T/a.json" membarrier sched_getattr
assert_lacks "$T/a.json" getitimer kcmp socket mkdir
assert_allows "$T/c.json" socket
assert_lacks "$T/c.json" membarrier sched_getattr getitimer kcmp mkdir
grep -q 'info: [0-9]* calls of processes in the container.s PID namespace (or one nested in it) whose lineage came from outside the container' \
	"$T/podman.log" || die "B's calls were not counted: $(tail -n20 "$T/podman.log")"
note ok
