"""The base of the analyses' typed results: frozen dataclasses of plain floats, each numeric
field tagged with the unit its number is in; pint quantities only at the edge.

A field made with :func:`measured` holds a float (or a dict or list of floats, or None) in the
unit it names, e.g. ``net_value: float = measured("USD/kg")``; a field whose unit varies with
the instance names the field holding it (``measured(unit_field="size_unit")``). Units are the
ones the analysis reports in (USD per year, MJ per kg of cells ...), so the numbers a report
shows are the numbers computed, with no round trip through another unit.

``result.quantity("net_value")`` gives the pint quantity; ``recycle.report.to_json`` makes the
``{"value", "unit"}`` JSON of any of these results, in field order. A field marked
``internal`` is left out of the JSON (it holds what the report does not show, e.g. the price a
line is linear in); one marked ``optional`` is left out when it is None.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from .units import Q_


def measured(unit: str | None = None, *, unit_field: str | None = None, key: str | None = None,
             optional: bool = False, pint: str | None = None, **kwargs) -> Any:
    """A dataclass field holding numbers in ``unit`` (or in the unit held by ``unit_field``);
    ``key`` names it in the JSON when that differs from the attribute's name; an ``optional``
    one defaults to None and is left out of the JSON then; ``pint`` spells the unit for pint
    where the unit written for people does not parse as meant ("USD per t/year")."""
    if optional:
        kwargs.setdefault("default", None)
    return dataclasses.field(metadata={"unit": unit, "unit_field": unit_field, "key": key, "optional": optional,
                                       "pint": pint}, **kwargs)


def internal(**kwargs) -> Any:
    """A dataclass field that stays out of the JSON."""
    return dataclasses.field(metadata={"internal": True}, **kwargs)


def optional(**kwargs) -> Any:
    """A dataclass field (default None) left out of the JSON when it is None."""
    return dataclasses.field(default=None, metadata={"optional": True}, **kwargs)


def json_key(field: dataclasses.Field) -> str:
    """The JSON key of ``field``: its ``key`` metadata, else its name."""
    return field.metadata.get("key") or field.name


def field_unit(obj, field: dataclasses.Field) -> str | None:
    """The unit of ``field`` of ``obj`` (None for a field that holds no measured number)."""
    if field.metadata.get("unit_field"):
        return getattr(obj, field.metadata["unit_field"])
    return field.metadata.get("unit")


class Measured:
    """Mixin of the typed results: the pint quantity of a measured field."""

    def unit_of(self, name: str) -> str:
        """The unit of measured field ``name`` (a pint unit string)."""
        unit = field_unit(self, {f.name: f for f in dataclasses.fields(self)}[name])
        if unit is None:
            raise AttributeError(f"{type(self).__name__}.{name} is not a measured field")
        return unit

    def quantity(self, name: str):
        """``getattr(self, name)`` as a pint quantity (a dict or list of them for a dict or list field)."""
        field = {f.name: f for f in dataclasses.fields(self)}[name]
        unit = field.metadata.get("pint") or self.unit_of(name)
        value = getattr(self, name)
        if value is None:
            return None
        if isinstance(value, dict):
            return {k: Q_(v, unit) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [Q_(v, unit) for v in value]
        return Q_(value, unit)

    def __repr__(self) -> str:          # short: the measured scalars, not every breakdown line
        parts = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            unit = field_unit(self, f)
            if unit is not None and isinstance(value, float):
                parts.append(f"{f.name}={value:.4g} {unit}".rstrip())
            elif isinstance(value, (int, str)) and not isinstance(value, bool) and len(str(value)) < 40:
                parts.append(f"{f.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


__all__ = ["Measured", "field_unit", "internal", "json_key", "measured", "optional"]
