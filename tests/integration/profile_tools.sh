#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# diff, merge, check and the generation options, on real profiles from
# Debian's packages (Docker's default and fixtures, podman's default) and on
# traces.
. "$(dirname "$0")/../lib.sh"

D=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp
DOCKER=$D/default.json
PODMAN=/usr/share/containers/seccomp.json
for f in "$DOCKER" "$PODMAN" "$D/fixtures/default-old-format.json" "$D/fixtures/example.json"; do
	[ -r "$f" ] || die "$f is missing: scripts/setup installs it"
done
st() { "$ST_BIN" "$@"; }
rc_of() { set +e; "$@" >"$T/out" 2>&1; echo $?; set -e; }

# ---- diff ----
[ "$(rc_of st diff "$DOCKER" "$DOCKER")" = 0 ] || die "diff of Docker's profile with itself"
grep -qx "no differences" "$T/out" || die "diff with itself: $(cat "$T/out")"
[ "$(rc_of st diff "$PODMAN" "$PODMAN")" = 0 ] || die "diff of podman's profile with itself"

# one syscall added: exit 1 (fail-on added is the default), named
jq '.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_ALLOW"}]' "$DOCKER" >"$T/plus.json"
[ "$(rc_of st diff "$DOCKER" "$T/plus.json")" = 1 ] || die "an added syscall did not fail the diff"
grep -qx "  + kcmp" "$T/out" || die "the added syscall is not named: $(cat "$T/out")"
grep -qx "1 added (1 allowing more, 0 denying), 0 removed, 0 changed; NEW allows more" "$T/out" ||
	die "summary: $(cat "$T/out")"
# an added ERRNO rule lets nothing more through: it passes --fail-on added,
# and the summary says it denies
jq '.syscalls += [{"names": ["kcmp"], "action": "SCMP_ACT_ERRNO"}]' "$DOCKER" >"$T/deny.json"
[ "$(rc_of st diff "$DOCKER" "$T/deny.json")" = 0 ] &&
	grep -qx "1 added (0 allowing more, 1 denying), 0 removed, 0 changed" "$T/out" ||
	die "an added ERRNO rule: $(cat "$T/out")"
# a rule's errnoRet alone: both sides too
E1='{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kcmp"],"action":"SCMP_ACT_ERRNO"}]}'
echo "$E1" >"$T/r1.json"
jq '.syscalls[0].errnoRet = 38' <<<"$E1" >"$T/r2.json"
rc_of st diff "$T/r1.json" "$T/r2.json" >/dev/null
grep -qxF '  ~ kcmp: SCMP_ACT_ERRNO (errno 1 EPERM by default) -> SCMP_ACT_ERRNO (errno 38 ENOSYS)' "$T/out" ||
	die "a rule's errnoRet alone: $(cat "$T/out")"
# defaultErrnoRet alone: both errnos, on both sides, in every format, counted
jq '.defaultErrnoRet = 38' "$DOCKER" >"$T/enosys38.json"
[ "$(rc_of st diff "$DOCKER" "$T/enosys38.json")" = 0 ] &&
	grep -qxF "defaultAction: SCMP_ACT_ERRNO (errno 1 EPERM by default) -> SCMP_ACT_ERRNO (errno 38 ENOSYS)" "$T/out" &&
	grep -qx "0 added, 0 removed, 1 changed" "$T/out" || die "defaultErrnoRet alone (text): $(cat "$T/out")"
st diff --format markdown "$DOCKER" "$T/enosys38.json" >"$T/out" || true
grep -qF '`SCMP_ACT_ERRNO` (errno 1 EPERM by default) → `SCMP_ACT_ERRNO` (errno 38 ENOSYS)' "$T/out" &&
	grep -qx "0 added, 0 removed, 1 changed." "$T/out" || die "defaultErrnoRet alone (markdown): $(cat "$T/out")"
st diff --format json "$DOCKER" "$T/enosys38.json" >"$T/out" || true
jq -e '.differs and .defaultAction == {old: "SCMP_ACT_ERRNO", new: "SCMP_ACT_ERRNO", oldErrnoRet: 1, newErrnoRet: 38}
	and .counts == {added: 0, addedAllowing: 0, removed: 0, changed: 1}' "$T/out" >/dev/null ||
	die "defaultErrnoRet alone (json): $(cat "$T/out")"
