#!/usr/bin/env bash
# test-needs: kvm (tests/run.sh runs it where that is)
# loadbench killed mid-run by SIGINT, SIGTERM or SIGKILL: no loadvm outlives
# it (PR_SET_PDEATHSIG), the rows of finished rounds stay on disk in
# raw.csv.partial, and nothing that looks complete (raw.csv, summary.json,
# tables) is left behind.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
need_kvm

# A private copy of the probe, so its path finds exactly our guests.
kernel="$tmp/probe-$$.elf"
cp "$PROBE_ELF" "$kernel"

rows() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

for sig in INT TERM KILL; do
	out="$tmp/out-$sig"
	"$LOADBENCH" --kernel "$kernel" --instances 2 --rounds 50 --settle 0.5 --out "$out" --quiet &
	pid=$!
	# Wait for the first finished round: header + 2 rows.
	for _ in $(seq 1 600); do
		[ "$(rows "$out/raw.csv.partial")" -ge 3 ] && break
		sleep 0.05
	done
	kill -s "$sig" "$pid"
	wait "$pid" || true
	sleep 0.5
	check "SIG$sig: no loadvm outlives loadbench" \
		test -z "$(pgrep -f -- "--kernel $kernel" || true)"
	check "SIG$sig: finished rounds kept in raw.csv.partial" \
		test "$(rows "$out/raw.csv.partial")" -ge 3
	check "SIG$sig: no raw.csv, summary.json or tables that look complete" \
		test ! -e "$out/raw.csv" -a ! -e "$out/summary.json" -a ! -e "$out/tables.txt"
done
finish
