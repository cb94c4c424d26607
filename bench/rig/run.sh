#!/bin/bash
# Run a command under real KVM inside the nested rig (see README.md): a TCG
# QEMU with SVM+NPT whose Linux guest loads kvm-amd. The project directory is
# shared read-write at its host path and the host's /usr read-only, so the
# command and its binaries run unchanged. Its stdout and stderr come back on
# ours, and we exit with its status.
#
# usage: bench/rig/run.sh [--mem MIB] [--cpus N] [--scratch MIB] [--out DIR]
#                         [--timeout SEC] [--append PARAMS] [--accel ACCEL]
#                         [--cpu MODEL] [--stall SEC] [--verbose] -- COMMAND [ARG...]
set -euo pipefail

PROJECT=$(cd "$(dirname "$0")/../.." && pwd -P)
BUILD_DIR=${BUILD:-build}
[[ "$BUILD_DIR" = /* ]] || BUILD_DIR="$PROJECT/$BUILD_DIR"
VIRTIOFSD=/usr/lib/qemu/virtiofsd

# The rig's own kernel runs without CPU-vulnerability mitigations: it is
# test equipment, its guests keep their own command lines, and it boots 9%
# more guests per minute so (README.md, "Configurations compared"; it did
# not fail less). --append mitigations=auto puts them back (the last
# mitigations= wins).
RIG_KERNEL_PARAMS="mitigations=off"
# 16 guests of 128 MiB, their VMMs, the images and the rig's own kernel.
MEM_MIB=4096
CPUS=2
SCRATCH_MIB=512
OUT_DIR="$BUILD_DIR/rig/last"
TIMEOUT=0
VERBOSE=0
# The rig's own configuration (bench/rig/README.md, "Stalls").
APPEND=""
ACCEL=tcg
CPU_MODEL="EPYC,+svm,+npt"
# A rig whose console shows no RIG-ALIVE heartbeat for this long has stalled
# (both vCPUs stuck in its kernel, nothing progressing): its state is saved
# and it is stopped, status 125. 0: never.
STALL_S=120
HEARTBEAT_POLL_S=5

die() {
	echo "run.sh: $*" >&2
	exit 125
}

usage() {
	sed -n 's/^# usage: //p; s/^#  \{20,\}/  /p' "$0" >&2
	exit 125
}

parse_args() {
	while [[ $# -gt 0 ]]; do
		case "$1" in
		--mem) MEM_MIB=${2:?}; shift 2 ;;
		--cpus) CPUS=${2:?}; shift 2 ;;
		--scratch) SCRATCH_MIB=${2:?}; shift 2 ;;
		--out) OUT_DIR=${2:?}; shift 2 ;;
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--append) APPEND=${2?}; shift 2 ;;
		--accel) ACCEL=${2:?}; shift 2 ;;
		--cpu) CPU_MODEL=${2:?}; shift 2 ;;
		--stall) STALL_S=${2:?}; shift 2 ;;
		--verbose) VERBOSE=1; shift ;;
		--) shift; break ;;
		*) usage ;;
		esac
	done
	[[ $# -gt 0 ]] || usage
	COMMAND=("$@")
	local n
	for n in "$MEM_MIB" "$CPUS" "$SCRATCH_MIB" "$TIMEOUT" "$STALL_S"; do
		[[ "$n" =~ ^[0-9]+$ ]] || die "not a number: $n"
	done
}

check_host() {
	command -v qemu-system-x86_64 >/dev/null ||
		die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
	[[ -x "$VIRTIOFSD" ]] ||
		die "$VIRTIOFSD missing (apt-get install qemu-system-common)"
	[[ -f "$BUILD_DIR/kernel/vmlinux" ]] ||
		die "$BUILD_DIR/kernel/vmlinux missing (make kernel)"
	[[ -f "$BUILD_DIR/rig/initrd.cpio" ]] ||
		die "$BUILD_DIR/rig/initrd.cpio missing (make rig)"
	[[ "$(id -u)" -eq 0 ]] || die "virtiofsd needs root: run as root"
}

# The command runs in the rig's cwd: ours if it lies in the project, else
# the project's top.
guest_cwd() {
	local here
	here=$(pwd -P)
	case "$here/" in
	"$PROJECT"/*) echo "$here" ;;
	*) echo "$PROJECT" ;;
	esac
}

# The host's transparent huge page policy (enabled or defrag), the word in
# brackets. The rig takes it over: with Debian's "always" in the rig and
# "madvise" on the host, guest RAM got 2 MiB pages or not by timing, and the
# probe's USS moved by up to 4 MB between identical runs.
host_thp() {
	sed -n 's/.*\[\([a-z+]*\)\].*/\1/p' "/sys/kernel/mm/transparent_hugepage/$1" 2>/dev/null
}

# A second cpio, appended to the rig's: the kernel unpacks both, so the
# command and its settings reach the rig's init as /rig/run/{cmd,env}.
make_run_initrd() {
	local run=$1 root="$1/root"
	mkdir -p "$root/rig/run"
	printf 'exec' >"$root/rig/run/cmd"
	printf ' %q' "${COMMAND[@]}" >>"$root/rig/run/cmd"
	printf '\n' >>"$root/rig/run/cmd"
	{
		printf 'RIG_PROJECT=%q\n' "$PROJECT"
		printf 'RIG_CWD=%q\n' "$(guest_cwd)"
		printf 'RIG_SCRATCH_MIB=%q\n' "$SCRATCH_MIB"
		printf 'RIG_THP_ENABLED=%q\n' "$(host_thp enabled)"
		printf 'RIG_THP_DEFRAG=%q\n' "$(host_thp defrag)"
	} >"$root/rig/run/env"
	(cd "$root" && find rig | cpio --quiet -o -H newc -R 0:0 >"$run/run.cpio")
	cat "$BUILD_DIR/rig/initrd.cpio" "$run/run.cpio" >"$run/initrd.cpio"
}

# One virtiofsd per share; each exits when QEMU disconnects.
start_virtiofsd() {
	local sock=$1 dir=$2 cache=$3 i
	"$VIRTIOFSD" --socket-path="$sock" -o source="$dir" -o cache="$cache" \
		-o log_level=err >>"$OUT_DIR/virtiofsd.log" 2>&1 &
	DAEMONS+=("$!")
	for ((i = 0; i < 100; i++)); do
		[[ -S "$sock" ]] && return 0
		sleep 0.05
	done
	die "virtiofsd for $dir did not start (see $OUT_DIR/virtiofsd.log)"
}

# QEMU must not open our stdout itself: on a regular file its writes and
# ours would go through two file offsets and overwrite each other. Relaying
# FIFOs through cat keeps one offset, and works for pipes and sockets too.
start_relays() {
	local run=$1
	mkfifo "$run/stdout" "$run/stderr"
	cat "$run/stdout" &
	RELAYS+=("$!")
	cat "$run/stderr" >&2 &
	RELAYS+=("$!")
}

# A relay whose FIFO QEMU never opened (it failed early) still waits in
# open(); a writer that comes and goes releases it with an EOF.
stop_relays() {
	local run=$1 fifo fd
	for fifo in "$run/stdout" "$run/stderr"; do
		exec {fd}<>"$fifo"
		exec {fd}>&-
	done
	wait "${RELAYS[@]}" || true
	RELAYS=()
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local pid
	for pid in "${DAEMONS[@]}" "${RELAYS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	rm -rf "$RUN_DIR"
}

# SIGINT/SIGTERM: the rig (QEMU, or the timeout that runs it) ends with us;
# the EXIT trap then stops the daemons and removes the run directory.
# shellcheck disable=SC2317 # called by the INT and TERM traps
interrupted() {
	local qemu
	qemu=$(rig_qemu_pid) || true
	kill "$QEMU_PID" 2>/dev/null || true
	[[ -z "$qemu" ]] || kill "$qemu" 2>/dev/null || true
	wait "$QEMU_PID" 2>/dev/null || true
	echo "run.sh: interrupted (SIG$1); the rig was stopped" >&2
	[[ "$1" == INT ]] && exit 130
	exit 143
}

# The rig's QEMU from its pidfile, once it is there and names a live QEMU;
# a stale or foreign pid is never used.
rig_qemu_pid() {
	local pid
	pid=$(cat "$OUT_DIR/qemu.pid" 2>/dev/null || true)
	[[ "$pid" =~ ^[1-9][0-9]*$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == qemu-system* ]] &&
		echo "$pid"
}

# Runs in the background while QEMU runs: when the console's heartbeat has
# been silent for STALL_S seconds, writes OUT_DIR/stalled and the vCPUs'
# state (OUT_DIR/stall-state.txt, from the monitor), then ends QEMU.
# shellcheck disable=SC2317 # started in the background by main
watch_heartbeat() {
	local log="$OUT_DIR/console.log" last="" line seen_at now qemu=""
	seen_at=$(date +%s)
	while :; do
		sleep "$HEARTBEAT_POLL_S"
		[[ -n "$qemu" ]] || qemu=$(rig_qemu_pid) || true
		[[ -z "$qemu" ]] || kill -0 "$qemu" 2>/dev/null || return 0
		line=$(grep -a 'RIG-ALIVE' "$log" 2>/dev/null | tail -n 1 || true)
		now=$(date +%s)
		if [[ "$line" != "$last" ]]; then
			last=$line
			seen_at=$now
		elif [[ -n "$qemu" ]] && ((now - seen_at >= STALL_S)); then
			echo "$((now - seen_at))" >"$OUT_DIR/stalled"
			"$PROJECT/bench/rig/monitor.py" "$OUT_DIR/monitor.sock" "info cpus" \
				"info registers -a" >"$OUT_DIR/stall-state.txt" 2>&1 || true
			# Where the vCPUs were, by name, once the rig's kallsyms was saved (README).
			if [[ -f "$BUILD_DIR/rig/kallsyms.txt" ]]; then
				local names
				names=$("$PROJECT/bench/rig/symbolize.py" "$OUT_DIR/stall-state.txt" \
					"$BUILD_DIR/rig/kallsyms.txt" 2>&1 || true)
				printf '=== symbols\n%s\n' "$names" >>"$OUT_DIR/stall-state.txt"
			fi
			kill -TERM "$qemu" 2>/dev/null || true
			sleep 5
			kill -KILL "$qemu" 2>/dev/null || true
			return 0
		fi
	done
}

# Three serial ports: the command's stdout and stderr (FIFOs, see
# start_relays) and the rig's console (kernel messages, RIG-* lines) into a
# log. Guest RAM is a shared memfd because virtiofsd must map it.
qemu_args() {
	local run=$1
	QEMU=(qemu-system-x86_64 -M "pc,memory-backend=mem" -accel "$ACCEL"
		-cpu "$CPU_MODEL" -smp "$CPUS" -m "$MEM_MIB"
		-object "memory-backend-memfd,id=mem,size=${MEM_MIB}M,share=on"
		-nodefaults -display none -no-reboot
		-kernel "$BUILD_DIR/kernel/vmlinux" -initrd "$run/initrd.cpio"
		-append "console=ttyS2 quiet panic=-1 $RIG_KERNEL_PARAMS${APPEND:+ $APPEND}"
		-chardev "file,id=out,path=$run/stdout" -serial chardev:out
		-chardev "file,id=err,path=$run/stderr" -serial chardev:err
		-chardev "file,id=con,path=$OUT_DIR/console.log" -serial chardev:con
		-chardev "socket,id=usr,path=$run/usr.sock"
		-device "vhost-user-fs-pci,chardev=usr,tag=usr"
		-chardev "socket,id=prj,path=$run/project.sock"
		-device "vhost-user-fs-pci,chardev=prj,tag=project"
		-pidfile "$OUT_DIR/qemu.pid"
		-monitor "unix:$OUT_DIR/monitor.sock,server=on,wait=off")
}

# QEMU exits 0 whatever the guest did; the status is the console's last
# RIG-EXIT line.
guest_status() {
	local log="$OUT_DIR/console.log" line
	line=$(tr -d '\r' <"$log" | grep '^RIG-EXIT ' | tail -n 1 || true)
	if [[ -z "$line" ]]; then
		echo "run.sh: the rig ended without a status; its console:" >&2
		tail -n 20 "$log" >&2
		echo 125
		return
	fi
	grep '^RIG-ERROR' "$log" >&2 || true
	echo "$line" | cut -d ' ' -f 2
}

# Seconds since START (an EPOCHREALTIME), to the millisecond.
elapsed() {
	local start=${1/./} now=${EPOCHREALTIME/./} ms
	ms=$(((now - start) / 1000))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

report_times() {
	local start=$1 log="$OUT_DIR/console.log" ready end
	ready=$(tr -d '\r' <"$log" | sed -n 's/^RIG-READY //p' | tail -n 1)
	end=$(tr -d '\r' <"$log" | sed -n 's/^RIG-EXIT [0-9]* //p' | tail -n 1)
	echo "run.sh: command started at ${ready:-?} s of guest uptime, ended at" \
		"${end:-?} s; $(elapsed "$start") s on the host" >&2
}

main() {
	parse_args "$@"
	check_host
	mkdir -p "$OUT_DIR"
	: >"$OUT_DIR/console.log"
	: >"$OUT_DIR/virtiofsd.log"
	rm -f "$OUT_DIR/qemu.pid" "$OUT_DIR/monitor.sock" "$OUT_DIR/stalled" "$OUT_DIR/stall-state.txt"
	RUN_DIR=$(mktemp -d)
	# Who holds it (virtiofsd's sockets are there) tells this rig's daemons.
	echo "$RUN_DIR" >"$OUT_DIR/run_dir"
	DAEMONS=()
	RELAYS=()
	trap cleanup EXIT
	make_run_initrd "$RUN_DIR"
	start_relays "$RUN_DIR"
	start_virtiofsd "$RUN_DIR/usr.sock" /usr always
	start_virtiofsd "$RUN_DIR/project.sock" "$PROJECT" always
	qemu_args "$RUN_DIR"
	local start=$EPOCHREALTIME rc=0
	if [[ "$TIMEOUT" -gt 0 ]]; then
		QEMU=(timeout -k 5 "$TIMEOUT" "${QEMU[@]}")
	fi
	if [[ "$STALL_S" -gt 0 ]]; then
		watch_heartbeat &
		DAEMONS+=("$!")
	fi
	# In the background, so that a SIGINT/SIGTERM reaches our trap at
	# once (bash runs traps only between commands) and takes QEMU with us.
	"${QEMU[@]}" </dev/null 2>"$OUT_DIR/qemu.log" &
	QEMU_PID=$!
	trap 'interrupted INT' INT
	trap 'interrupted TERM' TERM
	wait "$QEMU_PID" || rc=$?
	trap - INT TERM
	stop_relays "$RUN_DIR"
	[[ ! -e "$OUT_DIR/stalled" ]] ||
		die "the rig stalled: no heartbeat on its console for $(cat "$OUT_DIR/stalled") s;" \
			"its vCPUs' state is in $OUT_DIR/stall-state.txt"
	[[ "$rc" -ne 124 ]] || die "timed out after $TIMEOUT s (console: $OUT_DIR/console.log)"
	if [[ "$rc" -ne 0 ]]; then
		cat "$OUT_DIR/qemu.log" >&2
		die "qemu-system-x86_64 failed with status $rc"
	fi
	[[ "$VERBOSE" -eq 0 ]] || report_times "$start"
	exit "$(guest_status)"
}

main "$@"
