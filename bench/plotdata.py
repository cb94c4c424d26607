#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn a loadbench results directory into gnuplot data files.

    bench/plotdata.py RESULTS_DIR

Reads RESULTS_DIR/summary.json (schema kvm-loadbench/summary/1 to /6) and writes
RESULTS_DIR/plots/data/{memory,boot,loadphase}.dat and context.txt, each
atomically (temporary file, then rename). The plots/*.gp scripts draw them.

Data files are whitespace-separated with a commented header; one block per
loader (gnuplot "index 0", "index 1", ...), in the run's loader order;
strings are double-quoted. A value that was not measured (n = 0) is written
as n/a and the scripts skip it: never a made-up zero.

Every figure comes from summary.json as loadbench computed it; the ratios of
the load phase from its "comparisons" (summary/6, or an older summary given
them by build/summary-derive): without them they are n/a.

report.py imports the helpers here (summary loading, metric and comparison
access, the atomic write), so both read summary.json the same way.
"""

import json
import os
import sys
import tempfile

# 2 adds context.resumes and context.rig_restarts (a run resumed after the
# nested rig stalled or crashed); 3 records the images' SHA-256 ("sha256") in
# place of FNV-1a ("fnv1a64"); 4 counts failed instances: each round's instances by
# status, per metric the rounds excluded for a failure and the samples censored at
# the timeout (lower bounds), boot times per round as medians over all instances
# (harness/summary.h); 5 times every VMM from its exec through tracefs and
# counts how (context.timing); 6 adds the merging loaders' wait for ksmd (per
# group "ksm", null for the other loaders) and what the scripts used to compute
# themselves: "comparisons" (medians, their ratios, Welch's intervals, the
# saving the images predict), "sharing" (sharing.csv's medians) and
# context.kernel_elf (harness/summary_json.h). Older runs still read; the
# three computed fields are what build/summary-derive gives them, keeping their
# schema. compare.py uses this list.
SCHEMAS = ("kvm-loadbench/summary/1", "kvm-loadbench/summary/2", "kvm-loadbench/summary/3",
           "kvm-loadbench/summary/4", "kvm-loadbench/summary/5", "kvm-loadbench/summary/6")
KB_PER_MB = 1024.0  # MB = 2^20 bytes, as smem -k and tables.md print them
NA = "n/a"
BOOT_POINTS = ("vmm_init_end", "linux_start_kernel", "linux_start_user")


class SummaryError(Exception):
    """summary.json is missing, unreadable or not the schema we know."""


def load_summary(results_dir):
    path = os.path.join(results_dir, "summary.json")
    try:
        with open(path, encoding="utf-8") as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        raise SummaryError(f"{path}: {e}") from e
    if not isinstance(summary, dict) or summary.get("schema") not in SCHEMAS:
        raise SummaryError(f"{path}: not a {' or '.join(SCHEMAS)} summary")
    return summary


def atomic_write(path, text):
    """Write text to path so that readers see the old file or the new one, never half."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def loaders(summary):
    return list(summary["config"]["loaders"])


def instance_counts(summary):
    return sorted(summary["config"]["instances"])


def group(summary, loader, instances):
    """The result group of (loader, N), or None if the run has none."""
    for g in summary["results"]:
        if g["loader"] == loader and g["instances"] == instances:
            return g
    return None


def metric(summary, loader, instances, section, name):
    """A metric dict {n, median, ci95, ...}, or None when it was not measured."""
    g = group(summary, loader, instances)
    m = g.get(section, {}).get(name) if g else None
    if not m or not m.get("n") or m.get("median") is None:
        return None
    return m


def has_comparisons(summary):
    """summary/6's comparisons are there (loadbench's, or summary-derive's for older runs)."""
    return isinstance(summary.get("comparisons"), list)


def comparison(summary, base, candidate, instances, section, name):
    """loadbench's comparison of candidate against base at N for a metric (summary/6:
    medians, their difference and ratios, Welch's interval, a predicted saving), or None
    when the run has none: not compared, or not measured by both."""
    for c in summary.get("comparisons") or ():
        if (c["base"], c["candidate"], c["instances"], c["section"], c["metric"]) == \
                (base, candidate, instances, section, name):
            return c
    return None


def basename_or_none(image):
    if not image or not image.get("path"):
        return "none"
    return os.path.basename(image["path"])


def is_scaled_timing(summary):
    """True when guest timings are emulation- or TCG-scaled (only ratios mean something)."""
    return summary["context"].get("kvm_mode") in ("emulated", "rig")


# ---- number formatting -------------------------------------------------------------------


def num(value, scale=1.0):
    return NA if value is None else f"{value / scale:.6f}"


def quoted(text):
    return '"' + str(text).replace('"', "'") + '"'


def row(*cells):
    return " ".join(str(c) for c in cells) + "\n"


def header(title, columns, notes=()):
    lines = [f"# kvm-loadbench {title}"]
    lines += [f"# {n}" for n in notes]
    lines.append("# " + " ".join(columns))
    return "\n".join(lines) + "\n"


def blocks(parts):
    """gnuplot blocks: two blank lines between them."""
    return "\n\n".join(parts)


# ---- memory.dat --------------------------------------------------------------------------

MEMORY_COLUMNS = (
    "loader", "instances", "uss_mb", "uss_ci95_mb", "uss_min_mb", "uss_max_mb",
    "pss_mb", "pss_ci95_mb", "pss_min_mb", "pss_max_mb", "rounds",
)


def memory_row(summary, loader, n):
    cells = [quoted(loader), n]
    rounds = 0
    for name in ("uss", "pss"):
        m = metric(summary, loader, n, "memory_kb", name)
        if m is None:
            cells += [NA] * 4
            continue
        rounds = max(rounds, m["n"])
        cells += [num(m["median"], KB_PER_MB), num(m.get("ci95") or 0.0, KB_PER_MB),
                  num(m["min"], KB_PER_MB), num(m["max"], KB_PER_MB)]
    return row(*cells, rounds)


def memory_dat(summary):
    head = header("memory per instance [MB = 2^20 bytes]", MEMORY_COLUMNS, (
        "median across rounds of the per-instance mean; "
        "ci95: half-width of the 95% CI across rounds",
        "USS = Private_Clean + Private_Dirty, PSS = Pss (smaps_rollup); n/a: not measured",
        "one block per loader (gnuplot index 0, 1, ...)",
    ))
    parts = []
    for loader in loaders(summary):
        rows = [memory_row(summary, loader, n) for n in instance_counts(summary)]
        parts.append(f"# loader {loader}\n" + "".join(rows))
    return head + blocks(parts)


# ---- boot.dat ----------------------------------------------------------------------------

BOOT_COLUMNS = (
    "loader", "instances", "slot",
    "vmm_init_end", "vmm_init_end_ci95",
    "linux_start_kernel", "linux_start_kernel_ci95",
    "linux_start_user", "linux_start_user_ci95",
    "delta_linux_start_kernel", "delta_linux_start_kernel_ci95",
    "delta_linux_start_user", "delta_linux_start_user_ci95",
    "seg_lo_vmm_init_end", "seg_lo_linux_start_kernel", "seg_lo_linux_start_user",
    "top", "top_ci95", "note",
)


def boot_row(summary, loader, n, slot):
    """Absolute points, the measured deltas, and where each stacked segment starts."""
    points = {p: metric(summary, loader, n, "trace_ms", p) for p in BOOT_POINTS}
    cells = [quoted(loader), n, slot]
    for p in BOOT_POINTS:
        m = points[p]
        cells += [num(m and m["median"]), num(m and m.get("ci95", 0.0))]
    for p in BOOT_POINTS[1:]:
        d = metric(summary, loader, n, "delta_ms", p)
        cells += [num(d and d["median"]), num(d and d.get("ci95", 0.0))]
    # A segment runs from the previous point that was measured to its own point,
    # so the stack's top is the median of the last point; a missing point has no segment.
    level, top, missing = 0.0, None, []
    for p in BOOT_POINTS:
        if points[p] is None:
            cells.append(NA)
            missing.append(p)
            continue
        cells.append(num(level))
        level, top = points[p]["median"], points[p]
    note = "n/a: " + ", ".join(missing) + " (not in the stack)" if missing else "-"
    return row(*cells, num(top and top["median"]), num(top and top.get("ci95", 0.0)),
               quoted(note))


def boot_dat(summary):
    n = instance_counts(summary)[0]
    head = header(f"boot trace points [ms since the VMM started], {n} instance(s)", BOOT_COLUMNS, (
        "medians across rounds; *_ci95: half-width of the 95% CI across rounds",
        "delta_*: median of each instance's time from the previous point it reported "
        "(as in tables.md)",
        "stack: segment of point P spans seg_lo_P .. P (previous measured point .. P); "
        "top, top_ci95: the last measured point",
        "n/a: no instance reported it; such a point is left out of the stack, never drawn as 0",
        "one block per loader; slot: bar position",
    ))
    parts = [f"# loader {loader}\n" + boot_row(summary, loader, n, slot)
             for slot, loader in enumerate(loaders(summary))]
    return head + blocks(parts)


# ---- loadphase.dat -----------------------------------------------------------------------

LOADPHASE_COLUMNS = (
    "loader", "instances", "slot", "load_done_ms", "load_done_ci95_ms", "load_done_min_ms",
    "load_done_max_ms", "ratio_to_first", "cluster_top_ms", "ratio_label",
)


def cluster_top(summary, n):
    """The highest bar end (median + ci95) among the loaders at N, for placing labels."""
    tops = [m["median"] + (m.get("ci95") or 0.0)
            for m in (metric(summary, l, n, "trace_ms", "load_done") for l in loaders(summary))
            if m is not None]
    return max(tops) if tops else None


def ratio_text(ratio):
    """3 significant digits, but whole numbers from 100 on (1550x, not 1.55e+03x)."""
    return f"{ratio:.0f}x" if ratio >= 100 else f"{ratio:.3g}x"


def ratio_label(first, loader, ratio):
    return "-" if ratio is None else f"{first}/{loader} = {ratio_text(ratio)}"


def ratio_to_first(summary, first, loader, n, m):
    """first's median / loader's (loadbench's comparison); 1 for first itself."""
    if m is None or m["median"] <= 0:
        return None
    if loader == first:
        return 1.0
    c = comparison(summary, first, loader, n, "trace_ms", "load_done")
    return c and c["base_over_candidate"]


def loadphase_row(summary, loader, n, slot):
    first = loaders(summary)[0]
    m = metric(summary, loader, n, "trace_ms", "load_done")
    ratio = ratio_to_first(summary, first, loader, n, m)
    label = "-" if loader == first else ratio_label(first, loader, ratio)
    return row(quoted(loader), n, slot, num(m and m["median"]), num(m and m.get("ci95", 0.0)),
               num(m and m["min"]), num(m and m["max"]), num(ratio),
               num(cluster_top(summary, n)), quoted(label))


def loading_loaders(summary):
    """The loaders that report a load phase (loadvm's; QEMU has no load_done), or all."""
    found = [l for l in loaders(summary)
             if any(metric(summary, l, n, "trace_ms", "load_done") for n in instance_counts(summary))]
    return found or loaders(summary)


def loadphase_dat(summary):
    first = loaders(summary)[0]
    head = header("load phase: load_done [ms since loadvm started]", LOADPHASE_COLUMNS, (
        "medians across rounds; ci95: half-width of the 95% CI across rounds; n/a: not measured",
        f"ratio_to_first: {first}'s median / this loader's median at the same N",
        "slot: position of N on the x axis (0, 1, ...); one block per loader",
    ))
    parts = []
    for loader in loading_loaders(summary):
        rows = [loadphase_row(summary, loader, n, slot)
                for slot, n in enumerate(instance_counts(summary))]
        parts.append(f"# loader {loader}\n" + "".join(rows))
    return head + blocks(parts)


# ---- context.txt -------------------------------------------------------------------------


def context_line(summary):
    ctx, cfg = summary["context"], summary["config"]
    rounds = cfg.get("rounds")
    parts = [
        f"kernel {basename_or_none(ctx.get('kernel'))}",
        f"initrd {basename_or_none(ctx.get('initrd'))}",
        f"{cfg.get('mem_mib')} MiB",
        f"{rounds} round{'' if rounds == 1 else 's'}",
        f"KVM mode {ctx.get('kvm_mode', 'unknown')}",
        str(ctx.get("date", "undated"))[:10],
    ]
    if ctx.get("qemu"):  # QEMU as the peer: which machine, under which accelerator
        parts.insert(-1, f"QEMU {ctx['qemu'].get('machine')}/{ctx['qemu'].get('accel')}")
    return ", ".join(parts) + "\n"


OUTPUTS = (
    ("memory.dat", memory_dat),
    ("boot.dat", boot_dat),
    ("loadphase.dat", loadphase_dat),
    ("context.txt", context_line),
)


def write_plot_data(results_dir):
    summary = load_summary(results_dir)
    out_dir = os.path.join(results_dir, "plots", "data")
    written = []
    for name, render in OUTPUTS:
        path = os.path.join(out_dir, name)
        atomic_write(path, render(summary))
        written.append(path)
    return written


def main(argv):
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(argv) != 2:
        print("usage: bench/plotdata.py RESULTS_DIR", file=sys.stderr)
        return 2
    try:
        for path in write_plot_data(argv[1]):
            print(path)
    except SummaryError as e:
        print(f"plotdata: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"plotdata: cannot write: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
