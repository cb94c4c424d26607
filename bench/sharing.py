#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where the saving comes from: summarise RESULTS_DIR/sharing.csv.

    bench/sharing.py RESULTS_DIR

sharing.csv (written by loadbench) says, for every guest whose VMM mapped
the images, page by page after boot: which pages of each kernel ELF section
and of the initrd stayed the shared page-cache page, which the guest wrote
(copied on write), which it never touched. This writes:

  RESULTS_DIR/plots/data/sharing.dat  per region: MiB shared, copied, untouched
                                      (medians over instances and rounds, at
                                      the largest N), for plots/sharing.gp
  RESULTS_DIR/sharing.md              that table, and the saving it predicts per
                                      instance next to the USS/PSS difference
                                      measured in summary.json, per N

Predictions, per instance, against the copy loader (which holds every
image page privately): USS saving = shared + untouched bytes (neither is
private to the VM; with N = 1 only the untouched, since a page-cache page
mapped by one process counts as its own); PSS saving = shared x (N-1)/N +
untouched (a shared page costs each of N sharers 1/N).
"""

import csv
import json
import os
import statistics
import sys

MIB = 1024 * 1024
PAGE = 4096
TOP = 14  # regions listed by name; the rest are summed as "(other sections)"


def write_atomic(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_rows(results):
    path = os.path.join(results, "sharing.csv")
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def per_region(rows, loader, n):
    """region -> (bytes, median shared, copied, untouched pages) for (loader, N)."""
    samples = {}
    for r in rows:
        if r["loader"] != loader or int(r["instances"]) != n:
            continue
        key = (r["file"], r["region"])
        s = samples.setdefault(key, {"bytes": int(r["bytes"]), "shared": [], "copied": [],
                                     "untouched": []})
        for k in ("shared", "copied", "untouched"):
            s[k].append(int(r[k]))
    return {key: {"bytes": s["bytes"], **{k: statistics.median(s[k])
                                          for k in ("shared", "copied", "untouched")}}
            for key, s in samples.items()}


def totals(regions):
    return {k: sum(r[k] for r in regions.values()) for k in ("shared", "copied", "untouched")}


def summary_mem(summary, loader, n, metric):
    for g in summary["results"]:
        if g["loader"] == loader and g["instances"] == n:
            return g["memory_kb"][metric]["median"]
    return None


def region_table(regions):
    ranked = sorted(regions.items(), key=lambda kv: -(kv[1]["shared"] + kv[1]["copied"] +
                                                      kv[1]["untouched"]))
    shown, rest = ranked[:TOP], ranked[TOP:]
    lines = ["| region | size MiB | shared MiB | copied on write MiB | untouched MiB | % shared |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    dat = ["# region shared_mib copied_mib untouched_mib"]

    def row(name, size, r):
        pages = r["shared"] + r["copied"] + r["untouched"]
        pct = f"{100 * r['shared'] / pages:.0f}" if pages else "n/a"
        lines.append(f"| {name} | {size / MIB:.2f} | {r['shared'] * PAGE / MIB:.2f} | "
                     f"{r['copied'] * PAGE / MIB:.2f} | {r['untouched'] * PAGE / MIB:.2f} | {pct} |")
        dat.append(f"{name.replace(' ', '_')} {r['shared'] * PAGE / MIB:.3f} "
                   f"{r['copied'] * PAGE / MIB:.3f} {r['untouched'] * PAGE / MIB:.3f}")

    for (file, name), r in shown:
        row(name if file == "kernel" else "initrd", r["bytes"], r)
    if rest:
        other = {k: sum(r[k] for _, r in rest) for k in ("shared", "copied", "untouched")}
        row("(other sections)", sum(r["bytes"] for _, r in rest), other)
    return lines, dat


def prediction_table(rows, summary, loader):
    lines = ["| N | predicted USS saving MiB | measured USS copy - " + loader + " MiB | "
             "predicted PSS saving MiB | measured PSS copy - " + loader + " MiB |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    for n in summary["config"]["instances"]:
        t = totals(per_region(rows, loader, n))
        if not any(t.values()):
            continue
        shared, untouched = t["shared"] * PAGE / MIB, t["untouched"] * PAGE / MIB
        measured = []
        for metric in ("uss", "pss"):
            c, m = summary_mem(summary, "copy", n, metric), summary_mem(summary, loader, n, metric)
            measured.append("n/a" if c is None or m is None else f"{(c - m) / 1024:.1f}")
        # Alone, a VM's page-cache pages count as its own (Private_Clean).
        uss = (shared if n > 1 else 0) + untouched
        lines.append(f"| {n} | {uss:.1f} | {measured[0]} | "
                     f"{shared * (n - 1) / n + untouched:.1f} | {measured[1]} |")
    return lines


def main(argv):
    if len(argv) != 2:
        print("usage: bench/sharing.py RESULTS_DIR", file=sys.stderr)
        return 2
    results = argv[1]
    rows = load_rows(results)
    if rows is None:
        print(f"sharing: {results}/sharing.csv: missing", file=sys.stderr)
        return 2
    summary = json.load(open(os.path.join(results, "summary.json")))
    loader = "mmap"
    counts = sorted({int(r["instances"]) for r in rows if r["loader"] == loader})
    md = ["## Where the saving comes from", ""]
    if not counts:
        md.append("No guest mapped the images (no mmap loader in this run): nothing to attribute.")
        write_atomic(os.path.join(results, "sharing.md"), "\n".join(md) + "\n")
        return 0
    largest = counts[-1]
    regions = per_region(rows, loader, largest)
    table, dat = region_table(regions)
    md += [f"Pages of the images the {loader} loader mapped, after boot, at N = {largest} "
           "(medians over instances and rounds): still the shared page-cache page, copied on "
           "write by the guest, or never touched. From /proc/PID/pagemap (sharing.csv).", ""]
    md += table + [""]
    md += ["Predicted saving per instance against copy (USS: shared + untouched bytes, only "
           "the untouched at N = 1; PSS: shared x (N-1)/N + untouched) next to what "
           "summary.json measured:", ""]
    md += prediction_table(rows, summary, loader) + [""]
    os.makedirs(os.path.join(results, "plots", "data"), exist_ok=True)
    write_atomic(os.path.join(results, "plots", "data", "sharing.dat"), "\n".join(dat) + "\n")
    write_atomic(os.path.join(results, "sharing.md"), "\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
