"""Exact Monte Carlo of one route: every sample planned in full at its own process parameters,
and the surrogate's error measured on the same samples.

A sample draws the inputs as ``recycle.uncertainty.monte_carlo`` does, in the same order
(prices with their correlated groups, finance and capital factors, emission factors, then every
process parameter with a range, each from its triangular range), so for one seed and one route
the samples are those of ``monte_carlo`` (with every parameter sampled). Each is evaluated twice:

- exactly: the route is planned with the sample's process parameters; the net value at the
  sample's prices is that plan's own price model, which is exact (net value is linear in the
  prices for a given plan: recycle.economics ``price_models``), the capital charge at the
  sample's finance factors is recomputed in closed form from that plan's capital, and the GHG
  at the sample's emission factors is that plan's own footprint model (linear in the factors:
  recycle.environment ``ghg_models``); its route risk and safety index are those of its own
  scenarios and index (recycle.scenarios ``route_risks``, recycle.safety ``safety_scores``).
  By default (``method="batch"``) the samples are planned
  CHUNK at a time on the batch axis (:meth:`recycle.planner.Planner.plan_batch`: one pass of
  the route, two rows per sample, the flare's and smelter's equilibria solved together and
  checked against Cantera) and every sample's price model, capital, footprint model, route risk
  and safety index are evaluated at once from the batch rows (no loop over samples);
  ``method="loop"`` plans each sample on its own with its economics, footprint, scenarios and
  safety index (as the surrogate's runs are, recycle.uncertainty ``_evaluate``; every
  equilibrium by Cantera). Both give the same values (tests/test_batch_mc.py,
  tests/test_exact_mc.py: to 1e-8 relative, 1e-5 behind the smelter, whose Cantera metering
  stops within 1e-6 of its CO2 share; risk and index equal);
- by the surrogate (:func:`recycle.uncertainty.net_value_at`, :func:`~recycle.uncertainty.ghg_at`):
  base and low/high runs of each parameter, interpolated and added.

Where a sample cannot be planned (its parameters are refused), it is counted as infeasible and
reported, never silently dropped (a batch pass that a sample breaks is planned again sample by
sample, and said so). Speed on a 2-core machine: bench/run.py mc.
Units: net value USD per kg of cells, GHG kg CO2e per kg of cells, safety index points, route
risk dimensionless (recycle.scenarios.risk_number).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .errors import InputError
from .flowsheet import load_route
from .inventory import Inventory
from .results import Measured, internal, measured
from .uncertainty import (
    INDEX_PERCENTILE,
    PERCENTILES,
    _evaluate,
    capital_cost_per_kg,
    draw_emission_factors,
    draw_prices_and_finance,
    ghg_at,
    net_value_at,
    route_model,
    triangular,
)
from .units import SI_UNIT

CHUNK = 512      # samples per batch pass (bench/run.py measures the memory per sample and the rates)


@dataclass(frozen=True, kw_only=True, repr=False)
class Spread(Measured):
    """Percentiles of a net value (USD per kg of cells) or of GHG (kg CO2e per kg), in ``unit``."""

    p5: float = measured(unit_field="unit")
    p50: float = measured(unit_field="unit")
    p95: float = measured(unit_field="unit")
    unit: str = internal(default="USD/kg")


@dataclass(frozen=True, kw_only=True, repr=False)
class SurrogateError(Measured):
    """Surrogate minus exact value on the same samples, in ``unit``: mean, root mean square,
    largest."""

    mean: float = measured(unit_field="unit")
    rms: float = measured(unit_field="unit")
    max_abs: float = measured(unit_field="unit")
    unit: str = internal(default="USD/kg")


@dataclass(frozen=True, kw_only=True, repr=False)
class ExactMonteCarlo(Measured):
    """Exact and surrogate net value and GHG on the same samples of one route, and every sample's
    own route risk and safety index: the samples drawn and evaluated, the infeasible ones (why),
    the process parameters sampled, the spreads, the surrogate's errors (NaN where no sample was
    evaluated), and every sample's values (None where infeasible)."""

    route: str
    samples: int
    seed: int | None
    evaluated: int
    infeasible: tuple[str, ...]
    parameters: tuple[str, ...]
    method: str                                   # "batch" or "loop"
    planned_one_by_one: tuple[str, ...]           # chunks of a batch run planned sample by sample, and why
    net_value_exact: Spread | None
    net_value_surrogate: Spread | None
    surrogate_error: SurrogateError
    samples_exact: tuple[float | None, ...] = measured("USD/kg")     # None where infeasible
    samples_surrogate: tuple[float, ...] = measured("USD/kg")
    ghg_exact: Spread | None                      # kg CO2e/kg
    ghg_surrogate: Spread | None
    ghg_surrogate_error: SurrogateError
    samples_ghg_exact: tuple[float | None, ...] = measured("kg CO2e/kg")     # None where infeasible
    samples_ghg_surrogate: tuple[float, ...] = measured("kg CO2e/kg")
    risk_exact: Spread | None                     # recycle.scenarios.risk_number, dimensionless
    samples_risk_exact: tuple[float | None, ...] = measured("")     # None where infeasible
    safety_score_exact: Spread | None             # inherent-safety index, points
    samples_safety_score_exact: tuple[int | None, ...] = measured("points")     # None where infeasible

    def __repr__(self) -> str:
        return (f"ExactMonteCarlo(route={self.route!r}, {self.evaluated}/{self.samples} samples, "
                f"surrogate rms error {self.surrogate_error.rms:.3g} USD/kg)")


