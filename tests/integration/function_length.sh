#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# No function of hook/ and bpf/ is longer than 80 lines (the house rule that
# keeps error paths short; split a longer one by concern). A function is
# what clang-format lays out: its opening brace alone at column 0, its
# closing one too; the lines between them are counted.
. "$(dirname "$0")/../lib.sh"

cd "$ST_SOURCE"
max=80
n=0
long=()
for f in hook/*.c bpf/*.c; do
	n=$((n + 1))
	while IFS= read -r line; do
		long+=("$line")
	done < <(awk -v f="$f" -v max=$max '
		/^\{/ { start = NR; name = prev }
		/^\}/ { if (start && NR - start - 1 > max) print f ": " NR - start - 1 " lines: " name; start = 0 }
		{ prev = $0 }' "$f")
done
[ "$n" -ge 40 ] || die "only $n files found to check"
[ ${#long[@]} -eq 0 ] || die "functions over $max lines: $(printf '\n  %s' "${long[@]}")"
note "$n files, no function over $max lines"
