#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# seccomp-gate: a CI gate for an image's seccomp profile, with seccomp-trace.
#
#   seccomp-gate.sh [OPTION...] IMAGE [TESTS]
#
# Runs each test command of TESTS (one per line, `sh -c LINE` in IMAGE;
# blank lines and lines starting with # skipped; without TESTS the image's
# own command) RUNS times, each traced into its own profile with a
# provenance report, merges them (printing how much each run added: when the
# last runs add nothing, more runs are unlikely to), and diffs the result
# against the profile committed in the repository with
# `seccomp-trace diff --fail-on added`: a test that needs a syscall the
# committed profile lacks fails the gate, and the review comment says which
# syscall and which process needed it first.
#
# Options:
#   -p, --profile FILE    the committed profile (default seccomp.json; a
#                         missing one counts as empty: everything is new)
#   -o, --out DIR         results (default seccomp-gate; emptied first)
#   -n, --runs N          runs of each test command (default 1)
#   -e, --engine ENGINE   podman (default: the hook through a hooks.d entry)
#                         or docker (seccomp-trace-runtime registered with
#                         dockerd; its runtime.conf: hook-args = --report,
#                         requests = annotation env)
#   --hook-arg ARG        podman: an option for `seccomp-trace hook` besides
#                         --report and --log (repeatable: --args, --scope all);
#                         podman runs with a hooks directory of the gate's own
#   --docker-runtime NAME docker: the shim's runtime name (default seccomp-trace)
#   --engine-arg ARG      passed to `ENGINE run` (repeatable), e.g. --network=none
#   --podman CMD, --docker CMD   the engine's command (default podman, docker),
#                         split on blanks: --podman "podman --root /x/root"
#   --seccomp-trace BIN   default: seccomp-trace from PATH
#   --timeout SECONDS     how long a profile may take to appear once its
#                         container exited (default 30)
#
# Results in DIR: runs/NAME.json and runs/NAME.report.json per run,
# profile.json (the merged profile: the artifact to commit when the change
# is intended), convergence.json (merge --stats), convergence.txt, diff.json,
# diff.md and comment.md (the review comment: the diff, then convergence);
# podman: hooks.d/ (the hook's entry) and hook.log (its log: why a run left
# no profile).
#
# Exit status: 0 the committed profile lets through everything the tests
# did; 1 it does not (the gate fails: review the comment, commit profile.json
# if the change is intended); 2 the gate itself failed (a test command
# failed, no profile appeared, ...).
set -eu

prog=seccomp-gate
die() {
	echo "$prog: $*" >&2
	exit 2
}

profile=seccomp.json
out=seccomp-gate
runs=1
engine=podman
hook_args=
docker_runtime=seccomp-trace
podman=podman
docker=docker
st=seccomp-trace
timeout=30
engine_args=

# An engine's command: its blank-separated words, one per line.
words() {
	(set -f; for w in $1; do printf '%s\n' "$w"; done)
}

# Arguments for the engine are kept one per line (no newlines in them).
add_engine_arg() {
	case $1 in *'
'*) die "--engine-arg: no newlines" ;; esac
	engine_args="$engine_args$1
"
}

need() {
	[ $# -ge 2 ] || die "$1 needs a value"
}

# A JSON string's content: backslashes and quotes escaped, no control
# characters.
json_escape() {
	case $1 in *[[:cntrl:]]*) die "no control characters in $1" ;; esac
	printf '%s' "$1" | sed 's/[\\"]/\\&/g'
}

while [ $# -gt 0 ]; do
	case $1 in
	-p | --profile) need "$@"; profile=$2; shift 2 ;;
	-o | --out) need "$@"; out=$2; shift 2 ;;
	-n | --runs) need "$@"; runs=$2; shift 2 ;;
	-e | --engine) need "$@"; engine=$2; shift 2 ;;
	--hook-arg) need "$@"; hook_args="$hook_args, \"$(json_escape "$2")\""; shift 2 ;;
	--docker-runtime) need "$@"; docker_runtime=$2; shift 2 ;;
	--engine-arg) need "$@"; add_engine_arg "$2"; shift 2 ;;
	--podman) need "$@"; podman=$(words "$2"); shift 2 ;;
	--docker) need "$@"; docker=$(words "$2"); shift 2 ;;
	--seccomp-trace) need "$@"; st=$2; shift 2 ;;
	--timeout) need "$@"; timeout=$2; shift 2 ;;
	-h | --help) sed -n '3,/^set -eu$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1 (--help)" ;;
	*) break ;;
	esac
done
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	die "usage: $prog [OPTION...] IMAGE [TESTS] (--help)"
fi
image=$1
tests=${2:-}
case $runs in '' | *[!0-9]* | 0) die "--runs: a number from 1" ;; esac
case $timeout in '' | *[!0-9]*) die "--timeout: a number of seconds" ;; esac
case $engine in podman | docker) ;; *) die "--engine: podman or docker" ;; esac
[ -z "$tests" ] || [ -r "$tests" ] || die "cannot read $tests"
command -v "$st" >/dev/null 2>&1 || die "no $st (--seccomp-trace)"
if [ "$engine" = podman ]; then engine_cmd=$podman; else engine_cmd=$docker; fi
first=$(printf '%s\n' "$engine_cmd" | sed -n 1p)
[ -n "$first" ] && command -v "$first" >/dev/null 2>&1 || die "--$engine: no command '$first'"

