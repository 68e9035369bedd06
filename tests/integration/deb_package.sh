#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package: dpkg-buildpackage -us -uc -b builds it from a copy of
# the source tree, lintian finds no error, it holds what users need (binary,
# hooks.d entry in podman's and CRI-O's default directory, man page, bash
# completion, Depends from shlibs); installed, podman records a container
# with NO --hooks-dir, and ignores the installed entry when given
# --hooks-dir (which every other test passes: they may run meanwhile). The
# package is removed at the end, failure or not, and the host checked to be
# as it was. Installing is serialised between concurrent runs of this test.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers.sh"

pkg=seccomp-trace
for t in dpkg-buildpackage dh lintian apt-get; do
	command -v "$t" >/dev/null || die "$t is missing (scripts/setup installs it)"
done
version=$(sed -n 's/^project(seccomp-trace VERSION \([0-9.]*\).*/\1/p' "$ST_SOURCE/CMakeLists.txt")
arch=$(dpkg --print-architecture)
deb=$T/src/${pkg}_${version}_${arch}.deb

# What the host looks like without the package; checked again at the end.
host_state() {
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' | sort
	ls -d /usr/bin/seccomp-trace /usr/share/containers/oci /usr/share/containers/oci/hooks.d \
		/usr/share/bash-completion/completions/seccomp-trace 2>/dev/null || true
}
installed() {
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'
}
installed && die "$pkg is installed on this host already: this test installs and removes it (apt-get purge $pkg first)"

# ---- build, from a copy of the tree (dpkg-buildpackage writes into the
# tree and its parent): tracked and untracked files git does not ignore, or
# everything but build directories outside a git checkout.
mkdir -p "$T/src/$pkg"
if git -C "$ST_SOURCE" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$ST_SOURCE" ls-files -z --cached --others --exclude-standard |
		(cd "$ST_SOURCE" && xargs -0 tar -c --no-recursion -f - --ignore-failed-read) |
		tar -x -C "$T/src/$pkg"
else
	tar -c -C "$ST_SOURCE" --exclude='./build*' --exclude=./.git . | tar -x -C "$T/src/$pkg"
fi
# As in a distribution's build chroot: no kernel BTF (hidden in a mount
# namespace of the build's own).
start=$SECONDS
(cd "$T/src/$pkg" && DEB_BUILD_OPTIONS="parallel=$(nproc)" unshare -m sh -c \
	'mount -t tmpfs none /sys/kernel/btf && exec dpkg-buildpackage -us -uc -b') \
	>"$T/build.log" 2>&1 || die "dpkg-buildpackage failed: $(tail -20 "$T/build.log")"
note "dpkg-buildpackage: $((SECONDS - start)) s"
[ -f "$deb" ] || die "no $deb; built: $(ls "$T/src")"
! grep -q 'tests/CMakeFiles' "$T/build.log" || die "the package build compiled the tests"
! grep -q 'warning:' "$T/build.log" || die "the package build warns: $(grep 'warning:' "$T/build.log" | head -5)"

start=$SECONDS
lintian --fail-on error --display-level ">=warning" "$deb" >"$T/lintian.log" 2>&1 ||
	die "lintian: $(cat "$T/lintian.log")"
note "lintian: $((SECONDS - start)) s, $(grep -c '^[EW]:' "$T/lintian.log" || true) warnings, no error"

# ---- what the package holds
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$T/contents"
for f in ./usr/bin/seccomp-trace ./usr/share/containers/oci/hooks.d/seccomp-trace.json \
	./usr/bin/seccomp-trace-runtime ./usr/libexec/seccomp-trace/seccomp-trace-runtime-edit \
	./usr/share/man/man1/seccomp-trace.1.gz ./usr/share/man/man1/seccomp-trace-runtime.1.gz \
	./usr/share/bash-completion/completions/seccomp-trace ./usr/share/doc/seccomp-trace/copyright \
	./etc/logrotate.d/seccomp-trace; do
	grep -qx -- "$f" "$T/contents" || die "the package lacks $f"
done
! grep -q '^./usr/local' "$T/contents" || die "the package installs into /usr/local"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libbpf1 libseccomp2 libyajl2 libc6; do
	[[ $depends == *"$lib "* || $depends == *"$lib," || $depends == *"$lib" ]] ||
		die "Depends lacks $lib (from shlibs): $depends"
done
# The shim's binaries are static: Built-Using names what they carry.
built_using=$(dpkg-deb -f "$deb" Built-Using)
for src in glibc yajl; do
	[[ $built_using == *"$src (= "* ]] || die "Built-Using lacks $src: $built_using"
done
dpkg-deb -x "$deb" "$T/x"
grep -qa /usr/bin/seccomp-trace "$T/x/usr/libexec/seccomp-trace/seccomp-trace-runtime-edit" ||
	die "the packaged seccomp-trace-runtime does not name /usr/bin/seccomp-trace"
# The distribution's hardening reaches every binary, the musl front end
# (built by a custom command) included: the stack protector's canary check
# in main (x86_64's %fs:0x28 guard), read in the build tree's binaries (the
# packaged ones are stripped).
if [ "$arch" = amd64 ]; then
	for b in seccomp-trace-runtime seccomp-trace-runtime-edit; do
		f=$(echo "$T/src/$pkg"/obj-*/"$b")
		objdump -d --disassemble=main "$f" >"$T/main.s" || die "objdump $f failed"
		grep -q '%fs:0x28' "$T/main.s" ||
			die "$b is built without the stack protector (dpkg-buildflags not applied): $f"
	done
