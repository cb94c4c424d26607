#!/bin/bash
# Fetch Debian's cloud kernel and leave in OUTDIR what the benchmarks and the
# nested rig boot: bzImage, the uncompressed PVH vmlinux, the modules the rig
# loads, and kernel.txt naming the package.
#
# usage: bench/kernel/fetch.sh OUTDIR
#   KERNEL_META     meta package whose dependency is the kernel
#                   (default linux-image-cloud-amd64, i.e. Debian 12's 6.1)
#   KERNEL_PACKAGE  concrete package to fetch instead (skips the look-up)
set -euo pipefail

# The rig needs kvm (irqbypass, kvm, kvm-amd), the virtio PCI transport and
# virtiofs for its shared directories (the cloud kernel has no 9p), and brd
# for its ext4 scratch disk. All of them are modules in the cloud kernel.
MODULES=(irqbypass kvm kvm-amd
	virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
	virtio_pci fuse virtiofs brd)

die() {
	echo "fetch.sh: $*" >&2
	exit 1
}

# Everything we leave behind; when all of it exists there is nothing to do.
is_complete() {
	local out=$1 f m
	for f in kernel.txt bzImage vmlinux; do
		[[ -s "$out/$f" ]] || return 1
	done
	for m in "${MODULES[@]}"; do
		[[ -s "$out/modules/$m.ko" ]] || return 1
	done
}

# The concrete linux-image-<version>-cloud-amd64 behind the meta package.
kernel_package() {
	if [[ -n "${KERNEL_PACKAGE:-}" ]]; then
		echo "$KERNEL_PACKAGE"
		return
	fi
	local meta=${KERNEL_META:-linux-image-cloud-amd64} pkg
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	[[ -n "$pkg" ]] || die "no kernel package behind $meta (run apt-get update?)"
	echo "$pkg"
}

download() {
	local pkg=$1 dir=$2
	local -a opts=()
	# As root, apt drops to _apt, which cannot write into our private
	# temp dir; it would download anyway, with a warning.
	[[ "$(id -u)" -eq 0 ]] && opts=(-o APT::Sandbox::User=root)
	(cd "$dir" && apt-get "${opts[@]}" -q download "$pkg" >/dev/null) ||
		die "apt-get download $pkg failed"
}

# Little-endian unsigned integer of SIZE bytes at OFFSET in FILE.
read_le() {
	local file=$1 offset=$2 size=$3 v
	v=$(od -An -tu"$size" -j "$offset" -N "$size" "$file")
	echo $((v))
}

# The decompressor for a payload, by its magic bytes.
decompressor_for() {
	local magic
	magic=$(od -An -tx1 -N6 "$1" | tr -d ' \n')
	case "$magic" in
	02214c18*) echo "lz4 -dc" ;; # lz4 legacy frame, as the kernel writes it
	1f8b*) echo "gzip -dc" ;;
	fd377a585a00) echo "xz -dc" ;;
	28b52ffd*) echo "zstd -dc" ;;
	5d0000*) echo "xz --format=lzma -dc" ;;
	425a68*) echo "bzip2 -dc" ;;
	*) die "unknown kernel payload compression (magic $magic)" ;;
	esac
}

# vmlinux from a bzImage: the payload sits payload_offset (0x248) bytes into
# the protected-mode code, which starts after the setup_sects (0x1f1) + 1
# real-mode sectors. The kernel build appends the uncompressed size as a
# 32-bit trailer; we cut it off (lz4 would call it garbage) and check it.
extract_vmlinux() {
	local bz=$1 out=$2 setup_sects offset length start size
	setup_sects=$(read_le "$bz" $((0x1f1)) 1)
	offset=$(read_le "$bz" $((0x248)) 4)
	length=$(read_le "$bz" $((0x24c)) 4)
	((length > 4)) || die "$bz: no payload in the setup header"
	start=$(((setup_sects + 1) * 512 + offset))
	dd if="$bz" of="$out.payload" bs=1M iflag=skip_bytes,count_bytes \
		skip="$start" count="$length" status=none
	size=$(read_le "$out.payload" $((length - 4)) 4)
	local -a cmd
	read -ra cmd <<<"$(decompressor_for "$out.payload")"
	command -v "${cmd[0]}" >/dev/null || die "${cmd[0]} not found (apt-get install ${cmd[0]})"
	head -c $((length - 4)) "$out.payload" | "${cmd[@]}" >"$out" ||
		die "${cmd[*]} failed on the kernel payload"
	rm -f "$out.payload"
	[[ "$(stat -c %s "$out")" -eq "$size" ]] ||
		die "vmlinux is $(stat -c %s "$out") bytes, the trailer says $size"
	# XEN_ELFNOTE_PHYS32_ENTRY (18) is what makes it bootable by PVH.
	readelf -n "$out" | grep -q 'Xen.*(0x00000012)' ||
		die "vmlinux has no Xen PVH entry note (CONFIG_PVH off?)"
}

# Copy the modules we need, flat, decompressing .ko.xz / .ko.zst.
copy_modules() {
	local tree=$1 dest=$2 m src
	mkdir -p "$dest"
	for m in "${MODULES[@]}"; do
		src=$(find "$tree" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n 1)
		[[ -n "$src" ]] || die "module $m not in the package"
		case "$src" in
		*.xz) xz -dc "$src" >"$dest/$m.ko" ;;
		*.zst) zstd -qdc "$src" >"$dest/$m.ko" ;;
		*) cp "$src" "$dest/$m.ko" ;;
		esac
	done
}

# Move the finished files from the work dir into OUTDIR, one rename each.
install_files() {
	local work=$1 out=$2 f
	mkdir -p "$out/modules"
	for f in "$work"/modules/*.ko; do
		mv -f "$f" "$out/modules/"
	done
	for f in bzImage vmlinux kernel.txt; do # kernel.txt last: it marks done
		mv -f "$work/$f" "$out/$f"
	done
}

main() {
	[[ $# -eq 1 ]] || die "usage: fetch.sh OUTDIR"
	local out=$1
	if is_complete "$out"; then
		return 0
	fi
	mkdir -p "$out"
	local pkg work deb version
	pkg=$(kernel_package)
	# In OUTDIR, so the final renames stay on one filesystem.
	work=$(mktemp -d "$out/.fetch.XXXXXX")
	# shellcheck disable=SC2064 # expand $work now: it is local
	trap "rm -rf '$work'" EXIT
	echo "fetch.sh: downloading $pkg" >&2
	download "$pkg" "$work"
	deb=$(find "$work" -maxdepth 1 -name '*.deb' | head -n 1)
	[[ -n "$deb" ]] || die "apt-get download left no .deb"
	version=$(dpkg-deb -f "$deb" Version)
	dpkg-deb -x "$deb" "$work/root"
	cp "$(find "$work/root/boot" -name 'vmlinuz-*' | head -n 1)" "$work/bzImage" ||
		die "$pkg has no /boot/vmlinuz-*"
	extract_vmlinux "$work/bzImage" "$work/vmlinux"
	copy_modules "$work/root/lib/modules" "$work/modules"
	printf 'package: %s\nversion: %s\n' "$pkg" "$version" >"$work/kernel.txt"
	install_files "$work" "$out"
	echo "fetch.sh: $pkg $version in $out" >&2
}

main "$@"
