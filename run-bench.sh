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
#   --order ORDER      shuffled (every N, loader and round in a seeded shuffle)
#                      or sequential (N outermost) (default shuffled)
#   --order-seed S     the shuffle's seed (default 1)
#   --kernel FILE|bench  PVH ELF kernel or bzImage (default: Debian's cloud
#                      kernel, fetched by make kernel); bench: the trace-patched
#                      kernel built from linux-source-6.1 (make bench-kernel,
#                      about 5 minutes once), which reports linux_start_kernel
#   --initrd FILE      initrd (default: build/initrd.cpio, made by make initrd)
#   --initrd-size SIZE size of the default initrd, e.g. 3M (default 3M, the seed's)
#   --mem MIB          guest RAM per instance (default 128)
#   --cache warm|cold  the images' page cache at each launch: warm (read in
#                      before the first round) or cold (evicted before every
#                      round; summary.json says what stayed) (default warm)
#   --out DIR          results directory (default results/<UTC date>-<host>)
#   --compare DIR      compare with a baseline run (a results directory or its
#                      summary.json, or a directory with host/ and rig/
#                      baselines: the one for where the guests ran is used);
#                      exit 1 on a regression
#   --rig auto|on|off  run inside the nested rig (auto: where this host's KVM
#                      emulates guest code or is absent; default auto)
#   --quick            the CI scenario: the probe guest, instances 1,2,4,
#                      3 rounds, no download; on this host's KVM, or in the
#                      nested rig where there is none (kvm-mode: none)
#   --help
#
# In the rig, a stalled rig (no console heartbeat for RIG_STALL_SECONDS,
# default 120, or no loadbench progress for 3x its slowest round) or a crashed
# one is restarted and loadbench resumes, until it fails 4 times in a row
# without finishing a round (or 12 times in all); see rig_restarts in
# summary.json and report.md.
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
order=
order_seed=
kernel=
initrd=
initrd_size=3M
mem=128
cache=warm
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
			--order | --order-seed | --kernel | --initrd | --initrd-size | --mem | --cache | --out | \
			--compare | --rig)
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
	--order) order=$2 ;;
	--order-seed) order_seed=$2 ;;
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--initrd-size) initrd_size=$2 ;;
	--mem) mem=$2 ;;
	--cache) cache=$2 ;;
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

# True if $1 is a whole number of at most $2 digits (leading zeros aside).
# Checked before any arithmetic: bash wraps numbers beyond 64 bits silently.
small_number() {
	[[ "$1" =~ ^0*([0-9]{1,$2})$ ]]
}

# A readable regular file: a FIFO would block the reader, a directory or a
# device is never an image.
regular_file() {
	[ -f "$1" ] && [ -r "$1" ]
}

# A file-valued option: refused unless it is a readable regular file.
check_file() {
	local option=$1 value=$2
	[ -e "$value" ] || die "$option '$value': no such file"
	[ -f "$value" ] || die "$option '$value': not a regular file"
	[ -r "$value" ] || die "$option '$value': cannot read it"
}

check_instances() {
	local n seen=","
	[[ "$instances" =~ ^[0-9]+(,[0-9]+)*$ ]] ||
		die "--instances '$instances': expected comma-separated whole numbers, e.g. 1,2,4"
	for n in ${instances//,/ }; do
		small_number "$n" 4 || die "--instances '$instances': each count must be from 1 to 1024"
		n=$((10#$n))
		if [ "$n" -lt 1 ] || [ "$n" -gt 1024 ]; then
			die "--instances '$instances': each count must be from 1 to 1024"
		fi
		[[ "$seen" != *",$n,"* ]] || die "--instances '$instances': $n appears twice"
		seen="$seen$n,"
	done
}

check_vmm_and_loaders() {
	local loader n
	[ -z "$vmm" ] || distinct_words "$vmm" "loadvm qemu" ||
		die "--vmm '$vmm': expected loadvm and/or qemu, comma-separated, once each"
	[ -z "$loaders" ] || distinct_words "$loaders" "copy mmap qemu-private qemu-shared" ||
		die "--loaders '$loaders': expected some of copy, mmap, qemu-private, qemu-shared, once each"
	for loader in ${loaders//,/ }; do
		case "$loader" in qemu-*) n=qemu ;; *) n=loadvm ;; esac
		[ -z "$vmm" ] || [[ ",$vmm," == *",$n,"* ]] ||
			die "--loaders '$loaders': $loader is a $n loader, but --vmm '$vmm' has no $n"
	done
	case "$qemu_machine" in "" | pc | q35 | microvm) ;;
	*) die "--qemu-machine '$qemu_machine': expected pc, q35 or microvm" ;; esac
	case "$qemu_accel" in "" | kvm | tcg) ;; *) die "--qemu-accel '$qemu_accel': expected kvm or tcg" ;; esac
}

