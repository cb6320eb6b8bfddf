"""Benchmarks of recycle, printed with units and the machine they ran on.

Run: .venv/bin/python bench/run.py   (after the README's set-up command)
Targets (issues 2 and 8, 2-core machine): `recycle --help` < 0.3 s, `recycle plan` on the
example < 2 s wall time (process start, data load, balances, printing).
"""
from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time


def wall(cmd: list[str], repeat: int = 5) -> float:
    """Median wall time (s) of running ``cmd``."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    exe = shutil.which("recycle") or os.path.join(os.path.dirname(sys.executable), "recycle")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.platform()}")
    print(f"recycle --help: {wall([exe, '--help']):.3f} s (target < 0.3 s)")
    print(f"recycle plan (example, table): {wall([exe, 'plan']):.3f} s (target < 2 s)")

    from recycle import Planner

    t0 = time.perf_counter()
    planner = Planner.load()
    t_load = time.perf_counter() - t0
    inv = planner.read_inventory(None)
    runs = []
    for _ in range(10):
        t0 = time.perf_counter()
        planner.plan(inv, "direct-regeneration")
        runs.append(time.perf_counter() - t0)
    print(f"Planner.load(): {t_load:.3f} s")
    print(f"plan direct-regeneration (in process): {statistics.median(runs) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
