"""Capital cost of a route from its balances: the equipment items of each step type
(``chemistry/step_types.yaml``), sized by the step flows and costed with the conventions of
``chemistry/equipment.yaml``.

Sizing quantities (``sizing_rule.size_from``), from a throughput-basis plan (mol/s, W):
vessel_volume m^3 (condensed contents x residence time x headroom), cake_volume m^3 (solids x
residence time / (1 - cake porosity 0.4)), heat_power MW (heating duty), heat_release MW,
discharge_power kW, room_area m^2, stations (count), step_quantity (a quantity the step reports,
in its own unit: ``quantity`` names it; the larger of the two cases), feed_per_year t/year, gas_flow m^3/h, liquid_flow L/s
(the scrubber's L/G), column_shell_mass kg and packing_volume m^3 (packed tower from the gas
flow and the scrubber's gas velocity).
Costs are escalated with CEPCI to the file's base year; purchased costs x installation factor
give the installed (ISBL) cost.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .absorption import HTU
from .cases import Case, SampleRows
from .constants import MOLAR_VOLUME_25C
from .errors import InputError
from .simulate import RouteResult
from .step_types import step_facts
from .units import Q_, magnitude
from .yamlio import load_yaml_file

CAKE_POROSITY = 0.4          # S
COLUMN = {"head_room": 4.0, "wall": 0.006, "steel_density": 8000.0, "heads": 1.2}  # S: m above/below packing, m, kg/m3


def packed_height(result: RouteResult, sid: str) -> float:
    """Packing height (m) of an absorber: HTU x NTU_OG, NTU_OG = ln(1 / (1 - removal)) for the
    highest removal the step is set to for a gas it receives (fast reaction, no back-pressure)."""
    return float(_packed_heights(result, sid, SampleRows.plan(len(result.feed)))[0])


def _packed_heights(result: RouteResult, sid: str, rows: SampleRows) -> np.ndarray:
    """:func:`packed_height` of every sample (m), shape (samples,): a gas counts for a sample
    when it reaches the step on either of the sample's rows."""
    db = result.db
    step, params = result.steps[sid], result.route.steps[sid]
    removals = [rows.at(params["removal"], Case.EXPECTED)]
    if "removal_by_gas" in params.values:
        for gas, r in params["removal_by_gas"].items():
            if gas in db.index:
                inlet = step.inlet[:, db.index[gas]]
                received = np.maximum(rows.at(inlet, Case.EXPECTED), rows.at(inlet, Case.WORST)) > 0
                removals.append(np.where(received, r, -np.inf))
    top = np.minimum(np.max(removals, axis=0), 0.99999)
    return np.where(top > 0, HTU * np.log(1.0 / (1.0 - np.maximum(top, 0.0))), HTU)


@dataclass
class Item:
    """A costed equipment item. From :func:`capital_items` (a plan) ``size`` and ``cost`` are
    floats; from :func:`sized_items` (every sample of a result) arrays ``(samples,)``, zero cost
    where the sample needs no such item (size <= 0)."""

    step: str
    name: str
    size: float | np.ndarray
    size_unit: str
    cost: float | np.ndarray     # USD at the base year, installed (ISBL) or total capital
    basis: str                   # purchased | installed | total_capital
    source: str


def load_equipment(directory) -> dict:
    return load_yaml_file(directory / "equipment.yaml", "chemistry/equipment.yaml")


def operating_seconds(equipment: dict) -> float:
    return magnitude(str(equipment["general"]["operating_days"]["value"]), "s")


