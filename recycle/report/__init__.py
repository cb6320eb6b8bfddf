"""Presentation of results: JSON documents and tables (pandas). Nothing here prints.

Units shown: masses kg (kg/h on a throughput basis), heat kJ (kW), temperatures degC.
Every JSON quantity is ``{"value": number, "unit": "pint unit string"}``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..cases import Case
from ..quantities import Units, species_masses
from ..simulate import RouteResult, StepResult
from ..units import Q_
from .jsondoc import quantity_json, to_json


def _masses_json(result, amounts, units: Units, only_gas=False, positive=False, row=Case.EXPECTED) -> dict:
    out = {}
    for name, kg in species_masses(result, amounts, only_gas, row).items():
        if positive and kg <= 0:
            continue
        out[name] = quantity_json(units.kg(kg), units.mass)
    return out


def _step_quantity(units: Units, value: float, unit: str) -> dict:
    """JSON quantity from a step's (value, unit), turning '/s' rates into '/h' on a throughput basis."""
    if unit.endswith("/s") and units.rate:
        return quantity_json(Q_(value, unit).to(unit[:-2] + "/h").magnitude, unit[:-2] + "/h")
    return quantity_json(value, unit)


def step_json(result: RouteResult, step: StepResult, units: Units) -> dict:
    o = step.outcome
    return {
        "id": step.id,
        "type": step.type,
        "temperature": quantity_json(step.temperature - 273.15, "degC"),
        "outlet_temperature": quantity_json(step.outlet_temperature - 273.15, "degC"),
        "combustion": step.burns,
        "heat_released": quantity_json(units.heat(step.heat_released[Case.EXPECTED]), units.energy),
        "enthalpy_duty": quantity_json(units.heat(step.enthalpy_duty[Case.EXPECTED]), units.energy),
        "gas_generated": _masses_json(result, step.gas_generated, units, only_gas=True),
        "gas_emitted": _masses_json(result, step.gas_emitted, units, only_gas=True),
        "gas_generated_worst_case": _masses_json(result, step.gas_generated, units, only_gas=True, row=Case.WORST),
        "gas_emitted_worst_case": _masses_json(result, step.gas_emitted, units, only_gas=True, row=Case.WORST),
        "reagents": _masses_json(result, step.reagents, units, positive=True),
        "utilities": {k: quantity_json(units.heat(v[Case.EXPECTED]), units.energy) for k, v in o.utilities.items()},
        "results": {k: {**_step_quantity(units, float(np.asarray(v)[Case.EXPECTED]), unit), "description": d}
                    for k, (v, unit, d) in o.quantities.items()},
        "parameters": {k: str(v) for k, v in result.route.steps[step.id].raw.items()},
        "element_residual": float(step.relative_residual[Case.EXPECTED]),
        "media": list(o.media),
        "flags": [{"code": f.code, "species": f.species,
                   "amount": quantity_json(units.kg(float(np.asarray(f.amount)[Case.EXPECTED])), units.mass),
                   "amount_worst_case": quantity_json(units.kg(float(np.asarray(f.amount)[Case.WORST])), units.mass),
                   "message": f.message} for f in o.flags],
        "notes": list(o.notes),
    }


def plan_json(result: RouteResult) -> dict:
    """The JSON document of ``recycle plan``."""
    units = Units(result.rate_basis)
    energy = result.energy_balance()
    inv = result.inventory
    products = {name: _masses_json(result, a, units, positive=True) for name, a in result.sinks("product").items()}
    wastes = {name: _masses_json(result, a, units, positive=True) for name, a in result.sinks("waste").items()}
    return {
        "route": result.route.id,
        "route_description": result.route.description,
        "basis": {"text": result.basis.text, "kind": "throughput" if result.rate_basis else "batch",
                  "feed": quantity_json(units.kg(float(result.db.mass(result.feed)[Case.EXPECTED])), units.mass)},
        "inventory": {"source": inv.source, "rows": len(inv.rows),
                      "mass": quantity_json(inv.total_mass, "kg")} if inv else None,
        "steps": [step_json(result, s, units) for s in result.steps.values()],
        "totals": {
            "feed": _masses_json(result, result.feed, units),
            "gas_generated": _masses_json(result, result.gas_generated, units, only_gas=True),
            "gas_formed": _masses_json(result, result.gas_formed, units, only_gas=True),
            "combustion_products": _masses_json(result, result.combustion_products, units, only_gas=True),
            "gas_emitted": _masses_json(result, result.sink_total("stack"), units, only_gas=True, positive=True),
            "heat_released": quantity_json(units.heat(result.heat_released[Case.EXPECTED]), units.energy),
            "gas_generated_worst_case": _masses_json(result, result.gas_generated, units, only_gas=True, row=Case.WORST),
            "gas_formed_worst_case": _masses_json(result, result.gas_formed, units, only_gas=True, row=Case.WORST),
            "gas_emitted_worst_case": _masses_json(result, result.sink_total("stack"), units, only_gas=True,
                                                   positive=True, row=Case.WORST),
            "heat_released_worst_case": quantity_json(units.heat(result.heat_released[Case.WORST]), units.energy),
            "reagents": _masses_json(result, result.reagents, units, positive=True),
            "products": _masses_json(result, result.sink_total("product"), units, positive=True),
            "wastes": _masses_json(result, result.sink_total("waste"), units, positive=True),
        },
        "products": products,
        "wastes": wastes,
        "balance": {
            "max_relative_element_residual": result.max_relative_element_residual(),
            "element_residual": {e: quantity_json(float(v), "mol" + ("/s" if result.rate_basis else ""))
                                 for e, v in zip(result.db.elements, result.element_residual()[Case.EXPECTED])},
            "energy": {k: quantity_json(units.heat(float(v[Case.EXPECTED])), units.energy) for k, v in energy.items()},
        },
    }


