#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Provenance reports (--report): who made each syscall first, and in which
# set, from run, the hook (podman's hooks.d) and the runtime shim's hook
# args; markdown by name; hostile names and report paths.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ann=io.containers.trace-syscall
probe=$(realpath "$ST_PROBE")
# entry FILE NAME: the report's entry for NAME (native arch) as compact JSON.
entry() {
	jq -c --arg n "$2" '.syscalls[] | select(.name == $n and .arch == "SCMP_ARCH_X86_64")' "$1"
}
# expect_fail STATUS TEXT CMD...: CMD exits STATUS and says TEXT on stderr.
expect_fail() {
	local want=$1 text=$2 rc=0
	shift 2
	"$@" >"$T/fail.out" 2>"$T/fail.err" || rc=$?
	[ $rc -eq "$want" ] || die "$*: exit $rc, not $want: $(cat "$T/fail.err")"
	grep -qF -- "$text" "$T/fail.err" || die "$*: no '$text' in: $(cat "$T/fail.err")"
}

# ---- run: JSON, every set, the first process and its PID in the namespace ----
"$ST_BIN" run -o "$T/r.json" --report "$T/r.report.json" -- \
	"$ST_PROBE" comm:first-probe membarrier fork:getcpu sleep:1000 >/dev/null
jq -e --arg p "$T/r.json" --arg c "$ST_PROBE" \
	'.seccompTraceReport == 1 and .profile == $p and .command == [$c, "comm:first-probe",
	 "membarrier", "fork:getcpu", "sleep:1000"] and (.container | not)' "$T/r.report.json" >/dev/null ||
	die "report header: $(jq -c 'del(.syscalls)' "$T/r.report.json")"
# CMD is PID 2 of its namespace, its child 3; the child exits at once, so
# its executable may be gone before the tracer looks: only comm is sure.
entry "$T/r.report.json" membarrier | jq -e --arg e "$probe" '.origin == "workload" and .inProfile
	and .first == {comm: "first-probe", exe: $e, pid: 2}' >/dev/null ||
	die "membarrier: $(entry "$T/r.report.json" membarrier)"
entry "$T/r.report.json" getcpu | jq -e '.origin == "workload" and .first.comm == "first-probe"
	and .first.pid == 3' >/dev/null || die "getcpu: $(entry "$T/r.report.json" getcpu)"
# What the profile allows is what the report calls inProfile, no more, no less.
[ "$(jq -r '[.syscalls[] | select(.inProfile) | .name] | unique | join(" ")' "$T/r.report.json")" = \
	"$(names_of "$T/r.json")" ] ||
	die "report and profile disagree: $(jq -r '[.syscalls[] | select(.inProfile) | .name] | unique | join(" ")' \
		"$T/r.report.json") / $(names_of "$T/r.json")"

# run has no runtime: its own child's calls before CMD's exec (rt_sigprocmask)
# are no runtime set-up, and no process of seccomp-trace is cited (but for
# execve, which the child enters as itself).
jq -e '[.syscalls[] | select(.origin == "runtime-setup" or (.first.comm == "seccomp-trace" and .name != "execve"))] == []' \
	"$T/r.report.json" >/dev/null ||
	die "run's report has set-up entries: $(jq -c '[.syscalls[] | select(.origin == "runtime-setup" or (.first.comm == "seccomp-trace" and .name != "execve"))]' "$T/r.report.json")"

# Markdown when the name ends in .md: a marker line, hostile text in code spans.
"$ST_BIN" run -o "$T/m.json" --report "$T/m.report.md" -- \
	"$ST_PROBE" $'comm:a`b\n<i>\\' membarrier sleep:1000 >/dev/null
[ "$(head -n 1 "$T/m.report.md")" = '<!-- seccomp-trace report -->' ] || die "markdown marker: $(head -n 1 "$T/m.report.md")"
grep -qxF -- "- \`membarrier\` — first: \`$probe\` (\`\`a\`b\\x0a<i>\\x5c\`\`), pid 2" "$T/m.report.md" ||
	die "markdown membarrier line: $(grep membarrier "$T/m.report.md")"
