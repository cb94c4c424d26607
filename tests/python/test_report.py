#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of bench/plotdata.py, plots/*.gp and bench/report.py on summary fixtures.

    tests/python/test_report.py [-v]      (BUILD: where build/summary-derive is)

Fixtures: tests/fixtures/summary/probe-1-2-4.json (a real run of the probe guest),
tests/fixtures/report/lsk-na-failures.json (crafted: linux_start_kernel never reported,
two failed instances in mmap N=4, KVM mode rig), tests/fixtures/report/qemu-peer-rig.json
(a real rig run of loadvm and QEMU side by side, trimmed) and
tests/fixtures/summary/failures.json (summary/6, written by tests/unit/test_summary_failures.c
from hand-built rows: timeouts and an early exit in mmap N=4). Each test class works on a copy in a
temporary results directory, given summary/6's comparisons by build/summary-derive (loadbench's
code: the first three fixtures predate them), unless it tests a summary without them. The
gnuplot tests are skipped when gnuplot is not installed.
"""

import hashlib
import json
import os
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLOTDATA = os.path.join(REPO, "bench", "plotdata.py")
REPORT = os.path.join(REPO, "bench", "report.py")
PROBE_FIXTURE = os.path.join(REPO, "tests", "fixtures", "summary", "probe-1-2-4.json")
CRAFTED_FIXTURE = os.path.join(REPO, "tests", "fixtures", "report", "lsk-na-failures.json")
QEMU_FIXTURE = os.path.join(REPO, "tests", "fixtures", "report", "qemu-peer-rig.json")
FAILURES_FIXTURE = os.path.join(REPO, "tests", "fixtures", "summary", "failures.json")
SUMMARY_DERIVE = os.path.join(REPO, os.environ.get("BUILD", "build"), "summary-derive")
PLOTS = ("memory", "boot", "loadphase")
GNUPLOT = shutil.which("gnuplot")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIB = 1 << 20
NO_GNUPLOT = "gnuplot is not installed (apt-get install gnuplot-nox): plots not rendered"

sys.path.insert(0, os.path.join(REPO, "bench"))
import report  # noqa: E402  (its loader names)


def run(*argv, cwd=None):
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return done


def read_blocks(path):
    """A gnuplot data file as a list of blocks, each a list of rows of string cells."""
    blocks, current = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            if not line.strip():
                if current:
                    blocks.append(current)
                current = []
                continue
            current.append(shlex.split(line))
    if current:
        blocks.append(current)
    return blocks


def header_columns(path):
    """The column names: the header comment line that starts with "loader instances"."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line[1:].split() if line.startswith("#") else []
            if words[:2] == ["loader", "instances"]:
                return words
    raise AssertionError(f"{path}: no column header")


def as_dict(path):
    """{(loader, instances): {column: cell}} for a data file."""
    names = header_columns(path)
    rows = {}
    for block in read_blocks(path):
        for cells in block:
            row = dict(zip(names, cells))
            rows[(row["loader"], int(row["instances"]))] = row
    return rows


def group(summary, loader, n):
    return next(g for g in summary["results"] if g["loader"] == loader and g["instances"] == n)


def sha256(data):
    """loadbench's image digest (common/sha256.c), from hashlib."""
    return hashlib.sha256(data).hexdigest()


def elf64(segments, size):
    """A minimal ELF64 file: header, program headers (type, flags, offset, filesz), zeros."""
    phoff, phentsize = 64, 56
    head = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    head += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x1000000, phoff, 0, 0, 64, phentsize,
                        len(segments), 0, 0, 0)
    for p_type, flags, offset, filesz in segments:
        head += struct.pack("<IIQQQQQQ", p_type, flags, offset, offset, offset, filesz, filesz,
                            0x1000)
    return head + bytes(size - len(head))


def elf32(segments, size):
    phoff, phentsize = 52, 32
    head = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    head += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0x1000000, phoff, 0, 0, 52, phentsize,
                        len(segments), 0, 0, 0)
    for p_type, flags, offset, filesz in segments:
        head += struct.pack("<IIIIIIII", p_type, offset, offset, offset, filesz, filesz, flags,
                            0x1000)
    return head + bytes(size - len(head))


PT_LOAD, PT_NOTE, PF_R, PF_W, PF_X = 1, 4, 4, 2, 1


