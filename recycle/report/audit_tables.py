"""Rendering of an :class:`recycle.audit.Audit`: tables (pandas), Markdown, JSON document."""
from __future__ import annotations

import pandas as pd

from ..audit import Audit
from .jsondoc import to_json


def audit_json(a: Audit) -> dict:
    """The JSON document of ``recycle audit`` (audit.json, and "audit" in a plan's summary.json)."""
    return to_json(a)


def gases_table(a: Audit) -> pd.DataFrame:
    rows = [{"step": g.step, "gas": g.gas, "expected [kg/h]": g.generated,
             "worst [kg/h]": g.generated_worst, "peak [kg/h]": g.peak,
             "vent [ppm]": g.vent, "vent peak [ppm]": g.vent_peak,
             "IDLH [ppm]": g.limits.get("idlh"), "TLV [ppm]": g.limits.get("tlv_twa"),
             "LEL [ppm]": g.limits.get("lel")} for g in a.gases]
    return pd.DataFrame(rows).astype(object).where(lambda df: df.notna(), "-")   # no limit set: "-", not NaN


def findings_table(a: Audit) -> pd.DataFrame:
    rows = [{"severity": f.severity, "step": f.step, "gas": f.gas, "value": _number(f.value, f.unit),
             "limit": _number(f.limit, f.limit_unit), "finding": f.message, "source": f.source} for f in a.findings]
    return pd.DataFrame(rows)


def _number(value: float | None, unit: str) -> str:
    return f"{value:.4g} {unit}" if value is not None else ""


def _fmt(q) -> str:
    if not q:
        return ""
    return "none reaches it" if q["value"] is None else f"{q['value']:.4g} {q['unit']}"


def _kv(d: dict) -> str:
    parts = []
    for k, v in d.items():
        if k == "step":
            continue
        if isinstance(v, dict) and "value" in v:
            parts.append(f"{k.replace('_', ' ')} {_fmt(v)}")
        elif isinstance(v, dict) and all(isinstance(x, dict) and "value" not in x for x in v.values()) and v:
            parts.append(f"{k}: " + ", ".join(f"{kk} " + " at ".join(_fmt(q) for q in vv.values())
                                               for kk, vv in v.items()))
        elif isinstance(v, dict):
            parts.append(f"{k}: " + ", ".join(f"{kk} {_fmt(vv)}" for kk, vv in v.items()))
        elif v is None:
            parts.append(f"{k.replace('_', ' ')}: none reaches it")
        else:
            parts.append(f"{k.replace('_', ' ')} {v}")
    return "; ".join(parts)


def scenario_lines(a: Audit, n: int = 8) -> list[str]:
    """The scenarios that drive the risk, riskiest first, each with the control that lowers it."""
    return [f"{s.risk_class} {s.risk} (severity {s.severity} x likelihood {s.likelihood}): {s.description}; "
            f"{s.endpoint} reached at {s.distance:.0f} m, about {s.frequency:.2g}/year. Control: {s.control}"
            for s in a.scenarios[:n]]


def permit_table(a: Audit) -> pd.DataFrame:
    """The stack against the region's emission limits: one row per pollutant."""
    if not a.permit:
        return pd.DataFrame()
    rows = []
    for line in a.permit.lines:
        ref = line.reference_o2
        rows.append({
            "pollutant": line.pollutant,
            "stack [mg/Nm3]": line.concentration,
            "worst [mg/Nm3]": line.concentration_worst,
            "limit [mg/Nm3]": line.limit if line.limit is not None else "no limit in this region",
            "basis": (f"dry, {ref:g} % O2" if ref is not None else "dry") + (f", {line.averaging}" if line.averaging else ""),
            "margin": f"{100 * line.margin:.0f} %" if line.margin is not None else "",
            "passes": {True: "yes", False: "NO", None: "-"}[line.passes],
            "load [t/year]": line.annual_load,
            "source": line.source})
    return pd.DataFrame(rows)


def permit_heading(a: Audit) -> str:
    p = a.permit
    return (f"Stack against the {p.region} emission limits ({p.instrument}); stack "
            f"{p.stack_flow:.4g} Nm3/h dry at {p.stack_o2_dry:.3g} % O2 (worst case)")


def sections(a: Audit) -> list[tuple[str, list[str]]]:
    """(title, lines) for the scenario, scrubber, flare, ventilation and dry-room sections."""
    return [
        ("Scenarios that drive the risk", scenario_lines(a)),
        ("Scrubbers", [f"{s.step}: {_kv(to_json(s))}" for s in a.scrubber]),
        ("Flares", [f"{f.step}: {_kv(to_json(f))}" for f in a.flare]),
        ("Ventilation", [f"{v.step}: {_kv(to_json(v))}" for v in a.ventilation]),
        ("Dry rooms", [f"{d.step}: {_kv(to_json(d))}" for d in a.dry_room]),
    ]


def markdown(a: Audit) -> str:
    """The audit as a Markdown document."""
    lines = [f"# Gas-handling audit: route `{a.route}` at {a.throughput}", "",
             f"Dilution mixing factor K = {a.parameters.dilution_k:g}; combustibles kept below "
             f"{a.parameters.lel_fraction:.0%} of the LEL.", "", "## Findings", ""]
    ft = findings_table(a)
    lines.append(ft.to_markdown(index=False) if len(ft) else "No findings.")
    lines += ["", "## Gases by step (worst case at peak for the vent)", ""]
    gt = gases_table(a)
    lines.append(gt.to_markdown(index=False, floatfmt=".4g") if len(gt) else "No gas generated.")
    if a.permit:
        lines += ["", "## Permit", "", permit_heading(a), ""]
        lines.append(permit_table(a).to_markdown(index=False, floatfmt=".4g"))
        if a.permit.not_pollutants:
            lines += [""] + [f"- {k}: not a regulated pollutant ({v})" for k, v in a.permit.not_pollutants.items()]
    for title, items in sections(a):
        lines += ["", f"## {title}", ""] + ([f"- {i}" for i in items] or ["none"])
    return "\n".join(lines) + "\n"
