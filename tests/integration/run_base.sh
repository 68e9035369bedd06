#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run --base: the output is the base plus what was seen, never widened.
. "$(dirname "$0")/../lib.sh"

cat >"$T/base.json" <<'JSON'
{
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_X86_64"],
  "x-keep": {"nested": [1, "two"]},
  "syscalls": [
    {"names": ["membarrier"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95},
    {"names": ["kcmp"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 2, "value": 0, "op": "SCMP_CMP_EQ"}]},
    {"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "kept"}
  ]
}
JSON
"$ST_BIN" run --base "$T/base.json" -o "$T/out.json" -- "$ST_PROBE" membarrier kcmp getitimer 2>"$T/run.err"
# a call the base keeps blocked is a warning, without -v: the workload may
# not run under the profile
grep -qxF "seccomp-trace: warning: membarrier was called but the base profile's rule says SCMP_ACT_ERRNO: kept blocked" "$T/run.err" ||
	die "no warning for a call the base blocks: $(cat "$T/run.err")"
assert_valid_profile "$T/out.json"
jq -e '."x-keep".nested[1] == "two" and .defaultErrnoRet == 1' "$T/out.json" >/dev/null ||
	die "base fields lost"
jq -e '.syscalls[0] == {"names":["membarrier"],"action":"SCMP_ACT_ERRNO","errnoRet":95}' \
	"$T/out.json" >/dev/null || die "blocked rule changed: $(jq -c '.syscalls[0]' "$T/out.json")"
jq -e '.syscalls[1].args[0].index == 2' "$T/out.json" >/dev/null || die "conditional rule changed"
assert_lacks "$T/out.json" membarrier kcmp
assert_allows "$T/out.json" getitimer execve read
[ "$(jq '.syscalls | length' "$T/out.json")" -eq 5 ] ||
	die "expected the 3 base rules plus the trace's and the runtime allowance"
jq -e '.syscalls[4].comment | startswith("runtime allowance (seccomp-trace)")' "$T/out.json" >/dev/null ||
	die "the runtime allowance is not the last rule: $(jq -c '.syscalls[4]' "$T/out.json")"

# A bad base fails before CMD runs.
echo '{"defaultAction": ' >"$T/bad.json"
set +e
"$ST_BIN" run --base "$T/bad.json" -o "$T/o2.json" -- touch "$T/ran" 2>"$T/err"
rc=$?
set -e
[ $rc -eq 125 ] || die "bad base: exit $rc"
[ ! -e "$T/ran" ] || die "CMD ran despite a bad base"
[ ! -e "$T/o2.json" ] || die "output written despite a bad base"
grep -qF "seccomp-trace: cannot use base profile: invalid JSON in $T/bad.json at the end (19 bytes)" "$T/err" ||
	die "bad base message: $(cat "$T/err")"
note ok