grep -q '^\*\*Workload\*\*$' "$T/m.report.md" || die "no Workload section: $(cat "$T/m.report.md")"
! grep -qi 'runtime set-up' "$T/m.report.md" || die "run's markdown report names a runtime set-up: $(cat "$T/m.report.md")"
# The same name in JSON: escaped, never raw.
"$ST_BIN" run -o "$T/h.json" --report "$T/h.report.json" -- "$ST_PROBE" $'comm:a`b\n<i>\\' membarrier >/dev/null
[ "$(entry "$T/h.report.json" membarrier | jq -r .first.comm)" = 'a`b\x0a<i>\x5c' ] ||
	die "hostile comm in JSON: $(entry "$T/h.report.json" membarrier)"

# --report never replaces what is not a report, checked before CMD runs.
echo 'ssh-ed25519 AAAA user@host' >"$T/keys"
expect_fail 125 "cannot write $T/keys: it exists and is not a seccomp-trace report (only a report or an empty file is ever replaced)" \
	"$ST_BIN" run -o "$T/x.json" --report "$T/keys" -- touch "$T/ran"
[ ! -e "$T/ran" ] && [ "$(cat "$T/keys")" = 'ssh-ed25519 AAAA user@host' ] || die "CMD ran or keys changed"
expect_fail 125 "cannot write $T/r.json: it exists and is not a seccomp-trace report" \
	"$ST_BIN" run -o "$T/x.json" --report "$T/r.json" -- true
ln -s "$T/keys" "$T/link.json"
expect_fail 125 "cannot write $T/link.json: it is a symbolic link" \
	"$ST_BIN" run -o "$T/x.json" --report "$T/link.json" -- true
# A report (JSON or markdown) is replaced.
"$ST_BIN" run -o "$T/r.json" --report "$T/r.report.json" -- "$ST_PROBE" kcmp >/dev/null
entry "$T/r.report.json" kcmp | jq -e '.origin == "workload"' >/dev/null || die "report not replaced"
"$ST_BIN" run -o "$T/m.json" --report "$T/m.report.md" -- "$ST_PROBE" kcmp >/dev/null
grep -q '`kcmp`' "$T/m.report.md" || die "markdown report not replaced"

# ---- diff --report: who needed what NEW adds; merge --stats ----
"$ST_BIN" run -o "$T/old.json" --report "$T/old.report.json" -- "$ST_PROBE" membarrier >/dev/null
"$ST_BIN" run -o "$T/new.json" --report "$T/new.report.json" -- \
	"$ST_PROBE" comm:needs-kcmp membarrier kcmp sleep:1000 >/dev/null
rc=0
"$ST_BIN" diff --report "$T/new.report.json" "$T/old.json" "$T/new.json" >"$T/diff.txt" || rc=$?
[ $rc -eq 1 ] && grep -qxF "  + kcmp  (first: $probe, pid 2)" "$T/diff.txt" ||
	die "diff --report text: exit $rc: $(cat "$T/diff.txt")"
rc=0
"$ST_BIN" diff --report "$T/old.report.json" "$T/old.json" "$T/new.json" >"$T/diff.txt" || rc=$?
[ $rc -eq 1 ] && grep -qxF "  + kcmp  (not in the report)" "$T/diff.txt" || die "a report without kcmp: $(cat "$T/diff.txt")"
# several reports: the one that has it is cited, and named
rc=0
"$ST_BIN" diff --report "$T/old.report.json" --report "$T/new.report.json" --format markdown \
	"$T/old.json" "$T/new.json" >"$T/diff.md" || rc=$?
grep -qxF -- "- ➕ \`kcmp\` — first: \`$probe\` (\`needs-kcmp\`), pid 2 (\`new.report.json\`)" "$T/diff.md" ||
	die "diff --report markdown: $(cat "$T/diff.md")"
