#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/sharing.py on a crafted run: region table, predictions, files."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "sharing.py")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "summary", "probe-1-2-4.json")

HEADER = "loader,instances,round,instance,file,region,bytes,pages,shared,copied,untouched\n"


class SharingTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        shutil.copy(FIXTURE, os.path.join(self.dir, "summary.json"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write_csv(self, rows):
        with open(os.path.join(self.dir, "sharing.csv"), "w") as f:
            f.write(HEADER + "".join(rows))

    def run_script(self):
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

    def test_copy_only_run_says_nothing_was_mapped(self):
        self.write_csv([])
        r = self.run_script()
        self.assertEqual(r.returncode, 0)
        self.assertIn("No guest mapped the images",
                      open(os.path.join(self.dir, "sharing.md")).read())

    def test_missing_csv_is_bad_input(self):
        r = self.run_script()
        self.assertEqual(r.returncode, 2)
        self.assertIn("sharing.csv: missing", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
