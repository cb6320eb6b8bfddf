"""recycle: process planner for recycling spent solid-state lithium-metal batteries.

Public API::

    from recycle import Planner, audit, safety, economics, environment, load_prices
    planner = Planner.load()                       # chemistry data, cells, reactions
    result = planner.plan("cells.csv", route="hydrometallurgy", basis="10 t/day",
                          overrides={"quench": {"solvent": "DEC"}})
    result.max_relative_element_residual()         # element closure
    report.plan_json(result)                       # JSON, quantities as {"value", "unit"}
    findings = audit(result)                       # gas handling (throughput basis)
    safety(result, findings).score                 # inherent-safety index (Safety)
    economics(result, load_prices(planner.db.directory)).net_value   # USD/kg; .quantity("net_value")
    environment(result, region="EU").ghg.total         # kg CO2e per kg of cells
    prices = load_prices(planner.db.directory)
    compare_routes(planner, inventory, None, "10 t/day", {}, prices).routes   # every route side by side
    model = route_model(planner, inventory, "hydrometallurgy", "10 t/day", {}, prices)
    monte_carlo([model], prices, samples=10_000, seed=1); tornado(model, prices)
    write_workbook("plan.xlsx", plan_frames(result))  # tidy sheets with a unit column

An inventory may be a CSV or YAML file, a pandas DataFrame or a list of dicts with the CSV's
columns; all go through the same checks.

Amounts inside a RouteResult are plain arrays in mol (mol/s on a throughput basis), energies in
J (W), temperatures in K. ``economics``, ``safety``, ``environment`` and ``compare_routes``
return frozen dataclasses whose fields name their unit (``.quantity(name)`` gives pint);
``report.to_json`` makes their JSON; the ``audit`` (with its permit section) is typed the same
way.
"""
from __future__ import annotations

from . import report
from .audit import Audit, audit
from .cases import Case
from .compare import Comparison, compare_routes
from .economics import Economics, economics
from .environment import Environment, environment
from .errors import InputError
from .planner import Planner
from .prices import load_prices
from .safety import Safety, safety
from .uncertainty import MonteCarlo, monte_carlo, route_model, tornado
from .report.workbook import plan_frames, write_workbook

__all__ = ["Audit", "Case", "Comparison", "Economics", "Environment", "InputError", "MonteCarlo", "Planner", "Safety",
           "audit", "compare_routes", "economics", "environment", "load_prices", "monte_carlo", "plan_frames",
           "report", "route_model", "safety", "tornado", "write_workbook"]