# the other way round it only narrows: passes with the default, fails --fail-on removed
[ "$(rc_of st diff "$T/plus.json" "$DOCKER")" = 0 ] || die "a removal failed --fail-on added"
grep -qx "  - kcmp" "$T/out" || die "removal not shown"
[ "$(rc_of st diff --fail-on removed "$T/plus.json" "$DOCKER")" = 1 ] || die "--fail-on removed"
[ "$(rc_of st diff --fail-on never "$DOCKER" "$T/plus.json")" = 0 ] || die "--fail-on never"
[ "$(rc_of st diff --fail-on any "$DOCKER" "$T/plus.json")" = 1 ] || die "--fail-on any"

# a changed args condition is reported as such, for the whole rule
jq '(.syscalls[] | select(.names == ["personality"] and .args[0].value == 0) | .args[0].value) |= 4' \
	"$DOCKER" >"$T/pers.json"
[ "$(rc_of st diff "$DOCKER" "$T/pers.json")" = 1 ] || die "a changed condition passed"
grep -qx "  ~ personality: conditions \[arg0 EQ 0 0\] -> \[arg0 EQ 4 0\]" "$T/out" ||
	die "changed condition: $(cat "$T/out")"

# what runtimes enforce besides the rules (flags, listenerPath,
# listenerMetadata, defaultErrno; a rule's errno name) is never "no
# differences", and may allow more or less: both gates stop
E='{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}'
echo "$E" >"$T/e0.json"
jq -c '.flags = ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"] | .listenerPath = "/run/agent.sock"
	| .syscalls[0].errno = "EACCES"' <<<"$E" >"$T/e1.json"
[ "$(rc_of st diff "$T/e0.json" "$T/e1.json")" = 1 ] || die "enforced fields: $(cat "$T/out")"
grep -qxF 'flags: (absent) -> ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"]' "$T/out" &&
	grep -qxF 'listenerPath: (absent) -> "/run/agent.sock"' "$T/out" &&
	grep -qxF '  ~ mkdir: SCMP_ACT_ERRNO (errno 1 EPERM by default) -> SCMP_ACT_ERRNO (errno EACCES)' "$T/out" ||
	die "enforced fields not shown: $(cat "$T/out")"
[ "$(rc_of st diff --fail-on removed "$T/e1.json" "$T/e0.json")" = 1 ] || die "enforced fields: --fail-on removed"
jq -c '.defaultErrno = "ENOSYS"' <<<"$E" >"$T/e2.json"
[ "$(rc_of st diff "$T/e0.json" "$T/e2.json")" = 1 ] && grep -qxF 'defaultErrno: (absent) -> "ENOSYS"' "$T/out" ||
	die "defaultErrno: $(cat "$T/out")"
st diff --format json --fail-on never "$T/e0.json" "$T/e1.json" >"$T/e.json"
jq -e '.fieldsChanged[0] == {"field": "flags", "old": "", "new": "[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]"}
	and .changed[0].new.errno == "EACCES"' "$T/e.json" >/dev/null || die "json: $(cat "$T/e.json")"

# machine and CI formats
st diff --format json --fail-on never "$DOCKER" "$T/plus.json" >"$T/d.json"
jq -e '.widens == true and .narrows == false and .added == [{"name": "kcmp",
	"action": "SCMP_ACT_ALLOW", "conditions": ""}] and .removed == []' "$T/d.json" >/dev/null ||
	die "json diff: $(cat "$T/d.json")"
st diff --format markdown --fail-on never "$DOCKER" "$T/plus.json" >"$T/d.md"
grep -q '^- ➕ `kcmp`$' "$T/d.md" && grep -q 'allows more' "$T/d.md" || die "markdown: $(cat "$T/d.md")"
# archMap profiles against a plain list: arches compared as sets
st run -o "$T/trace.json" -- "$ST_PROBE" membarrier
[ "$(rc_of st diff "$T/trace.json" "$DOCKER")" = 1 ] || die "trace vs Docker"
grep -qx "arch + SCMP_ARCH_AARCH64" "$T/out" || die "arch change not shown"

