"""Monte Carlo and one-at-a-time sensitivity of routes.

``monte_carlo(..., exact=...)`` (what ``recycle compare --samples`` uses) evaluates the net
value, GHG, route risk and safety index of every sample in full (recycle.exact_mc, on the
batch axis); the first-order surrogate described below is ``--fast``, and its error is
reported against the exact values.

The expensive part (balances with Cantera) does not depend on prices: each route is planned
once at the base values and once at the low and high value of every uncertain process
parameter (``chemistry/step_types.yaml`` uncertainty). Each plan gives the net value as a
function that is linear in the prices, c0 + a . p (recycle.economics.linear_model), and the
greenhouse-gas total as one linear in the emission factors (recycle.environment). Samples are
then array operations:

- prices from triangular(low, value, high), drawn together within the correlated groups of
  ``prices.yaml`` (Gaussian copula, ``correlations``), independently otherwise;
- emission factors from triangular(low, value, high) of ``emission_factors.yaml``;
- finance and capital factors (discount rate, plant life, maintenance, working capital,
  offsites, engineering, contingency; ``equipment.yaml`` general) from triangular ranges,
  shared by all routes; the capital charge is recomputed exactly from each route's inside- and
  outside-battery-limits capital (closed form, no surrogate);
- each process parameter moves c0 and a by linear interpolation between its base and low/high
  runs, and the parameter effects add (first order: exact when the outputs are linear in each
  parameter and the effects do not interact).

In the surrogate, safety scores (integers) and route risks take the change of the nearest of
the low/base/high runs of each parameter, added over parameters. Income tax does not enter the
net value (it is in the NPV of recycle.economics), so it is not sampled here.
Units: net value USD per kg of cells; GHG kg CO2e per kg of cells; safety score in points.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.special import ndtr

from .applicability import DOES_NOT_APPLY
from .cases import SampleRows
from .compare import Comparison
from .economics import crf, economics
from .environment import environment, factor_ranges
from .errors import InputError
from .flowsheet import Route, load_route
from .results import Measured, measured
from .safety import safety_scores
from .scenarios import route_risks
from .step_types import step_facts
from .units import Q_

INDEX_PERCENTILE = "inverted_cdf"     # the index's percentiles are scores a sample has (integers)
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
    ghg_const: tuple[float, float] = (0.0, 0.0)      # GHG constant at low, high (kg CO2e/kg)
    ghg_coef: tuple[dict, dict] = ({}, {})           # GHG coefficients at low, high


@dataclass
class RouteModel:
    route: str
    const: float
    coef: dict[str, float]
    safety: int
    effects: list[Effect] = field(default_factory=list)
    risk: float = 0.0               # route risk as one number: worst risk + aggregate / (1 + aggregate)
    ghg_const: float = 0.0          # direct (stack) GHG, kg CO2e per kg of cells
    ghg_coef: dict[str, float] = field(default_factory=dict)   # emission factor -> activity per kg of cells
    isbl: float = 0.0               # inside-battery-limits capital, USD per (kg/year) of cells
    references: float = 0.0        # whole-plant reference capital (already total), USD per (kg/year)
    finance: dict = field(default_factory=dict)               # name -> (low, value, high), equipment.yaml
    factors: dict = field(default_factory=dict)               # emission factor -> (low, value, high)


@dataclass
class Run:
    """What one plan of a route gives the Monte Carlo."""

    const: float
    coef: dict
    safety: int
    risk: float
    ghg_const: float
    ghg_coef: dict
    isbl: float
    references: float


def _evaluate(planner, inventory, route: Route, throughput, prices, region: str) -> Run:
    """One plan of ``route`` and what the Monte Carlo reads of it: its price and GHG models, its
    capital, and its safety index and route risk (the numbers of ``safety(result,
    audit(result))``, without the audit's findings and words: recycle.safety.safety_scores and
    recycle.scenarios.route_risks of the plan's one sample)."""
    result = planner.plan(inventory, route, throughput)
    econ = economics(result, prices)
    env = environment(result, region).linear_model
    one = SampleRows.plan(len(result.feed))
    score, risk = int(safety_scores(result, one).expected[0]), float(route_risks(result, one)[0])
    cells_y = econ.throughput * 1000.0                                                 # kg/year
    return Run(econ.linear_model.constant, econ.linear_model.coefficients, score, risk,
               env.constant, env.coefficients, econ.capital.isbl / cells_y, econ.capital.references / cells_y)


FINANCE = ("discount_rate", "plant_life", "maintenance_fraction", "working_capital_fraction",
           "offsite_fraction", "engineering_fraction", "contingency_fraction")


def finance_ranges(equipment: dict) -> dict[str, tuple[float, float, float]]:
    """(low, value, high) of the finance and capital factors of ``equipment.yaml`` general
    (plant life in years); an entry without a range is held at its value."""
    def number(name, text):
        return float(Q_(str(text)).to("year").magnitude) if name == "plant_life" else float(text)

    out = {}
    for name in FINANCE:
        entry = equipment["general"][name]
        value = number(name, entry["value"])
        out[name] = (min(number(name, entry.get("low", entry["value"])), value), value,
                     max(number(name, entry.get("high", entry["value"])), value))
    return out


def capital_cost_per_kg(f: dict, isbl, references):
    """Annual capital charge, maintenance and working-capital charge per kg of cells (USD/kg)
    for finance factors ``f`` (scalars or arrays): (CRF + maintenance + r x working capital
    fraction) x fixed capital, fixed capital = ISBL x (1 + offsites) x (1 + engineering +
    contingency) + whole-plant references (recycle.economics, recycle.capital)."""
    fixed = isbl * (1 + f["offsite_fraction"]) * (1 + f["engineering_fraction"] + f["contingency_fraction"]) + references
    rate = (crf(f["discount_rate"], f["plant_life"]) + f["maintenance_fraction"]
            + f["discount_rate"] * f["working_capital_fraction"])
    return rate * fixed


def route_model(planner, inventory, route_id: str, throughput: str, overrides: dict, prices,
                progress=None, region: str = "US") -> RouteModel:
    """Base run and low/high runs of every uncertain parameter of the route; ``region`` picks
    the grid emission factor. A parameter ``overrides`` sets (``--set``, a sweep's parameter
    set) is a choice, held at its value: it is not sampled.

    ``progress(text)``, when given, is called after each run (for a progress bar)."""
    from .inventory import Inventory

    if not isinstance(inventory, Inventory):            # a file, a DataFrame or a list of dicts
        inventory = planner.read_inventory(inventory)
    tick = progress or (lambda text="": None)
    route = load_route(route_id)
    route = route.with_parameters({s: p for s, p in overrides.items() if s in route.steps})
    chosen = {f"{sid}.{pname}" for sid, params in overrides.items() for pname in params}
    ranges = {name: r for name, r in parameter_ranges(planner.db, route).items() if name not in chosen}
    runs = _runs(planner, inventory, route, throughput, prices, region, ranges)
    base = runs[0]
    tick(f"{route.id} base")
    model = RouteModel(route.id, base.const, base.coef, base.safety, risk=base.risk, ghg_const=base.ghg_const,
                       ghg_coef=base.ghg_coef, isbl=base.isbl, references=base.references,
                       finance=finance_ranges(planner.db.data("equipment.yaml")),
                       factors=factor_ranges(planner.db))
    for j, (name, (lo, value, hi, (lo_text, hi_text), source)) in enumerate(ranges.items()):
        low, high = runs[1 + 2 * j], runs[2 + 2 * j]
        for text in (lo_text, hi_text):
            tick(f"{route.id} {name}={text}")
        model.effects.append(Effect(name, lo, value, hi, (lo_text, hi_text),
                                    (low.const, high.const), (low.coef, high.coef),
                                    (low.safety, high.safety), source,
                                    (low.risk, high.risk), (low.ghg_const, high.ghg_const),
                                    (low.ghg_coef, high.ghg_coef)))
    return model


def _runs(planner, inventory, route: Route, throughput, prices, region: str, ranges: dict) -> list[Run]:
    """The surrogate's plans of ``route``: the base, then the low and the high value of each
    parameter of ``ranges`` (:func:`parameter_ranges`) in turn, every other at its base value,
    planned as one batch (:meth:`recycle.planner.Planner.plan_batch`, the flare's and smelter's
    equilibria solved together and checked against Cantera) and read at once: each run's price
    and GHG models, capital, safety index and route risk, the numbers its own plan gives
    (tests/test_uncertainty.py). A key a run's own model lacks is 0 in it (the runs together
    have the keys their own plans have). Planned one by one (:func:`_evaluate`) where the batch
    is refused."""
    from .economics import price_models
    from .environment import ghg_models

    names = list(ranges)
    if not names:
        return [_evaluate(planner, inventory, route, throughput, prices, region)]
    n = 1 + 2 * len(names)
    values = {name: np.full(n, ranges[name][1]) for name in names}           # SI, every run at base
    for j, name in enumerate(names):
        values[name][1 + 2 * j], values[name][2 + 2 * j] = ranges[name][0], ranges[name][2]
    try:
        result = planner.plan_batch(inventory, route, throughput, values, batch_equilibria=True)
    except InputError:
        return [_evaluate(planner, inventory, route, throughput, prices, region)] + [
            _evaluate(planner, inventory, route.with_parameters({name.split(".", 1)[0]: {name.split(".", 1)[1]: t}}),
                      throughput, prices, region)
            for name in names for t in ranges[name][3]]
    m, g = price_models(result, prices), ghg_models(result, region)
    score, risk = safety_scores(result).expected, route_risks(result)
    return [Run(float(m.constant[k]), {key: float(a[k]) for key, a in m.coefficients.items()}, int(score[k]),
                float(risk[k]), float(g.constant[k]), {key: float(a[k]) for key, a in g.coefficients.items()},
                float(m.isbl[k] / m.cells_y[k]), float(m.references[k] / m.cells_y[k])) for k in range(n)]


_MODEL_ARGS: tuple | None = None      # set in a forked worker only (Pool initializer), never in the caller


def _start_models(args: tuple) -> None:
    global _MODEL_ARGS
    _MODEL_ARGS = args


def _route_model_of(route: str) -> RouteModel:
    planner, inventory, throughput, overrides, prices, region = _MODEL_ARGS
    return route_model(planner, inventory, route, throughput, overrides, prices, region=region)


def parameter_ranges(db, route: Route) -> dict[str, tuple]:
    """The uncertain process parameters of ``route``: "step.param" -> (low, base, high) in SI,
    (low, high) as written, and the range's source. The range is that of
    ``chemistry/step_types.yaml`` (uncertainty), widened to the route's own value where that
    lies outside it."""
    facts = step_facts(db)
    out = {}
    for sid, step in route.steps.items():
        for pname, rng in facts[step.type].uncertainty.items():
            if pname not in step.values:
                continue
            spec = next(p for p in step.params if p.name == pname)
            where = f"chemistry/step_types.yaml: step_types.{step.type}.uncertainty.{pname}"
            lo, hi = spec.parse(rng["low"], where + ".low"), spec.parse(rng["high"], where + ".high")
            value = float(step[pname])
            lo_text, hi_text = str(rng["low"]), str(rng["high"])
            if value < lo:
                lo, lo_text = value, str(step.raw[pname])
            if value > hi:
                hi, hi_text = value, str(step.raw[pname])
            out[f"{sid}.{pname}"] = (lo, value, hi, (lo_text, hi_text), str(rng.get("source", "")))
    return out


def _price_arrays(prices, keys: list[str]):
    lo, mode, hi = [], [], []
    for k in keys:
        p = prices.prices[tuple(k.split(".", 1))]
        lo.append(min(p.low, p.value))
        mode.append(p.value)
        hi.append(max(p.high, p.value))
    return np.array(lo), np.array(mode), np.array(hi)


def triangular(rng: np.random.Generator, low, mode, high, size) -> np.ndarray:
    """Independent triangular samples (size, n); a degenerate range (low == high) gives the constant."""
    return correlated_triangular(rng, low, mode, high, size, [])


def correlated_triangular(rng: np.random.Generator, low, mode, high, size, groups) -> np.ndarray:
    """Triangular(low, mode, high) samples (size, n) whose normal scores are correlated: within
    each group (indices, rho) every pair has correlation rho (a Gaussian copula); the rest are
    independent. Each margin is exactly its triangular distribution (inverse CDF)."""
    low, mode, high = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, float)) for v in (low, mode, high)))
    n = low.shape[0]
    corr = np.eye(n)
    for indices, rho in groups:
        idx = np.asarray(indices, dtype=int)
        corr[np.ix_(idx, idx)] = rho
        corr[idx, idx] = 1.0
    z = rng.standard_normal((size, n)) @ np.linalg.cholesky(corr).T
    return triangular_ppf(ndtr(z), low, mode, high)


