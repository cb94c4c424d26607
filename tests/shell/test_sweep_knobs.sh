#!/usr/bin/env bash
# test-needs: kvm (tests/run.sh runs it where that is)
# bench/sweep.sh knobs, its mechanics with the probe guest (which ignores
# the command-line knobs) on this KVM, --rig off: bad input is refused in
# one line before anything runs; two configurations give a table with one
# row each, in order, whose figures are their summary.json's and
# sharing.csv's; a second run with the same --out keeps what is finished;
# --ksm sets ksmd running for the sweep and puts it back (a stand-in
# sysfs, $KVMLB_KSM_ROOT, as loadbench reads it).
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
# sweep.sh builds and runs build/'s binaries whatever the test's build.
case "$LOADBENCH" in *asan*) skip "sweep.sh runs build/'s binaries: the normal pass covers it" ;; esac
cd "$(dirname "$0")/../.." || exit 1
need_kvm

refused() {
	local status=0
	bench/sweep.sh "$@" --out "$tmp/never" >/dev/null 2>"$tmp/err" || status=$?
	[ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$tmp/never" ]
}
for args in "knobs --knobs stock,bogus" "knobs --knobs stock,stock" "knobs --knobs ," \
	"knobs --knobs mitigations" "knobs --instances 0" "knobs --instances many" \
	"knobs --instances 100" "knobs --rig maybe" "knobs --rig-timeout 0" \
	"knobs --kernel /no/such/kernel" "knobs --initrd /dev/null" "knobs --kernel $tmp" \
	"size --knobs stock" "cache --ksm" "--rounds 0 knobs" "knobs --bogus"; do
	# shellcheck disable=SC2086 # each case is a list of words
	check "refused: $args" refused $args
done
# said TEXT ARGS...: the refusal of ARGS says TEXT.
said() {
	local text=$1
	shift
	bench/sweep.sh "$@" --out "$tmp/never" >/dev/null 2>"$tmp/err" || true
	grep -qF -- "$text" "$tmp/err"
}
check "an unknown configuration names itself and the known ones" said \
	"sweep: --knobs 'stock,bogus': unknown configuration 'bogus' (known: stock vcpus=2 noreplace-smp" \
	knobs --knobs stock,bogus
check "a knobs option without the knobs sweep says so" said "are the knobs sweep's options" \
	size --instances 2

# sweep NAME [options]: the knobs sweep of the probe, 2 instances, 1 round,
# into $tmp/NAME; its stdout in $tmp/NAME.out.
sweep() {
	local name=$1
	shift
	bench/sweep.sh --rounds 1 --out "$tmp/$name" knobs --kernel "$PROBE_ELF" --initrd - \
		--instances 2 --rig off "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
}

# table DIR LOADERS: knobs.md and knobs.dat hold one row per line of
# knobs.tsv, in its order, each with its run's summary.json figures at N=2
# and its first mmap guest's sharing.csv pages.
table() {
	python3 - "$1" "$2" <<'PY'
import csv, json, os, sys
base, loaders = sys.argv[1], sys.argv[2].split(",")
knobs = [l.rstrip("\n").split("\t") for l in open(os.path.join(base, "knobs.tsv")) if l.strip()]
md = [l for l in open(os.path.join(base, "knobs.md")) if l.startswith("| `")]
dat = [l.split() for l in open(os.path.join(base, "knobs.dat")) if not l.startswith("#")]
assert len(md) == len(knobs) == len(dat), (len(md), len(knobs), len(dat))
for (name, rel, vcpus, cmdline, cost), line, d in zip(knobs, md, dat):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    s = json.load(open(os.path.join(base, rel, "summary.json")))
    assert s["config"]["vcpus"] == int(vcpus) and s["config"]["cmdline_extra"] == cmdline, name
    g = {x["loader"]: x for x in s["results"] if x["instances"] == 2}
    med = lambda l, sec, m: g[l][sec][m]["median"]
    uss = " / ".join(f"{med(l, 'memory_kb', 'uss') / 1024:.2f}" for l in loaders)
    pss = " / ".join(f"{med(l, 'memory_kb', 'pss') / 1024:.2f}" for l in loaders)
    user = " / ".join(f"{med(l, 'trace_ms', 'linux_start_user'):.1f}" for l in loaders)
    booted = " / ".join(f"{g[l]['booted']} of {g[l]['launched']}" for l in loaders)
    rows = [r for r in csv.DictReader(open(os.path.join(base, rel, "sharing.csv")))
            if r["loader"] == "mmap" and r["instances"] == "2"]
    first = (rows[0]["round"], rows[0]["instance"])
    one = [r for r in rows if (r["round"], r["instance"]) == first]
    text = [sum(int(r[c]) for r in one if r["region"] == ".text")
            for c in ("shared", "copied", "untouched")]
    kept = sum(int(r["shared"]) + int(r["untouched"]) for r in one) / 256
    saved = (med("copy", "memory_kb", "uss") - med("mmap", "memory_kb", "uss")) / 1024
    ratio = med("mmap", "trace_ms", "linux_start_user") / med("copy", "trace_ms", "linux_start_user")
    dens = " / ".join(f"{g[l]['density']['vms_per_gib_pss']:.1f}" for l in loaders)
    want = [f"`{name}`", f"`{cmdline}`" if cmdline else "", vcpus, uss, pss, f"{saved:.1f}",
            dens, f"{kept:.2f}", user, f"{ratio:.2f}", " / ".join(map(str, text)), booted, cost]
    assert cells == want, (cells, want)
    assert d[:3] == [name, vcpus, "2"] and d[3:3 + len(loaders)] == uss.split(" / "), d
    assert g["copy"]["booted"] == 2 and g["mmap"]["booted"] == 2 and kept > 0, name
PY
}

check "two configurations: the sweep finishes" sweep two --knobs noreplace-smp,vcpus=2
check "two configurations: knobs.tsv names them in the order asked" \
	test "$(cut -f1,3,4 "$tmp/two/knobs.tsv" | tr '\t\n' ',;')" = "noreplace-smp,1,noreplace-smp;vcpus=2,2,;"
check "two configurations: one row each, figures from summary.json and sharing.csv" \
	table "$tmp/two" copy,mmap
check "two configurations: the table is printed" grep -qF "| \`vcpus=2\` |" "$tmp/two.out"
check "two configurations: the security cost says noreplace-smp costs speed, not safety" \
	grep -qF '| none: a 1-vCPU guest keeps the LOCK prefixes' "$tmp/two/knobs.md"

cp "$tmp/two/knobs.md" "$tmp/two.md"
check "again: the sweep finishes" sweep two --knobs noreplace-smp,vcpus=2
check "again: both configurations kept, nothing rerun" \
	test "$(grep -c 'kept from an earlier attempt' "$tmp/two.out")" -eq 2
check "again: the same table" cmp -s "$tmp/two.md" "$tmp/two/knobs.md"

ksm="$tmp/ksm-root/sys/kernel/mm/ksm"
mkdir -p "$ksm"
echo 0 >"$ksm/run" && echo 100 >"$ksm/pages_to_scan" && echo 20 >"$ksm/sleep_millisecs"
export KVMLB_KSM_ROOT="$tmp/ksm-root"
check "--ksm: the sweep finishes" sweep ksm --knobs stock --ksm
unset KVMLB_KSM_ROOT
check "--ksm: mmap-ksm ran (loadbench refuses it unless run is 1)" \
	table "$tmp/ksm" copy,mmap,mmap-ksm
check "--ksm: ksmd's settings put back" \
	test "$(cat "$ksm/run" "$ksm/pages_to_scan" "$ksm/sleep_millisecs" | tr '\n' ' ')" = "0 100 20 "
finish
