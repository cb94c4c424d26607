#!/usr/bin/env bash
# kvm-loadbench's main job: set up a fresh Debian 12 machine, build, fetch
# Debian's kernel, build the initrd, run loadbench (natively or inside the
# nested rig), and render tables, plots and the report.
#
#   ./run-bench.sh --instances 1,2,4,8,16
#
# The tables go to stdout at the end; progress goes to stderr.
#
# Options:
#   --instances LIST   instance counts (default 1,2,4,8,16)
#   --vmm LIST         loadvm, qemu or loadvm,qemu: QEMU (qemu-system-x86_64) as
#                      the peer, side by side (default loadvm)
#   --loaders LIST     of the chosen VMMs: copy, mmap (loadvm), qemu-private,
#                      qemu-shared (qemu) (default: all of theirs)
#   --qemu-machine M   pc, q35 or microvm (default pc)
#   --qemu-accel A     kvm or tcg (default kvm; tcg only where KVM cannot run QEMU)
#   --rounds R         repetitions of every (loader, N) (default 5)
#   --kernel FILE|bench  PVH ELF kernel or bzImage (default: Debian's cloud
#                      kernel, fetched by make kernel); bench: the trace-patched
#                      kernel built from linux-source-6.1 (make bench-kernel,
#                      about 5 minutes once), which reports linux_start_kernel
#   --initrd FILE      initrd (default: build/initrd.cpio, made by make initrd)
#   --initrd-size SIZE size of the default initrd, e.g. 3M (default 3M, the seed's)
#   --mem MIB          guest RAM per instance (default 128)
#   --out DIR          results directory (default results/<UTC date>-<host>)
#   --compare DIR      compare with a baseline run (a results directory or its
#                      summary.json); exit 1 on a regression
#   --rig auto|on|off  run inside the nested rig (auto: when /dev/kvm here
#                      emulates guest code; default auto)
#   --quick            the CI scenario: the probe guest on this host's KVM,
#                      instances 1,2,4, 3 rounds; no download, no rig
#   --help
#
# Exit status: 0 done; 1 a regression (--compare) or a failed step; 2 bad
# options or missing packages; 3 results written but some instances failed.
set -euo pipefail

cd "$(dirname "$0")"
PROJECT=$(pwd -P)

instances=1,2,4,8,16
vmm=
loaders=
qemu_machine=
qemu_accel=
rounds=5
kernel=
initrd=
initrd_size=3M
mem=128
out=
compare=
rig=auto
quick=0

die() {
	echo "run-bench: $*" >&2
	exit 2
}

step() {
	echo "run-bench: $*" >&2
}

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

need_value() {
	if [ $# -lt 2 ] || [ -z "$2" ]; then
		die "$1 needs a value (see --help)"
	fi
}

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--instances | --vmm | --loaders | --qemu-machine | --qemu-accel | --rounds | \
			--kernel | --initrd | --initrd-size | --mem | --out | --compare | --rig)
			need_value "$@"
			set_option "$1" "$2"
			shift 2
			;;
		--quick)
			quick=1
			shift
			;;
		--help | -h)
			usage
			exit 0
			;;
		*) die "unknown option '$1' (see --help)" ;;
		esac
	done
}

set_option() {
	case "$1" in
	--instances) instances=$2 ;;
	--vmm) vmm=$2 ;;
	--loaders) loaders=$2 ;;
	--qemu-machine) qemu_machine=$2 ;;
	--qemu-accel) qemu_accel=$2 ;;
	--rounds) rounds=$2 ;;
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--initrd-size) initrd_size=$2 ;;
	--mem) mem=$2 ;;
	--out) out=$2 ;;
	--compare) compare=$2 ;;
	--rig) rig=$2 ;;
	esac
}