# ---- merge ----
# a trace is in canonical form already: merging it with itself gives it back
st merge "$T/trace.json" "$T/trace.json" -o "$T/mm.json"
cmp -s "$T/trace.json" "$T/mm.json" || die "merge(A, A) != A"
st merge "$DOCKER" >"$T/m1.json" 2>/dev/null
st merge "$DOCKER" "$DOCKER" >"$T/m2.json" 2>/dev/null
cmp -s "$T/m1.json" "$T/m2.json" || die "merge(D, D) != merge(D)"
st merge "$T/m1.json" >"$T/m3.json" 2>/dev/null
cmp -s "$T/m1.json" "$T/m3.json" || die "merge(merge(D)) != merge(D)"
[ "$(rc_of st diff "$DOCKER" "$T/m1.json")" = 0 ] && grep -qx "no differences" "$T/out" ||
	die "merge changed Docker's profile: $(cat "$T/out")"
# two traces: the union; the same bytes in either order
st run -o "$T/t2.json" -- "$ST_PROBE" kcmp
st merge "$T/trace.json" "$T/t2.json" -o "$T/u1.json"
st merge "$T/t2.json" "$T/trace.json" -o "$T/u2.json"
cmp -s "$T/u1.json" "$T/u2.json" || die "merge A B != merge B A"
assert_allows "$T/u1.json" membarrier kcmp
# the field report: A allows socket, B only when arg0 == 1; in either order
# A's allow stays (it subsumes B's), and merge says so
jq '.syscalls[0].names += ["socket"]' "$T/trace.json" >"$T/sa.json"
jq '.syscalls += [{"names": ["socket"], "action": "SCMP_ACT_ALLOW",
	"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]' "$T/t2.json" >"$T/sb.json"
st merge "$T/sa.json" "$T/sb.json" -o "$T/sab.json" 2>"$T/sab.err"
st merge "$T/sb.json" "$T/sa.json" -o "$T/sba.json" 2>/dev/null
cmp -s "$T/sab.json" "$T/sba.json" || die "merge A B != merge B A: $(diff "$T/sab.json" "$T/sba.json")"
assert_allows "$T/sab.json" socket
[ "$(jq '[.syscalls[] | select(.names | index("socket"))] | length' "$T/sab.json")" = 1 ] ||
	die "socket: $(jq -c '.syscalls[] | select(.names | index("socket"))' "$T/sab.json")"
grep -qxF "seccomp-trace: socket: the unconditional allow of $T/sa.json subsumes the conditional allows of $T/sb.json" \
	"$T/sab.err" || die "merge did not say what it subsumed: $(cat "$T/sab.err")"
# a trace into Docker's profile: the trace's kcmp, allowed unconditionally,
# subsumes Docker's allow for CAP_SYS_PTRACE only (what was traced ran it)
st merge "$DOCKER" "$T/t2.json" -o "$T/dt.json" 2>"$T/dt.err"
jq -e '[.syscalls[] | select(.names | index("kcmp")) | {action, includes}] ==
	[{action: "SCMP_ACT_ALLOW", includes: null}]' "$T/dt.json" >/dev/null ||
	die "kcmp: $(jq -c '.syscalls[] | select(.names | index("kcmp"))' "$T/dt.json")"
grep -qF "kcmp: the unconditional allow of $T/t2.json subsumes the conditional allows of $DOCKER" \
	"$T/dt.err" || die "merge did not say what it subsumed: $(cat "$T/dt.err")"
# the old "name" format is read, and written as "names"
st merge "$D/fixtures/default-old-format.json" -o "$T/old.json"
jq -e 'all(.syscalls[]; has("names") and (has("name") | not))
	and ([.syscalls[].names[]] | length) == 311' "$T/old.json" >/dev/null ||
	die "old format not converted"
