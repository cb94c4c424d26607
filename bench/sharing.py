#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where the saving comes from: print summary.json's summary of sharing.csv.

    bench/sharing.py RESULTS_DIR

sharing.csv (written by loadbench) says, for every guest whose VMM mapped
the images, page by page after boot: which pages of each kernel ELF section
and of the initrd stayed the shared page-cache page, which the guest wrote
(copied on write), which it never touched. loadbench summarises it into
summary.json's "sharing" (summary/6, harness/sharing_summary.h: medians over
instances and rounds per region, their sums, the predicted savings next to
the measured ones; build/summary-derive gives an older run one from its
sharing.csv). This writes:

  RESULTS_DIR/plots/data/sharing.dat  per region: MiB shared, copied, untouched
                                      (medians over instances and rounds, at
                                      the largest N), for plots/sharing.gp
  RESULTS_DIR/sharing.md              that table, and the saving it predicts per
                                      instance next to the USS/PSS difference
                                      measured in summary.json, per N

With the page kinds (columns after untouched, from loadbench since they
exist), sharing.md also says why the copied pages were written, per region:
the guest's page against the file's, byte by byte (common/page_kind.h).

Predictions, per instance, against the copy loader (which holds every
image page privately): USS saving = shared + untouched bytes (neither is
private to the VM; with N = 1 only the untouched, since a page-cache page
mapped by one process counts as its own); PSS saving = shared x (N-1)/N +
untouched (a shared page costs each of N sharers 1/N).

