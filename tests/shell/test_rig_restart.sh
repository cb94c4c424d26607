#!/usr/bin/env bash
# run-bench.sh never loses a run to the nested rig: its QEMU is SIGKILLed
# after the first round is in (a crash, run.sh status 125), then SIGSTOPped
# (a stall: the console's heartbeat stops); each time run-bench.sh restarts
# the rig and loadbench resumes. The final raw.csv holds every (vmm, loader,
# N, round, instance) exactly once, and summary.json and report.md list both
# restarts. Uses the probe guest: a few minutes, most of it the rig's boots.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
need_root "the nested rig (virtiofsd)"
if [ ! -f "$BUILD/kernel/vmlinux" ] || [ ! -f "$BUILD/rig/initrd.cpio" ]; then
	skip "the rig is not built (make kernel rig)"
fi

out="$PWD/$BUILD/test-rig-restart-$$"
[ -n "${KEEP_OUT:-}" ] || on_exit "rm -rf '$out'"
# Short stall limits, so the SIGSTOPped rig is noticed in seconds.
export RIG_STALL_SECONDS=20 RIG_POLL_SECONDS=1
timeout 900 ./run-bench.sh --rig on \
	--kernel "$BUILD/probe.elf" --initrd - --instances 1,2 --rounds 3 --out "$out" \
	>"$tmp/stdout" 2>"$tmp/stderr" &
bench=$!

# The rig's QEMU of attempt N, once its pidfile names a live qemu-system.
rig_qemu() {
	local pid
	pid=$(cat "$out/rig/attempt-$1/qemu.pid" 2>/dev/null || true)
	[[ "$pid" =~ ^[1-9][0-9]*$ ]] && [ "$pid" -gt 1 ] &&
		[[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == qemu-system* ]] && echo "$pid"
}

# Waits (up to 10 minutes) until rounds.log lists at least $1 finished rounds.
wait_rounds() {
	local i n
	for ((i = 0; i < 6000; i++)); do
		n=$(grep -c '^round ' "$out/rounds.log" 2>/dev/null || true)
		[ "${n:-0}" -ge "$1" ] && return 0
		kill -0 "$bench" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

check "the first round finished in the rig" wait_rounds 1
qemu=$(rig_qemu 1 || true)
check "attempt 1's QEMU is running" test -n "$qemu"
[ -z "$qemu" ] || kill -s KILL "$qemu"
killed_at=$(date +%s)

check "attempt 2 finished a round" wait_rounds 5
qemu=$(rig_qemu 2 || true)
check "attempt 2's QEMU is running" test -n "$qemu"
[ -z "$qemu" ] || kill -s STOP "$qemu"
stopped_at=$(date +%s)

status=0
wait "$bench" || status=$?
check "run-bench.sh finished (status $status)" test "$status" -eq 0

every_row_once() {
	python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/raw.csv")))
keys = [(r["vmm"], r["loader"], r["instances"], r["round"], r["instance"]) for r in rows]
want = {("loadvm", l, str(n), str(r), str(i))
        for l in ("copy", "mmap") for n in (1, 2) for r in range(3) for i in range(n)}
assert len(keys) == len(set(keys)), "a row appears twice"
assert set(keys) == want, sorted(set(keys) ^ want)
PY
}
check "raw.csv holds every (vmm, loader, N, round, instance) exactly once" every_row_once

restarts_recorded() {
	python3 - "$out" "$killed_at" "$stopped_at" <<'PY'
import datetime, json, sys
s = json.load(open(f"{sys.argv[1]}/summary.json"))
assert s["schema"] == "kvm-loadbench/summary/6"
r = s["context"]["rig_restarts"]
assert len(r) == 2, r
assert "crashed" in r[0]["reason"] and r[0]["status"] == 125, r[0]
# run.sh --stall stops a rig whose heartbeat stopped: status 125, as a crash.
assert "heartbeat" in r[1]["reason"] and r[1]["status"] == 125, r[1]
assert all(x["at"] and isinstance(x["console_tail"], list) for x in r)
assert s["context"]["resumes"] == 2, s["context"]["resumes"]
at = [datetime.datetime.strptime(x["at"], "%Y-%m-%dT%H:%M:%SZ").replace(
    tzinfo=datetime.timezone.utc).timestamp() for x in r]
print(f"# restart recorded {at[0] - int(sys.argv[2]):.0f} s after the SIGKILL, "
      f"{at[1] - int(sys.argv[3]):.0f} s after the SIGSTOP (stall limit 20 s)")
PY
}
check "summary.json lists both restarts, with reasons" restarts_recorded
check "report.md lists the restarts" grep -q "## Rig restarts" "$out/report.md"
check "stderr says the rig was restarted" grep -q "restarting the nested rig" "$tmp/stderr"
finish
