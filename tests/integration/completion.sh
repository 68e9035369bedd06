#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bash completion (completion/seccomp-trace) offers the binary's verbs, each
# verb's options and their values, read from the binary's --help: every
# option any verb's help lists is offered, so completion cannot drift from
# the CLI.
. "$(dirname "$0")/../lib.sh"

bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || die "bash-completion is not installed (scripts/setup installs it)"
mkdir "$T/dir" "$T/dir/sub"
touch "$T/dir/profile.json"

# complete LINE...: for each LINE, what completion offers for its last word
# (a trailing space: a new word), sorted, on one line; run in a bash that
# loaded bash-completion and our file, in $T/dir, with the binary on PATH.
complete_lines() {
	PATH=$(dirname "$ST_BIN"):$PATH bash --norc --noprofile -c '
		source "$1" && source "$2" && cd "$3" || exit 1
		shift 3
		for line; do
			COMP_LINE=$line COMP_POINT=${#line}
			read -ra COMP_WORDS <<<"$line"
			[[ $line == *" " ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMPREPLY=()
			_seccomp_trace seccomp-trace "${COMP_WORDS[COMP_CWORD]}" \
				"${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
			printf "%s\n" "${COMPREPLY[@]}" | sort -u | tr "\n" " " | sed "s/ $//"
			echo
		done' bash "$bc" "$ST_SOURCE/completion/seccomp-trace" "$T/dir" "$@"
}
# offers LINE WORD...: completing LINE offers each WORD
offers() {
	local line=$1 got w
	shift
	got=" $(complete_lines "$line") "
	for w in "$@"; do
		[[ $got == *" $w "* ]] || die "'$line<TAB>' should offer $w; it offers:$got"
	done
}
# offers_exactly LINE WORDS: completing LINE offers WORDS and nothing else
offers_exactly() {
	local got
	got=$(complete_lines "$1")
	[ "$got" = "$2" ] || die "'$1<TAB>' offers '$got', expected '$2'"
}

# Verbs: the ones the binary has, nothing else.
verbs=$(complete_lines "seccomp-trace ")
for v in run hook diff merge check unload; do
	[[ " $verbs " == *" $v "* ]] || die "verb $v not offered (offered: $verbs)"
done
for v in $verbs; do
	"$ST_BIN" --help | grep -q "^  $v " || die "offers '$v', which --help does not list"
done
offers_exactly "seccomp-trace ch" check
offers "seccomp-trace -" --help --version

# Options: every long option in each verb's help is offered.
n=0
for v in $verbs; do
	want=$("$ST_BIN" "$v" --help | { grep -E '^[[:space:]]+-' || true; } |
		grep -oE -- '--[a-z][a-z0-9-]*' | sort -u || true)
	[ -n "$want" ] || [ "$v" = unload ] || die "$v --help lists no options"
	# shellcheck disable=SC2086 # a word list
	[ -z "$want" ] || offers "seccomp-trace $v -" $want
	n=$((n + $(wc -w <<<"$want")))
done
[ $n -ge 20 ] || die "only $n options across all verbs"
offers "seccomp-trace run --ou" --output
offers "seccomp-trace run -" -o --base --args
offers "seccomp-trace hook -" --allow-dir --scope --log
offers "seccomp-trace check -" -q --strict --format
offers_exactly "seccomp-trace check --format " "json text"

# Values: choices from the help, directories, files, commands.
offers_exactly "seccomp-trace hook --scope " "after-seccomp all"
offers_exactly "seccomp-trace diff --format " "json markdown text"
offers_exactly "seccomp-trace diff --format=m" "markdown"
offers_exactly "seccomp-trace hook --allow-dir " "sub"
offers "seccomp-trace run -o " profile.json sub
offers "seccomp-trace check " profile.json
offers "seccomp-trace merge --allow-wins " profile.json
offers "seccomp-trace run -- ech" echo
offers "seccomp-trace run -o x.json -- ech" echo
note "$(wc -w <<<"$verbs") verbs, $n options"
