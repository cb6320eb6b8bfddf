"""What recycle knows about each step type besides its model: one block per type.

``chemistry/step_types.yaml`` holds, per registered step type, its labour (Wessel factor), its
safety-index equipment points, whether it is fired equipment, its audit peak factor and sweep
gas, the ranges of its uncertain parameters and its capital items. Loading fails when a
registered step type has no block, a block lacks a key, or a block names an unknown type, so a
missing entry can no longer mean zero capital, zero labour or one safety point.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError, closest
from .steps import STEP_TYPES

KEYS = ("labour", "equipment_points", "fired", "audit", "uncertainty", "equipment")
LABEL = "chemistry/step_types.yaml"


@dataclass(frozen=True)
class StepTypeFacts:
    """One step type's facts; ``equipment`` is the list of capital items (dicts, see
    equipment.yaml's description), ``uncertainty`` parameter -> {low, high, source}."""

    type: str
    labour: float | str          # Wessel factor t (work-hours per day per step at 1 t/day), or "stations"
    equipment_points: int
    fired: bool
    audit: dict
    uncertainty: dict
    equipment: tuple


def step_facts(db) -> dict[str, StepTypeFacts]:
    """The facts of every registered step type, read from ``db``'s folder once and checked."""
    key = ("step_types",)
    cache = db._enthalpy_cache
    if key not in cache:
        cache[key] = load_step_facts(db.data("step_types.yaml"))
    return cache[key]


def load_step_facts(data: dict) -> dict[str, StepTypeFacts]:
    """Check the parsed ``step_types.yaml`` against the registered step types."""
    blocks = data.get("step_types") or {}
    for name in blocks:
        if name not in STEP_TYPES:
            raise InputError(f"{LABEL}: step_types.{name}", f"unknown step type; {closest(name, STEP_TYPES)}")
    out: dict[str, StepTypeFacts] = {}
    for name, cls in STEP_TYPES.items():
        where = f"{LABEL}: step_types.{name}"
        block = blocks.get(name)
        if not isinstance(block, dict):
            raise InputError(where, f"missing: every registered step type needs its block ({', '.join(KEYS)})")
        missing = [k for k in KEYS if k not in block]
        unknown = sorted(set(block) - set(KEYS))
        if missing or unknown:
            raise InputError(where, "; ".join(([f"missing {missing}"] if missing else [])
                                              + ([f"unknown keys {unknown}"] if unknown else [])))
        equipment = block["equipment"]
        if isinstance(equipment, dict) and "same_as" in equipment:
            other = (blocks.get(equipment["same_as"]) or {}).get("equipment")
            if not isinstance(other, list):
                raise InputError(where + ".equipment.same_as", f"{equipment['same_as']!r} has no equipment list")
            equipment = other
        if not isinstance(equipment, list):
            raise InputError(where + ".equipment", "expected a list of capital items (or same_as: TYPE)")
        audit = block["audit"]
        if not isinstance(audit, dict) or not {"peak_factor", "sweep", "source"} <= set(audit):
            raise InputError(where + ".audit", "needs peak_factor, sweep and source")
        uncertainty = block["uncertainty"] or {}
        names = [p.name for p in cls.params]
        for pname in uncertainty:
            if pname not in names:
                raise InputError(f"{where}.uncertainty.{pname}", f"not a parameter of this step type; {closest(pname, names)}")
        labour = block["labour"]
        if labour != "stations" and (isinstance(labour, bool) or not isinstance(labour, (int, float)) or labour < 0):
            raise InputError(where + ".labour", f"expected a Wessel factor (a number >= 0) or 'stations', got {labour!r}")
        labour = labour if labour == "stations" else float(labour)
        out[name] = StepTypeFacts(name, labour, int(block["equipment_points"]),
                                  bool(block["fired"]), dict(audit), dict(uncertainty), tuple(equipment))
    return out
