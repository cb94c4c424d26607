#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The knobs sweep's table (bench/sweep.sh knobs): one row per guest
configuration, from that configuration's loadbench run.

    bench/knobs_table.py DIR N LOADERS

DIR/knobs.tsv lists the configurations, one a line, tab-separated: name,
run directory (relative to DIR), vCPUs, extra command line, security cost.
For each, at N instances, per loader of LOADERS (comma-separated; copy
and mmap among them): the USS, PSS and linux_start_user medians and the
instances booted, as summary.json has them; and from sharing.csv, for one mmap guest (the first it lists at N),
the image pages it kept out of its private memory (shared + untouched; a
lone guest's page-cache pages count as its own, so at N=1 only the
untouched) and its kernel .text pages shared, copied and untouched. Nothing
is averaged here: loadbench computed every statistic once.

Writes DIR/knobs.dat (whitespace-separated, n/a where missing) and
DIR/knobs.md, and prints the markdown. Exits 1 if a run holds another
configuration than its line names (a reused --out).
"""

import csv
import json
import os
import sys

import plotdata as pd

PAGES_PER_MIB = 256  # 4 KiB pages


class Mismatch(Exception):
    pass


def load_summary(run):
    path = os.path.join(run, "summary.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def mib(metric):
    v = metric["median"] if metric else None
    return "n/a" if v is None else f"{v / 1024:.2f}"


def ms(metric):
    v = metric["median"] if metric else None
    if v is None:
        return "n/a"
    # A median over boots cut at the timeout is only a lower bound.
    return (">=" if metric["lower_bound"] else "") + f"{v:.1f}"


def one_guest(run, loader, n):
    """sharing.csv's rows of the first guest of loader at N it lists."""
    path = os.path.join(run, "sharing.csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["loader"] == loader and int(r["instances"]) == n]
    if not rows:
        return []
    first = (rows[0]["round"], rows[0]["instance"])
    return [r for r in rows if (r["round"], r["instance"]) == first]


def pages(rows, field, pick=lambda r: True):
    return sum(int(r[field]) for r in rows if pick(r))


def sharing_cells(run, n):
    """kept MiB and .text shared/copied/untouched pages of one mmap guest."""
    rows = one_guest(run, "mmap", n)
    if not rows:
        return ["n/a"] * 4
    kept = pages(rows, "untouched") + (pages(rows, "shared") if n > 1 else 0)
    text = [pages(rows, c, lambda r: r["file"] == "kernel" and r["region"] == ".text")
            for c in ("shared", "copied", "untouched")]
    return [f"{kept / PAGES_PER_MIB:.2f}"] + [str(t) for t in text]


def saved_and_ratio(summary, n):
    """copy - mmap USS median (MiB) and mmap/copy linux_start_user, as loadbench gave them."""
    uss = pd.comparison(summary, "copy", "mmap", n, "memory_kb", "uss")
    user = pd.comparison(summary, "copy", "mmap", n, "trace_ms", "linux_start_user")
    saved = "n/a" if uss is None else f"{-uss['median_difference'] / 1024:.1f}"
    ratio = "n/a"
    if user is not None and user["candidate_over_base"] is not None:
        ratio = (">=" if user["lower_bound"] else "") + f"{user['candidate_over_base']:.2f}"
    return saved, ratio


def check_config(summary, name, vcpus, cmdline):
    c = summary["config"]
    if c["vcpus"] != vcpus or c["cmdline_extra"] != cmdline:
        raise Mismatch(f"{name}: its run has --vcpus {c['vcpus']} and command line "
                       f"'{c['cmdline_extra']}', not {vcpus} and '{cmdline}' (a reused --out?)")


def row(base, name, rel, vcpus, cmdline, n, loaders):
    """(.dat cells, markdown cells) of one configuration."""
    run = os.path.join(base, rel)
    summary = load_summary(run)
    if summary is None:
        return None
    check_config(summary, name, vcpus, cmdline)
    groups = {l: pd.group(summary, l, n) for l in loaders}
    mem = {(l, m): mib(g["memory_kb"][m] if g else None) for l, g in groups.items()
           for m in ("uss", "pss")}
    user = {l: ms(g["trace_ms"]["linux_start_user"] if g else None) for l, g in groups.items()}
    booted = {l: (f"{g['booted']} of {g['launched']}" if g else "n/a") for l, g in groups.items()}
    share = sharing_cells(run, n)
    saved, ratio = saved_and_ratio(summary, n)
    density = {l: (f"{g['density']['vms_per_gib_pss']:.1f}"
                   if g and g.get("density", {}).get("vms_per_gib_pss") is not None else "n/a")
               for l, g in groups.items()}
    dat = [name, str(vcpus), str(n)]
    dat += [mem[l, "uss"] for l in loaders] + [mem[l, "pss"] for l in loaders]
    dat += [share[0]] + [user[l] for l in loaders] + share[1:]
    dat += [booted[l].replace(" of ", "/") for l in loaders]
    dat += [saved, ratio] + [density[l] for l in loaders]
    capped = ""
    ksm = groups.get("mmap-ksm")
    if ksm and ksm.get("ksm") and ksm["ksm"]["rounds_capped"]:
        # Sampled before ksmd had settled: its USS and PSS are upper bounds.
        capped = f"; mmap-ksm sampled before ksmd settled in {ksm['ksm']['rounds_capped']} rounds"
    md = [f"`{name}`", f"`{cmdline}`" if cmdline else "", str(vcpus)]
    md += [" / ".join(mem[l, m] for l in loaders) for m in ("uss", "pss")]
    md += [saved, " / ".join(density[l] for l in loaders), share[0], " / ".join(user[l] for l in loaders), ratio, " / ".join(share[1:]),
           " / ".join(booted[l] for l in loaders) + capped]
    return dat, md


def header(summary, n, loaders):
    ctx, cfg = summary["context"], summary["config"]
    initrd = ctx.get("initrd")
    lines = ["# Knobs, with their price", "",
             f"Kernel `{ctx['kernel']['path']}`, initrd "
             f"{'`' + initrd['path'] + '`' if initrd else 'none'}; N={n} guests of "
             f"{cfg['mem_mib']} MiB at once per loader ({', '.join(loaders)}), "
             f"rounds {cfg['rounds']}; KVM: {ctx['kvm_mode']}; {ctx['date']}. Figures are "
             "loadbench's medians over the rounds (summary.json), per guest; MiB = 2^20 bytes."]
    if ctx["kvm_mode"] in ("rig", "emulated"):
        lines += ["", f"KVM {ctx['kvm_mode']}: boot times are emulation-scaled; compare the "
                  "loaders within a row, not the milliseconds."]
    return lines


LEGEND = [
    "",
    "Cells with several figures give them per loader, in the order of the header. "
    "*kept*: image MiB one mmap guest kept out of its private memory (sharing.csv: "
    "kernel and initrd pages still shared with the page cache, or never touched; at N=1 "
    "only the untouched), for the first mmap guest sharing.csv lists at N. *.text*: that "
    "guest's kernel .text pages shared / copied on write / untouched. *booted*: guests "
    "booted of those launched over the rounds. *USS saved* and the boot-time ratio: "
    "summary.json's copy -> mmap comparisons (differences and ratios of the medians).",
]


def main(argv):
    if len(argv) != 4:
        print("usage: bench/knobs_table.py DIR N LOADERS", file=sys.stderr)
        return 2
    base, n, loaders = argv[1], int(argv[2]), argv[3].split(",")
    with open(os.path.join(base, "knobs.tsv"), newline="") as f:
        knobs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    heads = ["configuration", "extra command line", "vCPUs",
             "USS MiB " + " / ".join(loaders), "PSS MiB " + " / ".join(loaders),
             "USS saved MiB (copy - mmap)", "VMs per GiB (PSS) " + " / ".join(loaders),
             "kept MiB",
             "linux_start_user ms " + " / ".join(loaders), "mmap/copy linux_start_user",
             ".text pages shared / copied / untouched", "booted " + " / ".join(loaders),
             "security cost"]
    dat = ["# knob vcpus instances " + " ".join(f"{l}_uss_mib" for l in loaders) + " " +
           " ".join(f"{l}_pss_mib" for l in loaders) + " kept_mib " +
           " ".join(f"{l}_user_ms" for l in loaders) +
           " text_shared text_copied text_untouched " +
           " ".join(f"{l}_booted" for l in loaders) + " uss_saved_mib mmap_over_copy_user " +
           " ".join(f"{l}_vms_per_gib" for l in loaders)]
    md_rows, first = [], None
    try:
        for name, rel, vcpus, cmdline, cost in knobs:
            cells = row(base, name, rel, int(vcpus), cmdline, n, loaders)
            if cells is None:
                md_rows.append(f"| `{name}` | | {vcpus} | no results: loadbench failed "
                               f"(see {rel}) | | | | | | | | | {cost} |")
                continue
            first = first or load_summary(os.path.join(base, rel))
            dat.append(" ".join(cells[0]))
            md_rows.append("| " + " | ".join(cells[1] + [cost]) + " |")
    except Mismatch as e:
        print(f"knobs_table: {e}", file=sys.stderr)
        return 1
    md = (header(first, n, loaders) if first else ["# Knobs, with their price"]) + [""]
    md += ["| " + " | ".join(heads) + " |", "|" + " --- |" * 3 + " ---: |" * 9 + " --- |"]
    md += md_rows + LEGEND
    with open(os.path.join(base, "knobs.dat"), "w") as f:
        f.write("\n".join(dat) + "\n")
    with open(os.path.join(base, "knobs.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
