"""The stack against the permit: concentrations on the limit's basis, margins, annual loads.

Emission limit values are data (``chemistry/emission_limits.yaml``): per region and pollutant a
concentration in mg/Nm3 of dry gas (273.15 K, 101.325 kPa) at a reference O2, with its
averaging period and source, or an explicit "no limit" with the reason. A region may hold
sectors (the EU's BAT conclusions), chosen by the route's step types; their limits come first
and the region's own (the EU's Annex VI) are the fallback. A pollutant groups
species (SOx as SO2, NOx as NO2, organic carbon as C, LiCl fume as dust).

The stack's concentration on that basis, for the expected and the worst case:

    C_dry,N = m_pollutant / V_dry,N                     mg/Nm3 (V_dry,N = dry moles x 22.414 L/mol)
    C_ref   = C_dry,N x (21 - O2_ref) / (21 - O2_dry)   (O2 in % of dry gas; no correction without O2_ref)

the reference-oxygen correction of Directive 2010/75/EU, Annex VI, Part 7 (the same form as
40 CFR 60 for a 7 % O2 reference). Annual loads (t/year) take the expected rate over the
operating time of ``chemistry/equipment.yaml``.

Where a limit is exceeded, :func:`required_removal` says which removal the absorber that last
treats the pollutant needs, and the transfer units that takes: for a fast irreversible
absorption without back-pressure NTU_OG = ln(y_in / y_out) (Perry's Chemical Engineers'
Handbook, 8th ed., section 14, dilute-gas absorption with a negligible equilibrium line).

Amounts in a RouteResult are mol/s; everything returned carries its unit.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .cases import Case
from .errors import InputError, closest
from .results import Measured, measured
from .simulate import RouteResult
from .units import to_si

LIMITS_FILE = "emission_limits.yaml"
NORMAL_MOLAR_VOLUME = 0.022413969545014137   # m3/mol of an ideal gas at 273.15 K and 101.325 kPa (CODATA R)


@dataclass(frozen=True, kw_only=True, repr=False)
class RequiredRemoval(Measured):
    """Where a limit is exceeded: the absorber that last takes the pollutant up, its removal
    (fraction) and transfer units NTU now and needed."""

    step: str
    removal_now: float = measured("")
    removal_needed: float = measured("")
    ntu_now: float = measured("")
    ntu_needed: float = measured("")


@dataclass(frozen=True, kw_only=True, repr=False)
class PermitLine(Measured):
    """One pollutant at the stack against the region's limit: concentrations in mg/Nm3 dry at the
    reference O2 (expected and worst case), the limit (None: no limit in this region), the margin
    1 - C / limit of the higher case (negative when exceeded), the annual load in t/year (expected case)."""

    pollutant: str
    species: tuple[str, ...]
    concentration: float = measured("mg/m^3")
    concentration_worst: float = measured("mg/m^3")
    limit: float | None = measured("mg/m^3")
    averaging: str
    reference_o2: float | None = measured("percent")
    margin: float | None = measured("")
    passes: bool | None
    annual_load: float = measured("t/year")
    source: str
    quality: str
    required: RequiredRemoval | None = None


@dataclass(frozen=True, kw_only=True, repr=False)
class PackedHeight(Measured):
    before: float = measured("m")
    after: float = measured("m")


@dataclass(frozen=True, kw_only=True, repr=False)
class PermitSizing(Measured):
    """What sizing to the permit changed: the step parameters set (JSON key "set"), the
    pollutants no removal brings under the limit, the margin kept, the change of bought reagents
    (kg/h) and each absorber's packed height before and after."""

    changed: Mapping[str, str] = field(metadata={"key": "set"})
    not_reachable: tuple[str, ...]
    margin: float
    reagent_change: Mapping[str, float] = measured("kg/h")
    packing: Mapping[str, PackedHeight]


@dataclass(frozen=True, kw_only=True, repr=False)
class Permit(Measured):
    """The stack against a region's limits: O2 in % of the dry gas and the dry flow in Nm3/h
    (worst case), a line per pollutant, the species no permit regulates (and why), and what
    sizing to the permit changed (``sized``, when it was done)."""

    region: str
    instrument: str
    stack_o2_dry: float = measured("percent")
    stack_flow: float = measured("m^3/h")
    lines: tuple[PermitLine, ...]
    not_pollutants: Mapping[str, str] = field(default_factory=dict)
    sector: str = ""                    # the region's sector whose instrument applies to the route ("" none)
    sized: PermitSizing | None = field(default=None, metadata={"optional": True})   # left out of the JSON when None

    @property
    def failures(self) -> list[PermitLine]:
        return [line for line in self.lines if line.passes is False]


