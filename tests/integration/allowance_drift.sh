#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The built-in runtime allowances against the runtimes installed here: what
# `seccomp-trace allowance` measures of runc and of crun (both
# noNewPrivileges settings, create, start, exec as root and as another user)
# must be in the allowance built in for that runtime. A runtime upgrade that
# needs a new call after its filter load fails here. The measured profile is
# what --runtime-allowance FILE and merge take.
. "$(dirname "$0")/../lib.sh"

# names FILE: the unconditional allows of a profile, one per line, sorted.
names() {
	jq -r '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and (.args // [] | length) == 0)
		| .names[]] | unique | .[]' "$1"
}

for rt in runc crun; do
	"$ST_BIN" allowance --runtime "$rt" -o "$T/$rt.json" 2>"$T/$rt.err" ||
		die "allowance --runtime $rt: $(cat "$T/$rt.err")"
	"$ST_BIN" allowance --builtin "$rt" -o "$T/$rt-builtin.json" ||
		die "allowance --builtin $rt failed"
	# the measurement is the runtime's own: its set-up under the filter
	jq -e --arg v "$("$rt" --version | head -n1)" \
		'.syscalls[0].comment | contains($v) and contains("measured by seccomp-trace allowance")' \
		"$T/$rt.json" >/dev/null || die "$rt: $(jq -c .syscalls[0].comment "$T/$rt.json")"
	assert_allows "$T/$rt.json" execve capset
	# never a call of the set-up before the filter load
	assert_lacks "$T/$rt.json" mount pivot_root umount2 sethostname setns unshare chroot seccomp
	missing=$(comm -23 <(names "$T/$rt.json") <(names "$T/$rt-builtin.json"))
	[ -z "$missing" ] ||
		die "$rt ($("$rt" --version | head -n1)) needs calls its built-in allowance lacks" \
			"(hook/allowance.c): $(echo $missing)"
	note "$rt: $(names "$T/$rt.json" | wc -l) calls measured, all built in"
done
# The check tells runtimes apart: runc needs what crun's allowance lacks.
[ -n "$(comm -23 <(names "$T/runc.json") <(names "$T/crun-builtin.json"))" ] ||
	die "runc's measured allowance fits crun's: the comparison proves nothing"
assert_allows "$T/runc.json" setuid setgid setgroups
assert_allows "$T/crun.json" setresuid setresgid

# What users do with a measurement: --runtime-allowance FILE, and merge.
"$ST_BIN" run --runtime-allowance "$T/crun.json" -o "$T/run.json" -- "$ST_PROBE" membarrier
jq -e --arg f "$T/crun.json" '[.syscalls[] | select(.comment // "" | startswith("runtime allowance (seccomp-trace): what " + $f))] | length == 1' \
	"$T/run.json" >/dev/null || die "--runtime-allowance FILE: $(jq -c '.syscalls[] | .comment' "$T/run.json")"
[ "$(comm -23 <(names "$T/crun.json") <(names "$T/run.json"))" = "" ] ||
	die "--runtime-allowance FILE lost calls of the file"
"$ST_BIN" run --runtime-allowance none -o "$T/none.json" -- "$ST_PROBE" membarrier
"$ST_BIN" merge "$T/none.json" "$T/runc.json" -o "$T/merged.json" 2>/dev/null
[ "$(comm -23 <(names "$T/runc.json") <(names "$T/merged.json"))" = "" ] &&
	allows "$T/merged.json" membarrier || die "merge of a measured allowance: $(names_of "$T/merged.json")"

# Errors: one line naming the thing.
rc=0
"$ST_BIN" allowance --runtime /nonexistent/runc >/dev/null 2>"$T/bad.err" || rc=$?
[ $rc -eq 1 ] && grep -qx 'seccomp-trace: runtime /nonexistent/runc: No such file or directory' "$T/bad.err" ||
	die "a missing runtime: exit $rc: $(cat "$T/bad.err")"
# a program that is no runtime: said at once, not after the tracer's timeout
rc=0
start=$(date +%s)
"$ST_BIN" allowance --runtime /bin/true >/dev/null 2>"$T/true.err" || rc=$?
[ $rc -eq 1 ] && [ $(($(date +%s) - start)) -lt 5 ] &&
	grep -qF 'create exited 0 but created no container (it wrote no --pid-file): is it an OCI runtime?' "$T/true.err" ||
	die "allowance --runtime /bin/true: exit $rc: $(cat "$T/true.err")"
# a bad option value is a usage error (2), naming the valid values
rc=0
"$ST_BIN" allowance --builtin youki >/dev/null 2>"$T/youki.err" || rc=$?
[ $rc -eq 2 ] && grep -qF -- "--builtin 'youki': expected runc or crun" "$T/youki.err" ||
	die "allowance --builtin youki: exit $rc: $(cat "$T/youki.err")"
[ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'seccomp-trace-allowance.*' -newer "$T/runc.json")" ] ||
	die "work directories left behind"
note ok
