#!/usr/bin/env python3
"""Compare two kvm-loadbench runs and gate on regressions.

Usage:
    bench/compare.py BASELINE CURRENT [--config FILE] [--github-json OUT]
                     [--quiet] [--all]

BASELINE and CURRENT are summary.json files written by build/loadbench
(schema "kvm-loadbench/summary/1" to /6) or results directories holding one.

For every metric of every (loader, N) group measured in both runs, the
median's change in percent is judged against a threshold from the config
(default: bench/compare.conf, commented INI; read it for the format and the
reasons behind each figure). Every metric is "smaller is better":

  * A change beyond the threshold is a regression (worse) or an improvement
    (better), provided the per-round samples back it: a two-sided
    permutation test on the difference of the means gives p < alpha. The
    test enumerates every split of the pooled samples when there are at
    most exact_limit of them, else draws `resamples` random splits from a
    fixed seed, so a given pair of files always gives the same p.
  * With fewer than 2 rounds a side no test is possible (p = n/a), and with
    3 rounds a side (run-bench.sh --quick) no split can give p below 0.1
    (marked '*'): then the threshold alone judges. Memory figures are nearly deterministic, so
    this is sound for them; timings gate only through loader ratios.
  * Timings are compared as ratios of two loaders measured in the same run
    ([ratios] in the config, e.g. mmap/copy of linux_start_user), because
    shared machines make absolute times of two runs incomparable. Absolute
    timings are reported but do not gate by default ("report" policy).
  * A metric measured in the baseline but absent or n = 0 in the current
    run is "missing": it fails for gated rows and for the sections set to
    "fail" in [missing] (memory_kb); otherwise it is shown, not failing.
    Metrics not measured in either run, new metrics, groups in only one
    run, guests that failed, rounds a failure excluded or censored at the
    timeout (summary/4: such a median is a lower bound; a run from before
    summary/4 took the mean of the guests that booted, hiding them), and
    differing contexts (KVM mode, kernel digest,
    guest memory, instance counts, ...) are warnings on stderr. The images
    are compared by SHA-256 (summary/3); a baseline from before it holds an
    FNV-1a hash only, so against a newer run the images' identity is "not
    comparable": a warning too, never a failure.
  * Improvements are reported, never fail.

Output: a table of the rows that are not "ok" (every row with --all), then
one summary line starting "compare: PASS" or "compare: FAIL"; --quiet
prints the summary line only. Warnings go to stderr. --github-json OUT
writes github-action-benchmark's customSmallerIsBetter input, a JSON list
of {name, unit, value, range, extra} (the gated rows, or all with
"github = all"), atomically: a temporary file renamed over OUT.

Exit codes: 0 no gated regression; 1 a gated regression or a missing
measurement that fails; 2 bad input (missing or malformed file, wrong
schema, bad config, no metric in common, unwritable OUT; also bad usage),
with a one-line error on stderr.

The baselines live in results/baseline/{host,rig}/summary.json (run-bench.sh
picks the one for where the guests ran). They are refreshed on purpose only,
never by CI (results/README.md says how), with the reason in the commit
message (e.g. "baseline: the mmap loader now shares the initrd").
"""

from __future__ import annotations

import argparse
import configparser
import contextlib
import itertools
import json
import math
import os
import random
import statistics
import sys
import tempfile
from dataclasses import dataclass

# The summary schemas every script reads, and their history, are plotdata's.
# A pair where one side has only summary/1-2's FNV-1a cannot compare the
# images' identity: a warning (see image_warnings), never a failure.
from plotdata import SCHEMAS

SECTIONS = ("memory_kb", "trace_ms", "delta_ms", "rusage", "harness")
UNITS = {"memory_kb": "kB", "trace_ms": "ms", "delta_ms": "ms", "rusage": "ms",
         "harness": "ms", "rusage.minor_faults": "faults", "ratio": "x"}
