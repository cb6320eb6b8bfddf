"""The files a plan's ``--out`` folder holds besides the tables: report.html, report.md,
summary.json and results.xlsx, with the audit, safety, economics and footprint of a plan on a
throughput basis (default prices, the economics' default region for the permit)."""
from __future__ import annotations

import json

from ..simulate import RouteResult
from .audit_tables import audit_json
from .jsondoc import to_json


def plan_files(planner, result: RouteResult, doc: dict) -> dict[str, str | bytes]:
    """report.html, report.md, summary.json and results.xlsx of ``result`` (``doc``: its JSON)."""
    from .html import plan_report
    from .workbook import plan_frames, workbook_bytes

    audit_ = safety_ = economics_ = environment_ = None
    extra = {}
    if result.rate_basis:
        from ..audit import audit as run_audit
        from ..economics import economics
        from ..environment import environment
        from ..prices import load_prices
        from ..safety import safety

        audit_ = run_audit(result, permit_region="US")       # the economics' default region
        safety_ = safety(result, audit_)
        economics_ = economics(result, load_prices(planner.db.directory))
        environment_ = environment(result)
        extra = {"audit": audit_json(audit_), "safety": to_json(safety_), "economics": to_json(economics_),
                 "environment": to_json(environment_)}
    files = plan_report(result, audit_, safety_, economics_, environment_)
    files["summary.json"] = json.dumps({**doc, **extra}, indent=2) + "\n"
    frames = plan_frames(result)
    if audit_ is not None:
        from .audit_tables import findings_table, permit_table

        frames["audit findings"] = findings_table(audit_)
        frames["permit"] = permit_table(audit_)
    files["results.xlsx"] = workbook_bytes(frames)
    return files


__all__ = ["plan_files"]
