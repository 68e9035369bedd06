#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# In a PID namespace shared with a traced container (podman
# --pid=container:A), a neighbour's orphan is adopted by A's init (PID 1 of
# the namespace); its calls stay its own container's, however the execs
# along either side line up (main before the fix credited them to A when
# the orphan's parent_exec_id equalled A's init's self_exec_id):
# - round 1: A, traced, runs `sh -c 'exec stprobe'` (two execs) and has an
#   orphan of its own in a mount namespace of its own (still A's); B,
#   untraced, and C, traced, leave orphans after as many execs as A's init;
# - round 2: A runs stprobe (one exec); D, untraced, leaves an orphan after
#   one exec.
# Markers: A membarrier, A's own orphan sched_getattr, the untraced
# neighbours' orphans getitimer, C's orphan kcmp.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ct_podman_traced "$T/podman.log"
ann=io.containers.trace-syscall
A=st-orph-$$-a
rm_a() { ct_podman rm -f "$A" "$A-2" >/dev/null 2>&1 || true; }
st_at_exit rm_a
# ( ( ...) & ): the outer subshell exits at once, its child is orphaned.
orphan() { echo "( ( sleep 0.3; stprobe $1 ) & )"; }

# Round 1. A's own orphan: in a mount namespace of its own, adopted by A's init.
ct_prun -d --name "$A" --cap-add SYS_ADMIN --annotation "$ann=of:$T/a.json" "$CT_IMAGE" \
	sh -c "unshare -m sh -c '$(orphan sched_getattr)'; exec stprobe membarrier sleep:7000" >/dev/null
# B: an extra exec (sh -c in sh -c) matches A's two.
ct_prun --rm --pid="container:$A" "$CT_IMAGE" sh -c "sh -c '$(orphan getitimer)'; sleep 1.2" ||
	die "B did not run in A's PID namespace"
# C, traced: unshare and sh, two execs; its orphan is in a mount namespace
# no trace has.
ct_prun --rm --pid="container:$A" --cap-add SYS_ADMIN --cap-add SYS_PTRACE \
	--annotation "$ann=of:$T/c.json" "$CT_IMAGE" unshare -m sh -c "$(orphan kcmp); sleep 1.2" ||
	die "C, traced, did not run in A's PID namespace"
ct_podman wait "$A" >/dev/null
ct_wait_file "$T/a.json" && ct_wait_file "$T/c.json" || die "no profiles: $(tail -n5 "$T/podman.log")"
assert_allows "$T/a.json" membarrier sched_getattr
assert_lacks "$T/a.json" getitimer kcmp
assert_allows "$T/c.json" kcmp
assert_lacks "$T/c.json" membarrier sched_getattr getitimer

# Round 2: one exec each side, the reviewer's case.
ct_prun -d --name "$A-2" --annotation "$ann=of:$T/a2.json" "$CT_IMAGE" stprobe membarrier sleep:3500 >/dev/null
ct_prun --rm --pid="container:$A-2" "$CT_IMAGE" sh -c "$(orphan getitimer); sleep 1.2" ||
	die "D did not run in A's PID namespace"
ct_podman wait "$A-2" >/dev/null
ct_wait_file "$T/a2.json" || die "no profile: $(tail -n5 "$T/podman.log")"
assert_allows "$T/a2.json" membarrier
assert_lacks "$T/a2.json" getitimer
grep -q 'info: [0-9]* calls of processes in the container.s PID namespace (or one nested in it) whose lineage came from outside the container' \
	"$T/podman.log" || die "the neighbours' calls were not counted: $(tail -n20 "$T/podman.log")"
note ok
