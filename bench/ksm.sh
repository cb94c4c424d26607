#!/usr/bin/env bash
# Another way to share: KSM. N guests with the ksm loader (copy, then
# MADV_MERGEABLE over the image pages) and ksmd running, next to N guests
# with the mmap loader: per-instance USS/PSS reached, pages merged, the time
# until merging settled, and the CPU ksmd spent. Needs root (ksmd's
# settings are changed and restored afterwards).
#
#   bench/ksm.sh [--instances N] [--kernel FILE] [--initrd FILE] [--scan PAGES]
#
# Default: 4 instances of the probe guest, ksmd scanning 1000 pages per 20 ms.
set -euo pipefail
cd "$(dirname "$0")/.."

n=4
kernel=build/probe.elf
initrd=
scan=1000
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
	--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ "$(id -u)" -eq 0 ] || die "needs root: it changes ksmd's settings (restored afterwards)"
[ -w "$ksm/run" ] || die "$ksm/run is missing: this kernel has no KSM"
[ -r "$kernel" ] || die "--kernel '$kernel': cannot read it"
make -s build/loadvm
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
# passed); prints "seconds pages".
wait_merged() {
	local start last=-1 stable=0 now pages
	start=$(date +%s.%N)
	while :; do
		pages=$(merged_pages)
		now=$(date +%s.%N)
		if [ "$pages" -eq "$last" ]; then stable=$((stable + 1)); else stable=0; fi
		last=$pages
		if [ "$stable" -ge 20 ] || awk -v s="$start" -v t="$now" 'BEGIN { exit !(t - s > 120) }'; then
			awk -v s="$start" -v t="$now" -v p="$pages" 'BEGIN { printf "%.1f %d\n", t - s - 2, p }'
			return
		fi
		sleep 0.1
	done
}

# The ksm loader runs with ksmd on; mmap needs no ksmd, so it runs with
# KSM off and its merge columns are "-".
measure() {
	local loader=$1 uss=0 pss=0 p merged="-" secs="-" cpu="-" t0
	echo 2 >$ksm/run
	if [ "$loader" = ksm ]; then
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
	printf '%-6s %3d %10.1f %10.1f %14s %10s %12s\n' "$loader" "$n" \
		"$(awk -v v="$uss" -v n="$n" 'BEGIN { print v / n / 1024 }')" \
		"$(awk -v v="$pss" -v n="$n" 'BEGIN { print v / n / 1024 }')" "$merged" "$secs" "$cpu"
	kill "${pids[@]}"
	wait 2>/dev/null || true
	pids=()
}

echo "kernel $(basename "$kernel"), initrd ${initrd:-none}, ksmd scanning $scan pages / 20 ms"
printf '%-6s %3s %10s %10s %14s %10s %12s\n' loader N "USS MiB" "PSS MiB" "pages merged" \
	"merge s" "ksmd CPU ms"
measure ksm
measure mmap
echo "(USS/PSS per instance once merging settled; pages merged: the guests' ksm_merging_pages;"
echo " merge s: until they stopped moving; ksmd CPU includes any other mergeable memory it scans)"
