#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write RESULTS_DIR/report.md from a loadbench results directory.

    bench/report.py RESULTS_DIR [--seed-check]

The report holds the run's context, a summary in numbers (memory saved per
instance at the largest N, PSS, boot-time differences with 95% CIs, failed
instances), links to plots/{memory,boot,loadphase}.png (made by
bench/plotdata.py and plots/*.gp), tables.md, and sharing.md with its plot
when bench/sharing.py made them (where the saving comes from).

--seed-check also compares the USS saving at the largest N with what the
seed's methodology predicts: the kernel ELF's read-only PT_LOAD bytes plus
the initrd, as loadbench read them from the kernel it ran.

Every figure is loadbench's, from summary.json (harness/comparisons.h and
sharing_summary.h): this only picks and prints them. A summary from before
summary/6 has no comparisons: the report says so in one line in place of the
sections that need them (build/summary-derive RESULTS_DIR gives it them).
"""

import os
import sys

import plotdata as pd
import seed_table

BASE, CANDIDATE = "copy", "mmap"  # the report compares CANDIDATE against BASE
DEFAULT_PAIR = (BASE, CANDIDATE)
# Every (before, after) pair the report compares where the run has both: loadvm's
# loaders, and QEMU's (private copies: the seed's "before"; shared: its "after").
PAIRS = (DEFAULT_PAIR, ("qemu-private", "qemu-shared"))
MB = 1024.0 * 1024.0
SEED_TOLERANCE = 0.25  # a saving within 25% of the expectation "matches"
TRACE_POINTS = ("load_done",) + pd.BOOT_POINTS
PLOTS = (
    ("memory", "Memory per instance (USS solid, PSS dashed) vs concurrent instances"),
    ("boot", "Boot trace points per loader, stacked"),
    ("loadphase", "Load phase (load_done) per loader and instance count"),
)


class CheckError(Exception):
    """Why the seed check could not be made."""


# ---- the numbers -------------------------------------------------------------------------


def mb(kb):
    return kb / pd.KB_PER_MB


def fmt_ms(x):
    return "n/a" if x is None else f"{x:+.2f}"


def largest_compared(summary, name, pair=DEFAULT_PAIR):
    """(N, loadbench's comparison) of a memory metric at the largest N both loaders
    measured it, or (None, None)."""
    for n in reversed(pd.instance_counts(summary)):
        c = pd.comparison(summary, *pair, n, "memory_kb", name)
        if c:
            return n, c
    return None, None


def saved_mb(c):
    """What the candidate saves against the base (medians), in MB."""
    return mb(0.0 - c["median_difference"])  # 0.0 - : no "-0.00"


def saving_pct(c):
    """The candidate's saving against the base in percent of the base."""
    rel = c["relative_difference"]
    return float("nan") if rel is None else 0.0 - 100.0 * rel


def memory_lines(summary, pair=DEFAULT_PAIR):
    base_l, cand_l = pair
    n, uss = largest_compared(summary, "uss", pair)
    if uss is None:
        return [f"- Memory: no instance count where both {base_l} and {cand_l} measured USS."]
    largest = pd.instance_counts(summary)[-1]
    where = f"N={n}" if n == largest else \
        f"N={n} (largest N with both measured; N={largest} is not)"
    lines = [f"- **Memory saved per instance at {where}:** {saved_mb(uss):.2f} MB "
             f"({saving_pct(uss):.1f}%): {cand_l} USS {mb(uss['candidate_median']):.2f} MB vs "
             f"{base_l} USS {mb(uss['base_median']):.2f} MB "
             "(medians across rounds, MB = 2^20 bytes)."]
    pss = pd.comparison(summary, base_l, cand_l, n, "memory_kb", "pss")
    if pss and pss["base_median"]:
        lines.append(f"- **PSS at N={n}:** {cand_l} {mb(pss['candidate_median']):.2f} MB vs "
                     f"{base_l} {mb(pss['base_median']):.2f} MB: "
                     f"{saved_mb(pss):.2f} MB ({saving_pct(pss):.1f}%) less "
                     "per instance.")
    else:
        lines.append(f"- **PSS at N={n}:** n/a (not measured for both loaders).")
    return lines


def point_label(point, pair):
    """QEMU's end of set-up is tabulated as vmm_init_end; it is called qemu_init_end."""
    return "qemu_init_end" if point == "vmm_init_end" and pair != DEFAULT_PAIR else point


def ratio_cell(c):
    if c["lower_bound"]:
        return "n/a (a lower bound)"
    ratio = c["candidate_over_base"]
    return "n/a" if ratio is None else f"{ratio:.3g}"


def interval(c):
    """Welch's 95% interval as loadbench computed it: (low, high), or None."""
    w = c.get("welch")
    return (w["ci95_low"], w["ci95_high"]) if w else None


def boot_row(summary, n, point, pair=DEFAULT_PAIR):
    base_l, cand_l = pair
    label = point_label(point, pair)
    base = pd.metric(summary, base_l, n, "trace_ms", point)
    cand = pd.metric(summary, cand_l, n, "trace_ms", point)
    c = pd.comparison(summary, base_l, cand_l, n, "trace_ms", point)
    if base is None or cand is None or c is None:
        missing = " and ".join(l for l, m in ((base_l, base), (cand_l, cand)) if m is None)
        return f"| `{label}` | {cell(base)} | {cell(cand)} | n/a (not reported by {missing}) | | |"
    if c["censored"]:
        return (f"| `{label}` | {cell(base)} | {cell(cand)} | n/a (boots censored at the "
                f"timeout) | | {ratio_cell(c)} |")
    ci = interval(c)
    ci_text = f"{fmt_ms(ci[0])} .. {fmt_ms(ci[1])}" if ci else "n/a (needs 2 rounds)"
    return (f"| `{label}` | {cell(base)} | {cell(cand)} | {fmt_ms(c['mean_difference'])} "
            f"| {ci_text} | {ratio_cell(c)} |")


def boot_headline(summary, pair=DEFAULT_PAIR):
    """One sentence for the last trace point both loaders reported."""
    base_l, cand_l = pair
    n = pd.instance_counts(summary)[0]
    for point in reversed(TRACE_POINTS):
        c = pd.comparison(summary, base_l, cand_l, n, "trace_ms", point)
        if c and c["base_median"] and not c["censored"]:
            ci = interval(c)
            if ci is None:
                ci_text = "no CI: fewer than 2 rounds"
            else:
                ci_text = f"95% CI {fmt_ms(ci[0])} .. {fmt_ms(ci[1])} ms" + (
                    ", which includes 0: no clear difference" if ci[0] <= 0 <= ci[1] else "")
            return [f"- **Boot, {n} instance{'' if n == 1 else 's'}:** "
                    f"`{point_label(point, pair)}` {cand_l} − "
                    f"{base_l} = {fmt_ms(c['mean_difference'])} ms ({ci_text}); "
                    f"{cand_l}/{base_l} = {c['candidate_over_base']:.2f} (medians). "
                    "Every trace point: below."]
    return [f"- **Boot:** no trace point was reported by both {base_l} and {cand_l}."]


def bounded(m):
    """summary/4: the median itself is only a lower bound."""
    return bool(m and m.get("lower_bound"))


def cell(m):
    return "n/a" if m is None else f"{'>=' if bounded(m) else ''}{m['median']:.2f}"


def boot_lines(summary, pair=DEFAULT_PAIR):
    base_l, cand_l = pair
    n = pd.instance_counts(summary)[0]
    lines = [f"**Boot time, {n} instance{'' if n == 1 else 's'}** (ms since the VMM started; "
             f"{cand_l} − {base_l}: difference of the means across rounds, 95% CI by Welch's "
             "t-interval from each loader's per-round samples; ratio: of the medians)", "",
             f"| trace point | {base_l} median | {cand_l} median | {cand_l} − {base_l} "
             f"| 95% CI of the difference | {cand_l}/{base_l} |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    # QEMU has no load phase of its own to report.
    points = TRACE_POINTS if pair == DEFAULT_PAIR else TRACE_POINTS[1:]
    lines += [boot_row(summary, n, p, pair) for p in points]
    if pd.is_scaled_timing(summary):
        lines += ["", f"KVM mode {summary['context']['kvm_mode']}: these timings are "
                  "emulation-scaled; read the ratios, not the milliseconds."]
    timing = summary["context"].get("timing", {})
    if timing.get("lost_events"):
        lines += ["", f"tracefs lost {timing['lost_events']} events in "
                  f"{plural(timing['rounds_with_lost_events'], 'round')}: the points they "
                  "carried came from the VMMs' own stamps (raw.csv's *_timed_by)."]
    return lines


def boot_ratio(summary, loader, n):
    """loader's linux_start_user median over its pair base's at N (loadbench's comparison)."""
    for base, _ in PAIRS:
        if loader == base:
            return "1 (base)"
        c = pd.comparison(summary, base, loader, n, "trace_ms", "linux_start_user")
        if c and c.get("candidate_over_base") is not None:
            return ("≥" if c.get("lower_bound") else "") + f"{c['candidate_over_base']:.2f} × {base}"
    return "n/a"


def density_rows(summary, n):
    """(loader, density, PSS, USS) of every loader measured at N, from summary.json."""
    rows = []
    for loader in pd.loaders(summary):
        g = pd.group(summary, loader, n)
        d = g.get("density") if g else None
        if d and d.get("vms_per_gib_pss") is not None:
            rows.append((loader, d, pd.metric(summary, loader, n, "memory_kb", "pss"),
                         pd.metric(summary, loader, n, "memory_kb", "uss")))
    return rows


def density_advice(summary, n, rows):
    """One paragraph for a VMM author, from the figures above."""
    by = {r[0]: r[1] for r in rows}
    if BASE not in by or CANDIDATE not in by:
        return []
    base, cand = by[BASE]["vms_per_gib_pss"], by[CANDIDATE]["vms_per_gib_pss"]
    ratio = boot_ratio(summary, CANDIDATE, n)
    text = (f"**What a VMM author should do.** Map the kernel and initrd privately ({CANDIDATE}) "
            f"rather than copy them: at N={n} that fits {cand:.1f} VMs per GiB against "
            f"{base:.1f} ({100.0 * (cand - base) / base:+.0f}%), and its guests' boot took "
            f"{ratio} as long. What the guest kernel writes at boot (Linux: most of its text "
            "and data; sharing.md says which pages and why) is copied on write whatever the "
            "loader, so mapping alone keeps only what the guest never writes.")
    merged = [l for l in ("mmap-ksm", "ksm") if l in by]
    if merged:
        best = max(merged, key=lambda l: by[l]["vms_per_gib_pss"])
        text += (f" Marking the mapped memory mergeable ({best}) fits "
                 f"{by[best]['vms_per_gib_pss']:.1f} VMs per GiB once ksmd has merged the "
                 "identical copies, at the price of ksmd's CPU (summary.json: ksm).")
    else:
        text += (" KSM (the mmap-ksm loader) can merge the identical copies afterwards, "
                 "at the price of ksmd's CPU: bench/ksm.sh measures it.")
    text += (" The guest's own command-line knobs are priced in `bench/sweep.sh knobs`; the "
             "main job keeps the stock, safe command line.")
    return [text, ""]


def density_lines(summary):
    n = pd.instance_counts(summary)[-1]
    rows = density_rows(summary, n)
    if not rows:
        return []
    lines = ["## Density", "",
             f"VMs per GiB of host memory at N={n}: by PSS, each VM's fair share of the pages "
             "it shares (N VMs take N × PSS); by USS, what one more VM adds on its own. "
             "Medians across rounds (summary.json: density).", "",
             "| loader | PSS MB | VMs per GiB (PSS) | USS MB | VMs per GiB (USS) "
             "| linux_start_user against |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for loader, d, pss, uss in rows:
        uss_d = d.get("vms_per_gib_uss")
        lines.append(f"| {loader} | {mb(pss['median']):.2f} | {d['vms_per_gib_pss']:.1f} "
                     f"| {mb(uss['median']) if uss else float('nan'):.2f} "
                     f"| {'n/a' if uss_d is None else f'{uss_d:.1f}'} "
                     f"| {boot_ratio(summary, loader, n)} |")
    return lines + [""] + density_advice(summary, n, rows)


def seed_check_lines(summary):
    """The measured USS saving at the largest N next to what loadbench predicted from the
    kernel it read and the initrd (comparisons[].predicted_saving)."""
    try:
        n, c = largest_compared(summary, "uss")
        if c is None:
            raise CheckError(f"no N where both {BASE} and {CANDIDATE} measured USS")
        if n < 2:
            raise CheckError("sharing needs at least 2 concurrent instances; the largest "
                             f"N with both loaders measured is {n}")
        p = c.get("predicted_saving") or {"why": "loadbench predicted no saving"}
        if "why" in p:
            raise CheckError(p["why"])
    except CheckError as e:
        return [f"- **Seed check:** could not be made: {e}."]
    ctx = summary["context"]
    measured, expected = saved_mb(c), p["bytes"] / MB
    parts = f"kernel read-only PT_LOAD segments {p['kernel_bytes'] / MB:.2f} MB + " + (
        f"initrd {p['initrd_bytes'] / MB:.2f} MB" if ctx.get("initrd") else "no initrd")
    off = p["relative_difference"]
    off = float("inf") if off is None else off
    if abs(off) <= SEED_TOLERANCE:
        verdict = (f"matches the expectation: the measured USS saving at N={n}, "
                   f"{measured:.2f} MB per instance, is within {abs(off) * 100:.1f}% of the "
                   f"{expected:.2f} MB expected ({parts})")
    else:
        verdict = (f"does not match the expectation: the measured USS saving at N={n} is "
                   f"{measured:.2f} MB per instance, {abs(off) * 100:.1f}% "
                   f"{'above' if off > 0 else 'below'} the {expected:.2f} MB expected ({parts})")
    return [f"- **Seed check:** {verdict}. Kernel read from {ctx['kernel_elf']['path']}. (The "
            "seed saw 22.3 MB saved at 16 instances for 18.9 MB of kernel sections + a 3.0 MB "
            "initrd.)"]


def failure_totals(summary):
    groups = summary["results"]
    return sum(g.get("failed", 0) for g in groups), sum(g.get("launched", 0) for g in groups)


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def group_failure_line(g, timeout_s):
    """What the failures of one (loader, N) cost its figures, as loadbench counted it
    (summary/4); None for an older summary, which did not count it."""
    statuses = g.get("instances_by_status")
    if not isinstance(statuses, dict):
        return None
    how = ", ".join(f"{n} {status}" for status, n in statuses.items() if status != "ok" and n)
    line = (f"- {g['loader']} N={g['instances']}: {g['failed']} of {g['launched']} "
            f"instances failed ({how})")
    memory = (g.get("memory_kb") or {}).get("uss") or {}
    user = (g.get("trace_ms") or {}).get("linux_start_user") or {}
    if memory.get("excluded"):
        line += f"; {plural(memory['excluded'], 'round')} excluded from memory"
    if user.get("excluded"):
        line += f"; {plural(user['excluded'], 'round')} excluded from boot times"
    if user.get("censored"):
        line += (f"; boot times of {plural(user['censored'], 'round')} censored at the "
                 f"{timeout_s} s timeout (lower bounds)")
    return line + "."


def failure_lines(summary):
    failed, launched = failure_totals(summary)
    if not failed:
        return [f"No failed instances ({launched} launched)."]
    timeout_s = summary["config"].get("timeout_s")
    per_group = [group_failure_line(g, timeout_s) for g in summary["results"] if g.get("failed")]
    lines = [f"**Failed instances: {failed} of {launched}.**", ""]
    if all(per_group):
        lines += per_group + ["", "A round with a failed instance gives no memory sample (its "
                              "PSS would have fewer sharers); a boot time per round is the "
                              "median over all its instances, one that timed out counted at "
                              "the timeout (>=: a lower bound); a round where an instance "
                              "exited or was not launched gives none.", ""]
    lines += ["| loader | N | failed | round | instance | status | reason |",
             "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for g in summary["results"]:
        if not g.get("failed"):
            continue
        entries = g.get("failures") or [{}]
        for f in entries:
            lines.append(f"| {g['loader']} | {g['instances']} | {g['failed']} of {g['launched']} "
                         f"| {f.get('round', '')} | {f.get('instance', '')} "
                         f"| {f.get('status', '')} | {md_escape(f.get('reason', ''))} |")
    return lines


# ---- the document ------------------------------------------------------------------------


def md_escape(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def image_text(image):
    if not image:
        return "none"
    if "bytes" not in image:
        return f"{image.get('path')} (not readable when the run started)"
    if "sha256" in image:
        return f"{image['path']} ({image['bytes']} bytes, SHA-256 {image['sha256']})"
    # A run from before summary/3.
    return f"{image['path']} ({image['bytes']} bytes, FNV-1a {image.get('fnv1a64')})"


def page_cache_text(page_cache):
    """context.page_cache in words: the mode and what was counted (a bare mode from a run
    before --cache)."""
    if not isinstance(page_cache, dict):
        return page_cache
    pages, launch = page_cache.get("image_pages"), page_cache.get("resident_at_launch") or {}
    text = (f"{page_cache.get('mode')}: {page_cache.get('resident_at_start')} of {pages} "
            "image pages resident before the first round")
    if page_cache.get("mode") == "cold":
        text += "; evicted before every round"
    if launch.get("rounds"):
        text += (f"; at launch {launch.get('min')} to {launch.get('max')} resident "
                 f"({launch.get('rounds_with_pages')} of {launch.get('rounds')} rounds with any)")
    return text


def context_lines(summary):
    ctx, cfg = summary["context"], summary["config"]
    rows = [
        ("date", ctx.get("date")), ("host", ctx.get("host")),
        ("host kernel", ctx.get("host_kernel")), ("CPU", ctx.get("cpu")),
        ("KVM mode", ctx.get("kvm_mode")),
        ("page cache", page_cache_text(ctx.get("page_cache"))),
        ("transparent huge pages", ctx.get("thp")), ("KSM run", ctx.get("ksm_run")),
        ("loadvm", ctx.get("loadvm_version")), ("loadbench", ctx.get("loadbench_version")),
        ("kernel", image_text(ctx.get("kernel"))), ("initrd", image_text(ctx.get("initrd"))),
        ("instance counts", ", ".join(str(n) for n in cfg.get("instances", []))),
        ("loaders", ", ".join(cfg.get("loaders", []))), ("rounds", cfg.get("rounds")),
        ("guest memory", f"{cfg.get('mem_mib')} MiB"), ("vCPUs", cfg.get("vcpus")),
        ("extra kernel command line", cfg.get("cmdline_extra") or "(none)"),
        ("settle / timeout", f"{cfg.get('settle_s')} s / {cfg.get('timeout_s')} s"),
        ("harness CPU time", f"{summary.get('harness_cpu_ms')} ms"),
    ]
    return ["| | |", "| --- | --- |"] + [f"| {k} | {md_escape(v)} |" for k, v in rows]


def restart_lines(summary):
    """The nested rig's restarts (summary/2): when, why, the console's last lines.

    A resumed run's numbers are whole (loadbench re-ran the round that was in
    progress), but a reader should know the rig needed restarting."""
    ctx = summary["context"]
    restarts = ctx.get("rig_restarts") or []
    if not restarts:
        resumed = ctx.get("resumes") or 0
        return [f"- **Resumed:** {resumed} time(s) with `loadbench --resume`.", ""] if resumed else []
    lines = [f"The nested rig was restarted {len(restarts)} time(s); loadbench resumed from its "
             "first unfinished round each time (a round in progress was discarded and run "
             "again).", ""]
    for i, r in enumerate(restarts, 1):
        lines += [f"{i}. {r.get('at')}: {md_escape(r.get('reason'))} (status {r.get('status')}); "
                  "the console's last lines:", "", "   ```"]
        lines += ["   " + line for line in r.get("console_tail") or ["(empty)"]]
        lines += ["   ```", ""]
    return lines


def plot_lines(results_dir):
    lines = []
    for name, caption in PLOTS:
        png = os.path.join(results_dir, "plots", name + ".png")
        lines.append(f"![{caption}](plots/{name}.png)")
        if not os.path.isfile(png):
            lines.append(f"*Not rendered yet:* `bench/plotdata.py {results_dir} && gnuplot -c "
                         f"plots/{name}.gp {results_dir}/plots/data/{name}.dat {png}`")
        lines.append("")
    return lines


def tables_lines(results_dir):
    try:
        with open(os.path.join(results_dir, "tables.md"), encoding="utf-8") as f:
            return [f.read().rstrip("\n")]
    except OSError as e:
        return [f"tables.md could not be read: {e.strerror}."]


def sharing_lines(results_dir):
    """bench/sharing.py's section (where the saving comes from) and its plot."""
    try:
        with open(os.path.join(results_dir, "sharing.md"), encoding="utf-8") as f:
            text = f.read().rstrip("\n")
    except OSError:
        return []
    lines = [text, ""]
    if os.path.isfile(os.path.join(results_dir, "plots", "sharing.png")):
        lines += ["![Pages of the mapped images after boot, per kernel section]"
                  "(plots/sharing.png)", ""]
    return lines


def scaled_note(summary):
    if not pd.is_scaled_timing(summary):
        return []
    return [f"> KVM mode **{summary['context']['kvm_mode']}**: timings are emulation-scaled; "
            "compare loaders as ratios, not as absolute milliseconds. "
            "Memory figures are exact.", ""]


def compared_pairs(summary):
    """The (before, after) pairs the run has both of; loadvm's when it has none."""
    loaders = set(pd.loaders(summary))
    return [p for p in PAIRS if set(p) <= loaders] or [DEFAULT_PAIR]


def too_old_line(summary, results_dir):
    """In place of everything that compares loaders, for a summary without comparisons."""
    return (f"- **Loaders compared:** not in this summary.json ({summary['schema']}, from "
            "before loadbench computed the comparisons, summary/6): memory savings, boot-time "
            "differences and the seed check are left out; `build/summary-derive "
            f"{results_dir}` adds them from its samples.")


def render(results_dir, summary, seed_check):
    ctx = summary["context"]
    seed = seed_check_lines(summary) if seed_check else [
        "- **Seed check:** not run (bench/report.py RESULTS_DIR --seed-check)."]
    failed, launched = failure_totals(summary)
    doc = [f"# kvm-loadbench report: {pd.basename_or_none(ctx.get('kernel'))}, {ctx.get('date')}",
           "", "Run: " + pd.context_line(summary).strip() + f"; host {ctx.get('host')}.", ""]
    doc += scaled_note(summary)
    pairs = compared_pairs(summary)
    doc += ["## Summary", ""]
    if not pd.has_comparisons(summary):
        doc += [too_old_line(summary, results_dir)]
    for pair in pairs if pd.has_comparisons(summary) else ():
        doc += memory_lines(summary, pair) + boot_headline(summary, pair)
    doc += seed if pd.has_comparisons(summary) else []
    doc += [f"- **Failed instances:** {failed} of {launched}" +
            (" (see Failed instances below)." if failed else "."), ""]
    if pd.has_comparisons(summary):
        for pair in pairs:
            doc += boot_lines(summary, pair) + [""]
        doc += seed_table.section(summary)
    doc += density_lines(summary)
    doc += sharing_lines(results_dir)
    doc += ["## Plots", ""] + plot_lines(results_dir)
    doc += ["## Tables (tables.md)", ""] + tables_lines(results_dir) + [""]
    doc += ["## Failed instances", ""] + failure_lines(summary) + [""]
    restarts = restart_lines(summary)
    if restarts:
        doc += ["## Rig restarts", ""] + restarts
    doc += ["## Run context", ""] + context_lines(summary) + [""]
    return "\n".join(doc)


def main(argv):
    args = argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__.strip())
        return 0
    seed_check = "--seed-check" in args
    rest = [a for a in args if a != "--seed-check"]
    if len(rest) != 1:
        print("usage: bench/report.py RESULTS_DIR [--seed-check]", file=sys.stderr)
        return 2
    results_dir = rest[0]
    try:
        summary = pd.load_summary(results_dir)
        path = os.path.join(results_dir, "report.md")
        pd.atomic_write(path, render(results_dir, summary, seed_check))
    except pd.SummaryError as e:
        print(f"report: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"report: cannot write: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
