#!/usr/bin/env bash
# run-bench.sh: every bad option is refused in one line before anything
# starts; the --quick scenario writes every output, valid PNG and SVG plots,
# and tables whose numbers are summary.json's.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
# run-bench.sh builds and runs build/'s binaries whatever the test's build:
# a sanitizer pass would only repeat the normal one.
case "$LOADBENCH" in *asan*) skip "run-bench.sh runs build/'s binaries: the normal pass covers it" ;; esac
cd "$(dirname "$0")/../.." || exit 1

refused() {
	local err="$tmp/err" status=0
	./run-bench.sh "$@" --out "$tmp/never" >/dev/null 2>"$err" || status=$?
	[ "$status" -eq 2 ] && [ "$(wc -l <"$err")" -eq 1 ] && [ ! -e "$tmp/never" ]
}
for args in "--instances 0" "--instances 1,1" "--instances 1,x" "--instances -2" \
	"--loaders ksm" "--loaders copy,copy" "--rounds 0" "--rounds many" "--mem 0" \
	"--mem 99999" "--initrd-size 3Q" "--kernel /no/such/kernel" "--initrd /no/such/initrd" \
	"--compare /no/such/baseline" "--rig maybe" "--cache hot" "--cache" "--bogus" \
	"--instances" "--order random" "--order-seed -1" "--order-seed x"; do
	# shellcheck disable=SC2086 # each case is a list of words
	check "refused: $args" refused $args
done

# Hostile values: numbers beyond 64 bits (bash arithmetic would wrap them),
# special files where a file is wanted, a --compare that is no summary.
mkfifo "$tmp/fifo"
mkdir -p "$tmp/dir" "$tmp/empty-results"
echo '{"schema": "something/else"}' >"$tmp/other.json"
big=99999999999999999999999
for args in "--rounds $big" "--order-seed $big" "--mem $big" "--instances $big" "--instances 1,$big" \
	"--instances 18446744073709551617" "--initrd-size ${big}K" "--initrd-size 4G" \
	"--kernel $tmp/dir" "--kernel $tmp/fifo" "--kernel /dev/zero" "--initrd $tmp/dir" \
	"--initrd $tmp/fifo" "--initrd /dev/null" "--compare $tmp/empty-results" \
	"--compare $tmp/other.json" "--compare $tmp/fifo" "--compare /dev/zero"; do
	# shellcheck disable=SC2086 # each case is a list of words
	check "refused: $args" timeout 20 bash -c "$(declare -f refused); tmp='$tmp'; refused $args"
done
for cpus in 0 abc -1 100 "$big"; do
	check "refused: RIG_CPUS=$cpus" env RIG_CPUS="$cpus" bash -c "$(declare -f refused); tmp='$tmp'; refused --quick"
done
check "RIG_CPUS names itself" \
	bash -c "RIG_CPUS=abc ./run-bench.sh --quick --out '$tmp/never' 2>&1 >/dev/null | grep -qF \"run-bench: RIG_CPUS 'abc': expected 1 to 99\""
# said OPTION VALUE REASON: the refusal is `run-bench: OPTION 'VALUE': REASON...`.
said() {
	local err="$tmp/err"
	timeout 20 ./run-bench.sh "$1" "$2" --out "$tmp/never" >/dev/null 2>"$err" || true
	grep -qF "run-bench: $1 '$2': $3" "$err"
}
check "a huge count names itself" said --instances "$big" "each count must be from 1 to 1024"
check "a FIFO kernel is not a regular file" said --kernel "$tmp/fifo" "not a regular file"
check "a bad --cache names itself" said --cache lukewarm "expected warm or cold"
check "a directory without summary.json says so" said --compare "$tmp/empty-results" \
	"no summary.json in this directory"

# Every instance failing (here: KVM switched off, guests on the host) is
# said in one line, and raw.csv and summary.json are still written.
out="$tmp/allfail"
status=0
KVMLB_KVM=none ./run-bench.sh --quick --rig off --out "$out" >"$tmp/stdout" 2>"$tmp/stderr" ||
	status=$?
check "every instance failed: status 3 (status $status)" test "$status" -eq 3
check "every instance failed: said in one line, with the reason" \
	test "$(grep -c "every instance failed (42 of 42); the first: .*KVM disabled by KVMLB_KVM=none" \
		"$tmp/stderr")" -eq 1
check "every instance failed: no plotting error" \
	test -z "$(grep -i -e gnuplot -e "undefined" -e Traceback "$tmp/stderr" || true)"
for f in raw.csv summary.json tables.txt report.md; do
	check "every instance failed: $f written" test -s "$out/$f"
done

# Below the project: without usable KVM here, --quick runs in the nested rig,
# which shares the project and nothing else of the host's.
out="$PWD/$BUILD/test-run-bench-$$"
[ -n "${KEEP_OUT:-}" ] || on_exit "rm -rf '$out'"
status=0
./run-bench.sh --quick --out "$out" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
check "--quick finishes (status $status)" test "$status" -eq 0
# A failed run says why in CI's log: its stderr and every failed instance.
if [ "$status" -ne 0 ]; then
	tail -n 20 "$tmp/stderr" | sed 's/^/# stderr: /'
	[ ! -s "$out/raw.csv" ] || python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["status"] != "ok":
        print("# failed:", r["loader"], "N=" + r["instances"], "round", r["round"],
              "instance", r["instance"], r["status"], r["reason"])' "$out/raw.csv"
	[ ! -d "$out/rig" ] || tail -n 20 "$out"/rig/attempt-*/console.log | sed 's/^/# rig: /'
fi
for f in raw.csv summary.json tables.txt tables.md report.md plots/memory.png plots/boot.png \
	plots/loadphase.png plots/memory.svg plots/boot.svg plots/loadphase.svg; do
	check "--quick wrote $f" test -s "$out/$f"
done
check "it printed the tables" grep -q "Memory footprint per instance" "$tmp/stdout"
check "it said where the results are" grep -q "Results: $out" "$tmp/stdout"

python_checks() {
	python3 - "$out" <<'PY'
import json, re, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
for name in ("memory", "boot", "loadphase"):
    assert open(f"{out}/plots/{name}.png", "rb").read(8) == b"\x89PNG\r\n\x1a\n", name
    assert ET.parse(f"{out}/plots/{name}.svg").getroot().tag.endswith("svg"), name
summary = json.load(open(f"{out}/summary.json"))
groups = {(g["loader"], g["instances"]): g for g in summary["results"]}
rows = 0
for line in open(f"{out}/tables.txt"):
    m = re.match(r"^(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", line)
    if not m:
        continue
    n = int(m.group(1))
    cells = [float(x) for x in m.groups()[1:]]
    for i, loader in enumerate(summary["config"]["loaders"]):
        mem = groups[(loader, n)]["memory_kb"]
        assert abs(cells[2 * i] - round(mem["uss"]["median"] / 1024, 1)) < 0.051, (loader, n)
        assert abs(cells[2 * i + 1] - round(mem["pss"]["median"] / 1024, 1)) < 0.051, (loader, n)
    rows += 1
assert rows == len(summary["config"]["instances"]), rows
PY
}
check "plots are valid PNG and SVG; the memory table is summary.json's" python_checks
finish
