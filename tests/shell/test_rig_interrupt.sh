#!/usr/bin/env bash
# A SIGTERM to run-bench.sh while loadbench runs in the nested rig (a kill
# from another shell; Ctrl-C reaches the whole process group anyway) stops
# the rig with it: within seconds no run.sh, QEMU or virtiofsd of the run is
# left, run-bench.sh exits 143 with one line saying where the finished
# rounds are, and those rounds are still there. The same for
# bench/rig/run.sh itself. Uses the probe guest. (SIGINT cannot be tested
# from here: a script's background jobs start with SIGINT ignored, and bash
# cannot trap a signal ignored on entry.)
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
need_root "the nested rig (virtiofsd)"
if [ ! -f "$BUILD/kernel/vmlinux" ] || [ ! -f "$BUILD/rig/initrd.cpio" ]; then
	skip "the rig is not built (make kernel rig)"
fi

# Processes whose command line names $1 (our own output directory) or the
# run directory of one of its rigs (run.sh writes it to OUT/run_dir; the
# rig's virtiofsd daemons name their sockets there).
left_of() {
	local run_dir
	pgrep -f -- "$1" || true
	while read -r run_dir; do
		[ -z "$run_dir" ] || pgrep -f -- "$run_dir" || true
	done < <(find "$1" -name run_dir -exec cat {} + 2>/dev/null)
}

# Waits up to 30 s until nothing names $1.
all_gone() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ -z "$(left_of "$1")" ] && return 0
		sleep 0.1
	done
	echo "# left: $(left_of "$1" | tr '\n' ' ')"
	return 1
}

rounds_done() {
	local n
	n=$(grep -c '^round ' "$1/rounds.log" 2>/dev/null || true)
	echo "${n:-0}"
}

sig=TERM
out="$PWD/$BUILD/test-rig-interrupt-$sig-$$"
[ -n "${KEEP_OUT:-}" ] || on_exit "rm -rf '$out'"
# setsid: the signal reaches run-bench.sh alone, not its process group,
# as a kill from another shell would.
setsid ./run-bench.sh --rig on --kernel "$BUILD/probe.elf" --initrd - \
	--instances 1,2 --rounds 20 --out "$out" >"$tmp/stdout" 2>"$tmp/stderr-$sig" &
bench=$!
for ((i = 0; i < 6000; i++)); do
	[ "$(rounds_done "$out")" -ge 1 ] && break
	kill -0 "$bench" 2>/dev/null || break
	sleep 0.1
done
done_before=$(rounds_done "$out")
check "SIG$sig: a round finished in the rig before the signal ($done_before)" \
	[ "$done_before" -ge 1 ]
kill -s "$sig" "$bench"
status=0
wait "$bench" || status=$?
want=143
check "SIG$sig: run-bench.sh exits $want (status $status)" [ "$status" -eq "$want" ]
check "SIG$sig: the rig recorded its run directory" [ -s "$out/rig/attempt-1/run_dir" ]
check "SIG$sig: no run.sh, QEMU or virtiofsd of the run is left" all_gone "$out"
check "SIG$sig: it says where the finished rounds are" \
	grep -q "^run-bench: interrupted (SIG$sig).*Finished rounds are in $out" "$tmp/stderr-$sig"
check "SIG$sig: the finished rounds are kept" [ "$(rounds_done "$out")" -ge "$done_before" ]

# run.sh alone: its QEMU goes with it.
out="$PWD/$BUILD/test-rig-interrupt-runsh-$$"
[ -n "${KEEP_OUT:-}" ] || on_exit "rm -rf '$out'"
setsid bench/rig/run.sh --cpus 1 --scratch 0 --out "$out" -- sleep 600 >/dev/null 2>"$tmp/runsh.err" &
rig=$!
for ((i = 0; i < 1200; i++)); do
	grep -aq '^RIG-READY' "$out/console.log" 2>/dev/null && break
	sleep 0.1
done
kill -s TERM "$rig"
status=0
wait "$rig" || status=$?
check "run.sh exits 143 on SIGTERM (status $status)" [ "$status" -eq 143 ]
check "run.sh recorded its run directory" [ -s "$out/run_dir" ]
check "run.sh's QEMU and virtiofsd are gone" all_gone "$out"
finish
