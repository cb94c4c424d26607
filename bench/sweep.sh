#!/usr/bin/env bash
# Sweeps beyond the seed. size, density and cache use the probe guest on
# this host's KVM; knobs needs real Linux:
#   size     read-only part 4..128 MiB: USS saved per instance (N=4) and the
#            load phase, per loader, against image size
#   density  32..256 instances: per-instance USS/PSS, total host memory, VMs per GiB
#   cache    load phase and boot time with a warm and a cold page cache
#            (loadbench --cache: the images evicted before every round)
#   knobs    Debian's kernel (make kernel) and the guest initrd (make
#            initrd), N guests at once per loader (copy, mmap), under each
#            guest configuration: stock, vcpus=2, noreplace-smp,
#            mitigations=off, retbleed=off, spectre_v2=retpoline,
#            spectre_v2=off (loadbench --vcpus 2 or --cmdline KNOB): USS,
#            PSS, image kept out of private memory, linux_start_user, .text
#            pages shared/copied/untouched, and the knob's security cost.
#            Where this host's KVM is not native, in one boot of the nested
#            rig (root); run the same command again to continue an
#            interrupted sweep with the same --out
#
#   bench/sweep.sh [--rounds R] [--out DIR] size|density|cache|knobs|all
#   knobs' options:
#     --knobs LIST        configurations, comma-separated (default: all seven)
#     --instances N       guests at once per loader (default 8)
#     --kernel FILE       guest kernel (default build/kernel/vmlinux)
#     --initrd FILE|-     guest initrd, - for none (default build/initrd.cpio)
#     --ksm               mmap-ksm too: ksmd runs at 1000 pages / 20 ms for the
#                         sweep and is put back afterwards (root)
#     --rig auto|on|off   in the nested rig (auto: where KVM is not native)
#     --rig-timeout SEC   the rig's time limit (default from the runs' count)
#
# all is size, density and cache. Each writes DIR/<sweep>.dat (the table),
# DIR/<sweep>*.png/svg (plots; knobs: DIR/knobs.md instead) and prints the
# table. Loaders alternate and every figure is a median over rounds.
set -euo pipefail
caller_dir=$(pwd)
cd "$(dirname "$0")/.."

rounds=3
out="results/sweep-$(date -u +%Y%m%dT%H%M%SZ)"
sweeps=()

die() {
	echo "sweep: $*" >&2
	exit 2
}

# shellcheck source=bench/sweep-knobs.sh
. bench/sweep-knobs.sh

# A knobs option: noted, so that it is refused without the knobs sweep.
knob_option() {
	knob_options_given=1
	[ $# -lt 2 ] || [ -n "$2" ] || die "$1 needs a value"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--rounds)
		[[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || die "--rounds '${2:-}': expected 1 to 99"
		rounds=$2
		shift 2
		;;
	--out)
		[ -n "${2:-}" ] || die "--out needs a value"
		out=$(absolute "$2")
		shift 2
		;;
	--knobs) knob_option "$1" "${2:-}" && knobs=$2 && shift 2 ;;
	--instances)
		knob_option "$1" "${2:-}"
		[[ "$2" =~ ^[1-9][0-9]?$ ]] || die "--instances '$2': expected 1 to 99"
		knob_instances=$2
		shift 2
		;;
	--kernel) knob_option "$1" "${2:-}" && knob_kernel=$(absolute "$2") && shift 2 ;;
	--initrd) knob_option "$1" "${2:-}" && knob_initrd=$(absolute "$2") && shift 2 ;;
	--ksm) knob_option "$1" && knob_ksm=1 && shift ;;
	--rig)
		knob_option "$1" "${2:-}"
		[[ "$2" =~ ^(auto|on|off)$ ]] || die "--rig '$2': expected auto, on or off"
		knob_rig=$2
		shift 2
		;;
	--rig-timeout)
		knob_option "$1" "${2:-}"
		[[ "$2" =~ ^[1-9][0-9]{0,5}$ ]] || die "--rig-timeout '$2': expected seconds, 1 to 999999"
		knob_rig_timeout=$2
		shift 2
		;;
	size | density | cache | knobs) sweeps+=("$1") && shift ;;
	all) sweeps+=(size density cache) && shift ;;
	--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' && exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ ${#sweeps[@]} -gt 0 ] || die "say which sweep: size, density, cache, knobs or all"
knobs_check_options
# Inside the nested rig there is no compiler: the host built everything.
if [ -z "${RIG:-}" ]; then
	tools/deps.sh build plots
	make -s -j"$(nproc)" all build/kvm-mode
fi
[[ " ${sweeps[*]} " != *" knobs "* ]] || knobs_decide
mkdir -p "$out"

# A value from a run's summary.json: FIELD of METRIC in SECTION for (loader, N).
summary() {
	python3 - "$@" <<'PY'
import json, sys
path, loader, n, section, metric, field = sys.argv[1:7]
s = json.load(open(path))
for g in s["results"]:
    if g["loader"] == loader and g["instances"] == int(n):
        v = g[section][metric][field]
        print("n/a" if v is None else f"{v:.6g}")
        break
else:
    print("n/a")
PY
}

