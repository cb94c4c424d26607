#!/usr/bin/env python3
"""Tests of bench/compare.py, run as a subprocess the way CI runs it.

Summary pairs are built from the real probe run in
tests/fixtures/summary/probe-1-2-4.json (3 rounds, copy and mmap, N = 1, 2, 4)
and from the small files in tests/fixtures/compare/. Run it directly:
python3 tests/python/test_compare.py (ends with unittest's OK or FAILED and
exits non-zero on failure).
"""

import copy
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import compare  # noqa: E402  (ratio_of is tested directly too)
COMPARE = ROOT / "bench" / "compare.py"
CONFIG = ROOT / "bench" / "compare.conf"
PROBE = ROOT / "tests" / "fixtures" / "summary" / "probe-1-2-4.json"
FIXTURES = ROOT / "tests" / "fixtures" / "compare"
EXIT_OK, EXIT_REGRESSED, EXIT_BAD_INPUT = 0, 1, 2
BASELINES = sorted((ROOT / "results" / "baseline").glob("*/summary.json"))
# The probe's SHA-256, standing in for what loadbench records since summary/3.
PROBE_SHA256 = "dca4e29d3f6b3589a0dfa40553f3d5ce0cb42fef5d9fc3911a16b4d1cf74c895"
GATED_ROWS = 39  # 5 memory metrics and minor faults x 6 groups, 1 ratio x 3 N


def metric_of(samples):
    """A summary metric object over these per-round samples."""
    if not samples:
        return {"n": 0, "median": None, "mean": None, "min": None, "max": None,
                "stddev": None, "ci95": None, "samples": []}
    return {"n": len(samples), "median": statistics.median(samples),
            "mean": statistics.fmean(samples), "min": min(samples), "max": max(samples),
            "stddev": statistics.stdev(samples) if len(samples) > 1 else 0,
            "ci95": 0, "samples": list(samples)}


def groups(summary, loader=None):
    return [g for g in summary["results"] if loader in (None, g["loader"])]


def scale(summary, section, name, factor, loader=None):
    """Multiplies one metric's samples by factor in every group of loader."""
    for group in groups(summary, loader):
        old = group[section][name]["samples"]
        group[section][name] = metric_of([s * factor for s in old])


def as_sha256_run(summary, digest=PROBE_SHA256):
    """summary as loadbench writes it since summary/3: the kernel's SHA-256, no FNV-1a."""
    summary = copy.deepcopy(summary)
    summary["schema"] = "kvm-loadbench/summary/3"
    kernel = summary["context"]["kernel"]
    del kernel["fnv1a64"]
    kernel["sha256"] = digest
    return summary


SECTIONS = ("memory_kb", "trace_ms", "delta_ms", "rusage", "harness")


def as_summary4(summary):
    """summary as loadbench writes it since summary/4: every metric says the round of
    each sample, and how many rounds a failure excluded or censored (none here)."""
    summary = copy.deepcopy(summary)
    summary["schema"] = "kvm-loadbench/summary/4"
    for group in summary["results"]:
        for section in SECTIONS:
            for m in group.get(section, {}).values():
                m.update(lower_bound=False, censored=0, excluded=0,
                         sample_rounds=list(range(len(m["samples"]))), censored_rounds=[])
    return summary


def drop_round(metric, round_, why="excluded"):
    """A summary/4 metric without the sample of round_, excluded for a failure."""
    keep = [i for i, r in enumerate(metric["sample_rounds"]) if r != round_]
    new = metric_of([metric["samples"][i] for i in keep])
    new.update(lower_bound=False, censored=0, excluded=metric["excluded"] + 1,
               sample_rounds=[metric["sample_rounds"][i] for i in keep], censored_rounds=[])
    return new


def table_rows(stdout, metric, loader):
    return [line.split() for line in stdout.splitlines()
            if line.split()[:2] == [metric, loader]]


class CompareTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)
        with open(PROBE, encoding="utf-8") as f:
            self.probe = json.load(f)

    def write(self, name, data):
        path = self.dir / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path

    def compare(self, baseline, current, *args):
        # Run as CI runs it: the script itself, through its #! line.
        return subprocess.run([str(COMPARE), str(baseline), str(current), *args],
                              capture_output=True, text=True, check=False, timeout=120)

    def compare_to_probe(self, current, *args):
        return self.compare(PROBE, self.write("current.json", current), *args)

    def assertExit(self, result, code):
        self.assertEqual(result.returncode, code,
                         f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")

    # --- the gate ------------------------------------------------------------

    def test_no_change_passes(self):
        r = self.compare(PROBE, PROBE)
        self.assertExit(r, EXIT_OK)
        self.assertIn("no change beyond the thresholds", r.stdout)
        self.assertTrue(r.stdout.splitlines()[-1].startswith("compare: PASS"))
        self.assertEqual(r.stderr, "")

    def test_results_directory_is_accepted(self):
        results = self.dir / "results"
        results.mkdir()
        (results / "summary.json").write_text(PROBE.read_text(encoding="utf-8"), encoding="utf-8")
        self.assertExit(self.compare(results, PROBE), EXIT_OK)

    def test_memory_regression_fails_and_is_named(self):
        current = copy.deepcopy(self.probe)
        scale(current, "memory_kb", "uss", 1.10, loader="mmap")
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_REGRESSED)
        rows = table_rows(r.stdout, "memory_kb.uss", "mmap")
        self.assertEqual(len(rows), 3, r.stdout)
        for row in rows:
            # 3 rounds a side: p cannot go below 0.1, the threshold judges.
            self.assertEqual(row[-5:], ["+10.0%", "2%", "0.100*", "regressed", "FAIL"])
        self.assertEqual(table_rows(r.stdout, "memory_kb.uss", "copy"), [])
        self.assertTrue(r.stdout.splitlines()[-1].startswith("compare: FAIL: 3 gated"))

    def test_memory_improvement_is_reported_and_passes(self):
        current = copy.deepcopy(self.probe)
        scale(current, "memory_kb", "pss", 0.8, loader="copy")
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_OK)
        rows = table_rows(r.stdout, "memory_kb.pss", "copy")
        self.assertEqual([row[-2:] for row in rows], [["improved", "pass"]] * 3)

    def test_noise_within_thresholds_passes(self):
        """Memory +1%; a machine 30% slower for both loaders, with jitter."""
        current = copy.deepcopy(self.probe)
        rng = random.Random(7)
        for group in groups(current):
            for name in group["memory_kb"]:
                scale({"results": [group]}, "memory_kb", name, 1.01)
            for section in ("trace_ms", "delta_ms", "harness"):
                for name, m in group[section].items():
                    jittered = [s * 1.3 * rng.uniform(0.97, 1.03) for s in m["samples"]]
                    group[section][name] = metric_of(jittered)
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_OK)
        self.assertNotIn("FAIL", r.stdout)
        # Absolute timings are shown as regressed, but only for information.
        rows = table_rows(r.stdout, "trace_ms.linux_start_user", "copy")
        self.assertEqual([row[-2:] for row in rows], [["regressed", "info"]] * 3)
        self.assertEqual(table_rows(r.stdout, "trace_ms.linux_start_user", "mmap/copy"), [])

    def test_timing_ratio_regression_fails(self):
        # mmap losing most of its load-phase advantage: its ratio to copy x5
        # (load_done's delta: from loadvm's main(), the load phase itself).
        current = copy.deepcopy(self.probe)
        scale(current, "delta_ms", "load_done", 5, loader="mmap")
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_REGRESSED)
        rows = table_rows(r.stdout, "delta_ms.load_done", "mmap/copy")
        self.assertEqual([row[-2:] for row in rows], [["regressed", "FAIL"]] * 3)

    def test_boot_ratio_is_reported_not_gated(self):
        # Emulated boot times are noise: a 1.5x boot ratio is shown, never fails.
        current = copy.deepcopy(self.probe)
        scale(current, "trace_ms", "linux_start_user", 1.5, loader="mmap")
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_OK)
        rows = table_rows(r.stdout, "trace_ms.linux_start_user", "mmap/copy")
        self.assertEqual([row[-2:] for row in rows], [["regressed", "info"]] * 3)

    # --- missing measurements -----------------------------------------------

    def test_missing_memory_metric_fails(self):
        current = copy.deepcopy(self.probe)
        del groups(current, "mmap")[1]["memory_kb"]["pss"]  # mmap N=2
        groups(current, "copy")[0]["memory_kb"]["shared_clean"] = metric_of([])  # n = 0
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_REGRESSED)
        self.assertEqual(table_rows(r.stdout, "memory_kb.pss", "mmap"),
                         [["memory_kb.pss", "mmap", "2", "18192", "kB", "-", "-", "2%", "n/a",
                           "missing", "FAIL"]])
        self.assertEqual(table_rows(r.stdout, "memory_kb.shared_clean", "copy")[0][-2:],
                         ["missing", "FAIL"])

    def test_missing_absolute_timing_only_warns(self):
        current = copy.deepcopy(self.probe)
        del groups(current, "copy")[2]["delta_ms"]["vmm_init_end"]  # copy N=4
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_OK)
        self.assertEqual(table_rows(r.stdout, "delta_ms.vmm_init_end", "copy")[0][-2:],
                         ["missing", "info"])

    def test_gated_ratio_that_vanished_fails(self):
        current = copy.deepcopy(self.probe)
        for group in groups(current):
            group["delta_ms"]["load_done"] = metric_of([])
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_REGRESSED)
        rows = table_rows(r.stdout, "delta_ms.load_done", "mmap/copy")
        self.assertEqual([row[-2:] for row in rows], [["missing", "FAIL"]] * 3)

    def test_trace_point_unmeasured_in_both_warns(self):
        both = copy.deepcopy(self.probe)
        for group in groups(both):
            group["trace_ms"]["linux_start_user"] = metric_of([])
        path = self.write("both.json", both)
        r = self.compare(path, path)
        self.assertExit(r, EXIT_OK)
        self.assertIn("not measured in either run: trace_ms.linux_start_user", r.stderr)
        self.assertIn("trace_ms.linux_start_user mmap/copy N=4: not measured in either run",
                      r.stderr)

    # --- statistics -----------------------------------------------------------

    def test_single_round_is_judged_on_the_threshold(self):
        single = json.loads((FIXTURES / "single-round.json").read_text(encoding="utf-8"))
        self.assertExit(self.compare(FIXTURES / "single-round.json",
                                     FIXTURES / "single-round.json"), EXIT_OK)
        scale(single, "memory_kb", "uss", 1.05, loader="copy")
        r = self.compare(FIXTURES / "single-round.json", self.write("single.json", single))
        self.assertExit(r, EXIT_REGRESSED)
        row = table_rows(r.stdout, "memory_kb.uss", "copy")[0]
        self.assertEqual(row[-5:], ["+5.0%", "2%", "n/a", "regressed", "FAIL"])

    def five_rounds(self, base, cur):
        """Summaries whose mmap N=1 uss has these samples, the rest unchanged."""
        pair = []
        for samples in (base, cur):
            summary = copy.deepcopy(self.probe)
            groups(summary, "mmap")[0]["memory_kb"]["uss"] = metric_of(samples)
            pair.append(self.write(f"uss-{len(pair)}.json", summary))
        return pair

    def test_test_confirms_a_clear_shift(self):
        r = self.compare(*self.five_rounds([100] * 5, [110] * 5))
        self.assertExit(r, EXIT_REGRESSED)
        # 2 of the C(10, 5) = 252 splits are as extreme: p = 0.008, no '*'.
        self.assertEqual(table_rows(r.stdout, "memory_kb.uss", "mmap")[0][-3:],
                         ["0.008", "regressed", "FAIL"])

    def test_test_dismisses_a_median_shift_within_the_noise(self):
        r = self.compare(*self.five_rounds([60, 100, 100, 100, 140], [60, 100, 110, 110, 140]),
                         "--all")
        self.assertExit(r, EXIT_OK)
        row = table_rows(r.stdout, "memory_kb.uss", "mmap")[0]
        self.assertEqual(row[-5], "+10.0%")
        self.assertGreater(float(row[-3]), 0.05)
        self.assertEqual(row[-2:], ["ok", "pass"])

    def test_monte_carlo_is_deterministic_and_close_to_exact(self):
        # C(14, 7) = 3432 splits: enumerated by default, drawn with exact_limit = 10.
        base, cur = [float(x) for x in range(100, 107)], [float(x) for x in range(101, 108)]
        pair = self.five_rounds(base, cur)
        mc_config = self.write("mc.conf", CONFIG.read_text(encoding="utf-8").replace(
            "exact_limit = 20000", "exact_limit = 10"))
        p_values = []
        for args in ((), ("--config", str(mc_config)), ("--config", str(mc_config))):
            r = self.compare(*pair, "--all", *args)
            self.assertExit(r, EXIT_OK)  # +1.0%: within the threshold
            p_values.append(float(table_rows(r.stdout, "memory_kb.uss", "mmap")[0][-3]))
        exact, mc, mc_again = p_values
        self.assertAlmostEqual(exact, 1600 / 3432, places=3)  # 1600 splits as far apart
        self.assertEqual(mc, mc_again)
        self.assertAlmostEqual(mc, exact, delta=0.02)

    # --- bad input -------------------------------------------------------------

    def assertBadInput(self, result):
        self.assertExit(result, EXIT_BAD_INPUT)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertTrue(result.stderr.startswith("compare: "), result.stderr)

    def test_malformed_json_is_bad_input(self):
        self.assertBadInput(self.compare(PROBE, FIXTURES / "malformed.json"))

    def test_wrong_schema_is_bad_input(self):
        r = self.compare(FIXTURES / "wrong-schema.json", PROBE)
        self.assertBadInput(r)
        self.assertIn("kvm-loadbench/summary/0", r.stderr)

    def test_missing_file_is_bad_input(self):
        self.assertBadInput(self.compare(PROBE, self.dir / "nothing-here.json"))
        self.assertBadInput(self.compare(self.dir, PROBE))  # a directory without summary.json

    def test_no_metric_in_common_is_bad_input(self):
        r = self.compare(PROBE, FIXTURES / "other-loaders.json")
        self.assertBadInput(r)
        self.assertIn("no metric in common", r.stderr)

    def test_malformed_metric_is_bad_input(self):
        current = copy.deepcopy(self.probe)
        groups(current)[0]["memory_kb"]["uss"]["samples"] = ["30372"]
        self.assertBadInput(self.compare_to_probe(current))

    def test_bad_config_is_bad_input(self):
        bad = self.write("bad.conf", "[compare]\nalpha = 0.05\n[memory_kb]\nuss = two gate\n")
        r = self.compare(PROBE, PROBE, "--config", str(bad))
        self.assertBadInput(r)
        self.assertIn("uss", r.stderr)

    # --- warnings and outputs ----------------------------------------------------

    def test_context_differences_warn_without_failing(self):
        current = copy.deepcopy(self.probe)
        current["context"]["kvm_mode"] = "native"
        current["context"]["kernel"]["fnv1a64"] = "0123456789abcdef"
        current["config"]["mem_mib"] = 256
        current["config"]["instances"] = [1, 2]
        current["results"] = [g for g in current["results"] if g["instances"] != 4]
        current["context"]["qemu"] = {"machine": "pc", "accel": "kvm"}
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_OK)
        for text in ("KVM mode: emulated -> native", "QEMU accel: None -> kvm",
                     "kernel fnv1a64: ebb1dcfeb6b9c806 -> 0123456789abcdef",
                     "guest memory MiB: 128 -> 256", "instance counts: [1, 2, 4] -> [1, 2]",
                     "groups in the baseline only: copy N=4, mmap N=4"):
            self.assertIn(text, r.stderr)

    def test_page_cache_compares_the_mode_not_the_counts(self):
        # The baseline says "warm" (before --cache); the current run its counts.
        current = copy.deepcopy(self.probe)
        current["context"]["page_cache"] = {
            "mode": "warm", "image_pages": 10, "resident_at_start": 10,
            "resident_at_launch": {"rounds": 18, "rounds_with_pages": 18, "min": 9, "max": 10}}
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_OK)
        self.assertNotIn("page cache", r.stderr)
        current["context"]["page_cache"]["mode"] = "cold"
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_OK)
        self.assertIn("context differs: page cache: warm -> cold", r.stderr)
        self.assertIn("current run: --cache cold left image pages resident at 18 of 18 "
                      "launches (at most 10)", r.stderr)

    def test_a_baseline_with_the_old_hash_is_not_comparable_but_passes(self):
        r = self.compare_to_probe(as_sha256_run(self.probe))
        self.assertExit(r, EXIT_OK)
        self.assertTrue(r.stdout.splitlines()[-1].startswith("compare: PASS"))
        self.assertEqual(r.stderr.strip(), "compare: warning: kernel identity not comparable: "
                         "baseline fnv1a64; current run sha256")

    def test_sha256_runs_compare_their_digests(self):
        baseline = self.write("baseline.json", as_sha256_run(self.probe))
        r = self.compare(baseline, self.write("same.json", as_sha256_run(self.probe)))
        self.assertExit(r, EXIT_OK)
        self.assertEqual(r.stderr, "")
        r = self.compare(baseline, self.write("other.json", as_sha256_run(self.probe, "0" * 64)))
        self.assertExit(r, EXIT_OK)
        self.assertIn(f"context differs: kernel sha256: {PROBE_SHA256} -> {'0' * 64}", r.stderr)

    def test_the_committed_baselines_still_compare(self):
        self.assertTrue(BASELINES)
        for baseline in BASELINES:
            with self.subTest(baseline=str(baseline.relative_to(ROOT))):
                self.assertExit(self.compare(baseline, baseline), EXIT_OK)
                with open(baseline, encoding="utf-8") as f:
                    current = as_sha256_run(json.load(f))
                r = self.compare(baseline, self.write("current.json", current))
                self.assertExit(r, EXIT_OK)
                self.assertIn("kernel identity not comparable", r.stderr)

    def test_a_summary4_run_compares_against_older_baselines(self):
        # The committed baselines are summary/1 (host) and /2 (rig); as loadbench
        # wrote them before summary/4, as /3 (SHA-256), a /4 run of the same figures.
        for baseline in BASELINES:
            with self.subTest(baseline=str(baseline.relative_to(ROOT))):
                with open(baseline, encoding="utf-8") as f:
                    base = json.load(f)
                self.assertNotEqual(base["schema"], "kvm-loadbench/summary/4")
                base3 = self.write("base3.json", as_sha256_run(base))
                current = self.write("current.json", as_summary4(as_sha256_run(base)))
                for older in (baseline, base3):
                    r = self.compare(older, current)
                    self.assertExit(r, EXIT_OK)
                    self.assertTrue(r.stdout.splitlines()[-1].startswith("compare: PASS"))
                    self.assertNotIn("excluded", r.stderr)
                self.assertEqual(r.stderr, "")  # /3 against /4: nothing to warn about

    def test_a_summary6_run_compares_against_a_summary4_baseline(self):
        # summary/6 adds each group's wait for ksmd ("ksm", null for copy and mmap).
        base = as_summary4(as_sha256_run(self.probe))
        current = copy.deepcopy(base)
        current["schema"] = "kvm-loadbench/summary/6"
        for group in current["results"]:
            group["ksm"] = None
        r = self.compare(self.write("base.json", base), self.write("current.json", current))
        self.assertExit(r, EXIT_OK)
        self.assertTrue(r.stdout.splitlines()[-1].startswith("compare: PASS"))
        current["schema"] = "kvm-loadbench/summary/7"
        r = self.compare(self.write("base.json", base), self.write("current.json", current))
        self.assertExit(r, EXIT_BAD_INPUT)

    def test_rounds_lost_to_failures_are_warned_about(self):
        current = as_summary4(self.probe)
        mmap4 = groups(current, "mmap")[2]
        mmap4["memory_kb"]["uss"] = drop_round(mmap4["memory_kb"]["uss"], 1)
        user = mmap4["trace_ms"]["linux_start_user"]
        user.update(censored=1, censored_rounds=[2], lower_bound=True)
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_OK)
        self.assertIn("compare: warning: current run: mmap N=4: memory_kb: 1 round excluded; "
                      "trace_ms.linux_start_user: 1 round censored at the timeout, the median "
                      "a lower bound\n", r.stderr)

    def test_a_malformed_sample_rounds_is_bad_input(self):
        current = as_summary4(self.probe)
        groups(current, "copy")[0]["memory_kb"]["uss"]["sample_rounds"] = [0]
        r = self.compare_to_probe(current)
        self.assertExit(r, EXIT_BAD_INPUT)
        self.assertIn("copy N=1 memory_kb.uss: sample_rounds is not one round number per sample",
                      r.stderr)

    def test_ratios_pair_the_loaders_by_round(self):
        # copy lost round 2 to a failure, mmap round 0: only round 1 has both.
        meas = {("trace_ms.load_done", "copy", 4): compare.Measured(15, (10, 20), (0, 1)),
                ("trace_ms.load_done", "mmap", 4): compare.Measured(2.5, (2, 3), (1, 2))}
        ratio = compare.ratio_of(meas, "trace_ms.load_done", "mmap", "copy", 4)
        self.assertEqual(ratio.samples, (0.1,))
        # Before summary/4, by position when both have as many samples.
        meas = {k: compare.Measured(m.median, m.samples) for k, m in meas.items()}
        ratio = compare.ratio_of(meas, "trace_ms.load_done", "mmap", "copy", 4)
        self.assertEqual(ratio.samples, (0.2, 0.15))

    def test_quiet_prints_the_summary_line_only(self):
        current = copy.deepcopy(self.probe)
        scale(current, "memory_kb", "uss", 1.10, loader="mmap")
        r = self.compare_to_probe(current, "--quiet")
        self.assertExit(r, EXIT_REGRESSED)
        self.assertEqual(len(r.stdout.splitlines()), 1)
        self.assertTrue(r.stdout.startswith("compare: FAIL"))

    def test_github_json(self):
        current = copy.deepcopy(self.probe)
        scale(current, "memory_kb", "uss", 1.10, loader="mmap")
        out = self.dir / "out" / "bench.json"
        out.parent.mkdir()
        r = self.compare_to_probe(current, "--github-json", str(out))
        self.assertExit(r, EXIT_REGRESSED)  # written whatever the verdict
        entries = json.loads(out.read_text(encoding="utf-8"))
        self.assertEqual(os.listdir(out.parent), ["bench.json"])  # no temporary file left
        self.assertIsInstance(entries, list)
        self.assertEqual(len(entries), GATED_ROWS)
        for entry in entries:
            self.assertLessEqual(set(entry), {"name", "unit", "value", "range", "extra"})
            self.assertIsInstance(entry["name"], str)
            self.assertIsInstance(entry["unit"], str)
            self.assertIsInstance(entry["value"], (int, float))
            self.assertIsInstance(entry.get("range", ""), str)
            self.assertIsInstance(entry.get("extra", ""), str)
        by_name = {e["name"]: e for e in entries}
        self.assertEqual(len(by_name), len(entries))
        uss = by_name["memory_kb.uss mmap N=2"]
        self.assertEqual((uss["unit"], uss["value"]), ("kB", 5869.6))
        self.assertIn("regressed", uss["extra"])
        ratio = by_name["delta_ms.load_done mmap/copy N=4"]
        self.assertGreater(ratio["value"], 0)
        self.assertTrue(ratio["range"].startswith("± "))
        self.assertNotIn("trace_ms.linux_start_user mmap/copy N=4", by_name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