POLICIES = ("gate", "report")
CONFIG_SECTIONS = ("compare", "missing", "ratios") + SECTIONS
CHOICES = {"github": ("gate", "all"), "missing": ("fail", "warn")}
DEFAULT_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare.conf")
EXIT_OK, EXIT_REGRESSED, EXIT_BAD_INPUT = 0, 1, 2
# The images whose identity (digest) is compared; see image_warnings.
IMAGES = ("kernel", "initrd")
# Digests in the order preferred: summary/3's SHA-256, then summary/1-2's FNV-1a.
DIGESTS = ("sha256", "fnv1a64")
# Context fields whose difference makes two runs hard to compare.
CONTEXT_CHECKS = (
    ("KVM mode", ("context", "kvm_mode")),
    ("guest memory MiB", ("config", "mem_mib")),
    ("vCPUs", ("config", "vcpus")),
    ("instance counts", ("config", "instances")),
    ("loaders", ("config", "loaders")),
    ("THP", ("context", "thp")),
    ("KSM", ("context", "ksm_run")),
    ("start_kernel breakpoint", ("config", "breakpoint")),
    # QEMU as the peer (absent from loadvm-only runs on both sides):
    ("QEMU version", ("context", "qemu", "version")),
    ("QEMU machine", ("context", "qemu", "machine")),
    ("QEMU accel", ("context", "qemu", "accel")),
    ("qemu_init_end method", ("context", "qemu", "qemu_init_end")),
)


class BadInput(Exception):
    """Input the comparison cannot use: exit 2."""


@dataclass(frozen=True)
class Rule:
    threshold: float  # percent
    gate: bool


@dataclass(frozen=True)
class RatioRule:
    metric: str
    numerator: str
    denominator: str
    rule: Rule


@dataclass(frozen=True)
class Config:
    alpha: float
    exact_limit: int
    resamples: int
    seed: int
    default: Rule
    github_all: bool
    rules: dict  # "section.metric" -> Rule
    ratios: tuple  # RatioRule
    missing_fails: dict  # section -> bool


@dataclass(frozen=True)
class Measured:
    median: float
    samples: tuple  # per round
    rounds: tuple | None = None  # the round of each sample (summary/4), else None


@dataclass(frozen=True)
class Significance:
    p: float | None  # None: fewer than 2 samples a side
    floor: float  # the smallest p these sample counts allow

    def decides(self, alpha):
        return self.p is not None and self.floor < alpha


@dataclass(frozen=True)
class Row:
    metric: str
    loader: str
    n: int
    unit: str
    rule: Rule
    base: Measured | None
    cur: Measured | None
    change: float | None
    test: Significance | None
    verdict: str  # ok, regressed, improved, missing
    fails: bool


@dataclass(frozen=True)
class Report:
    rows: list
    warnings: list
    alpha: float


# --- input -------------------------------------------------------------------

def parse_rule(text, where):
    words = text.split()
    try:
        threshold = float(words[0])
    except (IndexError, ValueError):
        threshold = -1.0
    if len(words) != 2 or threshold < 0 or words[1] not in POLICIES:
        raise BadInput(f"{where}: '{text}': expected THRESHOLD_PERCENT gate|report")
    return Rule(threshold, words[1] == "gate")


def parse_ratio(metric, text, where):
    words = text.split(None, 1)
    loaders = words[0].split("/") if words else []
    if len(loaders) != 2 or len(words) != 2 or not all(loaders):
        raise BadInput(f"{where}: '{text}': expected NUM/DEN THRESHOLD_PERCENT gate|report")
    return RatioRule(metric, loaders[0], loaders[1], parse_rule(words[1], where))


def section_items(parser, section):
    return parser[section].items() if parser.has_section(section) else ()


def choice(value, option, where):
    if value not in CHOICES[option]:
        raise BadInput(f"{where}: '{value}': expected {' or '.join(CHOICES[option])}")
    return value


def check_sections(parser, path):
    unknown = [s for s in parser.sections() if s not in CONFIG_SECTIONS]
    if unknown or not parser.has_section("compare"):
        raise BadInput(f"config {path}: sections must be {', '.join(CONFIG_SECTIONS)}, "
                       f"with [compare]; found {', '.join(parser.sections())}")


