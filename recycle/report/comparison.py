"""A route comparison as JSON, tables and terminal text (recycle.compare.Comparison)."""
from __future__ import annotations

import pandas as pd

from ..applicability import DOES_NOT_APPLY
from ..compare import KEY_GASES, Comparison
from ..uncertainty import MonteCarlo
from .jsondoc import to_json


def compare_json(comparison: Comparison) -> dict:
    """The JSON document of ``recycle compare`` (with ``monte_carlo`` when it was run)."""
    doc = to_json(comparison)
    if comparison.monte_carlo is not None:
        doc["monte_carlo"] = to_json(comparison.monte_carlo)
    return doc


def compare_table(comparison: Comparison) -> pd.DataFrame:
    """One row per route, ranked: routes that apply first, then by risk and aggregate risk."""
    rows = []
    for r in comparison.routes:
        e = r.economics
        risk = r.safety.risk
        worst = risk.worst
        row = {"route": r.route, "applies": r.applicability.status,
               "risk": f"{worst.risk_class if worst else 'none'} {risk.worst_risk}",
               "worst scenario": (f"{worst.kind} {worst.substance} in {worst.step}, {worst.distance:.0f} m"
                                  if worst else "-"),
               "aggregate risk": risk.aggregate,
               "safety index": r.safety.score, "index (worst)": r.safety.score_worst_case,
               "critical findings": r.critical_findings,
               "net value [USD/kg]": e.net_value,
               "feed [USD/kg]": e.feed_price,
               "break-even feed [USD/kg]": e.breakeven_feed_price if e.breakeven_feed_price is not None else float("nan"),
               "revenue without market [%]": 100 * e.revenue_without_market
               / max(e.annual.revenue / e.throughput / 1000, 1e-300),
               "net value [USD/kWh]": e.net_value_per_kwh if e.net_value_per_kwh is not None else float("nan"),
               "capital [M USD]": e.capital.fixed / 1e6,
               "GHG [kg CO2e/kg]": r.environment.ghg.total,
               "energy [MJ/kg]": r.environment.energy.total,
               "heat released [kW]": r.heat_released}
        for g in KEY_GASES:
            if g in r.gas_generated:
                row[f"{g} [kg/h]"] = r.gas_generated[g]
        rows.append(row)
    table = pd.DataFrame(rows)
    # routes that do not apply rank after every route that does, whatever their risk
    keys = [(r.applicability.status == DOES_NOT_APPLY, *r.safety.risk.rank_key) for r in comparison.routes]
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    table.insert(1, "rank", [order.index(i) + 1 for i in range(len(keys))])
    table = table.sort_values("rank", kind="stable").reset_index(drop=True)
    gas_columns = [c for c in table.columns if c.endswith("[kg/h]")]
    table[gas_columns] = table[gas_columns].fillna(0.0)      # a gas not made is 0; n/a stays n/a
    return table


def monte_carlo_table(mc: MonteCarlo) -> pd.DataFrame:
    """Percentiles of net value and safety, and the probability of being best, per route."""
    rows = []
    for r in mc.routes:
        row = {"route": r.route}
        row.update({f"net value {k} [USD/kg]": v for k, v in r.net_value.items()})
        row.update({f"risk {k}": v for k, v in r.risk.items()})
        row.update({f"index {k}": v for k, v in r.safety_score.items()})
        row.update({f"GHG {k} [kg CO2e/kg]": v for k, v in r.ghg.items()})
        row["P(best net value)"] = r.probability_best_net_value
        row["P(lowest risk)"] = r.probability_lowest_risk
        row["P(lowest index)"] = r.probability_best_safety
        if mc.method == "exact":
            row["infeasible"] = r.infeasible
        if r.surrogate_error is not None:
            row["surrogate error rms [USD/kg]"] = r.surrogate_error.net_value_rms
            row["surrogate error max [USD/kg]"] = r.surrogate_error.net_value_max
        rows.append(row)
    return pd.DataFrame(rows)


METHOD_NOTE = ("(risk: severity x likelihood of the route's worst scenario on a 5 x 5 matrix, with its class; "
               "worst scenario: what happens, the substance, where, and how far its endpoint reaches (ERPG-2 "
               "for toxics, 1 psi for explosions, 5 kW/m2 for fires); aggregate risk: sum of frequency x "
               "10^(severity-1), which breaks ties; routes rank by risk, then aggregate. safety index: "
               "Heikkilae ISI points, the per-step breakdown, lower is safer. applies: judged from the "
               "route's own balances)")


def route_lines(comparison: Comparison) -> list[str]:
    """The terminal text after the comparison table: the method, then per route its risk, net
    value, index contributors and money by category."""
    lines = [METHOD_NOTE]
    for r in comparison.routes:
        e = r.economics
        if r.applicability.status == DOES_NOT_APPLY:
            lines.append(f"\n{r.route} does not apply: "
                         + "; ".join(x for x in r.applicability.reasons if "not regenerated" in x))
        risk, worst = r.safety.risk, r.safety.risk.worst
        irr = f", IRR {e.irr:.0%}" if e.irr is not None else ""
        breakeven = e.breakeven_feed_price if e.breakeven_feed_price is not None else float("nan")
        lines.append(f"\n{r.route}: risk {worst.risk_class if worst else 'none'} {risk.worst_risk}"
                     + (f" ({worst.description}; {worst.endpoint} at {worst.distance:.0f} m)" if worst else "")
                     + f"; net value {e.net_value:.3g} USD/kg with the cells bought at "
                     f"{e.feed_price:.3g} USD/kg (break-even {breakeven:.3g}), "
                     f"NPV {e.npv / 1e6:.3g} M USD after tax{irr}")
        lines += [f"  index: {c}" for c in r.safety.contributors]
        lines.append("  M USD/year: " + ", ".join(f"{k} {v / 1e6:+.3g}" for k, v in e.by_category.items()))
    return lines


def monte_carlo_heading(mc: MonteCarlo, samples: int, seed) -> str:
    """The line above the Monte Carlo table: how it was evaluated, the samples and seed, what
    was sampled."""
    sampled = mc.sampled
    if mc.method == "exact":
        how = ("exact: every sample planned in full, its net value, GHG, route risk and safety index its own; "
               "surrogate error: the first-order surrogate minus the exact value on the same samples")
    else:
        how = (f"--fast: first-order surrogate, base and low/high plans interpolated; its error measured on "
               f"an exact run of {mc.error_samples} samples drawn with the same seed")
    drawn = f"seed {seed}" if seed is not None else "no seed: a fresh draw each run"
    return (f"\nMonte Carlo ({how}), {samples} samples ({drawn}): net value USD/kg, route risk "
            "(worst risk + aggregate / (1 + aggregate)), safety index and GHG; sampled: "
            f"{sampled.prices} prices (groups drawn together: {', '.join(sampled.correlated_groups)}), "
            f"{len(sampled.finance)} finance and capital factors, {sampled.emission_factors} "
            f"emission factors, {len(sampled.process_parameters)} process parameters")


__all__ = ["compare_json", "compare_table", "monte_carlo_heading", "monte_carlo_table", "route_lines"]
