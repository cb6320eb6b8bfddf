"""Side-by-side comparison of routes for one inventory: balances, audit, safety, economics and
footprint, as a typed :class:`Comparison` (recycle.report.compare_json makes its JSON)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .applicability import Fit, judge
from .audit import audit
from .cases import Case
from .economics import Economics, economics
from .environment import Environment, environment
from .errors import InputError
from .flowsheet import available_routes, load_route
from .quantities import Units, species_masses
from .results import Measured, measured
from .safety import Safety, safety

if TYPE_CHECKING:
    from .uncertainty import MonteCarlo

KEY_GASES = ("H2", "H2S", "HCL", "SO2", "NH3", "CL2", "HF", "CO")


@dataclass(frozen=True, kw_only=True)
class Balance:
    max_relative_element_residual: float


@dataclass(frozen=True, kw_only=True, repr=False)
class RouteComparison(Measured):
    """One route of a comparison: whether it applies, its risk and safety index, economics,
    footprint, the key gases it generates (kg/h) and its heat released (kW), expected case."""

    route: str
    applicability: Fit
    safety: Safety
    economics: Economics
    environment: Environment
    gas_generated: Mapping[str, float] = measured("kg/h")
    heat_released: float = measured("kW")
    critical_findings: int
    balance: Balance


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """Routes compared for one inventory at one throughput and price book; ``monte_carlo`` is
    added by :func:`recycle.uncertainty.monte_carlo` when asked for."""

    inventory: str
    throughput: str
    prices: str
    routes: tuple[RouteComparison, ...]
    monte_carlo: MonteCarlo | None = field(default=None, metadata={"internal": True})   # JSON: report.compare_json

    def __repr__(self) -> str:
        return f"Comparison({', '.join(r.route for r in self.routes)}; {self.inventory}, {self.throughput})"


def compare_routes(planner, inventory, routes: list[str] | None, throughput: str,
                   overrides: dict[str, dict[str, str]], prices, region: str = "US", progress=None,
                   plans: dict | None = None) -> Comparison:
    """Every route of ``routes`` (default: all shipped) planned, audited and scored.
    ``progress(route id)``, when given, is called after each route; ``plans``, when given,
    collects each route's plan."""
    from .inventory import Inventory

    if not isinstance(inventory, Inventory):            # a file, a DataFrame or a list of dicts
        inventory = planner.read_inventory(inventory)
    names = routes or list(available_routes())
    unknown = set(overrides) - {s for n in names for s in load_route(n).steps}
    if unknown:
        raise InputError(f"--set {sorted(unknown)[0]}", "no compared route has this step")
    out = []
    units = Units(True)
    for name in names:
        route = load_route(name)
        applicable = {s: p for s, p in overrides.items() if s in route.steps}
        result = planner.plan(inventory, route, throughput, applicable)
        if plans is not None:
            plans[route.id] = result
        gas = species_masses(result, result.gas_generated, only_gas=True)
        report = audit(result)
        out.append(RouteComparison(
            route=route.id,
            applicability=judge(result),
            safety=safety(result, report),
            economics=economics(result, prices),
            environment=environment(result, region),
            gas_generated={g: units.kg(gas[g]) for g in KEY_GASES if g in gas},
            heat_released=units.heat(float(result.heat_released[Case.EXPECTED])),
            critical_findings=sum(f.severity == "critical" for f in report.findings),
            balance=Balance(max_relative_element_residual=result.max_relative_element_residual()),
        ))
        if progress is not None:
            progress(route.id)
    return Comparison(inventory=inventory.source, throughput=throughput, prices=prices.label, routes=tuple(out))


def pareto_front(points: dict[str, tuple[float, float]]) -> list[str]:
    """Names of the non-dominated routes, by increasing risk.

    ``points`` maps a route to (risk, net value). A lower risk is better and a higher net value
    is better; a route is dominated when another is at least as good on both and better on one.
    """
    front = []
    for name, (s, v) in points.items():
        dominated = any((s2 <= s and v2 >= v) and (s2 < s or v2 > v) for n2, (s2, v2) in points.items() if n2 != name)
        if not dominated:
            front.append(name)
    return sorted(front, key=lambda n: (points[n][0], -points[n][1]))


__all__ = ["Comparison", "RouteComparison", "compare_routes", "pareto_front"]