# True if LIST is comma-separated words from ALLOWED, none twice.
distinct_words() {
	local list=$1 allowed=" $2 " word seen=" "
	[[ "$list" =~ ^[a-z-]+(,[a-z-]+)*$ ]] || return 1
	for word in ${list//,/ }; do
		[[ "$allowed" == *" $word "* && "$seen" != *" $word "* ]] || return 1
		seen="$seen$word "
	done
}

# Every option is checked before anything is installed, built or run.
validate() {
	local n seen=","
	[[ "$instances" =~ ^[0-9]+(,[0-9]+)*$ ]] ||
		die "--instances '$instances': expected comma-separated whole numbers, e.g. 1,2,4"
	for n in ${instances//,/ }; do
		n=$((10#$n))
		if [ "$n" -lt 1 ] || [ "$n" -gt 1024 ]; then
			die "--instances '$instances': each count must be from 1 to 1024"
		fi
		[[ "$seen" != *",$n,"* ]] || die "--instances '$instances': $n appears twice"
		seen="$seen$n,"
	done
	[ -z "$vmm" ] || distinct_words "$vmm" "loadvm qemu" ||
		die "--vmm '$vmm': expected loadvm and/or qemu, comma-separated, once each"
	[ -z "$loaders" ] || distinct_words "$loaders" "copy mmap qemu-private qemu-shared" ||
		die "--loaders '$loaders': expected some of copy, mmap, qemu-private, qemu-shared, once each"
	local loader
	for loader in ${loaders//,/ }; do
		case "$loader" in qemu-*) n=qemu ;; *) n=loadvm ;; esac
		[ -z "$vmm" ] || [[ ",$vmm," == *",$n,"* ]] ||
			die "--loaders '$loaders': $loader is a $n loader, but --vmm '$vmm' has no $n"
	done
	case "$qemu_machine" in "" | pc | q35 | microvm) ;;
	*) die "--qemu-machine '$qemu_machine': expected pc, q35 or microvm" ;; esac
	case "$qemu_accel" in "" | kvm | tcg) ;; *) die "--qemu-accel '$qemu_accel': expected kvm or tcg" ;; esac
	[[ "$rounds" =~ ^[1-9][0-9]{0,2}$ ]] || die "--rounds '$rounds': expected 1 to 999"
	if ! [[ "$mem" =~ ^[1-9][0-9]{0,3}$ ]] || [ "$mem" -lt 16 ] || [ "$mem" -gt 3072 ]; then
		die "--mem '$mem': expected MiB from 16 to 3072"
	fi
	[[ "$initrd_size" =~ ^[1-9][0-9]*[KMG]?$ ]] ||
		die "--initrd-size '$initrd_size': expected a size like 3M"
	case "$rig" in auto | on | off) ;; *) die "--rig '$rig': expected auto, on or off" ;; esac
	[ -z "$kernel" ] || [ "$kernel" = bench ] || [ -r "$kernel" ] ||
		die "--kernel '$kernel': cannot read it"
	[ -z "$initrd" ] || [ "$initrd" = - ] || [ -r "$initrd" ] || die "--initrd '$initrd': cannot read it"
	[ -z "$compare" ] || [ -r "$compare" ] || die "--compare '$compare': no such baseline"
	if [ -n "$out" ] && [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
		die "--out '$out': exists and is not empty (results are never overwritten)"
	fi
	return 0
}

apply_quick() {
	[ "$quick" -eq 1 ] || return 0
	instances=1,2,4
	rounds=3
	rig=off
	kernel=build/probe.elf
	initrd=-
}

default_out() {
	echo "results/$(date -u +%Y%m%dT%H%M%SZ)-$(hostname -s 2>/dev/null || echo host)"
}

# Where the guests run: natively, or inside the rig when KVM here emulates.
decide_rig() {
	local mode
	mode=$(build/kvm-mode 2>/dev/null || echo unknown)
	case "$rig" in
	on) echo on ;;
	off) echo off ;;
	auto) if [ "$mode" = native ]; then echo off; else echo on; fi ;;
	esac
}

prepare() {
	local purposes=(build plots)
	# "rig" brings qemu-system-x86 (the rig's QEMU, and QEMU as the peer).
	if [ "$quick" -eq 0 ]; then
		purposes+=(kernel rig)
	elif uses_qemu; then
		purposes+=(rig)
	fi
	tools/deps.sh "${purposes[@]}" || exit 2
	step "building"
	make -s -j"$(nproc)" all build/kvm-mode
	if [ -z "$kernel" ]; then
		step "fetching Debian's cloud kernel (make kernel)"
		make -s kernel
		kernel=build/kernel/vmlinux
	elif [ "$kernel" = bench ]; then
		tools/deps.sh bench-kernel || exit 2
		step "building the bench kernel (make bench-kernel; once, about 5 minutes)"
		make -s bench-kernel
		kernel=build/kernel/bench-vmlinux
	fi
	if [ -z "$initrd" ]; then
		make -s initrd INITRD_SIZE="$initrd_size"
		initrd=build/initrd.cpio
	fi
	[ "$initrd" != - ] || initrd=
	# Page-cache pages of a freshly written image read as Dirty in smaps.
	sync
}

run_loadbench() {
	local where=$1 status=0 args
	args=(build/loadbench --kernel "$kernel" --instances "$instances" --rounds "$rounds"
		--mem "$mem" --out "$out")
	[ -z "$initrd" ] || args+=(--initrd "$initrd")
	[ -z "$vmm" ] || args+=(--vmm "$vmm")
	[ -z "$loaders" ] || args+=(--loaders "$loaders")
	[ -z "$qemu_machine" ] || args+=(--qemu-machine "$qemu_machine")
	[ -z "$qemu_accel" ] || args+=(--qemu-accel "$qemu_accel")
	if [ "$where" = on ]; then
		[ "$(id -u)" -eq 0 ] || die "the nested rig needs root (virtiofsd): run as root, or on a host with native KVM"
		make -s rig
		step "running loadbench inside the nested rig (timings are TCG-scaled; compare loaders as ratios)"
		bench/rig/run.sh --mem "$(rig_mem)" --cpus "$(rig_cpus)" -- "${args[@]}" \
			--kvm-mode rig >/dev/null &
		watch_progress $! "$out/raw.csv.partial" || status=$?
	else
		step "running loadbench on this host's KVM"
		"${args[@]}" >/dev/null || status=$?
	fi
	return "$status"
}

