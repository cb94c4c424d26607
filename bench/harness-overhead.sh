#!/usr/bin/env bash
# Harness overhead at scale: with the probe guest, N concurrent instances
# (default 64 and 256; loadbench refuses counts this host cannot hold):
# time to launch all, time to sample every smaps_rollup (per instance),
# and loadbench's own CPU time. Targets: sampling under 1 ms per instance;
# launching limited by loadvm, not by the harness.
#
#   bench/harness-overhead.sh [--instances LIST] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

instances=64,256
out="results/overhead-$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
	case "$1" in
	--instances) instances=${2:?} && shift 2 ;;
	--out) out=${2:?} && shift 2 ;;
	--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	*) echo "harness-overhead: unknown argument '$1'" >&2 && exit 2 ;;
	esac
done
make -s -j"$(nproc)" all
# --mem 48: the probe needs 46 MiB of guest RAM; smaller guests, more of them.
build/loadbench --kernel build/probe.elf --instances "$instances" --loaders mmap --rounds 1 \
	--settle 0.5 --timeout 900 --mem 48 --out "$out" --quiet >/dev/null || true
python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{'N':>5} {'booted':>7} {'launch all ms':>14} {'boot all ms':>12} "
      f"{'sample all ms':>14} {'sample/inst ms':>15}")
for g in s["results"]:
    h = g["harness"]
    n = g["instances"]
    sample = h["sample_ms"]["median"]
    print(f"{n:>5} {g['booted']:>7} {h['launch_ms']['median']:>14.1f} "
          f"{h['boot_ms']['median']:>12.1f} {sample:>14.2f} {sample / n:>15.3f}")
print(f"loadbench CPU time for the whole run: {s['harness_cpu_ms']:.0f} ms")
PY
echo "harness-overhead: results in $out"
