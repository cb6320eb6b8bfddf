"""Reports for a process engineer: one self-contained HTML page and the same content in Markdown.

A report is a list of sections ``(anchor, title, blocks)``; a block is one of
``("p", text)``, ``("ul", [text])``, ``("table", DataFrame)``, ``("figure", svg, caption)``,
``("h", heading)``, ``("mermaid", code)`` (Markdown only), ``("img", png_bytes, file_name, caption)`` and
``("details", summary, [blocks])``. :func:`to_html` inlines the CSS, the SVG and the PNG
(base64), so the page loads nothing from the network; :func:`to_markdown` writes tables,
a Mermaid flowchart and a link to the PNG file.

Units are those of :mod:`recycle.report`: kg or kg/h, kJ or kW, degC; money in USD.
"""
from __future__ import annotations

import base64
import math
from dataclasses import asdict, fields
from html import escape

import numpy as np
import pandas as pd

from .. import report
from ..cases import Case
from ..compare import Comparison
from ..economics import Economics
from ..environment import Environment
from ..flows import edge_masses, element_fate
from ..safety import Safety
from ..simulate import RouteResult
from . import Units, svg
from .references import cited_keys, data_references, split_references

ELEMENTS = ("Li", "S", "Cl")
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0 auto;max-width:1400px;
padding:0 24px 48px;color:#1f2328;line-height:1.45}
h1{font-size:1.6em;margin:20px 0 4px}h2{border-bottom:2px solid #2f4b7c;padding-bottom:3px;margin-top:34px}
h3{margin:18px 0 6px}nav{font-size:.9em;margin:6px 0 16px}nav a{margin-right:12px;color:#2f4b7c}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.82em;margin:6px 0 12px}
th,td{border:1px solid #d0d7de;padding:3px 7px;vertical-align:top}th{background:#eef1f6;text-align:left}
tr:nth-child(even) td{background:#f8f9fb}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:8px 0 18px}figcaption{font-size:.85em;color:#555}img{max-width:100%}
details{margin:6px 0}summary{cursor:pointer;color:#2f4b7c}.critical{color:#b00020;font-weight:600}
.warning{color:#b36b00;font-weight:600}
"""


def _num(x) -> str:
    if isinstance(x, (bool, np.bool_)) or x is None:
        return "" if x is None else str(x)
    if isinstance(x, (int, np.integer)):
        return str(x)
    if isinstance(x, (float, np.floating)):
        return "" if math.isnan(x) else "0" if x == 0 else f"{x:.4g}"
    return str(x)


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for v in rec:
            numeric = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            text = escape(_num(v))
            if v in ("critical", "warning"):
                text = f'<span class="{v}">{text}</span>'
            cells.append(f'<td class="n">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _md_text(text) -> str:
    """Markdown-safe text: raw HTML (a step id or sink name with tags) is shown, not run."""
    return escape(str(text), quote=False)


def _md_table(df: pd.DataFrame) -> str:
    clean = df.copy()
    for c in clean.columns:
        clean[c] = [_md_text(_num(v)).replace("|", "\\|").replace("\n", " ") for v in clean[c]]
    clean.columns = [_md_text(c) for c in clean.columns]
    return clean.to_markdown(index=False)


def _html_blocks(blocks) -> list[str]:
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "p":
            out.append(f"<p>{escape(b[1])}</p>")
        elif kind == "h":
            out.append(f"<h3>{escape(b[1])}</h3>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in b[1]) + "</ul>" if b[1] else "<p>None.</p>")
        elif kind == "table":
            out.append(_html_table(b[1]) if len(b[1]) else "<p>None.</p>")
        elif kind == "figure":
            out.append(f'<figure><div class="scroll">{b[1]}</div><figcaption>{escape(b[2])}</figcaption></figure>')
        elif kind == "img":
            data = base64.b64encode(b[1]).decode("ascii")
            out.append(f'<figure><img alt="{escape(b[3])}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{escape(b[3])}</figcaption></figure>")
        elif kind == "details":
            out.append(f"<details><summary>{escape(b[1])}</summary>" + "\n".join(_html_blocks(b[2])) + "</details>")
    return out


def to_html(title: str, sections: list) -> str:
    """A self-contained HTML page: inline CSS and SVG, images as data URIs, no script."""
    nav = " ".join(f'<a href="#{a}">{escape(t)}</a>' for a, t, _ in sections)
    body = [f'<h2 id="{a}">{escape(t)}</h2>\n' + "\n".join(_html_blocks(blocks)) for a, t, blocks in sections]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n<h1>{escape(title)}</h1>\n"
            f"<nav>{nav}</nav>\n" + "\n".join(body) + "\n</body></html>\n")


def _md_blocks(blocks, level: int) -> list[str]:
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "p":
            out.append(_md_text(b[1]))
        elif kind == "h":
            out.append(f"{'#' * (level + 1)} {_md_text(b[1])}")
        elif kind == "ul":
            out.append("\n".join(f"- {_md_text(i)}" for i in b[1]) if b[1] else "None.")
        elif kind == "table":
            out.append(_md_table(b[1]) if len(b[1]) else "None.")
        elif kind == "figure":
            out.append(f"*{b[2]}* (drawn in report.html)")
        elif kind == "mermaid":
            out.append(f"```mermaid\n{b[1]}\n```")
        elif kind == "img":
            out.append(f"![{b[3]}]({b[2]})")
        elif kind == "details":
            out.append(f"{'#' * (level + 1)} {b[1]}")
            out += _md_blocks(b[2], level + 1)
    return out


def to_markdown(title: str, sections: list) -> str:
    """The report as Markdown: the same sections, tables as pipe tables; text is HTML-escaped."""
    lines = [f"# {_md_text(title)}"]
    for _, t, blocks in sections:
        lines += [f"## {t}"] + _md_blocks(blocks, 2)
    return "\n\n".join(lines) + "\n"


def mermaid(result: RouteResult) -> str:
    """A Mermaid ``flowchart LR`` of the route with the mass flow on every stream."""
    units = Units(result.rate_basis)
    ids = {n: f"n{i}" for i, n in enumerate(result.route.graph.nodes)}
    shape = {"feed": '(["{}"])', "step": '["{}"]', "product": '(["{}"])', "waste": '[/"{}"/]', "stack": '>"{}"]'}
    lines = ["flowchart LR"]
    for n, i in ids.items():
        kind = svg.node_kind(n)
        label = svg.node_label(n).replace('"', "'")
        if kind == "step" and result.route.steps[n].type != n:
            label += f"<br/>({result.route.steps[n].type})"
        elif kind in ("product", "waste"):
            label += f"<br/>({kind})"
        lines.append(f"    {i}{shape[kind].format(label)}")
    for (s, t), (mass, phase) in edge_masses(result).items():
        arrow = "-.->" if phase == "gas" else "-->"
        lines.append(f'    {ids[s]} {arrow}|"{svg.fmt_flow(mass, units.mass)}"| {ids[t]}')
    return "\n".join(lines)


def _phase_text(result: RouteResult, amounts: np.ndarray) -> str:
    kg = np.maximum(amounts[Case.EXPECTED] * result.db.molar_mass, 0.0)
    total = kg.sum()
    if total <= 0:
        return "empty"
    parts = [(p, kg[result.db.phase_is(p)].sum() / total) for p in ("gas", "liquid", "solid")]
    parts = [(p, f) for p, f in sorted(parts, key=lambda pf: -pf[1]) if f >= 0.005]
    return parts[0][0] if parts[0][1] > 0.995 else ", ".join(f"{p} {f:.0%}" for p, f in parts)


def stream_table(result: RouteResult) -> pd.DataFrame:
    """The stream table of :func:`recycle.report.streams_table` with a phase column (mass shares)."""
    df = report.streams_table(result).drop(columns="stream")
    df.insert(2, "phase", [_phase_text(result, a) for _, a, _ in result.streams.values()])
    return df


def _q(d: dict | None) -> str:
    return f"{d['value']:.4g} {d['unit']}" if d else ""


def _balance_blocks(result: RouteResult, doc: dict) -> list:
    units, db = Units(result.rate_basis), result.db
    inp = db.element_totals(result.feed + result.reagents)[Case.EXPECTED] * db.element_molar_mass
    out = db.element_totals(sum(result.sink_total(k) for k in ("product", "waste", "stack")))[Case.EXPECTED] * db.element_molar_mass
    rows = [{"element": e, f"in: feed + reagents [{units.mass}]": units.kg(i), f"out: sinks [{units.mass}]": units.kg(o),
             f"residual [{units.mass}]": units.kg(o - i), "relative residual": abs(o - i) / i}
            for e, i, o in zip(db.elements, inp, out) if i > 0]
    energy = [{"term": k.replace("_", " "), "value": v["value"], "unit": v["unit"]}
              for k, v in doc["balance"]["energy"].items()]
    return [("p", f"Largest relative element residual of the route or any step: "
                  f"{doc['balance']['max_relative_element_residual']:.2e}."),
            ("table", pd.DataFrame(rows)), ("h", "Energy"), ("table", pd.DataFrame(energy))]


def _heat_table(doc: dict, units: Units) -> pd.DataFrame:
    rows = []
    for s in doc["steps"]:
        row = {"step": s["id"], "type": s["type"], "T [degC]": s["temperature"]["value"],
               f"heat released [{units.energy}]": s["heat_released"]["value"],
               f"enthalpy duty [{units.energy}]": s["enthalpy_duty"]["value"]}
        row.update({f"{k} [{v['unit']}]": v["value"] for k, v in s["utilities"].items()})
        rows.append(row)
    return pd.DataFrame(rows)


def safety_blocks(safety: Safety) -> list:
    """Route risk and its scenarios, then the index: score, contributors, worst point per
    factor and the full breakdown."""
    risk = safety.risk
    worst = risk.worst
    scenarios = pd.DataFrame([{"risk": f"{s.risk_class} {s.risk}", "severity": s.severity,
                               "likelihood": s.likelihood, "step": s.step, "kind": s.kind,
                               "substance": s.substance, "endpoint": s.endpoint, "distance [m]": s.distance,
                               "frequency [1/year]": s.frequency, "control": s.control}
                              for s in safety.scenarios])
    head = [("p", (f"Route risk {worst.risk_class} {worst.risk}: {worst.description}; {worst.endpoint} "
                   f"reached at {worst.distance:.0f} m. Aggregate risk {risk.aggregate:.3g}.") if worst
             else "No scenario reaches its endpoint.")]
    if len(scenarios):
        head.append(("table", scenarios))

    def table(points):
        return pd.DataFrame([{"step": p.step, "factor": p.factor, "points": p.points,
                              "quantity": p.value, "unit": p.unit, "basis": p.basis}
                             for p in points])
    return head + [("p", f"Inherent-safety index {safety.score} points (worst case {safety.score_worst_case}; "
                  f"sum over all steps {safety.score_cumulative}); lower is safer. Method: {safety.method}."),
            ("ul", list(safety.contributors)),
            ("table", table(safety.by_factor.values())),
            ("details", "Every scored point, step by step", [("table", table(safety.breakdown))])]


def economics_blocks(e: Economics) -> list:
    """Net value, annual figures, breakdown by category and step, capital items, notes."""
    key = [("net value", "net_value", e), ("net value per kWh of cells", "net_value_per_kwh", e),
           ("net present value", "npv", e), ("fixed capital", "fixed", e.capital),
           ("working capital", "working", e.capital), ("throughput", "throughput", e)]
    key += [(f.name.replace("_", " "), f.name, e.annual) for f in fields(e.annual)]
    return [("table", pd.DataFrame([{"quantity": k, "value": getattr(owner, name), "unit": owner.unit_of(name)}
                                    for k, name, owner in key if getattr(owner, name) is not None])),
            ("table", pd.DataFrame([{"category": k, "net [M USD/year]": v / 1e6} for k, v in e.by_category.items()])),
            ("table", pd.DataFrame([{"step": k, "net [M USD/year]": v / 1e6} for k, v in e.by_step.items()])),
            ("details", "Capital items", [("table", pd.DataFrame(
                [{"step": i.step, "item": i.item, "size": i.size, "size unit": i.size_unit,
                  "cost [USD]": i.cost, "basis": i.basis} for i in e.capital.items]))]),
            ("details", "Revenue and cost lines", [("table", pd.DataFrame(
                [{"step": b.step, "category": b.category, "item": b.item,
                  "value [USD/year]": b.value, "basis": b.basis} for b in e.breakdown]))]),
            ("ul", list(e.notes))]


def environment_blocks(env: Environment) -> list:
    """Energy, greenhouse gases (by part and by step), water and stack emissions per kg of cells."""
    g, en = env.ghg, env.energy
    key = [("energy, electricity", en.electricity, "total"), ("energy, fuel", en.fuel, "total"),
           ("energy, total", en, "total"), ("GHG, direct (stack)", g.direct, "total"),
           ("GHG, electricity", g.electricity, "total"), ("GHG, fuel", g.fuel, "total"),
           ("GHG, reagents (embodied)", g.reagents, "total"), ("GHG, total", g, "total"),
           ("process water in", env.water.process_water_in, "total")]
    steps = sorted(set(g.by_step) | set(en.electricity.by_step) | set(en.fuel.by_step))
    by_step = pd.DataFrame([{"step": s, "GHG [kg CO2e/kg]": g.by_step.get(s, 0.0),
                             "electricity [MJ/kg]": en.electricity.by_step.get(s, 0.0),
                             "fuel [MJ/kg]": en.fuel.by_step.get(s, 0.0)} for s in steps])
    air = env.air_emissions
    stack = [{"gas": "CO2", "g per kg of cells": air.co2}] + [
        {"gas": k, "g per kg of cells": v} for k, v in air.pollutants.items()]
    blocks = [("p", f"Per kg of cells fed; grid region {env.region}. Credits for recovered materials are "
                    "reported apart and never added to the total."),
              ("table", pd.DataFrame([{"quantity": k, "value": getattr(owner, name), "unit": owner.unit_of(name)}
                                      for k, owner, name in key])),
              ("h", "By step"), ("table", by_step), ("h", "Leaving the stack after treatment"),
              ("table", pd.DataFrame(stack))]
    if env.credits:
        blocks += [("p", f"Credits (avoided primary production, separate): {env.credits.total:.4g} "
                         f"{env.credits.unit_of('total')}")]
    return blocks


def audit_blocks(audit) -> list:
    """Findings, gases by step and the scrubber, flare, ventilation and dry-room sizing."""
    from .audit_tables import (
        findings_table,
        gases_table,
        permit_heading,
        permit_table,
        sections,
    )

    p = audit.parameters
    blocks = [("p", f"Throughput {audit.throughput}; dilution mixing factor K = {p.dilution_k:g}; "
                    f"combustibles kept below {p.lel_fraction:.0%} of the LEL."),
              ("table", findings_table(audit)), ("h", "Gases by step (vent ppm at peak, worst case)"),
              ("table", gases_table(audit))]
    if audit.permit:
        blocks += [("h", "Stack against the permit"), ("p", permit_heading(audit)), ("table", permit_table(audit))]
    for title, items in sections(audit):
        blocks += [("h", title), ("ul", items)]
    return blocks


def sources_blocks(result: RouteResult, extra: list[str]) -> list:
    """The route description and sources, every step parameter with its source, the data files."""
    params = []
    for sid, step in result.route.steps.items():
        for p in type(step).params:
            params.append({"step": sid, "parameter": p.name, "value": str(step.raw[p.name]),
                           "default": str(p.default), "meaning": p.doc, "source": p.source})
    files = [{"file": f"chemistry/{k}", "description": split_references(v)[0]} for k, v in result.db.sources().items()]
    references = [{"file": f"chemistry/{name}", "key": f"[{key}]", "reference": text}
                  for name, refs in data_references(result.db).items() for key, text in refs.items()]
    return [("p", f"Route {result.route.id} ({result.route.label}): {result.route.description}"),
            ("ul", result.route.sources), ("h", "Step parameters"), ("table", pd.DataFrame(params)),
            ("h", "Chemistry data"), ("table", pd.DataFrame(files)), ("h", "Other assumptions"), ("ul", extra),
            ("h", "References"),
            ("p", "A citation [n] in a data file's entries, notes or descriptions refers to that file's list below."),
            ("table", pd.DataFrame(references))]


def _figures(result: RouteResult, prefix: str, elements=ELEMENTS) -> list:
    units = Units(result.rate_basis)
    blocks = [("figure", svg.sankey_svg(result, None, f"{prefix}sankey-mass"),
               f"Mass flows [{units.mass}] through route {result.route.id}; band width proportional to flow.")]
    for e in elements:
        if e in result.db.elements:
            blocks.append(("figure", svg.sankey_svg(result, e, f"{prefix}sankey-{e}"),
                           f"{e} flows [{units.mass} of {e}] through route {result.route.id}."))
    return blocks


def plan_sections(result: RouteResult, audit=None, safety: Safety | None = None,
                  economics: Economics | None = None, environment: Environment | None = None) -> list:
    """The sections of a plan report; audit, safety, economics and footprint are added when given."""
    units = Units(result.rate_basis)
    doc = report.plan_json(result)
    inv = result.inventory
    t = doc["totals"]
    mass = lambda d: sum(v["value"] for v in d.values())  # noqa: E731
    key = [("cells fed", doc["basis"]["feed"]["value"], units.mass),
           ("products", mass(t["products"]), units.mass), ("wastes", mass(t["wastes"]), units.mass),
           ("gas to stack", mass(t["gas_emitted"]), units.mass), ("reagents", mass(t["reagents"]), units.mass),
           ("heat released", t["heat_released"]["value"], units.energy),
           ("max relative element residual", doc["balance"]["max_relative_element_residual"], "")]
    if safety:
        key.append(("route risk (lower is safer)", safety.risk.worst_risk, "severity x likelihood"))
        key.append(("inherent-safety index (lower is safer)", safety.score, "points"))
    if economics:
        key.append(("net value", economics.net_value, economics.unit_of("net_value")))
    summary = [("p", f"Route {result.route.id}; inventory {inv.source if inv else '-'}"
                     f"{f' ({inv.total_mass:,.1f} kg of cells)' if inv else ''}; basis {result.basis.text}."),
               ("table", pd.DataFrame([{"quantity": k, "value": v, "unit": u} for k, v, u in key]))]
    fate = pd.DataFrame(element_fate(result, ELEMENTS))
    sections = [
        ("summary", "Summary", summary),
        ("flowsheet", "Flowsheet", [("figure", svg.flowsheet_svg(result), f"Flowsheet of {result.route.id}: "
                                     f"streams labelled with mass flow [{units.mass}]; gas dashed."),
                                    ("mermaid", mermaid(result))]),
        ("sankey", "Mass and element flows", _figures(result, "") + [
            ("h", f"Where {', '.join(ELEMENTS)} end up"), ("table", fate)]),
        ("streams", "Stream table", [("table", stream_table(result))]),
        ("steps", "Steps", [("table", report.steps_table(result))]),
        ("balances", "Balances", _balance_blocks(result, doc)),
        ("heat", "Heat", [("table", _heat_table(doc, units))]),
    ]
    if safety:
        sections.append(("safety", "Safety", safety_blocks(safety)))
    if economics:
        sections.append(("economics", "Economics", economics_blocks(economics)))
    if environment:
        sections.append(("environment", "Environmental footprint", environment_blocks(environment)))
    if audit is not None:
        sections.append(("audit", "Gas-handling audit", audit_blocks(audit)))
    elif not result.rate_basis:
        sections.append(("audit", "Gas-handling audit", [(
            "p", "Not run: the audit, safety score and economics need a throughput basis (--basis '10 t/day').")]))
    notes = [f"{s['id']}: {n}" for s in doc["steps"] for n in s["notes"]]
    extra = [f"Basis: {result.basis.text}; two cases per plan (expected, worst case); tables show the expected case."]
    if economics:
        extra += [f"{k.replace('_', ' ')}: {v}" for k, v in asdict(economics.assumptions).items()]
    if audit is not None:
        extra += [f"audit {k}: {v}" + (f" (chemistry/audit.yaml {', '.join(f'[{c}]' for c in cited_keys(v))} under "
                                       "References)" if cited_keys(v) else "")
                  for k, v in audit.parameters.sources.items()]
    if safety:
        extra.append(f"safety: {safety.method}")
    sections += [("notes", "Notes", [("ul", notes)]),
                 ("sources", "Assumptions and data sources", sources_blocks(result, extra))]
    return sections


def plan_report(result: RouteResult, audit=None, safety: Safety | None = None,
                economics: Economics | None = None, environment: Environment | None = None) -> dict[str, str]:
    """``{"report.html": ..., "report.md": ...}`` for a plan."""
    title = f"Recycling plan: route {result.route.id}, {result.basis.text}"
    sections = plan_sections(result, audit, safety, economics, environment)
    return {"report.html": to_html(title, sections), "report.md": to_markdown(title, sections)}


def compare_sections(doc: Comparison, chart_png: bytes | None, results: dict[str, RouteResult] | None = None) -> list:
    """Sections of a comparison report: table, chart, breakdowns, and each route's diagrams."""
    from ..applicability import DOES_NOT_APPLY
    from ..compare import pareto_front
    from .comparison import compare_table

    points = {r.route: (r.safety.risk.number, r.economics.net_value) for r in doc.routes if r.applicability.status != DOES_NOT_APPLY}
    summary = [("p", f"Inventory {doc.inventory}; throughput {doc.throughput}; prices {doc.prices}."),
               ("table", compare_table(doc)),
               ("p", "Pareto front of the routes that apply (no other route has both lower risk and higher "
                     "net value): " + (", ".join(pareto_front(points)) or "none") + ".")]
    if chart_png:
        summary.append(("img", chart_png, "compare.png", "Safety score against net value; Pareto front marked."))
    by_cat = pd.DataFrame([{"route": r.route, **{f"{k} [M USD/year]": v / 1e6 for k, v in r.economics.by_category.items()}}
                           for r in doc.routes]).fillna(0.0)
    by_factor = pd.DataFrame([{"route": r.route, **{k: v.points for k, v in r.safety.by_factor.items()}}
                              for r in doc.routes]).fillna(0)
    env = pd.DataFrame([{"route": r.route, "GHG [kg CO2e/kg]": r.environment.ghg.total,
                         "energy [MJ/kg]": r.environment.energy.total,
                         "process water [kg/kg]": r.environment.water.process_water_in.total}
                        for r in doc.routes])
    sections = [("summary", "Comparison", summary)]
    if doc.monte_carlo is not None:
        from .comparison import monte_carlo_heading, monte_carlo_table

        mc = doc.monte_carlo
        sections.append(("uncertainty", "Monte Carlo", [("p", monte_carlo_heading(mc, mc.samples, mc.seed).strip()),
                                                        ("table", monte_carlo_table(mc))]))
    sections += [("environment", "Environmental footprint", [("table", env)] + [
                    ("details", f"{r.route}: {r.environment.ghg.total:.3g} kg CO2e/kg",
                     environment_blocks(r.environment)) for r in doc.routes]),
                ("safety", "Safety by factor [points]", [("table", by_factor)] + [
                    ("details", f"{r.route}: score {r.safety.score}", safety_blocks(r.safety))
                    for r in doc.routes]),
                ("economics", "Economics by category", [("table", by_cat)] + [
                    ("details", f"{r.route}: net value {r.economics.net_value:.3g} USD/kg",
                     economics_blocks(r.economics)) for r in doc.routes])]
    for name, result in (results or {}).items():
        sections.append((f"route-{name}", f"Route {name}", [
            ("p", result.route.description),
            ("figure", svg.flowsheet_svg(result, f"flowsheet-{name}"), f"Flowsheet of {name}."),
            ("mermaid", mermaid(result))] + _figures(result, f"{name}-", ())))
    notes = [f"prices: {doc.prices}"] + [f"safety: {r.safety.method}" for r in doc.routes]
    notes += [f"economics: {k.replace('_', ' ')} {v}" for r in doc.routes for k, v in asdict(r.economics.assumptions).items()]
    sections.append(("sources", "Assumptions and data sources", [("ul", list(dict.fromkeys(notes)))]))
    return sections


def compare_report(doc: Comparison, chart_png: bytes | None, results: dict[str, RouteResult] | None = None) -> dict[str, str]:
    """``{"report.html": ..., "report.md": ...}`` for a ``recycle compare`` document."""
    title = f"Route comparison: {doc.inventory}, {doc.throughput}"
    sections = compare_sections(doc, chart_png, results)
    return {"report.html": to_html(title, sections), "report.md": to_markdown(title, sections)}
