#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/perf_boot_time.py on crafted `perf script` text and raw.csv, and
bench/perf-boot-time.sh's options and exit statuses with a stand-in perf."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "perf_boot_time.py")
SHELL = os.path.join(ROOT, "bench", "perf-boot-time.sh")
sys.path.insert(0, os.path.join(ROOT, "bench"))
import perf_boot_time  # noqa: E402

# As `perf script --ns --header -F trace:comm,pid,tid,time,event,trace`
# prints it (perf 6.1: "%16s %5d/%-5d %s: %*s: %s"), the kvm lines in Linux
# 6.1's format. QEMU 4242: exec at 100 s, first kvm_entry from its vCPU
# thread 4250 36.492 ms later, linux_start_kernel 37.045 ms, then a read of
# the port, a serial write, linux_start_user at 119.638 ms and a second 7.
# loadvm 5000: exec at 200 s, first entry at 20 ms, writes 6 at 25 ms and 7
# at 60 ms. bash 4300 execs but runs no guest; 3999
# has KVM events but its exec was before the recording.
PERF_SCRIPT = """\
# ========
# captured on    : Wed Dec  2 12:37:56 2026
# perf version : 6.1.192
# clockid frequency: 1000 MHz
# clockid: monotonic (1)
# ========
#
            bash  4300/4300     99.000000000:      sched:sched_process_exec: filename=/usr/bin/bash pid=4300 old_pid=4300
       CPU 0/KVM  3999/4001     99.500000000:                 kvm:kvm_entry: vcpu 0, rip 0x1000
 qemu-system-x86  4242/4242    100.000000000:      sched:sched_process_exec: filename=/usr/bin/qemu-system-x86_64 pid=4242 old_pid=4242
       CPU 0/KVM  4242/4250    100.036492000:                 kvm:kvm_entry: vcpu 0, rip 0xfff0
       CPU 0/KVM  4242/4250    100.036500000:                 kvm:kvm_entry: vcpu 0, rip 0xfff3
       CPU 0/KVM  4242/4250    100.037045000:                   kvm:kvm_pio: pio_write at 0xf4 size 1 count 1 val 0x6 
       CPU 0/KVM  4242/4250    100.050000000:                   kvm:kvm_pio: pio_read at 0xf4 size 1 count 1 val 0xff 
       CPU 0/KVM  4242/4250    100.060000000:                   kvm:kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x7 
       CPU 0/KVM  4242/4250    100.119638000:                   kvm:kvm_pio: pio_write at 0xf4 size 1 count 1 val 0x7 
       CPU 0/KVM  4242/4250    100.200000000:                   kvm:kvm_pio: pio_write at 0xf4 size 1 count 1 val 0x7 
          loadvm  5000/5000    200.000000000:      sched:sched_process_exec: filename=/work/build/loadvm pid=5000 old_pid=5000
          loadvm  5000/5000    200.020000000:                 kvm:kvm_entry: vcpu 0, rip 0x1000000
          loadvm  5000/5000    200.025000000:                   kvm:kvm_pio: pio_write at 0xf4 size 1 count 1 val 0x6 
          loadvm  5000/5000    200.060000000:                   kvm:kvm_pio: pio_write at 0xf4 size 1 count 1 val 0x7 
"""
# raw.csv's columns in their order (harness/raw_csv.c), those read here. Rows
# from before loadbench took the exec as zero had no time_zero and no
# *_timed_by: OLD_HEADER, OLD_ rows.
OLD_HEADER = ("loader,instances,round,instance,pid,status,reason,load_done_ns,vmm_init_end_ns,"
              "linux_start_kernel_ns,linux_start_user_ns,linux_start_kernel_source,vmm,"
              "vmm_init_end_source,linux_start_user_exit_ns")
HEADER = (OLD_HEADER + ",time_zero,load_done_timed_by,vmm_init_end_timed_by,"
          "linux_start_kernel_timed_by,linux_start_user_timed_by,vmm_setup_done_ns\n")