check_numbers() {
	local digits unit
	[[ "$rounds" =~ ^[1-9][0-9]{0,2}$ ]] || die "--rounds '$rounds': expected 1 to 999"
	case "$order" in "" | shuffled | sequential) ;; *) die "--order '$order': expected shuffled or sequential" ;; esac
	[ -z "$order_seed" ] || small_number "$order_seed" 18 ||
		die "--order-seed '$order_seed': expected a whole number of at most 18 digits"
	if ! [[ "$mem" =~ ^[1-9][0-9]{0,3}$ ]] || [ "$mem" -lt 16 ] || [ "$mem" -gt 3072 ]; then
		die "--mem '$mem': expected MiB from 16 to 3072"
	fi
	# The rig's vCPUs (rig_cpus): refused here, not by run.sh once a rig is up.
	[ -z "${RIG_CPUS:-}" ] || [[ "$RIG_CPUS" =~ ^[1-9][0-9]?$ ]] ||
		die "RIG_CPUS '$RIG_CPUS': expected 1 to 99 vCPUs for the nested rig"
	[[ "$initrd_size" =~ ^([1-9][0-9]*)([KMG]?)$ ]] ||
		die "--initrd-size '$initrd_size': expected a size like 3M"
	digits=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]}
	# The initrd must fit in guest RAM: at most 3072 MiB, in any unit.
	case "$unit" in G) unit=30 ;; M) unit=20 ;; K) unit=10 ;; *) unit=0 ;; esac
	if ! small_number "$digits" 10 || [ $((10#$digits << unit)) -gt $((3072 << 20)) ]; then
		die "--initrd-size '$initrd_size': at most 3072M (it must fit in guest RAM)"
	fi
}

# --compare takes a results directory holding summary.json, or such a file.
check_compare() {
	local summary=$compare
	[ -z "$compare" ] && return 0
	[ -e "$compare" ] || die "--compare '$compare': no such baseline"
	if [ -d "$compare" ]; then
		# A baseline directory may hold one baseline per place (host/, rig/).
		summary="$compare/summary.json"
		[ -e "$summary" ] || [ ! -e "$compare/host/summary.json" ] || summary="$compare/host/summary.json"
		[ -e "$summary" ] || [ ! -e "$compare/rig/summary.json" ] || summary="$compare/rig/summary.json"
	fi
	[ -e "$summary" ] || die "--compare '$compare': no summary.json in this directory (nor in host/ or rig/)"
	regular_file "$summary" || die "--compare '$compare': $summary is not a readable regular file"
	grep -q '"schema": *"kvm-loadbench/summary/' "$summary" ||
		die "--compare '$compare': not a kvm-loadbench summary.json (no kvm-loadbench/summary schema)"
}

# Every option is checked before anything is installed, built or run.
validate() {
	check_instances
	check_vmm_and_loaders
	check_numbers
	case "$rig" in auto | on | off) ;; *) die "--rig '$rig': expected auto, on or off" ;; esac
	case "$cache" in warm | cold) ;; *) die "--cache '$cache': expected warm or cold" ;; esac
	[ -z "$kernel" ] || [ "$kernel" = bench ] || check_file --kernel "$kernel"
	[ -z "$initrd" ] || [ "$initrd" = - ] || check_file --initrd "$initrd"
	check_compare
	if [ -n "$out" ] && [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
		die "--out '$out': exists and is not empty (results are never overwritten)"
	fi
	return 0
}

apply_quick() {
	[ "$quick" -eq 1 ] || return 0
	instances=1,2,4
	rounds=3
	kernel=build/probe.elf
	initrd=-
}

default_out() {
	echo "results/$(date -u +%Y%m%dT%H%M%SZ)-$(hostname -s 2>/dev/null || echo host)"
}

