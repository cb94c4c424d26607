#!/usr/bin/env bash
# Runs each test program, shows its output, and ends with one summary line
# ("tests: N passed, N failed") counting programs. Exits 1 on any failure.
set -euo pipefail

passed=0
failed=0
failed_names=()
for test in "$@"; do
	echo "=== ${test}"
	if "${test}"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names+=("${test}")
	fi
done
if [ "${failed}" -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "tests: ${passed} passed, ${failed} failed"
[ "${failed}" -eq 0 ]