# denials win unless --allow-wins
echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["membarrier"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$T/deny.json"
st merge "$T/trace.json" "$T/deny.json" -o "$T/md.json" 2>"$T/md.err"
assert_lacks "$T/md.json" membarrier
grep -qxF "seccomp-trace: membarrier: denied (SCMP_ACT_KILL_PROCESS) by $T/deny.json: the allows of $T/trace.json are left out (--allow-wins to allow it)" \
	"$T/md.err" || die "merge did not say what it denied: $(cat "$T/md.err")"
st merge --allow-wins "$T/trace.json" "$T/deny.json" -o "$T/ma.json" 2>/dev/null
assert_allows "$T/ma.json" membarrier
# a denial under argument conditions against an unconditional allow: refused
jq '.syscalls += [{"names": ["socket"], "action": "SCMP_ACT_ERRNO",
	"args": [{"index": 0, "value": 40, "op": "SCMP_CMP_EQ"}]}]' "$T/t2.json" >"$T/vsock.json"
[ "$(rc_of st merge "$T/sa.json" "$T/vsock.json" -o "$T/no.json")" = 1 ] && [ ! -e "$T/no.json" ] ||
	die "merge of an allow and an args denial: $(cat "$T/out")"
grep -qF "cannot merge: $T/sa.json allows socket unconditionally and $T/vsock.json denies it under argument conditions" \
	"$T/out" || die "conflict not named: $(cat "$T/out")"
# the top level: Docker (EPERM) and podman (ENOSYS) disagree on the default
# errno; --errno settles it
[ "$(rc_of st merge "$DOCKER" "$PODMAN")" = 1 ] &&
	grep -qF "cannot merge: the default errno (defaultErrnoRet) is 1 in $DOCKER but 38 in $PODMAN: choose one with --errno" "$T/out" ||
	die "default errno conflict: $(cat "$T/out")"
st merge --errno 38 "$PODMAN" "$T/trace.json" -o "$T/pt.json" 2>/dev/null
jq -e '.defaultErrnoRet == 38' "$T/pt.json" >/dev/null || die "--errno 38 not applied"
# podman reads its defaultErrno name over defaultErrnoRet: --errno replaces both
st merge --errno 1 "$PODMAN" "$T/trace.json" -o "$T/pt1.json" 2>/dev/null
jq -e '.defaultErrnoRet == 1 and (has("defaultErrno") | not)' "$T/pt1.json" >/dev/null ||
	die "--errno 1 left podman's errno name: $(jq -c '{defaultErrno, defaultErrnoRet}' "$T/pt1.json")"
st merge "$PODMAN" -o "$T/pm.json" 2>/dev/null
jq -e '.defaultErrno == "ENOSYS" and .defaultErrnoRet == 38' "$T/pm.json" >/dev/null ||
	die "merge dropped podman's defaultErrno"
# podman denies netlink audit sockets under argument conditions, which an
# unconditional allow of socket (Docker's) would override: refused
[ "$(rc_of st merge --errno 38 "$PODMAN" "$DOCKER")" = 1 ] &&
	grep -qF "cannot merge: $DOCKER allows socket unconditionally and $PODMAN denies it under argument conditions" "$T/out" ||
	die "Docker's and podman's defaults: $(tail -n 1 "$T/out")"
# every order and grouping of four inputs (arch list and archMap, plain,
# conditional and denied rules): the same bytes
ins=("$T/trace.json" "$DOCKER" "$T/deny.json" "$T/sb.json")
st merge "${ins[@]}" -o "$T/flat.json" 2>/dev/null
for order in "0 1 2 3" "3 2 1 0" "1 3 0 2" "2 0 3 1" "3 0 2 1" "1 2 3 0"; do
	set -- $order
	st merge "${ins[$1]}" "${ins[$2]}" "${ins[$3]}" "${ins[$4]}" -o "$T/o.json" 2>/dev/null
	cmp -s "$T/o.json" "$T/flat.json" || die "merge in order $order differs"
done
st merge "${ins[0]}" "${ins[1]}" -o "$T/g01.json" 2>/dev/null
st merge "${ins[2]}" "${ins[3]}" -o "$T/g23.json" 2>/dev/null
st merge "$T/g01.json" "$T/g23.json" -o "$T/g.json" 2>/dev/null
cmp -s "$T/g.json" "$T/flat.json" || die "merge((a,b),(c,d)) != merge(a,b,c,d)"
st merge "$T/g01.json" "${ins[2]}" -o "$T/g012.json" 2>/dev/null
st merge "$T/g012.json" "${ins[3]}" -o "$T/g.json" 2>/dev/null
cmp -s "$T/g.json" "$T/flat.json" || die "merge(((a,b),c),d) != merge(a,b,c,d)"

