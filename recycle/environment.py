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

:func:`ghg_models` gives every sample's GHG linear model of a Monte Carlo batch
(recycle.batch) at once, from the same computation as :func:`environment` (``_activities``
over every sample's expected row instead of the plan's one).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .capital import operating_seconds
from .cases import Case
from .errors import InputError, closest
from .results import Measured, internal, measured, optional
from .simulate import RouteResult
from .units import Q_
from .yamlio import load_yaml_file

AIR = ("N2", "O2", "Ar", "H2O")      # carrier gases: not air pollutants
FLOOR = 1e-9                          # g/kg: smaller stack amounts are round-off, not reported
KG_CO2E = "kg CO2e/kg"
LINEAR_MODEL_UNITS = {"constant": KG_CO2E, "coefficients": "factor unit x coefficient = kg CO2e/kg"}


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
class GhgModels:
    """The GHG linear model of every sample of a Monte Carlo batch (:func:`ghg_models`).

    Sample ``n``'s GHG total is ``constant[n] + sum_k coefficients[k][n] x factor_k``, kg CO2e
    per kg of cells fed: ``constant`` (N,) is the direct (stack) part, kg CO2e/kg;
    ``coefficients`` maps each emission factor ("electricity.US", "fuel.natural_gas",
    "reagents.NaOH(a)", as :func:`factor_ranges` names them) to its activity per kg of cells
    in every sample, (N,): kWh/kg for the grid factor (kg CO2e/kWh), GJ/kg of fuel LHV for
    the natural-gas factor (kg CO2e/GJ), kg/kg for a reagent's embodied factor (kg CO2e/kg).
    The keys are those of any sample's model (:attr:`GhgLinearModel.coefficients`); a sample
    whose own model lacks a reagent has 0 there."""

    region: str
    constant: np.ndarray
    coefficients: Mapping[str, np.ndarray]
    units: Mapping[str, str]

    def total(self, factors: Mapping[str, float | np.ndarray]) -> np.ndarray:
        """Every sample's GHG total, kg CO2e per kg of cells, (N,), at emission factors
        ``factors`` (name -> value, or (N,) values drawn per sample; the units above); every
        factor the model names must be given."""
        missing = sorted(set(self.coefficients) - set(factors))
        if missing:
            raise InputError("emission factors", f"no value for {', '.join(missing)}")
        out = self.constant.copy()
        for name, activity in self.coefficients.items():
            out += activity * np.asarray(factors[name], dtype=float)
        return out


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


@dataclass(frozen=True)
class _FactorSet:
    """The emission factors of one region as the footprint uses them (SI-like units of the file)."""

    data: dict
    label: str
    region: str                      # the region's key as the file spells it
    grid: float                      # kg CO2e/kWh
    gas: float                       # kg CO2e/GJ of natural gas (LHV)
    gwp: dict[int, float]            # species index -> GWP-100
    embodied: dict[int, float]       # species index -> kg CO2e/kg reagent
    equipment: dict
    heater_efficiency: float


def _factor_set(db, region: str, path) -> _FactorSet:
    data, label = load_factors(db, path)
    grids = data.get("electricity") or {}
    key = next((k for k in grids if k.lower() == str(region).lower()), None)
    if key is None:
        raise InputError("--region", f"unknown region {region!r} (grid factors in {label}); {closest(region, grids)}")
    equipment = db.data("equipment.yaml")           # recycle.capital.load_equipment, read once
    return _FactorSet(
        data=data, label=label, region=key,
        grid=_magnitude(grids[key], "kg/kWh", f"{label}: electricity.{key}"),
        gas=_magnitude(data["fuel"]["natural_gas"], "kg/GJ", f"{label}: fuel.natural_gas"),
        gwp={db.index[k]: float(e["value"]) for k, e in (data.get("gwp100") or {}).items() if k in db.index},
        embodied=_species_factors(data.get("reagents"), db, label, "reagents"),
        equipment=equipment, heater_efficiency=float(equipment["general"]["heater_efficiency"]["value"]))