def regions(db) -> list[str]:
    """The regions ``chemistry/emission_limits.yaml`` holds limits for."""
    return list(db.data(LIMITS_FILE)["regions"])


def permit(result: RouteResult, region: str = "EU", margin: float = 0.0) -> Permit:
    """The route's stack against ``region``'s emission limits; ``margin`` (0-1) is the share of
    each limit kept in reserve when judging pass or fail and sizing the removal."""
    if not result.rate_basis:
        raise ValueError("the permit check needs a plan on a throughput basis")
    db = result.db
    data = db.data(LIMITS_FILE)
    key = _region_key(data, region)
    reg = data["regions"][key]
    sector = applicable_sector(reg, {st.type for st in result.steps.values()})
    pollutants = data["pollutants"]
    stack = result.sink_total("stack")                       # (rows, species) mol/s
    gas = db.is_gas
    volume, o2_dry = dry_basis(db, stack)
    seconds = _operating_seconds(db)
    lines = []
    for name, spec in pollutants.items():
        weights = _weights(db, spec, name)
        present = [s for s, w in weights.items() if np.any(stack[:, db.index[s]] > 0)]
        if not present:
            continue
        mass = sum(stack[:, db.index[s]] * w for s, w in weights.items())          # kg/s of the pollutant "as"
        raw = np.divide(mass * 1e6, volume, out=np.zeros(len(volume)), where=volume > 0)   # mg/Nm3 dry
        entry = (sector.get("limits") or {}).get(name) or (reg.get("limits") or {}).get(name)
        if entry is None:
            absent = (sector.get("no_limit") or {}).get(name) or (reg.get("no_limit") or {}).get(name)
            if absent is None:
                raise InputError(f"chemistry/{LIMITS_FILE}: regions.{key}",
                                 f"pollutant {name!r} reaches the stack but has neither a limit nor a no_limit entry")
            lines.append(PermitLine(pollutant=name, species=tuple(present), concentration=float(raw[Case.EXPECTED]),
                                    concentration_worst=float(raw[Case.WORST]), limit=None, averaging="",
                                    reference_o2=None, margin=None, passes=None,
                                    annual_load=_load(mass[Case.EXPECTED], seconds), source=absent["source"],
                                    quality=absent.get("quality", "")))
            continue
        where = f"chemistry/{LIMITS_FILE}: regions.{key}.limits.{name}"
        limit = float(f"{to_si(entry['value'], 'density', where + '.value') * 1e6:.12g}")   # mg/m3 (unit round-off dropped)
        ref = entry.get("reference_o2")
        ref_pct = None if ref is None else float(str(ref).split()[0])
        conc = at_reference_o2(raw, o2_dry, ref_pct)
        allowed = limit * (1.0 - margin)
        top = float(conc.max())             # judged on the higher case (the expected one can be higher)
        line_margin = 1.0 - top / limit if limit > 0 else -np.inf
        lines.append(PermitLine(pollutant=name, species=tuple(present), concentration=float(conc[Case.EXPECTED]),
                                concentration_worst=float(conc[Case.WORST]), limit=float(limit),
                                averaging=entry.get("averaging", ""), reference_o2=ref_pct, margin=float(line_margin),
                                passes=bool(top <= allowed), annual_load=_load(mass[Case.EXPECTED], seconds),
                                source=entry["source"], quality=entry.get("quality", ""),
                                required=(required_removal(result, weights, top, allowed, int(np.argmax(conc)))
                                          if top > allowed else None)))
    listed = {s for spec in pollutants.values() for s in spec["species"]}
    others = {}
    for i in np.flatnonzero(gas & (stack.max(axis=0) > 0)):
        name = db.names[i]
        if name in listed:
            continue
        reason = data["not_pollutants"].get(name)
        if reason is None:
            raise InputError(f"chemistry/{LIMITS_FILE}: not_pollutants",
                             f"{name} reaches the stack but is neither a pollutant nor listed as not regulated")
        others[name] = reason
    instrument = f"{sector['instrument']}; fallback: {reg['instrument']}" if sector else reg["instrument"]
    return Permit(region=key, instrument=instrument, stack_o2_dry=float(o2_dry[Case.WORST]),
                  stack_flow=float(volume[Case.WORST] * 3600.0), lines=tuple(lines), not_pollutants=others,
                  sector=sector.get("id", ""))


