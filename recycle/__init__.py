"""recycle: process planner for recycling spent solid-state lithium-metal batteries.

Public API::

    from recycle import Planner
    planner = Planner.load()                       # chemistry data, cells, reactions
    result = planner.plan("cells.csv", route="direct-regeneration", basis="10 t/day",
                          overrides={"quench": {"solvent": "DEC"}})
    result.max_relative_element_residual()         # element closure
    recycle.report.plan_json(result)               # JSON with units
"""
from __future__ import annotations

from .errors import InputError
from .planner import Planner

__all__ = ["InputError", "Planner"]