def triangular_ppf(u, low, mode, high) -> np.ndarray:
    """The triangular(low, mode, high) value at quantile ``u`` (0-1), elementwise (inverse CDF);
    a degenerate range (low == high) gives the mode."""
    u, low, mode, high = np.broadcast_arrays(*(np.asarray(v, float) for v in (u, low, mode, high)))
    span = np.maximum(high - low, 1e-300)
    split = (mode - low) / span
    out = np.where(u < split, low + np.sqrt(u * span * (mode - low)), high - np.sqrt((1 - u) * span * (high - mode)))
    return np.where(high > low, out, mode)


def _weights(theta: np.ndarray, e: Effect) -> tuple[np.ndarray, np.ndarray]:
    """Interpolation weights towards the low and the high run."""
    w_lo = np.where(theta < e.base, (e.base - theta) / max(e.base - e.low, 1e-300), 0.0)
    w_hi = np.where(theta > e.base, (theta - e.base) / max(e.high - e.base, 1e-300), 0.0)
    return w_lo, w_hi


ERROR_SAMPLES = 256     # samples of the exact run that measures the surrogate's error (``fast``)


def monte_carlo_comparison(comparison: Comparison, planner, inventory, throughput: str, overrides: dict, prices,
                           samples: int, seed: int | None, region: str = "US", progress=None, fast: bool = False,
                           workers: int = 1, sample_progress=None) -> Comparison:
    """``comparison`` with its Monte Carlo: a :func:`route_model` of each compared route, then
    :func:`monte_carlo` with the routes that do not apply left out of "best".

    By default every sample's net value, GHG, route risk and safety index are its own (each
    sample planned in full on the batch axis: :func:`recycle.exact_mc.exact_evaluator`);
    ``fast`` uses the first-order
    surrogate for all ``samples`` and measures its error on a separate exact run of
    min(samples, ERROR_SAMPLES) samples of the same seed. ``sample_progress()`` is called after each exact
    sample; ``workers`` forked processes share the routes' base and low/high plans and the
    exact samples (same values)."""
    from .exact_mc import exact_evaluator

    args = (planner, inventory, throughput, overrides, prices, region)
    names = [r.route for r in comparison.routes]
    if workers > 1 and len(names) > 1:      # the routes' plans shared among forked processes
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(min(workers, len(names)), _start_models, (args,)) as pool:
            models = []
            for m in pool.imap(_route_model_of, names):
                models.append(m)
                if progress:
                    progress(f"{m.route} runs")
    else:
        models = [route_model(planner, inventory, name, throughput, overrides, prices, progress, region)
                  for name in names]
    eligible = [r.applicability.status != DOES_NOT_APPLY for r in comparison.routes]
    exact = exact_evaluator(planner, inventory, throughput, overrides, prices, region,
                            {m.route: r.route for m, r in zip(models, comparison.routes)}, workers=workers,
                            progress=sample_progress)
    if not fast:
        return replace(comparison, monte_carlo=monte_carlo(models, prices, samples, seed, eligible=eligible,
                                                           exact=exact))
    mc = monte_carlo(models, prices, samples, seed, eligible=eligible)
    check = monte_carlo(models, prices, min(samples, ERROR_SAMPLES), seed, eligible=eligible, exact=exact)
    routes = tuple(replace(r, surrogate_error=c.surrogate_error) for r, c in zip(mc.routes, check.routes))
    return replace(comparison, monte_carlo=replace(mc, routes=routes, error_samples=check.samples))