def load_config(path):
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",), interpolation=None)
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
        check_sections(parser, path)
        run = parser["compare"]
        config = Config(
            alpha=run.getfloat("alpha", 0.05), exact_limit=run.getint("exact_limit", 20000),
            resamples=run.getint("resamples", 10000), seed=run.getint("seed", 1),
            default=parse_rule(run.get("default", "20 report"), f"{path} [compare] default"),
            github_all=choice(run.get("github", "gate"), "github",
                              f"config {path} [compare]") == "all",
            rules={f"{s}.{k}": parse_rule(v, f"{path} [{s}] {k}")
                   for s in SECTIONS for k, v in section_items(parser, s)},
            ratios=tuple(parse_ratio(k, v, f"{path} [ratios] {k}")
                         for k, v in section_items(parser, "ratios")),
            missing_fails={s: choice(parser.get("missing", s, fallback="warn"), "missing",
                                     f"config {path} [missing] {s}") == "fail" for s in SECTIONS})
    except OSError as e:
        raise BadInput(f"config {path}: {e.strerror}") from e
    except (configparser.Error, KeyError, ValueError) as e:
        raise BadInput(f"config {path}: {' '.join(str(e).split())}") from e
    if not 0 < config.alpha < 1 or config.resamples < 1:
        raise BadInput(f"config {path}: alpha must be in (0, 1) and resamples >= 1")
    return config


def load_summary(path):
    if os.path.isdir(path):
        path = os.path.join(path, "summary.json")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: {e.strerror}") from e
    except ValueError as e:  # JSONDecodeError, UnicodeDecodeError
        raise BadInput(f"{path}: malformed JSON: {e}") from e
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema not in SCHEMAS:
        raise BadInput(f"{path}: schema {schema!r}, expected one of {', '.join(SCHEMAS)}")
    if not isinstance(data.get("results"), list):
        raise BadInput(f"{path}: no results list")
    return data


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def parse_metric(m, where):
    """A summary metric as Measured, or None when not measured (n = 0)."""
    if not isinstance(m, dict) or not isinstance(m.get("n"), int):
        raise BadInput(f"{where}: not a metric object with an integer n")
    if m["n"] == 0:
        return None
    median, samples = m.get("median"), m.get("samples")
    if not (is_number(median) and isinstance(samples, list) and all(map(is_number, samples))):
        raise BadInput(f"{where}: n = {m['n']} without a numeric median and samples")
    rounds = m.get("sample_rounds")
    if rounds is not None and not (isinstance(rounds, list) and len(rounds) == len(samples)
                                   and all(isinstance(r, int) for r in rounds)):
        raise BadInput(f"{where}: sample_rounds is not one round number per sample")
    return Measured(float(median), tuple(float(s) for s in samples),
                    None if rounds is None else tuple(rounds))


def measurements(summary, path):
    """{(section.metric, loader, N): Measured or None}, in file order."""
    out = {}
    for i, group in enumerate(summary["results"]):
        group = group if isinstance(group, dict) else {}
        loader, n = group.get("loader"), group.get("instances")
        if not isinstance(loader, str) or not isinstance(n, int):
            raise BadInput(f"{path}: results[{i}]: no loader name and instance count")
        for section in SECTIONS:
            metrics = group.get(section, {})
            if not isinstance(metrics, dict):
                raise BadInput(f"{path}: {loader} N={n}: {section} is not an object")
            for name, m in metrics.items():
                where = f"{path}: {loader} N={n} {section}.{name}"
                out[(f"{section}.{name}", loader, n)] = parse_metric(m, where)
    return out


# --- statistics -------------------------------------------------------------

def permutation_test(a, b, config):
    """Two-sided permutation test on the difference of the means of a and b."""
    if min(len(a), len(b)) < 2:
        return Significance(None, 1.0)
    pool, na = list(a) + list(b), len(a)
    total, nb = sum(pool), len(pool) - na

    def spread(s):
        return abs(s / na - (total - s) / nb)

    # Sums of the same values in another order may round apart.
    observed = spread(sum(a)) - 1e-9 * max(map(abs, pool))
    splits = math.comb(len(pool), na)
    exact = splits <= config.exact_limit
    # Exact: the observed split and, with equal sides, its mirror image.
    floor = min(1.0, (2 if na == nb else 1) / splits) if exact else 1 / (config.resamples + 1)
    if observed <= 0:
        return Significance(1.0, floor)  # every split is at least as extreme
    if exact:
        hits = sum(1 for c in itertools.combinations(pool, na) if spread(sum(c)) >= observed)
        return Significance(hits / splits, floor)
    rng = random.Random(config.seed)
    hits = 0
    for _ in range(config.resamples):
        rng.shuffle(pool)
        hits += spread(sum(pool[:na])) >= observed
    return Significance((hits + 1) / (config.resamples + 1), floor)


def percent_change(base, cur):
    if base == 0:
        return 0.0 if cur == 0 else math.copysign(math.inf, cur)
    return (cur - base) / abs(base) * 100


