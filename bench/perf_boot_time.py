#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot times per VMM process from `perf script`, next to loadbench's.

Usage:
    bench/perf_boot_time.py [--results DIR] [--max-diff MS] [--lost-events N]
                            [PERF_SCRIPT_TEXT|-]

Reads the text of `perf script --ns --header -F trace:comm,pid,tid,time,event,trace`
over a recording of sched:sched_process_exec, kvm:kvm_entry and kvm:kvm_pio
(bench/perf-boot-time.sh makes it) and prints, for every VMM process (a pid
with an exec and at least one kvm_entry), qemu-boot-time's figures: time
zero is the process's sched_process_exec, `qemu_init_end` its first
kvm_entry (any thread: vCPU threads share the process's pid), then one line
per guest write to the trace port, named as in include/trace_port.h:

    qemu_init_end: 36.492 ms (+36.492)
    linux_start_kernel: 37.045 ms (+0.553)

With --results DIR, each process is matched by pid to DIR/raw.csv (the k-th
VMM exec of a pid to its k-th row) and loadbench's value and the difference
(loadbench - perf, ms) follow each point loadbench tabulates, with the
row's source and timed_by in brackets ([kvm_entry, tracefs]). A point one
side lacks is printed as missing. loadbench counts from the same zero as
perf where its row's time_zero is `exec`; a `pre_exec` row (its tracefs saw
no exec) or a raw.csv without time_zero (written before loadbench took the
exec as zero) is noted, as its differences include more than the points.

--max-diff MS: exit 1 if a compared point differs by more than MS, or
exists on one side only (a raw.csv point perf did not see, or a point perf
saw that loadbench did not record), or nothing could be compared.
Exit 2: bad usage or unreadable input.
"""

import argparse
import csv
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACE_PORT_H = os.path.join(ROOT, "include", "trace_port.h")

EXEC, ENTRY, PIO = "sched:sched_process_exec", "kvm:kvm_entry", "kvm:kvm_pio"

# perf script's line: "%16s %5d/%-5d %s: %s: %s"; a comm may hold spaces and
# slashes (QEMU's vCPU threads are "CPU 0/KVM"), so the pid/tid pair must be
# followed by the timestamp.
LINE_RE = re.compile(r"^\s*(?P<comm>.*?)\s+(?P<pid>-?\d+)/(?P<tid>-?\d+)\s+"
                     r"(?P<sec>\d+)\.(?P<frac>\d+):\s+(?P<event>[^\s:]+:[^\s:]+):\s?(?P<trace>.*)$")
PIO_RE = re.compile(r"pio_(?P<rw>read|write) at 0x(?P<port>[0-9a-fA-F]+) size \d+ count \d+ "
                    r"val 0x(?P<val>[0-9a-fA-F]+)")
FILENAME_RE = re.compile(r"filename=(?P<file>.*?) pid=-?\d+ old_pid=-?\d+\s*$")

# perf's point -> loadbench's raw.csv column; the last pair is the KVM exit
# for the linux_start_user byte as loadbench's tracefs saw it, compared only
# where loadbench has it.
PAIRS = [
    ("qemu_init_end", "vmm_init_end_ns", "qemu_init_end", True),
    ("linux_start_kernel", "linux_start_kernel_ns", "linux_start_kernel", True),
    ("linux_start_user", "linux_start_user_ns", "linux_start_user", True),
    ("linux_start_user", "linux_start_user_exit_ns", "linux_start_user KVM exit", False),
]


class Process:
    """One exec of a pid, with what perf saw of it until the pid's next exec."""

    def __init__(self, pid, comm, filename, exec_ns):
        self.pid, self.comm, self.filename, self.exec_ns = pid, comm, filename, exec_ns
        self.entry_ns = None
        self.entry_tid = None
        self.writes = []  # (ns, value) of each trace-port write, in time order

    def points(self, names):
        """[(name, ns since exec)]: qemu_init_end, then each port write."""
        out = [("qemu_init_end", self.entry_ns - self.exec_ns)]
        for ns, value in self.writes:
            out.append((names.get(value, f"tp_{value}"), ns - self.exec_ns))
        return out


