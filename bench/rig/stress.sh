#!/usr/bin/env bash
# Counts the nested rig's stalls per 100 guest boots under host pressure, for
# one rig configuration (bench/rig/README.md, "Stalls"). Guests are Debian's
# cloud kernel booted by loadvm inside the rig, K at a time, as in the main
# job; a fresh rig every --per-rig boots, so that one stall costs little.
#
# usage: bench/rig/stress.sh [--boots N] [--minutes M] [--instances K]
#          [--per-rig B] [--pressure LIST] [--label NAME] [--out DIR]
#          [-- RUN.SH-OPTION...]
#   --boots N       stop after N guest boots (default 300)
#   --minutes M     ... or after M minutes, whichever comes first (default 0: no limit)
#   --instances K   guests booted at once in the rig (default 2)
#   --per-rig B     boots per rig before a fresh one (default 24, rounded up to K)
#   --pressure LIST comma list of cpu (2 busy loops), build (make -j2 of the
#                   project in a scratch copy, over and over), kbuild (make -j2
#                   of the bench kernel's tree, cleaned each time; needs
#                   make bench-kernel), mem (touches a
#                   quarter of the host's RAM, over and over), io (writes and
#                   reads back 1 GiB, over and over), or none (default cpu)
#   --label NAME    the configuration's name in the table (default: its options)
#   --out DIR       results (default build/stress); one line per run is
#                   appended to DIR/stress.tsv, each rig's files kept in
#                   DIR/LABEL/rig-I/
# Options after -- go to bench/rig/run.sh (--cpus, --accel, --cpu, --append).
# A stall is a rig whose console heartbeat stopped (run.sh --stall 60, its
# vCPU state in stall-state.txt); a crash is any other rig failure (a panic,
# status 125 without a stall).
set -euo pipefail
cd "$(dirname "$0")/../.."

boots=300
minutes=0
instances=2
per_rig=24
pressure=cpu
label=
out=build/stress
RIG_OPTS=()

die() {
	echo "stress.sh: $*" >&2
	exit 2
}

while [[ $# -gt 0 ]]; do
	case "$1" in
	--boots) boots=${2:?}; shift 2 ;;
	--minutes) minutes=${2:?}; shift 2 ;;
	--instances) instances=${2:?}; shift 2 ;;
	--per-rig) per_rig=${2:?}; shift 2 ;;
	--pressure) pressure=${2:?}; shift 2 ;;
	--label) label=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--) shift; RIG_OPTS=("$@"); break ;;
	*) die "unknown option '$1' (see the usage at the top of $0)" ;;
	esac
done
for n in "$boots" "$minutes" "$instances" "$per_rig"; do
	[[ "$n" =~ ^[0-9]{1,6}$ ]] || die "not a count: '$n'"
done
[[ "$boots" -gt 0 && "$instances" -gt 0 && "$per_rig" -gt 0 ]] ||
	die "--boots, --instances and --per-rig must be at least 1"
[[ "$instances" -le 16 ]] || die "--instances $instances: at most 16"
[ -n "$label" ] || label=$(echo "stock ${RIG_OPTS[*]}" | tr -s ' /,=+' '_____')
[[ "$label" =~ ^[A-Za-z0-9._-]+$ ]] || die "--label '$label': letters, digits, . _ - only"
for f in build/loadbench build/loadvm build/kernel/vmlinux build/initrd.cpio build/rig/initrd.cpio; do
	[ -f "$f" ] || die "$f missing (make all kernel initrd rig)"
