"""Monte Carlo batches: many samples of a route's process parameters planned in one pass.

A plan has two batch rows, the expected and the worst case (:mod:`recycle.cases`). A batch of
``N`` samples has ``2 N`` rows, sample-major: row ``2 n`` is sample ``n``'s expected case and
row ``2 n + 1`` its worst case, so ``Context.worst_case`` is ``[False, True] * N``. Each sampled
process parameter ("step.param", one with a range in ``chemistry/step_types.yaml``) is set on
its step as an array of shape ``(2 N,)``, one value per row (the sample's value on both of its
rows); every other parameter stays the scalar the route gives. The steps broadcast a per-row
parameter over their rows (:func:`recycle.steps.base.per_row`), so one pass of ``simulate``
gives every sample's balances. The feed may differ between samples too (one inventory per
sample: :meth:`recycle.planner.Planner.plan_batch`), each on its sample's two rows.

:func:`sample_rows` cuts sample ``n``'s two rows out of a batch result: a ``RouteResult`` of the
shape :meth:`recycle.planner.Planner.plan` returns, which the later layers (economics, safety,
audit) take as they are. The economics also reads every sample of a batch at once, without
cutting (:func:`recycle.economics.price_models`, as the exact Monte Carlo does). The batch gives the same numbers as planning each sample on its own
(``tests/test_batch_mc.py``). A step's notes, and which flags it raises, describe all rows of
the batch at once (a flag's amount is cut per sample); a sample's own plan may say less.
Units: as everywhere inside recycle (mol or mol/s, J or W, K).
"""
from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from .cases import CASES, Case
from .errors import InputError
from .flowsheet import Route
from .simulate import RouteResult, StepResult

ROWS_PER_SAMPLE = len(CASES)


def single_threaded_blas():
    """A context in which numpy's BLAS uses one thread (threadpoolctl). A batch's products are
    small (rows x 200 species x 30 elements): OpenBLAS's thread start-up cost about 0.25 s per
    pass of a route on 2 cores, more than the pass itself (bench/run.py mc), and worker
    processes would compete with its threads."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def worst_case_rows(samples: int) -> np.ndarray:
    """The worst-case flag of each of the ``2 samples`` rows of a batch (sample-major)."""
    return np.tile(np.array([c is Case.WORST for c in CASES]), samples)


def with_row_values(route: Route, values: dict[str, np.ndarray], where: str = "samples") -> Route:
    """A copy of ``route`` with each sampled parameter ``"step.param"`` set to its per-sample
    values ``(N,)`` (SI, as the step holds them), spread over the sample's two rows.

    Every value is checked as the step's parameter checks a value written in a route (range,
    sign); an :class:`InputError` names the parameter and the first sample refused."""
    steps = dict(route.steps)
    for name, v in values.items():
        sid, pname = name.split(".", 1)
        if sid not in steps:
            raise InputError(f"{where} {name}", f"route {route.id!r} has no step {sid!r}")
        step = steps[sid] = copy.copy(steps[sid])
        spec = next((p for p in step.params if p.name == pname), None)
        if spec is None or spec.kind not in ("quantity", "fraction", "number"):
            raise InputError(f"{where} {name}", f"not a numeric parameter of step {sid!r} ({step.type})")
        v = np.asarray(v, dtype=float)
        _check(spec, v, f"{where} {name}")
        step.values = {**step.values, pname: np.repeat(v, ROWS_PER_SAMPLE)}
    return replace(route, steps=steps)


def _check(spec, v: np.ndarray, where: str) -> None:
    """The step's own check of a value (Param.parse) applied to the sampled values: every check
    is an interval, so the smallest and the largest value decide; a refused batch names the
    first sample refused."""
    if v.ndim != 1 or not len(v):
        raise InputError(where, "expected one value per sample")
    unit = _si_unit(spec)
    for x in (v.min(), v.max()):
        try:
            spec.parse(f"{float(x)!r} {unit}".strip(), where)
        except InputError:
            for n, y in enumerate(v):
                spec.parse(f"{float(y)!r} {unit}".strip(), f"{where} (sample {n})")
            raise


def _si_unit(spec) -> str:
    from .units import SI_UNIT

    return SI_UNIT[spec.dimension] if spec.kind == "quantity" else ""


def sample_rows(result: RouteResult, n: int) -> RouteResult:
    """Sample ``n``'s rows (expected, worst case) of a batch result, as a two-row RouteResult."""
    rows = len(result.feed)
    sl = slice(ROWS_PER_SAMPLE * n, ROWS_PER_SAMPLE * (n + 1))

    def cut(x):
        return x[sl] if isinstance(x, np.ndarray) and x.ndim >= 1 and x.shape[0] == rows else x

    def cut_dict(d):
        return {k: cut(v) for k, v in d.items()}

    steps = {}
    for sid, s in result.steps.items():
        o = s.outcome
        outcome = replace(o, outlets=cut_dict(o.outlets), reagents=cut(o.reagents),
                          outlet_temperature=cut_dict(o.outlet_temperature), utilities=cut_dict(o.utilities),
                          quantities={k: (cut(v[0]), *v[1:]) for k, v in o.quantities.items()},
                          flags=[replace(f, amount=cut(f.amount)) for f in o.flags], from_air=cut(o.from_air))
        steps[sid] = StepResult(
            s.id, s.type, cut(s.inlet), outcome.outlets, outcome.reagents, s.temperature, cut(s.heat_released),
            cut(s.enthalpy_duty), cut(s.gas_generated), cut(s.gas_emitted), cut(s.element_residual),
            cut(s.relative_residual), outcome, burns=s.burns, gas_treatment=s.gas_treatment)
    route = result.route
    if any(isinstance(v, np.ndarray) for st in route.steps.values() for v in st.values.values()):
        route = replace(route, steps={sid: _step_row(st, sl, rows) for sid, st in route.steps.items()})
    return RouteResult(route, result.db, cut(result.feed), result.rate_basis, steps,
                       {k: (e, cut(a), cut(T)) for k, (e, a, T) in result.streams.items()},
                       inventory=result.inventory[n] if isinstance(result.inventory, tuple) else result.inventory,
                       basis=result.basis, aqueous=result.aqueous)


def _step_row(step, sl: slice, rows: int):
    """The step with each per-row parameter taken at the sample's value (a scalar again)."""
    if not any(isinstance(v, np.ndarray) for v in step.values.values()):
        return step
    out = copy.copy(step)
    out.values = {k: float(v[sl][0]) if isinstance(v, np.ndarray) and v.shape == (rows,) else v
                  for k, v in step.values.items()}
    return out


__all__ = ["ROWS_PER_SAMPLE", "sample_rows", "single_threaded_blas", "with_row_values", "worst_case_rows"]
