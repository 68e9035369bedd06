#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Threads, child processes and nested PID namespaces are all traced.
. "$(dirname "$0")/../lib.sh"

"$ST_BIN" run -o "$T/tree.json" -- "$ST_PROBE" thread:membarrier fork:kcmp fork:thread:getitimer
assert_allows "$T/tree.json" membarrier kcmp getitimer clone

# A process that unshares a new PID namespace inside the trace is still the
# trace's (checked at the traced namespace's level, not its innermost one).
"$ST_BIN" run -o "$T/nested.json" -- unshare -fp "$ST_PROBE" fork:sched_getattr
assert_allows "$T/nested.json" unshare sched_getattr

# Orphans left by CMD are traced until CMD exits, then killed with the namespace.
"$ST_BIN" run -o "$T/orphan.json" -- sh -c "$ST_PROBE kcmp & wait"
assert_allows "$T/orphan.json" kcmp
note ok
