#!/usr/bin/env bash
# Runs each test program, shows its output, and ends with one summary line
# ("tests: N passed, N failed, N skipped") counting programs; a program
# that exits 77 was skipped and says why. Exits 1 on any failure.
#
# Where a test runs follows its "test-needs:" line and what KVM this machine
# has (build/kvm-mode: native, emulated or none; KVMLB_KVM=none forces none):
#   (no line)  anything: runs here;
#   kvm        any KVM (the probe guest): here, or in the nested rig on a
#              machine without KVM;
#   linux-kvm  KVM fast enough for real Linux guests: here where KVM is
#              native, else in the nested rig;
#   host-kvm   this host's own KVM ("test-needs: host-kvm: why", e.g. guest
#              debugging, which the rig's KVM does not deliver): here, or
#              skipped with that reason without KVM.
# Every test for the rig runs in one rig boot, after the others. A test
# that cannot run where it must (the rig needs root) is counted as skipped
# with the reason, never as passed.
#
#   tests/run.sh TEST...                     (make test sets the environment)
#   tests/run.sh --status-dir DIR TEST...    run here, one DIR/<n>.status each
set -euo pipefail

build=${BUILD:-build}
passed=0
failed=0
skipped=0
failed_names=()
status_dir=

# What KVM is there; the reason goes to the log when there is none.
kvm_mode() {
	local mode
	mode=$("${build}/kvm-mode" 2>"${build}/kvm-mode.why") || mode=none
	[ "${mode}" != none ] || echo "run.sh: no usable KVM here: $(sed 's/^kvm-mode: none: //' "${build}/kvm-mode.why")" >&2
	echo "${mode}"
}

# The source a test binary was built from: its "test-needs:" line says what it needs.
test_source() {
	local test=$1 rel
	case "${test}" in
	*/tests/*) rel=tests/${test#*/tests/} ;;
	*) rel=${test} ;;
	esac
	if [ -f "${rel}.c" ]; then echo "${rel}.c"; else echo "${rel}"; fi
}

# The "test-needs:" line of a test: what it needs, a space, and why.
test_needs() {
	local src
	src=$(test_source "$1")
	sed -n 's/^[^a-z]*test-needs: \([a-z-]*\):* *\(.*\)/\1 \2/p' "${src}" 2>/dev/null |
		sed 's| \*/$||' | head -n 1
}

# here, rig, or "skip:<reason>", for a test's "NEEDS WHY".
where_to_run() {
	local needs=${1%% *} why=${1#* }
	case "${needs}:${kvm_mode}" in
	:* | kvm:native | kvm:emulated | host-kvm:native | host-kvm:emulated | linux-kvm:native) echo here ;;
	host-kvm:none) echo "skip:needs this host's own KVM, and there is none: ${why}" ;;
	*)
		if [ "$(id -u)" -ne 0 ]; then
			echo "skip:needs the nested rig here (no usable or fast enough KVM), and the rig needs root"
		else
			echo rig
		fi
		;;
	esac
}

count() {
	local test=$1 status=$2
	if [ "${status}" -eq 0 ]; then
		passed=$((passed + 1))
	elif [ "${status}" -eq 77 ]; then
		skipped=$((skipped + 1)) # automake's "skipped": the test says why
	else
		failed=$((failed + 1))
		failed_names+=("${test}")
	fi
}

run_here() {
	local test=$1 start status=0
	echo "=== ${test}"
	start=$(date +%s)
	"${test}" || status=$?
	echo "--- ${test}: $(($(date +%s) - start)) s, status ${status}"
	if [ -n "${status_dir}" ]; then
		echo "${status}" >"${status_dir}/$(status_name "${test}")"
	else
		count "${test}" "${status}"
	fi
}

status_name() {
	echo "${1//\//_}.status"
}

