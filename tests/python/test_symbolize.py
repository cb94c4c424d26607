#!/usr/bin/env python3
"""Tests of bench/rig/symbolize.py, run as a subprocess.

The register dump is the first lines of a real stall's stall-state.txt
(QEMU 7.2's `info registers -a`), cut down; the kallsyms lines are made up
around its RIPs, so the expected names and offsets are known.
"""

import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYMBOLIZE = ROOT / "bench" / "rig" / "symbolize.py"

REGISTERS = """=== info cpus
* CPU #0: thread_id=31617
  CPU #1: thread_id=31618
=== info registers -a

CPU#0
RAX=ffffc9000000b0f0 RBX=00000000000083fa RCX=c3a463aa00000000 RDX=0000000000000001
RIP=ffffffff8107140d RFL=00000086 [--S--P-] CPL=0 II=0 A20=1 SMM=0 HLT=0
EFER=0000000000001d01

CPU#1
RAX=0000000000000000 RBX=0000000000000000 RCX=0000000000000000 RDX=0000000000000000
RIP=ffffffff810dea65 RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0
EFER=0000000000001d01
"""

KALLSYMS = """0000000000000000 A fixed_percpu_data
ffffffff81071300 t hpet_clkevt_set_state_shutdown
ffffffff810713b0 t read_hpet
ffffffff81071480 d hpet_data_not_text
ffffffff810de980 t update_curr
ffffffff810deb00 T dequeue_entity
"""


class Symbolize(unittest.TestCase):
    def run_tool(self, registers, kallsyms):
        with tempfile.TemporaryDirectory() as tmp:
            state, syms = Path(tmp, "stall-state.txt"), Path(tmp, "kallsyms.txt")
            state.write_text(registers)
            syms.write_text(kallsyms)
            return subprocess.run([SYMBOLIZE, state, syms], capture_output=True, text=True,
                                  timeout=60, check=False)

    def test_names_each_vcpu_with_offset_and_interrupt_flag(self):
        r = self.run_tool(REGISTERS, KALLSYMS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            "CPU0: RIP ffffffff8107140d read_hpet+0x5d (CPL 0, interrupts off)",
            "CPU1: RIP ffffffff810dea65 update_curr+0xe5 (CPL 0, interrupts on)",
        ])

    def test_a_dump_without_registers_is_refused(self):
        r = self.run_tool("=== info cpus\n* CPU #0: thread_id=1\n", KALLSYMS)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no 'CPU#N'", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_kallsyms_without_text_symbols_is_refused(self):
        # What a non-root reader sees with kptr_restrict: zeroed addresses.
        r = self.run_tool(REGISTERS, "0000000000000000 T read_hpet\n0000000000000000 t update_curr\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no text symbols", r.stderr)

    def test_an_address_below_every_symbol_is_unknown(self):
        r = self.run_tool(REGISTERS.replace("ffffffff8107140d", "0000000000401000"), KALLSYMS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("CPU0: RIP 0000000000401000 ? ", r.stdout)


if __name__ == "__main__":
    unittest.main()
