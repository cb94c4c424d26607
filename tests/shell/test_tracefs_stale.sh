#!/usr/bin/env bash
# At start-up loadbench removes the tracefs instances that a loadbench
# which is gone left behind (SIGKILL cannot be caught), one stderr line
# each: its pid is no process, or another program's now. Those of a
# running loadbench stay.
# A --out that already holds results stops it right after the clean-up,
# before any round: no guest is needed.
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

for pid in "$dead" "$other" "$lookalike"; do
	mkdir "$inst/loadbench-$pid-0"
	on_exit "rmdir '$inst/loadbench-$pid-0' 2>/dev/null"
done

mkdir "$tmp/out"
touch "$tmp/out/config.json"
status=0
"$LOADBENCH" --kernel "$PROBE_ELF" --out "$tmp/out" --quiet 2>"$tmp/err" || status=$?
cat "$tmp/err"

check "the run still stops at its --out (status 2)" test "$status" -eq 2
check "the instance of a pid that is no process is removed" test ! -e "$inst/loadbench-$dead-0"
check "one line says so, naming it" \
	test "$(grep -c "removed tracefs instance .*/loadbench-$dead-0 .*no such process" \
		"$tmp/err")" -eq 1
check "the instance of a pid that is now another program is removed" \
	test ! -e "$inst/loadbench-$other-0"
check "one line says so, naming it" \
	test "$(grep -c "removed tracefs instance .*/loadbench-$other-0 .*now sleep" \
		"$tmp/err")" -eq 1
check "a running loadbench's instance stays" test -d "$inst/loadbench-$lookalike-0"
check "nothing said of it" test -z "$(grep -e "-$lookalike-0" "$tmp/err" || true)"
finish
