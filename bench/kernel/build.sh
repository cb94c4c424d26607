#!/bin/bash
# Build the bench kernel: a small PVH vmlinux from Debian's linux-source-6.1,
# configured by pvh-guest.config on top of tinyconfig, with trace-points.patch
# (linux_start_kernel and linux_start_user on port 0xf4). Leaves in OUTDIR
# bench-vmlinux (not stripped), bench-System.map, bench-kernel.config,
# bench-kernel.txt (what was built, how long it took, sizes) and
# bench-kernel.stamp; the source tree is OUTDIR/bench-src, extracted once and
# rebuilt incrementally. Nothing happens when bench-vmlinux exists and the
# stamp records the same fragment, patch and source package version.
#
# usage: bench/kernel/build.sh OUTDIR
#   BENCH_KERNEL_JOBS  make -j for the kernel (default: nproc)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd -P)
FRAGMENT="$HERE/pvh-guest.config"
PATCH="$HERE/trace-points.patch"
SOURCE_PACKAGE=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
# The guest is x86_64 whatever ARCH the caller's environment says.
KMAKE=(make ARCH=x86_64)

die() {
	echo "build.sh: $*" >&2
	exit 1
}

check_tools() {
	local t
	for t in make gcc flex bison bc perl xz patch readelf size sha256sum; do
		command -v "$t" >/dev/null ||
			die "$t not found (apt-get install build-essential flex bison bc xz-utils patch)"
	done
	# objtool, built for every x86_64 kernel, needs libelf's header.
	[[ -f /usr/include/libelf.h || -f /usr/include/elfutils/libelf.h ]] ||
		die "libelf.h not found (apt-get install libelf-dev)"
}

source_version() {
	local v
	v=$(dpkg-query -W -f '${Version}' "$SOURCE_PACKAGE" 2>/dev/null) || v=""
	[[ -n "$v" && -f "$TARBALL" ]] ||
		die "$TARBALL missing (apt-get install $SOURCE_PACKAGE)"
	echo "$v"
}

# What the build depends on, one line each; equal stamps mean equal kernels.
inputs() {
	local version=$1
	printf '%s %s\n' "$SOURCE_PACKAGE" "$version"
	printf 'fragment %s\n' "$(sha256sum <"$FRAGMENT" | cut -d ' ' -f 1)"
	printf 'patch %s\n' "$(sha256sum <"$PATCH" | cut -d ' ' -f 1)"
}

is_current() {
	local out=$1 version=$2
	[[ -s "$out/bench-vmlinux" && -f "$out/bench-kernel.stamp" ]] &&
		inputs "$version" | cmp -s - "$out/bench-kernel.stamp"
}

# The project's top Makefile includes every *.d under the build directory.
# Kbuild's own .d files are make syntax and harmless there, but a directory
# of that name stops every make: the tarball has one (tools/testing/
# selftests/ftrace/test.d), which is why extract_source leaves tools/testing
# out (vmlinux does not need it).
check_no_dep_dirs() {
	local src=$1 found
	found=$(find "$src" -type d -name '*.d' -print -quit)
	[[ -z "$found" ]] ||
		die "directory $found would stop the top Makefile (it includes every *.d); remove it"
}

# OUTDIR/bench-src holds the tarball of VERSION; .bench-source says which.
extract_source() {
	local src=$1 version=$2 tmp
	if [[ -f "$src/.bench-source" ]] &&
		[[ "$(cat "$src/.bench-source")" == "$SOURCE_PACKAGE $version" ]]; then
		return 0
	fi
	echo "build.sh: extracting $TARBALL into $src" >&2
	rm -rf "$src" "$src.tmp"
	tmp="$src.tmp"
	mkdir -p "$tmp"
	tar -xJf "$TARBALL" -C "$tmp" --strip-components=1 \
		--exclude='*/tools/testing' || die "tar failed on $TARBALL"
	printf '%s %s\n' "$SOURCE_PACKAGE" "$version" >"$tmp/.bench-source"
	mv "$tmp" "$src"
	check_no_dep_dirs "$src"
}

# The tree carries the patch it has (.bench-patch): a changed patch is
# reverted and the new one applied, so the tree is never extracted twice.
apply_patch() {
	local src=$1
	if [[ -f "$src/.bench-patch" ]]; then
		cmp -s "$PATCH" "$src/.bench-patch" && return 0
		echo "build.sh: reverting the previous trace-points.patch" >&2
		patch -d "$src" -p1 -R -s --no-backup-if-mismatch <"$src/.bench-patch" ||
			die "cannot revert $src/.bench-patch; remove $src to start over"
		rm -f "$src/.bench-patch"
	fi
	patch -d "$src" -p1 -s --dry-run --forward <"$PATCH" >/dev/null ||
		die "$PATCH does not apply to $src; remove $src to start over"
	patch -d "$src" -p1 -s --forward --no-backup-if-mismatch <"$PATCH"
	cp "$PATCH" "$src/.bench-patch"
}