def exact_monte_carlo(planner, inventory, route_id: str, throughput: str, overrides: dict, prices, samples: int,
                      seed: int | None = 1, region: str = "US", parameters: list[str] | None = None,
                      progress=None, method: str = "batch", chunk: int = CHUNK, model=None,
                      workers: int = 1, batch_equilibria: bool = True) -> ExactMonteCarlo:
    """Exact and surrogate net value (USD/kg) and GHG (kg CO2e/kg) on the same ``samples`` draws
    of route ``route_id``.

    ``parameters``: the process parameters ("step.param") sampled; None for every one with a
    range, [] for none (prices and finance only). ``progress()`` is called after each sample.
    ``method``: "batch" plans ``chunk`` samples at a time on the batch axis (one pass of the
    route per chunk, :meth:`recycle.planner.Planner.plan_batch`); "loop" plans each sample on
    its own. Both give the same values (tests/test_batch_mc.py); a chunk the batch refuses (a
    sample outside what a step's model covers) is planned sample by sample, and said so in
    ``planned_one_by_one``. The chunks are the same whatever the number of ``workers``; more
    than one shares them among that many forked processes (same values: each chunk is planned
    the same way wherever it runs). ``batch_equilibria``: a chunk's flare and smelter equilibria
    are solved together from Cantera's solution of one row and checked against Cantera
    (:meth:`recycle.planner.Planner.plan_batch`; within 1e-8 of each flow for the flare, within
    Cantera's own metering tolerance, 1e-6 of the CO2 share, for the smelter: docs/methods.md); False solves every
    row by Cantera. ``model``: the route's :func:`recycle.uncertainty.route_model` for these
    inputs when the caller has it already (it is not changed); built here otherwise."""
    if method not in ("batch", "loop"):
        raise InputError("method", f"unknown method {method!r}; expected 'batch' or 'loop'")
    if not isinstance(inventory, Inventory):
        inventory = planner.read_inventory(inventory)
    if model is None:
        model = route_model(planner, inventory, route_id, throughput, overrides, prices, region=region)
    elif model.route != load_route(route_id).id:
        raise InputError("model", f"the route model is of route {model.route!r}, not {route_id!r}")
    model = replace(model)      # a shallow copy: its effects are narrowed to ``parameters`` below
    effects = [e for e in model.effects if parameters is None or e.name in parameters]
    unknown = set(parameters or ()) - {e.name for e in model.effects}
    if unknown:
        raise InputError("parameters", f"{min(unknown)} has no range in route {route_id}")
    model.effects = effects
    rng = np.random.default_rng(seed)
    index, p, accuracy, finance, base_finance = draw_prices_and_finance([model], prices, samples, rng)
    f_index, f = draw_emission_factors([model], samples, rng)
    accuracy = np.broadcast_to(accuracy, (samples,))
    thetas = {e.name: triangular(rng, e.low, e.base, e.high, samples)[:, 0] for e in effects}
    surrogate = net_value_at(model, p, index, finance, base_finance, thetas, accuracy)
    ghg_surrogate = ghg_at(model, f, f_index, thetas)

    route = load_route(route_id)
    route = route.with_parameters({s: q for s, q in overrides.items() if s in route.steps})
    accuracy = np.asarray(accuracy, dtype=float)
    inputs = _Inputs(p, index, accuracy, finance, base_finance, f, f_index)
    if method == "loop":
        done = _per_sample(planner, inventory, route, throughput, prices, region, effects, thetas, range(samples),
                           inputs, progress)
    else:
        job = _Job(planner, inventory, route, throughput, prices, region, effects, thetas, inputs, batch_equilibria)
        done = _batched(job, samples, progress, chunk, workers)
    exact, ghg, infeasible, one_by_one = done.net, done.ghg, done.infeasible, done.one_by_one
    ok = ~np.isnan(exact)

    def spread(values, unit="USD/kg", method="linear"):
        return Spread(**{f"p{q}": float(np.percentile(values, q, method=method)) for q in PERCENTILES},
                      unit=unit) if len(values) else None

    def error(diff, unit="USD/kg"):        # NaN (JSON null) where no sample was evaluated
        if not len(diff):
            return SurrogateError(mean=float("nan"), rms=float("nan"), max_abs=float("nan"), unit=unit)
        return SurrogateError(mean=float(diff.mean()), rms=float(np.sqrt((diff ** 2).mean())),
                              max_abs=float(np.abs(diff).max()), unit=unit)

    return ExactMonteCarlo(
        route=model.route, samples=samples, seed=seed, evaluated=int(ok.sum()), infeasible=tuple(infeasible),
        parameters=tuple(e.name for e in effects), net_value_exact=spread(exact[ok]),
        net_value_surrogate=spread(surrogate[ok]), method=method, planned_one_by_one=tuple(one_by_one),
        surrogate_error=error(surrogate[ok] - exact[ok]),
        samples_exact=tuple(None if np.isnan(v) else float(v) for v in exact),
        samples_surrogate=tuple(float(v) for v in surrogate),
        ghg_exact=spread(ghg[ok], "kg CO2e/kg"), ghg_surrogate=spread(ghg_surrogate[ok], "kg CO2e/kg"),
        ghg_surrogate_error=error(ghg_surrogate[ok] - ghg[ok], "kg CO2e/kg"),
        samples_ghg_exact=tuple(None if np.isnan(v) else float(v) for v in ghg),
        samples_ghg_surrogate=tuple(float(v) for v in ghg_surrogate),
        risk_exact=spread(done.risk[ok], ""),
        samples_risk_exact=tuple(None if np.isnan(v) else float(v) for v in done.risk),
        safety_score_exact=spread(done.safety[ok], "points", INDEX_PERCENTILE),
        samples_safety_score_exact=tuple(None if np.isnan(v) else int(v) for v in done.safety))