plot() { # DATA TITLE XLABEL YLABEL [log]
	local data=$1
	shift
	gnuplot -c plots/sweep.gp "$data" "${data%.dat}.png" "$1" "$2" "$3" \
		"probe guest, $rounds rounds, $(hostname -s)" "${4:-lin}"
	gnuplot -c plots/sweep.gp "$data" "${data%.dat}.svg" "$1" "$2" "$3" \
		"probe guest, $rounds rounds, $(hostname -s)" "${4:-lin}"
}

sweep_size() {
	local ro kernel run data="$out/size.dat" load="$out/size-load.dat"
	echo "# ro_mib copy_uss_mib mmap_uss_mib saved_mib" >"$data"
	echo "# ro_mib copy mmap" >"$load"
	for ro in 4 8 16 32 64 128; do
		kernel="build/probe-ro${ro}.elf"
		make -s probe PROBE_RO="${ro}M" PROBE_OUT="$kernel"
		sync
		run="$out/size-${ro}"
		build/loadbench --kernel "$kernel" --instances 4 --rounds "$rounds" --settle 0.2 \
			--mem $((ro + 64)) --out "$run" --quiet >/dev/null || true
		local cu mu
		cu=$(summary "$run/summary.json" copy 4 memory_kb uss median)
		mu=$(summary "$run/summary.json" mmap 4 memory_kb uss median)
		awk -v r="$ro" -v c="$cu" -v m="$mu" \
			'BEGIN { printf "%d %.2f %.2f %.2f\n", r, c / 1024, m / 1024, (c - m) / 1024 }' >>"$data"
		echo "$ro $(summary "$run/summary.json" copy 4 trace_ms load_done median)" \
			"$(summary "$run/summary.json" mmap 4 trace_ms load_done median)" >>"$load"
	done
	plot "$data" "USS per instance at N=4 against the probe's read-only size" \
		"read-only part [MiB]" "USS per instance [MiB]"
	plot "$load" "Load phase (main() to load_done) against the read-only size, N=4" \
		"read-only part [MiB]" "load_done [ms]" log
	column -t "$data"
	column -t "$load"
}

sweep_density() {
	local n run data="$out/density.dat" total="$out/density-total.dat"
	echo "# instances copy_uss copy_pss mmap_uss mmap_pss" >"$data"
	echo "# instances copy_total_mib mmap_total_mib copy_vms_per_gib mmap_vms_per_gib" >"$total"
	for n in 32 64 128 256; do
		run="$out/density-${n}"
		# --mem 48: the probe needs 46 MiB; loadbench refuses counts this host cannot hold.
		if ! build/loadbench --kernel build/probe.elf --instances "$n" --rounds 1 \
			--settle 0.5 --timeout 600 --mem 48 --out "$run" --quiet >/dev/null; then
			echo "sweep: density $n: loadbench failed or refused (see $run)" >&2
			continue
		fi
		local row=("$n")
		for l in copy mmap; do
			row+=("$(summary "$run/summary.json" "$l" "$n" memory_kb uss median)")
			row+=("$(summary "$run/summary.json" "$l" "$n" memory_kb pss median)")
		done
		awk -v n="${row[0]}" -v cu="${row[1]}" -v cp="${row[2]}" -v mu="${row[3]}" \
			-v mp="${row[4]}" 'BEGIN {
			printf "%d %.2f %.2f %.2f %.2f\n", n, cu/1024, cp/1024, mu/1024, mp/1024 }' >>"$data"
		# Total memory of N VMs is N x PSS (PSS splits shared pages fairly).
		awk -v n="${row[0]}" -v cp="${row[2]}" -v mp="${row[4]}" 'BEGIN {
			printf "%d %.1f %.1f %.1f %.1f\n", n, n*cp/1024, n*mp/1024, 1048576/cp, 1048576/mp }' \
			>>"$total"
	done
	plot "$data" "Per-instance memory against the number of instances" "instances" \
		"per-instance [MiB] (USS, PSS)" log
	column -t "$data"
	column -t "$total"
}

# The images' pages left in the page cache at the launches of a run (its
# largest count: 0 when every cold round started cold).
resident_at_launch() {
	python3 - "$1" <<'PY'
import json, sys
launch = json.load(open(sys.argv[1]))["context"]["page_cache"]["resident_at_launch"]
print("n/a" if launch["max"] is None else launch["max"])
PY
}

sweep_cache() {
	local data="$out/cache.dat" state loader run
	echo "# state loader load_done_ms linux_start_user_ms max_resident_pages_at_launch" >"$data"
	for state in warm cold; do
		# One run per state, loaders alternating by round; cold evicts the
		# images before every round, after loadbench's own reads (their
		# digests), so neither loader inherits pages the other just read.
		run="$out/cache-$state"
		build/loadbench --kernel build/probe.elf --instances 1 --rounds "$rounds" \
			--loaders copy,mmap --cache "$state" --settle 0 --out "$run" --quiet >/dev/null
		for loader in copy mmap; do
			echo "$state $loader $(summary "$run/summary.json" "$loader" 1 trace_ms load_done median)" \
				"$(summary "$run/summary.json" "$loader" 1 trace_ms linux_start_user median)" \
				"$(resident_at_launch "$run/summary.json")" >>"$data"
		done
	done
	column -t "$data"
}

for s in "${sweeps[@]}"; do
	echo "=== sweep $s -> $out"
	"sweep_$s"
done
echo "sweep: results in $out"
