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
the initrd. The kernel file is read only if its size and SHA-256 (what
`sha256sum FILE` prints) equal those the run recorded; otherwise the report
says the check was not made.
"""

import hashlib
import math
import os
import struct
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
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---- statistics: Welch's interval for a difference of means ------------------------------


# t_quantile() is harness/stats.c's student_t_quantile() step by step, so the report's
# intervals use the same t as summary.json's ci95; both are held to
# tests/fixtures/stats/t-quantiles.txt. Change one, change the other.


def stirling_rest(a):
    """ln Gamma(a) minus Stirling's approximation, for a >= 10 (series good to 1e-14)."""
    r = 1 / (a * a)
    return (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r / 1188)))) / a


def log_beta_half(a):
    """ln B(a, 1/2); for large a in Stirling's form, where lgamma's difference would cancel."""
    if a < 10:
        return math.lgamma(a) + 0.5 * math.log(math.pi) - math.lgamma(a + 0.5)
    return (0.5 * math.log(math.pi) - (a - 0.5) * math.log1p(0.5 / a) - 0.5 * math.log(a + 0.5)
            + 0.5 + stirling_rest(a) - stirling_rest(a + 0.5))


def beta_fraction(a, b, x):
    """The continued fraction of I_x(a, b) by Lentz's method (see harness/stats.c)."""
    tiny = 1e-300  # stands in for a zero denominator
    f, c, d = 1.0, 1.0, 0.0
    for j in range(1, 10001):
        m = j // 2  # j = 2m + 1 or 2m
        if j % 2:
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        else:
            num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + num * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + num / c
        if abs(c) <= tiny:
            c = tiny
        f *= c * d
        if abs(c * d - 1) < 1e-15:
            return f
    return math.nan


def t_upper_tail(t, df):
    """P(T > t) for t >= 0: I_x(df/2, 1/2) / 2 with x = 1/(1+s), s = t^2/df."""
    a, s = df / 2, t * t / df
    if s == 0:
        return 0.5
    log_x = -math.log1p(s)
    front = math.exp(a * log_x + 0.5 * (math.log(s) + log_x) - log_beta_half(a))
    if 1 / (1 + s) < (a + 1) / (a + 2.5):
        return 0.5 * front / (a * beta_fraction(a, 0.5, 1 / (1 + s)))
    return 0.5 - front / beta_fraction(0.5, a, s / (1 + s))


def t_density(t, df):
    return math.exp(-(df + 1) / 2 * math.log1p(t * t / df) - 0.5 * math.log(df)
                    - log_beta_half(df / 2))


def t_quantile(p, df):
    """The p-quantile of Student's t for df > 0 (Welch's df is not whole): Newton on the
    tail from t = 0, where its convexity makes every step land short of the root."""
    if not df > 0 or not 0 <= p <= 1:
        return math.nan
    q = p if p < 0.5 else 1 - p  # 1 - p is exact for p >= 1/2
    if q == 0:
        return -math.inf if p < 0.5 else math.inf
    t = 0.0
    for _ in range(2000):
        density = t_density(t, df)
        if density == 0:  # underflowed: t is out of reach of doubles
            return math.nan
        step = (t_upper_tail(t, df) - q) / density
        if not math.isfinite(step):
            return math.nan
        if step <= 0:
            break
        t += step
        if step <= 1e-13 * t:
            break
    return -t if p < 0.5 else t


def sample_stats(m):
    xs = m.get("samples") or []
    n = len(xs)
    mean = sum(xs) / n if n else float("nan")
    var = sum((x - mean) ** 2 for x in xs) / (n - 1) if n > 1 else float("nan")
    return n, mean, var


def welch(base, cand):
    """Difference of means (cand - base) and its 95% interval, or (diff, None) without one."""
    n1, m1, v1 = sample_stats(base)
    n2, m2, v2 = sample_stats(cand)
    diff = m2 - m1
    if n1 < 2 or n2 < 2:
        return diff, None
    a, b = v1 / n1, v2 / n2
    if a + b == 0:
        return diff, (diff, diff)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    half = t_quantile(0.975, df) * math.sqrt(a + b)
    return diff, (diff - half, diff + half)