# One rig boot for all of TESTS, in order. When the rig dies (status 125: its
# TCG-emulated kernel stalled or crashed, see bench/rig/README.md "Stalls"),
# the tests left without a status get a fresh rig, as long as rigs keep
# finishing tests: RIG_MAX_IDLE rigs in a row that settle none, or
# RIG_MAX_RIGS in all, end it. The test that was running when a rig died
# twice counts as failed (it takes the rig down), and so does every test
# left at the end. A rig whose init failed before the command started
# blames no test. Each rig keeps its console and stall state in its own --out.
# A test that fails in a rig that lives on runs once more, in a fresh rig
# (run_in_rig): the rig's own kernel can hang its guests or crash under
# nested KVM (bench/rig/README.md), and one such hang must not fail CI;
# a test that fails twice fails, and one that passed only the second time
# is named at the end.
# The tests' rigs get one vCPU (RIG_TEST_CPUS): with two, CI's quiet-host
# runs saw a nested guest hang whenever two guest vCPUs ran at once (the
# sharing pair, the 2-vCPU guest: 3 of 9 passes of test_linux_guest on
# 2026-12-02), never a single one; one rig CPU has no cross-CPU kicks to lose.
RIG_TEST_CPUS=${RIG_TEST_CPUS:-1}
RIG_MAX_IDLE=2
RIG_MAX_RIGS=6
rigs_booted=0
rig_failed=()
rig_flaky=()
run_in_rig_once() {
	local defer=$1 tests=("${@:2}") dir out attempt=0 idle=0 status test left=() deaths=()
	dir="${build}/test-status"
	while ((idle < RIG_MAX_IDLE && attempt < RIG_MAX_RIGS)); do
		attempt=$((attempt + 1))
		rigs_booted=$((rigs_booted + 1))
		out="build/rig/tests/attempt-${rigs_booted}"
		rm -rf "${dir}"
		mkdir -p "${dir}"
		echo "=== in the nested rig (rig ${rigs_booted}): ${tests[*]}"
		status=0
		# run.sh stops a rig whose heartbeat stops (--stall, 2 minutes); the
		# timeout bounds a rig that lives on while a test hangs.
		BUILD=build bench/rig/run.sh --cpus "${RIG_TEST_CPUS}" --timeout $((600 + 300 * ${#tests[@]})) \
			--out "${out}" -- env BUILD="${build}" \
			LOADVM="${LOADVM:-build/loadvm}" LOADBENCH="${LOADBENCH:-build/loadbench}" \
			PROBE_ELF="${PROBE_ELF:-build/probe.elf}" PROBE_SUM="${PROBE_SUM:-build/probe-sum}" \
			tests/run.sh --status-dir "${dir}" "${tests[@]}" || status=$?
		left=()
		for test in "${tests[@]}"; do
			if [ -f "${dir}/$(status_name "${test}")" ]; then
				status=$(cat "${dir}/$(status_name "${test}")")
				if [ "${defer}" = 1 ] && [ "${status}" -ne 0 ] && [ "${status}" -ne 77 ]; then
					rig_failed+=("${test}")
				else
					count "${test}" "${status}"
				fi
			else
				left+=("${test}")
			fi
		done
		[ ${#left[@]} -gt 0 ] || return 0
		if [ ${#left[@]} -lt ${#tests[@]} ]; then idle=0; else idle=$((idle + 1)); fi
		tests=("${left[@]}")
		# A rig that never started the command (its init failed) blames no test.
		if ! grep -aq '^RIG-READY' "${out}/console.log" 2>/dev/null; then
			echo "run.sh: the nested rig failed before the tests started (status ${status});" \
				"its console is in ${out}"
			continue
		fi
		echo "run.sh: the nested rig ended (status ${status}) during ${left[0]}, before" \
			"${left[*]} finished; its console and any stall state are in ${out}"
		deaths+=("${left[0]}")
		if [ "$(printf '%s\n' "${deaths[@]}" | grep -cxF -e "${left[0]}")" -ge 2 ]; then
			echo "run.sh: the rig died twice while ${left[0]} ran: counted as failed"
			count "${left[0]}" 1
			tests=("${left[@]:1}")
			idle=0 # a test settled is progress
			[ ${#tests[@]} -gt 0 ] || return 0
		fi
	done
	echo "run.sh: gave up on the rig after ${attempt} rigs (${idle} in a row finished no test)"
	for test in "${tests[@]}"; do count "${test}" 1; done
}

run_in_rig() {
	local retry=() test before
	run_in_rig_once 1 "$@"
	[ ${#rig_failed[@]} -gt 0 ] || return 0
	retry=("${rig_failed[@]}")
	echo "run.sh: failed in the rig: ${retry[*]}; once more, in a fresh rig"
	for test in "${retry[@]}"; do
		before=${passed}
		run_in_rig_once 0 "${test}"
		[ "${passed}" -eq "${before}" ] || rig_flaky+=("${test}")
	done
}

main() {
	local test where rig_tests=()
	if [ "${1:-}" = --status-dir ]; then
		status_dir=$2
		shift 2
		for test in "$@"; do run_here "${test}"; done
		return 0
	fi
	kvm_mode=$(kvm_mode)
	echo "run.sh: KVM here: ${kvm_mode}"
	for test in "$@"; do
		where=$(where_to_run "$(test_needs "${test}") ")
		case "${where}" in
		here) run_here "${test}" ;;
		rig) rig_tests+=("${test}") ;;
		skip:*)
			echo "=== ${test}"
			echo "SKIP - ${test}: ${where#skip:}"
			skipped=$((skipped + 1))
			;;
		esac
	done
	[ ${#rig_tests[@]} -eq 0 ] || run_in_rig "${rig_tests[@]}"
	if [ "${failed}" -gt 0 ]; then
		echo "failed: ${failed_names[*]}"
	fi
	if [ ${#rig_flaky[@]} -gt 0 ]; then
		echo "passed only in a second rig (the first failed them; see its console): ${rig_flaky[*]}"
	fi
	echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
	[ "${failed}" -eq 0 ]
}

main "$@"
