#!/bin/bash
# Build the nested rig's initrd (OUTDIR/initrd.cpio): busybox-static, the
# cloud kernel's modules (bench/kernel/fetch.sh), bench/rig/init.sh as /init
# and the project's OUTDIR/pin-kvm-keys (make rig builds it). Everything else
# the rig runs (glibc, bash, mkfs.ext4, the project's binaries) comes from
# the host through virtiofs.
#
# usage: bench/rig/mkrig.sh OUTDIR KERNELDIR
set -euo pipefail

BUSYBOX=/bin/busybox
MODULES=(irqbypass kvm kvm-amd virtio_ring virtio virtio_pci_legacy_dev
	virtio_pci_modern_dev virtio_pci fuse virtiofs brd)

die() {
	echo "mkrig.sh: $*" >&2
	exit 1
}

check_inputs() {
	local out=$1 kdir=$2 m
	# The rig runs busybox before any library is reachable: it must be static.
	[[ -x "$BUSYBOX" ]] || die "$BUSYBOX missing (apt-get install busybox-static)"
	if readelf -l "$BUSYBOX" | grep -q INTERP; then
		die "$BUSYBOX is dynamic (apt-get install busybox-static)"
	fi
	[[ -x "$out/pin-kvm-keys" ]] || die "$out/pin-kvm-keys missing (make rig)"
	for m in "${MODULES[@]}"; do
		[[ -f "$kdir/modules/$m.ko" ]] || die "$kdir/modules/$m.ko missing (make kernel)"
	done
}

# The root: busybox and modules under /rig, mount points, and the host's
# usrmerge links (/bin -> usr/bin, ...) so that once the host's /usr is
# mounted, #!/bin/bash and /lib64/ld-linux-x86-64.so.2 resolve as on the host.
stage_root() {
	local root=$1 kdir=$2 here=$3 m l
	mkdir -p "$root"/{dev,proc,sys,tmp,usr,root,etc} "$root"/rig/{bin,modules,run,scratch}
	install -m 0755 "$BUSYBOX" "$root/rig/bin/busybox"
	install -m 0755 "$here/init.sh" "$root/init"
	for m in "${MODULES[@]}"; do
		install -m 0644 "$kdir/modules/$m.ko" "$root/rig/modules/"
	done
	for l in /bin /sbin /lib /lib32 /lib64 /libx32; do
		[[ -L "$l" ]] && ln -s "$(readlink "$l")" "$root$l"
	done
	# The kernel opens /dev/console for init before anything is mounted.
	mknod -m 0600 "$root/dev/console" c 5 1
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	ln -s /proc/self/mounts "$root/etc/mtab"
}

pack() {
	local root=$1 out=$2
	find "$root" -exec touch -h -d @0 {} +
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc --reproducible -R 0:0 >"$out") ||
		die "cpio failed"
}

main() {
	[[ $# -eq 2 ]] || die "usage: mkrig.sh OUTDIR KERNELDIR"
	local out=$1 kdir=$2 here work
	here=$(cd "$(dirname "$0")" && pwd)
	check_inputs "$out" "$kdir"
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	work=$(mktemp -d "$out/.mkrig.XXXXXX")
	# shellcheck disable=SC2064 # expand $work now: it is local
	trap "rm -rf '$work'" EXIT
	stage_root "$work/root" "$kdir" "$here"
	install -m 0755 "$out/pin-kvm-keys" "$work/root/rig/bin/pin-kvm-keys"
	pack "$work/root" "$work/initrd.cpio"
	mv -f "$work/initrd.cpio" "$out/initrd.cpio"
}

main "$@"
