#!/usr/bin/env bash
# loadbench stopped by SIGINT or SIGTERM during a round removes its tracefs
# instance (instances/loadbench-<pid>-*) from the signal handler; left
# there, it would record and hold its buffers until the next reboot.
# A stand-in QEMU that never boots keeps the round waiting with the
# instance open (trace_pipe too) until the signal, on any KVM or none.
# SIGINT comes as soon as the instance appears (while it is being set up),
# SIGTERM a second later (the round waits for its guests).
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
need_tracefs
inst="$tracefs/instances"

cat >"$tmp/qemu" <<'QEMU'
#!/bin/sh
[ "$1" != --version ] || exec echo "QEMU emulator version 0 (a stand-in)"
exec sleep 600
QEMU
chmod +x "$tmp/qemu"

instances_of() {
	local dir
	for dir in "$inst/loadbench-$1-"*; do
		[ -d "$dir" ] && echo "$dir"
	done
	return 0
}

for sig in INT TERM; do
	out="$tmp/out-$sig"
	"$LOADBENCH" --vmm qemu --loaders qemu-shared --qemu "$tmp/qemu" --qemu-accel kvm \
		--kernel "$PROBE_ELF" --instances 1 --rounds 1 --timeout 300 --settle 0 \
		--out "$out" --quiet 2>"$tmp/err-$sig" &
	pid=$!
	on_exit "kill -KILL $pid 2>/dev/null; for d in '$inst'/loadbench-$pid-*; do rmdir \"\$d\" 2>/dev/null; done"
	for _ in $(seq 1 600); do
		[ -n "$(instances_of "$pid")" ] && break
		sleep 0.05
	done
	check "SIG$sig: the round has its tracefs instance" test -n "$(instances_of "$pid")"
	[ "$sig" = INT ] || sleep 1
	kill -s "$sig" "$pid"
	status=0
	wait "$pid" || status=$?
	cat "$tmp/err-$sig"
	check "SIG$sig: loadbench ended by the signal (status $status)" \
		test "$status" -eq $((128 + $(kill -l "$sig")))
	check "SIG$sig: no loadbench-$pid-* instance remains" test -z "$(instances_of "$pid")"
done
finish
