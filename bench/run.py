"""Benchmarks of recycle, printed with units and the machine they ran on.

Run: .venv/bin/python bench/run.py   (after the README's set-up command)
Targets (issues 2 and 8, 2-core machine):
  `recycle --help` < 0.3 s; `recycle plan` on the example < 2 s; `recycle compare` on the
  example < 2 s; 100 000 Monte Carlo samples over all routes by the surrogate (--fast) < 10 s;
  2 000 exact samples over all routes (measured, no target); a 1 000 000-row
  inventory planned < 15 s with peak memory < 2 GB; a 20 000-row YAML inventory checked
  < 5 s (issue 18: it took 12 s). `recycle sweep` on the example grid with 1 and 2 workers
  (issue 21: throughput measured, no target yet). The exact Monte Carlo per route on the batch
  axis, beside the per-sample loop and the surrogate (issue 21: 2 000 samples/s, aim 10 000).
  `python bench/run.py mc` runs only the Monte Carlo lines.
"""
from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def wall(cmd: list[str], repeat: int = 3) -> tuple[float, float]:
    """Median wall time (s) of running ``cmd`` and the peak memory (MB) of its children."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times), peak


def million_row_inventory(path: str, rows: int = 1_000_000) -> None:
    rng = np.random.default_rng(0)
    chems = np.array(["LPSCL-NCM811-LI", "LPS-NCM811-LI", "LGPS-LCO-LI", "LLZO-NCM811-LI",
                      "LATP-LFP-LI", "LIC-NCM811-LIIN", "LBH-TIS2-LI", "PEO-LFP-LI"])
    c = chems[rng.integers(0, len(chems), rows)]
    soc = np.round(rng.random(rows), 4)
    count = rng.integers(1, 50, rows)
    mass = np.array(["0.8 kg", "1.2 kg", "450 g"])[rng.integers(0, 3, rows)]
    with open(path, "w") as f:
        f.write("chemistry,count,cell_mass,soc\n")
        f.write("\n".join(f"{a},{b},{m},{s}" for a, b, m, s in zip(c, count, mass, soc)) + "\n")


def exact_and_surrogate_rates(route: str = "hydrometallurgy", exact_samples: int = 20) -> None:
    from recycle import Planner, load_prices
    from recycle.exact_mc import exact_monte_carlo
    from recycle.uncertainty import monte_carlo, route_model

    planner = Planner.load()
    prices = load_prices(planner.db.directory)
    model = route_model(planner, None, route, "10 t/day", {}, prices)
    t0 = time.perf_counter()
    monte_carlo([model], prices, 100_000, 1)
    surrogate = 100_000 / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    exact_monte_carlo(planner, None, route, "10 t/day", {}, prices, exact_samples, 1, method="loop")
    exact = exact_samples / (time.perf_counter() - t0)       # includes its own surrogate runs
    print(f"Monte Carlo of {route}: surrogate {surrogate:,.0f} samples/s; exact per-sample loop {exact:.1f} "
          f"samples/s ({exact_samples} samples, its surrogate runs included; issue 21 target 2 000, aim 10 000)")


def exact_batch_rates(samples: int = 2048, loop_samples: int = 8) -> None:
    """Exact Monte Carlo per route: the batch axis (recycle.exact_mc, method "batch") against the
    per-sample loop (method "loop") and the surrogate, on the same machine; samples/s of the
    exact evaluation after the route model's own 1 + 2k plans (timed apart: the surrogate and
    the draws need them), and the memory per sample of one batch pass (tracemalloc peak / N)."""
    import tracemalloc

    from recycle import Planner, load_prices
    from recycle.exact_mc import CHUNK, exact_monte_carlo
    from recycle.flowsheet import available_routes, load_route
    from recycle.uncertainty import (
        monte_carlo,
        parameter_ranges,
        route_model,
        triangular,
    )

    planner = Planner.load()
    prices = load_prices(planner.db.directory)
    inventory = planner.read_inventory(None)
    for route in available_routes():
        t0 = time.perf_counter()
        model = route_model(planner, inventory, route, "10 t/day", {}, prices)
        t_model = time.perf_counter() - t0
        t0 = time.perf_counter()
        monte_carlo([model], prices, 100_000, 1)
        surrogate = 100_000 / (time.perf_counter() - t0)
        rates, runs = {}, {}
        for label, method, n, workers in (("batch", "batch", samples, 1), ("batch2", "batch", samples, 2),
                                          ("loop", "loop", loop_samples, 1)):
            t0 = time.perf_counter()
            runs[label] = exact_monte_carlo(planner, inventory, route, "10 t/day", {}, prices, n, 1, method=method,
                                            model=model, workers=workers)
            rates[label] = n / (time.perf_counter() - t0)
        assert runs["batch2"].samples_exact == runs["batch"].samples_exact
        loaded = load_route(route)       # loaded before tracing: only the pass is measured
        ranges = parameter_ranges(planner.db, loaded)
        rng = np.random.default_rng(1)
        values = {k: triangular(rng, lo, b, hi, samples)[:, 0] for k, (lo, b, hi, *_x) in ranges.items()}
        values = {k: v[:CHUNK] for k, v in values.items()}         # one pass of the exact Monte Carlo
        planner.plan_batch(inventory, loaded, "10 t/day", {k: v[:2] for k, v in values.items()})   # warm caches
        tracemalloc.start()
        result = planner.plan_batch(inventory, loaded, "10 t/day", values, batch_equilibria=True)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del result
        print(f"exact Monte Carlo of {route} ({len(ranges)} parameters sampled): batch axis {rates['batch']:,.0f} "
              f"samples/s ({samples} samples, {runs['batch'].evaluated} feasible), {rates['batch2']:,.0f} samples/s on 2 "
              f"worker processes, per-sample loop {rates['loop']:.1f} "
              f"samples/s; surrogate {surrogate:,.0f} samples/s; route model (1 + 2k plans) {t_model:.2f} s once; "
              f"batch memory {peak / CHUNK / 1e6:.2f} MB per sample (tracemalloc peak of one pass of {CHUNK} / {CHUNK}); "
              "issue 21 target 2 000 samples/s, aim 10 000")


def main() -> None:
    exe = shutil.which("recycle") or os.path.join(os.path.dirname(sys.executable), "recycle")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.platform()}")
    print(f"recycle --help: {wall([exe, '--help'])[0]:.3f} s (target < 0.3 s)")
    print(f"recycle plan (example): {wall([exe, 'plan'])[0]:.3f} s (target < 2 s)")
    print(f"recycle compare (example, every route): {wall([exe, 'compare'])[0]:.3f} s (target < 2 s)")
    t, _ = wall([exe, "compare", "--samples", "100000", "--seed", "1", "--fast"], repeat=1)
    print(f"recycle compare --samples 100000 --fast (every route, surrogate): {t:.3f} s (target < 10 s)")
    t, _ = wall([exe, "compare", "--samples", "2000", "--seed", "1"], repeat=1)
    print(f"recycle compare --samples 2000 (every route, exact): {t:.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "inventory.csv")
        million_row_inventory(big)
        t, peak = wall([exe, "plan", big], repeat=1)
        print(f"recycle plan, 1 000 000-row inventory ({os.path.getsize(big) / 1e6:.0f} MB): {t:.3f} s "
              f"(target < 15 s), peak memory {peak:.0f} MB (target < 2048 MB)")
        yaml_file = os.path.join(tmp, "inventory.yaml")
        with open(yaml_file, "w") as f:
            f.write("cells:\n" + "".join(f"  - {{chemistry: LPSCL-NCM811-LI, mass: {1 + i % 7} kg, soc: 0.1}}\n"
                                         for i in range(20_000)))
        t, _ = wall([exe, "inventory", "check", yaml_file], repeat=1)
        print(f"recycle inventory check, 20 000-row YAML inventory: {t:.3f} s (target < 5 s)")
        # Monte Carlo: the surrogate (array operations) against the exact per-sample loop (each
        # sample planned in full), one route, same machine
        exact_and_surrogate_rates()
        exact_batch_rates()
        # sweep throughput: the built-in example grid (80 scenarios) on 1 and 2 local workers,
        # each run from scratch (cluster start-up included)
        for workers in (1, 2):
            out = os.path.join(tmp, f"sweep{workers}")
            t, _ = wall([exe, "sweep", "--out", out, "--workers", str(workers)], repeat=1)
            print(f"recycle sweep (example grid, 80 scenarios), {workers} worker(s): {t:.1f} s, "
                  f"{80 / t:.2f} scenarios/s")


if __name__ == "__main__":
    if sys.argv[1:] == ["mc"]:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
              f"{platform.python_version()}, {platform.platform()}")
        exact_batch_rates()
    else:
        main()
