#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Calls the container's seccomp filter refused while recording never reach
# the tracer (seccomp runs before the sys_enter tracepoint): the workload went
# on with the errno they got. A program that tries fchmodat2 and falls back
# to fchmodat on ENOSYS only (glibc 2.39+; stprobe chmod:) is recorded and
# replayed:
# - under podman's default profile (defaultErrnoRet 38), replayed under
#   podman: the profile keeps defaultErrnoRet 38; replayed under Docker 20.10,
#   which drops defaultErrnoRet: the probed calls answer ENOSYS by a rule
#   (io_uring_setup: podman 4.3 refuses it, and below the profile's highest
#   call runc's -ENOSYS stub does not reach), and check --strict passes it
#   only with that rule whole;
# - under a filter that answers ENOSYS to fchmodat2 by a rule (as Docker's
#   does for clone3), replayed with runc: the profile carries that rule;
# - with --errno 1 the profile answers EPERM and the fallback fails, as
#   asked;
# - a config.json whose seccomp fields runc and crun would read differently
#   fails the create with the hook's line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ANN=io.containers.trace-syscall
CHMOD='touch /tmp/x && stprobe chmod:/tmp/x'
PROBES="$CHMOD && stprobe uring"
ct_podman_image

# ---- podman's default profile ----
ct_hooks_dir "$T/hooks" --log "$T/hook.log"
ct_podman --hooks-dir "$T/hooks" run --rm --network none --annotation "$ANN=of:$T/podman.json" \
	"$CT_IMAGE" sh -c "$PROBES" >"$T/rec.out" || die "recording under podman failed: $(cat "$T/rec.out")"
printf 'mode 600\nno io_uring\n' >"$T/expected.out"
cmp -s "$T/rec.out" "$T/expected.out" || die "recording: $(cat "$T/rec.out")"
ct_wait_file "$T/podman.json" || die "no profile: $(cat "$T/hook.log")"
jq -e '.defaultAction == "SCMP_ACT_ERRNO" and .defaultErrnoRet == 38' "$T/podman.json" >/dev/null ||
	die "the profile does not keep podman's defaultErrnoRet 38: $(jq -c '{defaultAction, defaultErrnoRet}' "$T/podman.json")"
assert_allows "$T/podman.json" fchmodat
assert_lacks "$T/podman.json" fchmodat2
grep -q "defaultErrnoRet 38 kept from the container's seccomp filter" "$T/hook.log" ||
	die "the kept errno is not logged: $(cat "$T/hook.log")"
