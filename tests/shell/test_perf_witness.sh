#!/usr/bin/env bash
# perf as the witness of loadbench's boot times: loadbench runs loadvm
# (copy, mmap) and QEMU (qemu-private, qemu-shared) under
# bench/perf-boot-time.sh, which records sched_process_exec, kvm_entry and
# kvm_pio with perf and compares every trace point of raw.csv with perf's
# for the same pid (qemu-boot-time's definitions): each within 2 ms, and
# every instance counted from its exec.
# test-needs: linux-kvm: real Linux guests under loadvm and QEMU's KVM
# shellcheck source=tests/shell/lib.sh
. "$(dirname "$0")/lib.sh"
need_kvm
need_tracefs
command -v perf >/dev/null || skip "no perf (tools/deps.sh perf: Debian's linux-perf)"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
for image in build/kernel/vmlinux build/initrd.cpio; do
	[ -f "$image" ] || skip "no $image (make kernel initrd)"
done

out="$tmp/run"
status=0
bench/perf-boot-time.sh --max-diff 2 --perf-data "$tmp/perf.data" -- \
	"$LOADBENCH" --kernel build/kernel/vmlinux --initrd build/initrd.cpio \
	--vmm loadvm,qemu --loaders copy,mmap,qemu-private,qemu-shared \
	--instances 1 --rounds 1 --timeout 600 --quiet --out "$out" >"$tmp/witness.txt" 2>&1 ||
	status=$?
sed 's/^/# /' "$tmp/witness.txt"

check "every point within 2 ms of perf's (status $status)" [ "$status" -eq 0 ]
check "all four VMM processes compared" \
	grep -q '^compared [0-9]* points of 4 VMM processes' "$tmp/witness.txt"
# Two points each (vmm_init_end, linux_start_user), and QEMU's KVM exit too.
points=$(sed -n 's/^compared \([0-9]*\) points.*/\1/p' "$tmp/witness.txt")
check "at least 8 points compared (${points:-none})" [ "${points:-0}" -ge 8 ]
zeros=$(python3 -c 'import csv,sys; print(" ".join(sorted({r["time_zero"] for r in csv.DictReader(open(sys.argv[1]))})))' "$out/raw.csv" 2>/dev/null || true)
check "every instance counted from its exec (time_zero: ${zeros:-none})" [ "$zeros" = exec ]
timed=$(python3 -c 'import csv,sys; print(" ".join(sorted({r["vmm_init_end_timed_by"] + "/" + r["linux_start_user_timed_by"] for r in csv.DictReader(open(sys.argv[1]))})))' "$out/raw.csv" 2>/dev/null || true)
check "vmm_init_end and linux_start_user from tracefs (${timed:-none})" [ "$timed" = tracefs/tracefs ]
finish