# Waits for the rig; kills it when no round has finished for STALL_MINUTES.
# The rig's TCG-emulated kernel has hung under nested KVM now and then (its
# QEMU spinning, no guest progressing): without this a run would wait
# forever. The rows of finished rounds stay in raw.csv.partial.
STALL_MINUTES=${STALL_MINUTES:-20}
watch_progress() {
	local pid=$1 rows=$2 last_size=-1 size idle=0 status=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 10
		size=$(stat -c %s "$rows" 2>/dev/null || echo 0)
		if [ "$size" -ne "$last_size" ]; then
			last_size=$size
			idle=0
		else
			idle=$((idle + 10))
		fi
		if [ "$idle" -ge $((STALL_MINUTES * 60)) ]; then
			echo "run-bench: no round finished in $STALL_MINUTES minutes: the nested rig has" \
				"stopped making progress; stopping it" >&2
			# The rig's QEMU is run.sh's child: end it, and run.sh cleans up.
			pkill -TERM -P "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
			return 124
		fi
	done
	wait "$pid" || status=$?
	return "$status"
}

# Room for the largest N guests of --mem MiB, their VMMs, and the rig's own needs;
# QEMU takes more of its own, and qemu-private a copy of the images per instance.
rig_mem() {
	local largest=0 n per=$((mem + 48))
	for n in ${instances//,/ }; do [ "$n" -gt "$largest" ] && largest=$n; done
	if uses_qemu; then
		per=$((mem + 128 + $(mib_of "$kernel") + $(mib_of "$initrd")))
	fi
	local need=$((largest * per + 1024))
	[ "$need" -lt 4096 ] && need=4096
	echo "$need"
}

# One vCPU for the rig when QEMU is measured: with two, the rig's kernel crashed
# (its stack overrun in a QEMU vCPU thread's KVM_RUN) every time 16 QEMU guests
# started at once (3 of 3, with and without tracing), and hung once with 4;
# with one vCPU the 16 booted. loadvm's guests never triggered it.
rig_cpus() {
	if uses_qemu; then echo 1; else echo 2; fi
}

uses_qemu() {
	[[ ",$vmm,$loaders," == *,qemu* ]]
}

mib_of() {
	if [ -n "$1" ] && [ -f "$1" ]; then
		echo $((($(stat -c %s "$1") + 1048575) / 1048576))
	else
		echo 0
	fi
}

render() {
	step "rendering plots and the report"
	python3 bench/plotdata.py "$out" >/dev/null
	local plot
	for plot in memory boot loadphase; do
		gnuplot -c "plots/$plot.gp" "$out/plots/data/$plot.dat" "$out/plots/$plot.png" \
			"$out/plots/data/context.txt"
		gnuplot -c "plots/$plot.gp" "$out/plots/data/$plot.dat" "$out/plots/$plot.svg" \
			"$out/plots/data/context.txt"
	done
	# Where the saving comes from: sharing.csv -> sharing.md and its plot.
	python3 bench/sharing.py "$out" >/dev/null
	if [ -s "$out/plots/data/sharing.dat" ]; then
		for ext in png svg; do
			gnuplot -c plots/sharing.gp "$out/plots/data/sharing.dat" "$out/plots/sharing.$ext" \
				"$(cat "$out/plots/data/context.txt")"
		done
	fi
	python3 bench/report.py "$out" --seed-check >/dev/null
}

link_latest() {
	case "$out" in results/*) ;; *) return 0 ;; esac
	ln -sfn "$(basename "$out")" results/.latest.tmp
	mv -Tf results/.latest.tmp results/latest
}

main() {
	local where status=0 compare_status=0
	parse_args "$@"
	apply_quick
	validate
	[ -n "$out" ] || out=$(default_out)
	prepare
	where=$(decide_rig)
	if [ "$where" = on ]; then
		case "$(realpath -m "$out")/" in
		"$PROJECT"/*) ;;
		*) die "--out '$out': inside the rig results must go below $PROJECT" ;;
		esac
	fi
	mkdir -p "$out"
	run_loadbench "$where" || status=$?
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || {
		echo "run-bench: loadbench failed (status $status); finished rounds are in $out" >&2
		exit 1
	}
	render
	link_latest
	if [ -n "$compare" ]; then
		step "comparing with $compare"
		python3 bench/compare.py "$compare" "$out" || compare_status=$?
	fi
	echo
	cat "$out/tables.txt"
	echo "Results: $out (report.md, tables.txt, summary.json, raw.csv, plots/)"
	[ "$status" -eq 3 ] && echo "run-bench: some instances failed; see $out/raw.csv" >&2
	[ "$compare_status" -eq 0 ] || exit "$compare_status"
	exit "$status"
}

main "$@"
