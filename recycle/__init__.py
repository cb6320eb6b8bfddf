"""recycle: process planner for recycling spent solid-state lithium-metal batteries.

Public API::

    from recycle import Planner, audit, safety, economics, environment, load_prices
    planner = Planner.load()                       # chemistry data, cells, reactions
    result = planner.plan("cells.csv", route="hydrometallurgy", basis="10 t/day",
                          overrides={"quench": {"solvent": "DEC"}})
    result.max_relative_element_residual()         # element closure
    report.plan_json(result)                       # JSON, quantities as {"value", "unit"}
    findings = audit(result)                       # gas handling (throughput basis)
    safety(result, findings)["score"]              # inherent-safety index
    economics(result, load_prices(planner.db.directory))["net_value"]
    environment(result, region="EU")["ghg"]["total"]

Amounts inside a RouteResult are plain arrays in mol (mol/s on a throughput basis), energies in
J (W), temperatures in K; everything leaving through ``report``, ``audit``, ``safety``,
``economics`` and ``environment`` carries its unit.
"""
from __future__ import annotations

from . import report
from .audit import audit
from .economics import economics
from .environment import environment
from .errors import InputError
from .planner import Planner
from .prices import load_prices
from .safety import safety

__all__ = ["InputError", "Planner", "audit", "economics", "environment", "load_prices", "report", "safety"]