def trace_port_table(path=TRACE_PORT_H):
    """(port, {value: name}) as include/trace_port.h defines them."""
    with open(path) as f:
        text = f.read()
    port = re.search(r"#define\s+TRACE_PORT\s+(0x[0-9a-fA-F]+)", text)
    values = {m[1]: int(m[2]) for m in re.finditer(r"\b(TP_\w+)\s*=\s*(\d+)", text)}
    names = {values[m[1]]: m[2] for m in re.finditer(r"\[(TP_\w+)\]\s*=\s*\"(\w+)\"", text)
             if m[1] in values}
    if not port or not names:
        raise ValueError(f"{path}: no TRACE_PORT or trace point names")
    return int(port[1], 16), names


def parse_perf_script(lines, port):
    """Processes (every exec seen, in exec order) and what else was noticed."""
    procs, current = [], {}
    info = {"clock": None, "out_of_order": 0, "unparsed": 0, "no_exec_pids": set()}
    last_ns = -1
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("#"):
            m = re.match(r"#\s*clockid:\s*(.+)$", line)
            if m:
                info["clock"] = m[1].strip()
            continue
        m = LINE_RE.match(line)
        if not m:
            if line.strip():
                info["unparsed"] += 1
            continue
        ns = int(m["sec"]) * 1_000_000_000 + int(m["frac"].ljust(9, "0")[:9])
        if ns < last_ns:
            info["out_of_order"] += 1
        last_ns = max(last_ns, ns)
        pid, event, trace = int(m["pid"]), m["event"], m["trace"]
        if event == EXEC:
            f = FILENAME_RE.search(trace)
            current[pid] = Process(pid, m["comm"].strip(), f["file"] if f else "?", ns)
            procs.append(current[pid])
            continue
        proc = current.get(pid)
        if event in (ENTRY, PIO) and proc is None:
            info["no_exec_pids"].add(pid)
            continue
        if proc is None:
            continue
        if event == ENTRY:
            if proc.entry_ns is None:
                proc.entry_ns, proc.entry_tid = ns, int(m["tid"])
        elif event == PIO:
            p = PIO_RE.search(trace)
            if p and p["rw"] == "write" and int(p["port"], 16) == port:
                proc.writes.append((ns, int(p["val"], 16)))
    return procs, info