def applicable_sector(region: dict, step_types: set[str]) -> dict:
    """The first of ``region``'s sectors whose ``when_steps`` the route has (a sector without
    ``when_steps`` applies to any route); {} when the region has no sectors."""
    for sector in region.get("sectors") or ():
        if set(sector.get("when_steps") or ()) <= step_types:
            return sector
    return {}


def dry_basis(db, stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dry gas flow in Nm3 per unit of the amounts' time, O2 in % of the dry gas) of a stream
    (rows, species) in mol."""
    dry = stack[:, db.is_gas].sum(axis=1) - stack[:, db.index["H2O"]]
    o2 = np.divide(100.0 * stack[:, db.index["O2"]], dry, out=np.zeros(len(dry)), where=dry > 0)
    return dry * NORMAL_MOLAR_VOLUME, o2


def at_reference_o2(concentration, o2_dry, reference_o2: float | None):
    """A dry-gas concentration corrected to ``reference_o2`` (% O2): x (21 - O2_ref) / (21 - O2),
    Directive 2010/75/EU Annex VI Part 7; unchanged without a reference O2."""
    if reference_o2 is None:
        return np.asarray(concentration, dtype=float)
    return np.asarray(concentration, dtype=float) * (21.0 - reference_o2) / np.maximum(21.0 - np.asarray(o2_dry), 1e-9)


def required_removal(result: RouteResult, weights: dict[str, float], conc: float, allowed: float,
                     case: int = Case.WORST) -> RequiredRemoval | None:
    """The removal the absorber that last takes the pollutant up needs so that the stack holds
    ``allowed`` instead of ``conc`` (same basis), and its transfer units NTU = ln(y_in/y_out), from
    the flows of ``case`` (the case whose concentration is ``conc``)."""
    db = result.db
    idx = [db.index[s] for s in weights]
    for sid in reversed(list(result.steps)):
        step = result.steps[sid]
        if step.gas_treatment != "absorption":
            continue
        inlet = sum(step.inlet[case, i] * weights[db.names[i]] for i in idx)
        out_port = next(iter(p for p in step.outlets if "gas" in p), None)
        if out_port is None or inlet <= 0:
            continue
        outlet = sum(step.outlets[out_port][case, i] * weights[db.names[i]] for i in idx)
        passing = outlet / inlet
        if passing >= 1.0 - 1e-12:                 # this absorber does not take the pollutant up at all
            continue
        needed = passing * allowed / conc if conc > 0 else passing
        removal = 1.0 - needed
        return RequiredRemoval(step=sid, removal_now=float(1.0 - passing), removal_needed=float(removal),
                               ntu_now=float(np.log(1.0 / passing)) if passing > 0 else float("inf"),
                               ntu_needed=float(np.log(1.0 / needed)) if needed > 0 else float("inf"))
    return None


MAX_REMOVAL = 0.9999      # the most a packed tower is credited with (S: 4 transfer-unit decades)


def size_to_permit(planner, inventory, route, basis: str, overrides: dict | None, region: str,
                   margin: float = 0.1, rounds: int = 8):
    """Raise each absorber's removal of the pollutants that exceed ``region``'s limits to the least
    that meets them with ``margin`` in reserve, re-planning until every limit is met (or no
    absorber can do more). Returns a :class:`Sizing`."""
    overrides = {k: dict(v) for k, v in (overrides or {}).items()}
    result = planner.plan(inventory, route, basis, overrides)
    unsized = result
    checked = permit(result, region, margin)
    unreachable: list[str] = []
    for _ in range(rounds):
        changed = False
        by_gas_of: dict[str, dict] = {}                  # absorber -> its removals by gas, this round
        for line in checked.failures:
            need = line.required
            if need is None:
                unreachable.append(line.pollutant)
                continue
            sid = need.step
            step = result.route.steps[sid]
            # aim 0.1 % below the allowed value: the stack's volume shifts a little with the removal
            target = min(1.0 - (1.0 - need.removal_needed) * 0.999, MAX_REMOVAL)
            if need.removal_needed > MAX_REMOVAL:
                unreachable.append(line.pollutant)
            if "removal_by_gas" in step.values:
                by_gas = by_gas_of.setdefault(sid, dict(step["removal_by_gas"]))
            else:
                by_gas = None
            if by_gas is None:                         # a single-removal absorber (acid_scrub)
                if target > step["removal"] + 1e-12:
                    overrides.setdefault(sid, {})["removal"] = f"{target:.10g}"
                    changed = True
                continue
            for species in line.species:
                if species in _param_choices(step, "removal_by_gas"):
                    now = by_gas.get(species, step["removal"])
                    if target > now + 1e-12:
                        by_gas[species] = target
                        changed = True
            overrides.setdefault(sid, {})["removal_by_gas"] = ", ".join(f"{k}: {v:.10g}" for k, v in by_gas.items())
        if not changed:
            break
        result = planner.plan(inventory, route, basis, overrides)
        checked = permit(result, region, margin)
    db = result.db
    change = (result.bought_reagents[Case.EXPECTED] - unsized.bought_reagents[Case.EXPECTED]) * db.molar_mass * 3600.0   # kg/h
    reagents = {db.names[i]: float(change[i])
                for i in np.flatnonzero(np.abs(change) > 1e-9 * (1.0 + np.abs(change).max()))}
    from .capital import packed_height

    columns = {sid: PackedHeight(before=packed_height(unsized, sid), after=packed_height(result, sid))
               for sid in overrides if sid in result.steps and result.steps[sid].gas_treatment == "absorption"}
    return Sizing(result, checked, overrides, sorted(set(unreachable)), reagents, columns)


@dataclass(frozen=True)
class Sizing:
    """A route's design sized to a permit by :func:`size_to_permit`."""

    result: RouteResult
    permit: Permit
    overrides: dict                     # the step parameters of the sized design (STEP -> PARAM -> value)
    not_reachable: list[str]            # pollutants no removal up to MAX_REMOVAL brings under the limit
    reagent_change: dict[str, float]    # bought reagents, sized minus unsized, kg/h (expected case)
    packing: dict[str, PackedHeight] = field(default_factory=dict)   # absorber -> packed height (HTU x NTU)


def _param_choices(step, name: str) -> tuple:
    return next(p.choices for p in step.params if p.name == name)


def _region_key(data: dict, region: str) -> str:
    keys = {k.lower(): k for k in data["regions"]}
    for k, v in data["regions"].items():
        for alias in v.get("aliases", []):
            keys[str(alias).lower()] = k
    key = keys.get(str(region).lower())
    if key is None:
        raise InputError("--permit", f"unknown permit region {region!r}; {closest(region, data['regions'])}")
    return key


def _weights(db, spec: dict, name: str) -> dict[str, float]:
    """kg of the pollutant (as its reference species or element) per mol of each species."""
    as_ = spec.get("as")
    out = {}
    for species, per in spec["species"].items():
        if species not in db.index:
            raise InputError(f"chemistry/{LIMITS_FILE}: pollutants.{name}", f"unknown species {species!r}")
        if as_ == "mass":
            out[species] = float(db.molar_mass[db.index[species]]) * float(per)
        else:
            out[species] = float(per) * _molar_mass_of(db, as_)
    return out


def _molar_mass_of(db, formula: str) -> float:
    """kg/mol of a tracked species or of an element symbol."""
    if formula in db.index:
        return float(db.molar_mass[db.index[formula]])
    if formula in db.elements:
        return float(db.element_molar_mass[db.elements.index(formula)])
    raise InputError(f"chemistry/{LIMITS_FILE}", f"'as: {formula}' is neither a species nor an element")


def _operating_seconds(db) -> float:
    from .capital import load_equipment, operating_seconds

    return operating_seconds(load_equipment(db.directory))




def _load(kg_s: float, seconds: float) -> float:
    """t/year from kg/s over the operating year."""
    return float(kg_s * seconds / 1000.0)


__all__ = [
    "Permit",
    "PermitLine",
    "Sizing",
    "at_reference_o2",
    "dry_basis",
    "permit",
    "regions",
    "required_removal",
    "size_to_permit",
]
