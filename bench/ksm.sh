#!/usr/bin/env bash
# Another way to share: KSM. One loadbench run of N guests per loader, with
# ksmd running at the pace set here: ksm (copy, then MADV_MERGEABLE over the
# image pages) and mmap-ksm (mmap, then MADV_MERGEABLE: ksmd merges the
# pages every guest wrote the same way) next to copy and mmap. loadbench
# waits for ksmd to settle before it samples a merging loader's round
# (README.md, "KSM in loadbench"). Per loader: USS and PSS per instance, the
# image bytes (PT_LOAD + initrd) kept out of its private memory against
# copy's USS, pages merged, the time until merging settled, and the CPU
# ksmd spent. Needs root (ksmd's settings are changed and restored).
#
#   bench/ksm.sh [--instances N] [--kernel FILE] [--initrd FILE] [--scan PAGES]
#                [--loaders LIST] [--out DIR]
#
# Default: 4 instances of the probe guest, loaders copy,mmap,ksm,mmap-ksm,
# ksmd scanning 1000 pages per 20 ms; --out keeps loadbench's results.
set -euo pipefail
cd "$(dirname "$0")/.."

n=4
kernel=build/probe.elf
initrd=
scan=1000
loaders=copy,mmap,ksm,mmap-ksm
out=
ksm=/sys/kernel/mm/ksm

die() {
	echo "ksm: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--instances) [[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || die "--instances: 1 to 99" && n=$2 && shift 2 ;;
	--kernel) kernel=${2:?} && shift 2 ;;
	--initrd) initrd=${2:?} && shift 2 ;;
	--scan) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--scan: pages > 0" && scan=$2 && shift 2 ;;
	--loaders)
		[[ "${2:-}" =~ ^(copy|mmap|ksm|mmap-ksm)(,(copy|mmap|ksm|mmap-ksm))*$ ]] ||
			die "--loaders '${2:-}': a comma list of copy, mmap, ksm, mmap-ksm"
		loaders=$2 && shift 2
		;;
	--out) out=${2:?} && shift 2 ;;
	--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ "$(id -u)" -eq 0 ] || die "needs root: it changes ksmd's settings (restored afterwards)"
[ -w "$ksm/run" ] || die "$ksm/run is missing: this kernel has no KSM"
[ -r "$kernel" ] || die "--kernel '$kernel': cannot read it"
[ -z "$out" ] || [ ! -e "$out" ] || die "--out '$out': already exists"
# Inside the nested rig there is no compiler: the host built them.
[ -n "${RIG:-}" ] || make -s build/loadvm build/loadbench
[ -x build/loadbench ] || die "build/loadbench is missing (make)"
sync

tmp=$(mktemp -d)
[ -n "$out" ] || out=$tmp/run
saved=("$(cat $ksm/run)" "$(cat $ksm/pages_to_scan)" "$(cat $ksm/sleep_millisecs)")
bench=
restore() {
	[ -z "$bench" ] || kill "$bench" 2>/dev/null || true
	wait 2>/dev/null || true
	echo "${saved[1]}" >$ksm/pages_to_scan
	echo "${saved[2]}" >$ksm/sleep_millisecs
	echo 2 >$ksm/run # unmerge what we merged...
	echo "${saved[0]}" >$ksm/run # ...then back to how it was
	rm -rf "$tmp"
}
trap restore EXIT

# The image bytes a guest could keep shared: the kernel's PT_LOAD file bytes
# plus the initrd, in KiB.
image_kb() {
	python3 - "$kernel" "${initrd:-}" <<'PY'
import os, struct, sys
with open(sys.argv[1], "rb") as f:
    data = f.read()
if data[:4] != b"\x7fELF" or data[4] != 2:
    sys.exit("not a 64-bit ELF (give the vmlinux, not a bzImage)")
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
total = 0
for i in range(phnum):
    p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
    if p_type == 1:  # PT_LOAD
        total += struct.unpack_from("<Q", data, phoff + i * phentsize + 0x20)[0]
if sys.argv[2]:
    total += os.path.getsize(sys.argv[2])
print(total // 1024)
PY
}

# USS, PSS, pages merged, settle time and ksmd's CPU per loader, from
# raw.csv (instances that booted). copy and mmap mark nothing mergeable:
# their merge columns are "-". "kept" is copy's USS minus this loader's, as
# a share of the image. The merged pages are ksmd's host-wide pages_sharing
# at the sample (raw.csv ksm_pages_sharing).
table() {
	python3 - "$1" "$image" "$loaders" <<'PY'
import csv, sys
path, image_kb, loaders = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
rows = [r for r in csv.DictReader(open(path, newline="")) if r["status"] == "ok"]
mean = lambda vals: sum(vals) / len(vals) if vals else float("nan")
uss = {l: mean([int(r["uss_kb"]) for r in rows if r["loader"] == l]) for l in loaders}
print("%-8s %3s %10s %10s %8s %14s %10s %12s" % ("loader", "N", "USS MiB", "PSS MiB", "kept",
      "pages merged", "merge s", "ksmd CPU ms"))
for l in loaders:
    mine = [r for r in rows if r["loader"] == l]
    if not mine:
        print("%-8s   no instance booted" % l)
        continue
    r = mine[0]
    pss = mean([int(x["Pss_kb"]) for x in mine])
    kept = "-" if "copy" not in uss else "%.0f%%" % ((uss["copy"] - uss[l]) * 100 / image_kb)
    merged, secs, cpu = "-", "-", "-"
    if r["ksm_pages_sharing"]:
        merged = r["ksm_pages_sharing"]
    if r["ksm_settle_ms"]:
        secs = "%.1f" % (int(r["ksm_settle_ms"]) / 1000)
        secs = secs if r["ksm_settled"] == "1" else ">" + secs
    if r["ksmd_cpu_ms"]:
        cpu = r["ksmd_cpu_ms"]
    print("%-8s %3s %10.1f %10.1f %8s %14s %10s %12s" % (l, r["instances"], uss[l] / 1024,
          pss / 1024, kept, merged, secs, cpu))
PY
}

image=$(image_kb) || die "--kernel '$kernel': cannot read its PT_LOAD segments"
echo "kernel $(basename "$kernel"), initrd ${initrd:-none}, image (PT_LOAD + initrd)" \
	"$((image / 1024)) MiB, ksmd scanning $scan pages / 20 ms"
echo "$scan" >$ksm/pages_to_scan
echo 20 >$ksm/sleep_millisecs
echo 1 >$ksm/run
args=(--kernel "$kernel" --instances "$n" --rounds 1 --loaders "$loaders" --order sequential
	--settle 2 --ksm-settle-max 120 --format "csv,json" --out "$out" --quiet)
[ -z "$initrd" ] || args+=(--initrd "$initrd")
build/loadbench "${args[@]}" &
bench=$!
status=0
wait "$bench" || status=$?
bench=
[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || die "loadbench failed (status $status)"
[ "$status" -eq 0 ] || echo "(some instances failed: $out/raw.csv says why)"
table "$out/raw.csv"
echo "(USS/PSS per instance 2 s after the last boot at the earliest, and once ksmd settled"
echo " or 120 s passed (merge s >120); pages merged: ksmd's pages_sharing, host-wide;"
echo " merge s: from the last boot until pages_sharing held across a whole full scan;"
echo " ksmd CPU during that wait)"