@dataclass(frozen=True, kw_only=True)
class Sampled:
    """What the Monte Carlo drew: how many prices (and the groups drawn together), which finance
    and capital factors, how many emission factors, which process parameters."""

    prices: int
    correlated_groups: tuple[str, ...]
    finance: tuple[str, ...]
    emission_factors: int
    process_parameters: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, repr=False)
class SurrogateErrors(Measured):
    """The first-order surrogate minus the exact value on the same samples: root mean square and
    largest, of net value and GHG."""

    net_value_rms: float = measured("USD/kg")
    net_value_max: float = measured("USD/kg")
    ghg_rms: float = measured("kg CO2e/kg")
    ghg_max: float = measured("kg CO2e/kg")


@dataclass(frozen=True, kw_only=True, repr=False)
class RouteSpread(Measured):
    """One route's 5th, 50th and 95th percentiles ("p5", "p50", "p95") of net value, safety index,
    route risk and GHG, and the share of samples in which it is best."""

    route: str
    net_value: Mapping[str, float] = measured("USD/kg")
    safety_score: Mapping[str, float] = measured("points")
    risk: Mapping[str, float] = measured("")
    ghg: Mapping[str, float] = measured("kg CO2e/kg")
    probability_best_net_value: float
    probability_best_safety: float
    probability_lowest_risk: float
    infeasible: int = 0                  # samples a step refused (exact): left out of the percentiles
    surrogate_error: SurrogateErrors | None = field(default=None, metadata={"optional": True})   # as results.optional


