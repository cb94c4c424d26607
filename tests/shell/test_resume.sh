#!/usr/bin/env bash
# loadbench --resume on the probe guest (this host's KVM): a run SIGKILLed
# mid-way and resumed holds the same (loader, N, round, instance) rows as a
# run that never stopped, each once, and the rows written before the kill
# are kept byte for byte; a torn last round (rows with no journal line, a
# torn journal line) is discarded and run again; another configuration, a
# changed kernel, a raw.csv.partial that lost rows, and --out on a directory
# with results are refused in one line with status 2.
# test-needs: kvm (tests/run.sh runs it where that is)
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
need_kvm

kernel="$tmp/probe.elf"
cp "$PROBE_ELF" "$kernel"
args=(--kernel "$kernel" --instances "1,2" --rounds 2 --settle 0 --quiet)

rounds_done() {
	local n
	n=$(grep -c '^round ' "$1/rounds.log" 2>/dev/null || true)
	echo "${n:-0}"
}

# Starts a run into $1 and SIGKILLs it once $2 rounds are in its journal.
run_killed() {
	local pid i
	"$LOADBENCH" "${args[@]}" --out "$1" &
	pid=$!
	for ((i = 0; i < 3000; i++)); do
		[ "$(rounds_done "$1")" -ge "$2" ] && break
		sleep 0.01
	done
	kill -s KILL "$pid"
	wait "$pid" || true
}

# The row keys of a raw.csv, sorted, one per line.
keys() {
	cut -d, -f1-4 "$1" | tail -n +2 | sort
}

# refused WHAT ARGS...: status 2 and a one-line message.
refused() {
	local status=0
	"$LOADBENCH" "$@" 2>"$tmp/err" || status=$?
	[ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
}

"$LOADBENCH" "${args[@]}" --out "$tmp/full"
check "the uninterrupted run has 12 rows" test "$(keys "$tmp/full/raw.csv" | wc -l)" -eq 12

cut="$tmp/cut"
run_killed "$cut" 3
check "the killed run left raw.csv.partial and no raw.csv" \
	test -f "$cut/raw.csv.partial" -a ! -e "$cut/raw.csv"
kept=$(sed -n 's/^round .* csv_bytes=\([0-9]*\) .*/\1/p' "$cut/rounds.log" | tail -n 1)
head -c "$kept" "$cut/raw.csv.partial" >"$tmp/kept.csv"
# The round in progress at the crash: a torn row and a torn journal line.
printf 'mmap,2,1,0,4242,ok,"",1' >>"$cut/raw.csv.partial"
printf 'round step=99 loader=mm' >>"$cut/rounds.log"

check "--out on a directory with results is refused" refused "${args[@]}" --out "$cut"
check "--resume with other rounds is refused" refused "${args[@]}" --rounds 3 --resume "$cut"
check "... naming the difference" grep -q '"rounds": 2 there, "rounds": 3 now' "$tmp/err"
check "--resume with another order is refused" refused "${args[@]}" --order-seed 7 --resume "$cut"
check "... naming the seed" grep -q '"order_seed": 1 there, "order_seed": 7 now' "$tmp/err"
check "--resume with another --out is refused" refused "${args[@]}" --out "$tmp/x" --resume "$cut"
cp "$kernel" "$tmp/probe.orig"
# A byte of the image's contents, not its headers: the kernel still parses,
# only its digest tells it changed.
printf 'X' | dd of="$kernel" bs=1 seek=$(($(stat -c %s "$kernel") - 100)) conv=notrunc status=none
check "--resume after the kernel changed is refused" refused "${args[@]}" --resume "$cut"
check "... naming its digest" grep -q sha256 "$tmp/err"
cp "$tmp/probe.orig" "$kernel"
check "a refused resume changed nothing" cmp -s <(head -c "$kept" "$cut/raw.csv.partial") "$tmp/kept.csv"

status=0
"$LOADBENCH" "${args[@]}" --resume "$cut" || status=$?
check "the resumed run finishes (status $status)" test "$status" -eq 0
check "it has exactly the rows of the uninterrupted run" \
	cmp -s <(keys "$tmp/full/raw.csv") <(keys "$cut/raw.csv")
check "no row twice" test -z "$(keys "$cut/raw.csv" | uniq -d)"
check "the rows written before the kill are kept byte for byte" \
	cmp -s <(head -c "$kept" "$cut/raw.csv") "$tmp/kept.csv"
check "the torn row is gone" test -z "$(grep -F ',4242,' "$cut/raw.csv" || true)"
check "sharing.csv has each mmap instance's kernel rows once" \
	test -z "$(cut -d, -f1-6 "$cut/sharing.csv" | sort | uniq -d)"
check "summary.json counts the resume" \
	python3 -c "import json,sys; s=json.load(open(sys.argv[1])); assert s['context']['resumes'] == 1" \
	"$cut/summary.json"
check "the journal records the resume" grep -q '^resume at=' "$cut/rounds.log"
check "a finished run is not resumed again" refused "${args[@]}" --resume "$cut"

lost="$tmp/lost"
run_killed "$lost" 2
size=$(sed -n 's/^round .* csv_bytes=\([0-9]*\) .*/\1/p' "$lost/rounds.log" | tail -n 1)
truncate -s $((size - 10)) "$lost/raw.csv.partial"
check "a raw.csv.partial shorter than its journal is refused" refused "${args[@]}" --resume "$lost"
check "... and left as it was" test "$(stat -c %s "$lost/raw.csv.partial")" -eq $((size - 10))
finish