def derive(results_dir):
    """build/summary-derive on a results directory, from the repository (where the
    fixtures' relative kernel paths point)."""
    if not os.access(SUMMARY_DERIVE, os.X_OK):
        raise AssertionError(f"{SUMMARY_DERIVE} is missing: make it first (make all)")
    run(SUMMARY_DERIVE, results_dir, cwd=REPO)


class ResultsDir:
    """A temporary results directory holding a (possibly edited) copy of a fixture, given
    summary/6's comparisons unless derived is False."""

    def __init__(self, fixture, edit=None, tables_md="### tables.md of the fixture run\n",
                 derived=True):
        self.tmp = tempfile.TemporaryDirectory(prefix="loadbench-report-")
        self.path = self.tmp.name
        with open(fixture, encoding="utf-8") as f:
            self.summary = json.load(f)
        if edit:
            edit(self.summary, self.path)
        with open(os.path.join(self.path, "summary.json"), "w", encoding="utf-8") as f:
            json.dump(self.summary, f)
        if derived:
            derive(self.path)
            with open(os.path.join(self.path, "summary.json"), encoding="utf-8") as f:
                self.summary = json.load(f)
        if tables_md is not None:
            with open(os.path.join(self.path, "tables.md"), "w", encoding="utf-8") as f:
                f.write(tables_md)

    def data(self, name):
        return os.path.join(self.path, "plots", "data", name)

    def report(self, *flags):
        run(sys.executable, REPORT, self.path, *flags, cwd=self.path)
        with open(os.path.join(self.path, "report.md"), encoding="utf-8") as f:
            return f.read()


def expected_saving(summary, n):
    """(MB, %) of copy USS - mmap USS at N, from the summary's medians."""
    copy = group(summary, "copy", n)["memory_kb"]["uss"]["median"] / 1024.0
    mmap = group(summary, "mmap", n)["memory_kb"]["uss"]["median"] / 1024.0
    return copy - mmap, 100.0 * (copy - mmap) / copy


