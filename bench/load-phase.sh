#!/usr/bin/env bash
# Load-phase benchmark: time from loadvm's main() to load_done for the copy
# and mmap loaders on the same image, alternating loaders run by run so
# drift on a noisy machine does not favour one. Warm page cache (one
# untimed run of each first). Prints medians and the copy/mmap ratio.
#
#   bench/load-phase.sh [--runs N] [--loadvm PATH] [IMAGE...]
#
# Default images: build/probe.elf and, when fetched, build/kernel/vmlinux.
set -euo pipefail

runs=15
loadvm=build/loadvm
images=()

die() {
	echo "load-phase: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--runs)
		[ $# -ge 2 ] || die "--runs needs a value"
		[[ "$2" =~ ^[1-9][0-9]*$ ]] || die "--runs '$2': expected a whole number > 0"
		runs="$2"
		shift 2
		;;
	--loadvm)
		[ $# -ge 2 ] || die "--loadvm needs a value"
		loadvm="$2"
		shift 2
		;;
	--help)
		sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*) die "unknown option '$1'" ;;
	*)
		images+=("$1")
		shift
		;;
	esac
done

[ -x "${loadvm}" ] || die "${loadvm} not built (run make)"
if [ ${#images[@]} -eq 0 ]; then
	images=(build/probe.elf)
	[ -f build/kernel/vmlinux ] && images+=(build/kernel/vmlinux)
fi

# Nanoseconds from main() to load_done for one run.
load_ns() {
	local image="$1" loader="$2" line
	line=$("${loadvm}" --kernel "${image}" --loader "${loader}" --exit-after load \
		--trace - --mem 1024) || die "${image}: loadvm failed with ${loader}"
	line="${line##*\"ns\":}"
	echo "${line%\}}"
}

median_ms() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f", m / 1e6 }'
}

printf '%-28s %10s %12s %12s %10s\n' "image" "size MB" "copy ms" "mmap ms" "copy/mmap"
for image in "${images[@]}"; do
	[ -r "${image}" ] || die "${image}: cannot read"
	load_ns "${image}" copy >/dev/null
	load_ns "${image}" mmap >/dev/null
	copy_samples=()
	mmap_samples=()
	for ((i = 0; i < runs; i++)); do
		if ((i % 2)); then order=(mmap copy); else order=(copy mmap); fi
		for loader in "${order[@]}"; do
			ns=$(load_ns "${image}" "${loader}")
			if [ "${loader}" = copy ]; then copy_samples+=("${ns}"); else mmap_samples+=("${ns}"); fi
		done
	done
	copy_ms=$(printf '%s\n' "${copy_samples[@]}" | median_ms)
	mmap_ms=$(printf '%s\n' "${mmap_samples[@]}" | median_ms)
	size_mb=$(awk -v b="$(stat -c %s "${image}")" 'BEGIN { printf "%.1f", b / 1e6 }')
	ratio=$(awk -v c="${copy_ms}" -v m="${mmap_ms}" 'BEGIN { printf "%.1f", c / m }')
	printf '%-28s %10s %12s %12s %10s\n' "${image}" "${size_mb}" "${copy_ms}" "${mmap_ms}" "${ratio}x"
done
echo "(median of ${runs} runs each, main() to load_done, warm page cache)"
