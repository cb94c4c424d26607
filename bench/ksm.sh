#!/usr/bin/env bash
# Another way to share: KSM. N guests per loader, one loader after the
# other: ksm (copy, then MADV_MERGEABLE over the image pages) and mmap-ksm
# (mmap, then MADV_MERGEABLE: ksmd merges the pages every guest wrote the
# same way) with ksmd running, copy and mmap without it. Per instance: USS
# and PSS reached, the image bytes (PT_LOAD + initrd) kept out of its
# private memory against copy's USS, pages merged, the time until merging
# settled, and the CPU ksmd spent. Needs root (ksmd's settings are changed
# and restored afterwards).
#
#   bench/ksm.sh [--instances N] [--kernel FILE] [--initrd FILE] [--scan PAGES]
#                [--loaders LIST]
#
# Default: 4 instances of the probe guest, loaders copy,mmap,ksm,mmap-ksm,
# ksmd scanning 1000 pages per 20 ms.
set -euo pipefail
cd "$(dirname "$0")/.."

n=4
kernel=build/probe.elf
initrd=
scan=1000
loaders=copy,mmap,ksm,mmap-ksm
ksm=/sys/kernel/mm/ksm

die() {
	echo "ksm: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--instances) [[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || die "--instances: 1 to 99" && n=$2 && shift 2 ;;
	--kernel) kernel=${2:?} && shift 2 ;;
	--initrd) initrd=${2:?} && shift 2 ;;
	--scan) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--scan: pages > 0" && scan=$2 && shift 2 ;;
	--loaders)
		[[ "${2:-}" =~ ^(copy|mmap|ksm|mmap-ksm)(,(copy|mmap|ksm|mmap-ksm))*$ ]] ||
			die "--loaders '${2:-}': a comma list of copy, mmap, ksm, mmap-ksm"
		loaders=$2 && shift 2
		;;
	--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ "$(id -u)" -eq 0 ] || die "needs root: it changes ksmd's settings (restored afterwards)"
[ -w "$ksm/run" ] || die "$ksm/run is missing: this kernel has no KSM"
[ -r "$kernel" ] || die "--kernel '$kernel': cannot read it"
# Inside the nested rig there is no compiler: the host built loadvm.
[ -n "${RIG:-}" ] || make -s build/loadvm
[ -x build/loadvm ] || die "build/loadvm is missing (make)"
sync

tmp=$(mktemp -d)
saved=("$(cat $ksm/run)" "$(cat $ksm/pages_to_scan)" "$(cat $ksm/sleep_millisecs)")
pids=()
restore() {
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	echo "${saved[1]}" >$ksm/pages_to_scan
	echo "${saved[2]}" >$ksm/sleep_millisecs
	echo 2 >$ksm/run # unmerge what we merged...
	echo "${saved[0]}" >$ksm/run # ...then back to how it was
	rm -rf "$tmp"
}
trap restore EXIT

ksmd_ticks() {
	local pid
	pid=$(pgrep -x ksmd | head -1)
	awk '{ print $14 + $15 }' "/proc/$pid/stat"
}

kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/smaps_rollup"; }

start_guests() {
	local loader=$1 i args
	pids=()
	for ((i = 0; i < n; i++)); do
		args=(--kernel "$kernel" --loader "$loader" --trace "$tmp/$loader-$i.jsonl")
		[ -z "$initrd" ] || args+=(--initrd "$initrd")
		build/loadvm "${args[@]}" &
		pids+=($!)
	done
	for ((i = 0; i < n; i++)); do
		until grep -q linux_start_user "$tmp/$loader-$i.jsonl" 2>/dev/null; do sleep 0.1; done
	done
}

# Our guests' merged pages: /proc/PID/ksm_merging_pages (Linux 6.1+), not
# the global pages_sharing, which other processes' mergeable memory (QEMU
# marks guest RAM mergeable) would inflate.
merged_pages() {
	local p total=0
	for p in "${pids[@]}"; do
		total=$((total + $(cat "/proc/$p/ksm_merging_pages" 2>/dev/null || echo 0)))
	done
	echo "$total"
}