def judge(change, test, rule, alpha):
    if abs(change) <= rule.threshold:
        return "ok"
    if test.decides(alpha) and test.p >= alpha:
        return "ok"  # beyond the threshold, but within the rounds' noise
    return "regressed" if change > 0 else "improved"


def unit_of(metric):
    return UNITS.get(metric) or UNITS[metric.split(".")[0]]


def compare_one(key, unit, rule, base, cur, config, missing_fails):
    metric, loader, n = key
    if cur is None:
        return Row(metric, loader, n, unit, rule, base, None, None, None, "missing",
                   rule.gate or missing_fails)
    change = percent_change(base.median, cur.median)
    test = permutation_test(base.samples, cur.samples, config)
    verdict = judge(change, test, rule, config.alpha)
    return Row(metric, loader, n, unit, rule, base, cur, change, test, verdict,
               verdict == "regressed" and rule.gate)


def ratio_of(meas, metric, numerator, denominator, n):
    """The per-round ratio of two loaders' samples (paired by round)."""
    a, b = meas.get((metric, numerator, n)), meas.get((metric, denominator, n))
    if a is None or b is None or b.median == 0:
        return None
    if a.rounds is not None and b.rounds is not None:
        # A round one loader lost to a failure has no partner in the other.
        theirs = dict(zip(b.rounds, b.samples))
        ratios = tuple(x / theirs[r] for r, x in zip(a.rounds, a.samples) if theirs.get(r))
        if ratios:
            return Measured(statistics.median(ratios), ratios)
        return Measured(a.median / b.median, ())
    if len(a.samples) == len(b.samples) and all(b.samples):
        ratios = tuple(x / y for x, y in zip(a.samples, b.samples))
        return Measured(statistics.median(ratios), ratios)
    return Measured(a.median / b.median, ())  # rounds cannot be paired


def groups(meas):
    return {(loader, n) for _, loader, n in meas}


def compare_metrics(base, cur, config, warnings):
    common = groups(base) & groups(cur)
    keys = [k for k in base if (k[1], k[2]) in common]
    if not any(k in cur for k in keys):
        raise BadInput("no metric in common between the two runs")
    order = {m: i for i, m in enumerate(dict.fromkeys(k[0] for k in keys))}
    rows, neither, new = [], set(), set()
    for key in sorted(keys, key=lambda k: (order[k[0]], k[1], k[2])):
        metric = key[0]
        if base[key] is None:
            (new if cur.get(key) is not None else neither).add(metric)
            continue
        rule = config.rules.get(metric, config.default)
        missing_fails = config.missing_fails[metric.split(".")[0]]
        rows.append(compare_one(key, unit_of(metric), rule, base[key], cur.get(key), config,
                                missing_fails))
    new |= {k[0] for k, m in cur.items() if (k[1], k[2]) in common and k not in base and m}
    if neither:
        warnings.append(f"not measured in either run: {', '.join(sorted(neither))}")
    if new:
        warnings.append(f"measured in the current run only: {', '.join(sorted(new))}")
    return rows


def compare_ratios(base, cur, config, warnings):
    common = groups(base) & groups(cur)
    rows = []
    for r in config.ratios:
        counts = {n for loader, n in common if loader == r.numerator}
        for n in sorted(c for c in counts if (r.denominator, c) in common):
            key = (r.metric, f"{r.numerator}/{r.denominator}", n)
            b, c = (ratio_of(m, r.metric, r.numerator, r.denominator, n) for m in (base, cur))
            if b is None:
                if c is None:
                    warnings.append(f"{r.metric} {key[1]} N={n}: not measured in either run")
                continue
            rows.append(compare_one(key, UNITS["ratio"], r.rule, b, c, config, False))
    return rows


def dig(data, path):
    for name in path:
        data = data.get(name) if isinstance(data, dict) else None
    return data


def failed_guests(summary):
    """{(loader, N): guests that failed to boot or be measured}."""
    return {(g["loader"], g["instances"]): g.get("failed") if is_number(g.get("failed")) else 0
            for g in summary["results"]}