@dataclass(frozen=True)
class _Activities:
    """What the GHG footprint is computed from, per kg of cells fed, at a selection of a plan's
    rows (:func:`_activities`): with a row index every array is that row's (a scalar, or one
    value per species); with a slice every array has one entry per selected row in front.
    Species arrays cover only the species a step emits or buys in some row (their indices in
    ascending order alongside)."""

    cells: np.ndarray                    # kg/s of cells fed
    electricity: dict[str, np.ndarray]   # MJ/kg, each step with an electricity utility
    fuel: dict[str, np.ndarray]          # MJ/kg of fuel (LHV); 0 where the step needs no heat
    fired: dict[str, np.ndarray]         # the step needs heat (> 0), so burns fuel
    direct: dict[str, np.ndarray]        # kg CO2e/kg: the step's stack gases x GWP-100
    emits: dict[str, np.ndarray]         # the step emits a gas that has a GWP-100
    reagents: dict[str, tuple[np.ndarray, np.ndarray]]   # species indices, kg/kg bought (0 below round-off)
    no_gwp: frozenset[str]               # stack gases emitted (in a selected row) without a GWP-100


def _activities(result: RouteResult, rows, f: _FactorSet) -> _Activities:
    """Activities of ``result``'s ``rows`` (``Case.EXPECTED`` for a plan; ``slice(0, None, 2)``
    for every sample's expected row of a batch, recycle.batch): electricity (step utilities
    "electricity", W) and fuel (utilities "heat", W, or else the positive enthalpy duty, over
    the heater efficiency) in MJ/kg, direct GHG (gas emitted x GWP-100) and reagents bought
    (reagents less what the step drew from the air) in kg/kg; a reagent below 1e-12 of the
    step's largest is round-off, not bought. Array operations over the rows, so a batch costs
    little more than one plan. A plan adds a step's gases species by species, and this does too
    (a running sum), so a batch row gives its own plan's numbers to round-off of the cells' dot
    product."""
    db, M = result.db, result.db.molar_mass
    size = len(result.feed)
    cells = result.feed[rows] @ M                                                          # kg/s
    gwp = np.zeros(len(M))
    gwp[list(f.gwp)] = list(f.gwp.values())
    has_gwp = np.zeros(len(M), dtype=bool)
    has_gwp[list(f.gwp)] = True
    pollutant = ~has_gwp & ~np.isin(db.names, AIR)
    elec, fuel, fired, direct, emits, reagents = ({} for _ in range(6))
    no_gwp: set[int] = set()
    for sid, step in result.steps.items():
        u = step.outcome.utilities
        if "electricity" in u:
            elec[sid] = _at(u["electricity"], rows, size) / cells / 1e6                  # MJ/kg
        heat = _at(u["heat"], rows, size) if "heat" in u else np.maximum(_at(step.enthalpy_duty, rows, size), 0.0)
        fired[sid] = heat > 0
        fuel[sid] = np.where(fired[sid], heat / f.heater_efficiency / cells / 1e6, 0.0)  # MJ/kg fuel LHV
        cols = _columns(step.gas_emitted, rows)
        kg = step.gas_emitted[rows, cols] * M[cols] / cells[..., None]
        emitted = kg > 0
        sel = has_gwp[cols]
        direct[sid] = _running_sum(np.where(emitted[..., sel], kg[..., sel] * gwp[cols[sel]], 0.0))
        emits[sid] = emitted[..., sel].any(axis=-1)
        sel = pollutant[cols]
        no_gwp.update(cols[sel][np.atleast_2d(emitted[..., sel]).any(axis=0)].tolist())
        air = step.outcome.from_air
        cols = _columns(step.reagents, rows) if air is None else np.union1d(_columns(step.reagents, rows),
                                                                            _columns(air, rows))
        kg = (step.reagents[rows, cols] if air is None else step.reagents[rows, cols] - air[rows, cols])
        kg = kg * M[cols] / cells[..., None]
        # the largest over these species is the largest over all (the others are 0) unless all
        # are negative, when the floor 1e-300 decides either way
        top = np.maximum(kg.max(axis=-1, keepdims=True, initial=-np.inf), 1e-300)
        reagents[sid] = (cols, np.where(kg > 1e-12 * top, kg, 0.0))
    return _Activities(cells=cells, electricity=elec, fuel=fuel, fired=fired, direct=direct, emits=emits,
                       reagents=reagents, no_gwp=frozenset(db.names[i] for i in no_gwp))


def _columns(x: np.ndarray, rows) -> np.ndarray:
    """The species (columns of ``x``) that are not 0 in some row of ``rows``, ascending."""
    return np.flatnonzero(np.atleast_2d(x[rows] != 0).any(axis=0))