OLD_HEADER += "\n"
# loadbench's QEMU values: +0.108, +0.955, +0.262 ms and its KVM exit +0.002
# ms from perf's; loadvm's: +0.010, +0.050, +0.300 ms and +0.001 ms.
OLD_QEMU_ROW = ("qemu-shared,2,0,0,4242,ok,\"\",,36600000,38000000,119900000,port,qemu,"
                "kvm_entry,119640000")
OLD_LOADVM_ROW = "mmap,2,0,1,5000,ok,\"\",1000000,20010000,25050000,60300000,port,loadvm,vmm,"
QEMU_ROW = OLD_QEMU_ROW + ",exec,,tracefs,tracefs,tracefs,\n"
LOADVM_ROW = (OLD_LOADVM_ROW.replace(",vmm,", ",kvm_entry,") +
              "60001000,exec,vmm,tracefs,tracefs,tracefs,19000000\n")
OLD_QEMU_ROW += "\n"
OLD_LOADVM_ROW += "\n"
# loadvm 5000 with no exec in loadbench's tracefs: its own stamps, 1.2 ms
# later from the stamp before execv.
PRE_EXEC_LOADVM_ROW = ("mmap,2,0,1,5000,ok,\"\",1000000,21200000,26200000,61200000,port,loadvm,"
                       "vmm,,pre_exec,vmm,vmm,vmm,vmm,19000000\n")


def run_parser(text):
    port, names = perf_boot_time.trace_port_table()
    procs, info = perf_boot_time.parse_perf_script(text.splitlines(True), port)
    return procs, info, names


class ParserTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_script(self, *args, perf=PERF_SCRIPT):
        path = self.write("perf.txt", perf)
        return subprocess.run([sys.executable, SCRIPT, *args, path], capture_output=True,
                              text=True)

    def report(self, rows, max_diff=None, header=HEADER):
        raw_path = self.write("raw.csv", header + "".join(rows))
        procs, info, names = run_parser(PERF_SCRIPT)
        raw = perf_boot_time.read_raw_csv(raw_path)
        return perf_boot_time.report(procs, info, names, raw, raw_path, 0, max_diff)

    def test_names_come_from_trace_port_h(self):
        port, names = perf_boot_time.trace_port_table()
        self.assertEqual(port, 0xF4)
        self.assertEqual(names[6], "linux_start_kernel")
        self.assertEqual(names[7], "linux_start_user")

    def test_vmm_processes_and_their_points(self):
        procs, info, names = run_parser(PERF_SCRIPT)
        self.assertEqual(info["clock"], "monotonic (1)")
        self.assertEqual(info["no_exec_pids"], {3999})
        self.assertEqual(info["unparsed"], 0)
        vmms = [p for p in procs if p.entry_ns is not None]
        self.assertEqual([p.pid for p in vmms], [4242, 5000])
        qemu, loadvm = vmms
        self.assertEqual(qemu.entry_tid, 4250)
        self.assertEqual(qemu.filename, "/usr/bin/qemu-system-x86_64")
        # The read and the other port's write are not trace points; the repeat is.
        self.assertEqual(qemu.points(names), [("qemu_init_end", 36_492_000),
                                              ("linux_start_kernel", 37_045_000),
                                              ("linux_start_user", 119_638_000),
                                              ("linux_start_user", 200_000_000)])
        self.assertEqual(loadvm.points(names), [("qemu_init_end", 20_000_000),
                                                ("linux_start_kernel", 25_000_000),
                                                ("linux_start_user", 60_000_000)])

    def test_qemu_boot_time_lines(self):
        lines, status, _ = self.report([])
        self.assertEqual(status, 0)
        for want in ("qemu_init_end: 36.492 ms (+36.492)",
                     "linux_start_kernel: 37.045 ms (+0.553)",
                     "linux_start_user: 119.638 ms (+82.593)",
                     "linux_start_user: 200.000 ms (+80.362)",
                     "qemu_init_end: 20.000 ms (+20.000)",
                     "linux_start_user: 60.000 ms (+35.000)"):
            self.assertIn(want, lines)

    def test_differences_per_pid(self):
        lines, status, records = self.report([QEMU_ROW, LOADVM_ROW], max_diff=2)
        got = {(r["pid"], r["point"]): r["diff_ms"] for r in records}
        want = {(4242, "qemu_init_end"): 0.108, (4242, "linux_start_kernel"): 0.955,
                (4242, "linux_start_user"): 0.262, (4242, "linux_start_user KVM exit"): 0.002,
                (5000, "qemu_init_end"): 0.010, (5000, "linux_start_kernel"): 0.050,
                (5000, "linux_start_user"): 0.300, (5000, "linux_start_user KVM exit"): 0.001}
        self.assertEqual(got.keys(), want.keys())
        for key, diff in want.items():
            self.assertAlmostEqual(got[key], diff, places=6, msg=key)
        self.assertEqual(status, 0)
        # Each point says how loadbench took it: source, then timed_by.
        self.assertIn("qemu_init_end: 36.492 ms (+36.492)  loadbench 36.600 ms "
                      "[kvm_entry, tracefs], diff +0.108 ms", lines)
        self.assertIn("linux_start_kernel: 25.000 ms (+5.000)  loadbench 25.050 ms "
                      "[port, tracefs], diff +0.050 ms", lines)
        # linux_start_user has no source column; its KVM exit is neither.
        self.assertIn("linux_start_user: 60.000 ms (+35.000)  loadbench 60.300 ms [tracefs], "
                      "diff +0.300 ms  loadbench (linux_start_user KVM exit) 60.001 ms, "
                      "diff +0.001 ms", lines)
        # Only the first linux_start_user is loadbench's.
        self.assertIn("linux_start_user: 200.000 ms (+80.362)", lines)
        # Both rows count from the exec, as perf does: nothing to say about it.
        for label in ("vmm=qemu loader=qemu-shared instances=2 round=0 instance=0 status=ok",
                      "vmm=loadvm loader=mmap instances=2 round=0 instance=1 status=ok"):
            at = lines.index(f"  raw.csv: {label}")
            self.assertTrue(lines[at + 1].startswith("qemu_init_end: "), lines[at + 1])
        self.assertFalse([line for line in lines if "pre-exec" in line or "predates" in line])

    def test_pre_exec_zero_is_noted(self):
        lines, status, records = self.report([QEMU_ROW, PRE_EXEC_LOADVM_ROW], max_diff=2)
        diffs = {r["point"]: r["diff_ms"] for r in records if r["pid"] == 5000}
        self.assertAlmostEqual(diffs["qemu_init_end"], 1.200, places=6)
        self.assertEqual(status, 0)
        head = lines.index("pid 5000 loadvm: exec /work/build/loadvm at 200.000000 s, first "
                           "kvm_entry on tid 5000")
        self.assertEqual(lines[head + 1], "  raw.csv: vmm=loadvm loader=mmap instances=2 "
                         "round=0 instance=1 status=ok")
        self.assertTrue(lines[head + 2].startswith("  loadbench counted from its pre-exec "
                                                   "stamp (its tracefs saw no exec)"),
                        lines[head + 2])
        self.assertIn("qemu_init_end: 20.000 ms (+20.000)  loadbench 21.200 ms [vmm, vmm], "
                      "diff +1.200 ms", lines)
        # The note is the pre_exec row's only.
        self.assertEqual(sum("pre-exec" in line for line in lines), 1)

    def test_unknown_zero_is_noted(self):
        # A row loadbench never settled (an empty cell) is not taken for an exec.
        empty = QEMU_ROW.replace(",exec,", ",,")
        lines, _, _ = self.report([empty])
        self.assertIn("  no time_zero in this row: loadbench's zero may not be perf's", lines)

    def test_old_layout_is_noted(self):
        lines, status, records = self.report([OLD_QEMU_ROW, OLD_LOADVM_ROW], max_diff=2,
                                             header=OLD_HEADER)
        self.assertEqual(status, 0)
        notes = [line for line in lines if "predates exec-based zeros" in line]
        self.assertEqual(len(notes), 2, lines)
        self.assertIn("loadvm counted from its main(), QEMU from loadbench's pre-exec stamp",
                      notes[0])
        # Without *_timed_by the bracket holds the source only.
        self.assertIn("qemu_init_end: 36.492 ms (+36.492)  loadbench 36.600 ms [kvm_entry], "
                      "diff +0.108 ms", lines)
        self.assertIn("qemu_init_end: 20.000 ms (+20.000)  loadbench 20.010 ms [vmm], "
                      "diff +0.010 ms", lines)
        # Its empty KVM exit cell is not compared.
        self.assertNotIn((5000, "linux_start_user KVM exit"),
                         {(r["pid"], r["point"]) for r in records})

    def test_max_diff_threshold(self):
        self.write("raw.csv", HEADER + QEMU_ROW + LOADVM_ROW)
        ok = self.run_script("--results", self.dir, "--max-diff", "1")
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        self.assertIn("max |diff| 0.955 ms (pid 4242 linux_start_kernel)", ok.stdout)
        over = self.run_script("--results", self.dir, "--max-diff", "0.9")
        self.assertEqual(over.returncode, 1)
        self.assertIn("FAIL pid 4242 linux_start_kernel: diff +0.955 ms", over.stdout)
        self.assertNotIn("FAIL pid 5000", over.stdout)
        plain = self.run_script("--results", self.dir)
        self.assertEqual(plain.returncode, 0)

    def test_one_sided_points_fail(self):
        # loadbench lost linux_start_kernel; pid 6000 has no VMM exec in perf.
        missing_kernel = QEMU_ROW.replace(",38000000,", ",,")
        stranger = LOADVM_ROW.replace(",5000,", ",6000,")
        lines, status, records = self.report([missing_kernel, stranger], max_diff=100)
        self.assertEqual(status, 1)
        self.assertIn("FAIL pid 4242 linux_start_kernel: loadbench missing", lines)
        self.assertIn("FAIL pid 6000 qemu_init_end: perf missing", lines)
        self.assertIn("pid 5000 loadvm: exec /work/build/loadvm at 200.000000 s, first "
                      "kvm_entry on tid 5000", lines)
        self.assertIn("  raw.csv: no row for this pid", lines)
        # A missing point is printed as missing, never given a value.
        self.assertTrue(any(line.startswith("linux_start_kernel: 37.045 ms (+0.553)  "
                                            "loadbench missing") for line in lines))

    def test_nothing_compared_fails_the_gate(self):
        lines, status, _ = self.report([LOADVM_ROW.replace(",5000,", ",0,")], max_diff=2)
        self.assertEqual(status, 1)
        self.assertIn("FAIL nothing compared", lines)

    def test_reused_pid_matches_rows_in_order(self):
        second = PERF_SCRIPT.replace("5000/5000", "4242/4242").replace("pid=5000 old_pid=5000",
                                                                       "pid=4242 old_pid=4242")
        procs, info, names = run_parser(second)
        vmms = [p for p in procs if p.entry_ns is not None]
        self.assertEqual([p.pid for p in vmms], [4242, 4242])
        matched, unmatched = perf_boot_time.match_rows(vmms, [
            {"pid": "4242", "n": "1"}, {"pid": "4242", "n": "2"}, {"pid": "7", "n": "3"}])
        self.assertEqual([matched[id(p)]["n"] for p in vmms], ["1", "2"])
        self.assertEqual([r["n"] for r in unmatched], ["3"])

    def test_bad_input(self):
        self.assertEqual(self.run_script("--max-diff", "2").returncode, 2)
        missing = self.run_script("--results", os.path.join(self.dir, "none"))
        self.assertEqual(missing.returncode, 2)
        self.assertEqual(len(missing.stderr.strip().splitlines()), 1)


