#!/usr/bin/env bash
# loadbench --cache, end to end without a guest (KVMLB_KVM=none: every
# instance fails at once, but the rounds and the outputs are whole): cold
# evicts the images before every round and summary.json's
# context.page_cache says what stayed (nothing, here), rounds.log too;
# warm has them all resident from the start; pages another process maps
# stay, and every round says so in one line naming the file and the count;
# a bad value is refused in one line with status 2.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"

# On the build's disk: tmpfs keeps its pages whatever fadvise says.
dir="$BUILD/test-tmp/cache-$$"
mkdir -p "$dir"
on_exit "rm -rf '$dir'"
fs=$(stat -f -c %T "$dir")
case "$fs" in tmpfs | ramfs) skip "$dir is on $fs, where fadvise cannot evict" ;; esac
kernel="$dir/probe.elf"
cp "$PROBE_ELF" "$kernel"
sync

# run NAME [options]: a run into $dir/NAME, its stderr in $dir/NAME.err.
run() {
	local name=$1 status=0
	shift
	KVMLB_KVM=none "$LOADBENCH" --kernel "$kernel" --instances 1,2 --rounds 2 --settle 0 \
		--quiet --out "$dir/$name" "$@" 2>"$dir/$name.err" || status=$?
	[ "$status" -eq 3 ] # results written, every instance failed
}

# page_cache NAME EXPR: EXPR holds for p, summary.json's context.page_cache.
page_cache() {
	python3 - "$dir/$1/summary.json" "$2" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["context"]["page_cache"]
ok = eval(sys.argv[2], {"p": p})
if not ok:
    print(json.dumps(p), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

pages=$((($(stat -c %s "$kernel") + 4095) / 4096))

check "cold: the run finishes" run cold --cache cold
check "cold: every round counted, none left a page" page_cache cold \
	"p['mode'] == 'cold' and p['image_pages'] == $pages and p['resident_at_launch'] == \
	{'rounds': 8, 'rounds_with_pages': 0, 'min': 0, 'max': 0, 'per_round': [0] * 8}"
check "cold: the kernel is the one file" page_cache cold \
	"[f['role'] for f in p['files']] == ['kernel'] and p['files'][0]['path'] == '$kernel'"
check "cold: rounds.log keeps the counts" \
	test "$(grep -c ' resident_pages=0 tracefs_lost=' "$dir/cold/rounds.log")" -eq 8
check "cold: no warning" test "$(grep -c warning "$dir/cold.err" || true)" -eq 0

check "warm: the run finishes" run warm
# Warm promises every page at the start; later the host may reclaim some
# (that is measured, not prevented).
check "warm: all resident at the start, counted at every launch" page_cache warm \
	"p['mode'] == 'warm' and p['resident_at_start'] == $pages and \
	p['resident_fraction_at_start'] == 1 and p['resident_at_launch']['rounds'] == 8 and \
	p['resident_at_launch']['min'] > 0"

# Another process maps every page of the kernel: eviction cannot drop them.
python3 - "$kernel" "$dir/mapper-ready" <<'PY' &
import mmap, sys, time
with open(sys.argv[1], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
sum(m[i] for i in range(0, len(m), 4096))
open(sys.argv[2], "w").close()
time.sleep(600)
PY
mapper=$!
on_exit "kill $mapper 2>/dev/null"
for _ in $(seq 100); do
	[ ! -e "$dir/mapper-ready" ] || break
	sleep 0.1
done
check "mapped: the run finishes" run mapped --cache cold
kill "$mapper"
check "mapped: what stayed is counted in every round" page_cache mapped \
	"p['resident_at_launch']['rounds_with_pages'] == 8 and \
	p['resident_at_launch']['min'] == $pages"
check "mapped: one warning line per round, with the file and the count" test \
	"$(grep -cF "warning: --cache cold: $pages of $pages pages of $kernel stayed" \
		"$dir/mapped.err")" -eq 8
check "mapped: progress.log records it" \
	test "$(grep -c "cache-resident file=$kernel pages=$pages" "$dir/mapped/progress.log")" -eq 8

refused() {
	local status=0
	"$LOADBENCH" --kernel "$kernel" --cache "$1" --out "$dir/never" 2>"$dir/bad.err" ||
		status=$?
	[ "$status" -eq 2 ] && [ "$(wc -l <"$dir/bad.err")" -eq 1 ] &&
		grep -qF -- "--cache '$1': expected warm or cold" "$dir/bad.err" && [ ! -e "$dir/never" ]
}
for bad in hot Cold "" "warm,cold"; do
	check "refused: --cache '$bad'" refused "$bad"
done
finish