What is done here is the tables' layout: the regions ranked, those past the
first 14 folded into one row (their medians summed), a region's shared pages
as a percentage of its pages, and MiB.
"""

import os
import sys

import plotdata as pd

MIB = 1024 * 1024
PAGE = 4096
TOP = 14  # regions listed by name; the rest are summed as "(other sections)"
COUNTS = ("shared", "copied", "untouched")
LOADER = "mmap"  # the loader whose mapped pages are attributed


def write_atomic(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def counts(r, kinds):
    """A region's (or the totals') counts by name; loadbench lists only the page kinds
    that are not 0."""
    return {**{k: r[k] for k in ("pages",) + COUNTS}, **{k: 0 for k in kinds},
            **r.get("kinds", {}), "other_bytes": r.get("other_bytes", 0)}


def per_region(group, kinds):
    """(file, region) -> bytes and the median of every count, as loadbench computed them."""
    return {(r["file"], r["region"]): {"bytes": r["bytes"], **counts(r, kinds)}
            for r in group["regions"]}


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
        other = {k: sum(r[k] for _, r in rest) for k in COUNTS}
        row("(other sections)", sum(r["bytes"] for _, r in rest), other)
    return lines, dat


def number(v):
    """A median of counts: whole, or a half."""
    return f"{v:g}"


def kind_table(regions, kinds, totals):
    """Per region with copied pages: how many of each kind (the kinds that
    occur), and other's differing bytes; "all": loadbench's totals."""
    ranked = sorted(((key, r) for key, r in regions.items() if r["copied"]),
                    key=lambda kv: -kv[1]["copied"])
    if not ranked:
        return ["No page was copied."]
    used = [k for k in kinds if k != "other_bytes" and any(r[k] for _, r in ranked)]
    shown, rest = ranked[:TOP], ranked[TOP:]
    fields = ["copied"] + used + (["other_bytes"] if "other_bytes" in kinds else [])
    heads = ["copied"] + used + (["other bytes"] if "other_bytes" in kinds else [])
    lines = ["| region | " + " | ".join(heads) + " |",
             "| --- |" + " ---: |" * len(heads)]

    def row(name, r):
        lines.append(f"| {name} | " + " | ".join(number(r[k]) for k in fields) + " |")

    for (file, name), r in shown:
        row(name if file == "kernel" else "initrd", r)
    if rest:
        row("(other sections)", {k: sum(r[k] for _, r in rest) for k in fields})
    row("all", totals)
    return lines


KIND_LEGEND = (
    "Each differing byte takes the first kind that holds it: init_freed (memory Linux frees "
    "after boot: init sections, the initrd), data (a writable or non-executable section), "
    "lock_to_ds (a LOCK prefix made a DS prefix on one CPU), then the call sites of "
    ".retpoline_sites (retpoline), .return_sites (return_thunk), .static_call_sites, "
    "__jump_table (jump_label), .parainstructions (paravirt), .ibt_endbr_seal (ibt_seal) and "
    ".altinstructions (alternative), then two byte patterns outside those tables: ftrace_nop (a "
    "call rel32 made the 5-byte NOP, as ftrace_init does to every call __fentry__) and "
    "jump_label_nop (a jmp rel32 or rel8 made the 5- or 2-byte NOP, or back), else other. "
    "A page of one kind is that kind, of several "
    "mixed; unchanged pages were copied with the same bytes; unread ones could not be read "
    "(/proc/PID/mem).")


def prediction_table(groups, summary):
    lines = ["| N | predicted USS saving MiB | measured USS copy - " + LOADER + " MiB | "
             "predicted PSS saving MiB | measured PSS copy - " + LOADER + " MiB |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    for n in summary["config"]["instances"]:
        g = groups.get(n)
        if g is None or not any(g["totals"][k] for k in COUNTS):
            continue
        measured = ["n/a" if g[key] is None else f"{g[key] / 1024:.1f}"
                    for key in ("measured_uss_saving_kb", "measured_pss_saving_kb")]
        lines.append(f"| {n} | {g['predicted_uss_saving_bytes'] / MIB:.1f} | {measured[0]} | "
                     f"{g['predicted_pss_saving_bytes'] / MIB:.1f} | {measured[1]} |")
    return lines


def load_sharing(results):
    """summary.json and its "sharing", or (None, why)."""
    try:
        summary = pd.load_summary(results)
    except pd.SummaryError as e:
        return None, str(e)
    if not isinstance(summary.get("sharing"), dict):
        return None, (f"{results}/summary.json: no summary of sharing.csv (loadbench writes "
                      "one from summary/6 when there is a sharing.csv; build/summary-derive "
                      f"{results} adds it from one)")
    return summary, None


def main(argv):
    if len(argv) != 2:
        print("usage: bench/sharing.py RESULTS_DIR", file=sys.stderr)
        return 2
    results = argv[1]
    summary, why = load_sharing(results)
    if summary is None:
        print(f"sharing: {why}", file=sys.stderr)
        return 2
    sharing = summary["sharing"]
    groups = {g["instances"]: g for g in sharing["groups"] if g["loader"] == LOADER}
    md = ["## Where the saving comes from", ""]
    if not groups:
        md.append("No guest mapped the images (no mmap loader in this run): nothing to attribute.")
        write_atomic(os.path.join(results, "sharing.md"), "\n".join(md) + "\n")
        return 0
    largest = max(groups)
    kinds = tuple(sharing["kinds"])
    regions = per_region(groups[largest], kinds)
    table, dat = region_table(regions)
    md += [f"Pages of the images the {LOADER} loader mapped, after boot, at N = {largest} "
           "(medians over instances and rounds): still the shared page-cache page, copied on "
           "write by the guest, or never touched. From /proc/PID/pagemap (sharing.csv).", ""]
    md += table + [""]
    if kinds:
        md += [f"Why the copied pages were written, at N = {largest} (pages, medians over "
               "instances and rounds, so a row's kinds need not add up to its copied "
               "median; other bytes: the bytes of kind other in all its pages). "
               + KIND_LEGEND, ""]
        md += kind_table(regions, kinds + ("other_bytes",),
                         counts(groups[largest]["totals"], kinds)) + [""]
    md += ["Predicted saving per instance against copy (USS: shared + untouched bytes, only "
           "the untouched at N = 1; PSS: shared x (N-1)/N + untouched) next to what "
           "summary.json measured:", ""]
    md += prediction_table(groups, summary) + [""]
    os.makedirs(os.path.join(results, "plots", "data"), exist_ok=True)
    write_atomic(os.path.join(results, "plots", "data", "sharing.dat"), "\n".join(dat) + "\n")
    write_atomic(os.path.join(results, "sharing.md"), "\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