def image_warnings(base, cur):
    """An image's digests differ (compared with the best digest both runs recorded),
    or cannot be compared: one run recorded SHA-256, the other (older) FNV-1a only."""
    warnings = []
    for image in IMAGES:
        path = ("context", image)
        common = [d for d in DIGESTS if dig(base, path + (d,)) is not None
                  and dig(cur, path + (d,)) is not None]
        if common:
            before, after = dig(base, path + (common[0],)), dig(cur, path + (common[0],))
            if before != after:
                warnings.append(f"context differs: {image} {common[0]}: {before} -> {after}")
            continue
        recorded = [[d for d in DIGESTS if dig(run, path + (d,)) is not None]
                    for run in (base, cur)]
        if any(recorded):
            said = [f"{side} {', '.join(r) if r else 'no digest'}"
                    for side, r in zip(("baseline", "current run"), recorded)]
            warnings.append(f"{image} identity not comparable: {'; '.join(said)}")
    return warnings


def page_cache_mode(summary):
    """--cache: context.page_cache's "mode" (an object of counts since --cache; a bare
    "warm" before)."""
    page_cache = dig(summary, ("context", "page_cache"))
    return page_cache.get("mode") if isinstance(page_cache, dict) else page_cache


def page_cache_warnings(base, cur):
    """The modes differ, or the current cold run left image pages resident at launch."""
    warnings = []
    if page_cache_mode(base) != page_cache_mode(cur):
        warnings.append(f"context differs: page cache: {page_cache_mode(base)} -> "
                        f"{page_cache_mode(cur)}")
    launch = dig(cur, ("context", "page_cache", "resident_at_launch"))
    if page_cache_mode(cur) == "cold" and isinstance(launch, dict) and \
            launch.get("rounds_with_pages"):
        warnings.append(f"current run: --cache cold left image pages resident at "
                        f"{launch['rounds_with_pages']} of {launch.get('rounds')} launches "
                        f"(at most {launch.get('max')})")
    return warnings


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def round_warnings(summary):
    """summary/4: the rounds a failed guest took out of the memory figures or the boot
    times, and the boot times that are only lower bounds (censored at the timeout)."""
    warnings = []
    for g in summary["results"]:
        said = []
        for section, metric in (("memory_kb", "uss"), ("trace_ms", "linux_start_user")):
            m = dig(g, (section, metric)) or {}
            if is_number(m.get("excluded")) and m["excluded"]:
                said.append(f"{section}: {plural(m['excluded'], 'round')} excluded")
            if is_number(m.get("censored")) and m["censored"]:
                bound = ", the median a lower bound" if m.get("lower_bound") else ""
                said.append(f"{section}.{metric}: {plural(m['censored'], 'round')} censored "
                            f"at the timeout{bound}")
        if said:
            warnings.append(f"current run: {g.get('loader')} N={g.get('instances')}: "
                            + "; ".join(said))
    return warnings


def context_warnings(base, cur):
    warnings = image_warnings(base, cur)
    warnings += [f"context differs: {label}: {dig(base, path)} -> {dig(cur, path)}"
                 for label, path in CONTEXT_CHECKS if dig(base, path) != dig(cur, path)]
    warnings += page_cache_warnings(base, cur)
    before = failed_guests(base)
    for (loader, n), failed in failed_guests(cur).items():
        if failed > before.get((loader, n), 0):
            warnings.append(f"current run: {loader} N={n}: {failed} guest(s) failed")
    return warnings + round_warnings(cur)


def compare(base_summary, cur_summary, config, paths):
    base, cur = measurements(base_summary, paths[0]), measurements(cur_summary, paths[1])
    warnings = context_warnings(base_summary, cur_summary)  # results checked by measurements()
    for label, only in (("baseline", groups(base) - groups(cur)),
                        ("current run", groups(cur) - groups(base))):
        if only:
            warnings.append(f"groups in the {label} only: "
                            f"{', '.join(f'{l} N={n}' for l, n in sorted(only))}")
    rows = compare_metrics(base, cur, config, warnings)
    rows += compare_ratios(base, cur, config, warnings)
    return Report(rows, warnings, config.alpha)


# --- output ------------------------------------------------------------------

def fmt_number(v):
    if v == int(v) and abs(v) < 1e12:
        return str(int(v))
    return f"{v:.1f}" if abs(v) >= 100 else f"{v:.3f}" if abs(v) >= 1 else f"{v:.4g}"


def fmt_measured(m, unit):
    return "-" if m is None else f"{fmt_number(m.median)} {unit}"


def fmt_change(change):
    return "-" if change is None else f"{change:+.1f}%"


def fmt_p(test, alpha):
    if test is None or test.p is None:
        return "n/a"
    return f"{test.p:.3f}" + ("" if test.decides(alpha) else "*")


