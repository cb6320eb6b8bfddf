"""Time of the inherent-safety score of every sample of a Monte Carlo batch at once
(recycle.safety.safety_scores) against the per-sample path (safety of each sample's own rows,
with its audit), on 512 samples of the hydrometallurgy and pyrometallurgy routes.

Run: .venv/bin/python bench/safety_scores.py [samples]   (prints ms per batch and us per sample)
"""
from __future__ import annotations

import platform
import statistics
import sys
import time

import numpy as np

from recycle import Planner
from recycle.audit import audit
from recycle.batch import sample_rows, single_threaded_blas
from recycle.flowsheet import load_route
from recycle.safety import safety, safety_scores
from recycle.uncertainty import parameter_ranges, triangular


def samples_of(planner: Planner, route, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` triangular draws of every parameter of ``route`` with a range (SI)."""
    rng = np.random.default_rng(seed)
    return {k: triangular(rng, lo, base, hi, n)[:, 0]
            for k, (lo, base, hi, *_r) in parameter_ranges(planner.db, route).items()}


def median_time(fn, repeat: int) -> float:
    """Median wall time (s) of ``fn()`` over ``repeat`` runs (after one warm-up run)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(n: int = 512) -> None:
    planner = Planner.load()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, {n} samples")
    with single_threaded_blas():
        for route_id in ("hydrometallurgy", "pyrometallurgy"):
            route = load_route(route_id)
            batch = planner.plan_batch(None, route, "10 t/day", samples_of(planner, route, n))
            t_batch = median_time(lambda b=batch: safety_scores(b), 5)
            cut = [sample_rows(batch, k) for k in range(0, n, max(n // 32, 1))]   # 32 of the samples
            audits = [audit(r) for r in cut]
            t_audit = median_time(lambda c=cut: [audit(r) for r in c], 3) / len(cut)
            t_safety = median_time(lambda c=cut, a=audits: [safety(r, x) for r, x in zip(c, a)], 3) / len(cut)
            print(f"{route_id:16s} safety_scores {t_batch * 1e3:6.1f} ms per batch = {t_batch / n * 1e6:5.1f} us/sample; "
                  f"per sample: audit {t_audit * 1e3:5.2f} ms + safety {t_safety * 1e3:5.2f} ms "
                  f"(speed-up {(t_audit + t_safety) * n / t_batch:4.0f} x)")

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 512)
