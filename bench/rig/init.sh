#!/rig/bin/busybox sh
# shellcheck shell=sh
# PID 1 of the nested rig (see README.md). Loads kvm, mounts the host's /usr
# and the project (virtiofs, same paths as on the host), makes the scratch
# filesystems, runs the command from /rig/run/ with its stdout on ttyS0 and
# stderr on ttyS1, reports "RIG-EXIT <status>" on the console (ttyS2) and
# powers off. run.sh reads that line back.
set -u

BB=/rig/bin/busybox
# Load order matters: insmod does not resolve dependencies.
MODULES="irqbypass kvm kvm-amd virtio_ring virtio virtio_pci_legacy_dev
virtio_pci_modern_dev virtio_pci fuse virtiofs"
RIG_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/rig/bin

# Any failure before the command runs ends the rig; status 125 tells run.sh
# the rig, not the command, failed.
fail() {
	echo "RIG-ERROR $*" >/dev/console
	echo "RIG-EXIT 125" >/dev/console
	$BB sync
	$BB poweroff -f
}

setup_basics() {
	$BB --install -s /rig/bin
	export PATH=/rig/bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	# devtmpfs has no /dev/fd: bash's process substitution needs it.
	ln -s /proc/self/fd /dev/fd
	ln -s /proc/self/fd/0 /dev/stdin
	ln -s /proc/self/fd/1 /dev/stdout
	ln -s /proc/self/fd/2 /dev/stderr
	exec </dev/null >/dev/console 2>&1
}

# A line on the console every RIG_HEARTBEAT_S seconds while the rig's kernel
# schedules user space: run.sh's callers tell a stalled rig (both vCPUs stuck
# in KVM_RUN) from a slow one by its silence.
RIG_HEARTBEAT_S=5
start_heartbeat() {
	(
		while :; do
			echo "RIG-ALIVE $(cut -d ' ' -f 1 /proc/uptime)" >/dev/console
			sleep "$RIG_HEARTBEAT_S"
		done
	) &
}

load_modules() {
	for m in $MODULES; do
		insmod "/rig/modules/$m.ko" || fail "insmod $m"
	done
	[ -c /dev/kvm ] || fail "no /dev/kvm after loading kvm-amd (no svm?)"
}

# The project read-write at its host path; /usr read-only, which brings the
# host's glibc and libraries (and /bin, /lib through the usrmerge links).
mount_shares() {
	mount -t virtiofs -o ro usr /usr || fail "mount host /usr"
	mkdir -p "$RIG_PROJECT"
	mount -t virtiofs project "$RIG_PROJECT" || fail "mount project"
}

# /tmp is tmpfs (its pages are always Dirty); RIG_SCRATCH is ext4 on a RAM
# disk, a real block filesystem whose synced pages read Clean in smaps.
# Before the shares: a project that lives under /tmp on the host must not
# be hidden by the rig's own /tmp.
mount_tmp() {
	mount -t tmpfs -o mode=1777 tmpfs /tmp
}

make_scratch() {
	[ "$RIG_SCRATCH_MIB" -gt 0 ] || return 0
	insmod /rig/modules/brd.ko rd_nr=1 rd_size=$((RIG_SCRATCH_MIB * 1024)) ||
		fail "insmod brd"
	/usr/sbin/mkfs.ext4 -q -F -E nodiscard /dev/ram0 || fail "mkfs.ext4 /dev/ram0 (e2fsprogs on the host?)"
	mount -t ext4 /dev/ram0 /rig/scratch || fail "mount /dev/ram0"
}

# The host's transparent huge page policy (run.sh), so that memory figures
# mean the same in the rig as on the host.
apply_thp() {
	thp=/sys/kernel/mm/transparent_hugepage
	[ -z "${RIG_THP_ENABLED:-}" ] || echo "$RIG_THP_ENABLED" >"$thp/enabled" ||
		fail "THP enabled=$RIG_THP_ENABLED"
	[ -z "${RIG_THP_DEFRAG:-}" ] || echo "$RIG_THP_DEFRAG" >"$thp/defrag" ||
		fail "THP defrag=$RIG_THP_DEFRAG"
}

# loadbench enables kvm_entry and kvm_pio in a tracefs instance of its own
# and disables them after each round, and every VMM's VMs and vCPUs switch
# static keys in KVM as they come and go: each switch makes the kernel
# rewrite jump labels in running code (an int3 on every site, IPIs to both
# vCPUs), and under TCG that is where the rig stalled (bench/rig/README.md,
# "Stalls"). Held on from here to power-off, the keys never switch again.
# Tracepoints: enabled in two instances that record nothing (a tracepoint
# with one probe calls it through a static call, patched again when a
# second probe comes or goes; with two pinned, loadbench's is the third).
# KVM's keys: pin-kvm-keys holds a VM of each kind with a vCPU that never runs.
pin_static_keys() {
	t=/sys/kernel/tracing
	mount -t tracefs nodev $t 2>/dev/null || [ -d $t/instances ] || fail "mount tracefs"
	for i in rig-pinned-1 rig-pinned-2; do
		mkdir "$t/instances/$i" || fail "tracefs instance $i"
		echo 0 >"$t/instances/$i/tracing_on"
		echo 4 >"$t/instances/$i/buffer_size_kb"
		for e in kvm/kvm_entry kvm/kvm_pio sched/sched_process_exec; do
			echo 1 >"$t/instances/$i/events/$e/enable" || fail "enable $e in $i"
		done
	done
	pin-kvm-keys >/tmp/pin-kvm-keys.out 2>&1 &
	pin=$!
	# Killed by the OOM killer at N=16, it would let the keys switch again.
	echo -1000 >"/proc/$pin/oom_score_adj"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q pinned /tmp/pin-kvm-keys.out 2>/dev/null && return 0
		kill -0 "$pin" 2>/dev/null || fail "$(cat /tmp/pin-kvm-keys.out)"
		sleep 1
	done
	fail "pin-kvm-keys: no \"pinned\" after 10 s"
}

# Raw ports: no \n -> \r\n translation, the host gets the bytes unchanged.
run_command() {
	stty -F /dev/ttyS0 raw -echo
	stty -F /dev/ttyS1 raw -echo
	scratch=""
	[ "$RIG_SCRATCH_MIB" -gt 0 ] && scratch=/rig/scratch
	echo "RIG-READY $(cut -d ' ' -f 1 /proc/uptime)"
	cd "$RIG_CWD" || fail "cd $RIG_CWD"
	env -i PATH="$RIG_PATH" HOME=/root TERM=dumb RIG=1 RIG_TMP=/tmp \
		RIG_SCRATCH="$scratch" /usr/bin/bash /rig/run/cmd \
		</dev/null >/dev/ttyS0 2>/dev/ttyS1
	status=$?
	sync
	echo "RIG-EXIT $status $(cut -d ' ' -f 1 /proc/uptime)"
}

setup_basics
# RIG_PROJECT, RIG_CWD, RIG_SCRATCH_MIB, RIG_THP_*, written by run.sh.
# shellcheck source=/dev/null
. /rig/run/env
start_heartbeat
load_modules
mount_tmp
pin_static_keys
mount_shares
make_scratch
apply_thp
run_command
poweroff -f
