"""Step-parameter overrides as users write them: ``STEP.PARAM=VALUE`` (``--set`` on the CLI).

``parse_sets(["quench.solvent=DEC", "price.Li2CO3=12 USD/kg"])`` gives
``{"quench": {"solvent": "DEC"}, "price": {"Li2CO3": "12 USD/kg"}}``; the values stay text with
their units, checked by the step (or the price book) that takes them.
"""
from __future__ import annotations

from .errors import InputError


def parse_sets(sets: list[str], prices_allowed: bool = False) -> dict[str, dict[str, str]]:
    """``["quench.solvent=DEC", ...]`` -> ``{"quench": {"solvent": "DEC"}}``; ``price.X`` only
    where prices are used (compare, sensitivity). Errors name the item as written (``--set``)."""
    overrides: dict[str, dict[str, str]] = {}
    for item in sets:
        if "=" not in item or "." not in item.split("=", 1)[0]:
            raise InputError(f"--set {item}", "expected STEP.PARAM=VALUE, e.g. --set quench.solvent=DEC")
        key, value = item.split("=", 1)
        step, param = key.strip().split(".", 1)
        if param.strip() in overrides.get(step, {}):
            raise InputError(f"--set {key.strip()}", "given twice; give each STEP.PARAM once")
        overrides.setdefault(step, {})[param.strip()] = value.strip()
    if "price" in overrides and not prices_allowed:
        name = next(iter(overrides["price"]))
        raise InputError(f"--set price.{name}", "prices apply to compare and sensitivity; plan and audit use none")
    return overrides


__all__ = ["parse_sets"]