def _size(rule: dict, result: RouteResult, sid: str, seconds: float, rows: SampleRows | None = None) -> np.ndarray:
    """The size of an item by ``rule`` for every sample of ``result`` (its worst-case row, or
    the larger case where said), shape (samples,), in SIZE_UNITS[size_from]; ``rows`` None: the
    one sample of a plan."""
    rows = rows or SampleRows.plan(len(result.feed))
    db = result.db
    step = result.steps[sid]

    def worst(x):
        return rows.at(x, Case.WORST)

    def volume(phases):        # m3/s of the worst-case contents (inlets and reagents) in ``phases``
        contents = worst(step.inlet)[:, phases] + worst(step.reagents)[:, phases]
        return (contents * db.molar_mass[phases]) @ (1.0 / db.density[phases])

    kind = rule["size_from"]

    def hours(key):
        return magnitude(str(rule[key]), "s")

    if kind == "vessel_volume":
        if rule.get("with_solvent") and "solvent_circulated" in step.outcome.quantities:
            # the vessel holds the circulating solvent (~800 kg/m3 for alcohols, acetonitrile), not
            # only the make-up that the balance carries
            vol = volume(~db.is_gas & ~db.phase_is("liquid"))
            vol = vol + worst(step.outcome.quantities["solvent_circulated"][0]) / 800.0
        else:
            vol = volume(~db.is_gas)
        return vol * hours("residence_time") * float(rule.get("headroom", 1.0))
    if kind == "cake_volume":
        vol = volume(db.phase_is("solid"))
        return vol * hours("residence_time") / (1 - CAKE_POROSITY)
    if kind == "heat_power":
        heat = step.outcome.utilities.get("heat")
        w = worst(heat) if heat is not None else np.maximum(worst(step.enthalpy_duty), 0.0)
        return np.maximum(w, 0.0) / 1e6
    if kind == "heat_release":
        return np.maximum(worst(step.heat_released), 0.0) / 1e6
    if kind == "discharge_power":
        return worst(step.outcome.quantities["energy_dissipated"][0])          # kW on a rate basis
    if kind == "room_area":
        if "floor_area" in step.outcome.quantities:          # a step that sizes its own floor (receive)
            return worst(step.outcome.quantities["floor_area"][0])
        room = worst(step.outcome.quantities["room_volume"][0])
        return room / float(Q_(str(rule["room_height"])).to("m").magnitude)
    if kind == "stations":
        wanted = rule.get("atmosphere")
        if wanted is not None and result.route.steps[sid]["atmosphere"] != wanted:
            return np.zeros(rows.samples)
        return worst(step.outcome.quantities["stations"][0])
    if kind == "step_quantity":          # a size the step computes itself (evaporate: area, compressor power),
        q = step.outcome.quantities[rule["quantity"]][0]       # designed for the larger of the two cases
        return np.maximum(rows.at(q, Case.EXPECTED), worst(q))
    if kind == "feed_per_year":
        return worst(step.inlet) @ db.molar_mass * seconds / 1000.0
    gas = worst(step.inlet)[:, db.is_gas].sum(axis=1) * MOLAR_VOLUME_25C                    # m3/s
    if kind == "gas_flow":
        return gas * 3600.0
    params = result.route.steps[sid]           # packed towers: the step's own L/G and gas velocity
    area = gas / rows.at(params["gas_velocity"], Case.EXPECTED)
    if kind == "liquid_flow":
        return gas * rows.at(params["liquid_to_gas"], Case.EXPECTED) * 1000.0
    if kind == "packing_volume":
        return area * _packed_heights(result, sid, rows)
    if kind == "column_shell_mass":
        d = np.sqrt(4 * area / math.pi)
        height = _packed_heights(result, sid, rows) + COLUMN["head_room"]
        return math.pi * d * height * COLUMN["wall"] * COLUMN["steel_density"] * COLUMN["heads"]
    raise InputError(f"chemistry/equipment.yaml: sizing_rule {kind!r}", "unknown size_from")


