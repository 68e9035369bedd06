#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run one libFuzzer harness: every saved regression input first, one by one,
# then fuzzing from the seeds for a bounded time. Fails on any crash, leak,
# timeout or out-of-memory, showing the report and where the input is.
#
#   run.sh --fuzzer BIN --corpus DIR --artifacts DIR --log FILE --time SECONDS
#          [--seed FILE|DIR]... [--dict FILE] [--max-len BYTES]
#          [--regressions DIR] [--fresh] [--fork] [--summary FILE]
#
# --fresh (CTest): corpus and artifacts start empty, then get the seeds.
# Otherwise (scripts/fuzz) the corpus grows from run to run.
# --fork (long runs): a failing regression input does not stop the run, and
# fuzzing goes on after a crash; crashes are counted.
# The last line of output is "NAME SECONDS EXECUTIONS CRASHES"; --summary
# writes it to a file as well.
set -euo pipefail

fuzzer='' corpus='' artifacts='' log='' time='' dict='' max_len='' regressions='' summary=''
fresh=0 fork=0
seeds=()
while [ $# -gt 0 ]; do
	case $1 in
	--fuzzer) fuzzer=$2 ;;
	--corpus) corpus=$2 ;;
	--artifacts) artifacts=$2 ;;
	--log) log=$2 ;;
	--time) time=$2 ;;
	--seed) seeds+=("$2") ;;
	--dict) dict=$2 ;;
	--max-len) max_len=$2 ;;
	--regressions) regressions=$2 ;;
	--summary) summary=$2 ;;
	--fresh) fresh=1; shift; continue ;;
	--fork) fork=1; shift; continue ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift 2
done
for v in fuzzer corpus artifacts log time; do
	if [ -z "${!v}" ]; then
		echo "run.sh: --$v is required" >&2
		exit 2
	fi
done
name=$(basename "$fuzzer")
name=${name#fuzz_}
if [ ! -x "$fuzzer" ]; then
	echo "$name: $fuzzer is not built (cmake --build build --target fuzzers)" >&2
	exit 1
fi

: "${ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}"
: "${UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1}"
: "${LSAN_OPTIONS=suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp}"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
limits=(-timeout=10 -rss_limit_mb=2048)
report='^==[0-9]+==( ?ERROR|WARNING: MemorySanitizer)|fuzz check failed|runtime error|^ALARM'

# "NAME SECONDS EXECUTIONS CRASHES", then the exit status.
finish()
{
	local line="$name $1 $2 $3"

	[ -z "$summary" ] || echo "$line" >"$summary"
	echo "$line"
	exit "$4"
}

# The sanitizer's or the harness's report, without libFuzzer's own frames.
show_report()
{
	if grep -qE "$report" "$1"; then
		grep -E -A60 "$report" "$1" | grep -vE ' in (fuzzer::|main |__libc_start|_start )' |
			head -n 80
	else
		tail -n 40 "$1"
	fi
}

if [ "$fresh" = 1 ]; then
	rm -rf "$corpus" "$artifacts"
fi
mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"

# Seeds are copied under their own names (libFuzzer names its finds by hash).
for s in "${seeds[@]}"; do
	if [ -d "$s" ]; then
		for f in "$s"/*; do
			[ ! -f "$f" ] || cp "$f" "$corpus/seed-$(basename "$s")-$(basename "$f")"
		done
	elif [ -f "$s" ]; then
		cp "$s" "$corpus/seed-$(basename "$s")"
	else
		echo "$name: seed $s is missing (scripts/setup installs it)" >&2
		exit 1
	fi
done

# Each input that once failed must pass; those that do seed the corpus.
failed=0 passed=0
if [ -n "$regressions" ] && [ -d "$regressions" ]; then
	for f in "$regressions"/*; do
		[ -f "$f" ] || continue
		out=$log.regression-$(basename "$f")
		if "$fuzzer" "${limits[@]}" "$f" >"$out" 2>&1; then
			cp "$f" "$corpus/regression-$(basename "$f")"
			passed=$((passed + 1))
			continue
		fi
		failed=$((failed + 1))
		show_report "$out"
		echo "$name: regression input $f fails (log: $out)"
		echo
	done
fi
[ "$passed" = 0 ] || echo "$name: $passed regression input(s) pass"
if [ "$failed" != 0 ] && [ "$fork" = 0 ]; then
	finish 0 "$passed" "$failed" 1
fi

args=("${limits[@]}" -max_total_time="$time" -print_final_stats=1
	-artifact_prefix="$artifacts/")
[ -z "$dict" ] || args+=(-dict="$dict")
[ -z "$max_len" ] || args+=(-max_len="$max_len")
[ "$fork" = 0 ] || args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)

marker=$artifacts/.started
touch "$marker"
start=$(date +%s)
rc=0
# niced: the fuzzers share the machine with the rest of the test suite.
nice -n 10 "$fuzzer" "${args[@]}" "$corpus" >"$log" 2>&1 || rc=$?
secs=$(($(date +%s) - start))

found=()
while IFS= read -r f; do
	found+=("$f")
done < <(find "$artifacts" -maxdepth 1 -type f -newer "$marker" ! -name .started | sort)

if [ "$fork" = 1 ]; then
	# the parent's last "#RUNS: cov: .. oom/timeout/crash: O/T/C time: .."
	stats=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1 || true)
	execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$stats")
	read -r o t c < <(sed -nE 's|.*oom/timeout/crash: ([0-9]+)/([0-9]+)/([0-9]+).*|\1 \2 \3|p' \
		<<<"$stats" | grep . || echo 0 0 0)
	crashes=$((o + t + c + failed))
else
	execs=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
	crashes=$((rc != 0 ? 1 : 0))
fi
if [ "$crashes" = 0 ] && [ ${#found[@]} -gt 0 ]; then
	crashes=${#found[@]}
fi

if [ "$crashes" != 0 ] || [ "$rc" != 0 ]; then
	[ "$fork" = 1 ] || show_report "$log"
	echo "$name: FAILED (log: $log)"
	for f in "${found[@]}"; do
		echo "$name: input kept in $f"
	done
	echo "$name: once understood, keep it: cp INPUT tests/fuzz/regressions/$name/"
	finish "$secs" "${execs:-0}" "$crashes" 1
fi
echo "$name: no crash, leak or timeout; corpus $(find "$corpus" -type f | wc -l) inputs"
finish "$secs" "${execs:-0}" 0 0
