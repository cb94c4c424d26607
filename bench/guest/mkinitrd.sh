#!/bin/bash
# Build the benchmark guest's initrd: a newc cpio holding /init, empty /dev
# and /proc (init mounts devtmpfs and proc itself), and a pad file of
# incompressible bytes so the archive is about SIZE. The pad bytes come from a
# fixed seed and every mtime is 0, so the same inputs give the same archive.
#
# usage: bench/guest/mkinitrd.sh OUT INIT SIZE     (SIZE: bytes, or N[KMG])
set -euo pipefail

die() {
	echo "mkinitrd.sh: $*" >&2
	exit 1
}

# SIZE with an optional K/M/G (binary) suffix, in bytes.
parse_size() {
	local s=$1
	[[ "$s" =~ ^([0-9]+)([KkMmGg]?)$ ]] || die "bad size '$s' (want N, NK, NM or NG)"
	local n=$((10#${BASH_REMATCH[1]}))
	case "${BASH_REMATCH[2]}" in
	[Kk]) n=$((n << 10)) ;;
	[Mm]) n=$((n << 20)) ;;
	[Gg]) n=$((n << 30)) ;;
	esac
	echo "$n"
}

# LEN pseudo-random bytes from a fixed seed (SHAKE-256 per 1 MiB chunk):
# as incompressible as real data, and the same on every machine.
write_pad() {
	local len=$1 out=$2
	python3 - "$len" "$out" <<'EOF'
import hashlib, sys
left, chunk, i = int(sys.argv[1]), 1 << 20, 0
with open(sys.argv[2], "wb") as f:
    while left > 0:
        n = min(chunk, left)
        f.write(hashlib.shake_256(b"kvm-loadbench pad %d" % i).digest(n))
        left -= n
        i += 1
EOF
}

# newc cpio of the tree at DIR, sorted, owned by root, mtimes zeroed.
pack() {
	local dir=$1 out=$2
	find "$dir" -exec touch -h -d @0 {} +
	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc --reproducible -R 0:0 >"$out") ||
		die "cpio failed"
}

main() {
	[[ $# -eq 3 ]] || die "usage: mkinitrd.sh OUT INIT SIZE"
	local out=$1 init=$2 size work base pad
	size=$(parse_size "$3")
	[[ -f "$init" ]] || die "$init: no such file (make init)"
	work=$(mktemp -d)
	# shellcheck disable=SC2064 # expand $work now: it is local
	trap "rm -rf '$work'" EXIT
	mkdir -p "$work/root/dev" "$work/root/proc"
	install -m 0755 "$init" "$work/root/init"
	pack "$work/root" "$work/base.cpio"
	base=$(stat -c %s "$work/base.cpio")
	# 128 bytes cover the pad's own newc header and name.
	pad=$((size - base - 128))
	((pad >= 0)) || die "size $3 is below the $base bytes /init alone needs"
	write_pad "$pad" "$work/root/pad"
	pack "$work/root" "$work/initrd.cpio"
	mkdir -p "$(dirname "$out")"
	mv -f "$work/initrd.cpio" "$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
}

main "$@"
