#!/usr/bin/env bash
# run-bench.sh: every bad option is refused in one line before anything
# starts; the --quick scenario writes every output, valid PNG and SVG plots,
# and tables whose numbers are summary.json's.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1

refused() {
	local err="$tmp/err" status=0
	./run-bench.sh "$@" --out "$tmp/never" >/dev/null 2>"$err" || status=$?
	[ "$status" -eq 2 ] && [ "$(wc -l <"$err")" -eq 1 ] && [ ! -e "$tmp/never" ]
}
for args in "--instances 0" "--instances 1,1" "--instances 1,x" "--instances -2" \
	"--loaders ksm" "--loaders copy,copy" "--rounds 0" "--rounds many" "--mem 0" \
	"--mem 99999" "--initrd-size 3Q" "--kernel /no/such/kernel" "--initrd /no/such/initrd" \
	"--compare /no/such/baseline" "--rig maybe" "--bogus" "--instances"; do
	# shellcheck disable=SC2086 # each case is a list of words
	check "refused: $args" refused $args
done

out="$tmp/quick"
status=0
./run-bench.sh --quick --out "$out" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
check "--quick finishes (status $status)" test "$status" -eq 0
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
