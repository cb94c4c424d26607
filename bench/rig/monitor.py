#!/usr/bin/env python3
"""Send commands to a QEMU human monitor socket and print the answers.

usage: bench/rig/monitor.py SOCKET COMMAND...   e.g. "info cpus" "info registers -a"

Used to capture a stalled rig's state (bench/rig/run.sh --stall). Bounded:
every read times out, so a wedged QEMU never blocks the caller.
"""
import re
import socket
import sys
import time

TIMEOUT_S = 5.0
# The monitor echoes what it is sent with terminal escapes; keep the answers.
ESCAPES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def read_until_prompt(sock):
    data = b""
    deadline = time.monotonic() + TIMEOUT_S
    while not data.endswith(b"(qemu) ") and time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return ESCAPES.sub("", data.decode(errors="replace"))


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.settimeout(TIMEOUT_S)
        sock.connect(sys.argv[1])
        read_until_prompt(sock)  # the banner
        for command in sys.argv[2:]:
            sock.sendall(command.encode() + b"\n")
            answer = read_until_prompt(sock)
            lines = answer.replace("\r", "").split("\n")
            body = [l for l in lines[1:] if l != "(qemu) "]
            print(f"=== {command}")
            print("\n".join(body).rstrip())
    except OSError as err:
        print(f"monitor.py: {sys.argv[1]}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
