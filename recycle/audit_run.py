"""A route's gas-handling audit as the CLI runs it: plan (or size to the permit), then audit.

:func:`run_audit` plans ``route`` for ``inventory`` at ``throughput`` with ``overrides``; with
``size_to_permit`` the scrubbers' removals are first raised to meet ``permit`` with ``margin`` in
reserve (recycle.permit.size_to_permit) and the sized design is audited. ``monitored`` applies
the LEL fraction allowed with continuous monitoring and interlocks (chemistry/audit.yaml).
Returns the audit, its inventory and a one-line description of the sizing (or None).
"""
from __future__ import annotations

from dataclasses import replace

from .audit import Audit, audit
from .permit import PermitSizing
from .permit import size_to_permit as size


def run_audit(planner, inventory, route: str, throughput: str, overrides: dict, permit: str = "US",
              permit_margin: float = 0.1, size_to_permit: bool = False, monitored: bool = False,
              dilution_k: float | None = None) -> tuple[Audit, str | None]:
    """(the audit with its permit section, what sizing changed as text or None)."""
    sized = sizing = None
    if size_to_permit:
        sizing = size(planner, inventory, route, throughput, overrides, permit, permit_margin)
        result, sized = sizing.result, sizing.overrides
    else:
        result = planner.plan(inventory, route, throughput, overrides)
    lel = float(planner.db.data("audit.yaml")["lel_fraction_monitored"]["value"]) if monitored else None
    report = audit(result, lel_fraction=lel, dilution_k=dilution_k, permit_region=permit,
                   permit_margin=permit_margin if size_to_permit else 0.0)
    if sized is None:
        return report, None
    changed = {f"{sid}.{p}": v for sid, params in sized.items() for p, v in params.items()
               if overrides.get(sid, {}).get(p) != v}
    sized_permit = replace(report.permit, sized=PermitSizing(
        changed=changed, not_reachable=tuple(sizing.not_reachable), margin=permit_margin,
        reagent_change=sizing.reagent_change, packing=sizing.packing))
    report = replace(report, permit=sized_permit)
    more = ", ".join([f"{k} {v:+.4g} kg/h" for k, v in sizing.reagent_change.items()]
                     + [f"{k} packing {v.before:.3g} -> {v.after:.3g} m" for k, v in sizing.packing.items()])
    text = ("sized to permit: " + (", ".join(f"--set {k}='{v}'" for k, v in changed.items()) or "no change needed")
            + (f"; reagents {more}" if more else "")
            + (f"; not reachable by removal: {', '.join(sizing.not_reachable)}" if sizing.not_reachable else ""))
    return report, text


__all__ = ["run_audit"]