# ---- check ----
for f in "$DOCKER" "$PODMAN" "$D/fixtures/conditional_include.json" "$T/trace.json" "$T/dt.json"; do
	[ "$(rc_of st check "$f")" = 0 ] || die "check refused $f: $(cat "$T/out")"
done
[ "$(rc_of st check "$D/fixtures/default-old-format.json")" = 0 ] || die "old format refused"
grep -q 'warning: syscalls\[0\].name: old Docker format ("name": one syscall per rule, in 311 rules)' \
	"$T/out" || die "old format not named: $(cat "$T/out")"

# broken profiles: exact message for each
B='{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}'
broken() { # EXIT JQ-FILTER MESSAGE
	local want=$1 filter=$2 msg=$3
	jq -c "$filter" <<<"$B" >"$T/broken.json"
	local rc
	rc=$(rc_of st check "$T/broken.json")
	[ "$rc" = "$want" ] || die "check '$filter': exit $rc, expected $want: $(cat "$T/out")"
	grep -qxF "$T/broken.json: $msg" "$T/out" || die "check '$filter': expected '$msg' in: $(cat "$T/out")"
}
# who refuses: the end of an error's message (tests/check_runtimes.json
# has what each runtime does with each kind of profile)
all=': every runtime refuses it'
runc_based=': runc, podman --runtime runc, Docker and containerd refuse it; crun and podman accept it'
crun_based=': crun and podman refuse it; runc, podman --runtime runc, Docker and containerd accept it'
docker_format=': podman, podman --runtime runc and Docker refuse it; runc, crun and containerd accept it'
broken 1 '.defaultAction = "SCMP_ACT_NOPE"' "error: defaultAction: unknown action \"SCMP_ACT_NOPE\"$all"
broken 1 'del(.defaultAction)' 'error: defaultAction: missing'
broken 1 '.syscalls[0].action = "SCMP_ACT_FOO"' "error: syscalls[0].action: unknown action \"SCMP_ACT_FOO\"$all"
broken 1 '.architectures += ["SCMP_ARCH_VAX"]' "error: architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"$all"
broken 1 '.architectures = ["x86_64"]' "error: architectures[0]: \"x86_64\" is libseccomp's name, not a profile arch (SCMP_ARCH_...)$runc_based"
broken 1 '.archMap = [{"architecture": "SCMP_ARCH_X86_64"}]' "error: archMap: both architectures and archMap are given: use one (runc, crun and containerd read architectures and ignore archMap)$docker_format"
broken 0 '.archMap = []' 'ok (0 warnings)'
broken 1 '.architectures += ["SCMP_ARCH_S390X"]' "error: architectures[1]: SCMP_ARCH_S390X cannot be in one filter with the arches before it (another byte order or word size)$all"
broken 1 '.syscalls[0].args = [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]' "error: syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FOO\"$all"
broken 1 '.syscalls[0].args = [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]' "error: syscalls[0].args[0].index: 6 is out of range (0-5)$all"
broken 1 '.syscalls[0].errnoRet = 5' "error: syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not SCMP_ACT_ALLOW (runc, Docker and containerd ignore it)$crun_based"
broken 1 '.defaultAction = "SCMP_ACT_ALLOW" | .defaultErrnoRet = 1' "error: defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not SCMP_ACT_ALLOW (runc, Docker and containerd ignore it)$crun_based"
broken 1 '.syscalls[0].action = "SCMP_ACT_NOTIFY"' "error: syscalls[0].action: SCMP_ACT_NOTIFY without a listenerPath (runc: \"listenerPath is not set\"; crun lets the call fail with ENOSYS)$runc_based"
broken 1 '.syscalls[0].names = "read"' 'error: syscalls[0].names: expected an array of strings'
broken 1 '.syscalls[0].args = [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]' 'error: syscalls[0].args[0].value: expected an unsigned integer'
broken 1 '.syscalls[0].names += [""]' "error: syscalls[0].names[1]: an empty syscall name (runc: \"empty string is not a valid syscall\"; crun skips it)$runc_based"
broken 1 '.flags = ["SECCOMP_FILTER_FLAG_BOGUS"]' 'error: flags[0]: unknown flag "SECCOMP_FILTER_FLAG_BOGUS" (the flags are SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW and _WAIT_KILLABLE_RECV; Docker 20.10 drops flags): runc, crun, podman, podman --runtime runc and containerd refuse it; Docker accepts it'
broken 0 '.flags = ["SECCOMP_FILTER_FLAG_LOG"]' 'warning: flags: runc 1.1 takes no flags at all; crun applies them, Docker 20.10 drops them: runc, podman --runtime runc and containerd refuse it; crun, podman and Docker accept it'
broken 0 '.syscalls += [{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 16, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]}]' \
	'warning: syscalls[1].args: conditions on the same argument (arg0) cannot all hold at once, so every runtime makes each condition a rule of its own, ORed (the one on arg1 too): socket is allowed when any one condition holds; write one rule per value'