"$ST_BIN" diff --report "$T/new.report.json" --format json "$T/old.json" "$T/new.json" >"$T/diff.json" || true
jq -e --arg e "$probe" --arg r "$T/new.report.json" '.added[] | select(.name == "kcmp") | .provenance ==
	{report: $r, origin: "workload", arch: "SCMP_ARCH_X86_64", first: {comm: "needs-kcmp", exe: $e, pid: 2}}' \
	"$T/diff.json" >/dev/null || die "diff --report json: $(jq -c .added "$T/diff.json")"
# a changed defaultErrnoRet is shown with its values (the CI comment's line)
echo '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[]}' >"$T/e38.json"
echo '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"syscalls":[]}' >"$T/e1.json"
"$ST_BIN" diff --format markdown "$T/e38.json" "$T/e1.json" >"$T/diff.md" || true
grep -qxF -- '- defaultAction: `SCMP_ACT_ERRNO` (errno 38 ENOSYS) → `SCMP_ACT_ERRNO` (errno 1 EPERM)' "$T/diff.md" ||
	die "defaultErrnoRet in markdown: $(cat "$T/diff.md")"
"$ST_BIN" diff "$T/e38.json" "$T/e1.json" >"$T/diff.txt" || true
grep -qxF 'defaultAction: SCMP_ACT_ERRNO (errno 38 ENOSYS) -> SCMP_ACT_ERRNO (errno 1 EPERM)' "$T/diff.txt" ||
	die "defaultErrnoRet in text: $(cat "$T/diff.txt")"
# a report is hostile input: refused, exit 2, with its path
printf '{"seccompTraceReport":1,"syscalls":[{"name":"kcmp","name":"x","arch":"a","origin":"workload"}]}' >"$T/bad.report.json"
expect_fail 2 "syscalls[0]: duplicate key" "$ST_BIN" diff --report "$T/bad.report.json" "$T/old.json" "$T/new.json"
expect_fail 2 "$T/r.json: not a seccomp-trace report" "$ST_BIN" diff --report "$T/r.json" "$T/old.json" "$T/new.json"

# merge: what each input added beyond those before it, on stderr and as JSON
"$ST_BIN" merge -o "$T/m.json" --stats - "$T/old.json" "$T/new.json" "$T/new.json" >"$T/stats.json" 2>"$T/merge.err"
jq -e '.seccompTraceConvergence == 1 and (.inputs | length) == 3 and (.inputs[1].addedSyscalls | index("kcmp"))
	and .inputs[2].addedSyscalls == [] and .unchangedTail == 1' "$T/stats.json" >/dev/null ||
	die "merge --stats: $(cat "$T/stats.json")"
grep -qF "convergence: $T/new.json: +" "$T/merge.err" && grep -qF "convergence: $T/new.json: nothing new" "$T/merge.err" &&
	grep -qF "convergence: the last 1 of 3 inputs added nothing" "$T/merge.err" || die "merge's stderr: $(cat "$T/merge.err")"
# the last input added something: said so, not "the last 0 inputs added nothing"
"$ST_BIN" merge -o "$T/m.json" "$T/old.json" "$T/new.json" 2>"$T/merge.err"
grep -qF "convergence: the last of 2 inputs still added something" "$T/merge.err" &&
	! grep -q "the last 0 of" "$T/merge.err" || die "merge's stderr: $(cat "$T/merge.err")"
"$ST_BIN" merge -o "$T/m.json" --stats "$T/stats2.json" "$T/new.json" "$T/old.json" 2>/dev/null
jq -e '.unchangedTail == 1 and .inputs[0].addedSyscalls != []' "$T/stats2.json" >/dev/null || die "--stats FILE: $(cat "$T/stats2.json")"
expect_fail 2 "--stats -: the profile goes to stdout" "$ST_BIN" merge --stats - "$T/old.json"
expect_fail 1 "cannot write $T/old.json: it exists and is not seccomp-trace merge statistics" \
	"$ST_BIN" merge -o "$T/m.json" --stats "$T/old.json" "$T/new.json"