@dataclass(frozen=True, kw_only=True)
class MonteCarlo:
    samples: int
    seed: int | None
    sampled: Sampled
    routes: tuple[RouteSpread, ...]
    method: str = "surrogate"            # "exact": every sample planned in full (net value, GHG, risk, index)
    error_samples: int = 0               # samples the surrogate's error was measured on (exact: all)

    def __repr__(self) -> str:
        return f"MonteCarlo({self.samples} samples, seed {self.seed}, routes {[r.route for r in self.routes]})"


@dataclass(frozen=True)
class Draws:
    """One Monte Carlo's draws for one route: prices (n, P) over ``index``, the capital-cost
    accuracy factor (n,) or 1, finance factors name -> (n,) and their base values, emission
    factors (n, F) over ``f_index``, process parameters name -> (n,) (SI)."""

    p: np.ndarray
    index: dict[str, int]
    accuracy: np.ndarray | float
    finance: dict[str, np.ndarray]
    base_finance: dict[str, float]
    f: np.ndarray
    f_index: dict[str, int]
    thetas: dict[str, np.ndarray]


def monte_carlo(models: list[RouteModel], prices, samples: int, seed: int | None,
                eligible: list[bool] | None = None, exact=None) -> MonteCarlo:
    """Percentiles of net value, route risk (recycle.scenarios.risk_number), safety index and GHG
    per route, and the probability each is best among the ``eligible`` routes (default all; a
    route that does not apply is not a candidate: 0).

    ``exact``: None for the first-order surrogate; else a function (route model, :class:`Draws`)
    -> :class:`recycle.exact_mc.Evaluated` that evaluates every sample in full
    (:func:`recycle.exact_mc.exact_evaluator`); net value, GHG, route risk and safety index are
    then every sample's own (NaN where a sample is infeasible: left out of the percentiles and
    never best), and the surrogate's error on the same samples is reported. Without it each
    sample takes the risk and index of the nearest of the three runs of each uncertain
    parameter."""
    rng = np.random.default_rng(seed)
    index, p, accuracy, finance, base_finance = draw_prices_and_finance(models, prices, samples, rng)
    f_index, f = draw_emission_factors(models, samples, rng)

    nets, scores, risks, ghgs, infeasible, errors = [], [], [], [], [], []
    for m in models:
        thetas = {e.name: triangular(rng, e.low, e.base, e.high, samples)[:, 0] for e in m.effects}
        net = net_value_at(m, p, index, finance, base_finance, thetas, accuracy)
        ghg = ghg_at(m, f, f_index, thetas)
        refused, error, evaluated = 0, None, None
        if exact is not None:
            evaluated = exact(m, Draws(p, index, accuracy, finance, base_finance, f, f_index, thetas))
            ok = ~np.isnan(evaluated.net)
            dn, dg = net[ok] - evaluated.net[ok], ghg[ok] - evaluated.ghg[ok]
            error = SurrogateErrors(net_value_rms=_rms(dn), net_value_max=_max_abs(dn), ghg_rms=_rms(dg),
                                    ghg_max=_max_abs(dg)) if ok.any() else None     # nothing to measure it on
            net, ghg, refused = evaluated.net, evaluated.ghg, len(evaluated.infeasible)
        infeasible.append(refused)
        errors.append(error)
        score = np.full(samples, float(m.safety))
        risk = np.full(samples, float(m.risk))
        for e in m.effects:
            w_lo, w_hi = _weights(thetas[e.name], e)
            nearest = np.where(w_lo > 0.5, e.safety[0] - m.safety, np.where(w_hi > 0.5, e.safety[1] - m.safety, 0))
            score += nearest
            risk += np.where(w_lo > 0.5, e.risk[0] - m.risk, np.where(w_hi > 0.5, e.risk[1] - m.risk, 0.0))
        if evaluated is not None:        # every sample's own (NaN: infeasible)
            risk, score = evaluated.risk, evaluated.safety
        nets.append(net)
        scores.append(score)
        risks.append(risk)
        ghgs.append(ghg)
    nets, scores, risks, ghgs = np.array(nets), np.array(scores), np.array(risks), np.array(ghgs)   # (routes, n)
    ok = np.ones(len(models), dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    best_net, best_safety, best_risk = np.zeros(len(models)), np.zeros(len(models)), np.zeros(len(models))
    if ok.any():
        best_net[ok] = _share_of_best(nets[ok], higher=True)
        best_safety[ok] = _share_of_best(scores[ok], higher=False)
        best_risk[ok] = _share_of_best(risks[ok], higher=False)
    def spread(values, method="linear"):
        values = values[~np.isnan(values)]
        return {f"p{q}": float(np.percentile(values, q, method=method)) if len(values) else float("nan")
                for q in PERCENTILES}

    return MonteCarlo(
        samples=samples, seed=seed, method="surrogate" if exact is None else "exact",
        error_samples=0 if exact is None else samples,
        sampled=Sampled(prices=len(index), correlated_groups=tuple(getattr(prices, "correlations", {})),
                        finance=tuple(sorted(finance)), emission_factors=len(f_index),
                        process_parameters=tuple(sorted({e.name for m in models for e in m.effects}))),
        routes=tuple(RouteSpread(route=m.route, net_value=spread(nets[i]),
                                 safety_score=spread(scores[i], INDEX_PERCENTILE),
                                 risk=spread(risks[i]), ghg=spread(ghgs[i]),
                                 probability_best_net_value=float(best_net[i]),
                                 probability_best_safety=float(best_safety[i]),
                                 probability_lowest_risk=float(best_risk[i]), infeasible=infeasible[i],
                                 surrogate_error=errors[i])
                     for i, m in enumerate(models)))


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt((x ** 2).mean())) if len(x) else 0.0