# Where the guests run: natively, or inside the rig when KVM here emulates.
# Where the guests run: natively, or inside the rig. auto: real Linux needs
# native KVM; the probe (--quick) runs on any KVM, emulated included; without
# KVM (kvm-mode: none, or KVMLB_KVM=none) everything goes to the rig.
decide_rig() {
	local mode
	mode=$(build/kvm-mode 2>/dev/null || echo none)
	case "$rig:$mode:$quick" in
	on:*) echo on ;;
	off:*) echo off ;;
	auto:native:* | auto:emulated:1) echo off ;;
	*) echo on ;;
	esac
}

# The baseline to compare with: --compare's summary.json, or in a baseline
# directory the one for where this run's guests ran (host/ or rig/).
resolve_baseline() {
	local where=$1 place=host
	[ "$where" = on ] && place=rig
	if [ -d "$compare" ] && [ ! -e "$compare/summary.json" ]; then
		[ -e "$compare/$place/summary.json" ] ||
			die "--compare '$compare': no baseline for runs $(place_words "$place") ($compare/$place/summary.json)"
		compare="$compare/$place"
		step "baseline: $compare (the one for runs $(place_words "$place"))"
	fi
}

# A baseline may carry its own thresholds (compare.conf beside its
# summary.json): the rig's TCG-scaled timings are noisier than the host's.
baseline_config() {
	local dir=$compare
	[ -d "$dir" ] || dir=$(dirname "$compare")
	[ ! -f "$dir/compare.conf" ] || echo "$dir/compare.conf"
}

place_words() {
	if [ "$1" = rig ]; then echo "in the nested rig"; else echo "on this host's KVM"; fi
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
		--mem "$mem" --cache "$cache" --timeout "$LOADBENCH_TIMEOUT" --out "$out")
	[ -z "$initrd" ] || args+=(--initrd "$initrd")
	[ -z "$vmm" ] || args+=(--vmm "$vmm")
	[ -z "$loaders" ] || args+=(--loaders "$loaders")
	[ -z "$order" ] || args+=(--order "$order")
	[ -z "$order_seed" ] || args+=(--order-seed "$order_seed")
	[ -z "$qemu_machine" ] || args+=(--qemu-machine "$qemu_machine")
	[ -z "$qemu_accel" ] || args+=(--qemu-accel "$qemu_accel")
	if [ "$where" = on ]; then
		[ "$(id -u)" -eq 0 ] || die "the nested rig needs root (virtiofsd): run as root, or on a host with native KVM"
		# --quick decides on the rig only now (no KVM here): its packages too.
		tools/deps.sh kernel rig || exit 2
		make -s rig
		step "running loadbench inside the nested rig (timings are TCG-scaled; compare loaders as ratios)"
		run_in_rig "${args[@]}" --kvm-mode rig || status=$?
	else
		step "running loadbench on this host's KVM"
		"${args[@]}" >/dev/null || status=$?
	fi
	return "$status"
}

# loadbench's per-instance boot deadline, passed explicitly: the stall
# watch must never cut a round short that loadbench would still wait for.
LOADBENCH_TIMEOUT=300
# The rig's TCG-emulated kernel stalls now and then (both rig vCPUs stuck in
# KVM_RUN) or crashes (run.sh exits 125). A stalled rig is stopped, and a
# stopped or crashed one restarted with `loadbench --resume`; the run gives
# up after RIG_MAX_RESTARTS failures in a row without a finished round (a
# rig that cannot get past a round), or RIG_MAX_FAILURES in all (so it always
# ends). Every restart is recorded in rig_restarts.json. At N=16 a main job
# saw 4 failures in 10 rounds of its 50, each after others had finished.
# Seconds, so the tests can shorten them.
RIG_STALL_SECONDS=${RIG_STALL_SECONDS:-120}
RIG_POLL_SECONDS=${RIG_POLL_SECONDS:-5}
RIG_MAX_RESTARTS=3
RIG_MAX_FAILURES=12
# Set by watch_rig when it stopped a stalled rig: why.
stall_reason=

# Rounds finished so far, from loadbench's journal (0 before it exists:
# a rig can die before loadbench starts).
rounds_done() {
	local n
	n=$(grep -c '^round ' "$out/rounds.log" 2>/dev/null || true)
	echo "${n:-0}"
}

