#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The BPF object built from the pinned vmlinux.h (bpf/vmlinux/ARCH/) loads on
# this kernel with every CO-RE relocation resolved, and still does when the
# header's layout differs from the kernel's (what a distribution's package
# meets on its users' kernels); the binary that embeds it traces.
. "$(dirname "$0")/../lib.sh"
: "${ST_BPF_OBJ:?}" "${ST_VMLINUX_H:?}" "${ST_BPF_ARCH:?}" "${ST_CLANG:?}" "${ST_BPFTOOL:?}"
: "${ST_LLVM_STRIP:?}"

pinned=$ST_SOURCE/bpf/vmlinux/$ST_BPF_ARCH/vmlinux.h
[ -s "$pinned" ] || die "no pinned header $pinned"

# compile HEADER_DIR OUT: the program as the build compiles it (stripped)
compile() {
	"$ST_CLANG" -target bpf -mcpu=v3 -g -O2 -D__TARGET_ARCH_"$ST_BPF_ARCH" -I"$1" \
		-I"$ST_SOURCE/bpf" -c "$ST_SOURCE/bpf/seccomp_trace.bpf.c" -o "$2.debug" ||
		die "the program does not compile against $1/vmlinux.h"
	"$ST_LLVM_STRIP" -g "$2.debug" -o "$2"
}

# members OBJECT STRUCT: the member names of STRUCT in the object's BTF
members() {
	"$ST_BPFTOOL" btf dump file "$1" |
		awk -v s="'$2'" '/^\[/ { on = ($2 == "STRUCT" && $3 == s); next }
			on && $1 ~ /^\047/ { gsub(/\047/, "", $1); print $1 }'
}

# The build's object is the one from the pinned header, unless the build
# was configured to regenerate it (ST_VMLINUX_REGENERATE): then build one.
if [ "$ST_VMLINUX_H" -ef "$pinned" ]; then
	obj=$ST_BPF_OBJ
	from_build=1
else
	note "this build regenerated vmlinux.h ($ST_VMLINUX_H): compiling against $pinned"
	compile "$(dirname "$pinned")" "$T/pinned.bpf.o"
	obj=$T/pinned.bpf.o
	from_build=0
fi
# It was: the object's task_struct has the pinned header's members, only
# those the program reads (a full vmlinux.h has hundreds).
want=$(sed -n '/^struct task_struct {$/,/^};$/p' "$pinned" |
	sed -n 's/.*[ *]\([a-z_][a-z_0-9]*\)\(\[[0-9]*\]\)*;$/\1/p' | sort | tr '\n' ' ')
got=$(members "$obj" task_struct | sort | tr '\n' ' ')
[ -n "$want" ] && [ "$got" = "$want" ] ||
	die "$obj: task_struct members '$got', the pinned header has '$want'"
# Stripped: BTF and CO-RE relocations kept, no DWARF.
sections=$(llvm-readelf -S "$obj")
grep -q ' \.BTF ' <<<"$sections" && grep -q ' \.BTF\.ext ' <<<"$sections" ||
	die "$obj lacks .BTF or .BTF.ext"
! grep -q ' \.debug_' <<<"$sections" || die "$obj still has DWARF (.debug_*)"

pins=()
unpin() {
	local p
	for p in "${pins[@]}"; do rm -rf "$p"; done
}
st_at_exit unpin

# load OBJECT NAME: load it (not attached) as libbpf does, with its log;
# every CO-RE relocation must be applied. Prints the relocation lines.
load() {
	local pin=/sys/fs/bpf/seccomp-trace-test-$2-$$ n patched
	pins+=("$pin")
	"$ST_BPFTOOL" -d prog loadall "$1" "$pin" >"$T/$2.log" 2>&1 ||
		die "$2: the kernel refuses $1: $(grep -v '^libbpf: \(elf\|sec\|map\|CO-RE relocating\)' "$T/$2.log" | tail -20)"
	rm -rf "$pin"
	n=$(sed -n 's/.*found \([0-9]*\) CO-RE relocations.*/\1/p' "$T/$2.log" | awk '{ s += $1 } END { print s + 0 }')
	patched=$(grep -c 'patched insn' "$T/$2.log" || true)
	[ "$n" -gt 0 ] || die "$2: no CO-RE relocations in $1"
	[ "$patched" -eq "$n" ] || die "$2: $patched of $n CO-RE relocations applied"
	! grep -q 'poison' "$T/$2.log" || die "$2: a relocation was poisoned"
	grep 'patched insn' "$T/$2.log"
}

load "$obj" pinned >"$T/pinned.relos"
# Every field the pinned header declares (the ones the program reads) is in
# the path of a relocation matched in this kernel's BTF (the path names the
# fields from its root struct: task_struct.thread_info.status).
fields=$(awk '/^#pragma clang attribute push/ { on = 1 }
	on && /^struct [a-z_0-9]* {$/ { s = $2; next }
	on && s && /^};$/ { s = ""; next }
	on && s && /[a-z_][a-z_0-9]*(\[[0-9]*\])?;$/ {
		f = $NF; sub(/\[.*/, "", f); sub(/;$/, "", f); sub(/^\*+/, "", f); print s "." f }' "$pinned")
[ "$(wc -w <<<"$fields")" -ge 5 ] || die "too few struct fields in $pinned: $fields"
paths=$(sed -n 's/.*matching candidate #[0-9]* <[a-z_]*> \[[0-9]*\] struct \([a-z_0-9.]*\) .*/\1/p' "$T/pinned.log")
for f in $fields; do
	grep -qE "\.${f#*.}(\.|$)" <<<"$paths" ||
		die "no CO-RE relocation reads $f in this kernel (if the program no longer reads it, run scripts/gen-vmlinux-h)"
done
note "pinned header: $(wc -l <"$T/pinned.relos") CO-RE relocations applied"

# The same header with the fields of every kernel struct 8 bytes further,
# as if the kernel it came from had another layout: the code now has other
# offsets, and libbpf must move every access to this kernel's. Not upid: the
# program steps through pid->numbers[] by the local size of an upid, the one
# layout it assumes (16 bytes on every kernel with BTF tracepoints).
mkdir "$T/shifted"
sed '/^#pragma clang attribute push/,$ { /^struct [a-z_0-9]* {$/ { /^struct upid /!a\
	long: 64;
} }' "$pinned" >"$T/shifted/vmlinux.h"
compile "$T/shifted" "$T/shifted.bpf.o"
load "$T/shifted.bpf.o" shifted >"$T/shifted.relos"
moved=$(awk '$NF != $(NF - 2)' "$T/shifted.relos" | wc -l)
[ "$moved" -gt 0 ] || die "shifted header: no access was moved ($(head -3 "$T/shifted.relos"))"
note "shifted header: $moved of $(wc -l <"$T/shifted.relos") accesses moved to this kernel's offsets"

# The binary that embeds the build's object traces with it.
if [ $from_build = 1 ]; then
	"$ST_BIN" run -o "$T/true.json" -- /bin/true || die "run /bin/true failed"
	assert_allows "$T/true.json" execve exit_group
fi
