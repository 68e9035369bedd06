#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# seccomp-trace run: a profile for /bin/true, exit status and signals pass
# through, clear errors.
. "$(dirname "$0")/../lib.sh"

"$ST_BIN" run -o "$T/true.json" -- /bin/true || die "run /bin/true failed"
assert_valid_profile "$T/true.json"
assert_allows "$T/true.json" execve exit_group
[ "$(jq -r .defaultAction "$T/true.json")" = SCMP_ACT_ERRNO ] || die "default action"
[ "$(jq -c .architectures "$T/true.json")" = '["SCMP_ARCH_X86_64"]' ] || die "architectures"
# The init in front of CMD is not traced: nothing of its own loop shows up.
assert_lacks "$T/true.json" rt_sigtimedwait wait4

# Without -o, run refuses to start (one line, usage error): CMD's output
# and the profile would mix on stdout.
set +e
"$ST_BIN" run -- touch "$T/ran" >"$T/noo.out" 2>"$T/noo.err"
rc=$?
set -e
[ $rc -eq 2 ] && [ ! -s "$T/noo.out" ] && [ "$(wc -l <"$T/noo.err")" -eq 1 ] &&
	grep -qxF "seccomp-trace run: -o FILE is required: CMD's output goes to standard output, the profile must not mix with it (-o - writes it there too)" "$T/noo.err" ||
	die "run without -o: exit $rc, stdout '$(cat "$T/noo.out")', stderr '$(cat "$T/noo.err")'"
[ ! -e "$T/ran" ] || die "run without -o ran CMD"
# -o -: the profile goes to stdout, after CMD's own output.
out=$("$ST_BIN" run -o - -- "$ST_PROBE" write)
[ "$(head -n1 <<<"$out")" = stprobe ] || die "CMD's stdout not kept"
tail -n +2 <<<"$out" | jq -e '[.syscalls[].names[]] | index("write")' >/dev/null ||
	die "profile on stdout lacks write"

# Exit status is CMD's.
set +e
"$ST_BIN" run -o "$T/x.json" -- sh -c 'exit 3'
rc=$?
"$ST_BIN" run -o "$T/k.json" -- sh -c 'kill -KILL $$'
rc_kill=$?
"$ST_BIN" run -o "$T/n.json" -- /no/such/program 2>"$T/n.err"
rc_missing=$?
set -e
[ $rc -eq 3 ] || die "exit status 3 became $rc"
[ $rc_kill -eq 137 ] || die "CMD killed by SIGKILL: expected 137, got $rc_kill"
[ -s "$T/k.json" ] || die "no profile for a CMD killed by a signal"
[ $rc_missing -eq 127 ] || die "missing program: expected 127, got $rc_missing"
grep -q 'cannot run /no/such/program: No such file or directory' "$T/n.err" ||
	die "missing program: message was: $(cat "$T/n.err")"

# SIGTERM to seccomp-trace reaches CMD, which handles it; the profile is
# still written and the exit status is CMD's.
"$ST_BIN" run -o "$T/term.json" -- sh -c 'trap "exit 7" TERM; echo ready >'"$T/ready"'; while :; do sleep 0.1; done' &
pid=$!
for _ in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.05; done
kill -TERM $pid
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 7 ] || die "SIGTERM not forwarded to CMD's handler (exit $rc)"
assert_allows "$T/term.json" rt_sigreturn

# Ctrl-C on a terminal reaches CMD once (from the terminal, not forwarded a
# second time) and does not stop seccomp-trace from writing the profile.
(sleep 1; printf '\003'; sleep 3) | script -qfec "$ST_BIN run -o $T/tty.json -- sh -c 'n=0; trap \"n=\$((n+1))\" INT; while [ \$n -eq 0 ]; do sleep 0.1; done; sleep 0.5; echo count=\$n; exit 9'" /dev/null >"$T/tty.out" || true
grep -q 'count=1' "$T/tty.out" || die "Ctrl-C: CMD saw: $(tr -d '\r' <"$T/tty.out")"
[ -s "$T/tty.json" ] || die "Ctrl-C: no profile written"
assert_allows "$T/tty.json" rt_sigreturn

# Tracing failures are reported and are not CMD's status.
set +e
"$ST_BIN" run -o /no/such/dir/p.json -- /bin/true 2>"$T/w.err"
rc=$?
set -e
[ $rc -eq 125 ] || die "unwritable output: expected 125, got $rc"
grep -qx 'seccomp-trace: cannot write /no/such/dir/p.json: cannot open directory /no/such/dir: No such file or directory' "$T/w.err" ||
	die "unwritable output: message was: $(cat "$T/w.err")"

# Same input, same bytes.
"$ST_BIN" run -o "$T/a.json" -- "$ST_PROBE" membarrier
"$ST_BIN" run -o "$T/b.json" -- "$ST_PROBE" membarrier
cmp -s "$T/a.json" "$T/b.json" || die "two traces of the same program differ"
note ok