run_in_rig() {
	local attempt=0 in_a_row=0 status cmd rig_out before
	while :; do
		attempt=$((attempt + 1))
		before=$(rounds_done)
		rig_out="$out/rig/attempt-$attempt"
		cmd=("$@")
		# A rig that died before loadbench recorded its configuration left
		# nothing to continue: that attempt starts afresh.
		[ ! -e "$out/config.json" ] || cmd+=(--resume "$out")
		stall_reason=
		bench/rig/run.sh --out "$rig_out" --mem "$(rig_mem)" --cpus "$(rig_cpus)" \
			--stall "$RIG_STALL_SECONDS" -- "${cmd[@]}" >/dev/null &
		rig_pid=$! rig_dir=$rig_out
		trap 'rig_interrupted INT' INT
		trap 'rig_interrupted TERM' TERM
		status=0
		watch_rig "$rig_pid" "$rig_out" || status=$?
		trap - INT TERM
		rig_pid=
		# 125: the rig failed (run.sh); 124: we stopped a stalled rig.
		[ "$status" -eq 125 ] || [ "$status" -eq 124 ] || return "$status"
		if [ -z "$stall_reason" ] && [ -e "$rig_out/stalled" ]; then
			stall_reason="the rig's console heartbeat stopped (no RIG-ALIVE for $(cat "$rig_out/stalled") s; vCPU state in $rig_out/stall-state.txt)"
		fi
		[ -n "$stall_reason" ] || stall_reason="the rig crashed or failed (run.sh)"
		record_restart "$rig_out" "$status" "$stall_reason"
		if [ "$(rounds_done)" -gt "$before" ]; then in_a_row=1; else in_a_row=$((in_a_row + 1)); fi
		if [ "$in_a_row" -gt "$RIG_MAX_RESTARTS" ] || [ "$attempt" -ge "$RIG_MAX_FAILURES" ]; then
			echo "run-bench: the nested rig failed $attempt times, $in_a_row in a row without" \
				"a finished round ($stall_reason); giving up. Finished rounds are in $out;" \
				"continue with build/loadbench --resume $out" >&2
			return "$status"
		fi
		step "restarting the nested rig ($stall_reason); loadbench resumes"
	done
}

# SIGINT/SIGTERM while the rig runs: the rig stops with us (run.sh ends its
# QEMU on TERM; stop_rig makes sure), and the finished rounds stay.
# shellcheck disable=SC2317 # called by the INT and TERM traps
rig_interrupted() {
	if [ -n "${rig_pid:-}" ]; then
		kill -s TERM "$rig_pid" 2>/dev/null || true
		stop_rig "$rig_pid" "$rig_dir"
	fi
	echo "run-bench: interrupted (SIG$1); the nested rig was stopped. Finished rounds are" \
		"in $out; continue with build/loadbench --resume $out" >&2
	[ "$1" = INT ] && exit 130
	exit 143
}

# Appends {at, reason, status, console_tail} to OUT/rig_restarts.json. The
# last restart is kept too: a run that gave up still says why.
record_restart() {
	local rig_out=$1 status=$2 reason=$3
	python3 bench/rig_restarts.py record "$out" --reason "$reason" --status "$status" \
		--console "$rig_out/console.log" ||
		echo "run-bench: could not record the rig's restart in $out/rig_restarts.json" >&2
}

file_size() {
	stat -c %s "$1" 2>/dev/null || echo 0
}

# The slowest finished round so far in seconds, from progress.log.
slowest_round_s() {
	local ms
	ms=$(sed -n 's/.* round-done .* ms=\([0-9]*\) .*/\1/p' "$out/progress.log" 2>/dev/null |
		sort -n | tail -n 1)
	echo $(((${ms:-0} + 999) / 1000))
}

# How long loadbench may show no progress while the rig's heartbeat goes on:
# 3x the slowest round, never less than RIG_STALL_SECONDS nor than a round
# whose instances all run to loadbench's own boot deadline.
progress_limit_s() {
	local limit=$RIG_STALL_SECONDS slow
	slow=$(($(slowest_round_s) * 3))
	[ "$slow" -le "$limit" ] || limit=$slow
	[ $((LOADBENCH_TIMEOUT + 60)) -le "$limit" ] || limit=$((LOADBENCH_TIMEOUT + 60))
	echo "$limit"
}

