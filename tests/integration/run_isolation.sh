#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Only the traced namespace is recorded: a rare syscall shows up in the
# profile of the program that makes it, not in its sibling's, and a noisy
# process outside the namespace leaks nothing in.
. "$(dirname "$0")/../lib.sh"

"$ST_BIN" run -o "$T/with.json" -- "$ST_PROBE" membarrier kcmp
"$ST_BIN" run -o "$T/without.json" -- "$ST_PROBE" write
assert_allows "$T/with.json" membarrier kcmp
assert_lacks "$T/without.json" membarrier kcmp

# A host process calling getitimer and sched_getattr in a loop the whole time.
"$ST_PROBE" loop:getitimer:0 &
noisy1=$!
"$ST_PROBE" loop:sched_getattr:0 &
noisy2=$!
stop_noisy() { kill $noisy1 $noisy2 2>/dev/null || true; }
st_at_exit stop_noisy
sleep 0.2
"$ST_BIN" run -o "$T/quiet.json" -- "$ST_PROBE" sleep:300 write
kill -0 $noisy1 && kill -0 $noisy2 || die "the noisy processes died"
assert_allows "$T/quiet.json" clock_nanosleep write
assert_lacks "$T/quiet.json" getitimer sched_getattr

# Two traces at the same time keep their own syscalls.
"$ST_BIN" run -o "$T/p1.json" -- "$ST_PROBE" sleep:300 membarrier &
a=$!
"$ST_BIN" run -o "$T/p2.json" -- "$ST_PROBE" sleep:300 kcmp &
b=$!
wait $a
wait $b
assert_allows "$T/p1.json" membarrier
assert_lacks "$T/p1.json" kcmp getitimer
assert_allows "$T/p2.json" kcmp
assert_lacks "$T/p2.json" membarrier getitimer
note ok
