#!/usr/bin/env python3
"""Names the functions a stalled rig's vCPUs were in.

    bench/rig/symbolize.py STALL_STATE KALLSYMS

STALL_STATE is run.sh's stall-state.txt (QEMU's `info registers -a`);
KALLSYMS is the rig kernel's /proc/kallsyms, saved once with
`bench/rig/run.sh -- cat /proc/kallsyms > build/rig/kallsyms.txt` (the rig
boots PVH, without KASLR, so the addresses hold for every boot of the same
kernel). Prints one line per vCPU: its RIP, function+offset, CPL and
whether interrupts were enabled. Exit 2 on unreadable or malformed input.
"""
import bisect
import re
import sys

IF_FLAG = 0x200


def load_symbols(path):
    symbols = []
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            parts = line.split()
            # kptr_restrict shows every address as 0: those name nothing.
            if len(parts) >= 3 and parts[1] in "tTwW" and int(parts[0], 16):
                symbols.append((int(parts[0], 16), parts[2]))
    if not symbols:
        raise ValueError(f"{path}: no text symbols (kptr_restrict? not a kallsyms file?)")
    symbols.sort()
    return symbols


def name_of(symbols, starts, address):
    i = bisect.bisect_right(starts, address) - 1
    if i < 0:
        return "?"
    return f"{symbols[i][1]}+{address - symbols[i][0]:#x}"


def vcpus(path):
    """(cpu, rip, rflags, cpl) for each CPU#N block of `info registers -a`."""
    cpu = None
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            m = re.match(r"CPU#(\d+)", line)
            if m:
                cpu = int(m.group(1))
                continue
            m = re.match(r"RIP=([0-9a-f]+) RFL=([0-9a-f]+) .*CPL=(\d)", line)
            if m and cpu is not None:
                yield cpu, int(m.group(1), 16), int(m.group(2), 16), int(m.group(3))


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        symbols = load_symbols(argv[2])
        starts = [a for a, _ in symbols]
        found = False
        for cpu, rip, rflags, cpl in vcpus(argv[1]):
            found = True
            irqs = "on" if rflags & IF_FLAG else "off"
            print(f"CPU{cpu}: RIP {rip:016x} {name_of(symbols, starts, rip)} "
                  f"(CPL {cpl}, interrupts {irqs})")
        if not found:
            raise ValueError(f"{argv[1]}: no 'CPU#N' / 'RIP=' lines (not info registers -a?)")
    except (OSError, ValueError) as e:
        print(f"symbolize.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
