"""Side-by-side comparison of routes for one inventory: balances, audit, safety."""
from __future__ import annotations

import pandas as pd

from .applicability import DOES_NOT_APPLY, judge
from .audit import audit
from .cases import Case
from .economics import economics
from .environment import environment
from .errors import InputError
from .flowsheet import available_routes, load_route
from .quantities import Units, species_masses
from .safety import safety

KEY_GASES = ("H2", "H2S", "HCL", "SO2", "NH3", "CL2", "HF", "CO")


def compare_routes(planner, inventory, routes: list[str] | None, throughput: str,
                   overrides: dict[str, dict[str, str]], prices, region: str = "US", progress=None,
                   plans: dict | None = None) -> dict:
    """JSON document: ``routes[]`` with ``safety`` (score, breakdown, contributors),
    ``economics`` (net value and breakdown) and gas totals. ``progress(route id)``, when given,
    is called after each route; ``plans``, when given, collects each route's plan."""
    from .inventory import Inventory

    if not isinstance(inventory, Inventory):            # a file, a DataFrame or a list of dicts
        inventory = planner.read_inventory(inventory)
    names = routes or list(available_routes())
    unknown = set(overrides) - {s for n in names for s in load_route(n).steps}
    if unknown:
        raise InputError(f"--set {sorted(unknown)[0]}", "no compared route has this step")
    out = []
    for name in names:
        route = load_route(name)
        applicable = {s: p for s, p in overrides.items() if s in route.steps}
        result = planner.plan(inventory, route, throughput, applicable)
        if plans is not None:
            plans[route.id] = result
        units = Units(True)
        gas = species_masses(result, result.gas_generated, only_gas=True)
        report = audit(result)
        out.append({
            "route": route.id,
            "applicability": {"status": (fit := judge(result)).status, "reasons": fit.reasons},
            "safety": safety(result, report),
            "economics": economics(result, prices),
            "environment": environment(result, region),
            "gas_generated": {g: {"value": units.kg(gas[g]), "unit": units.mass} for g in KEY_GASES if g in gas},
            "heat_released": {"value": units.heat(float(result.heat_released[Case.EXPECTED])), "unit": units.energy},
            "critical_findings": sum(f.severity == "critical" for f in report.findings),
            "balance": {"max_relative_element_residual": result.max_relative_element_residual()},
        })
        if progress is not None:
            progress(route.id)
    return {"inventory": inventory.source, "throughput": throughput, "prices": prices.label, "routes": out}


def compare_table(doc: dict) -> pd.DataFrame:
    rows = []
    for r in doc["routes"]:
        e = r["economics"]
        risk = r["safety"]["risk"]
        worst = risk["worst"] or {}
        row = {"route": r["route"], "applies": r["applicability"]["status"],
               "risk": f"{worst.get('risk_class', 'none')} {risk['worst_risk']}",
               "worst scenario": (f"{worst['kind']} {worst['substance']} in {worst['step']}, {worst['distance']:.0f} m"
                                  if worst else "-"),
               "aggregate risk": risk["aggregate"],
               "safety index": r["safety"]["score"], "index (worst)": r["safety"]["score_worst_case"],
               "critical findings": r["critical_findings"],
               "net value [USD/kg]": e["net_value"]["value"],
               "feed [USD/kg]": e["feed_price"]["value"],
               "break-even feed [USD/kg]": (e["breakeven_feed_price"] or {}).get("value", float("nan")),
               "revenue without market [%]": 100 * e["revenue_without_market"]["value"]
               / max(e["annual"]["revenue"]["value"] / e["throughput"]["value"] / 1000, 1e-300),
               "net value [USD/kWh]": e["net_value_per_kwh"]["value"] if e["net_value_per_kwh"] else float("nan"),
               "capital [M USD]": e["capital"]["fixed"]["value"] / 1e6,
               "GHG [kg CO2e/kg]": r["environment"]["ghg"]["total"]["value"],
               "energy [MJ/kg]": r["environment"]["energy"]["total"]["value"],
               "heat released [kW]": r["heat_released"]["value"]}
        for g in KEY_GASES:
            if g in r["gas_generated"]:
                row[f"{g} [kg/h]"] = r["gas_generated"][g]["value"]
        rows.append(row)
    table = pd.DataFrame(rows)
    # routes that do not apply rank after every route that does, whatever their risk
    keys = [(r["applicability"]["status"] == DOES_NOT_APPLY, *r["safety"]["risk"]["rank_key"]) for r in doc["routes"]]
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    table.insert(1, "rank", [order.index(i) + 1 for i in range(len(keys))])
    table = table.sort_values("rank", kind="stable").reset_index(drop=True)
    gas_columns = [c for c in table.columns if c.endswith("[kg/h]")]
    table[gas_columns] = table[gas_columns].fillna(0.0)      # a gas not made is 0; n/a stays n/a
    return table


def monte_carlo_table(mc: dict) -> pd.DataFrame:
    """Percentiles of net value and safety, and the probability of being best, per route."""
    rows = []
    for r in mc["routes"]:
        row = {"route": r["route"]}
        row.update({f"net value {k} [USD/kg]": v["value"] for k, v in r["net_value"].items()})
        row.update({f"risk {k}": v["value"] for k, v in r["risk"].items()})
        row.update({f"index {k}": v["value"] for k, v in r["safety_score"].items()})
        row.update({f"GHG {k} [kg CO2e/kg]": v["value"] for k, v in r["ghg"].items()})
        row["P(best net value)"] = r["probability_best_net_value"]
        row["P(lowest risk)"] = r["probability_lowest_risk"]
        row["P(lowest index)"] = r["probability_best_safety"]
        rows.append(row)
    return pd.DataFrame(rows)


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