done
rounds=$(((per_rig + instances - 1) / instances))
# The rig sees the project at its host path, and nothing else of the host's.
out=$(realpath -m "$out")
case "$out/" in
"$PWD"/*) ;;
*) die "--out '$out': must lie inside the project ($PWD), which the rig shares" ;;
esac

HOGS=()
# shellcheck disable=SC2317 # called by the EXIT trap
stop_pressure() {
	local pid
	for pid in "${HOGS[@]}"; do
		if [[ "$pid" -gt 1 ]]; then kill -- "-$pid" 2>/dev/null || true; fi
	done
	rm -rf "$scratch"
}

# Each source of pressure runs in its own process group, killed at exit.
start_hog() {
	setsid bash -c "$1" </dev/null >/dev/null 2>&1 &
	HOGS+=("$!")
}

start_pressure() {
	local p mem_kb
	for p in ${pressure//,/ }; do
		case "$p" in
		none) ;;
		cpu) start_hog 'while :; do :; done'; start_hog 'while :; do :; done' ;;
		build)
			mkdir -p "$scratch/src"
			git ls-files -z | xargs -0 cp --parents -t "$scratch/src"
			start_hog "cd '$scratch/src' && while :; do make -s clean; make -s -j2 BUILD=b all; done"
			;;
		kbuild)
			[ -f build/kernel/bench-src/.config ] ||
				die "--pressure kbuild: build/kernel/bench-src missing (make bench-kernel)"
			start_hog "cd build/kernel/bench-src && while :; do make -s clean; make -s -j2 vmlinux; done"
			;;
		mem)
			mem_kb=$(awk '/^MemTotal/ { print int($2 / 4) }' /proc/meminfo)
			start_hog "while :; do python3 -c 'b = bytearray($mem_kb * 1024); b[::4096] = b\"x\" * len(b[::4096])'; done"
			;;
		io) start_hog "while :; do dd if=/dev/zero of='$scratch/io' bs=1M count=1024 conv=fsync; dd if='$scratch/io' of=/dev/null bs=1M; done" ;;
		*) die "--pressure: unknown '$p' (cpu, build, kbuild, mem, io, none)" ;;
		esac
	done
}

# Guests booted in a finished or stopped rig: loadbench's rows with status ok.
count_ok() {
	local f
	for f in "$1/raw.csv" "$1/raw.csv.partial"; do
		[ -f "$f" ] || continue
		python3 -c 'import csv, sys; print(sum(r["status"] == "ok" for r in csv.DictReader(open(sys.argv[1]))))' "$f"
		return
	done
	echo 0
}

scratch=$(mktemp -d)
trap stop_pressure EXIT
start_pressure
dir="$out/$label"
mkdir -p "$dir"
started=$(date +%s)
booted=0 stalls=0 crashes=0 failed=0 rigs=0
while [ "$booted" -lt "$boots" ]; do
	if [ "$minutes" -gt 0 ] && [ $(($(date +%s) - started)) -ge $((minutes * 60)) ]; then
		break
	fi
	rigs=$((rigs + 1))
	rig="$dir/rig-$rigs"
	rm -rf "$rig"
	status=0
	bench/rig/run.sh --out "$rig" --stall 60 "${RIG_OPTS[@]}" -- \
		build/loadbench --vmm loadvm --loaders copy --instances "$instances" \
		--rounds "$rounds" --kernel build/kernel/vmlinux --initrd build/initrd.cpio \
		--out "$rig/bench" >"$rig.log" 2>&1 || status=$?
	ok=$(count_ok "$rig/bench")
	booted=$((booted + ok))
	failed=$((failed + rounds * instances - ok))
	if [ -e "$rig/stalled" ]; then
		stalls=$((stalls + 1))
		echo "stress.sh: $label: rig $rigs stalled after $ok boots ($rig/stall-state.txt)" >&2
	elif [ "$status" -eq 125 ]; then
		crashes=$((crashes + 1))
		echo "stress.sh: $label: rig $rigs failed after $ok boots ($rig/console.log)" >&2
	elif [ "$ok" -eq 0 ]; then
		# Not the rig's fault: the set-up is wrong, and would stay wrong.
		die "rig $rigs booted no guest (loadbench status $status; see $rig.log)"
	fi
done
elapsed=$(($(date +%s) - started))
line=$(awk -v OFS='\t' -v l="$label" -v o="${RIG_OPTS[*]:-}" -v p="$pressure" -v k="$instances" \
	-v r="$rigs" -v b="$booted" -v s="$stalls" -v c="$crashes" -v f="$failed" -v e="$elapsed" \
	'BEGIN { printf "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.2f\n", l, o, p, k, r, b, s, c, f, e / 60, b * 60 / (e + 0.001) }')
[ -s "$out/stress.tsv" ] ||
	printf 'label\trun.sh options\tpressure\tK\trigs\tboots\tstalls\tcrashes\tguest failures\tminutes\tboots/min\n' >"$out/stress.tsv"
echo "$line" >>"$out/stress.tsv"
echo "$line"