broken 0 '.syscalls += [{"names": ["no_such_call"], "action": "SCMP_ACT_ALLOW"}]' 'warning: syscalls[1].names[0]: unknown syscall "no_such_call" (libseccomp 2.5.4 has no such name on the profile'"'"'s arches; runtimes skip it)'
broken 0 '.syscalls += [{"names": [], "action": "SCMP_ACT_ALLOW"}]' 'warning: syscalls[1].names: empty: the rule applies to nothing'
broken 0 '.syscalls += [{"names": ["read"], "action": "SCMP_ACT_KILL_PROCESS"}]' 'warning: syscalls[1]: "read" is SCMP_ACT_KILL_PROCESS here but SCMP_ACT_ALLOW in syscalls[0]: every runtime applies the first (libseccomp keeps a syscall'"'"'s first unconditional rule), so this one has no effect'
# io_uring: a ring opens files and sockets past every rule: a warning with
# the path of what lets it through, whichever way it does
iou=': through a ring the workload opens files and creates sockets of any family without making those syscalls, past every rule of the profile (the default profiles of Docker 25 and containerd 2.0 refuse io_uring for this reason)'
broken 0 '.syscalls[0].names += ["io_uring_setup"]' "warning: syscalls[0].names[1]: allows io_uring_setup$iou"
broken 0 '.syscalls += [{"names": ["io_uring_enter", "io_uring_register"], "action": "SCMP_ACT_LOG"}]' "warning: syscalls[1].names[0]: allows io_uring_enter, io_uring_register$iou"
broken 0 '.syscalls += [{"names": ["io_uring_setup"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]' "warning: syscalls[1].names[0]: allows io_uring_setup$iou"
broken 0 '.defaultAction = "SCMP_ACT_ALLOW" | .syscalls[0].action = "SCMP_ACT_ERRNO"' "warning: defaultAction: allows io_uring_setup, io_uring_enter, io_uring_register$iou"
broken 0 '.defaultAction = "SCMP_ACT_ALLOW" | .syscalls = [{"names": ["io_uring_setup", "io_uring_enter", "io_uring_register"], "action": "SCMP_ACT_ERRNO"}]' "ok (0 warnings)"
[ "$(rc_of st check "$PODMAN")" = 0 ] && ! grep -q "allows io_uring" "$T/out" || die "podman's default refuses io_uring: $(cat "$T/out")"
# and run says it in its log when what it recorded lets io_uring through
st run -o "$T/iou.json" -- "$ST_PROBE" io_uring_setup 2>"$T/iou.err"
grep -qF "seccomp-trace: warning: the profile allows io_uring_setup (syscalls[0].names[" "$T/iou.err" &&
	grep -qF "$iou" "$T/iou.err" ||
	die "run: no io_uring warning: $(cat "$T/iou.err")"
