# shellcheck shell=bash
# Helpers for the shell tests: each test script sources this, runs checks
# with `check`, and ends with `finish`. Exit 77 means skipped (the
# automake convention tests/run.sh counts separately).
set -euo pipefail

BUILD=${BUILD:-build}
LOADVM=${LOADVM:-$BUILD/loadvm}
LOADBENCH=${LOADBENCH:-$BUILD/loadbench}
PROBE_ELF=${PROBE_ELF:-$BUILD/probe.elf}
failures=0
checks=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvmlb-test.XXXXXX")
cleanup_hooks=("rm -rf '$tmp'")
run_cleanup() {
	local hook
	for hook in "${cleanup_hooks[@]}"; do eval "$hook" || true; done
}
trap run_cleanup EXIT

on_exit() {
	cleanup_hooks=("$1" "${cleanup_hooks[@]}")
}

# check "what" command...: passes when the command succeeds.
check() {
	local what=$1
	shift
	checks=$((checks + 1))
	if "$@"; then
		echo "ok - $what"
	else
		echo "FAIL - $what"
		failures=$((failures + 1))
	fi
}

skip() {
	echo "SKIP - $*"
	exit 77
}

# Skips, saying why, where this machine has no usable KVM (tests/run.sh
# sends such tests to the nested rig instead; by hand they are skipped).
need_kvm() {
	local mode why
	why=$("$BUILD/kvm-mode" 2>&1 >/dev/null) || true
	mode=$("$BUILD/kvm-mode" 2>/dev/null) || mode=none
	[ "$mode" != none ] || skip "no usable KVM: ${why#kvm-mode: none: }"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: $*"
}

# Sets $tracefs to tracefs's root, mounting it as loadbench would, or skips
# where loadbench would not use it (kvm_tracefs_unavailable: root, the mono
# clock, the kvm:kvm_entry and kvm:kvm_pio events).
need_tracefs() {
	need_root "tracefs instances"
	local dir
	tracefs=
	for dir in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[ -d "$dir/instances" ] && tracefs=$dir && break
	done
	if [ -z "$tracefs" ] && mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
		tracefs=/sys/kernel/tracing
	fi
	[ -n "$tracefs" ] || skip "no tracefs (not mounted, and mounting it failed)"
	grep -q mono "$tracefs/trace_clock" || skip "tracefs has no mono trace clock"
	if ! grep -q vcpu_id "$tracefs/events/kvm/kvm_entry/format" 2>/dev/null ||
		[ ! -f "$tracefs/events/kvm/kvm_pio/format" ]; then
		skip "no kvm:kvm_entry and kvm:kvm_pio events (kvm module not loaded?)"
	fi
}

finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
}
