#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The CI recipe end to end (contrib/ci/seccomp-gate.sh): test commands of a
# busybox image traced (podman and the hook through a hooks directory; Docker
# through seccomp-trace-runtime), merged with their convergence, diffed
# against the committed profile; a run that needs a new syscall fails the
# gate and the review comment names it with the process that needed it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

GATE=$ST_SOURCE/contrib/ci/seccomp-gate.sh
[ -x "$GATE" ] || die "no $GATE"
ct_podman_image
# podman as this machine needs it (CONTAINERS_CONF: tests/containers.sh), in
# the words --podman takes
podman_cmd="podman --root $CT_PODMAN_ROOT/root --runroot $CT_PODMAN_RUNROOT --storage-driver vfs"
podman_cmd+=" --cgroup-manager cgroupfs --events-backend file"
mkdir -p "$T/repo"
cd "$T/repo"
printf '# the tests of the image\nstprobe membarrier\n\nls / >/dev/null\n' >tests.txt
gate() {
	local rc=0
	"$GATE" --seccomp-trace "$ST_BIN" --podman "$podman_cmd" --engine-arg --network=none \
		--runs 2 --profile seccomp.json --out out "$@" >"$T/gate.out" 2>"$T/gate.err" || rc=$?
	echo $rc
}

# ---- no committed profile yet: everything is new, the profile is the artifact ----
rc=$(gate "$CT_IMAGE" tests.txt)
[ "$rc" = 1 ] || die "first gate: exit $rc, not 1: $(cat "$T/gate.err")"
grep -q "seccomp.json does not exist yet" "$T/gate.err" || die "first gate: $(cat "$T/gate.err")"
assert_valid_profile out/profile.json
assert_allows out/profile.json membarrier getdents64
[ "$(find out/runs -name 'run0?-test00?.report.json' | wc -l)" -eq 4 ] || die "not 4 reports: $(ls out/runs)"
# convergence: 2 test commands x 2 runs, in run order; the second run of each
# command may add what timing has it, the first ones must add their own calls
jq -e '.seccompTraceConvergence == 1 and ([.inputs[].profile] == ["out/runs/run01-test001.json",
	"out/runs/run01-test002.json", "out/runs/run02-test001.json", "out/runs/run02-test002.json"])
	and (.inputs[0].addedSyscalls | index("membarrier")) and (.inputs[1].addedSyscalls | index("dup2"))
	and .inputs[3].syscalls == (.inputs | map(.addedSyscalls | length) | add)' out/convergence.json >/dev/null ||
	die "convergence: $(jq -c '[.inputs[] | [.profile, (.addedSyscalls | length)]], .unchangedTail' out/convergence.json)"
grep -q 'convergence: out/runs/run01-test001.json: +[0-9]* syscalls (' "$T/gate.err" ||
	die "no convergence lines on stderr: $(cat "$T/gate.err")"
grep -qF -- '- ➕ `membarrier` — first: ' out/comment.md || die "comment: $(cat out/comment.md)"
grep -qF '<details><summary>Convergence (4 runs)</summary>' out/comment.md || die "no convergence in the comment"
cp out/profile.json seccomp.json # the reviewer commits it

# ---- the same tests against the committed profile: the gate passes ----
rc=$(gate "$CT_IMAGE" tests.txt)
[ "$rc" = 0 ] || die "second gate: exit $rc: $(cat out/comment.md 2>/dev/null) $(cat "$T/gate.err")"
grep -q '^No differences\.$' out/comment.md || die "second gate comment: $(cat out/comment.md)"

# ---- a test that needs a new syscall fails the gate, named with its provenance ----
echo 'stprobe comm:needy sched_getattr sleep:1000' >>tests.txt
rc=$(gate "$CT_IMAGE" tests.txt)
[ "$rc" = 1 ] || die "third gate: exit $rc, not 1: $(cat "$T/gate.err")"
grep -qxF -- '- ➕ `sched_getattr` — first: `/bin/stprobe` (`needy`), pid 1 (`run01-test003.report.json`)' out/comment.md ||
	die "the comment does not name sched_getattr and who needed it: $(cat out/comment.md)"
! grep -qF '`membarrier`' out/diff.md || die "membarrier listed although committed: $(cat out/diff.md)"
jq -e '.added[] | select(.name == "sched_getattr") | .provenance | .origin == "workload"
	and .first == {comm: "needy", exe: "/bin/stprobe", pid: 1}
	and (.report | endswith("/run01-test003.report.json"))' out/diff.json >/dev/null ||
	die "diff.json: $(jq -c '.added' out/diff.json)"
jq -e '.inputs[2] | .profile == "out/runs/run01-test003.json" and (.addedSyscalls | index("sched_getattr"))' \
	out/convergence.json >/dev/null || die "convergence of the new test: $(jq -c '.inputs[2]' out/convergence.json)"
grep -qF 'commit the new profile (artifact `profile.json`) as `seccomp.json`' out/comment.md ||
	die "the comment does not say what to commit"

# ---- the gate itself fails (2) on a failing test or a hook without --report ----
printf 'false\n' >bad.txt
rc=$(gate "$CT_IMAGE" bad.txt)
[ "$rc" = 2 ] && grep -q "test run01-test001 failed (exit 1)" "$T/gate.err" ||
	die "a failing test: exit $rc, $(cat "$T/gate.err")"
# an engine command that does not exist: said before any test runs
rc=0
"$GATE" --seccomp-trace "$ST_BIN" --podman "/nonexistent/podman --root x" --out nout \
	"$CT_IMAGE" tests.txt >"$T/ngate.out" 2>"$T/ngate.err" || rc=$?
[ $rc = 2 ] && grep -qx "seccomp-gate: --podman: no command '/nonexistent/podman'" "$T/ngate.err" ||
	die "a missing engine: exit $rc, $(cat "$T/ngate.err")"

# ---- Docker, through seccomp-trace-runtime with --report in its hook-args ----
SHIM=$(dirname "$ST_BIN")/seccomp-trace-runtime
printf 'runtime = runc\nrequests = annotation env\nhook-args = --report --log %s\n' "$T/shim-hook.log" >"$T/runtime.conf"
ct_dockerd_start --runtime seccomp-trace="$SHIM" --env SECCOMP_TRACE_RUNTIME_CONFIG="$T/runtime.conf"
ct_docker_image
cat >"$T/docker" <<EOF
#!/bin/sh
export DOCKER_CONFIG='$CT_DOCKERD_DIR/client'
exec '$CT_DOCKER_BIN' -H '$CT_DOCKER_HOST' "\$@"
EOF
chmod +x "$T/docker"
rc=0
"$GATE" --engine docker --docker "$T/docker" --seccomp-trace "$ST_BIN" --engine-arg --network=none \
	--profile seccomp.json --out dout "$CT_DOCKER_IMAGE" tests.txt >"$T/dgate.out" 2>"$T/dgate.err" || rc=$?
# against the podman profile before sched_getattr: Docker's run needs it too
[ $rc -eq 1 ] || die "docker gate: exit $rc: $(cat "$T/dgate.err") $(tail -n 3 "$T/shim-hook.log")"
assert_allows dout/profile.json membarrier sched_getattr getdents64
grep -qF -- '- ➕ `sched_getattr` — first: `/bin/stprobe` (`needy`), pid 1' dout/comment.md ||
	die "docker comment: $(cat dout/comment.md)"
[ "$(find dout/runs -name 'run01-test00?.report.json' | wc -l)" -eq 3 ] || die "docker reports: $(ls dout/runs)"
note ok
