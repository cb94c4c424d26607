#!/usr/bin/env bash
# test-needs: kvm (tests/run.sh runs it where that is)
# Valgrind memcheck on a small loadbench run, every loadvm included
# (--trace-children): no invalid access, no definite or indirect leak.
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
need_kvm
command -v valgrind >/dev/null || skip "valgrind is not installed"
case "$LOADBENCH" in *asan*) skip "a sanitizer build cannot run under valgrind" ;; esac

status=0
valgrind -q --trace-children=yes --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 "$LOADBENCH" --kernel "$PROBE_ELF" --instances 1,2 --rounds 1 \
	--settle 0.1 --timeout 120 --out "$tmp/out" --quiet 2>"$tmp/valgrind.txt" || status=$?
check "loadbench and loadvm run clean under memcheck (status $status)" test "$status" -eq 0
check "no memcheck report" test ! -s "$tmp/valgrind.txt"
check "every instance booted under valgrind" test "$(grep -c ',ok,' "$tmp/out/raw.csv")" -eq 6
[ -s "$tmp/valgrind.txt" ] && head -40 "$tmp/valgrind.txt"
finish