def _max_abs(x: np.ndarray) -> float:
    return float(np.abs(x).max()) if len(x) else 0.0


def price_keys(models: list[RouteModel]) -> list[str]:
    """Every price ("section.name") the routes' net values are linear in, at any of their runs."""
    return sorted({k for m in models for k in m.coef} | {k for m in models for e in m.effects for c in e.coef for k in c})


def draw_prices_and_finance(models: list[RouteModel], prices, samples: int, rng: np.random.Generator):
    """The Monte Carlo's draws shared by all routes, in this order: prices (triangular, the
    correlated groups of prices.yaml through a Gaussian copula), then the finance and capital
    factors. Returns (price index, prices (n, P), capital-cost accuracy factor (n,) or 1,
    finance factors name -> (n,), their base values)."""
    keys = price_keys(models)
    index = {k: i for i, k in enumerate(keys)}
    groups = [([index[k] for k in members if k in index], rho)
              for members, rho in getattr(prices, "correlations", {}).values()]
    p = correlated_triangular(rng, *_price_arrays(prices, keys), samples, [g for g in groups if len(g[0]) > 1])
    accuracy = p[:, index["estimates.capital_cost_factor"]] if "estimates.capital_cost_factor" in index else 1.0
    ranges = next((m.finance for m in models if m.finance), {})
    finance = {k: triangular(rng, *r, samples)[:, 0] for k, r in ranges.items()}
    return index, p, accuracy, finance, {k: r[1] for k, r in ranges.items()}