jq -e '.defaultAction' "$T/old.json" >/dev/null || die "--stats overwrote a profile"

# ---- the hook (podman, hooks.d args) ----
ct_podman_image
ct_hooks_dir "$T/hooks" --log "$T/hook.log" --report
ct_hooks_dir "$T/hooks-md" --log "$T/hook.log" --report=markdown
prun() {
	local hooks=$1
	shift
	ct_podman --hooks-dir "$hooks" run --rm --network none "$@"
}
prun "$T/hooks" --annotation "$ann=of:$T/c.json" "$CT_IMAGE" stprobe comm:probe9 membarrier sleep:1000
ct_wait_file "$T/c.report.json" || die "no report beside of:; log: $(cat "$T/hook.log")"
assert_allows "$T/c.json" membarrier
jq -e --arg p "$T/c.json" '.profile == $p and .scope == "after-seccomp" and (.container.id | length) == 64
	and .container.pid > 0' "$T/c.report.json" >/dev/null || die "hook report header: $(jq -c 'del(.syscalls)' "$T/c.report.json")"
entry "$T/c.report.json" membarrier | jq -e '.origin == "workload" and .first == {comm: "probe9",
	exe: "/bin/stprobe", pid: 1}' >/dev/null || die "hook membarrier: $(entry "$T/c.report.json" membarrier)"
# crun's set-up under its filter (capset, setresuid, ...) is the runtime
# allowance, made by crun's process; its set-up before the filter (mount,
# pivot_root) is not in the profile.
jq -e '[.syscalls[] | select(.origin == "runtime-allowance")] | length > 0 and
	all(.[]; .inProfile and .first.comm == "crun" and .first.pid == 1)' "$T/c.report.json" >/dev/null ||
	die "no runtime allowance in the hook's report: $(jq -c '[.syscalls[] | [.name, .origin]]' "$T/c.report.json")"
entry "$T/c.report.json" pivot_root | jq -e '.origin == "runtime-setup" and (.inProfile | not)' >/dev/null ||
	die "pivot_root: $(entry "$T/c.report.json" pivot_root)"
grep -q "first sightings by process (.*): .*/bin/stprobe (probe9, pid 1)" "$T/hook.log" || die "no summary line in the log"
# a process known by its comm alone: "crun (pid 1) 36", no blank before pid
grep -qE "first sightings by process .*[:,] crun \(pid 1\) [0-9]+" "$T/hook.log" ||
	die "crun in the summary line: $(grep 'first sightings' "$T/hook.log")"
grep -qF "report written to $T/c.report.json" "$T/hook.log" || die "the log does not say where the report went"
# No line per syscall at info level: the summary is one line.
[ "$(grep -c 'first membarrier' "$T/hook.log")" -eq 0 ] || die "per-syscall lines without -v"

prun "$T/hooks-md" --annotation "$ann=of:$T/d.json" "$CT_IMAGE" stprobe membarrier
ct_wait_file "$T/d.report.md" || die "no markdown report; log: $(tail -n 5 "$T/hook.log")"
grep -q '^- `membarrier` — first: ' "$T/d.report.md" || die "hook markdown: $(cat "$T/d.report.md")"