# Polls our merged pages until they have not moved for 2 s (or 120 s
# passed: the seconds are then printed as ">120", merging had not settled);
# prints "seconds pages".
wait_merged() {
	local start last=-1 stable=0 now pages
	start=$(date +%s.%N)
	while :; do
		pages=$(merged_pages)
		now=$(date +%s.%N)
		if [ "$pages" -eq "$last" ]; then stable=$((stable + 1)); else stable=0; fi
		last=$pages
		if [ "$stable" -ge 20 ]; then
			awk -v s="$start" -v t="$now" -v p="$pages" 'BEGIN { printf "%.1f %d\n", t - s - 2, p }'
			return
		fi
		if awk -v s="$start" -v t="$now" 'BEGIN { exit !(t - s > 120) }'; then
			echo ">120 $pages"
			return
		fi
		sleep 0.1
	done
}

# The image bytes a guest could keep shared: the kernel's PT_LOAD file bytes
# plus the initrd, in KiB.
image_kb() {
	python3 - "$kernel" "${initrd:-}" <<'PY'
import os, struct, sys
with open(sys.argv[1], "rb") as f:
    data = f.read()
if data[:4] != b"\x7fELF" or data[4] != 2:
    sys.exit("not a 64-bit ELF (give the vmlinux, not a bzImage)")
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
total = 0
for i in range(phnum):
    p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
    if p_type == 1:  # PT_LOAD
        total += struct.unpack_from("<Q", data, phoff + i * phentsize + 0x20)[0]
if sys.argv[2]:
    total += os.path.getsize(sys.argv[2])
print(total // 1024)
PY
}

# The loaders with MADV_MERGEABLE run with ksmd on; copy and mmap need no
# ksmd, so they run with KSM off and their merge columns are "-". "kept" is
# copy's USS minus this loader's, as a share of the image (copy first).
copy_uss=
measure() {
	local loader=$1 uss=0 pss=0 p merged="-" secs="-" cpu="-" t0 kept="-"
	echo 2 >$ksm/run
	if [ "$loader" = ksm ] || [ "$loader" = mmap-ksm ]; then
		echo "$scan" >$ksm/pages_to_scan
		echo 20 >$ksm/sleep_millisecs
		echo 1 >$ksm/run
		t0=$(ksmd_ticks)
		start_guests "$loader"
		read -r secs merged < <(wait_merged)
		cpu=$(awk -v a="$t0" -v b="$(ksmd_ticks)" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.0f", (b - a) * 1000 / hz }')
	else
		start_guests "$loader"
		sleep 2
	fi
	for p in "${pids[@]}"; do
		uss=$((uss + $(kb Private_Clean "$p") + $(kb Private_Dirty "$p")))
		pss=$((pss + $(kb Pss "$p")))
	done
	[ "$loader" != copy ] || copy_uss=$uss
	if [ -n "$copy_uss" ]; then
		kept=$(awk -v c="$copy_uss" -v u="$uss" -v n="$n" -v i="$image" \
			'BEGIN { printf "%.0f%%", (c - u) / n * 100 / i }')
	fi
	printf '%-8s %3d %10.1f %10.1f %8s %14s %10s %12s\n' "$loader" "$n" \
		"$(awk -v v="$uss" -v n="$n" 'BEGIN { print v / n / 1024 }')" \
		"$(awk -v v="$pss" -v n="$n" 'BEGIN { print v / n / 1024 }')" "$kept" "$merged" \
		"$secs" "$cpu"
	kill "${pids[@]}"
	wait 2>/dev/null || true
	pids=()
}

image=$(image_kb) || die "--kernel '$kernel': cannot read its PT_LOAD segments"
echo "kernel $(basename "$kernel"), initrd ${initrd:-none}, image (PT_LOAD + initrd)" \
	"$((image / 1024)) MiB, ksmd scanning $scan pages / 20 ms"
printf '%-8s %3s %10s %10s %8s %14s %10s %12s\n' loader N "USS MiB" "PSS MiB" kept \
	"pages merged" "merge s" "ksmd CPU ms"
for loader in ${loaders//,/ }; do
	measure "$loader"
done
echo "(USS/PSS per instance once merging settled, or after 120 s (merge s >120); pages merged:"
echo " the guests' ksm_merging_pages; merge s: until they stopped moving for 2 s; ksmd CPU"
echo " includes any other mergeable memory it scans)"