# The hook writes where the annotation says, on the host: absolute paths
# there ($abs); the rest names files as given, for readable output.
mkdir -p "$out"
abs=$(cd "$out" && pwd)
rm -rf "$out/runs" "$out/hooks.d"
rm -f "$out"/profile.json "$out"/convergence.* "$out"/diff.* "$out"/comment.md "$out"/hook.log
mkdir -p "$out/runs"

if [ "$engine" = podman ]; then
	# The hook as installed, with the report and a log of our own, in a
	# hooks directory of ours: podman then reads only it.
	bin=$(command -v "$st")
	case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
	mkdir -p "$out/hooks.d"
	printf '{"version": "1.0.0",
 "hook": {"path": "%s",
          "args": ["seccomp-trace", "hook", "--report", "--log", "%s"%s]},
 "when": {"annotations": {"^io\\\\.containers\\\\.trace-syscall(/.*)?$": ".*"}},
 "stages": ["prestart"]}\n' "$(json_escape "$bin")" "$(json_escape "$abs/hook.log")" "$hook_args" \
		>"$out/hooks.d/seccomp-trace.json"
fi

# run_traced NAME [CMD...]: one traced container; waits for its profile and
# report (the tracer writes them once the container has exited).
run_traced() {
	name=$1
	shift
	of=$abs/runs/$name.json
	ann="io.containers.trace-syscall=of:$of"
	rc=0
	# shellcheck disable=SC2086 # the engine's words, --engine-arg: one per line
	if [ "$engine" = podman ]; then
		(set -f; IFS='
'; exec $podman --hooks-dir "$abs/hooks.d" run --rm --annotation "$ann" $engine_args "$image" "$@") || rc=$?
	else
		(set -f; IFS='
'; exec $docker run --rm --runtime "$docker_runtime" -e "$ann" $engine_args "$image" "$@") || rc=$?
	fi
	[ $rc -eq 0 ] || die "test $name failed (exit $rc): fix the test before gating its profile"
	waited=0
	alone=0
	while [ ! -e "$out/runs/$name.report.json" ]; do
		# the tracer writes both at once: a profile alone for 3 s has no report coming
		[ ! -e "$of" ] || alone=$((alone + 1))
		if [ $alone -ge 30 ] || [ $waited -ge $((timeout * 10)) ]; then
			[ -e "$of" ] && die "$name: a profile but no report: does the hook run with --report?"
			[ ! -r "$out/hook.log" ] || tail -n 5 "$out/hook.log" >&2
			die "$name: no profile after ${timeout}s"
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
}

n=0
i=1
while [ $i -le "$runs" ]; do
	if [ -z "$tests" ]; then
		n=$((n + 1))
		echo "$prog: run $i: the image's command" >&2
		run_traced "$(printf 'run%02d-test%03d' "$i" 1)"
	else
		t=0
		while IFS= read -r line || [ -n "$line" ]; do
			case $line in '' | '#'*) continue ;; esac
			t=$((t + 1))
			n=$((n + 1))
			echo "$prog: run $i, test $t: $line" >&2
			run_traced "$(printf 'run%02d-test%03d' "$i" "$t")" sh -c "$line" </dev/null
		done <"$tests"
		[ $t -gt 0 ] || die "$tests: no test command"
	fi
	i=$((i + 1))
done

# The runs oldest first (the glob sorts them so): merge's convergence counts
# each against those before it; diff cites the first report that has a
# syscall.
set --
for f in "$out"/runs/run??-test???.json; do
	set -- "$@" --report "${f%.json}.report.json"
done
"$st" merge -o "$out/profile.json" --stats "$out/convergence.json" "$out"/runs/run??-test???.json \
	2>"$out/convergence.txt" || { cat "$out/convergence.txt" >&2; die "merge failed"; }
grep 'convergence:' "$out/convergence.txt" >&2 || true

old=$profile
if [ ! -e "$profile" ]; then
	echo "$prog: $profile does not exist yet: everything is new" >&2
	old=$out/empty.json
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}\n' >"$old"
fi
rc=0
"$st" diff "$@" --fail-on added --format markdown "$old" "$out/profile.json" >"$out/diff.md" || rc=$?
"$st" diff "$@" --fail-on never --format json "$old" "$out/profile.json" >"$out/diff.json" || true
[ $rc -le 1 ] || die "diff failed"
{
	cat "$out/diff.md"
	printf '\n<details><summary>Convergence (%s runs)</summary>\n\n```\n' "$n"
	sed -n 's/^.*convergence: //p' "$out/convergence.txt"
	printf '```\n\n</details>\n'
	if [ $rc -eq 1 ]; then
		# shellcheck disable=SC2016 # backticks for markdown
		printf '\nIf the change is intended, commit the new profile (artifact %s) as %s.\n' \
			'`profile.json`' "\`$profile\`"
	fi
} >"$out/comment.md"
if [ $rc -eq 1 ]; then
	echo "$prog: the tests need more than $profile allows: see $out/comment.md" >&2
else
	echo "$prog: $profile lets through everything the tests did" >&2
fi
exit $rc
