#!/usr/bin/env bash
# Runs each fuzz target for a while on a scratch copy of its seed corpus and
# prints one line per target: executions, seconds, new corpus size, result.
#   tools/fuzz.sh BUILD_DIR SECONDS TARGET...
set -euo pipefail

build=$1
seconds=$2
shift 2
failed=0
for target in "$@"; do
	work="${build}/${target}.work"
	rm -rf "${work}/corpus"
	mkdir -p "${work}/corpus"
	cp fuzz/corpus/"${target}"/* "${work}/corpus/" 2>/dev/null || true
	dict=()
	[ -f "fuzz/${target}.dict" ] && dict=("-dict=fuzz/${target}.dict")
	status=0
	(cd "${work}" && "../${target}" -max_total_time="${seconds}" -max_len=65536 \
		-malloc_limit_mb=2048 -print_final_stats=1 "${dict[@]/#-dict=/-dict=../../}" \
		corpus >log.txt 2>&1) || status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "${work}/log.txt")
	if [ "${status}" -eq 0 ]; then
		echo "fuzz: ${target}: ${runs:-?} executions in ${seconds} s, no crash" \
			"(corpus $(find "${work}/corpus" -type f | wc -l) inputs)"
	else
		failed=$((failed + 1))
		echo "fuzz: ${target}: FAILED after ${runs:-?} executions; see ${work}/log.txt"
		grep -m3 -E "ERROR|runtime error|SUMMARY" "${work}/log.txt" || true
	fi
done
[ "${failed}" -eq 0 ]