# ---- the kernel file: find it (verified), read its read-only PT_LOAD bytes ---------------


class CheckError(Exception):
    """Why the seed check could not be made."""


def sha256_file(path):
    """The file's SHA-256 as loadbench records it (common/sha256.c) and `sha256sum` prints
    it: lowercase hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verified_kernel_path(image):
    """The kernel file the run used: its path as recorded, relative to the current
    directory or to the repository; accepted only with the recorded size and SHA-256.
    A run from before summary/3 recorded an FNV-1a hash instead: its kernel cannot
    be verified, so it is not read."""
    if not image or not image.get("path"):
        raise CheckError("the run recorded no kernel")
    if "bytes" not in image:
        raise CheckError(f"the run recorded no size and hash for {image['path']}")
    recorded = image["path"]
    candidates = [recorded] if os.path.isabs(recorded) else \
        [os.path.abspath(recorded), os.path.join(REPO_ROOT, recorded)]
    readable = [path for path in dict.fromkeys(candidates)
                if os.access(path, os.R_OK) and os.path.isfile(path)]
    if not readable:
        raise CheckError(f"{recorded} is not readable from here")
    if "sha256" not in image:
        older = " (an older loadbench recorded FNV-1a only)" if "fnv1a64" in image else ""
        raise CheckError(f"the run recorded no SHA-256 for {recorded}{older}, "
                         "so the file here cannot be verified")
    for path in readable:
        if os.path.getsize(path) == image["bytes"] and sha256_file(path) == image["sha256"]:
            return path
    raise CheckError(f"{', '.join(readable)} differs from the kernel the run used "
                     "(size or SHA-256)")


PT_LOAD, PF_W = 1, 2


def elf_readonly_bytes(path):
    """Sum of p_filesz over the PT_LOAD segments without the write flag."""
    return elf_load_bytes(path, writable=False)


def kernel_load_bytes(image):
    """(every PT_LOAD's p_filesz summed, None) for the run's kernel, verified as the seed
    check verifies it; or (None, why not). What QEMU maps and reads out of the file."""
    try:
        return elf_load_bytes(verified_kernel_path(image), writable=True), None
    except CheckError as e:
        return None, str(e)
    except OSError as e:
        return None, f"{e.filename or ''}: {e.strerror}"


def elf_load_bytes(path, writable):
    """Sum of p_filesz over the PT_LOAD segments; writable ones too if writable."""
    with open(path, "rb") as f:
        data = f.read(1 << 16)
        size = os.fstat(f.fileno()).st_size
        if data[:4] != b"\x7fELF":
            if len(data) > 0x206 and data[0x202:0x206] == b"HdrS":
                raise CheckError(f"{path} is a bzImage: its ELF is unpacked elsewhere, "
                                 "so its program headers were not read")
            raise CheckError(f"{path} is not an ELF file")
        cls, order = data[4], data[5]
        if cls not in (1, 2) or order not in (1, 2):
            raise CheckError(f"{path}: unknown ELF class or byte order")
        end = "<" if order == 1 else ">"
        if cls == 2:
            phoff, = struct.unpack_from(end + "Q", data, 0x20)
            phentsize, phnum = struct.unpack_from(end + "HH", data, 0x36)
            phdr, want = end + "IIQQQQQQ", 56
        else:
            phoff, = struct.unpack_from(end + "I", data, 0x1C)
            phentsize, phnum = struct.unpack_from(end + "HH", data, 0x2A)
            phdr, want = end + "IIIIIIII", 32
        if phentsize < want or phoff + phentsize * phnum > size:
            raise CheckError(f"{path}: program header table outside the file")
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    total = 0
    for i in range(phnum):
        fields = struct.unpack_from(phdr, table, i * phentsize)
        if cls == 2:
            p_type, p_flags, p_offset, _, _, p_filesz, _, _ = fields
        else:
            p_type, p_offset, _, _, p_filesz, _, p_flags, _ = fields
        if p_type != PT_LOAD or (p_flags & PF_W and not writable):
            continue
        if p_offset + p_filesz > size:
            raise CheckError(f"{path}: PT_LOAD {i} runs past the end of the file")
        total += p_filesz
    return total


# ---- the numbers -------------------------------------------------------------------------


def mb(kb):
    return kb / pd.KB_PER_MB


def fmt_ms(x):
    return f"{x:+.2f}"


def largest_compared_n(summary, name, pair=DEFAULT_PAIR):
    """The largest N at which both loaders measured the memory metric."""
    base_l, cand_l = pair
    for n in reversed(pd.instance_counts(summary)):
        if pd.metric(summary, base_l, n, "memory_kb", name) and \
                pd.metric(summary, cand_l, n, "memory_kb", name):
            return n
    return None


def uss_saving(summary, pair=DEFAULT_PAIR):
    """(N, base USS MB, candidate USS MB) at the largest N both measured, or None."""
    base_l, cand_l = pair
    n = largest_compared_n(summary, "uss", pair)
    if n is None:
        return None
    base = pd.metric(summary, base_l, n, "memory_kb", "uss")["median"]
    cand = pd.metric(summary, cand_l, n, "memory_kb", "uss")["median"]
    return n, mb(base), mb(cand)


def memory_lines(summary, pair=DEFAULT_PAIR):
    base_l, cand_l = pair
    saving = uss_saving(summary, pair)
    if saving is None:
        return [f"- Memory: no instance count where both {base_l} and {cand_l} measured USS."]
    n, base, cand = saving
    largest = pd.instance_counts(summary)[-1]
    where = f"N={n}" if n == largest else \
        f"N={n} (largest N with both measured; N={largest} is not)"
    pct = 100.0 * (base - cand) / base if base else float("nan")
    lines = [f"- **Memory saved per instance at {where}:** {base - cand:.2f} MB "
             f"({pct:.1f}%): {cand_l} USS {cand:.2f} MB vs {base_l} USS {base:.2f} MB "
             "(medians across rounds, MB = 2^20 bytes)."]
    pb = pd.metric(summary, base_l, n, "memory_kb", "pss")
    pc = pd.metric(summary, cand_l, n, "memory_kb", "pss")
    if pb and pc and pb["median"]:
        b, c = mb(pb["median"]), mb(pc["median"])
        lines.append(f"- **PSS at N={n}:** {cand_l} {c:.2f} MB vs {base_l} {b:.2f} MB: "
                     f"{b - c:.2f} MB ({100.0 * (b - c) / b:.1f}%) less per instance.")
    else:
        lines.append(f"- **PSS at N={n}:** n/a (not measured for both loaders).")
    return lines


def point_label(point, pair):
    """QEMU's end of set-up is tabulated as vmm_init_end; it is called qemu_init_end."""
    return "qemu_init_end" if point == "vmm_init_end" and pair != DEFAULT_PAIR else point


def boot_row(summary, n, point, pair=DEFAULT_PAIR):
    base_l, cand_l = pair
    label = point_label(point, pair)
    base = pd.metric(summary, base_l, n, "trace_ms", point)
    cand = pd.metric(summary, cand_l, n, "trace_ms", point)
    if base is None or cand is None:
        missing = " and ".join(l for l, m in ((base_l, base), (cand_l, cand)) if m is None)
        return f"| `{label}` | {cell(base)} | {cell(cand)} | n/a (not reported by {missing}) | | |"
    ratio = cand["median"] / base["median"] if base["median"] else float("nan")
    ratio_text = "n/a (a lower bound)" if bounded(base) or bounded(cand) else f"{ratio:.3g}"
    if censored(base) or censored(cand):
        return (f"| `{label}` | {cell(base)} | {cell(cand)} | n/a (boots censored at the "
                f"timeout) | | {ratio_text} |")
    diff, ci = welch(base, cand)
    ci_text = f"{fmt_ms(ci[0])} .. {fmt_ms(ci[1])}" if ci else "n/a (needs 2 rounds)"
    return f"| `{label}` | {cell(base)} | {cell(cand)} | {fmt_ms(diff)} | {ci_text} | {ratio_text} |"


def boot_headline(summary, pair=DEFAULT_PAIR):
    """One sentence for the last trace point both loaders reported."""
    base_l, cand_l = pair
    n = pd.instance_counts(summary)[0]
    for point in reversed(TRACE_POINTS):
        base = pd.metric(summary, base_l, n, "trace_ms", point)
        cand = pd.metric(summary, cand_l, n, "trace_ms", point)
        if base and cand and base["median"] and not (censored(base) or censored(cand)):
            diff, ci = welch(base, cand)
            if ci is None:
                ci_text = "no CI: fewer than 2 rounds"
            else:
                ci_text = f"95% CI {fmt_ms(ci[0])} .. {fmt_ms(ci[1])} ms" + (
                    ", which includes 0: no clear difference" if ci[0] <= 0 <= ci[1] else "")
            return [f"- **Boot, {n} instance{'' if n == 1 else 's'}:** "
                    f"`{point_label(point, pair)}` {cand_l} − "
                    f"{base_l} = {fmt_ms(diff)} ms ({ci_text}); {cand_l}/{base_l} = "
                    f"{cand['median'] / base['median']:.2f} (medians). Every trace point: below."]
    return [f"- **Boot:** no trace point was reported by both {base_l} and {cand_l}."]


def censored(m):
    """summary/4: some per-round sample is only a lower bound (a boot timed out), so
    the samples cannot give a difference of means or its interval."""
    return bool(m and m.get("censored"))


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


def seed_check_lines(summary):
    try:
        saving = uss_saving(summary)
        if saving is None:
            raise CheckError(f"no N where both {BASE} and {CANDIDATE} measured USS")
        n, base, cand = saving
        if n < 2:
            raise CheckError("sharing needs at least 2 concurrent instances; the largest "
                             f"N with both loaders measured is {n}")
        ctx = summary["context"]
        kernel_path = verified_kernel_path(ctx.get("kernel"))
        ro = elf_readonly_bytes(kernel_path)
        initrd = ctx.get("initrd")
        if initrd and "bytes" not in initrd:
            raise CheckError(f"the run recorded no size for the initrd {initrd.get('path')}")
        initrd_bytes = initrd["bytes"] if initrd else 0
    except CheckError as e:
        return [f"- **Seed check:** could not be made: {e}."]
    except OSError as e:
        return [f"- **Seed check:** could not be made: {e.filename or ''}: {e.strerror}."]
    measured, expected = base - cand, (ro + initrd_bytes) / MB
    parts = f"kernel read-only PT_LOAD segments {ro / MB:.2f} MB + " + (
        f"initrd {initrd_bytes / MB:.2f} MB" if initrd else "no initrd")
    off = (measured - expected) / expected if expected else float("inf")
    if abs(off) <= SEED_TOLERANCE:
        verdict = (f"matches the expectation: the measured USS saving at N={n}, "
                   f"{measured:.2f} MB per instance, is within {abs(off) * 100:.1f}% of the "
                   f"{expected:.2f} MB expected ({parts})")
    else:
        verdict = (f"does not match the expectation: the measured USS saving at N={n} is "
                   f"{measured:.2f} MB per instance, {abs(off) * 100:.1f}% "
                   f"{'above' if off > 0 else 'below'} the {expected:.2f} MB expected ({parts})")
    return [f"- **Seed check:** {verdict}. Kernel read from {kernel_path}. (The seed saw "
            "22.3 MB saved at 16 instances for 18.9 MB of kernel sections + a 3.0 MB initrd.)"]


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
    for pair in pairs:
        doc += memory_lines(summary, pair) + boot_headline(summary, pair)
    doc += seed
    doc += [f"- **Failed instances:** {failed} of {launched}" +
            (" (see Failed instances below)." if failed else "."), ""]
    for pair in pairs:
        doc += boot_lines(summary, pair) + [""]
    doc += seed_table.section(summary, kernel_load_bytes)
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