ENOSYS_RULE='.syscalls[] | select(.comment // "" | startswith("ENOSYS for probed calls (seccomp-trace)"))'
jq -e "[$ENOSYS_RULE] | length == 1 and (.[0] | .action == \"SCMP_ACT_ERRNO\" and .errnoRet == 38
	and .args == null and (.names | index(\"io_uring_setup\") and index(\"clone3\")
	and (index(\"fchmodat\") | not)))" "$T/podman.json" >/dev/null ||
	die "no ENOSYS rule for the probed calls: $(jq -c .syscalls "$T/podman.json")"
grep -q "calls programs probe and fall back from answer ENOSYS by a rule too" "$T/hook.log" ||
	die "the ENOSYS rule is not logged"
rc=0
ct_podman run --rm --network none --security-opt seccomp="$T/podman.json" "$CT_IMAGE" \
	sh -c "$PROBES" >"$T/replay.out" 2>&1 || rc=$?
[ $rc -eq 0 ] && cmp -s "$T/replay.out" "$T/expected.out" ||
	die "replay under podman: exit $rc: $(cat "$T/replay.out")"
ct_dockerd_start
ct_docker_image
rc=0
ct_docker run --rm --network none --security-opt seccomp="$T/podman.json" "$CT_DOCKER_IMAGE" \
	sh -c "$PROBES" >"$T/docker.out" 2>&1 || rc=$?
[ $rc -eq 0 ] && cmp -s "$T/docker.out" "$T/expected.out" ||
	die "replay under Docker 20.10: exit $rc: $(cat "$T/docker.out")"
"$ST_BIN" check --strict "$T/podman.json" >"$T/check.out" ||
	die "check --strict fails the recorded profile: $(cat "$T/check.out")"
# without io_uring_setup in the rule: Docker answers EPERM, and check says so
jq "($ENOSYS_RULE).names -= [\"io_uring_setup\"]" "$T/podman.json" >"$T/partial.json"
rc=0
"$ST_BIN" check --strict "$T/partial.json" >"$T/check.out" || rc=$?
[ $rc -eq 1 ] && grep -q "warning: defaultErrnoRet: Docker 20.10 ignores defaultErrnoRet: .*(io_uring_setup)" \
	"$T/check.out" || die "check on a rule without io_uring_setup: exit $rc: $(cat "$T/check.out")"
rc=0
ct_docker run --rm --network none --security-opt seccomp="$T/partial.json" "$CT_DOCKER_IMAGE" \
	stprobe uring >"$T/docker.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -qx "io_uring_setup: Operation not permitted" "$T/docker.out" ||
	die "without the rule Docker should answer EPERM: exit $rc: $(cat "$T/docker.out")"
# merge: the rule stands for the default, not for a denial
echo '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["io_uring_setup"], "action": "SCMP_ACT_ALLOW"}]}' >"$T/uring.json"
"$ST_BIN" merge "$T/podman.json" "$T/uring.json" 2>/dev/null >"$T/merged.json" || die "merge failed"
assert_allows "$T/merged.json" io_uring_setup
jq -e "[$ENOSYS_RULE] | length == 1 and (.[0].names | index(\"clone3\") and (index(\"io_uring_setup\") | not))" \
	"$T/merged.json" >/dev/null || die "merge: the ENOSYS rule: $(jq -c .syscalls "$T/merged.json")"

# ---- a rule answering ENOSYS (runc bundle, noNewPrivileges false) ----
FILTER='{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
  "syscalls":[{"names":["fchmodat2"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}'
ct_bundle "$T/rule" --annotation "of:$T/rule.json" --log "$T/hook.log" --nnp false \
	--seccomp "$FILTER" -- sh -c "$CHMOD"
out=$(ct_run runc "$T/rule" "st-errno-$$-1") || die "recording under the ENOSYS rule failed: $out"
[ "$out" = "mode 600" ] || die "recording: $out"
ct_wait_file "$T/rule.json" || die "no profile: $(cat "$T/hook.log")"
jq -e '.defaultErrnoRet == null and any(.syscalls[]; .action == "SCMP_ACT_ERRNO" and .errnoRet == 38
	and .names == ["fchmodat2"])' "$T/rule.json" >/dev/null ||
	die "fchmodat2 does not answer ENOSYS: $(jq -c .syscalls "$T/rule.json")"
grep -q "refused with ENOSYS while recording, so refused with ENOSYS by the profile too.*: fchmodat2" \
	"$T/hook.log" || die "the ENOSYS rule is not logged"
# in the order merge gives: merging the profile with itself gives it back
"$ST_BIN" merge "$T/rule.json" "$T/rule.json" 2>/dev/null | cmp -s - "$T/rule.json" ||
	die "merge of the profile with itself changed it"
ct_bundle "$T/rule-replay" --nnp false --seccomp "$(ct_oci_seccomp "$T/rule.json")" -- sh -c "$CHMOD"
out=$(ct_run runc "$T/rule-replay" "st-errno-$$-2" 2>&1) || die "replay under runc failed: $out"
[ "$out" = "mode 600" ] || die "replay under runc: $out"

# ---- --errno: the profile answers what it says ----
ct_hooks_dir "$T/hooks-eperm" --log "$T/hook.log" --errno 1
ct_podman --hooks-dir "$T/hooks-eperm" run --rm --network none --annotation "$ANN=of:$T/eperm.json" \
	"$CT_IMAGE" sh -c "$CHMOD" >/dev/null || die "recording with --errno 1 failed"
ct_wait_file "$T/eperm.json" || die "no profile with --errno 1"
jq -e '.defaultErrnoRet == 1' "$T/eperm.json" >/dev/null || die "--errno 1 was not obeyed"
rc=0
ct_podman run --rm --network none --security-opt seccomp="$T/eperm.json" "$CT_IMAGE" \
	sh -c "$CHMOD" >"$T/eperm.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -qx "chmod /tmp/x: Operation not permitted" "$T/eperm.out" ||
	die "under --errno 1 the fallback should fail: exit $rc: $(cat "$T/eperm.out")"

# ---- a config.json runtimes read differently fails the create ----
ct_bundle "$T/odd" --annotation "of:$T/odd.json" --log "$T/hook.log" --nnp false \
	--seccomp "$FILTER" -- true
jq '.linux.seccomp.DefaultErrnoRet = 38' "$T/odd/config.json" >"$T/odd/c" && mv "$T/odd/c" "$T/odd/config.json"
rc=0
ct_run runc "$T/odd" "st-errno-$$-3" >/dev/null 2>"$T/odd.err" || rc=$?
[ $rc -ne 0 ] && grep -q "seccomp-trace: cannot read the container's seccomp filter: .*config.json: linux.seccomp" \
	"$T/odd.err" || die "a folded key in linux.seccomp: exit $rc: $(cat "$T/odd.err")"
[ ! -e "$T/odd.json" ] || die "a profile was written for a refused create"
note ok