# Waits for run.sh (pid); stops the rig when loadbench's progress.log has
# been still for progress_limit_s while the rig lives. A rig whose heartbeat
# stops is run.sh's own business (--stall): it saves the state and exits 125.
watch_rig() {
	local pid=$1 rig_out=$2 now size last_size progress_at limit status=0
	progress_at=$(date +%s)
	last_size=$(file_size "$out/progress.log")
	while kill -0 "$pid" 2>/dev/null; do
		sleep "$RIG_POLL_SECONDS"
		now=$(date +%s)
		size=$(file_size "$out/progress.log")
		if [ "$size" -ne "$last_size" ]; then
			last_size=$size
			progress_at=$now
		fi
		limit=$(progress_limit_s)
		[ $((now - progress_at)) -ge "$limit" ] || continue
		stall_reason="loadbench made no progress for $((now - progress_at)) s (limit $limit s)"
		echo "run-bench: $stall_reason: the nested rig has stalled; stopping it" >&2
		stop_rig "$pid" "$rig_out"
		return 124
	done
	wait "$pid" || status=$?
	return "$status"
}

# True if pid is the rig's QEMU: a child of run.sh (pid $2) named qemu-system-*.
# A stale pidfile must never make us signal someone else, nor pid 0 or -1.
is_rig_qemu() {
	local qemu=$1 parent=$2
	[[ "$qemu" =~ ^[1-9][0-9]*$ ]] && [ "$qemu" -gt 1 ] || return 1
	[[ "$(cat "/proc/$qemu/comm" 2>/dev/null)" == qemu-system* ]] || return 1
	[ "$(awk '{print $4}' "/proc/$qemu/stat" 2>/dev/null)" = "$parent" ]
}

# Ends the rig's QEMU (TERM, then KILL); run.sh then cleans up and exits.
# If run.sh itself does not end, it is killed: nothing here waits forever.
stop_rig() {
	local pid=$1 rig_out=$2 qemu i sig
	qemu=$(cat "$rig_out/qemu.pid" 2>/dev/null || true)
	for sig in TERM KILL; do
		! is_rig_qemu "$qemu" "$pid" || kill -s "$sig" "$qemu" 2>/dev/null || true
		for ((i = 0; i < 20; i++)); do
			kill -0 "$pid" 2>/dev/null || break 2
			sleep 0.5
		done
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "run-bench: run.sh (pid $pid) did not end with its QEMU; killing it" >&2
		kill -s KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
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
# One for --quick too: the gate must not fail on the rig's own faults, and
# with two vCPUs 1 of 15 --quick runs lost a probe guest to a triple fault
# (2026-12-02), as the tests' 2-vCPU rigs lost guests (tests/run.sh).
# RIG_CPUS overrides, for comparing.
rig_cpus() {
	if [ -n "${RIG_CPUS:-}" ]; then
		echo "$RIG_CPUS"
	elif uses_qemu || [ "$quick" -eq 1 ]; then
		echo 1
	else
		echo 2
	fi
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

# True if a plot data file has a measured value: plotdata.py prints those
# with a decimal point (indices and counts have none) and n/a for the rest.
# gnuplot stops on a plot whose every y value is undefined (every instance
# failed).
has_points() {
	awk '!/^#/ { for (i = 3; i <= NF; i++) if ($i ~ /^-?[0-9]+\.[0-9]+$/) found = 1 }
		END { exit !found }' "$1" 2>/dev/null
}

render() {
	step "rendering plots and the report"
	python3 bench/plotdata.py "$out" >/dev/null
	local plot ext
	for plot in memory boot loadphase; do
		if ! has_points "$out/plots/data/$plot.dat"; then
			step "no data for plots/$plot (no instance measured it); not drawn"
			continue
		fi
		for ext in png svg; do
			gnuplot -c "plots/$plot.gp" "$out/plots/data/$plot.dat" "$out/plots/$plot.$ext" \
				"$out/plots/data/context.txt"
		done
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
	[ -z "$compare" ] || resolve_baseline "$where"
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
	# Whether or not the rig restarted, summary.json says so.
	[ "$where" != on ] || python3 bench/rig_restarts.py merge "$out"
	render
	link_latest
	if [ -n "$compare" ]; then
		step "comparing with $compare"
		local config=()
		[ -z "$(baseline_config)" ] || config=(--config "$(baseline_config)")
		python3 bench/compare.py "$compare" "$out" "${config[@]}" || compare_status=$?
	fi
	echo
	cat "$out/tables.txt"
	echo "Results: $out (report.md, tables.txt, summary.json, raw.csv, plots/)"
	[ "$status" -eq 3 ] && echo "run-bench: some instances failed; see $out/raw.csv" >&2
	[ "$compare_status" -eq 0 ] || exit "$compare_status"
	exit "$status"
}

main "$@"