# Every option the fragment names must have its value in .config: a
# dependency that olddefconfig silently refused is an error, not a surprise
# at boot.
check_config() {
	local config=$1 line sym bad=0
	while IFS= read -r line; do
		if [[ "$line" =~ ^(CONFIG_[A-Za-z0-9_]+)= ]]; then
			grep -qxF -- "$line" "$config" && continue
		elif [[ "$line" =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]}
			grep -q "^$sym=" "$config" || continue
		else
			continue
		fi
		echo "build.sh: wanted '$line', .config has:" \
			"'$(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$config" || echo nothing)'" >&2
		bad=1
	done <"$FRAGMENT"
	[[ "$bad" -eq 0 ]] || die "the configuration differs from $FRAGMENT (see above)"
}

configure() {
	local src=$1 log=$2
	(
		cd "$src"
		"${KMAKE[@]}" tinyconfig
		scripts/kconfig/merge_config.sh -m .config "$FRAGMENT"
		"${KMAKE[@]}" olddefconfig
	) >>"$log" 2>&1 || {
		tail -n 30 "$log" >&2
		die "configuration failed (log: $log)"
	}
	check_config "$src/.config"
}

# CPU time (user + system, in clock ticks) of this shell's waited-for
# children, from /proc: unlike wall time it does not grow when other jobs
# share the machine. $$ is this shell even inside $(...).
children_cpu_ticks() {
	local stat
	stat=$(<"/proc/$$/stat")
	local -a f
	read -ra f <<<"${stat##*) }"
	echo $((f[13] + f[14])) # cutime, cstime (fields 16 and 17)
}

# Sum of a column ("Total" line of size -A -d, or PT_LOAD file sizes).
section_total() {
	size -A -d "$1" | awk '$1 == "Total" { print $2 }'
}

load_bytes() {
	local n=0 f
	while read -r f; do
		n=$((n + f))
	done < <(readelf -lW "$1" | awk '$1 == "LOAD" { print $5 }')
	echo "$n"
}

check_image() {
	local img=$1
	readelf -n "$img" | grep -q 'Xen.*(0x00000012)' ||
		die "$img has no Xen PVH entry note (CONFIG_PVH off?)"
	readelf -SW "$img" | grep -q ' \.symtab ' || die "$img has no symbol table"
}

main() {
	[[ $# -eq 1 ]] || die "usage: build.sh OUTDIR"
	local out=$1 version
	version=$(source_version)
	if is_current "$out" "$version"; then
		return 0
	fi
	check_tools
	mkdir -p "$out"
	out=$(cd "$out" && pwd -P)
	local src="$out/bench-src" log="$out/bench-kernel.log"
	local jobs=${BENCH_KERNEL_JOBS:-$(nproc)} kind=incremental start seconds ticks load
	# Make variables from a calling make (MAKEFLAGS) must not reach kbuild.
	unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES KBUILD_OUTPUT
	: >"$log"
	extract_source "$src" "$version"
	apply_patch "$src"
	configure "$src" "$log"
	[[ -f "$src/vmlinux" ]] || kind=clean
	echo "build.sh: building vmlinux ($kind, -j$jobs; log: $log)" >&2
	load=$(cut -d ' ' -f 1 /proc/loadavg)
	start=$SECONDS
	ticks=$(children_cpu_ticks)
	"${KMAKE[@]}" -C "$src" -j"$jobs" vmlinux >>"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		die "kernel build failed (log: $log)"
	}
	seconds=$((SECONDS - start))
	ticks=$(($(children_cpu_ticks) - ticks))
	check_no_dep_dirs "$src"
	check_image "$src/vmlinux"
	# Copies, not links: the tree's vmlinux changes on the next build.
	cp "$src/vmlinux" "$out/bench-vmlinux.tmp"
	cp "$src/System.map" "$out/bench-System.map"
	cp "$src/.config" "$out/bench-kernel.config"
	mv -f "$out/bench-vmlinux.tmp" "$out/bench-vmlinux"
	{
		printf 'package: %s\n' "$SOURCE_PACKAGE"
		printf 'version: %s\n' "$version"
		printf 'kernel: %s\n' "$("${KMAKE[@]}" -s -C "$src" kernelrelease)"
		printf 'config: tinyconfig + bench/kernel/pvh-guest.config\n'
		printf 'patch: bench/kernel/trace-points.patch\n'
		printf 'compiler: %s\n' "$(gcc --version | head -n 1)"
		printf 'build_seconds: %d (%s, -j%s, %s cores, load average %s before)\n' \
			"$seconds" "$kind" "$jobs" "$(nproc)" "$load"
		printf 'build_cpu_seconds: %d (user + system)\n' $((ticks / $(getconf CLK_TCK)))
		printf 'vmlinux_bytes: %d\n' "$(stat -c %s "$out/bench-vmlinux")"
		printf 'sections_bytes: %d (size -A -d total)\n' "$(section_total "$out/bench-vmlinux")"
		printf 'load_bytes: %d (PT_LOAD file bytes)\n' "$(load_bytes "$out/bench-vmlinux")"
	} >"$out/bench-kernel.txt"
	inputs "$version" >"$out/bench-kernel.stamp" # last: it marks done
	sed 's/^/build.sh: /' "$out/bench-kernel.txt" >&2
}

main "$@"