def draw_emission_factors(models: list[RouteModel], samples: int, rng: np.random.Generator):
    """The emission factors the routes' GHG is linear in (at any of their runs), each from its
    triangular range of ``emission_factors.yaml``, drawn after the prices and finance factors.
    Returns (factor index, factors (n, F))."""
    keys = sorted({k for m in models for k in m.ghg_coef} | {k for m in models for e in m.effects
                                                           for c in e.ghg_coef for k in c})
    table = next((m.factors for m in models if m.factors), {})
    missing = [k for k in keys if k not in table]
    if missing:
        raise KeyError(f"no emission-factor range for {missing}")
    f = triangular(rng, *(np.array([table[k][j] for k in keys]) for j in range(3)), samples) \
        if keys else np.zeros((samples, 0))
    return {k: i for i, k in enumerate(keys)}, f


def ghg_at(m: RouteModel, f: np.ndarray, f_index: dict[str, int], thetas: dict[str, np.ndarray]) -> np.ndarray:
    """GHG (kg CO2e per kg of cells) of route model ``m`` per sample: emission factors ``f``
    (n, F) over the keys of ``f_index``, process parameters ``thetas`` interpolated between the
    base and low/high runs (the surrogate, as for the net value)."""
    base = _vector(m.ghg_coef, f_index)
    ghg = m.ghg_const + f @ base
    for e in m.effects:
        w_lo, w_hi = _weights(thetas[e.name], e)
        ghg = ghg + w_lo * ((e.ghg_const[0] - m.ghg_const) + f @ (_vector(e.ghg_coef[0], f_index) - base))
        ghg = ghg + w_hi * ((e.ghg_const[1] - m.ghg_const) + f @ (_vector(e.ghg_coef[1], f_index) - base))
    return ghg