# A stand-in for perf: lists the events not in FAKE_PERF_MISSING, records by
# running the command (and writing FAKE_PERF_DATA to -o), and scripts by
# printing FAKE_PERF_SCRIPT.
FAKE_PERF = """#!/bin/bash
case "$1" in
list) [[ " ${FAKE_PERF_MISSING:-} " == *" $2 "* ]] || echo "  $2    [Tracepoint event]" ;;
record)
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		-o) out=$2 && shift 2 ;;
		--) shift && break ;;
		*) shift ;;
		esac
	done
	echo "$*" >>"$FAKE_PERF_LOG"
	echo data >"$out"
	"$@"
	;;
script) cat "$FAKE_PERF_SCRIPT" ;;
esac
"""


class ShellTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        bin_dir = os.path.join(self.dir, "bin")
        os.mkdir(bin_dir)
        perf = os.path.join(bin_dir, "perf")
        with open(perf, "w") as f:
            f.write(FAKE_PERF)
        os.chmod(perf, 0o755)
        script = os.path.join(self.dir, "perf.txt")
        with open(script, "w") as f:
            f.write(PERF_SCRIPT)
        self.results = os.path.join(self.dir, "results")
        os.mkdir(self.results)
        with open(os.path.join(self.results, "raw.csv"), "w") as f:
            f.write(HEADER + QEMU_ROW)
        self.log = os.path.join(self.dir, "record.log")
        self.env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"],
                        FAKE_PERF_SCRIPT=script, FAKE_PERF_LOG=self.log)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_shell(self, *args, **env):
        return subprocess.run(["bash", SHELL, *args], capture_output=True, text=True,
                              env=dict(self.env, **env))

    def test_results_from_the_commands_out(self):
        r = self.run_shell("--max-diff", "1", "--", "true", "--out", self.results)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("diff +0.955 ms", r.stdout)
        r = self.run_shell("--max-diff", "0.5", "--", "true", f"--out={self.results}")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        # The trial on `true`, then the command under its status-writing shell.
        with open(self.log) as f:
            runs = f.read().splitlines()
        self.assertEqual(runs[0], "true")
        self.assertTrue(runs[-1].startswith("bash -c "), runs[-1])
        self.assertTrue(runs[-1].endswith(f" true --out={self.results}"), runs[-1])

    def test_failed_command_still_prints(self):
        r = self.run_shell("--results", self.results, "--", "sh", "-c", "exit 4")
        self.assertEqual(r.returncode, 3)
        self.assertIn("qemu_init_end: 36.492 ms (+36.492)", r.stdout)
        self.assertEqual(r.stderr.strip().splitlines()[-1],
                         "perf-boot-time: the command exited with status 4")

    def test_missing_events_and_perf(self):
        r = self.run_shell("--", "true", FAKE_PERF_MISSING="kvm:kvm_pio")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)
        self.assertIn("kvm:kvm_pio unavailable", r.stderr)
        self.assertFalse(os.path.exists(self.log), "the command ran without its events")
        # Only what the script needs before it looks for perf.
        bare = os.path.join(self.dir, "bare")
        os.mkdir(bare)
        os.symlink(shutil.which("dirname"), os.path.join(bare, "dirname"))
        r = subprocess.run(["/bin/bash", SHELL, "--", "true"], capture_output=True, text=True,
                           env=dict(self.env, PATH=bare))
        self.assertEqual(r.returncode, 2)
        self.assertIn("perf missing", r.stderr)

    def test_uprobe_option_is_gone(self):
        # loadbench counts loadvm from its exec now: no main() to probe.
        r = self.run_shell("--loadvm-main", "/bin/true", "--", "true")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown option '--loadvm-main'", r.stderr)
        self.assertFalse(os.path.exists(self.log), "the command ran")

    def test_max_diff_needs_results(self):
        r = self.run_shell("--max-diff", "2", "--", "true")
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing to compare", r.stderr)


if __name__ == "__main__":
    unittest.main()