# Hostile report paths: the create fails with the cause, nothing is written
# through them, and the profile stays as it was (the check happens at create).
hook_refuses() {
	local name=$1 text=$2 rc=0
	prun "$T/hooks" --annotation "$ann=of:$T/$name.json" "$CT_IMAGE" true >"$T/pf.out" 2>&1 || rc=$?
	[ $rc -ne 0 ] || die "$name: the container ran although its report cannot be written"
	grep -qF -- "$text" "$T/hook.log" || die "$name: the log lacks '$text': $(tail -n 3 "$T/hook.log")"
}
echo secret >"$T/target"
ln -s "$T/target" "$T/sym.report.json"
hook_refuses sym "cannot write $T/sym.report.json: it is a symbolic link"
echo 'not a report' >"$T/other.report.json"
hook_refuses other "cannot write $T/other.report.json: it exists and is not a seccomp-trace report"
mkfifo "$T/fifo.report.json"
hook_refuses fifo "cannot write $T/fifo.report.json: not a regular file"
mkdir "$T/dir.report.json"
hook_refuses dir "cannot write $T/dir.report.json: not a regular file"
# of: itself fits (its temporary file's name too), the report's does not
long=$(printf 'p%.0s' $(seq 240))
hook_refuses "$long" "cannot write $T/$long.report.json: File name too long"
[ "$(cat "$T/target")" = secret ] && [ "$(cat "$T/other.report.json")" = 'not a report' ] ||
	die "a hostile report path was written through"
[ ! -e "$T/sym.json" ] && [ ! -e "$T/other.json" ] || die "a profile was written for a refused create"

# An existing report is replaced; a directory moved while the container runs
# takes both files with it (the tracer holds it).
prun "$T/hooks" --annotation "$ann=of:$T/c.json" "$CT_IMAGE" stprobe kcmp
for _ in $(seq 100); do entry "$T/c.report.json" kcmp | grep -q . && break; sleep 0.1; done
entry "$T/c.report.json" kcmp | jq -e '.origin == "workload"' >/dev/null || die "the hook did not replace its report"
mkdir "$T/mv"
prun "$T/hooks" --annotation "$ann=of:$T/mv/out.json" "$CT_IMAGE" sleep 1 &
mover=$!
for _ in $(seq 50); do grep -qF "into $T/mv/out.json" "$T/hook.log" && break; sleep 0.1; done
mv "$T/mv" "$T/moved"
wait $mover
ct_wait_file "$T/moved/out.report.json" || die "the report did not follow its directory; log: $(tail -n 3 "$T/hook.log")"
[ -e "$T/moved/out.json" ] && [ ! -e "$T/mv" ] || die "profile and report apart"

# --allow-dir: the report goes beside of: under the allowed directory only.
mkdir -p "$T/allowed/sub"
ct_hooks_dir "$T/hooks-allow" --log "$T/hook.log" --report --allow-dir "$T/allowed"
prun "$T/hooks-allow" --annotation "$ann=of:$T/allowed/sub/a.json" "$CT_IMAGE" stprobe membarrier
ct_wait_file "$T/allowed/sub/a.report.json" || die "no report under --allow-dir"

# ---- the runtime shim: --report through hook-args ----
SHIM=$(dirname "$ST_BIN")/seccomp-trace-runtime
printf 'runtime = runc\nhook-args = --log %s --report\n' "$T/shim-hook.log" >"$T/runtime.conf"
ct_bundle "$T/shim" -- stprobe comm:shimprobe membarrier sleep:200
jq --arg a "of:$T/shim/out.json" '.annotations = {"io.containers.trace-syscall": $a}' \
	"$T/shim/config.json" >"$T/shim/c.tmp" && mv "$T/shim/c.tmp" "$T/shim/config.json"
mkdir -p "$CT_STATE/shim"
SECCOMP_TRACE_RUNTIME_CONFIG=$T/runtime.conf "$SHIM" --root "$CT_STATE/shim" run -b "$T/shim" "report-shim-$$" </dev/null ||
	die "the shim's container failed: $(cat "$T/shim-hook.log" 2>/dev/null)"
ct_wait_file "$T/shim/out.report.json" || die "no report through the shim; log: $(cat "$T/shim-hook.log")"
entry "$T/shim/out.report.json" membarrier | jq -e '.origin == "workload" and .first.comm == "shimprobe"' >/dev/null ||
	die "shim report: $(entry "$T/shim/out.report.json" membarrier)"
note ok