st run -o "$T/noiou.json" -- "$ST_PROBE" membarrier 2>"$T/noiou.err"
! grep -q io_uring "$T/noiou.err" || die "run: an io_uring warning without io_uring"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [' >"$T/trunc.json"
[ "$(rc_of st check "$T/trunc.json")" = 1 ] || die "truncated JSON accepted"
grep -qF "error: invalid JSON in $T/trunc.json at the end (49 bytes): parse error: premature EOF" "$T/out" || die "truncated: $(cat "$T/out")"
[ "$(rc_of st check /no/such.json)" = 2 ] || die "missing file: not exit 2"
# a SeccompProfile written with --format spo is named as YAML when read back
st run --format spo -o "$T/spo.yaml" -- true
for verb in check "diff $T/spo.yaml" "merge $DOCKER"; do
	rc_of st $verb "$T/spo.yaml" >/dev/null
	grep -qF "$T/spo.yaml looks like a SeccompProfile (YAML): it is not read here; write the profile with --format oci (JSON)" "$T/out" ||
		die "$verb of a SeccompProfile: $(cat "$T/out")"
done
# --strict: warnings fail too
jq -c '.syscalls += [{"names": ["no_such_call"], "action": "SCMP_ACT_ALLOW"}]' <<<"$B" >"$T/warn.json"
jq -c '.syscalls[0].action = "SCMP_ACT_FOO"' <<<"$B" >"$T/bad.json"
printf '%s\n' "$B" >"$T/good.json"
[ "$(rc_of st check "$T/warn.json")" = 0 ] || die "a warning failed check: $(cat "$T/out")"
[ "$(rc_of st check --strict "$T/warn.json")" = 1 ] &&
	grep -qxF "$T/warn.json: 1 warning: --strict fails on warnings" "$T/out" ||
	die "--strict passed a warning: $(cat "$T/out")"
[ "$(rc_of st check --strict "$T/good.json")" = 0 ] || die "--strict failed a clean profile: $(cat "$T/out")"
# -q: errors only, nothing for a profile that passes; but with --strict the
# warnings are what fails, so they are printed
[ "$(rc_of st check -q "$T/warn.json")" = 0 ] && [ ! -s "$T/out" ] || die "check -q: $(cat "$T/out")"
[ "$(rc_of st check --strict -q "$T/warn.json")" = 1 ] &&
	grep -qF "$T/warn.json: warning: syscalls[" "$T/out" &&
	grep -qxF "$T/warn.json: 1 warning: --strict fails on warnings" "$T/out" ||
	die "--strict -q: $(cat "$T/out")"
# --format json: one document, every profile with its status and findings
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": 5}]}' >"$T/type.json"
set +e
st check --format json "$T/good.json" "$T/warn.json" "$T/bad.json" "$T/type.json" /no/such.json \
	>"$T/c.json" 2>"$T/c.err"
rc=$?
set -e
[ $rc = 2 ] && [ ! -s "$T/c.err" ] || die "check --format json: exit $rc, stderr $(cat "$T/c.err")"
jq -e --arg t "$T" '.profiles | length == 5
	and .[0] == {file: "\($t)/good.json", status: "ok", errors: 0, warnings: 0, findings: []}
	and (.[1] | .status == "warnings" and .errors == 0 and .warnings == 1
		and .findings == [{level: "warning", path: "syscalls[1].names[0]",
			message: "unknown syscall \"no_such_call\" (libseccomp 2.5.4 has no such name on the profile'"'"'s arches; runtimes skip it)",
			refused_by: []}])
	and (.[2] | .status == "refused" and .errors == 1
		and .findings == [{level: "error", path: "syscalls[0].action",
			message: "unknown action \"SCMP_ACT_FOO\": every runtime refuses it",
			refused_by: ["runc", "crun", "podman", "podman-runc", "docker", "containerd"]}])
	and (.[3] | .status == "refused"
		and .findings == [{level: "error", path: "syscalls[0].action",
			message: "expected a string", refused_by: null}])
	and (.[4] | .file == "/no/such.json" and .status == "unreadable" and .errors == 1
		and (.findings[0] | .path == "" and (.message | contains("No such file or directory"))
			and .refused_by == null))' "$T/c.json" >/dev/null ||
	die "check --format json: $(cat "$T/c.json")"