class PlotsMixin:
    """Renders the three plots as PNG and SVG and checks the files."""

    def test_plots_render_as_png_and_svg(self):
        if not GNUPLOT:
            self.skipTest(NO_GNUPLOT)
        for name in PLOTS:
            for ext in ("png", "svg"):
                out = os.path.join(self.results.path, "plots", f"{name}.{ext}")
                run(GNUPLOT, "-c", os.path.join(REPO, "plots", f"{name}.gp"),
                    self.results.data(f"{name}.dat"), out)
                with self.subTest(plot=name, ext=ext):
                    self.assertGreater(os.path.getsize(out), 1000)
                    if ext == "png":
                        with open(out, "rb") as f:
                            self.assertEqual(f.read(8), PNG_SIGNATURE)
                    else:
                        root = ET.parse(out).getroot()
                        self.assertEqual(root.tag.rsplit("}", 1)[-1], "svg")

    def test_plot_rejects_unknown_extension(self):
        if not GNUPLOT:
            self.skipTest(NO_GNUPLOT)
        done = subprocess.run([GNUPLOT, "-c", os.path.join(REPO, "plots", "memory.gp"),
                               self.results.data("memory.dat"),
                               os.path.join(self.results.path, "memory.gif")],
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(".png or .svg", done.stderr)


class ProbeFixture(PlotsMixin, unittest.TestCase):
    """The real summary of probe runs with 1, 2 and 4 instances."""

    @classmethod
    def setUpClass(cls):
        cls.results = ResultsDir(PROBE_FIXTURE)
        cls.summary = cls.results.summary
        run(sys.executable, PLOTDATA, cls.results.path)
        cls.report_md = cls.results.report("--seed-check")

    @classmethod
    def tearDownClass(cls):
        cls.results.tmp.cleanup()

    def test_memory_dat_has_a_row_per_loader_and_count(self):
        blocks = read_blocks(self.results.data("memory.dat"))
        self.assertEqual([b[0][0] for b in blocks], ["copy", "mmap"])
        self.assertEqual([[int(r[1]) for r in b] for b in blocks], [[1, 2, 4], [1, 2, 4]])

    def test_memory_dat_is_summary_kb_over_1024(self):
        rows = as_dict(self.results.data("memory.dat"))
        for loader in ("copy", "mmap"):
            for n in (1, 2, 4):
                mem = group(self.summary, loader, n)["memory_kb"]
                row = rows[(loader, n)]
                with self.subTest(loader=loader, n=n):
                    self.assertAlmostEqual(float(row["uss_mb"]), mem["uss"]["median"] / 1024, 6)
                    self.assertAlmostEqual(float(row["uss_ci95_mb"]), mem["uss"]["ci95"] / 1024, 6)
                    self.assertAlmostEqual(float(row["pss_mb"]), mem["pss"]["median"] / 1024, 6)
                    self.assertAlmostEqual(float(row["pss_ci95_mb"]), mem["pss"]["ci95"] / 1024, 6)
        self.assertAlmostEqual(float(rows[("mmap", 2)]["uss_mb"]), 5336 / 1024, 6)

    def test_boot_dat_stacks_the_trace_points_at_one_instance(self):
        rows = as_dict(self.results.data("boot.dat"))
        self.assertEqual(sorted(rows), [("copy", 1), ("mmap", 1)])
        for loader in ("copy", "mmap"):
            trace = group(self.summary, loader, 1)["trace_ms"]
            delta = group(self.summary, loader, 1)["delta_ms"]
            row = rows[(loader, 1)]
            vie = trace["vmm_init_end"]["median"]
            lsk = trace["linux_start_kernel"]["median"]
            with self.subTest(loader=loader):
                self.assertAlmostEqual(float(row["vmm_init_end"]), vie, 5)
                self.assertAlmostEqual(float(row["delta_linux_start_user"]),
                                       delta["linux_start_user"]["median"], 5)
                self.assertAlmostEqual(float(row["seg_lo_vmm_init_end"]), 0.0, 6)
                self.assertAlmostEqual(float(row["seg_lo_linux_start_kernel"]), vie, 5)
                self.assertAlmostEqual(float(row["seg_lo_linux_start_user"]), lsk, 5)
                self.assertAlmostEqual(float(row["top"]), trace["linux_start_user"]["median"], 5)
                self.assertEqual(row["note"], "-")

    def test_loadphase_dat_has_the_ratio_to_copy(self):
        rows = as_dict(self.results.data("loadphase.dat"))
        for n in (1, 2, 4):
            copy = group(self.summary, "copy", n)["trace_ms"]["load_done"]["median"]
            mmap = group(self.summary, "mmap", n)["trace_ms"]["load_done"]["median"]
            with self.subTest(n=n):
                self.assertAlmostEqual(float(rows[("mmap", n)]["load_done_ms"]), mmap, 5)
                self.assertAlmostEqual(float(rows[("mmap", n)]["ratio_to_first"]), copy / mmap, 3)
                ratio = copy / mmap
                text = f"{ratio:.0f}x" if ratio >= 100 else f"{ratio:.3g}x"
                self.assertEqual(rows[("mmap", n)]["ratio_label"], f"copy/mmap = {text}")
                self.assertEqual(rows[("copy", n)]["ratio_label"], "-")

    def test_context_line(self):
        with open(self.results.data("context.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        self.assertEqual(lines, ["kernel probe.elf, initrd none, 128 MiB, 3 rounds, "
                                 "KVM mode emulated, 2026-11-26"])

    def test_no_temporary_files_are_left(self):
        self.assertEqual(sorted(os.listdir(os.path.dirname(self.results.data("x")))),
                         ["boot.dat", "context.txt", "loadphase.dat", "memory.dat"])

    def test_report_states_the_memory_saving(self):
        mb, pct = expected_saving(self.summary, 4)
        self.assertIn(f"Memory saved per instance at N=4:** {mb:.2f} MB ({pct:.1f}%)",
                      self.report_md)
        pss_copy = group(self.summary, "copy", 4)["memory_kb"]["pss"]["median"] / 1024
        self.assertIn(f"{report.CANDIDATE} {11834.25 / 1024:.2f} MB vs {report.BASE} "
                      f"{pss_copy:.2f} MB", self.report_md)

    def test_report_links_the_plots_and_includes_the_tables(self):
        for name in PLOTS:
            self.assertIn(f"](plots/{name}.png)", self.report_md)
        self.assertIn("### tables.md of the fixture run", self.report_md)
        self.assertIn("emulation-scaled", self.report_md)
        self.assertIn("Failed instances:** 0 of 42", self.report_md)

    def test_report_boot_differences_carry_loadbench_s_welch_interval(self):
        base = group(self.summary, "copy", 1)["trace_ms"]["linux_start_user"]
        cand = group(self.summary, "mmap", 1)["trace_ms"]["linux_start_user"]
        c = comparison(self.summary, "copy", "mmap", 1, "linux_start_user")
        diff, w = c["mean_difference"], c["welch"]
        self.assertAlmostEqual(diff, cand["mean"] - base["mean"], 4)
        self.assertLess(w["ci95_low"], diff)
        self.assertLess(diff, w["ci95_high"])
        self.assertIn(f"| `linux_start_user` | {base['median']:.2f} | {cand['median']:.2f} "
                      f"| {diff:+.2f} | {w['ci95_low']:+.2f} .. {w['ci95_high']:+.2f} | "
                      f"{c['candidate_over_base']:.3g} |", self.report_md)

    def test_report_seed_check(self):
        # The fixture's kernel is build/probe.elf: checked only if this tree holds the same file.
        kernel = os.path.join(REPO, "build", "probe.elf")
        recorded = self.summary["context"]["kernel"]
        same = os.path.isfile(kernel) and os.path.getsize(kernel) == recorded["bytes"]
        if same:
            with open(kernel, "rb") as f:
                same = sha256(f.read()) == recorded.get("sha256")
        if same:
            mb, _ = expected_saving(self.summary, 4)
            self.assertIn(f"**Seed check:** matches the expectation: the measured USS saving "
                          f"at N=4, {mb:.2f} MB per instance", self.report_md)
        else:
            self.assertIn("**Seed check:** could not be made:", self.report_md)


class CraftedFixture(PlotsMixin, unittest.TestCase):
    """linux_start_kernel is n/a everywhere; mmap N=4 has 2 failed instances; KVM mode rig."""

    @classmethod
    def setUpClass(cls):
        cls.results = ResultsDir(CRAFTED_FIXTURE, tables_md=None)
        cls.summary = cls.results.summary
        run(sys.executable, PLOTDATA, cls.results.path)
        cls.report_md = cls.results.report("--seed-check")

    @classmethod
    def tearDownClass(cls):
        cls.results.tmp.cleanup()

    def test_boot_dat_leaves_the_missing_point_out_of_the_stack(self):
        rows = as_dict(self.results.data("boot.dat"))
        for loader in ("copy", "mmap"):
            row = rows[(loader, 1)]
            with self.subTest(loader=loader):
                self.assertEqual(row["linux_start_kernel"], "n/a")
                self.assertEqual(row["seg_lo_linux_start_kernel"], "n/a")
                self.assertEqual(row["seg_lo_linux_start_user"], row["vmm_init_end"])
                self.assertEqual(row["delta_linux_start_kernel"], "n/a")
                self.assertIn("n/a: linux_start_kernel", row["note"])

    def test_report_shows_na_for_the_missing_point(self):
        self.assertRegex(self.report_md, r"\| `linux_start_kernel` \| n/a \| n/a \| n/a")

    def test_report_shows_the_failures(self):
        self.assertIn("**Failed instances:** 2 of 42", self.report_md)
        self.assertIn("| mmap | 4 | 2 of 12 | 1 | 3 | timeout |", self.report_md)
        self.assertIn("exit 1: loadvm: KVM_RUN: Bad address", self.report_md)

    def test_report_says_timings_are_scaled_in_rig_mode(self):
        self.assertIn("KVM mode **rig**: timings are emulation-scaled", self.report_md)

    def test_report_memory_saving(self):
        mb, pct = expected_saving(self.summary, 4)
        self.assertIn(f"at N=4:** {mb:.2f} MB ({pct:.1f}%)", self.report_md)

    def test_seed_check_is_not_made_without_the_kernel(self):
        self.assertIn("**Seed check:** could not be made: vmlinux-that-is-not-there is not "
                      "readable from here.", self.report_md)

    def test_missing_tables_md_is_said(self):
        self.assertIn("tables.md could not be read", self.report_md)


class FailuresFixture(unittest.TestCase):
    """summary/4 from loadbench's own code: mmap N=4 lost 3 guests to the timeout and 1 to an
    early exit over 4 rounds; what that cost its figures comes from summary.json."""

    @classmethod
    def setUpClass(cls):
        cls.results = ResultsDir(FAILURES_FIXTURE)
        cls.report_md = cls.results.report()

    @classmethod
    def tearDownClass(cls):
        cls.results.tmp.cleanup()

    def test_the_failure_line_says_what_failed_and_what_it_cost(self):
        self.assertIn("\n- mmap N=4: 4 of 16 instances failed (3 timeout, 1 exited); 3 rounds "
                      "excluded from memory; 1 round excluded from boot times; boot times of "
                      "1 round censored at the 10 s timeout (lower bounds).\n", self.report_md)
        self.assertIn("**Failed instances:** 4 of 32 (see Failed instances below).",
                      self.report_md)
        self.assertIn("| mmap | 4 | 4 of 16 | 2 | 3 | exited | exit 1: loadvm: KVM_RUN: Bad "
                      "address |", self.report_md)

    def test_density_is_summary_json_s(self):
        n = max(self.results.summary["config"]["instances"])
        for g in self.results.summary["results"]:
            if g["instances"] != n:
                continue
            d = g["density"]["vms_per_gib_pss"]
            self.assertIn(f"| {g['loader']} | {g['memory_kb']['pss']['median'] / 1024:.2f} "
                          f"| {d:.1f} |", self.report_md)
        self.assertIn("**What a VMM author should do.** Map the kernel", self.report_md)

    def test_no_lost_events_no_line(self):
        self.assertNotIn("tracefs lost", self.report_md)

    def test_lost_tracefs_events_are_said(self):
        def lose(summary, _path):
            summary["context"]["timing"].update(lost_events=7, rounds_with_lost_events=2)
        results = ResultsDir(FAILURES_FIXTURE, edit=lose)
        try:
            self.assertIn("tracefs lost 7 events in 2 rounds: the points they carried came "
                          "from the VMMs' own stamps", results.report())
        finally:
            results.tmp.cleanup()

    def test_censored_boot_times_get_no_difference_of_means(self):
        self.assertIn("| `linux_start_user` | 300.00 | 250.00 | n/a (boots censored at the "
                      "timeout) | | 0.833 |", self.report_md)
        self.assertIn("| `vmm_init_end` | 5.00 | 5.00 | +0.00 |", self.report_md)

    def test_a_median_that_is_a_lower_bound_is_marked(self):
        def bound(summary, results_dir):
            m = group(summary, "mmap", 4)["trace_ms"]["linux_start_user"]
            m["lower_bound"] = True

        results = ResultsDir(FAILURES_FIXTURE, bound)
        try:
            self.assertIn("| `linux_start_user` | 300.00 | >=250.00 | n/a (boots censored at "
                          "the timeout) | | n/a (a lower bound) |", results.report())
        finally:
            results.tmp.cleanup()

    def test_an_older_summary_has_no_failure_line(self):
        with open(CRAFTED_FIXTURE, encoding="utf-8") as f:
            self.assertNotIn("instances_by_status", f.read())
        results = ResultsDir(CRAFTED_FIXTURE)
        try:
            text = results.report()
            self.assertNotIn("instances failed", text)
            self.assertIn("| mmap | 4 | 2 of 12 | 1 | 3 | timeout |", text)
        finally:
            results.tmp.cleanup()


def with_kernel(ro_bytes, initrd_bytes, tamper=False):
    """An edit that points the fixture's kernel at a synthetic ELF with ro_bytes read-only."""

    def edit(summary, results_dir):
        size = ro_bytes + 2 * 4096
        image = elf64([(PT_LOAD, PF_R | PF_X, 4096, ro_bytes),
                       (PT_LOAD, PF_R | PF_W, 4096 + ro_bytes, 4096),
                       (PT_NOTE, PF_R, 4096, 20)], size)
        path = os.path.join(results_dir, "vmlinux")
        with open(path, "wb") as f:
            f.write(image)
        summary["context"]["kernel"] = {"path": path, "bytes": size,
                                        "sha256": "0" * 64 if tamper else sha256(image)}
        summary["context"]["initrd"] = {"path": "initrd.cpio", "bytes": initrd_bytes,
                                        "sha256": "0" * 64}
    return edit


COLD_PAGE_CACHE = {
    "mode": "cold", "image_pages": 7171,
    "files": [{"role": "kernel", "path": "build/probe.elf", "pages": 7171,
               "resident_at_start": 7171}],
    "resident_at_start": 7171, "resident_fraction_at_start": 1,
    "resident_at_launch": {"rounds": 4, "rounds_with_pages": 1, "min": 0, "max": 12,
                           "per_round": [0, 12, 0, 0]},
}


class PageCache(unittest.TestCase):
    """context.page_cache: what loadbench counted (--cache), or a bare mode from before."""

    def report_with(self, page_cache):
        def edit(summary, results_dir):
            del results_dir
            summary["context"]["page_cache"] = page_cache
        results = ResultsDir(CRAFTED_FIXTURE, edit)
        self.addCleanup(results.tmp.cleanup)
        return results.report()

    def test_the_counts_are_said(self):
        self.assertIn("| page cache | cold: 7171 of 7171 image pages resident before the first "
                      "round; evicted before every round; at launch 0 to 12 resident (1 of 4 "
                      "rounds with any) |", self.report_with(COLD_PAGE_CACHE))

    def test_a_run_from_before_says_its_mode(self):
        self.assertIn("| page cache | warm |", self.report_with("warm"))


class SeedCheck(unittest.TestCase):
    """The crafted fixture saves 4.00 MB of USS per instance at N=4."""

    def report_with(self, edit):
        results = ResultsDir(CRAFTED_FIXTURE, edit)
        self.addCleanup(results.tmp.cleanup)
        return results.report("--seed-check")

    def seed_sentence(self, ro_mb, initrd_mb):
        with open(CRAFTED_FIXTURE, encoding="utf-8") as f:
            measured, _ = expected_saving(json.load(f), 4)
        expected = ro_mb + initrd_mb
        off = (measured - expected) / expected
        return measured, expected, off, (f"{expected:.2f} MB expected (kernel read-only PT_LOAD "
                                         f"segments {ro_mb:.2f} MB + initrd {initrd_mb:.2f} MB)")

    def test_matches_when_read_only_part_plus_initrd_is_the_saving(self):
        md = self.report_with(with_kernel(3 * MIB, 1 * MIB))
        measured, _, off, tail = self.seed_sentence(3, 1)
        self.assertLess(abs(off), 0.25)
        self.assertIn(f"**Seed check:** matches the expectation: the measured USS saving at N=4, "
                      f"{measured:.2f} MB per instance, is within {abs(off) * 100:.1f}% of the "
                      + tail, md)

    def test_says_the_numbers_when_they_do_not_match(self):
        md = self.report_with(with_kernel(1 * MIB, 1 * MIB))
        measured, _, off, tail = self.seed_sentence(1, 1)
        self.assertGreater(off, 0.25)
        self.assertIn(f"**Seed check:** does not match the expectation: the measured USS saving "
                      f"at N=4 is {measured:.2f} MB per instance, {off * 100:.1f}% above the "
                      + tail, md)

    def test_a_changed_kernel_file_is_not_used(self):
        md = self.report_with(with_kernel(3 * MIB, 1 * MIB, tamper=True))
        self.assertIn("**Seed check:** could not be made:", md)
        self.assertIn("differs from the kernel the run used", md)

    def test_the_context_shows_the_sha256(self):
        md = self.report_with(with_kernel(3 * MIB, 1 * MIB))
        self.assertRegex(md, r"\| kernel \| \S+/vmlinux \(3153920 bytes, SHA-256 [0-9a-f]{64}\) \|")

    def test_a_run_with_only_the_old_fnv_hash_is_not_verified(self):
        # summary/1 and /2 recorded FNV-1a: the file cannot be checked against SHA-256.
        def old_run(summary, results_dir):
            with_kernel(3 * MIB, 1 * MIB)(summary, results_dir)
            for image in ("kernel", "initrd"):
                del summary["context"][image]["sha256"]
                summary["context"][image]["fnv1a64"] = "0123456789abcdef"
        md = self.report_with(old_run)
        self.assertIn("**Seed check:** could not be made: the run recorded no SHA-256 for ", md)
        self.assertIn("(an older loadbench recorded FNV-1a only)", md)
        self.assertIn("(1048576 bytes, FNV-1a 0123456789abcdef)", md)

    def test_without_the_flag_the_check_is_not_run(self):
        results = ResultsDir(CRAFTED_FIXTURE, with_kernel(3 * MIB, 1 * MIB))
        self.addCleanup(results.tmp.cleanup)
        self.assertIn("**Seed check:** not run", results.report())


def kernel_at(path):
    """An edit that points the fixture's kernel at a file that is not there."""
    def edit(summary, results_dir):
        summary["context"]["kernel"]["path"] = os.path.join(results_dir, path)
    return edit


class QemuPeerFixture(PlotsMixin, unittest.TestCase):
    """loadvm's and QEMU's loaders side by side: the seed's tables next to ours."""

    @classmethod
    def setUpClass(cls):
        cls.results = ResultsDir(QEMU_FIXTURE, kernel_at("vmlinux-not-here"))
        cls.summary = cls.results.summary
        run(sys.executable, PLOTDATA, cls.results.path)
        cls.report_md = cls.results.report("--seed-check")

    @classmethod
    def tearDownClass(cls):
        cls.results.tmp.cleanup()

    def mb(self, loader, n, name):
        return group(self.summary, loader, n)["memory_kb"][name]["median"] / 1024

    def test_memory_table_puts_the_seed_next_to_ours(self):
        seed = {1: "102.0 | 105.8 | 102.3 | 106.2", 2: "94.6 | 101.2 | 72.3 | 90.1",
                4: "94.1 | 98.0 | 72.0 | 81.5", 8: "94.0 | 96.2 | 71.8 | 76.9",
                16: "93.9 | 95.1 | 71.6 | 74.3"}
        self.assertIn("## QEMU as the peer, next to the seed", self.report_md)
        for n in (1, 2, 4):
            ours = " | ".join(f"{self.mb(l, n, m):.1f}" for l in ("qemu-private", "qemu-shared")
                              for m in ("uss", "pss"))
            self.assertIn(f"| {n} | {seed[n]} | {ours} |", self.report_md)
        for n in (8, 16):
            self.assertIn(f"| {n} | {seed[n]} | n/a | n/a | n/a | n/a |", self.report_md)

    def test_boot_table_maps_qemu_init_end_to_vmm_init_end(self):
        ours = [group(self.summary, l, 1)["trace_ms"]["vmm_init_end"]["median"]
                for l in ("qemu-private", "qemu-shared")]
        self.assertIn(f"| `qemu_init_end` | 63.85 | 55.91 | {ours[0]:.2f} | {ours[1]:.2f} |",
                      self.report_md)

    def test_both_pairs_are_summarised(self):
        drop = self.mb("qemu-private", 4, "uss") - self.mb("qemu-shared", 4, "uss")
        self.assertIn(f"**Memory saved per instance at N=4:** {drop:.2f} MB", self.report_md)
        self.assertIn("qemu-shared USS", self.report_md)
        self.assertIn("mmap USS", self.report_md)
        self.assertIn("| `qemu_init_end` | ", self.report_md)

    def test_drop_is_stated_even_without_the_kernel(self):
        drop = self.mb("qemu-private", 4, "uss") - self.mb("qemu-shared", 4, "uss")
        self.assertIn(f"**USS drop at the largest N (4):** qemu-private − qemu-shared = "
                      f"{drop:.1f} MB per instance; the expected size could not be computed",
                      self.report_md)

    def test_drop_against_the_image(self):
        drop_kb = (group(self.summary, "qemu-private", 4)["memory_kb"]["uss"]["median"] -
                   group(self.summary, "qemu-shared", 4)["memory_kb"]["uss"]["median"])
        kernel = 8 * MIB  # PT_LOAD 8 MiB + 4 KiB; the initrd makes up the rest of the drop
        initrd = int(drop_kb * 1024) - kernel - 4096
        results = ResultsDir(QEMU_FIXTURE, with_kernel(kernel, initrd))
        self.addCleanup(results.tmp.cleanup)
        self.assertIn("100% of the kernel's PT_LOAD bytes + the initrd", results.report())
        results = ResultsDir(QEMU_FIXTURE, with_kernel(kernel, initrd // 2))
        self.addCleanup(results.tmp.cleanup)
        self.assertIn("does not match", results.report())

    def test_plot_data_keeps_every_loader_but_the_load_phase_is_loadvm_s(self):
        blocks = read_blocks(self.results.data("memory.dat"))
        self.assertEqual([b[0][0] for b in blocks],
                         ["copy", "mmap", "qemu-private", "qemu-shared"])
        blocks = read_blocks(self.results.data("loadphase.dat"))
        self.assertEqual([b[0][0] for b in blocks], ["copy", "mmap"])
        with open(self.results.data("context.txt"), encoding="utf-8") as f:
            self.assertIn("QEMU pc/kvm", f.read())

    def test_a_loadvm_run_has_no_qemu_section(self):
        results = ResultsDir(PROBE_FIXTURE)
        self.addCleanup(results.tmp.cleanup)
        self.assertNotIn("QEMU as the peer", results.report())


class OlderSummary(unittest.TestCase):
    """A summary without comparisons (before summary/6, not given them): the report says so
    in one line and renders the rest; the plots' ratios are n/a."""

    @classmethod
    def setUpClass(cls):
        cls.results = ResultsDir(PROBE_FIXTURE, derived=False)
        run(sys.executable, PLOTDATA, cls.results.path)
        cls.report_md = cls.results.report("--seed-check")

    @classmethod
    def tearDownClass(cls):
        cls.results.tmp.cleanup()

    def test_one_line_says_the_comparisons_are_missing_and_how_to_get_them(self):
        self.assertIn("- **Loaders compared:** not in this summary.json (kvm-loadbench/summary/1, "
                      "from before loadbench computed the comparisons, summary/6): memory savings, "
                      "boot-time differences and the seed check are left out; "
                      f"`build/summary-derive {self.results.path}` adds them from its samples.",
                      self.report_md)
        self.assertNotIn("Memory saved", self.report_md)
        self.assertNotIn("Seed check", self.report_md)
        self.assertNotIn("| trace point |", self.report_md)

    def test_the_rest_is_rendered(self):
        self.assertIn("Failed instances:** 0 of 42", self.report_md)
        self.assertIn("### tables.md of the fixture run", self.report_md)
        self.assertIn("## Run context", self.report_md)

    def test_the_load_phase_ratios_are_not_made_up(self):
        rows = as_dict(self.results.data("loadphase.dat"))
        self.assertEqual(rows[("mmap", 4)]["ratio_to_first"], "n/a")
        self.assertEqual(rows[("mmap", 4)]["ratio_label"], "-")
        self.assertEqual(rows[("copy", 4)]["ratio_to_first"], "1.000000")


class SummaryDerive(unittest.TestCase):
    """build/summary-derive: loadbench's figures for a summary, nothing else changed."""

    def test_only_the_three_fields_are_added(self):
        with open(QEMU_FIXTURE, encoding="utf-8") as f:
            before = json.load(f)
        results = ResultsDir(QEMU_FIXTURE)
        self.addCleanup(results.tmp.cleanup)
        after = dict(results.summary)
        self.assertIsInstance(after.pop("comparisons"), list)
        self.assertIsNone(after.pop("sharing"))  # no sharing.csv
        self.assertEqual(after["context"].pop("kernel_elf")["path"], "build/kernel/vmlinux")
        self.assertEqual(after, before)

    def test_it_computes_what_loadbench_computed(self):
        # failures.json's comparisons are loadbench's own (tests/unit/test_summary_failures.c);
        # the kernel it names is not here, so only the predictions differ.
        with open(FAILURES_FIXTURE, encoding="utf-8") as f:
            written = json.load(f)["comparisons"]
        results = ResultsDir(FAILURES_FIXTURE)
        self.addCleanup(results.tmp.cleanup)
        derived = results.summary["comparisons"]
        for c in written + derived:
            c.pop("predicted_saving", None)
        self.assertEqual(derived, written)

    def test_a_summary_it_cannot_read_is_named(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "summary.json"), "w", encoding="utf-8") as f:
                f.write('{"schema": "something else"}')
            done = subprocess.run([SUMMARY_DERIVE, d], capture_output=True, text=True,
                                  timeout=60)
            self.assertEqual(done.returncode, 1)
            self.assertIn(f"{d}/summary.json: not a kvm-loadbench summary", done.stderr)


def comparison(summary, base, candidate, n, metric):
    return next(c for c in summary["comparisons"]
                if (c["base"], c["candidate"], c["instances"], c["metric"]) ==
                (base, candidate, n, metric))


if __name__ == "__main__":
    unittest.main()
