"""The one place a quantity becomes JSON: ``{"value": number, "unit": "pint unit string"}``.

:func:`to_json` turns the analyses' typed results (frozen dataclasses with measured fields,
recycle.results) into the JSON documents the CLI writes, key for key in field order; a measured
dict or list becomes a dict or list of quantities, None stays null.
"""
from __future__ import annotations

import dataclasses
import math

from ..results import field_unit, json_key


def quantity_json(value: float, unit: str) -> dict:
    """The JSON form of a quantity: ``{"value": number, "unit": "pint unit string"}``; a value
    that is not a number (a percentile of no feasible sample) is null, as JSON has no NaN."""
    value = float(value)
    return {"value": None if math.isnan(value) else value, "unit": unit}


def number_json(value, unit: str) -> dict:
    """``{"value", "unit"}`` with the value as given: an int stays an int, None stays null (the
    sensitivity's points and missing base)."""
    return {"value": value, "unit": unit}


def to_json(obj):
    """JSON-ready form of a typed result (or of plain data holding typed results)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.metadata.get("internal") or (f.metadata.get("optional") and value is None):
                continue
            unit = field_unit(obj, f)
            out[json_key(f)] = to_json(value) if unit is None else _measured(value, unit)
        return out
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_json(v) for v in obj]
    return obj


def _measured(value, unit: str):
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _measured(v, unit) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_measured(v, unit) for v in value]
    return quantity_json(value, unit)


__all__ = ["number_json", "quantity_json", "to_json"]
