"""Environmental footprint of a route from its balances: energy, greenhouse gases, water, air.

Scope follows Argonne's EverBatt (energy, GHG, water per kg of cells, by route) but every
number comes from this tool's balances, not from fixed per-route factors:

- energy: electricity (step utilities "electricity", W) and fuel (utilities "heat", W, or
  else the positive enthalpy duty, divided by ``general.heater_efficiency`` of
  ``chemistry/equipment.yaml`` to give fuel LHV), MJ per kg of cells, by step;
- greenhouse gases, kg CO2e per kg of cells, by step: direct = the balances' ``gas_emitted``
  x GWP-100; indirect electricity = kWh x grid factor of the region; indirect fuel = GJ of
  natural gas x combustion factor; embodied = reagents x cradle-to-gate factor. ``total`` is
  their sum. Credits for recovered products (avoided primary production) are a separate
  block, returned only when ``credits=True`` and never added to ``total``;
- water: process water H2O(L) taken as reagent, and H2O(L) leaving in waste sinks, kg/kg;
- air emissions: every gas in the stack (``sink_total("stack")``), g per kg of cells, with
  N2, O2, Ar and H2O left out and CO2 listed apart. Amounts below 1e-9 g/kg are not listed.

Choices. All stack CO2 is counted as fossil, also the part that comes from bio-ethanol
(conservative; the ethanol embodied factor excludes biogenic uptake, the 0/0 convention).
Carbon gases without an AR6 GWP (CO, ethane, vapours) count as the CO2 they oxidise to;
the factors and their sources are in ``chemistry/emission_factors.yaml``. Atmospheric air fed
to flares and water vapour taken from room air carry no embodied emissions (as in
recycle.economics). Input: a throughput-basis plan (mol/s, W); row 0 is the expected case.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .capital import load_equipment, operating_seconds
from .cases import Case
from .errors import InputError, closest
from .results import Measured, internal, measured, optional
from .simulate import RouteResult
from .units import Q_
from .yamlio import load_yaml_file

AIR = ("N2", "O2", "Ar", "H2O")      # carrier gases: not air pollutants
FLOOR = 1e-9                          # g/kg: smaller stack amounts are round-off, not reported
KG_CO2E = "kg CO2e/kg"


@dataclass(frozen=True, kw_only=True, repr=False)
class ByStep(Measured):
    """A total per kg of cells and its split by step (or, for wastewater, by sink), in ``unit``."""

    total: float = measured(unit_field="unit")
    by_step: Mapping[str, float] = measured(unit_field="unit")
    unit: str = internal()


@dataclass(frozen=True, kw_only=True, repr=False)
class BySink(Measured):
    total: float = measured(unit_field="unit")
    by_sink: Mapping[str, float] = measured(unit_field="unit")
    unit: str = internal()


@dataclass(frozen=True, kw_only=True, repr=False)
class ReagentFootprint(Measured):
    """Embodied GHG of one reagent bought by one step: amount x factor = value, per kg of cells."""

    step: str
    reagent: str
    amount: float = measured("kg/kg")
    factor: float = measured(KG_CO2E)
    value: float = measured(KG_CO2E)


@dataclass(frozen=True, kw_only=True, repr=False)
class ReagentGhg(Measured):
    total: float = measured(KG_CO2E)
    by_step: Mapping[str, float] = measured(KG_CO2E)
    items: tuple[ReagentFootprint, ...]


@dataclass(frozen=True, kw_only=True, repr=False)
class Ghg(Measured):
    """Greenhouse gases per kg of cells: direct (stack), indirect electricity and fuel, embodied
    reagents; ``total`` their sum, ``by_step`` the sum by step."""

    direct: ByStep
    electricity: ByStep
    fuel: ByStep
    reagents: ReagentGhg
    total: float = measured(KG_CO2E)
    by_step: Mapping[str, float] = measured(KG_CO2E)


@dataclass(frozen=True, kw_only=True, repr=False)
class Energy(Measured):
    electricity: ByStep
    fuel: ByStep
    total: float = measured("MJ/kg")


@dataclass(frozen=True, kw_only=True, repr=False)
class CreditItem(Measured):
    product: str
    species: str
    amount: float = measured("kg/kg")
    factor: float = measured(KG_CO2E)
    value: float = measured(KG_CO2E)


@dataclass(frozen=True, kw_only=True, repr=False)
class Credits(Measured):
    """Avoided primary production of the recovered products; never added to ``Ghg.total``."""

    total: float = measured(KG_CO2E)
    items: tuple[CreditItem, ...]
    net_with_credits: float = measured(KG_CO2E)
    note: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Water(Measured):
    process_water_in: ByStep
    wastewater_out: BySink
    vapour_to_stack: float = measured("kg/kg")


@dataclass(frozen=True, kw_only=True, repr=False)
class AirEmissions(Measured):
    """What the stack emits per kg of cells: CO2, and every pollutant (N2, O2, Ar, H2O left out)."""

    co2: float = measured("g/kg", key="CO2")
    pollutants: Mapping[str, float] = measured("g/kg")


@dataclass(frozen=True, kw_only=True, repr=False)
class AnnualFootprint(Measured):
    throughput: float = measured("t/year")
    ghg_total: float = measured("t CO2e/year")
    electricity: float = measured("MWh/year")


@dataclass(frozen=True, kw_only=True, repr=False)
class FactorUsed(Measured):
    """An emission factor as used, with its date, source and quality where the file gives them."""

    date: str | None = optional()
    source: str | None = optional()
    quality: str | None = optional()
    value: float = measured(unit_field="unit")
    unit: str = internal()


@dataclass(frozen=True, kw_only=True)
class Factors:
    file: str
    electricity: FactorUsed
    natural_gas: FactorUsed
    heater_efficiency: float
    gwp: str


@dataclass(frozen=True, kw_only=True)
class GhgLinearModel:
    """GHG total = ``constant`` (direct, kg CO2e/kg) + sum_k coefficients[k] x factor_k."""

    constant: float
    coefficients: Mapping[str, float]
    units: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class Environment:
    """Footprint of a route per kg of cells fed (recycle.environment.environment)."""

    basis: str
    region: str
    energy: Energy
    ghg: Ghg
    credits: Credits | None
    water: Water
    air_emissions: AirEmissions
    annual: AnnualFootprint
    factors: Factors
    linear_model: GhgLinearModel
    notes: tuple[str, ...]

    def __repr__(self) -> str:
        return (f"Environment(region={self.region!r}, ghg={self.ghg.total:.4g} {KG_CO2E}, "
                f"energy={self.energy.total:.4g} MJ/kg)")


def load_factors(db, path=None) -> tuple[dict, str]:
    """The emission-factor file (default ``emission_factors.yaml`` of ``db``'s chemistry folder,
    read once per database) and its label."""
    if path is None:
        return db.data("emission_factors.yaml"), "chemistry/emission_factors.yaml"
    return load_yaml_file(path), str(path)


def _magnitude(entry: dict, unit: str, where: str) -> float:
    return _quantity(str(entry["value"]), unit, where)


@lru_cache(maxsize=4096)
def _quantity(text: str, unit: str, where: str) -> float:
    try:
        return float(Q_(text).to(unit).magnitude)
    except Exception:  # noqa: BLE001 - pint raises several kinds
        raise InputError(where, f"cannot read {text!r} as {unit}") from None


def factor_ranges(db, path=None) -> dict[str, tuple[float, float, float]]:
    """(low, value, high) of every factor of ``db``'s emission-factor file (or ``path``) that a
    GHG linear model can name ("electricity.US", "fuel.natural_gas", "reagents.NaOH(a)"), in kg
    CO2e per kWh, per GJ and per kg; an entry without low and high is held at its value."""
    data, label = load_factors(db, path)
    out = {}
    for section, unit in (("electricity", "kg/kWh"), ("fuel", "kg/GJ"), ("reagents", "kg/kg")):
        for key, entry in (data.get(section) or {}).items():
            where = f"{label}: {section}.{key}"
            value = _magnitude(entry, unit, where)
            low = _magnitude({"value": entry.get("low", entry["value"])}, unit, where + ".low")
            high = _magnitude({"value": entry.get("high", entry["value"])}, unit, where + ".high")
            out[f"{section}.{key}"] = (min(low, value), value, max(high, value))
    return out


def _species_factors(section: dict, db, label: str, name: str) -> dict[int, float]:
    """Species index -> kg CO2e per kg, checking the keys against the chemistry database."""
    out = {}
    for key, entry in (section or {}).items():
        where = f"{label}: {name}.{key}"
        if key not in db.index:
            raise InputError(where, f"unknown species; {closest(key, db.names)}")
        out[db.index[key]] = _magnitude(entry, "kg/kg", where)
    return out


def environment(result: RouteResult, region: str = "US", credits: bool = False, path=None) -> Environment:
    """Footprint of ``result`` per kg of cells fed.

    ``region`` selects the grid factor (US, EU, China, World; case-insensitive); ``path`` is
    another emission-factor file of the same structure. Returns energy, ghg (direct, indirect
    electricity, indirect fuel, embodied reagents, each by step, and total), credits (or None),
    water, air_emissions, annual totals and the factors used with their sources.
    """
    if not result.rate_basis:
        raise InputError("environment", "needs a throughput-basis plan (e.g. basis='10 t/day')")
    db = result.db
    data, label = load_factors(db, path)
    grids = data.get("electricity") or {}
    key = next((k for k in grids if k.lower() == str(region).lower()), None)
    if key is None:
        raise InputError("--region", f"unknown region {region!r} (grid factors in {label}); {closest(region, grids)}")
    grid = _magnitude(grids[key], "kg/kWh", f"{label}: electricity.{key}")
    gas = _magnitude(data["fuel"]["natural_gas"], "kg/GJ", f"{label}: fuel.natural_gas")
    gwp = {db.index[k]: float(e["value"]) for k, e in (data.get("gwp100") or {}).items() if k in db.index}
    embodied = _species_factors(data.get("reagents"), db, label, "reagents")
    avoided = _species_factors(data.get("credits"), db, label, "credits")
    equipment = load_equipment(db.directory)
    eff = float(equipment["general"]["heater_efficiency"]["value"])
    M = db.molar_mass
    cells = float(result.feed[Case.EXPECTED] @ M)                                   # kg/s of cells
    notes: set[str] = set()

    elec, fuel, direct, ind_e, ind_f, reag, water_in = ({} for _ in range(7))
    reag_items: list[ReagentFootprint] = []
    no_gwp: set[str] = set()
    for sid, step in result.steps.items():
        u = step.outcome.utilities
        if "electricity" in u:
            elec[sid] = float(u["electricity"][Case.EXPECTED]) / cells / 1e6                      # MJ/kg
            ind_e[sid] = elec[sid] / 3.6 * grid
        heat = float(u["heat"][Case.EXPECTED]) if "heat" in u else max(float(step.enthalpy_duty[Case.EXPECTED]), 0.0)
        if heat > 0:
            fuel[sid] = heat / eff / cells / 1e6                                        # MJ/kg fuel LHV
            ind_f[sid] = fuel[sid] / 1000.0 * gas
        kg = step.gas_emitted[Case.EXPECTED] * M / cells                                           # kg/kg cells
        for i in np.flatnonzero(kg > 0):
            if i in gwp:
                direct[sid] = direct.get(sid, 0.0) + kg[i] * gwp[i]
            elif db.names[i] not in AIR:
                no_gwp.add(db.names[i])
        kg = step.bought_reagents[Case.EXPECTED] * M / cells
        for i in np.flatnonzero(kg > 1e-12 * max(float(kg.max()), 1e-300)):
            name = db.names[i]
            if name == "H2O(L)":
                water_in[sid] = water_in.get(sid, 0.0) + kg[i]
            if i not in embodied:
                notes.add(f"no embodied factor for {name} in {sid}: not counted")
                continue
            value = kg[i] * embodied[i]
            reag[sid] = reag.get(sid, 0.0) + value
            reag_items.append(ReagentFootprint(step=sid, reagent=name, amount=float(kg[i]), factor=float(embodied[i]),
                                               value=float(value)))
    for name in sorted(no_gwp):
        notes.add(f"no GWP-100 for stack gas {name}: counted as 0")

    # GHG total = direct + sum of activity x factor: linear in the factors (Monte Carlo)
    coef = {f"electricity.{key}": sum(elec.values()) / 3.6, "fuel.natural_gas": sum(fuel.values()) / 1000.0}
    for item in reag_items:
        name = f"reagents.{item.reagent}"
        coef[name] = coef.get(name, 0.0) + item.amount
    parts = {"direct": direct, "electricity": ind_e, "fuel": ind_f, "reagents": reag}
    total = sum(sum(p.values()) for p in parts.values())
    ghg = Ghg(direct=_by_step(direct, KG_CO2E), electricity=_by_step(ind_e, KG_CO2E), fuel=_by_step(ind_f, KG_CO2E),
              reagents=ReagentGhg(total=float(sum(reag.values())), by_step=_floats(reag), items=tuple(reag_items)),
              total=float(total),
              by_step=_floats({s: sum(p.get(s, 0.0) for p in parts.values())
                               for s in result.steps if any(s in p for p in parts.values())}))

    credit_block = _credits(result, avoided, cells, total) if credits else None
    stack = result.sink_total("stack")[Case.EXPECTED] * M / cells * 1000.0                        # g/kg
    pollutants = {db.names[i]: float(stack[i]) for i in np.flatnonzero(stack > FLOOR)
                  if db.names[i] not in AIR and db.names[i] != "CO2"}
    water_idx = db.index["H2O(L)"]
    waste_water = {name: float(a[Case.EXPECTED, water_idx] * M[water_idx] / cells)
                   for name, a in result.sinks("waste").items() if a[Case.EXPECTED, water_idx] > 0}
    seconds = operating_seconds(equipment)
    return Environment(
        basis="per kg of cells fed",
        region=key,
        energy=Energy(electricity=_by_step(elec, "MJ/kg"), fuel=_by_step(fuel, "MJ/kg"),
                      total=float(sum(elec.values()) + sum(fuel.values()))),
        ghg=ghg,
        credits=credit_block,
        water=Water(process_water_in=_by_step(water_in, "kg/kg"),
                    wastewater_out=BySink(total=float(sum(waste_water.values())), by_sink=_floats(waste_water),
                                          unit="kg/kg"),
                    vapour_to_stack=float(stack[db.index["H2O"]] / 1000.0)),
        air_emissions=AirEmissions(co2=float(stack[db.index["CO2"]]), pollutants=pollutants),
        annual=AnnualFootprint(throughput=float(cells * seconds / 1000.0),
                               ghg_total=float(total * cells * seconds / 1000.0),
                               electricity=float(sum(elec.values()) * cells * seconds / 3600.0)),
        factors=Factors(file=label, electricity=_factor(grids[key], grid, "kg CO2e/kWh"),
                        natural_gas=_factor(data["fuel"]["natural_gas"], gas, "kg CO2e/GJ"),
                        heater_efficiency=eff,
                        gwp="IPCC AR6 WG1 GWP-100; carbon gases without a GWP counted as CO2 after oxidation"),
        linear_model=GhgLinearModel(constant=sum(direct.values()), coefficients=coef,
                                    units={"constant": KG_CO2E,
                                           "coefficients": "factor unit x coefficient = kg CO2e/kg"}),
        notes=tuple(sorted(notes)),
    )


def _credits(result: RouteResult, avoided: dict[int, float], cells: float, total: float) -> Credits:
    """Avoided primary production of the recovered products, kg CO2e per kg of cells (>= 0)."""
    db = result.db
    items = []
    for sink, amounts in result.sinks("product").items():
        kg = amounts[Case.EXPECTED] * db.molar_mass / cells
        for i in np.flatnonzero(kg > 0):
            if i in avoided:
                items.append(CreditItem(product=sink, species=db.names[i], amount=float(kg[i]), factor=float(avoided[i]),
                                        value=float(kg[i] * avoided[i])))
    credit = sum(it.value for it in items)
    return Credits(total=float(credit), items=tuple(items), net_with_credits=float(total - credit),
                   note="avoided primary production; not included in ghg.total")


def _by_step(values: dict[str, float], unit: str) -> ByStep:
    return ByStep(total=float(sum(values.values())), by_step=_floats(values), unit=unit)


def _floats(values: dict[str, float]) -> dict[str, float]:
    return {k: float(v) for k, v in values.items()}


def _factor(entry: dict, value: float, unit: str) -> FactorUsed:
    meta = {k: str(entry[k]) for k in ("date", "source", "quality") if k in entry}
    return FactorUsed(**meta, value=float(value), unit=unit)


__all__ = ["Environment", "environment", "load_factors"]
