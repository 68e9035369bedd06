#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SCMP_ACT_TRACE is no denial: a workload that may ptrace (Docker's default
# profile allows ptrace from kernel 4.8 on) traces its own child with
# PTRACE_O_TRACESECCOMP and the kernel runs the call. Shown under runc and
# crun with the profile in linux.seccomp; then `diff --fail-on added` fails
# on a change that adds TRACE rules or makes the default TRACE or NOTIFY,
# `check` says that the workload can run the call, and `merge --allow-wins`
# lets a TRACE beat an ERRNO.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

# What busybox sh and stprobe need, ptrace and the tracer's wait included.
ct_busybox_profile ptrace kill fork vfork >"$T/old.json"
jq '.syscalls += [{names: ["membarrier", "kcmp"], action: "SCMP_ACT_TRACE"}]' "$T/old.json" >"$T/new.json"
jq '.defaultAction = "SCMP_ACT_TRACE"' "$T/old.json" >"$T/default.json"
jq '.defaultAction = "SCMP_ACT_NOTIFY" | .listenerPath = "/run/agent.sock"' "$T/old.json" >"$T/notify.json"

# ---- the kernel: under TRACE the self-traced call runs ----
for rt in runc crun; do
	ct_bundle "$T/b-$rt" --seccomp "$(ct_oci_seccomp "$T/new.json")" -- sh -c \
		'stprobe must:membarrier; echo "plain=$?"; stprobe selftraced:must:membarrier; echo "selftraced=$?"'
	ct_run "$rt" "$T/b-$rt" "st-trace-$$-$rt" >"$T/$rt.out" 2>&1 || die "$rt: $(cat "$T/$rt.out")"
	grep -q 'Function not implemented' "$T/$rt.out" && grep -qx 'plain=1' "$T/$rt.out" ||
		die "$rt: membarrier did not fail with ENOSYS without a tracer: $(cat "$T/$rt.out")"
	grep -qx 'selftraced=0' "$T/$rt.out" ||
		die "$rt: the self-traced membarrier did not run: $(cat "$T/$rt.out")"
done

# ---- the gate: adding TRACE rules or a TRACE/NOTIFY default allows more ----
rc=0
"$ST_BIN" diff --fail-on added "$T/old.json" "$T/new.json" >"$T/diff.out" || rc=$?
[ $rc -eq 1 ] || die "diff --fail-on added passed TRACE rules (exit $rc): $(cat "$T/diff.out")"
grep -qx "2 added (2 allowing more, 0 denying), 0 removed, 0 changed; NEW allows more" "$T/diff.out" ||
	die "diff does not count the TRACE rules as allowing more: $(cat "$T/diff.out")"
grep -q '^SCMP_ACT_TRACE (may run: when a tracer' "$T/diff.out" ||
	die "diff does not say when a TRACE call runs: $(cat "$T/diff.out")"
for f in default notify; do
	rc=0
	"$ST_BIN" diff --fail-on added "$T/old.json" "$T/$f.json" >"$T/diff-$f.out" || rc=$?
	[ $rc -eq 1 ] && grep -q 'NEW allows more' "$T/diff-$f.out" ||
		die "diff --fail-on added passed the $f default (exit $rc): $(cat "$T/diff-$f.out")"
done
# back from TRACE to ERRNO only narrows: the added gate passes, removed fails
"$ST_BIN" diff --fail-on added "$T/new.json" "$T/old.json" >"$T/back.out" ||
	die "diff --fail-on added failed on a narrowing: $(cat "$T/back.out")"
rc=0
"$ST_BIN" diff --fail-on removed "$T/new.json" "$T/old.json" >"$T/back.out" || rc=$?
[ $rc -eq 1 ] || die "diff --fail-on removed passed TRACE -> ERRNO (exit $rc)"
rc=0
"$ST_BIN" diff --format json "$T/old.json" "$T/new.json" >"$T/diff.json" || rc=$?
jq -e '.widens == true and .counts.addedAllowing == 2' "$T/diff.json" >/dev/null ||
	die "diff --format json: $(cat "$T/diff.json")"

# ---- check says the workload can run it ----
"$ST_BIN" check "$T/new.json" >"$T/check.out" 2>&1 || die "check: $(cat "$T/check.out")"
grep -q 'SCMP_ACT_TRACE lets the call run whenever a tracer with PTRACE_O_TRACESECCOMP continues it: this profile lets the workload ptrace, so it can trace itself and run it' "$T/check.out" ||
	die "check does not say that the workload can run the TRACE calls: $(cat "$T/check.out")"
jq '.syscalls[0].names -= ["ptrace"]' "$T/new.json" >"$T/noptrace.json"
"$ST_BIN" check "$T/noptrace.json" >"$T/check2.out" 2>&1 || die "check: $(cat "$T/check2.out")"
grep -q 'continues it: a tracer outside the container can' "$T/check2.out" ||
	die "check without ptrace: $(cat "$T/check2.out")"

# ---- merge --allow-wins: TRACE (may run) beats ERRNO ----
jq '.syscalls += [{names: ["membarrier"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]' "$T/old.json" >"$T/deny.json"
"$ST_BIN" merge --allow-wins "$T/new.json" "$T/deny.json" >"$T/merged.json" 2>"$T/merge.err" ||
	die "merge: $(cat "$T/merge.err")"
jq -e '[.syscalls[] | select(.names | index("membarrier"))] | length == 1 and .[0].action == "SCMP_ACT_TRACE"' \
	"$T/merged.json" >/dev/null || die "merge --allow-wins: $(jq -c .syscalls "$T/merged.json")"
"$ST_BIN" merge "$T/new.json" "$T/deny.json" >"$T/merged2.json" 2>"$T/merge.err" ||
	die "merge: $(cat "$T/merge.err")"
jq -e '[.syscalls[] | select(.names | index("membarrier"))] | length == 1 and .[0].action == "SCMP_ACT_ERRNO"' \
	"$T/merged2.json" >/dev/null || die "merge: $(jq -c .syscalls "$T/merged2.json")"
echo "ok"