@dataclass
class _Inputs:
    """The drawn prices and finance factors every sample's net value is evaluated at."""

    p: np.ndarray                    # (n, P) prices over the keys of ``index``
    index: dict[str, int]
    accuracy: np.ndarray             # (n,) capital-cost accuracy factor
    finance: dict[str, np.ndarray]   # finance and capital factors, each (n,)
    base_finance: dict[str, float]
    f: np.ndarray                    # (n, F) emission factors over the keys of ``f_index``
    f_index: dict[str, int]

    def net_value(self, n: int, const: float, coef: dict, isbl: float, references: float) -> float:
        """Sample n's net value (USD/kg) from its plan's price model and capital (per kg/year)."""
        return float(self.net_values(n, n + 1, np.array([const]), {k: np.array([a]) for k, a in coef.items()},
                                     np.array([isbl]), np.array([references]))[0])

    def net_values(self, start: int, stop: int, const: np.ndarray, coef: dict[str, np.ndarray], isbl: np.ndarray,
                   references: np.ndarray) -> np.ndarray:
        """Net values (USD/kg) of samples ``start``-``stop`` from their price models and capital
        (recycle.economics.PriceModels; capital per kg/year of cells), arrays over those samples
        (or of length 1: the same plan for all)."""
        net = self._linear(start, stop, const, coef, self.p, self.index,
                           "sells or buys {}, which no run of the surrogate prices")
        finance = {k: v[start:stop] for k, v in self.finance.items()}
        return net + self.accuracy[start:stop] * (capital_cost_per_kg(self.base_finance, isbl, references)
                                                  - capital_cost_per_kg(finance, isbl, references))

    def ghg_values(self, start: int, stop: int, const: np.ndarray, coef: dict[str, np.ndarray]) -> np.ndarray:
        """GHG (kg CO2e/kg) of samples ``start``-``stop`` from their GHG models
        (recycle.environment.GhgModels: constant, activity per emission factor; arrays over
        those samples or of length 1) at the samples' drawn emission factors."""
        ghg = self._linear(start, stop, const, coef, self.f, self.f_index,
                           "has GHG from {}, which no run of the surrogate has")
        return np.broadcast_to(ghg, (stop - start,))

    @staticmethod
    def _linear(start: int, stop: int, const, coef: dict[str, np.ndarray], drawn: np.ndarray,
                index: dict[str, int], refusal: str) -> np.ndarray:
        """``const + sum_k coef[k] x drawn[:, index[k]]`` for samples ``start``-``stop`` (a linear
        model's constant and coefficients, arrays over those samples or of length 1, at the
        drawn values). A key with no drawn value (no run of the surrogate had it, so it was not
        drawn) is refused where a sample uses it: ``refusal`` says what, naming the keys."""
        missing = set(coef) - set(index)
        if missing:
            used = np.flatnonzero(np.any([np.broadcast_to(coef[k], (stop - start,)) != 0 for k in missing], axis=0))
            n = start + int(used[0] if len(used) else 0)
            raise RuntimeError(f"sample {n} " + refusal.format(sorted(missing)))
        x = drawn[start:stop]
        total = np.array(const, dtype=float)
        for k, a in coef.items():
            total = total + a * x[:, index[k]]
        return total