def read_raw_csv(path):
    """(header, rows) of raw.csv, rows in file (run) order."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return reader.fieldnames or [], rows


def ns_cell(row, column):
    """A raw.csv time in ns, or None for an empty cell (not measured)."""
    value = (row.get(column) or "").strip()
    return int(value) if value else None


def match_rows(vmms, rows):
    """{id(process): row}, pairing the k-th VMM exec of a pid with its k-th
    raw.csv row; and the rows left without a process."""
    by_pid = {}
    for row in rows:
        try:
            pid = int(row.get("pid") or 0)
        except ValueError:
            continue
        if pid > 0:
            by_pid.setdefault(pid, []).append(row)
    matched, unmatched = {}, []
    seen = {}
    for proc in vmms:
        k = seen.get(proc.pid, 0)
        seen[proc.pid] = k + 1
        if k < len(by_pid.get(proc.pid, [])):
            matched[id(proc)] = by_pid[proc.pid][k]
    for pid, pid_rows in by_pid.items():
        unmatched.extend(pid_rows[seen.get(pid, 0):])
    return matched, unmatched


def ms(ns):
    return ns / 1e6


def row_label(row):
    keys = ("vmm", "loader", "instances", "round", "instance", "status")
    return " ".join(f"{k}={row[k]}" for k in keys if row.get(k))


def zero_note(row, header):
    """What a row's time zero adds to its differences; None when it is
    perf's own (the VMM's sched_process_exec)."""
    if "time_zero" not in header:
        return ("this raw.csv predates exec-based zeros (loadvm counted from its main(), "
                "QEMU from loadbench's pre-exec stamp): the differences include exec to "
                "main(), or the exec itself")
    zero = (row.get("time_zero") or "").strip()
    if zero == "exec":
        return None
    if zero == "pre_exec":
        return ("loadbench counted from its pre-exec stamp (its tracefs saw no exec): the "
                "differences include the exec itself, from just before execv to perf's zero")
    what = f"time_zero '{zero}' unknown" if zero else "no time_zero in this row"
    return f"{what}: loadbench's zero may not be perf's"


def bracket(row, column):
    """' [source, timed_by]' of a raw.csv time, from the columns raw.csv has."""
    base = column[:-len("_ns")] if column.endswith("_ns") else column
    parts = [(row.get(f"{base}_{what}") or "").strip() for what in ("source", "timed_by")]
    parts = [p for p in parts if p]
    return f" [{', '.join(parts)}]" if parts else ""


def compare_process(proc, row, header, names):
    """Lines for one VMM process and its comparison records."""
    out, records = [], []
    out.append(f"pid {proc.pid} {proc.comm}: exec {proc.filename} at "
               f"{ms(proc.exec_ns) / 1e3:.6f} s, first kvm_entry on tid {proc.entry_tid}")
    if row is not None:
        out.append(f"  raw.csv: {row_label(row)}")
        note = zero_note(row, header)
        if note:
            out.append(f"  {note}")
    elif header:
        out.append("  raw.csv: no row for this pid")

    wanted = {}
    if row is not None:
        for perf_name, column, label, required in PAIRS:
            if column in header and (required or ns_cell(row, column) is not None):
                wanted.setdefault(perf_name, []).append((column, label))

    previous = 0
    for name, ns in proc.points(names):
        line = f"{name}: {ms(ns):.3f} ms (+{ms(ns - previous):.3f})"
        previous = ns
        for column, label in wanted.pop(name, []):
            lb = ns_cell(row, column)
            rec = {"pid": proc.pid, "point": label, "perf_ms": ms(ns),
                   "loadbench_ms": None if lb is None else ms(lb), "diff_ms": None}
            where = "" if label == name else f" ({label})"
            if lb is None:
                line += f"  loadbench{where} missing"
            else:
                rec["diff_ms"] = ms(lb - ns)
                line += (f"  loadbench{where} {ms(lb):.3f} ms{bracket(row, column)}, "
                         f"diff {rec['diff_ms']:+.3f} ms")
            records.append(rec)
        out.append(line)
    # What loadbench recorded and perf did not see.
    for perf_name, pairs in wanted.items():
        for column, label in pairs:
            lb = ns_cell(row, column)
            if lb is not None:
                out.append(f"{label}: perf missing  loadbench {ms(lb):.3f} ms")
                records.append({"pid": proc.pid, "point": label, "perf_ms": None,
                                "loadbench_ms": ms(lb), "diff_ms": None})
    return out, records


def unwitnessed(row, header):
    """Records for a raw.csv row whose pid perf saw no VMM exec of."""
    records = []
    for _, column, label, _ in PAIRS:
        if column in header and ns_cell(row, column) is not None:
            records.append({"pid": int(row["pid"]), "point": label, "perf_ms": None,
                            "loadbench_ms": ms(ns_cell(row, column)), "diff_ms": None})
    return records


def report(procs, info, names, raw=None, raw_path=None, lost_events=0, max_diff=None):
    """(text lines, exit status, comparison records)."""
    out = []
    clock = info["clock"] or "perf's default (no clockid in the header)"
    out.append(f"perf-boot-time: clock {clock}; zero: each VMM's sched_process_exec; "
               "times in ms")
    if lost_events:
        out.append(f"WARNING: perf lost {lost_events} events: a first kvm_entry or a port "
                   "write may be missing or late")
    if info["out_of_order"]:
        out.append(f"WARNING: {info['out_of_order']} perf script lines out of time order")
    if info["unparsed"]:
        out.append(f"note: {info['unparsed']} lines of perf script output not understood")
    if info["no_exec_pids"]:
        pids = " ".join(str(p) for p in sorted(info["no_exec_pids"]))
        out.append(f"note: KVM events of pids whose exec was not recorded (ignored): {pids}")
    header, rows = raw if raw else ([], [])
    if raw:
        out.append(f"loadbench: {raw_path} ({len(rows)} rows); diff = loadbench - perf")
    vmms = [p for p in procs if p.entry_ns is not None]
    matched, unmatched = match_rows(vmms, rows)
    records = []
    for proc in vmms:
        out.append("")
        lines, recs = compare_process(proc, matched.get(id(proc)), header, names)
        out.extend(lines)
        records.extend(recs)
    for row in unmatched:
        recs = unwitnessed(row, header)
        if recs:
            out.append("")
            out.append(f"pid {row['pid']}: no VMM exec in perf's recording; raw.csv: "
                       f"{row_label(row)}")
            for r in recs:
                out.append(f"{r['point']}: perf missing  loadbench {r['loadbench_ms']:.3f} ms")
            records.extend(recs)
    if not vmms:
        out.append("")
        out.append("no VMM process in the recording (no pid with an exec and a kvm_entry)")

    status = 0
    if raw:
        diffs = [r for r in records if r["diff_ms"] is not None]
        one_sided = [r for r in records if r["diff_ms"] is None]
        out.append("")
        summary = f"compared {len(diffs)} points of {len(matched)} VMM processes"
        if diffs:
            worst = max(diffs, key=lambda r: abs(r["diff_ms"]))
            summary += (f"; max |diff| {abs(worst['diff_ms']):.3f} ms (pid {worst['pid']} "
                        f"{worst['point']})")
        if one_sided:
            summary += f"; {len(one_sided)} on one side only"
        out.append(summary)
        if max_diff is not None:
            over = [r for r in diffs if abs(r["diff_ms"]) > max_diff]
            for r in over:
                out.append(f"FAIL pid {r['pid']} {r['point']}: diff {r['diff_ms']:+.3f} ms")
            for r in one_sided:
                side = "perf" if r["perf_ms"] is None else "loadbench"
                out.append(f"FAIL pid {r['pid']} {r['point']}: {side} missing")
            if not diffs:
                out.append("FAIL nothing compared")
            ok = not over and not one_sided and diffs
            status = 0 if ok else 1
            out.append(f"--max-diff {max_diff:.3f} ms: " + ("ok" if ok else "failed"))
    return out, status, records


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("script", nargs="?", default="-",
                    help="perf script output (default: stdin)")
    ap.add_argument("--results", metavar="DIR", help="loadbench results directory")
    ap.add_argument("--max-diff", metavar="MS", type=float)
    ap.add_argument("--lost-events", metavar="N", type=int, default=0)
    args = ap.parse_args(argv)
    if args.max_diff is not None and (args.max_diff < 0 or not args.results):
        ap.error("--max-diff needs a value >= 0 and a results directory")
    try:
        port, names = trace_port_table()
        raw, raw_path = None, None
        if args.results:
            raw_path = os.path.join(args.results, "raw.csv")
            raw = read_raw_csv(raw_path)
            if "pid" not in raw[0]:
                raise ValueError(f"{raw_path}: no pid column")
        if args.script == "-":
            procs, info = parse_perf_script(sys.stdin, port)
        else:
            with open(args.script) as f:
                procs, info = parse_perf_script(f, port)
    except (OSError, ValueError, csv.Error) as e:
        print(f"perf_boot_time: {e}", file=sys.stderr)
        return 2
    lines, status, _ = report(procs, info, names, raw, raw_path, args.lost_events,
                              args.max_diff)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
