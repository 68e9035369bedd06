#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A trace keyed by a mount namespace's inode number (C, traced in the PID
# namespace of A, traced too: podman --pid=container:A) keeps the number
# after the namespace is gone: C's init enters a mount namespace of its own
# (unshare -m), the one C is keyed by is freed and its number given to the
# next namespace made anywhere (proc inode numbers: the lowest free first).
# Processes in that new namespace are not C's (main before the fix put their
# calls in C's profile: other tests' markers, when tests ran side by side):
# - B, untraced, in A's PID namespace;
# - a host process in a PID namespace of its own;
# then the same for E (--pid=host, keyed by its mount namespace too) and a
# host process. Each is started before the traced container it targets (no
# namespace of theirs takes the number early), then climbs: nested
# `unshare -m`, each level holding its namespace, until its mount namespace
# has the number, and makes its marker there.
# Markers: C membarrier, B getitimer, the host processes sched_getattr (C's
# number) and kcmp (E's).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

ct_podman_traced "$T/podman.log"
ann=io.containers.trace-syscall
A=st-reuse-$$-a
S=$T/sig
mkdir -p "$S"
chmod 777 "$S"
climbers=() # SIGKILL: PID 1 of a namespace ignores the rest
# One name per `podman rm -f` (4.3 removes none of several if one is
# missing), those sharing A's PID namespace first.
clean() {
	local n
	[ ${#climbers[@]} -eq 0 ] || kill -KILL "${climbers[@]}" 2>/dev/null || true
	touch "$S/done.c" "$S/done.e"
	for n in "$A-b" "$A-c" "$A-e" "$A"; do
		ct_podman rm -f "$n" >/dev/null 2>&1 || true
	done
}
st_at_exit clean

# climb NUMBER PROBE ACTION DEPTH: PROBE ACTION in a mount namespace numbered
# NUMBER; exit 3 if none came within DEPTH levels.
# shellcheck disable=SC2016,SC2089 # a script: the shells that run it expand it
CLIMB='n=$(readlink /proc/self/ns/mnt) || exit 4
if [ "$n" = "mnt:[$1]" ]; then exec "$2" "$3"; fi
[ "$4" -gt 0 ] || exit 3
unshare -m sh -c "$CLIMB" climb "$1" "$2" "$3" $(($4 - 1)) || exit $?
exit 0'
# shellcheck disable=SC2090
export CLIMB
# climber DIR WHO PROBE ACTION: a script that waits (60 s at most) for
# DIR/go.WHO (the number), climbs (again, up to 5 times, while another
# process holds the number) and leaves its status in DIR/WHO.rc.
climber() {
	# shellcheck disable=SC2016
	echo 'i=0; while [ ! -s '"$1/go.$2"' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
for try in 1 2 3 4 5; do
	sh -c "$CLIMB" climb "$(cat '"$1/go.$2"')" '"$3 $4"' 400
	rc=$?
	[ $rc != 3 ] && break
	sleep 0.3
done
echo $rc >'"$1/$2"'.rc'
}
# climb_to WHO NAME PATTERN: once container NAME's init left the mount
# namespace that the hook's log line with PATTERN gives, climber WHO climbs
# to its number.
climb_to() {
	local n p
	n=$(grep -e "$3" "$T/podman.log" | grep -o 'mount namespace [0-9]*' | grep -o '[0-9]*$') ||
		die "$2 is not keyed by its mount namespace: $(tail -n5 "$T/podman.log")"
	p=$(ct_podman inspect -f '{{.State.Pid}}' "$2")
	for _ in $(seq 100); do
		[ "$(readlink "/proc/$p/ns/mnt")" != "mnt:[$n]" ] && break
		sleep 0.05
	done
	[ "$(readlink "/proc/$p/ns/mnt")" != "mnt:[$n]" ] || die "$2's init did not leave mount namespace $n"
	echo "$n" >"$S/go.$1"
	ct_wait_file "$S/$1.rc" 30 || die "climber $1 did not finish"
	[ "$(cat "$S/$1.rc")" = 0 ] ||
		die "climber $1 never got mount namespace number $n (status $(cat "$S/$1.rc")): another process holds it"
}
wait_for() { ct_podman wait "$@" >/dev/null; }

ct_prun -d --name "$A" --annotation "$ann=of:$T/a.json" -v "$S:/sig" "$CT_IMAGE" \
	sh -c 'while [ ! -e /sig/done.c ]; do sleep 0.1; done' >/dev/null
ct_prun -d --name "$A-b" --pid="container:$A" --cap-add SYS_ADMIN -v "$S:/sig" -e CLIMB \
	"$CT_IMAGE" sh -c "$(climber /sig b stprobe getitimer)" >/dev/null
unshare -pf --kill-child sh -c "$(climber "$S" h "$ST_PROBE" sched_getattr)" &
climbers+=($!)
sh -c "$(climber "$S" e "$ST_PROBE" kcmp)" &
climbers+=($!)
ct_prun -d --name "$A-c" --pid="container:$A" --cap-add SYS_ADMIN -v "$S:/sig" \
	--annotation "$ann=of:$T/c.json" "$CT_IMAGE" \
	unshare -m sh -c 'stprobe membarrier; while [ ! -e /sig/done.c ]; do sleep 0.1; done' >/dev/null
climb_to b "$A-c" 'told apart by its mount namespace'
climb_to h "$A-c" 'told apart by its mount namespace'
touch "$S/done.c"
wait_for "$A-c"
ct_wait_file "$T/c.json" || die "no profile for C: $(tail -n5 "$T/podman.log")"

ct_prun -d --name "$A-e" --pid=host --cap-add SYS_ADMIN -v "$S:/sig" \
	--annotation "$ann=of:$T/e.json" "$CT_IMAGE" \
	unshare -m sh -c 'while [ ! -e /sig/done.e ]; do sleep 0.1; done' >/dev/null
climb_to e "$A-e" "into $T/e.json"
touch "$S/done.e"
wait_for "$A-e"
wait_for "$A"
ct_wait_file "$T/a.json" && ct_wait_file "$T/e.json" || die "no profiles: $(tail -n5 "$T/podman.log")"
assert_allows "$T/c.json" membarrier
assert_lacks "$T/c.json" getitimer sched_getattr kcmp
assert_lacks "$T/e.json" membarrier getitimer sched_getattr kcmp
assert_lacks "$T/a.json" membarrier getitimer sched_getattr kcmp
note ok