def _settings(route, effects, thetas, n) -> dict[str, dict[str, str]]:
    settings: dict[str, dict[str, str]] = {}
    for e in effects:
        sid, pname = e.name.split(".", 1)
        settings.setdefault(sid, {})[pname] = _as_text(route, sid, pname, float(thetas[e.name][n]))
    return settings


@dataclass
class Evaluated:
    """Every sample's exact values, NaN where infeasible: net value (USD/kg of cells), GHG
    (kg CO2e/kg), route risk (recycle.scenarios.risk_number) and inherent-safety index
    (points, expected case); the infeasible samples (why) and the chunks planned one by one."""

    net: np.ndarray
    ghg: np.ndarray
    risk: np.ndarray
    safety: np.ndarray
    infeasible: list[str] = field(default_factory=list)
    one_by_one: list[str] = field(default_factory=list)

    @classmethod
    def empty(cls, samples: int) -> Evaluated:
        return cls(*(np.full(samples, np.nan) for _ in range(4)))

    def put(self, start: int, part: Evaluated) -> None:
        """``part`` (samples ``start`` on) written into these arrays and lists."""
        stop = start + len(part.net)
        for name in ("net", "ghg", "risk", "safety"):
            getattr(self, name)[start:stop] = getattr(part, name)
        self.infeasible += part.infeasible
        self.one_by_one += part.one_by_one


def _per_sample(planner, inventory, route, throughput, prices, region, effects, thetas, ns, inputs: _Inputs,
                progress) -> Evaluated:
    """Samples ``ns`` planned one by one in full (balances, economics, footprint, scenarios,
    safety index): every sample's values (NaN where infeasible, and outside ``ns``) and the
    infeasible samples."""
    out = Evaluated.empty(len(inputs.accuracy))
    for n in ns:
        try:
            run = _evaluate(planner, inventory, route.with_parameters(_settings(route, effects, thetas, n)),
                            throughput, prices, region)
        except InputError as exc:
            out.infeasible.append(f"sample {n}: {exc}")
            if progress:
                progress()
            continue
        out.net[n] = inputs.net_value(n, run.const, run.coef, run.isbl, run.references)
        out.ghg[n] = inputs.ghg_values(n, n + 1, np.array([run.ghg_const]),
                                       {k: np.array([a]) for k, a in run.ghg_coef.items()})[0]
        out.risk[n], out.safety[n] = run.risk, run.safety
        if progress:
            progress()
    return out


@dataclass
class _Job:
    """What every chunk of a batch run shares (inherited by forked workers, never pickled)."""

    planner: object
    inventory: Inventory
    route: object
    throughput: str
    prices: object
    region: str
    effects: list
    thetas: dict[str, np.ndarray]
    inputs: _Inputs
    batch_equilibria: bool = True


