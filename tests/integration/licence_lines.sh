#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source, header, script, CMake file and man page carries its SPDX
# licence line (README: Licence): Apache-2.0, and for the BPF program and the
# header it shares with user space GPL-2.0-only OR BSD-2-Clause, which the
# object's licence section matches ("Dual BSD/GPL": the kernel wants a
# GPL-compatible string).
. "$(dirname "$0")/../lib.sh"

cd "$ST_SOURCE"
[ -r LICENSE ] && grep -q "Apache License" LICENSE && grep -q "Version 2.0" LICENSE ||
	die "LICENSE is not the Apache License 2.0"
# The files git tracks; a tree without git: the same kinds found on disk.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files)
else
	files=$(find . -path ./build -prune -o -type f -print | sed 's|^\./||')
fi
files=$(grep -E '\.(c|h|sh)$|(^|/)CMakeLists\.txt$|^scripts/|^\.ci/|^completion/|^doc/.*\.[1-8]$|^debian/rules$' <<<"$files" |
	grep -vE '^bpf/vmlinux/|^build' || true)
[ "$(wc -l <<<"$files")" -ge 100 ] || die "only $(wc -l <<<"$files") files found to check"
missing=() wrong=()
while read -r f; do
	line=$(head -3 "$f" | grep -o 'SPDX-License-Identifier: [^*]*' | sed 's/ *$//' || true)
	case $f in
	bpf/*.c | bpf/*.h | tests/bench/*.bpf.c) want="GPL-2.0-only OR BSD-2-Clause" ;;
	*) want=Apache-2.0 ;;
	esac
	if [ -z "$line" ]; then
		missing+=("$f")
	elif [ "$line" != "SPDX-License-Identifier: $want" ]; then
		wrong+=("$f ($line, expected $want)")
	fi
done <<<"$files"
[ ${#missing[@]} -eq 0 ] || die "no SPDX-License-Identifier line in the first 3 lines of: ${missing[*]}"
[ ${#wrong[@]} -eq 0 ] || die "SPDX line not as README's Licence says: ${wrong[*]}"
for f in bpf/seccomp_trace.bpf.c tests/bench/*.bpf.c; do
	grep -q 'SEC("license") = "Dual BSD/GPL"' "$f" || die "$f: the licence section is not \"Dual BSD/GPL\""
done
note "$(wc -l <<<"$files") files carry their SPDX line"
