#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# No depth of nesting chosen inside a traced container makes its calls
# vanish (security review #11, attack 3):
# - A, podman's defaults (no added capability, its seccomp profile): a
#   process nests PID namespaces, each with a mount namespace of its own,
#   through a user namespace, 8, 9 and 20 levels below the container's.
#   main before the fix kept origins relative to the task's own level (8 of
#   them): from 8 levels down the calls were left out as a neighbour's, with
#   an info line claiming a shared PID namespace;
# - H, --pid=host (told apart by its mount namespace): a process that enters
#   a PID namespace of its own stays the container's (main looked a nested
#   task up by mount namespace only for containers sharing a PID namespace).
# Markers: A sched_getattr (depth 8), membarrier (9), getitimer (20); H membarrier.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ct_podman_traced "$T/podman.log"
ann=io.containers.trace-syscall
# nest N CMD...: CMD N PID (and mount) namespaces below the caller's.
nest() {
	local n=$1 s="unshare -Urmpf" i
	shift
	for i in $(seq 2 "$n"); do s="$s unshare -mpf"; done
	echo "$s $*"
}
ct_prun --rm --annotation "$ann=of:$T/a.json" "$CT_IMAGE" \
	sh -c "$(nest 8 stprobe must:sched_getattr) && $(nest 9 stprobe must:membarrier) && $(nest 20 stprobe must:getitimer)" ||
	die "A: no nested PID namespaces (user namespaces in a container)"
ct_prun --rm --pid=host --annotation "$ann=of:$T/h.json" "$CT_IMAGE" \
	unshare -Urpf stprobe must:membarrier || die "H: no PID namespace of its own"
ct_wait_file "$T/a.json" && ct_wait_file "$T/h.json" || die "no profiles: $(tail -n5 "$T/podman.log")"
assert_allows "$T/a.json" sched_getattr membarrier getitimer
assert_allows "$T/h.json" membarrier
! grep -E 'were left out|could not be attributed| (warning|error): ' "$T/podman.log" ||
	die "calls of the containers' own processes were counted as others'"
note ok
