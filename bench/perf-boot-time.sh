#!/usr/bin/env bash
# perf as the witness: records sched:sched_process_exec, kvm:kvm_entry and
# kvm:kvm_pio (writes to the trace port) system-wide around any command and
# prints, per VMM process, qemu-boot-time's figures (zero = its exec,
# qemu_init_end = its first kvm_entry, then each trace-port write), next to
# loadbench's raw.csv values for the same pid when the command wrote a
# results directory (its --out/--resume DIR, or --results DIR).
#
#   bench/perf-boot-time.sh [--results DIR] [--max-diff MS] [--perf-data FILE]
#                           [--mmap-pages N] -- COMMAND [ARG...]
#
# --max-diff MS: exit 1 if a point of raw.csv and perf's differ by more than
#   MS, or one side lacks it (bench/perf_boot_time.py says exactly what).
# --perf-data FILE: keep the recording there (default: a temporary file,
#   removed at the end).
# Needs root (or perf_event_paranoid -1) and KVM's tracepoints. Exit status:
# 0; 1 --max-diff exceeded; 2 bad usage, perf or its events unavailable,
# perf failed; 3 the command failed (its status is on stderr; what perf
# recorded is printed all the same, so a failed run can still be examined).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
results=
max_diff=
perf_data=
pages=1024

die() {
	echo "perf-boot-time: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--results) results=${2:?--results DIR} && shift 2 ;;
	--max-diff)
		[[ "${2:-}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--max-diff: milliseconds >= 0"
		max_diff=$2 && shift 2
		;;
	--perf-data) perf_data=${2:?--perf-data FILE} && shift 2 ;;
	--mmap-pages)
		[[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--mmap-pages: a power of 2"
		pages=$2 && shift 2
		;;
	--help | -h)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	--) shift && break ;;
	*) die "unknown option '$1' (usage: perf-boot-time.sh [options] -- COMMAND [ARG...])" ;;
	esac
done
[ $# -gt 0 ] || die "no command (usage: perf-boot-time.sh [options] -- COMMAND [ARG...])"

# loadbench's results directory, from the command's own options.
if [ -z "${results}" ]; then
	prev=
	for arg in "$@"; do
		case "${prev}:${arg}" in
		--out:* | --resume:*) results=${arg} ;;
		*:--out=* | *:--resume=*) results=${arg#*=} ;;
		esac
		prev=${arg}
	done
fi

command -v perf >/dev/null || die "perf missing (Debian package linux-perf: tools/deps.sh perf)"
port=$(sed -n 's/^#define TRACE_PORT \(0x[0-9a-fA-F]*\).*/\1/p' "${here}/../include/trace_port.h")
[ -n "${port}" ] || die "no TRACE_PORT in include/trace_port.h"
for ev in sched:sched_process_exec kvm:kvm_entry kvm:kvm_pio; do
	perf list "${ev}" 2>/dev/null | awk -v ev="${ev}" '$1 == ev { found = 1 } END { exit !found }' ||
		die "event ${ev} unavailable (perf list '${ev%%:*}:*' lists none: KVM module not loaded, or no tracefs?)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/perf-boot-time.XXXXXX")
trap 'rm -rf "${tmp}"' EXIT
trap 'exit 130' INT TERM
[ -n "${perf_data}" ] || perf_data=${tmp}/perf.data

events=(-e sched:sched_process_exec -e kvm:kvm_entry
	-e kvm:kvm_pio --filter "rw == 1 && port == ${port}")

# A trial on `true` first, so that a perf that cannot record (permissions,
# no clockid) fails before the command runs, not after. CLOCK_MONOTONIC is
# loadbench's clock; without it perf's own clock still gives sound intervals.
clock=(-k mono)
if ! perf record -q -a "${clock[@]}" "${events[@]}" -o "${tmp}/trial.data" -- true 2>"${tmp}/trial.err"; then
	clock=()
	perf record -q -a "${events[@]}" -o "${tmp}/trial.data" -- true 2>"${tmp}/trial.err" ||
		die "perf record fails: $(grep -m 1 -v '^ *$' "${tmp}/trial.err")"
fi

# The command runs under a shell that writes its status: perf record's own
# status cannot tell a failing command from a failing perf.
status_file=${tmp}/status
set +e
# shellcheck disable=SC2016 # expanded by the inner bash
perf record -q -a "${clock[@]}" -m "${pages}" "${events[@]}" -o "${perf_data}" -- \
	bash -c '"${@:2}"; echo $? >"$1"' perf-boot-time "${status_file}" "$@"
record_status=$?
set -e
[ -s "${perf_data}" ] || die "perf record failed (status ${record_status}), no data"
cmd_status=$(cat "${status_file}" 2>/dev/null || echo "unknown (killed?)")

# Lost events: the aggregated stats, before the per-event ones.
lost=$(perf report -i "${perf_data}" --stats 2>/dev/null | awk '
	/stats:$/ && !/^Aggregated/ { exit }
	/LOST/ { for (i = 1; i < NF; i++) if ($i == "events:") n += $(i + 1) }
	END { print n + 0 }')

py_args=(--lost-events "${lost}")
raw_missing=
if [ -n "${results}" ]; then
	if [ -f "${results}/raw.csv" ]; then
		py_args+=(--results "${results}")
		[ -z "${max_diff}" ] || py_args+=(--max-diff "${max_diff}")
	else
		raw_missing="${results}/raw.csv missing: perf's figures only"
	fi
elif [ -n "${max_diff}" ]; then
	raw_missing="no results directory (--out in the command, or --results): nothing to compare"
fi

set +e
perf script -i "${perf_data}" --ns --header -F trace:comm,pid,tid,time,event,trace 2>"${tmp}/script.err" |
	python3 "${here}/perf_boot_time.py" "${py_args[@]}" -
statuses=("${PIPESTATUS[@]}")
set -e
[ "${statuses[0]}" -eq 0 ] || die "perf script failed: $(grep -m 1 -v '^ *$' "${tmp}/script.err")"
[ "${statuses[1]}" -ne 2 ] || exit 2
[ -z "${raw_missing}" ] || echo "perf-boot-time: ${raw_missing}" >&2
if [ "${cmd_status}" != 0 ]; then
	echo "perf-boot-time: the command exited with status ${cmd_status}" >&2
	exit 3
fi
if [ "${statuses[1]}" -ne 0 ] || { [ -n "${raw_missing}" ] && [ -n "${max_diff}" ]; }; then
	exit 1
fi
exit 0
