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

from .absorption import HTU
from .cases import Case
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
    db = result.db
    step, params = result.steps[sid], result.route.steps[sid]
    removals = [params["removal"]]
    if "removal_by_gas" in params.values:
        removals += [r for gas, r in params["removal_by_gas"].items()
                     if gas in db.index and step.inlet[:, db.index[gas]].max() > 0]
    top = min(max(removals), 0.99999)
    return HTU * math.log(1.0 / (1.0 - top)) if top > 0 else HTU


@dataclass
class Item:
    step: str
    name: str
    size: float
    size_unit: str
    cost: float              # USD at the base year, installed (ISBL) or total capital
    basis: str               # purchased | installed | total_capital
    source: str


def load_equipment(directory) -> dict:
    return load_yaml_file(directory / "equipment.yaml", "chemistry/equipment.yaml")


def operating_seconds(equipment: dict) -> float:
    return magnitude(str(equipment["general"]["operating_days"]["value"]), "s")


def _size(rule: dict, result: RouteResult, sid: str, seconds: float) -> float:
    db = result.db
    step = result.steps[sid]
    contents = step.inlet[Case.WORST] + step.reagents[Case.WORST]
    condensed = ~db.is_gas
    kind = rule["size_from"]

    def hours(key):
        return magnitude(str(rule[key]), "s")

    if kind == "vessel_volume":
        vol = float((contents * db.molar_mass)[condensed] @ (1.0 / db.density[condensed]))     # m3/s
        if rule.get("with_solvent") and "solvent_circulated" in step.outcome.quantities:
            # the vessel holds the circulating solvent (~800 kg/m3 for alcohols, acetonitrile), not
            # only the make-up that the balance carries
            solids = ~db.is_gas & ~db.phase_is("liquid")
            vol = float((contents * db.molar_mass)[solids] @ (1.0 / db.density[solids]))
            vol += float(step.outcome.quantities["solvent_circulated"][0][Case.WORST]) / 800.0
        return vol * hours("residence_time") * float(rule.get("headroom", 1.0))
    if kind == "cake_volume":
        solid = db.phase_is("solid")
        vol = float((contents * db.molar_mass)[solid] @ (1.0 / db.density[solid]))
        return vol * hours("residence_time") / (1 - CAKE_POROSITY)
    if kind == "heat_power":
        heat = step.outcome.utilities.get("heat")
        w = float(heat[Case.WORST]) if heat is not None else max(float(step.enthalpy_duty[Case.WORST]), 0.0)
        return max(w, 0.0) / 1e6
    if kind == "heat_release":
        return max(float(step.heat_released[Case.WORST]), 0.0) / 1e6
    if kind == "discharge_power":
        return float(step.outcome.quantities["energy_dissipated"][0][Case.WORST])          # kW on a rate basis
    if kind == "room_area":
        if "floor_area" in step.outcome.quantities:          # a step that sizes its own floor (receive)
            return float(step.outcome.quantities["floor_area"][0][Case.WORST])
        room = float(step.outcome.quantities["room_volume"][0][Case.WORST])
        return room / float(Q_(str(rule["room_height"])).to("m").magnitude)
    if kind == "stations":
        wanted = rule.get("atmosphere")
        if wanted is not None and result.route.steps[sid]["atmosphere"] != wanted:
            return 0.0
        return float(step.outcome.quantities["stations"][0][Case.WORST])
    if kind == "step_quantity":          # a size the step computes itself (evaporate: area, compressor power),
        q = step.outcome.quantities[rule["quantity"]][0]       # designed for the larger of the two cases
        return float(max(q[Case.EXPECTED], q[Case.WORST]))
    if kind == "feed_per_year":
        return float(step.inlet[Case.WORST] @ db.molar_mass) * seconds / 1000.0
    gas = float(step.inlet[Case.WORST, db.is_gas].sum()) * MOLAR_VOLUME_25C                    # m3/s
    if kind == "gas_flow":
        return gas * 3600.0
    params = result.route.steps[sid]           # packed towers: the step's own L/G and gas velocity
    area = gas / params["gas_velocity"]
    if kind == "liquid_flow":
        return gas * params["liquid_to_gas"] * 1000.0
    if kind == "packing_volume":
        return area * packed_height(result, sid)
    if kind == "column_shell_mass":
        d = math.sqrt(4 * area / math.pi)
        height = packed_height(result, sid) + COLUMN["head_room"]
        return math.pi * d * height * COLUMN["wall"] * COLUMN["steel_density"] * COLUMN["heads"]
    raise InputError(f"chemistry/equipment.yaml: sizing_rule {kind!r}", "unknown size_from")


def _cost(entry: dict, size: float, unit: str, equipment: dict, where: str) -> float:
    """Purchased/installed/total cost at the base year for ``size`` in ``unit``."""
    cepci = equipment["cepci"]
    base = float(cepci[cepci["base_year"]])
    if "correlation" in entry:
        c = entry["correlation"]
        a, b = (magnitude(str(c[k]), "USD") for k in ("a", "b"))
        n = float(c["n"])
        smin, smax = float(c.get("size_min", 0.0)), float(c.get("size_max", math.inf))
        units = max(1, math.ceil(size / smax)) if math.isfinite(smax) else 1
        s = max(size / units, smin)
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


def capital_items(result: RouteResult, equipment: dict) -> list[Item]:
    """Every costed equipment item of the route (USD at the base year)."""
    seconds = operating_seconds(equipment)
    items = []
    for sid, step in result.steps.items():
        for i, entry in enumerate(step_facts(result.db)[step.type].equipment):
            rule = entry.get("sizing_rule")
            if not rule:
                continue
            where = f"chemistry/step_types.yaml: step_types.{step.type}.equipment[{i}]"
            size = _size(rule, result, sid, seconds)
            if size <= 0:
                continue
            unit = (result.steps[sid].outcome.quantities[rule["quantity"]][1] if rule["size_from"] == "step_quantity"
                    else SIZE_UNITS[rule["size_from"]])
            items.append(Item(sid, entry["name"], size, unit, _cost(entry, size, unit, equipment, where),
                              entry.get("cost_basis", "purchased"), str(entry.get("source", ""))))
    return items


def fixed_capital(items: list[Item], equipment: dict) -> tuple[float, dict[str, float]]:
    """Fixed capital (USD) and its share per step: ISBL x (1 + offsite) x (1 + engineering +
    contingency), plus whole-section references that already are total capital."""
    g = equipment["general"]
    mult = (1 + float(g["offsite_fraction"]["value"])) * (
        1 + float(g["engineering_fraction"]["value"]) + float(g["contingency_fraction"]["value"]))
    per_step: dict[str, float] = {}
    for it in items:
        c = it.cost if it.basis == "total_capital" else it.cost * mult
        per_step[it.step] = per_step.get(it.step, 0.0) + c
    return sum(per_step.values()), per_step


__all__ = ["Item", "capital_items", "fixed_capital", "load_equipment", "operating_seconds"]
