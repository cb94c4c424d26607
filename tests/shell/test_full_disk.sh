#!/usr/bin/env bash
# test-needs: kvm (tests/run.sh runs it where that is)
# A full disk under --out: loadbench says so in one line, exits 1, and the
# files already there are intact (outputs are written to a temporary name
# and renamed, so a failed write never replaces a good file).
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
need_kvm
need_root "mounts a small tmpfs"

out="$tmp/small"
mkdir -p "$out"
mount -t tmpfs -o size=16k tmpfs "$out"
on_exit "umount '$out'"
echo "results of an earlier run" >"$out/earlier.txt"

status=0
"$LOADBENCH" --kernel "$PROBE_ELF" --instances 2 --rounds 1 --settle 0 --out "$out" \
	--quiet 2>"$tmp/err" || status=$?
check "exit status 1 on a write error" test "$status" -eq 1
check "one line names the file and the cause" grep -q "cannot write (disk full?)" "$tmp/err"
check "stderr is short: $(wc -l <"$tmp/err") line(s)" test "$(wc -l <"$tmp/err")" -le 2
check "the earlier file is intact" grep -qx "results of an earlier run" "$out/earlier.txt"
# Whatever did get written is whole: summary.json, if there, parses.
complete_or_absent() {
	[ ! -e "$1" ] || python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"
}
check "summary.json is absent or complete" complete_or_absent "$out/summary.json"
check "the outputs that failed are absent, not half-written" \
	test ! -e "$out/tables.md" -o -s "$out/tables.md"
check "no temporary file left" test -z "$(find "$out" -name '.*.tmp-*')"
finish