def _chunk(job: _Job, start: int, stop: int) -> Evaluated:
    """Samples ``start``-``stop`` planned in one pass on the batch axis; every sample's net value
    from its own price model and capital, its GHG from its own footprint model, its route risk
    from its own scenarios and its safety index from its own balances and vents, evaluated for
    all samples at once from the batch rows (recycle.economics.price_models,
    recycle.environment.ghg_models, recycle.scenarios.route_risks, recycle.safety.safety_scores:
    what each sample's own plan and audit give). A pass a step refuses is planned sample by sample (the
    refused ones are infeasible)."""
    from .economics import price_models
    from .environment import ghg_models
    from .safety import safety_scores
    from .scenarios import route_risks

    ns = range(start, stop)
    try:
        result = job.planner.plan_batch(job.inventory, job.route, job.throughput,
                                        {e.name: job.thetas[e.name][start:stop] for e in job.effects},
                                        batch_equilibria=job.batch_equilibria)
    except InputError as exc:      # some sample of the chunk is refused: find it, plan the rest
        part = _per_sample(job.planner, job.inventory, job.route, job.throughput, job.prices, job.region,
                           job.effects, job.thetas, ns, job.inputs, None)
        return Evaluated(part.net[start:stop], part.ghg[start:stop], part.risk[start:stop], part.safety[start:stop],
                         part.infeasible, [f"samples {start}-{stop - 1}: {exc}"])
    m = price_models(result, job.prices)       # one sample for all when no parameter is sampled
    net = job.inputs.net_values(start, stop, m.constant, m.coefficients, m.isbl / m.cells_y,
                                m.references / m.cells_y)
    g = ghg_models(result, job.region)
    ghg = job.inputs.ghg_values(start, stop, g.constant, g.coefficients)
    size = stop - start
    risk = np.broadcast_to(route_risks(result), (size,)).copy()
    index = np.broadcast_to(safety_scores(result).expected, (size,)).astype(float)
    return Evaluated(np.broadcast_to(net, (size,)).copy(), ghg.copy(), risk, index)


_WORKER_JOB: _Job | None = None      # set in a forked worker only (Pool initializer), never in the caller


def _start_worker(job: _Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _worker_chunk(bounds: tuple[int, int]):
    return _chunk(_WORKER_JOB, *bounds)


def _batched(job: _Job, samples: int, progress, chunk: int, workers: int = 1) -> Evaluated:
    """Samples planned ``chunk`` at a time on the batch axis, by ``workers`` processes (forked:
    each inherits the loaded data). The chunks do not depend on ``workers``, so neither does
    any sample's value (a chunk is planned the same way wherever it runs)."""
    out = Evaluated.empty(samples)
    chunk = max(1, chunk)
    bounds = [(s, min(s + chunk, samples)) for s in range(0, samples, chunk)]
    if workers > 1 and len(bounds) > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(min(workers, len(bounds)), _start_worker, (job,)) as pool:
            parts = list(_collect(pool.imap(_worker_chunk, bounds), progress))
    else:
        parts = list(_collect((_chunk(job, *b) for b in bounds), progress))
    for (start, _stop), part in zip(bounds, parts):
        out.put(start, part)
    return out


def _collect(parts, progress):
    """The chunks' results in order, ``progress()`` once per sample, evaluated or refused, as each
    chunk arrives."""
    for part in parts:
        if progress:
            for _ in range(len(part.net)):
                progress()
        yield part


def exact_evaluator(planner, inventory, throughput: str, overrides: dict, prices, region: str = "US",
                    sources: dict[str, str] | None = None, chunk: int = CHUNK, workers: int = 1, progress=None):
    """The ``exact`` function of :func:`recycle.uncertainty.monte_carlo`: (route model,
    :class:`recycle.uncertainty.Draws`) -> :class:`Evaluated`, every sample planned in full on
    the batch axis at its drawn parameters, its net value and GHG at its drawn prices, finance
    and emission factors, and its route risk and safety index, as :func:`exact_monte_carlo`
    does. ``sources``: route id -> the route as given (an id or a
    file), where they differ. ``progress()`` is called after each sample."""
    if not isinstance(inventory, Inventory):
        inventory = planner.read_inventory(inventory)

    def evaluate(model, d):
        route = load_route((sources or {}).get(model.route, model.route))
        route = route.with_parameters({s: q for s, q in overrides.items() if s in route.steps})
        n = len(d.p)
        inputs = _Inputs(d.p, d.index, np.broadcast_to(np.asarray(d.accuracy, dtype=float), (n,)), d.finance,
                         d.base_finance, d.f, d.f_index)
        job = _Job(planner, inventory, route, throughput, prices, region, list(model.effects), d.thetas, inputs)
        return _batched(job, n, progress, chunk, workers)

    return evaluate


def _as_text(route, sid: str, pname: str, value: float) -> str:
    """A parameter value (SI) as a step takes it: a number, or a quantity in the SI unit."""
    spec = next(p for p in route.steps[sid].params if p.name == pname)
    if spec.kind == "quantity":
        return f"{value!r} {SI_UNIT[spec.dimension]}"
    return repr(value)


__all__ = ["Evaluated", "ExactMonteCarlo", "Spread", "SurrogateError", "exact_evaluator", "exact_monte_carlo"]
