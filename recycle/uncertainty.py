"""Monte Carlo and one-at-a-time sensitivity of routes, by design cheap.

The expensive part (balances with Cantera) does not depend on prices: each route is planned
once at the base values and once at the low and high value of every uncertain process
parameter (``chemistry/uncertainty.yaml``). Each plan gives the net value as a function that
is linear in the prices, c0 + a . p (recycle.economics.linear_model). Samples are then pure
array operations: prices drawn from triangular(low, value, high); each parameter moves c0 and
a by linear interpolation between its base and low/high runs, and the parameter effects add
(first order: the surrogate is exact when the net value is linear in each parameter and the
effects do not interact). Safety scores (integers) take the score change of the nearest of
the low/base/high runs of each parameter, added over parameters.
Units: net value USD per kg of cells; safety score in index points.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .audit import audit
from .economics import economics
from .flowsheet import Route, load_route
from .safety import safety
from .step_types import step_facts

PERCENTILES = (5, 50, 95)


@dataclass
class Effect:
    """Runs of one uncertain parameter at its low and high value."""

    name: str                      # "step.param"
    low: float
    base: float
    high: float
    text: tuple[str, str]          # low and high as written
    const: tuple[float, float]     # c0 at low, high
    coef: tuple[dict, dict]        # a at low, high
    safety: tuple[int, int]
    source: str
    risk: tuple[float, float] = (0.0, 0.0)


@dataclass
class RouteModel:
    route: str
    const: float
    coef: dict[str, float]
    safety: int
    effects: list[Effect] = field(default_factory=list)
    risk: float = 0.0               # route risk as one number: worst risk + aggregate / (1 + aggregate)


def risk_number(rank_key) -> float:
    """A route's risk as one number that orders like its rank key (worst risk, then aggregate):
    worst + aggregate / (1 + aggregate)."""
    worst, aggregate = float(rank_key[0]), float(rank_key[1])
    return worst + aggregate / (1.0 + aggregate)


def _evaluate(planner, inventory, route: Route, throughput, prices) -> tuple[float, dict, int, float]:
    result = planner.plan(inventory, route, throughput)
    lm = economics(result, prices)["linear_model"]
    s = safety(result, audit(result))
    return lm["constant"], lm["coefficients"], s["score"], risk_number(s["risk"]["rank_key"])


def route_model(planner, inventory, route_id: str, throughput: str, overrides: dict, prices,
                progress=None) -> RouteModel:
    """Base run and low/high runs of every uncertain parameter of the route.

    ``progress(text)``, when given, is called after each run (for a progress bar)."""
    from .inventory import Inventory

    if not isinstance(inventory, Inventory):            # a file, a DataFrame or a list of dicts
        inventory = planner.read_inventory(inventory)
    tick = progress or (lambda text="": None)
    route = load_route(route_id)
    route = route.with_parameters({s: p for s, p in overrides.items() if s in route.steps})
    const, coef, score, risk = _evaluate(planner, inventory, route, throughput, prices)
    tick(f"{route.id} base")
    model = RouteModel(route.id, const, coef, score, risk=risk)
    facts = step_facts(planner.db)
    for sid, step in route.steps.items():
        for pname, rng in facts[step.type].uncertainty.items():
            if pname not in step.values:
                continue
            spec = next(p for p in step.params if p.name == pname)
            where = f"chemistry/step_types.yaml: step_types.{step.type}.uncertainty.{pname}"
            lo, hi = spec.parse(rng["low"], where + ".low"), spec.parse(rng["high"], where + ".high")
            base = float(step[pname])
            lo_text, hi_text = str(rng["low"]), str(rng["high"])
            if base < lo:
                lo, lo_text = base, str(step.raw[pname])
            if base > hi:
                hi, hi_text = base, str(step.raw[pname])
            runs = []
            for text in (lo_text, hi_text):
                runs.append(_evaluate(planner, inventory, route.with_parameters({sid: {pname: text}}),
                                      throughput, prices))
                tick(f"{route.id} {sid}.{pname}={text}")
            model.effects.append(Effect(f"{sid}.{pname}", lo, base, hi, (lo_text, hi_text),
                                        (runs[0][0], runs[1][0]), (runs[0][1], runs[1][1]),
                                        (runs[0][2], runs[1][2]), str(rng.get("source", "")),
                                        (runs[0][3], runs[1][3])))
    return model


def _price_arrays(prices, keys: list[str]):
    lo, mode, hi = [], [], []
    for k in keys:
        p = prices.prices[tuple(k.split(".", 1))]
        lo.append(min(p.low, p.value))
        mode.append(p.value)
        hi.append(max(p.high, p.value))
    return np.array(lo), np.array(mode), np.array(hi)


def triangular(rng: np.random.Generator, low, mode, high, size) -> np.ndarray:
    """Triangular samples; a degenerate range (low == high) gives the constant."""
    low, mode, high = np.broadcast_arrays(np.asarray(low, float), np.asarray(mode, float), np.asarray(high, float))
    out = np.empty((size,) + low.shape)
    wide = high > low
    out[:, ~wide] = mode[~wide]
    if wide.any():
        out[:, wide] = rng.triangular(low[wide], mode[wide], high[wide], size=(size, int(wide.sum())))
    return out


def _weights(theta: np.ndarray, e: Effect) -> tuple[np.ndarray, np.ndarray]:
    """Interpolation weights towards the low and the high run."""
    w_lo = np.where(theta < e.base, (e.base - theta) / max(e.base - e.low, 1e-300), 0.0)
    w_hi = np.where(theta > e.base, (theta - e.base) / max(e.high - e.base, 1e-300), 0.0)
    return w_lo, w_hi


def monte_carlo(models: list[RouteModel], prices, samples: int, seed: int | None,
                eligible: list[bool] | None = None) -> dict:
    """Percentiles of net value, route risk (:func:`risk_number`, nearest of the three runs of each
    uncertain parameter) and safety index per route, and the probability each is best among the
    ``eligible`` routes (default all; a route that does not apply is not a candidate: 0)."""
    rng = np.random.default_rng(seed)
    keys = sorted({k for m in models for k in m.coef} | {k for m in models for e in m.effects for c in e.coef for k in c})
    p = triangular(rng, *_price_arrays(prices, keys), samples)                 # (n, P), shared by all routes
    index = {k: i for i, k in enumerate(keys)}

    def vec(coef: dict) -> np.ndarray:
        v = np.zeros(len(keys))
        for k, a in coef.items():
            v[index[k]] = a
        return v

    nets, scores, risks = [], [], []
    for m in models:
        base = vec(m.coef)
        net = m.const + p @ base
        score = np.full(samples, float(m.safety))
        risk = np.full(samples, float(m.risk))
        for e in m.effects:
            theta = triangular(rng, e.low, e.base, e.high, samples)
            w_lo, w_hi = _weights(theta, e)
            net += w_lo * ((e.const[0] - m.const) + p @ (vec(e.coef[0]) - base))
            net += w_hi * ((e.const[1] - m.const) + p @ (vec(e.coef[1]) - base))
            nearest = np.where(w_lo > 0.5, e.safety[0] - m.safety, np.where(w_hi > 0.5, e.safety[1] - m.safety, 0))
            score += nearest
            risk += np.where(w_lo > 0.5, e.risk[0] - m.risk, np.where(w_hi > 0.5, e.risk[1] - m.risk, 0.0))
        nets.append(net)
        scores.append(score)
        risks.append(risk)
    nets, scores, risks = np.array(nets), np.array(scores), np.array(risks)   # (routes, n)
    ok = np.ones(len(models), dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    best_net, best_safety, best_risk = np.zeros(len(models)), np.zeros(len(models)), np.zeros(len(models))
    if ok.any():
        best_net[ok] = _share_of_best(nets[ok], higher=True)
        best_safety[ok] = _share_of_best(scores[ok], higher=False)
        best_risk[ok] = _share_of_best(risks[ok], higher=False)
    return {"samples": samples, "seed": seed, "routes": [
        {"route": m.route,
         "net_value": {f"p{q}": {"value": float(np.percentile(nets[i], q)), "unit": "USD/kg"} for q in PERCENTILES},
         "safety_score": {f"p{q}": {"value": float(np.percentile(scores[i], q)), "unit": "points"}
                          for q in PERCENTILES},
         "risk": {f"p{q}": {"value": float(np.percentile(risks[i], q)), "unit": ""} for q in PERCENTILES},
         "probability_best_net_value": float(best_net[i]),
         "probability_best_safety": float(best_safety[i]),
         "probability_lowest_risk": float(best_risk[i])}
        for i, m in enumerate(models)]}


def _share_of_best(values: np.ndarray, higher: bool) -> np.ndarray:
    """Share of samples in which each route is best; ties share the sample equally."""
    best = values.max(axis=0) if higher else values.min(axis=0)
    is_best = values == best
    return (is_best / is_best.sum(axis=0)).mean(axis=1)


def tornado(model: RouteModel, prices, top: int | None = None) -> list[dict]:
    """One-at-a-time swings of net value (USD/kg) and safety score, largest net-value swing first
    (the safety swing is in its own columns)."""
    net0 = model.const + sum(a * prices.prices[tuple(k.split(".", 1))].value for k, a in model.coef.items())
    rows = []
    for e in model.effects:
        nets = [e.const[j] + sum(a * prices.prices[tuple(k.split(".", 1))].value for k, a in e.coef[j].items())
                for j in (0, 1)]
        rows.append({"input": e.name, "kind": "parameter", "low": e.text[0], "high": e.text[1],
                     "net_value_low": nets[0], "net_value_high": nets[1],
                     "safety_low": e.safety[0], "safety_high": e.safety[1], "source": e.source})
    for k, a in model.coef.items():
        p = prices.prices[tuple(k.split(".", 1))]
        if p.high == p.low:
            continue
        rows.append({"input": f"price {k}", "kind": "price", "low": f"{p.low:.4g} {p.unit}", "high": f"{p.high:.4g} {p.unit}",
                     "net_value_low": net0 + a * (p.low - p.value), "net_value_high": net0 + a * (p.high - p.value),
                     "safety_low": model.safety, "safety_high": model.safety, "source": p.source[:80]})
    rows.sort(key=lambda r: (-abs(r["net_value_high"] - r["net_value_low"]), -abs(r["safety_high"] - r["safety_low"])))
    for r in rows:
        r["net_value_base"], r["safety_base"] = net0, model.safety
    return rows[:top] if top else rows
