#!/usr/bin/env bash
# Runs each test program, shows its output, and ends with one summary line
# ("tests: N passed, N failed, N skipped") counting programs; a program
# that exits 77 was skipped and says why. Exits 1 on any failure.
# Programs under tests/rig/ boot real Linux guests: where /dev/kvm emulates
# guest code (build/kvm-mode says "rig") they run inside the nested rig.
set -euo pipefail

build=${BUILD:-build}
passed=0
failed=0
skipped=0
failed_names=()

kvm_mode=$(build/kvm-mode 2>/dev/null || "${build}/kvm-mode" 2>/dev/null || echo unknown)

# The rig's environment is fixed: hand over what the test reads. Status
# 125 means the rig itself died (its TCG-emulated kernel has panicked under
# nested KVM now and then, never the test's own verdict): retry once, and
# say so. The rig boots from build/ (a sanitizer build shares its kernel).
in_rig() {
	local status=0
	BUILD=build bench/rig/run.sh --timeout 900 -- env LOADVM="${LOADVM:-build/loadvm}" \
		LOADBENCH="${LOADBENCH:-build/loadbench}" "$1" || status=$?
	if [ "${status}" -eq 125 ]; then
		echo "run.sh: the nested rig died under $1 (status 125); retrying once"
		status=0
		BUILD=build bench/rig/run.sh --timeout 900 -- env LOADVM="${LOADVM:-build/loadvm}" \
			LOADBENCH="${LOADBENCH:-build/loadbench}" "$1" || status=$?
	fi
	return "${status}"
}

run_one() {
	local test="$1"
	case "${test}" in
	*/tests/rig/*)
		if [ "${kvm_mode}" = native ]; then
			"${test}"
		else
			in_rig "${test}"
		fi
		;;
	*) "${test}" ;;
	esac
}

for test in "$@"; do
	echo "=== ${test}"
	start=$(date +%s)
	status=0
	run_one "${test}" || status=$?
	if [ "${status}" -eq 0 ]; then
		passed=$((passed + 1))
	elif [ "${status}" -eq 77 ]; then
		skipped=$((skipped + 1)) # automake's "skipped": the test says why
	else
		failed=$((failed + 1))
		failed_names+=("${test}")
	fi
	echo "--- ${test}: $(($(date +%s) - start)) s"
done
if [ "${failed}" -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
[ "${failed}" -eq 0 ]
