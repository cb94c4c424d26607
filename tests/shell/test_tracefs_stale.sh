#!/usr/bin/env bash
# At start-up loadbench removes the tracefs instances that a loadbench
# which is gone left behind (SIGKILL cannot be caught): its pid is no
# process, or another program's now. Those of a running loadbench stay.
# A run refused for its inputs (a --out that already holds results) still
# cleans up but says one line only, its refusal; a run that goes ahead says
# one stderr line per instance removed. Without KVM that run's guest fails
# at once (status 3); no guest needs to boot.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
need_tracefs
inst="$tracefs/instances"

# A pid that was a process a moment ago and is none now.
sleep 0 &
dead=$!
wait "$dead"
[ ! -e "/proc/$dead" ] || skip "pid $dead was taken again at once"
# A running process that is not loadbench (the pid was reused), and one
# that is as /proc tells (comm and exe).
sleep 300 &
other=$!
cp "$(command -v sleep)" "$tmp/loadbench"
"$tmp/loadbench" 300 &
lookalike=$!
on_exit "kill $other $lookalike"

plant() {
	local pid
	for pid in "$@"; do
		mkdir "$inst/loadbench-$pid-0"
		on_exit "rmdir '$inst/loadbench-$pid-0' 2>/dev/null"
	done
}
plant "$dead" "$other" "$lookalike"

mkdir "$tmp/out"
touch "$tmp/out/config.json"
status=0
"$LOADBENCH" --kernel "$PROBE_ELF" --out "$tmp/out" --quiet 2>"$tmp/err" || status=$?
cat "$tmp/err"

check "the run still stops at its --out (status 2)" test "$status" -eq 2
check "its refusal is its one line" test "$(wc -l <"$tmp/err")" -eq 1
check "the instance of a pid that is no process is removed" test ! -e "$inst/loadbench-$dead-0"
check "the instance of a pid that is now another program is removed" \
	test ! -e "$inst/loadbench-$other-0"
check "a running loadbench's instance stays" test -d "$inst/loadbench-$lookalike-0"

# A run that goes ahead says what it removed.
plant "$dead" "$other"
status=0
"$LOADBENCH" --kernel "$PROBE_ELF" --instances 1 --rounds 1 --settle 0 --timeout 30 \
	--out "$tmp/out2" --quiet 2>"$tmp/err2" || status=$?
cat "$tmp/err2"
check "the run went ahead (status $status: 0, or 3 where its guest cannot boot)" \
	test "$status" -eq 0 -o "$status" -eq 3
check "the instance of a pid that is no process is removed" test ! -e "$inst/loadbench-$dead-0"
check "one line says so, naming it" \
	test "$(grep -c "removed tracefs instance .*/loadbench-$dead-0 .*no such process" \
		"$tmp/err2")" -eq 1
check "the instance of a pid that is now another program is removed" \
	test ! -e "$inst/loadbench-$other-0"
check "one line says so, naming it" \
	test "$(grep -c "removed tracefs instance .*/loadbench-$other-0 .*now sleep" \
		"$tmp/err2")" -eq 1
check "a running loadbench's instance stays" test -d "$inst/loadbench-$lookalike-0"
check "nothing said of it" test -z "$(grep -e "-$lookalike-0" "$tmp/err2" || true)"
finish