def _cost(entry: dict, size: np.ndarray, unit: str, equipment: dict, where: str) -> np.ndarray:
    """Purchased/installed/total cost at the base year for sizes ``size`` (> 0) in ``unit``."""
    cepci = equipment["cepci"]
    base = float(cepci[cepci["base_year"]])
    if "correlation" in entry:
        c = entry["correlation"]
        a, b = (magnitude(str(c[k]), "USD") for k in ("a", "b"))
        n = float(c["n"])
        smin, smax = float(c.get("size_min", 0.0)), float(c.get("size_max", math.inf))
        units = np.maximum(1.0, np.ceil(size / smax)) if math.isfinite(smax) else 1.0
        s = np.maximum(size / units, smin)
        cost = units * (a + b * s ** n)
        index = float(c.get("cepci", equipment["towler_sinnott_cepci"]))
    elif "reference" in entry:
        r = entry["reference"]
        capacity = _capacity(str(r["capacity"]), unit)
        cost = magnitude(str(r["cost"]), "USD") * (size / capacity) ** float(r["exponent"])
        index = float(r["cepci"])
    elif "cost_per_area" in entry:
        cost = magnitude(str(entry["cost_per_area"]["value"]), "USD/m^2") * size
        index = float(entry.get("cepci", base))
    else:
        raise InputError(where, "needs a correlation, reference or cost_per_area")
    factor = float(entry.get("installation_factor", 1.0)) if entry.get("cost_basis") == "purchased" else 1.0
    return cost * base / index * factor


@functools.lru_cache(maxsize=1024)
def _capacity(text: str, unit: str) -> float:
    """A reference capacity in ``unit`` (a count stays a count); memoised: the Monte Carlo
    costs the same items for every sample."""
    cap = Q_(text)
    return float(cap.magnitude) if cap.dimensionless else float(cap.to(unit).magnitude)


SIZE_UNITS = {"vessel_volume": "m^3", "cake_volume": "m^3", "heat_power": "MW", "heat_release": "MW",
              "discharge_power": "kW", "room_area": "m^2", "stations": "stations", "feed_per_year": "t/year", "gas_flow": "m^3/h",
              "liquid_flow": "L/s", "packing_volume": "m^3", "column_shell_mass": "kg"}


def sized_items(result: RouteResult, equipment: dict, rows: SampleRows) -> list[Item]:
    """Every equipment item the route's steps may need, sized and costed for every sample of
    ``result`` at once (``size``, ``cost`` arrays over the samples; cost 0 where size <= 0)."""
    seconds = operating_seconds(equipment)
    items = []
    for sid, step in result.steps.items():
        for i, entry in enumerate(step_facts(result.db)[step.type].equipment):
            rule = entry.get("sizing_rule")
            if not rule:
                continue
            where = f"chemistry/step_types.yaml: step_types.{step.type}.equipment[{i}]"
            size = np.asarray(_size(rule, result, sid, seconds, rows), dtype=float)
            needed = ~(size <= 0)
            if not needed.any():
                continue
            unit = (result.steps[sid].outcome.quantities[rule["quantity"]][1] if rule["size_from"] == "step_quantity"
                    else SIZE_UNITS[rule["size_from"]])
            cost = np.where(needed, _cost(entry, np.where(needed, size, 1.0), unit, equipment, where), 0.0)
            items.append(Item(sid, entry["name"], size, unit, cost, entry.get("cost_basis", "purchased"),
                              str(entry.get("source", ""))))
    return items


def capital_items(result: RouteResult, equipment: dict) -> list[Item]:
    """Every costed equipment item of the route (USD at the base year): the plan's sample of
    :func:`sized_items`, the items it needs (size > 0)."""
    return [Item(it.step, it.name, float(it.size[0]), it.size_unit, float(it.cost[0]), it.basis, it.source)
            for it in sized_items(result, equipment, SampleRows.plan(len(result.feed))) if not it.size[0] <= 0]


def fixed_capital(items: list[Item], equipment: dict) -> tuple[float, dict[str, float]]:
    """Fixed capital (USD) and its share per step: ISBL x (1 + offsite) x (1 + engineering +
    contingency), plus whole-section references that already are total capital. Floats for a
    plan's items, arrays over the samples for :func:`sized_items`."""
    g = equipment["general"]
    mult = (1 + float(g["offsite_fraction"]["value"])) * (
        1 + float(g["engineering_fraction"]["value"]) + float(g["contingency_fraction"]["value"]))
    per_step: dict[str, float] = {}
    for it in items:
        c = it.cost if it.basis == "total_capital" else it.cost * mult
        per_step[it.step] = per_step.get(it.step, 0.0) + c
    return sum(per_step.values()), per_step


__all__ = ["Item", "capital_items", "fixed_capital", "load_equipment", "operating_seconds", "sized_items"]