def steps_table(result: RouteResult) -> pd.DataFrame:
    """One row per step: temperature, heat, main gases, residual (display units in headers)."""
    units = Units(result.rate_basis)
    rows = []
    for s in result.steps.values():
        gen = species_masses(result, s.gas_generated, only_gas=True)
        worst = species_masses(result, s.gas_generated, only_gas=True, row=Case.WORST)
        emitted = species_masses(result, s.gas_emitted, only_gas=True)
        rows.append({
            "step": s.id,
            "type": s.type,
            "T [degC]": _temperature_text(s),
            f"heat released [{units.energy}]": units.heat(s.heat_released[Case.EXPECTED]),
            f"duty [{units.energy}]": units.heat(s.enthalpy_duty[Case.EXPECTED]),
            f"gas formed [{units.mass}]": ("burnt to " if s.burns else "") + _top(gen, units),
            f"worst case [{units.mass}]": "same" if _top(worst, units) == _top(gen, units) else _top(worst, units),
            f"gas emitted [{units.mass}]": _top(emitted, units),
            "element residual": s.relative_residual[Case.EXPECTED],
        })
    return pd.DataFrame(rows)


def streams_table(result: RouteResult) -> pd.DataFrame:
    """The stream table: source, destination, temperature, phase split and species masses."""
    units = Units(result.rate_basis)
    db = result.db
    rows = []
    for name, (edge, amounts, T) in result.streams.items():
        kg = amounts[Case.EXPECTED] * db.molar_mass
        row = {"stream": name, "from": f"{edge.source}.{edge.outlet}".rstrip("."),
               "to": f"{edge.target}.{edge.inlet}".rstrip("."), "T [degC]": round(float(T[Case.EXPECTED]) - 273.15, 1),
               f"total [{units.mass}]": units.kg(kg.sum()),
               f"gas [{units.mass}]": units.kg(kg[db.is_gas].sum())}
        for i in np.flatnonzero(kg > 0):
            row[f"{db.names[i]} [{units.mass}]"] = units.kg(kg[i])
        rows.append(row)
    return pd.DataFrame(rows).fillna(0.0)


def totals_table(result: RouteResult, which: str) -> pd.DataFrame:
    """Species masses of 'gas_generated' (= 'gas_formed' + 'combustion_products'), 'gas_emitted',
    'reagents' or 'products'."""
    units = Units(result.rate_basis)
    amounts = {"gas_generated": result.gas_generated, "gas_formed": result.gas_formed,
               "combustion_products": result.combustion_products, "gas_emitted": result.sink_total("stack"),
               "reagents": result.reagents, "products": result.sink_total("product")}[which]
    masses = species_masses(result, amounts, only_gas=which.startswith("gas") or which == "combustion_products")
    rows = [{"species": k, f"mass [{units.mass}]": units.kg(v)} for k, v in
            sorted(masses.items(), key=lambda kv: -kv[1]) if v > 0]
    return pd.DataFrame(rows)


def _temperature_text(step) -> str:
    """The step temperature, and the outlet temperature where it differs (a flare's flame)."""
    t, out = step.temperature - 273.15, step.outlet_temperature - 273.15
    return f"{t:.0f}" if abs(out - t) < 1.0 else f"{t:.0f} -> {out:.0f}"


def _top(masses: dict[str, float], units: Units, n: int = 3) -> str:
    items = sorted(((k, v) for k, v in masses.items() if v > 0), key=lambda kv: -kv[1])
    parts = [f"{k} {units.kg(v):.3g}" for k, v in items if k not in ("N2", "Ar", "O2")][:n]
    return ", ".join(parts) if parts else "-"


__all__ = ["plan_json", "quantity_json", "step_json", "steps_table", "streams_table", "to_json", "totals_table"]
