#!/usr/bin/env bash
# kvm-mode says native, emulated or none, and for none why; KVMLB_KVM=none
# makes kvm-mode and loadvm behave as on a machine without /dev/kvm.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
KVM_MODE="$BUILD/kvm-mode"

status=0
KVMLB_KVM=none "$KVM_MODE" >"$tmp/out" 2>"$tmp/err" || status=$?
check "KVMLB_KVM=none: status 0 (status $status)" test "$status" -eq 0
check "KVMLB_KVM=none: says none" test "$(cat "$tmp/out")" = none
check "KVMLB_KVM=none: one line naming the switch" \
	test "$(cat "$tmp/err")" = "kvm-mode: none: KVM disabled by KVMLB_KVM=none"

status=0
KVMLB_KVM=bogus "$KVM_MODE" >"$tmp/out" 2>"$tmp/err" || status=$?
check "KVMLB_KVM=bogus: refused with status 2 (status $status)" test "$status" -eq 2
check "KVMLB_KVM=bogus: one line naming the value" \
	grep -qx "kvm-mode: KVMLB_KVM='bogus': expected none or auto" "$tmp/err"
check "KVMLB_KVM=bogus: no mode on stdout" test ! -s "$tmp/out"

status=0
KVMLB_KVM=none "$LOADVM" --kernel "$PROBE_ELF" --exit-after user >"$tmp/out" 2>"$tmp/err" ||
	status=$?
check "loadvm with KVMLB_KVM=none: status 1 (status $status)" test "$status" -eq 1
check "loadvm with KVMLB_KVM=none: says so in one line" \
	test "$(cat "$tmp/err")" = "loadvm: KVM disabled by KVMLB_KVM=none"

# Unforced: where /dev/kvm opens read-write, KVM is there (native or emulated).
mode=$(KVMLB_KVM='' "$KVM_MODE" 2>"$tmp/err")
if python3 -c 'import os; os.close(os.open("/dev/kvm", os.O_RDWR))' 2>/dev/null; then
	check "with a usable /dev/kvm: native or emulated (got $mode)" \
		test "$mode" = native -o "$mode" = emulated
else
	check "without a usable /dev/kvm: none (got $mode)" test "$mode" = none
	check "and why, in one line" test "$(wc -l <"$tmp/err")" -eq 1
fi

# No device node at all: an empty /dev in a private mount namespace.
if [ "$(id -u)" -eq 0 ]; then
	mode=$(unshare --mount sh -c "mount -t tmpfs tmpfs /dev && KVMLB_KVM=auto '$KVM_MODE'" \
		2>"$tmp/err")
	check "no /dev/kvm node: none (got $mode)" test "$mode" = none
	check "no /dev/kvm node: says it is missing and how to get KVM" \
		grep -q "^kvm-mode: none: /dev/kvm is missing: .*nested rig" "$tmp/err"
else
	echo "# not root: the missing-node case needs a private mount namespace"
fi
finish