def _vector(coef: dict, index: dict) -> np.ndarray:
    v = np.zeros(len(index))
    for k, a in coef.items():
        v[index[k]] = a
    return v


def net_value_at(m: RouteModel, p: np.ndarray, index: dict[str, int], finance: dict, base_finance: dict,
                 thetas: dict[str, np.ndarray], accuracy=1.0) -> np.ndarray:
    """Net value (USD per kg of cells) of route model ``m`` per sample: prices ``p`` (n, P) over
    the price keys of ``index``, finance and capital factors ``finance`` (name -> (n,); the capital
    charge recomputed exactly), process parameters ``thetas`` (effect name -> (n,), interpolated
    between the base and low/high runs), ``accuracy`` the capital-cost factor (n,) or 1."""
    base = _vector(m.coef, index)
    net = m.const + p @ base
    if finance:      # the capital charge at each sample's finance, exactly (closed form)
        net = net + accuracy * (capital_cost_per_kg(base_finance, m.isbl, m.references)
                                - capital_cost_per_kg(finance, m.isbl, m.references))
    for e in m.effects:
        w_lo, w_hi = _weights(thetas[e.name], e)
        net = net + w_lo * ((e.const[0] - m.const) + p @ (_vector(e.coef[0], index) - base))
        net = net + w_hi * ((e.const[1] - m.const) + p @ (_vector(e.coef[1], index) - base))
    return net


