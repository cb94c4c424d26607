#!/usr/bin/env python3
"""The nested rig's restarts during a run, for summary.json and report.md.

Usage:
    bench/rig_restarts.py record RESULTS_DIR --reason TEXT --status N --console FILE
    bench/rig_restarts.py merge RESULTS_DIR

record appends {at, reason, status, console_tail} to RESULTS_DIR/rig_restarts.json
(a JSON list; at is UTC ISO 8601, console_tail the last CONSOLE_LINES lines of
the rig's console). run-bench.sh calls it each time it restarts a stalled or
crashed rig.

merge copies that list into RESULTS_DIR/summary.json as context.rig_restarts
(an empty list when the rig never restarted), so a reader of the results sees
that the run was resumed, when and why.

Both files are replaced atomically. Exit status: 0; 1 a file cannot be read
or written.
"""
import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plotdata  # noqa: E402  (atomic_write)

RESTARTS = "rig_restarts.json"
CONSOLE_LINES = 20


def console_tail(path, lines=CONSOLE_LINES):
    """The console's last lines; a rig that crashed early may have none."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return [line.rstrip("\r") for line in text.splitlines()[-lines:]]


def load_restarts(results_dir):
    path = os.path.join(results_dir, RESTARTS)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        restarts = json.load(f)
    if not isinstance(restarts, list):
        raise ValueError(f"{path}: not a list")
    return restarts


def record(args):
    restarts = load_restarts(args.results_dir)
    restarts.append({
        "at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reason": args.reason,
        "status": args.status,
        "console_tail": console_tail(args.console),
    })
    plotdata.atomic_write(os.path.join(args.results_dir, RESTARTS),
                          json.dumps(restarts, indent=2) + "\n")


def merge(args):
    path = os.path.join(args.results_dir, "summary.json")
    with open(path, encoding="utf-8") as f:
        summary = json.load(f)
    summary.setdefault("context", {})["rig_restarts"] = load_restarts(args.results_dir)
    plotdata.atomic_write(path, json.dumps(summary, indent=2) + "\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("results_dir")
    rec.add_argument("--reason", required=True)
    rec.add_argument("--status", type=int, required=True)
    rec.add_argument("--console", required=True)
    mer = sub.add_parser("merge")
    mer.add_argument("results_dir")
    args = parser.parse_args(argv)
    try:
        (record if args.command == "record" else merge)(args)
    except (OSError, ValueError) as e:
        print(f"rig_restarts: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
