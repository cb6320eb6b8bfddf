"""What each command shows on the terminal, as blocks: a block is a line of text (str) or a
table (DataFrame). cli.py prints them (tables fitted to the terminal by recycle.report.terminal);
nothing here prints."""
from __future__ import annotations

import pandas as pd

from ..audit import Audit
from ..compare import Comparison
from ..simulate import RouteResult
from . import totals_table
from .audit_tables import (
    findings_table,
    gases_table,
    permit_heading,
    permit_table,
    sections,
)
from .comparison import monte_carlo_heading, monte_carlo_table, route_lines
from .sensitivity import sobol_table

Blocks = list  # of str | pd.DataFrame

TOTALS = (("gas_formed", "Gas formed (by the feed's reactions)"),
          ("combustion_products", "Combustion products (flare, smelter)"),
          ("gas_emitted", "Gas emitted to stack"), ("reagents", "Reagents"), ("products", "Products"))


def _table_or_none(table: pd.DataFrame) -> Blocks:
    return [table] if len(table) else ["  none"]


def plan_text(result: RouteResult, doc: dict, steps: pd.DataFrame) -> Blocks:
    """``recycle plan``: the steps, gas, reagent and product totals, the balance, flags and notes
    (``doc`` is the plan's JSON, ``steps`` its steps table)."""
    inv = result.inventory
    heading = (f"Route {result.route.id}: {inv.source}, {len(inv.rows)} rows, "
               f"{inv.total_mass:,.1f} kg of cells; basis {result.basis.text}")
    out: Blocks = [heading]
    out += [f"({note})" for note in inv.notes]
    out += ["", steps]
    for which, title in TOTALS:
        out += [f"\n{title}:"] + _table_or_none(totals_table(result, which))
    energy = doc["balance"]["energy"]
    out.append(f"\nHeat released {energy['heat_released']['value']:.4g} {energy['heat_released']['unit']}; "
               f"enthalpy duties {energy['sum_of_step_duties']['value']:.4g} {energy['sum_of_step_duties']['unit']}; "
               f"max relative element residual {doc['balance']['max_relative_element_residual']:.1e}")
    flags = [f"  {s['id']}: {f['code']} {f['species']} {f['amount']['value']:.3g} {f['amount']['unit']} "
             f"(worst case {f['amount_worst_case']['value']:.3g}): {f['message']}"
             for s in doc["steps"] for f in s["flags"] if f["code"] != "survives_rate_limit"]
    survivors = [f"{s['id']}: {f['species']} {f['amount']['value']:.3g} {f['amount']['unit']}"
                 for s in doc["steps"] for f in s["flags"] if f["code"] == "survives_rate_limit"]
    if survivors:
        flags.append("  left unreacted under a stated rate limit (see --format json): " + "; ".join(survivors))
    if flags:
        out.append("\nFlags:\n" + "\n".join(flags))
    notes = [f"  {s['id']}: {n}" for s in doc["steps"] for n in s["notes"]]
    if notes:
        out.append("\nNotes:\n" + "\n".join(notes))
    return out


def audit_text(report: Audit, source: str) -> Blocks:
    """``recycle audit``: findings, gases by step, the sizing sections and the permit."""
    out: Blocks = [f"Gas-handling audit: route {report.route}, {source}, throughput {report.throughput}\n",
                   "Findings:"]
    out += [findings_table(report)] if report.findings else ["  none"]
    out += ["\nGases by step (kg/h; vent ppm at peak, worst case):", gases_table(report)]
    for title, items in sections(report):
        out += [f"\n{title}:", "\n".join(f"  {i}" for i in items) if items else "  none"]
    if report.permit:
        out += [f"\n{permit_heading(report)}:", permit_table(report)]
        out += [f"  {name}: not a regulated pollutant ({why})" for name, why in report.permit.not_pollutants.items()]
    return out


def compare_text(comparison: Comparison, table: pd.DataFrame, source: str, samples: int, seed) -> Blocks:
    """``recycle compare``: the ranked table, the Monte Carlo when run, and each route's lines."""
    out: Blocks = [f"Route comparison: {source}, throughput {comparison.throughput}\n", table]
    if comparison.monte_carlo is not None:
        out += [monte_carlo_heading(comparison.monte_carlo, samples, seed), monte_carlo_table(comparison.monte_carlo)]
    return out + route_lines(comparison)


