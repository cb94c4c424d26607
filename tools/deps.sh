#!/usr/bin/env bash
# Installs the Debian packages a purpose needs, only those missing.
#   tools/deps.sh [--check] PURPOSE...   (build, test, kernel, rig, bench, plots, lint, fuzz, bench-kernel, perf)
# As root it runs apt-get; otherwise it prints the exact apt-get line and
# exits 2. --check only reports what is missing (exit 2 if anything is).
set -euo pipefail

packages_for() {
	case "$1" in
	build) echo "gcc make pkgconf libc6-dev libelf-dev zlib1g-dev liblzma-dev liblz4-dev libzstd-dev libtracefs-dev libtraceevent-dev libjansson-dev musl-tools" ;;
	test) echo "libcmocka-dev libproc2-dev smem python3 acpica-tools" ;;
	kernel) echo "apt-utils dpkg lz4 zstd xz-utils gzip cpio" ;;
	rig) echo "qemu-system-x86 busybox-static cpio e2fsprogs" ;;
	bench) echo "libproc2-dev smem" ;;
	plots) echo "gnuplot-nox" ;;
	lint) echo "cppcheck clang-tidy clang-format shellcheck" ;;
	fuzz) echo "clang libclang-rt-14-dev" ;;
	bench-kernel) echo "linux-source-6.1 flex bison bc libelf-dev xz-utils" ;;
	perf) echo "linux-perf" ;;
	*)
		echo "deps: unknown purpose '$1' (build, test, kernel, rig, bench, plots, lint, fuzz, bench-kernel, perf)" >&2
		exit 2
		;;
	esac
}

check_only=0
if [ "${1:-}" = "--check" ]; then
	check_only=1
	shift
fi
[ $# -gt 0 ] || set -- build test

missing=()
for purpose in "$@"; do
	for pkg in $(packages_for "${purpose}"); do
		if ! dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q "install ok installed"; then
			missing+=("${pkg}")
		fi
	done
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${check_only}" -eq 1 ] || [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages; install them with:" >&2
	echo "  sudo apt-get install -y ${missing[*]}" >&2
	exit 2
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# An update only when a package is not known yet (a fresh machine's lists are empty).
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
