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
	exec </dev/null >/dev/console 2>&1
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
# RIG_PROJECT, RIG_CWD, RIG_SCRATCH_MIB, written by run.sh.
# shellcheck source=/dev/null
. /rig/run/env
load_modules
mount_tmp
mount_shares
make_scratch
run_command
poweroff -f