def sensitivity_text(doc: dict, table: pd.DataFrame, safety_base) -> Blocks:
    """``recycle sensitivity``: the base net value and safety, then the tornado table."""
    base = doc["net_value_base"]["value"]
    heading = (f"Sensitivity of route {doc['route']} at {doc['throughput']}: net value {base:.4g} USD/kg, "
               f"safety {safety_base}\n")
    return [heading, table]


def global_sensitivity_text(extra: dict, top: int) -> Blocks:
    """``recycle sensitivity --sobol/--exact``: the Sobol table and the surrogate's error."""
    out: Blocks = []
    g = extra.get("sobol")
    if g is not None:
        out += [(f"\nSobol indices of net value ({g.samples} base samples, {g.evaluations} evaluations, seed {g.seed}; "
                f"95 % intervals; {g.samples_needed} samples for intervals within +/-{g.target_interval:g}):"),
                sobol_table(g).head(top)]
    x = extra.get("exact_monte_carlo")
    if x is not None:
        how = "on the batch axis" if x.method == "batch" else "one by one"
        again = (f", {len(x.planned_one_by_one)} batch pass(es) refused and planned sample by sample"
                 if x.planned_one_by_one else "")
        text = (f"\nExact Monte Carlo: {x.evaluated} of {x.samples} samples planned in full {how} "
                f"({len(x.infeasible)} infeasible{again})")
        if x.net_value_exact is not None:
            text += ("; net value p5/p50/p95 exact " + "/".join(f"{v:.4g}" for v in
                                                               (x.net_value_exact.p5, x.net_value_exact.p50, x.net_value_exact.p95))
                     + ", surrogate " + "/".join(f"{v:.4g}" for v in (x.net_value_surrogate.p5, x.net_value_surrogate.p50,
                                                                       x.net_value_surrogate.p95))
                     + f" USD/kg; surrogate error (surrogate minus exact) on the same samples: mean "
                       f"{x.surrogate_error.mean:.3g}, rms {x.surrogate_error.rms:.3g}, max "
                       f"{x.surrogate_error.max_abs:.3g} USD/kg")
        if x.ghg_exact is not None:
            text += ("; GHG p5/p50/p95 exact " + "/".join(f"{v:.4g}" for v in (x.ghg_exact.p5, x.ghg_exact.p50,
                                                                              x.ghg_exact.p95))
                     + ", surrogate " + "/".join(f"{v:.4g}" for v in (x.ghg_surrogate.p5, x.ghg_surrogate.p50,
                                                                       x.ghg_surrogate.p95))
                     + f" kg CO2e/kg; surrogate error: rms {x.ghg_surrogate_error.rms:.3g}, max "
                       f"{x.ghg_surrogate_error.max_abs:.3g} kg CO2e/kg")
        if x.risk_exact is not None:
            text += ("; each sample's own route risk p5/p50/p95 "
                     + "/".join(f"{v:.4g}" for v in (x.risk_exact.p5, x.risk_exact.p50, x.risk_exact.p95))
                     + " and safety index " + "/".join(f"{v:.4g}" for v in (x.safety_score_exact.p5,
                                                                             x.safety_score_exact.p50,
                                                                             x.safety_score_exact.p95)) + " points")
        out.append(text)
        if x.infeasible:
            shown = list(x.infeasible[:3]) + ([f"... {len(x.infeasible) - 3} more (--format json lists them)"]
                                              if len(x.infeasible) > 3 else [])
            out.append("Infeasible samples:\n" + "\n".join(f"  {line}" for line in shown))
    return out


def inventory_text(inv, by_species: pd.DataFrame, elements: pd.DataFrame) -> Blocks:
    """``recycle inventory check``: the totals by species and by element."""
    return [f"{inv.source}: {len(inv.rows)} rows, {inv.total_mass:,.2f} kg of cells\n", by_species, "", elements]


__all__ = ["audit_text", "compare_text", "inventory_text", "plan_text", "sensitivity_text"]
