#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/sharing.py on a crafted run: region table, predictions, files.

The medians, sums and predictions are loadbench's (harness/sharing_summary.c):
build/summary-derive puts them into summary.json from the crafted sharing.csv, as
loadbench does at the end of a run; sharing.py prints them. BUILD: where it is.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "sharing.py")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "summary", "probe-1-2-4.json")
SUMMARY_DERIVE = os.path.join(ROOT, os.environ.get("BUILD", "build"), "summary-derive")

HEADER = "loader,instances,round,instance,file,region,bytes,pages,shared,copied,untouched\n"
KINDS = ("unchanged,init_freed,data,lock_to_ds,retpoline,return_thunk,static_call,jump_label,"
         "paravirt,ibt_seal,alternative,other,mixed,unread,ftrace_nop,jump_label_nop,other_bytes")
KIND_HEADER = HEADER.rstrip("\n") + "," + KINDS + "\n"


def kind_values(**pages):
    """The kind columns of one row: pages of the named kinds, zeros elsewhere."""
    names = KINDS.split(",")
    assert set(pages) <= set(names), pages
    return ",".join(str(pages.get(k, 0)) for k in names)


class SharingTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        shutil.copy(FIXTURE, os.path.join(self.dir, "summary.json"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write_csv(self, rows, header=HEADER):
        with open(os.path.join(self.dir, "sharing.csv"), "w") as f:
            f.write(header + "".join(rows))

    def run_script(self):
        derived = subprocess.run([SUMMARY_DERIVE, self.dir], cwd=ROOT, capture_output=True,
                                 text=True)
        self.assertEqual(derived.returncode, 0, derived.stderr)
        return subprocess.run([sys.executable, SCRIPT, self.dir], capture_output=True, text=True)

    def test_predictions_follow_the_pages(self):
        # 1024 shared pages (4 MiB) and 256 untouched (1 MiB) at every N.
        rows = []
        for n in (1, 2, 4):
            for i in range(n):
                rows.append(f"mmap,{n},0,{i},kernel,.text,4194304,1024,1024,0,0\n")
                rows.append(f"mmap,{n},0,{i},kernel,.bss,1048576,256,0,0,256\n")
        self.write_csv(rows)
        r = self.run_script()
        self.assertEqual(r.returncode, 0, r.stderr)
        md = open(os.path.join(self.dir, "sharing.md")).read()
        # N = 1: only untouched pages leave USS; PSS 4 x 0/1 + 1.
        self.assertIn("| 1 | 1.0 |", md)
        # N = 4: USS 4 + 1; PSS 4 x 3/4 + 1 = 4.
        self.assertRegex(md, r"\| 4 \| 5\.0 \| [-\d.]+ \| 4\.0 \|")
        self.assertIn("| .text | 4.00 | 4.00 | 0.00 | 0.00 | 100 |", md)
        dat = open(os.path.join(self.dir, "plots", "data", "sharing.dat")).read()
        self.assertIn(".text 4.000 0.000 0.000", dat)

    def test_report_includes_the_section(self):
        rows = [f"mmap,2,0,{i},kernel,.text,4194304,1024,1024,0,0\n" for i in range(2)]
        self.write_csv(rows)
        self.assertEqual(self.run_script().returncode, 0)
        r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py"), self.dir],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        report = open(os.path.join(self.dir, "report.md")).read()
        self.assertIn("## Where the saving comes from", report)
        self.assertIn("| .text | 4.00 | 4.00 | 0.00 | 0.00 | 100 |", report)

    def test_kinds_table_per_region(self):
        # N = 2: .text copied 10 pages (medians 6 return_thunk, 3 lock_to_ds, 1 mixed with
        # 40 other bytes); .data 4 data pages; .rodata none copied; the initrd 2 freed.
        rows = []
        for i, ret in enumerate((5, 7)):
            rows.append(f"mmap,2,0,{i},kernel,.text,4194304,1024,1014,10,0,"
                        + kind_values(return_thunk=ret, lock_to_ds=3, mixed=1,
                                      other_bytes=40) + "\n")
            rows.append(f"mmap,2,0,{i},kernel,.data,1048576,256,0,4,252,"
                        + kind_values(data=4) + "\n")
            rows.append(f"mmap,2,0,{i},kernel,.rodata,1048576,256,256,0,0,"
                        + kind_values() + "\n")
            rows.append(f"mmap,2,0,{i},initrd,initrd,8192,2,0,2,0,"
                        + kind_values(init_freed=2) + "\n")
        self.write_csv(rows, KIND_HEADER)
        r = self.run_script()
        self.assertEqual(r.returncode, 0, r.stderr)
        md = open(os.path.join(self.dir, "sharing.md")).read()
        self.assertIn("Why the copied pages were written, at N = 2", md)
        # Only the kinds that occur, in sharing.csv's order.
        self.assertIn("| region | copied | init_freed | data | lock_to_ds | return_thunk | "
                      "mixed | other bytes |", md)
        self.assertIn("| .text | 10 | 0 | 0 | 3 | 6 | 1 | 40 |", md)
        self.assertIn("| .data | 4 | 0 | 4 | 0 | 0 | 0 | 0 |", md)
        self.assertIn("| initrd | 2 | 2 | 0 | 0 | 0 | 0 | 0 |", md)
        self.assertIn("| all | 16 | 2 | 4 | 3 | 6 | 1 | 40 |", md)
        self.assertNotIn("| .rodata | 0 |", md)
        # The region table is as without kinds.
        self.assertIn("| .rodata | 1.00 | 1.00 | 0.00 | 0.00 | 100 |", md)

    def test_csv_without_kinds_has_no_kind_table(self):
        self.write_csv([f"mmap,2,0,{i},kernel,.text,4194304,1024,1000,24,0\n" for i in range(2)])
        r = self.run_script()
        self.assertEqual(r.returncode, 0, r.stderr)
        md = open(os.path.join(self.dir, "sharing.md")).read()
        self.assertIn("| .text | 4.00 | 3.91 | 0.09 | 0.00 | 98 |", md)
        self.assertNotIn("Why the copied pages were written", md)

    def test_copy_only_run_says_nothing_was_mapped(self):
        self.write_csv([])
        r = self.run_script()
        self.assertEqual(r.returncode, 0)
        self.assertIn("No guest mapped the images",
                      open(os.path.join(self.dir, "sharing.md")).read())

    def test_missing_csv_is_bad_input(self):
        # No sharing.csv: summary.json has no summary of it, and sharing.py says so.
        r = self.run_script()
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"sharing: {self.dir}/summary.json: no summary of sharing.csv", r.stderr)

    def test_a_bad_csv_is_named_by_summary_derive(self):
        self.write_csv(["mmap,2,0,0,kernel,.text,4194304,1024,many,0,0\n"])
        r = subprocess.run([SUMMARY_DERIVE, self.dir], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{self.dir}/sharing.csv: line 2: a count is missing or not a number",
                      r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