def fmt_gate(row):
    return "FAIL" if row.fails else "pass" if row.rule.gate else "info"


# header, alignment, cell: adding a column is one line.
COLUMNS = (
    ("metric", "<", lambda r, a: r.metric),
    ("loader", "<", lambda r, a: r.loader),
    ("N", ">", lambda r, a: str(r.n)),
    ("baseline", ">", lambda r, a: fmt_measured(r.base, r.unit)),
    ("current", ">", lambda r, a: fmt_measured(r.cur, r.unit)),
    ("change", ">", lambda r, a: fmt_change(r.change)),
    ("limit", ">", lambda r, a: f"{r.rule.threshold:g}%"),
    ("p", ">", lambda r, a: fmt_p(r.test, a)),
    ("verdict", "<", lambda r, a: r.verdict),
    ("gate", "<", lambda r, a: fmt_gate(r)),
)


def render_table(rows, alpha):
    cells = [[h for h, _, _ in COLUMNS]]
    cells += [[cell(r, alpha) for _, _, cell in COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    aligns = [align for _, align, _ in COLUMNS]
    lines = ["  ".join(f"{c:{a}{w}}" for c, a, w in zip(line, aligns, widths)).rstrip()
             for line in cells]
    if any(r.test and r.test.p is not None and not r.test.decides(alpha) for r in rows):
        lines.append(f"* too few rounds for any p below alpha = {alpha:g}: "
                     "judged on the threshold alone")
    return "\n".join(lines)


def render_summary(report):
    counts = {v: sum(r.verdict == v for r in report.rows)
              for v in ("ok", "regressed", "improved", "missing")}
    failing = sum(r.fails for r in report.rows)
    head = f"compare: FAIL: {failing} gated check(s) failed" if failing else "compare: PASS"
    return (f"{head}; {len(report.rows)} compared: "
            + ", ".join(f"{n} {v}" for v, n in counts.items())
            + f"; {sum(r.rule.gate for r in report.rows)} gated")


def github_entry(row, alpha):
    value = row.cur.median
    entry = {"name": f"{row.metric} {row.loader} N={row.n}", "unit": row.unit,
             "value": int(value) if value == int(value) else value}
    if len(row.cur.samples) >= 2:
        entry["range"] = f"± {fmt_number(statistics.stdev(row.cur.samples))}"
    entry["extra"] = (f"baseline {fmt_measured(row.base, row.unit)}, "
                      f"change {fmt_change(row.change)}, p {fmt_p(row.test, alpha)}, "
                      f"{row.verdict}, {fmt_gate(row)}, rounds {len(row.cur.samples)}")
    return entry


def github_entries(report, include_all):
    return [github_entry(r, report.alpha) for r in report.rows
            if r.cur is not None and (include_all or r.rule.gate)]


def write_atomic(path, text):
    fd, tmp = tempfile.mkstemp(prefix=".compare-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(f.fileno(), 0o644)
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --- main ------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description="Compare two kvm-loadbench summary.json files.")
    p.add_argument("baseline", help="summary.json or results directory of the reference run")
    p.add_argument("current", help="summary.json or results directory of the run to judge")
    p.add_argument("--config", default=DEFAULT_CONFIG, help="thresholds (default: %(default)s)")
    p.add_argument("--github-json", metavar="OUT", help="write customSmallerIsBetter JSON to OUT")
    p.add_argument("--quiet", action="store_true", help="print the summary line only")
    p.add_argument("--all", action="store_true", help="list every row, not only the changed ones")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        config = load_config(args.config)
        summaries = load_summary(args.baseline), load_summary(args.current)
        report = compare(*summaries, config, (args.baseline, args.current))
        if args.github_json:
            entries = github_entries(report, config.github_all)
            write_atomic(args.github_json, json.dumps(entries, indent=2) + "\n")
    except BadInput as e:
        print(f"compare: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:
        print(f"compare: {args.github_json}: {e.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in report.warnings:
        print(f"compare: warning: {warning}", file=sys.stderr)
    sys.stderr.flush()
    shown = [r for r in report.rows if args.all or r.verdict != "ok"]
    if not args.quiet:
        print(render_table(shown, report.alpha) if shown else "no change beyond the thresholds")
    print(render_summary(report))
    return EXIT_REGRESSED if any(r.fails for r in report.rows) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