def _running_sum(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis, added left to right (as a loop adds; numpy's sum pairs them)."""
    return x.cumsum(axis=-1)[..., -1] if x.shape[-1] else np.zeros(x.shape[:-1])


def _at(x, rows, size: int):
    """Rows ``rows`` of a per-row array (a scalar or a length-1 array stands for every row)."""
    return np.broadcast_to(np.asarray(x, dtype=float), (size,))[rows]


def _ghg_model(act: _Activities, f: _FactorSet, names) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The GHG linear model of the activities' rows: direct GHG (kg CO2e/kg) and each emission
    factor's activity (kWh/kg, GJ/kg, kg/kg of each reagent with an embodied factor, in the order
    the steps first buy them), summed over steps in step order."""
    zero = np.zeros(np.shape(act.cells))
    constant = sum(act.direct.values(), zero)
    coef = {f"electricity.{f.region}": sum(act.electricity.values(), zero) / 3.6,
            "fuel.natural_gas": sum(act.fuel.values(), zero) / 1000.0}
    for cols, kg in act.reagents.values():
        for j in np.flatnonzero(np.atleast_2d(kg > 0).any(axis=0)):
            if cols[j] in f.embodied:
                name = f"reagents.{names[cols[j]]}"
                coef[name] = coef.get(name, zero) + kg[..., j]
    return constant, coef


def ghg_models(result: RouteResult, region: str = "US", path=None) -> GhgModels:
    """Every sample's GHG linear model of a Monte Carlo batch ``result``
    (:meth:`recycle.planner.Planner.plan_batch`, 2 N rows, sample-major), each as
    :func:`environment` gives it for that sample's plan (its ``linear_model``; tests/
    test_batch_environment.py): the same computation over every sample's expected row at once,
    no loop over the samples. ``region`` and ``path`` as for :func:`environment`; a plan (two
    rows) is a batch of one. Units: :class:`GhgModels`."""
    from .batch import ROWS_PER_SAMPLE

    if not result.rate_basis:
        raise InputError("ghg_models", "needs a throughput-basis plan (e.g. basis='10 t/day')")
    f = _factor_set(result.db, region, path)
    act = _activities(result, slice(Case.EXPECTED, None, ROWS_PER_SAMPLE), f)
    constant, coef = _ghg_model(act, f, result.db.names)
    return GhgModels(region=f.region, constant=constant, coefficients=coef, units=dict(LINEAR_MODEL_UNITS))


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
    f = _factor_set(db, region, path)
    data, label, key, grid, gas, embodied = f.data, f.label, f.region, f.grid, f.gas, f.embodied
    avoided = _species_factors(data.get("credits"), db, label, "credits")
    M = db.molar_mass
    act = _activities(result, Case.EXPECTED, f)
    cells = float(act.cells)                                                        # kg/s of cells
    notes = {f"no GWP-100 for stack gas {name}: counted as 0" for name in act.no_gwp}

    elec = {sid: float(v) for sid, v in act.electricity.items()}                    # MJ/kg
    fuel = {sid: float(v) for sid, v in act.fuel.items() if act.fired[sid]}         # MJ/kg fuel LHV
    direct = {sid: float(v) for sid, v in act.direct.items() if act.emits[sid]}
    ind_e = {sid: v / 3.6 * grid for sid, v in elec.items()}
    ind_f = {sid: v / 1000.0 * gas for sid, v in fuel.items()}
    reag, water_in = {}, {}
    reag_items: list[ReagentFootprint] = []
    for sid, (cols, kgs) in act.reagents.items():                                   # kg/kg cells
        for i, kg in zip(cols.tolist(), kgs):
            if not kg > 0:
                continue
            name = db.names[i]
            if name == "H2O(L)":
                water_in[sid] = water_in.get(sid, 0.0) + kg
            if i not in embodied:
                notes.add(f"no embodied factor for {name} in {sid}: not counted")
                continue
            value = kg * embodied[i]
            reag[sid] = reag.get(sid, 0.0) + value
            reag_items.append(ReagentFootprint(step=sid, reagent=name, amount=float(kg), factor=float(embodied[i]),
                                               value=float(value)))

    # GHG total = direct + sum of activity x factor: linear in the factors (Monte Carlo)
    constant, coef = _ghg_model(act, f, db.names)
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
    seconds = operating_seconds(f.equipment)
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
        factors=Factors(file=label, electricity=_factor(data["electricity"][key], grid, "kg CO2e/kWh"),
                        natural_gas=_factor(data["fuel"]["natural_gas"], gas, "kg CO2e/GJ"),
                        heater_efficiency=f.heater_efficiency,
                        gwp="IPCC AR6 WG1 GWP-100; carbon gases without a GWP counted as CO2 after oxidation"),
        linear_model=GhgLinearModel(constant=float(constant), coefficients=_floats(coef), units=dict(LINEAR_MODEL_UNITS)),
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


__all__ = ["Environment", "GhgModels", "environment", "ghg_models", "load_factors"]
