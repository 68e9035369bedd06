#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A PID namespace shared by two traced containers outlives the trace that
# holds its key (security review #11, attack 3): P, untraced, owns the
# namespace; A and V, traced, join it (podman --pid=container:P, as in a
# pod). A holds the namespace's key, V is told apart by its mount namespace.
# Once A's trace has ended, a process of V in a mount namespace of its own
# (unshare -m) is still V's: main before the fix found it by no lookup, its
# calls recorded and counted nowhere.
# Markers: V's unshare'd membarrier, V's own getitimer.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ct_podman_traced "$T/podman.log"
ann=io.containers.trace-syscall
P=st-hgone-$$-p A=st-hgone-$$-a V=st-hgone-$$-v
rm_all() { ct_podman rm -f -t 0 "$V" "$A" "$P" >/dev/null 2>&1 || true; }
st_at_exit rm_all
ct_prun -d --name "$P" "$CT_IMAGE" sleep 60 >/dev/null
# A and V wait for their /tmp/go: A ends once V is traced, V calls once
# A's trace is gone.
wait_go='i=0; while [ ! -e /tmp/go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done'
ct_prun -d --name "$A" --pid="container:$P" --annotation "$ann=of:$T/a.json" "$CT_IMAGE" sh -c "$wait_go" >/dev/null
ct_prun -d --name "$V" --pid="container:$P" --cap-add SYS_ADMIN --annotation "$ann=of:$T/v.json" "$CT_IMAGE" \
	sh -c "$wait_go; unshare -m stprobe must:membarrier; stprobe getitimer" >/dev/null
go() { touch "/proc/$(ct_podman inspect -f '{{.State.Pid}}' "$1")/root/tmp/go"; }
go "$A"
ct_podman wait "$A" >/dev/null
ct_wait_file "$T/a.json" || die "no profile for A: $(tail -n5 "$T/podman.log")"
a_id=$(ct_podman inspect -f '{{.Id}}' "$A" | cut -c1-12)
tracer=$(sed -n "s/.*seccomp-trace\[$a_id\]\[\([0-9]*\)\] info: profile written.*/\1/p" "$T/podman.log")
[ -n "$tracer" ] && ct_wait_gone "$tracer" 10 || die "A's tracer did not end: $(tail -n5 "$T/podman.log")"
go "$V"
ct_podman wait "$V" >/dev/null
ct_wait_file "$T/v.json" || die "no profile for V: $(tail -n5 "$T/podman.log")"
assert_allows "$T/v.json" membarrier getitimer
assert_lacks "$T/a.json" membarrier getitimer
grep -q "seccomp-trace\[$(ct_podman inspect -f '{{.Id}}' "$V" | cut -c1-12)\].*told apart by its mount namespace" \
	"$T/podman.log" || die "V was not told apart by its mount namespace: $(tail -n20 "$T/podman.log")"
note ok