def _share_of_best(values: np.ndarray, higher: bool) -> np.ndarray:
    """Share of samples (routes, samples) in which each route is best; ties share the sample
    equally. A NaN (an infeasible sample of that route) is never best, and a sample no route
    could plan counts for none, so the shares then add up to less than 1."""
    feasible = ~np.isnan(values)
    filled = np.where(feasible, values, -np.inf if higher else np.inf)
    best = filled.max(axis=0) if higher else filled.min(axis=0)
    is_best = feasible & (filled == best)
    count = is_best.sum(axis=0)
    return np.where(count > 0, is_best / np.maximum(count, 1), 0.0).mean(axis=1)


@dataclass(frozen=True, kw_only=True, repr=False)
class Swing(Measured):
    """One input of a one-at-a-time sensitivity: its low and high value (as written), the net
    value (USD/kg) and safety index (points) there, and the base values of both."""

    input: str
    kind: str                       # parameter | price | finance
    low: str
    high: str
    net_value_low: float = measured("USD/kg")
    net_value_high: float = measured("USD/kg")
    safety_low: float = measured("points")
    safety_high: float = measured("points")
    source: str
    net_value_base: float = measured("USD/kg")
    safety_base: float = measured("points")


def tornado(model: RouteModel, prices, top: int | None = None) -> list[Swing]:
    """One-at-a-time swings of net value (USD/kg) and safety score, largest net-value swing first
    (the safety swing is in its own fields)."""
    net0 = model.const + sum(a * prices.prices[tuple(k.split(".", 1))].value for k, a in model.coef.items())
    base = {"net_value_base": net0, "safety_base": model.safety}
    rows: list[Swing] = []
    for e in model.effects:
        nets = [e.const[j] + sum(a * prices.prices[tuple(k.split(".", 1))].value for k, a in e.coef[j].items())
                for j in (0, 1)]
        rows.append(Swing(input=e.name, kind="parameter", low=e.text[0], high=e.text[1],
                          net_value_low=nets[0], net_value_high=nets[1], safety_low=e.safety[0],
                          safety_high=e.safety[1], source=e.source, **base))
    for k, a in model.coef.items():
        p = prices.prices[tuple(k.split(".", 1))]
        if p.high == p.low:
            continue
        rows.append(Swing(input=f"price {k}", kind="price", low=f"{p.low:.4g} {p.unit}", high=f"{p.high:.4g} {p.unit}",
                          net_value_low=net0 + a * (p.low - p.value), net_value_high=net0 + a * (p.high - p.value),
                          safety_low=model.safety, safety_high=model.safety, source=p.source[:80], **base))
    accuracy = prices.prices[("estimates", "capital_cost_factor")].value \
        if ("estimates", "capital_cost_factor") in prices.prices else 1.0
    base_finance = {k: r[1] for k, r in model.finance.items()}
    for k, (low, value, high) in model.finance.items():
        if low == high:
            continue
        swing = [accuracy * (capital_cost_per_kg(base_finance, model.isbl, model.references)
                             - capital_cost_per_kg({**base_finance, k: x}, model.isbl, model.references))
                 for x in (low, high)]
        rows.append(Swing(input=f"finance {k}", kind="finance", low=f"{low:g}", high=f"{high:g}",
                          net_value_low=net0 + swing[0], net_value_high=net0 + swing[1], safety_low=model.safety,
                          safety_high=model.safety, source="chemistry/equipment.yaml general", **base))
    rows.sort(key=lambda r: (-abs(r.net_value_high - r.net_value_low), -abs(r.safety_high - r.safety_low)))
    return rows[:top] if top else rows
