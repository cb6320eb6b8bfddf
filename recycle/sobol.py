"""Global sensitivity of a route's net value: Sobol indices with SALib.

The inputs are those the Monte Carlo samples (``recycle.uncertainty``): prices, finance and
capital factors, and the process parameters with a range, each triangular(low, value, high)
through its inverse CDF from a uniform quantile. Prices that ``prices.yaml`` correlates are one
group with one index (Sobol indices assume independent inputs: inside the design the group's
members are drawn independently and swapped together, so the index is the group's joint share;
their correlation is not represented). The model evaluated is the Monte Carlo's surrogate (:func:`net_value_at`:
exact in prices and finance, first order in each process parameter), so interactions between a
price and a process parameter are seen, interactions between two process parameters are not.

Method: Saltelli's sampling on a Sobol' sequence and the Jansen/Saltelli estimators of SALib
(``SALib.sample.sobol``, ``SALib.analyze.sobol``), N base samples and N (G + 2) evaluations for
G groups, first-order (S1) and total (ST) indices with 95 % bootstrap confidence intervals. The
samples needed for a target interval width follow from the interval's 1/sqrt(N) scaling.
Units: net value USD per kg of cells; indices dimensionless (shares of the variance).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .results import Measured, measured
from .uncertainty import (
    RouteModel,
    _price_arrays,
    net_value_at,
    price_keys,
    triangular_ppf,
)


@dataclass(frozen=True, kw_only=True, repr=False)
class SobolIndex(Measured):
    """One input (or correlated group): first-order and total index with their 95 % half-widths."""

    input: str
    S1: float
    S1_conf: float
    ST: float
    ST_conf: float


@dataclass(frozen=True, kw_only=True, repr=False)
class Sobol(Measured):
    """Sobol indices of a route's net value, largest total index first, with the sample count
    used (N), the model evaluations it took, and the N needed for intervals within ``target_interval``."""

    route: str
    samples: int
    evaluations: int
    seed: int
    net_value_mean: float = measured("USD/kg")
    net_value_std: float = measured("USD/kg")
    target_interval: float
    samples_needed: int
    indices: tuple[SobolIndex, ...]

    def __repr__(self) -> str:
        top = self.indices[0].input if self.indices else "-"
        return f"Sobol(route={self.route!r}, N={self.samples}, largest={top!r})"


def sobol_indices(model: RouteModel, prices, samples: int = 1024, seed: int = 1, target: float = 0.05) -> Sobol:
    """First-order and total Sobol indices of ``model``'s net value per input group.

    ``samples``: N, a power of 2 (Sobol' sequence); ``target``: the wanted half-width of the
    total indices' 95 % interval, from which the N needed is estimated."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    if samples < 2 or samples & (samples - 1):
        raise ValueError(f"samples must be a power of 2 (Sobol' sequence), not {samples}")
    keys = price_keys([model])
    index = {k: i for i, k in enumerate(keys)}
    finance_keys = sorted(model.finance)
    names = [f"price {k}" for k in keys] + [f"finance {k}" for k in finance_keys] + [e.name for e in model.effects]
    group_of = {n: n for n in names}
    for label, (members, _rho) in getattr(prices, "correlations", {}).items():
        for k in members:
            if f"price {k}" in group_of:
                group_of[f"price {k}"] = f"prices {label} (correlated)"
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names),
               "groups": [group_of[n] for n in names]}
    if len(set(problem["groups"])) < 2:
        raise ValueError("Sobol indices need at least two independent inputs (or groups)")
    u = sample.sample(problem, samples, calc_second_order=False, seed=seed)          # (N (G + 2), D)
    lo, mode, hi = _price_arrays(prices, keys)
    p = triangular_ppf(u[:, :len(keys)], lo, mode, hi)
    finance = {k: triangular_ppf(u[:, len(keys) + j], *model.finance[k]) for j, k in enumerate(finance_keys)}
    base_finance = {k: r[1] for k, r in model.finance.items()}
    offset = len(keys) + len(finance_keys)
    thetas = {e.name: triangular_ppf(u[:, offset + j], e.low, e.base, e.high) for j, e in enumerate(model.effects)}
    accuracy = p[:, index["estimates.capital_cost_factor"]] if "estimates.capital_cost_factor" in index else 1.0
    y = net_value_at(model, p, index, finance, base_finance, thetas, accuracy)
    si = analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    groups = list(dict.fromkeys(problem["groups"]))
    rows = sorted((SobolIndex(input=g, S1=float(si["S1"][i]), S1_conf=float(si["S1_conf"][i]),
                              ST=float(si["ST"][i]), ST_conf=float(si["ST_conf"][i])) for i, g in enumerate(groups)),
                  key=lambda r: -r.ST)
    worst = max((r.ST_conf for r in rows), default=0.0)
    needed = samples if worst <= target else 2 ** math.ceil(math.log2(samples * (worst / target) ** 2))
    return Sobol(route=model.route, samples=samples, evaluations=len(y), seed=seed,
                 net_value_mean=float(np.mean(y)), net_value_std=float(np.std(y)), target_interval=target,
                 samples_needed=int(needed), indices=tuple(rows))


__all__ = ["Sobol", "SobolIndex", "sobol_indices"]