[ "$(rc_of st check --format json --strict "$T/warn.json")" = 1 ] || die "--format json --strict"
[ "$(rc_of st check --format yaml "$T/good.json")" = 2 ] || die "--format yaml accepted"

# ---- generation options ----
st run --default-action log -o "$T/log.json" -- /bin/true
[ "$(jq -r .defaultAction "$T/log.json")" = SCMP_ACT_LOG ] || die "--default-action log"
st run --errno 38 -o "$T/enosys.json" -- /bin/true
jq -e '.defaultAction == "SCMP_ACT_ERRNO" and .defaultErrnoRet == 38' "$T/enosys.json" >/dev/null ||
	die "--errno 38"
# errno names as glibc's strerrorname_np gives them
st run --errno ENOSYS -o "$T/enosys-name.json" -- /bin/true
jq -e '.defaultErrnoRet == 38' "$T/enosys-name.json" >/dev/null || die "--errno ENOSYS"
[ "$(rc_of st merge --errno ENOFOO "$DOCKER")" = 2 ] &&
	grep -qF -- "--errno 'ENOFOO': expected an errno number 1-4094 or name (ENOSYS)" "$T/out" ||
	die "--errno ENOFOO: $(cat "$T/out")"
# 4095 and more: libseccomp refuses SCMP_ACT_ERRNO(n), and so every runtime
[ "$(rc_of st merge --errno 4095 "$DOCKER")" = 2 ] || die "--errno 4095 accepted: $(cat "$T/out")"
st merge --errno 4094 "$DOCKER" -o "$T/e4094.json" && st check -q "$T/e4094.json" ||
	die "--errno 4094: $(cat "$T/out")"
# the help says which values are valid, for every option that takes a word
[ "$(rc_of st diff --fail-on bogus "$DOCKER" "$DOCKER")" = 2 ] &&
	grep -qF -- "--fail-on 'bogus': expected added, removed, any or never" "$T/out" || die "diff --fail-on bogus: $(cat "$T/out")"
[ "$(rc_of st hook --scope bogus)" = 2 ] &&
	grep -qF -- "--scope 'bogus': expected after-seccomp or all" "$T/out" || die "hook --scope bogus: $(cat "$T/out")"
# merge of one input: no convergence lines (there is nothing to converge)
st merge "$DOCKER" -o "$T/one.json" 2>"$T/one.err"
! grep -q convergence "$T/one.err" || die "merge of one input: $(cat "$T/one.err")"
# -v before the verb is the verb's -v; --help names --version
[ "$(rc_of st -v check "$DOCKER")" = 0 ] || die "seccomp-trace -v check: $(cat "$T/out")"
st --help | grep -qF -- "--version" || die "--help does not mention --version"
[ "$(rc_of st run --default-action kill-process --errno 1 -o "$T/k.json" -- /bin/true)" = 2 ] &&
	grep -qF -- "--errno goes with --default-action errno only" "$T/out" || die "--errno with kill: $(cat "$T/out")"
st run --format spo -o "$T/My_App.yaml" -- "$ST_PROBE" membarrier
grep -qx 'kind: SeccompProfile' "$T/My_App.yaml" && grep -qx '  name: my-app' "$T/My_App.yaml" &&
	grep -qx '    - membarrier' "$T/My_App.yaml" && grep -qx '  defaultAction: SCMP_ACT_ERRNO' "$T/My_App.yaml" ||
	die "SeccompProfile: $(cat "$T/My_App.yaml")"
st merge --format spo --name web "$DOCKER" -o "$T/docker.yaml" 2>"$T/spo.err"
grep -qx '  name: web' "$T/docker.yaml" && grep -qx '  - SCMP_ARCH_AARCH64' "$T/docker.yaml" ||
	die "Docker's profile as SeccompProfile"
grep -q 'depends on includes/excludes, which the operator cannot express; left out' "$T/spo.err" ||
	die "lossy conversion not reported"
st --version | grep -qx 'seccomp-trace [0-9.]*' || die "--version"
for v in run hook diff merge check; do
	st "$v" --help | grep -q "^Usage: seccomp-trace $v" || die "$v --help"
done
note ok