else
	note "stack protector of the static binaries: checked on amd64 only (its guard's form)"
fi
[ "$(jq -r .hook.path "$T/x/usr/share/containers/oci/hooks.d/seccomp-trace.json")" = /usr/bin/seccomp-trace ] ||
	die "the packaged hooks.d entry runs $(jq -r .hook.path "$T/x/usr/share/containers/oci/hooks.d/seccomp-trace.json")"
"$T/x/usr/bin/seccomp-trace" --version | grep -qx "seccomp-trace $version" ||
	die "the packaged binary says $("$T/x/usr/bin/seccomp-trace" --version | head -1)"

# ---- installed: a short window, one run of this test at a time
ct_podman_image
mkdir -p /run/seccomp-trace-tests
exec 8>/run/seccomp-trace-tests/deb-package.lock
flock 8
before=$(host_state)
# apt-get waits for dpkg's lock (another engineer's apt) where dpkg -i fails;
# it must install nothing but the package, or removing it would not restore
# the host.
apt-get install -s "$deb" 2>/dev/null | grep '^Inst ' >"$T/inst" || true
[ "$(awk '{ print $2 }' "$T/inst")" = "$pkg" ] ||
	die "installing the package would install more: $(cat "$T/inst") (run scripts/setup)"
remove() {
	local after
	if installed || dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q .; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=300 "$pkg" \
			>"$T/purge.log" 2>&1 || { echo "apt-get purge $pkg failed: $(cat "$T/purge.log")" >&2; return 1; }
	fi
	after=$(host_state)
	[ "$after" = "$before" ] || { echo "the host differs after removal: $(diff <(echo "$before") <(echo "$after"))" >&2; return 1; }
}
st_at_exit remove
start=$SECONDS
DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 "$deb" \
	>"$T/install.log" 2>&1 || die "apt-get install failed: $(tail -5 "$T/install.log")"
installed || die "$pkg is not installed after apt-get install"
[ -x /usr/bin/seccomp-trace ] || die "no /usr/bin/seccomp-trace"

ann=io.containers.trace-syscall
# A relative of: path makes the hook fail the create: a direct sign of
# whether podman ran the installed entry (the runtime's error names the
# hook's path, /usr/bin/seccomp-trace).
set +e
ct_podman run --rm --network none --annotation "$ann=of:relative.json" "$CT_IMAGE" true \
	>"$T/bad.out" 2>&1
rc_default=$?
mkdir "$T/no-hooks"
ct_podman --hooks-dir "$T/no-hooks" run --rm --network none --annotation "$ann=of:relative.json" \
	"$CT_IMAGE" true >"$T/bad-hooks-dir.out" 2>&1
rc_hooks_dir=$?
set -e
[ $rc_default -ne 0 ] && grep -q '/usr/bin/seccomp-trace' "$T/bad.out" ||
	die "podman without --hooks-dir did not run the installed hook (exit $rc_default: $(cat "$T/bad.out"))"
[ $rc_hooks_dir -eq 0 ] ||
	die "podman --hooks-dir still ran the installed hook (exit $rc_hooks_dir: $(cat "$T/bad-hooks-dir.out"))"
# crun (podman's default) shows only the hook's exit code: the entry's --log
# file has the cause
[ "$(jq -c .hook.args /usr/share/containers/oci/hooks.d/seccomp-trace.json)" = \
	'["seccomp-trace","hook","--log","/var/log/seccomp-trace.log"]' ] ||
	die "the installed entry's args: $(jq -c .hook.args /usr/share/containers/oci/hooks.d/seccomp-trace.json)"
grep -q 'error: invalid annotation .*of:relative.json' /var/log/seccomp-trace.log ||
	die "the cause is not in /var/log/seccomp-trace.log: $(tail -3 /var/log/seccomp-trace.log 2>&1)"

# The real thing: recorded through the installed entry alone.
ct_podman run --rm --network none --annotation "$ann=of:$T/pkg.json" "$CT_IMAGE" ls / >/dev/null ||
	die "podman run with the annotation failed"
ct_wait_file "$T/pkg.json" || die "no profile from the installed hook"
assert_valid_profile "$T/pkg.json"
assert_allows "$T/pkg.json" execve getdents64

# bash-completion finds the installed completion by the command's name.
bash --norc --noprofile -c '. /usr/share/bash-completion/bash_completion &&
	_completion_loader seccomp-trace; complete -p seccomp-trace' 2>/dev/null | grep -q _seccomp_trace ||
	die "bash-completion does not load the installed completion"

# seccomp-trace-runtime installed: its front end finds the editor and the
# hook where the package put them (paths compiled in).
/usr/bin/seccomp-trace-runtime --check-config >"$T/shim.out" 2>&1 &&
	grep -qx 'editor: /usr/libexec/seccomp-trace/seccomp-trace-runtime-edit' "$T/shim.out" &&
	grep -qx 'hook (prestart): /usr/bin/seccomp-trace hook --log /var/log/seccomp-trace.log' "$T/shim.out" ||
	die "the installed seccomp-trace-runtime: $(cat "$T/shim.out")"

remove || die "removing the package failed"
note "installed for $((SECONDS - start)) s; removed, host as before"
