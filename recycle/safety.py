"""Inherent-safety index per step and route, traceable to the balances.

Heikkilae's Inherent Safety Index (1999) with solid-state Li-metal additions; the factors and
bands are data (``chemistry/safety.yaml``). Every point carries the step, the factor and the
computed quantity behind it. A route's score sums, per factor, the highest step score
(Heikkilae's worst-case rule), for the expected and for the worst case.

Input: a plan on a throughput basis (rows expected, worst) and its gas-handling audit.

:func:`safety_scores` gives the scores of every sample of a Monte Carlo batch (recycle.batch)
at once, for the exact Monte Carlo. One array computation serves both: every factor's points
and value are arrays over samples (:class:`recycle.cases.SampleRows`), a plan being one sample
whose report (the Points with their words) is read from sample 0. The batch works out each
sample's vent as the audit does (recycle.audit.step_vent); a plan reads its audit. No factor
reads a step's flags (which in a batch describe every row), and a step's gases, contents and
stream temperatures are taken per sample, so a sample scores as its own plan does.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .audit import Audit, step_vent
from .bands import band, band_points, bands_tuple
from .cases import CASES, Case, SampleRows, row_dot
from .consequence import max_ground_concentrations
from .hazards import Hazard, load_hazards
from .results import Measured, internal, measured
from .scenarios import RouteRisk, Scenario, route_risk, scenarios
from .simulate import RouteResult
from .step_types import step_facts
from .units import Q_
from .yamlio import load_yaml_file

INERT = ("CO2", "H2O", "N2", "O2", "Ar")
SPECIAL_MATERIALS = ("HCL", "HF", "CL2")
# alkali service included: "the combustible gas and strongly basic LiOH derived from the reaction
# of Li metal also put forward higher requirements for the reaction vessel" (Luo 2024 section 4.2);
# the alkoxides of the alcohol quench are as basic (S)
STAINLESS = ("SO2", "SO3", "H2S", "NH3", "H2SO4(L)", "NaOH(a)", "H2O2(L)",
             "LiOH(s)", "LiOH.H2O(s)", "LiOC2H5(s)", "LiOC3H7(s)")
LAYERED_CHARGED = ("Ni0.8Co0.1Mn0.1O2(s)", "CoO2(s)", "Ni0.6Co0.2Mn0.2O2(s)")
HOLDUP = 3600.0   # s: contents of a continuous step = 1 h of throughput (S, this project's choice)


@dataclass(frozen=True, repr=False)
class Point(Measured):
    """One factor of one step: its points and the quantity behind them (``value`` in ``unit``; JSON
    key "quantity")."""

    step: str
    factor: str
    points: int
    value: float = measured(unit_field="unit", key="quantity")
    basis: str              # words: what the value is
    unit: str = internal(default="dimensionless")


@dataclass(frozen=True, kw_only=True)
class CaseScore:
    """The index of one case: the route's score (per factor the highest step score), the sum
    over every step, the highest point per factor, every scoring point, and the top three."""

    score: int
    score_cumulative: int
    by_factor: Mapping[str, Point]
    breakdown: tuple[Point, ...]
    contributors: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Safety:
    """Safety of a route: its risk from the scenarios (ranks routes), the scenarios by risk,
    and Heikkilae's inherent-safety index for the expected case (``score`` ...) and the worst
    case (``worst_case``)."""

    risk: RouteRisk
    scenarios: tuple[Scenario, ...]
    score: int
    score_worst_case: int
    score_cumulative: int
    breakdown: tuple[Point, ...]
    by_factor: Mapping[str, Point]
    contributors: tuple[str, ...]
    worst_case: CaseScore
    method: str

    def __repr__(self) -> str:
        return f"Safety(risk={self.risk.worst_risk}, score={self.score}, score_worst_case={self.score_worst_case})"


@functools.lru_cache(maxsize=64)
def _kelvin(text: str) -> float:
    """A temperature written with its unit ("180.5 degC") in K (a pure function, memoised: pint
    parsing is most of a safety score's time in a Monte Carlo)."""
    return float(Q_(text).to("K").magnitude)


def _read_bands(cfg: dict) -> dict:
    """``cfg`` (chemistry/safety.yaml) with every factor's bands read once as tuples (a copy:
    the loaded data stay as they are)."""
    factors = {k: {**v, "bands": bands_tuple(v["bands"])} if "bands" in v else v for k, v in cfg["factors"].items()}
    return {**cfg, "factors": factors}


def _at_least(x: np.ndarray, floor: float) -> np.ndarray:
    """``x`` raised to ``floor`` where it is lower, element by element as Python's
    ``max(x, floor)`` (NaN and -0.0 kept)."""
    return np.where(floor > x, floor, x)


def _first_highest(points: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, the highest of ``points`` (samples, candidates) among the candidates
    ``present`` and which candidate first reaches it: (points (samples,), index (samples,)); 0
    points and index -1 where no present candidate scores above 0 (a scan that keeps a
    candidate only when it scores strictly more than the best so far, from 0)."""
    n = present.shape[0]
    if not present.shape[1]:
        return np.zeros(n, dtype=int), np.full(n, -1)
    masked = np.where(present, points, 0)
    best = masked.max(axis=1, initial=0)
    hit = present & (masked == best[:, None]) & (best > 0)[:, None]
    return best.astype(int), np.where(hit.any(axis=1), hit.argmax(axis=1), -1)


def _first_largest(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, the largest of ``values`` (samples, candidates) above 0 and which candidate
    first reaches it: (value (samples,), index (samples,)); 0.0 and -1 where none is above 0
    (NaN is never above)."""
    n = values.shape[0]
    if not values.shape[1]:
        return np.zeros(n), np.full(n, -1)
    positive = np.where(values > 0, values, 0.0)
    largest = positive.max(axis=1)
    hit = (positive == largest[:, None]) & (largest > 0)[:, None]
    return largest, np.where(hit.any(axis=1), hit.argmax(axis=1), -1)


@dataclass(frozen=True)
class _Scored:
    """One factor of one step (or the stack) for every sample: ``points`` (int) and ``value``
    (the quantity behind them, in the unit the words give), arrays (samples,). ``words(n)``
    gives sample n's basis and unit, for a plan's report only. ``present`` (bool, samples,),
    where set, says in which samples the point exists (toxicity has one point per gas formed)."""

    factor: str
    points: np.ndarray
    value: np.ndarray
    words: Callable[[int], tuple[str, str]]
    present: np.ndarray | None = None

    def points_at(self, step: str, n: int) -> list[Point]:
        """The report's Point of sample ``n`` (none where the point does not exist there)."""
        if self.present is not None and not self.present[n]:
            return []
        basis, unit = self.words(n)
        return [Point(step, self.factor, int(self.points[n]), float(self.value[n]), basis, unit or "dimensionless")]


def _per_sample(x, samples: int, dtype) -> np.ndarray:
    """``x`` as an array (samples,) of ``dtype``: a scalar is every sample's value."""
    x = np.asarray(x, dtype=dtype)
    return x if x.shape == (samples,) else np.full(samples, x, dtype=dtype)


def _said(basis: str, unit: str) -> Callable[[int], tuple[str, str]]:
    """Words that are the same for every sample."""
    return lambda n: (basis, unit)


@dataclass(frozen=True)
class _VentSeen:
    """What the index reads of a step's vent (the gas-handling audit's worst case at peak), for
    every sample: the combustibles and the LEL of their mixture (percent, NaN where the vent has
    no combustible), and per gas with an IDLH its vent concentration (ppm, (samples,); 0 where
    the audit does not list it) and its IDLH (ppm)."""

    combustibles: np.ndarray
    lel_mixture: np.ndarray
    toxic: tuple[tuple[str, np.ndarray, float], ...]


def _vents_of_audit(result: RouteResult, audit: Audit) -> dict[str, _VentSeen]:
    """Each step's vent as a plan's audit gives it (one sample)."""
    out = {}
    for sid in result.steps:
        vent = next((v for v in audit.ventilation if v.step == sid and v.lel_mixture is not None), None)
        toxic = tuple((g.gas, np.array([g.vent_peak]), g.limits["idlh"])
                      for g in audit.gases if g.step == sid and g.limits.get("idlh"))
        out[sid] = _VentSeen(np.array([vent.combustibles if vent else np.nan]),
                             np.array([vent.lel_mixture if vent else np.nan]), toxic)
    return out


def _vents_of_balances(result: RouteResult, rows: SampleRows, hazards: dict[str, Hazard]) -> dict[str, _VentSeen]:
    """Each step's vent for every sample, worked out as the audit (chemistry/audit.yaml) works it
    out for one plan (recycle.audit.step_vent), with the audit's rounding of percent and ppm."""
    cfg = result.db.data("audit.yaml")
    out = {}
    for sid in result.steps:
        at_peak = step_vent(result, sid, rows, hazards, cfg)
        lel = at_peak.lel_mixture(hazards)
        combustibles = np.where(np.isnan(lel), np.nan, at_peak.combustibles(hazards) * 100)
        toxic = tuple((gas, x * 1e6, float(hazards[gas].values["idlh"].value * 1e6))
                      for gas, x in at_peak.fractions_peak.items()
                      if "idlh" in hazards[gas].values and hazards[gas].values["idlh"].value * 1e6)
        out[sid] = _VentSeen(combustibles, lel * 100, toxic)
    return out


@dataclass(frozen=True)
class _StepRows:
    """What the factors of a step read, on every row of the result (both cases of every sample):
    worked out once for both cases."""

    contents: np.ndarray        # (rows, species) mol/s: inlets and reagents
    mass: np.ndarray            # (rows,) kg/s of contents
    made: np.ndarray            # (rows, species) mol/s: every outlet
    heat_capacity: np.ndarray   # (rows,) J/(K s) of the outlets at the step temperature
    generated: np.ndarray       # (rows, gases) kg/s of each gas species formed


def _step_rows(result: RouteResult, sid: str, buffers: tuple[np.ndarray, np.ndarray] | None = None) -> _StepRows:
    """A step's contents, outlets and gas formed on every row (:class:`_StepRows`). ``buffers``:
    two arrays (rows, species) to hold the contents and the outlets (reused from step to step
    of a batch; their values are the same as without)."""
    db, step = result.db, result.steps[sid]
    contents, made = buffers if buffers is not None else (np.empty_like(step.inlet), np.empty_like(step.inlet))
    np.add(step.inlet, step.reagents, out=contents)
    np.add(0.0, 0.0, out=made)
    for amounts in step.outlets.values():                      # summed in order, as sum() would
        np.add(made, amounts, out=made)
    gas = np.flatnonzero(db.is_gas)                             # the step forms gas species only (simulate)
    return _StepRows(contents=contents, mass=row_dot(contents, db.molar_mass), made=made,
                     heat_capacity=row_dot(made, db.heat_capacity(step.temperature)),
                     generated=step.gas_generated[:, gas] * db.molar_mass[gas])


@dataclass(frozen=True)
class _Species:
    """Species tables the factors read, worked out once per route: the liquids with a flash point
    (species index and flash point, degC) and the sulfides (a mask over species)."""

    liquids: np.ndarray
    flash_points: np.ndarray
    sulfide: np.ndarray


def _species(db, hazards: dict[str, Hazard]) -> _Species:
    """:class:`_Species` of ``db`` with ``hazards``."""
    liquids = [(i, hazards[name].get("flash_point").value - 273.15) for i, name in enumerate(db.names)
               if hazards.get(name) and hazards[name].get("flash_point") and db.species[i].phase == "liquid"]
    return _Species(np.array([i for i, _ in liquids], dtype=int), np.array([fp for _, fp in liquids]),
                    db.mask(family="sulfide"))


class _StepScorer:
    """Scores the factors of one step in one case for every sample (arrays (samples,))."""

    def __init__(self, result: RouteResult, sid: str, case: Case, rows: SampleRows, cfg: dict,
                 hazards: dict[str, Hazard], vent: _VentSeen, step_rows: _StepRows, species: _Species):
        self.r, self.sid, self.case, self.rows, self.cfg, self.hz, self.vent = result, sid, case, rows, cfg, hazards, vent
        self.species = species
        self.db = result.db
        self.step = result.steps[sid]
        self.contents = rows.at(step_rows.contents, case)            # (samples, S) mol/s
        self.made = rows.at(step_rows.made, case)                    # (samples, S) mol/s
        self.heat_capacity = rows.at(step_rows.heat_capacity, case)  # (samples,) J/(K s)
        self.mass = rows.at(step_rows.mass, case)                    # (samples,) kg/s
        formed = rows.at(step_rows.generated, case) > 1e-6 * _at_least(self.mass, 1e-300)[:, None]
        index = np.flatnonzero(formed.any(axis=0))
        gas = np.flatnonzero(self.db.is_gas)
        self.gases = [self.db.names[gas[j]] for j in index]     # gases formed in some sample
        self.formed = formed[:, index]                          # (samples, gases): formed in that sample

    def s(self, factor: str, points, value, words, present=None) -> _Scored:
        """A factor's points and values, broadcast to every sample."""
        return _Scored(factor, _per_sample(points, self.rows.samples, int),
                       _per_sample(value, self.rows.samples, float), words, present)

    def f(self, key):
        return self.cfg["factors"][key]

    def all(self) -> list[_Scored]:
        scorers = [self.reaction_heat, self.side_reaction_heat, self.chemical_interaction,
                   self.flammability, self.explosiveness, self.toxicity, self.corrosivity,
                   self.inventory, self.temperature, self.pressure, self.equipment,
                   self.reactive_lithium, self.adiabatic_rise, self.toxic_vent,
                   self.combustible_vent, self.charged_cathode]
        if step_facts(self.db)[self.step.type].fired:
            skip = {"reaction_heat", "side_reaction_heat", "temperature", "adiabatic_rise"}
            scorers = [m for m in scorers if m.__name__ not in skip]
        scored: list[_Scored] = []
        for m in scorers:
            got = m()
            scored += got if isinstance(got, list) else [got]
        return scored

    def reaction_heat(self):
        q = self.rows.at(self.step.heat_released, self.case) / _at_least(self.mass, 1e-300) / 1000.0
        return self.s("reaction_heat", band_points(q, self.f("reaction_heat")["bands"]), q,
                      _said("heat released per mass of the step's contents", "J/g"))

    def side_reaction_heat(self):
        h = self.step.heat_released
        extra = self.rows.at(h, Case.WORST) - self.rows.at(h, Case.EXPECTED)
        q = _at_least(extra, 0.0) / _at_least(self.mass, 1e-300) / 1000.0
        return self.s("side_reaction_heat", band_points(q, self.f("side_reaction_heat")["bands"]), q,
                      _said("extra heat released in the worst case", "J/g"))

    def _metal_and_water(self) -> tuple[np.ndarray, np.ndarray]:
        """Metallic Li (Li and Li-In) in the step, kg (1 h of throughput on a rate basis), and
        whether liquid water is there, per sample."""
        db = self.db
        li = self.contents[:, db.index["Li(cr)"]] + self.contents[:, db.index["LiIn(s)"]]   # mol of metallic Li
        kg = li * db.molar_mass[db.index["Li(cr)"]] * (1 if not self.r.rate_basis else HOLDUP)
        return kg, self.contents[:, db.index["H2O(L)"]] > 0

    def _gas_kind(self, gas: str) -> str | None:
        """The chemical-interaction kind of a gas formed (None: flammable, above the LEL or not
        depending on the vent)."""
        h = self.hz.get(gas)
        if gas in INERT or h is None:
            return "inert"
        if h.combustible:
            return None
        return "toxic" if h.values else "inert"

    def chemical_interaction(self):
        pts = self.f("chemical_interaction")["points"]
        kg, water = self._metal_and_water()
        meets = (kg > 0) & water
        over_lel = self._vent_over_lel()
        kinds = [self._gas_kind(g) for g in self.gases]
        by_gas = np.stack([np.where(over_lel, pts["flammable_above_lel"], pts["flammable"]) if k is None
                           else np.full(self.rows.samples, pts[k]) for k in kinds], axis=1) if kinds \
            else np.zeros((self.rows.samples, 0), dtype=int)
        best, which = _first_highest(by_gas, self.formed)
        gases = self.gases

        def words(n):
            if meets[n]:
                return "metallic Li meeting water (fire, H2)", "kg"
            if which[n] < 0:
                return "no gas formed", "points"
            kind = kinds[which[n]] or ("flammable_above_lel" if over_lel[n] else "flammable")
            return f"{gases[which[n]]} formed ({kind.replace('_', ' ')})", "points"
        return self.s("chemical_interaction", np.where(meets, pts["water_reactive_metal"], best),
                      np.where(meets, kg, best), words)

    def _vent_over_lel(self) -> np.ndarray:
        """Whether the vent's combustibles reach the LEL of their mixture, per sample."""
        return self.vent.combustibles >= self.vent.lel_mixture        # False where NaN (no combustible)

    def flammability(self):
        bands = self.f("flammability")["bands"]
        index, flash = self.species.liquids, self.species.flash_points                 # flash points degC
        best, which = _first_highest(np.broadcast_to(band_points(flash, bands), (self.rows.samples, len(index))),
                                     self.contents[:, index] > 0)
        fuels = [j for j, g in enumerate(self.gases) if self.hz.get(g) and self.hz[g].combustible]
        fuel_formed = self.formed[:, fuels]
        first_fuel = np.where(fuel_formed.any(axis=1), fuel_formed.argmax(axis=1), -1) if fuels else np.full(len(best), -1)
        gas = (first_fuel >= 0) & (4 > best)
        lel = np.array([self.hz[self.gases[j]].values["lel"].value * 100 for j in fuels] + [0.0])    # percent
        value = np.where(gas, lel[first_fuel], np.where(which >= 0, flash[which] if len(flash) else 0.0, 0.0))
        gases, names = self.gases, self.db.names

        def words(n):
            if gas[n]:
                return f"flammable gas {gases[fuels[first_fuel[n]]]} formed", "percent"
            if which[n] >= 0:
                return f"{names[index[which[n]]]} flash point", "degC"
            return "no flammable material", "percent"
        return self.s("flammability", np.where(gas, 4, best), value, words)

    def explosiveness(self):
        wide = [(j, (self.hz[g].values["uel"].value - self.hz[g].values["lel"].value) * 100)
                for j, g in enumerate(self.gases) if self.hz.get(g) and self.hz[g].get("lel") and self.hz[g].get("uel")]
        span = np.array([s for _, s in wide] + [0.0])                                   # percent
        cols = [j for j, _ in wide]
        best, which = _first_highest(np.broadcast_to(band_points(span[:-1], self.f("explosiveness")["bands"]),
                                                     (self.rows.samples, len(cols))), self.formed[:, cols])
        gases = self.gases

        def words(n):
            return (f"{gases[cols[which[n]]]} UEL-LEL" if which[n] >= 0 else "no flammable gas formed"), "percent"
        return self.s("explosiveness", best, span[which], words)

    def toxicity(self) -> list[_Scored]:
        """One point per toxic gas formed (the factor takes the highest), so every gas shows."""
        out = []
        for j, g in enumerate(self.gases):
            h = self.hz.get(g)
            if g in INERT or h is None:
                continue
            for key, words in (("tlv_twa", "TLV-TWA"), ("ceiling", "ceiling"), ("stel", "STEL")):
                v = h.get(key)
                if v:
                    ppm = v.value * 1e6
                    out.append(self.s("toxicity", band(ppm, self.f("toxicity")["bands"]), ppm,
                                      _said(f"{g} formed ({words} {ppm:g} ppm)", "ppm"), self.formed[:, j]))
                    break
        none = ~np.any([s.present for s in out], axis=0) if out else None
        return [*out, self.s("toxicity", 0, 0.0, _said("no toxic gas formed", "ppm"), none)]

    def _present(self, names: list[str]) -> np.ndarray:
        """Which of ``names`` the vessel holds, per sample (samples, names): fed, supplied, made
        or formed as gas (a name that is no species is never held)."""
        known = [self.db.index[n] for n in names if n in self.db.index]
        held = (self.contents[:, known] > 0) | (self.made[:, known] > 0)
        cols = []
        for name in names:
            has = held[:, known.index(self.db.index[name])] if name in self.db.index \
                else np.zeros(self.rows.samples, dtype=bool)
            if name in self.gases:
                has = has | self.formed[:, self.gases.index(name)]
            cols.append(has)
        return np.stack(cols, axis=1)

    def corrosivity(self):
        """The vessel holds its feed, reagents and what it makes (a quench's alkoxide)."""
        pts = self.f("corrosivity")["points"]
        special, steel = sorted(SPECIAL_MATERIALS), sorted(STAINLESS)
        present = self._present(special + steel)
        has_special, has_steel = present[:, :len(special)], present[:, len(special):]
        points = np.where(has_special.any(axis=1), pts["special"], np.where(has_steel.any(axis=1), pts["stainless"], 0))

        def words(n):
            if has_special[n].any():
                return "special materials for " + ", ".join(g for g, h in zip(special, has_special[n]) if h), "points"
            if has_steel[n].any():
                return "stainless steel for " + ", ".join(g for g, h in zip(steel, has_steel[n]) if h), "points"
            return "carbon steel", "points"
        return self.s("corrosivity", points, points, words)

    def inventory(self):
        t = self.mass * (HOLDUP if self.r.rate_basis else 1.0) / 1000.0
        return self.s("inventory", band_points(t, self.f("inventory")["bands"]), t,
                      _said("contents of the step (1 h of throughput)" if self.r.rate_basis else "contents per batch", "t"))

    def temperature(self):
        hottest = np.full(self.rows.samples, float(self.step.temperature))                 # K
        for e, _a, T in self.r.streams.values():
            if e.source == self.sid:
                t = self.rows.envelope(T)                  # the hotter of the sample's two rows
                hottest = np.where(t > hottest, t, hottest)
        c = hottest - 273.15
        return self.s("temperature", band_points(c, self.f("temperature")["bands"]), c,
                      _said("highest temperature in the step", "degC"))

    def pressure(self):
        return self.s("pressure", band(1.01325, self.f("pressure")["bands"]), 1.01325, _said("near-atmospheric step", "bar"))

    def equipment(self):
        pts = step_facts(self.db)[self.step.type].equipment_points
        return self.s("equipment", pts, pts, _said(f"{self.step.type} equipment", "points"))

    def reactive_lithium(self):
        cfg = self.f("reactive_lithium")
        kg, water = self._metal_and_water()
        meets = water & (kg > 0)
        pts = band_points(kg, cfg["bands"]) + np.where(meets, cfg["aqueous_penalty"], 0)
        return self.s("reactive_lithium", pts, kg,
                      lambda n: ("metallic Li in the step" + (" meeting water" if meets[n] else ""), "kg"))

    def adiabatic_rise(self):
        cfg = self.f("adiabatic_rise")
        db, T = self.db, self.step.temperature
        rise = (_at_least(self.rows.at(self.step.heat_released, self.case), 0.0)
                / _at_least(self.heat_capacity, 1e-300))                                          # K
        onsets = {k: _kelvin(str(v)) for k, v in cfg["onsets"].items()}
        c = self.contents
        peo = c[:, db.index["PEO(s)"]] > 0
        relevant = {
            "lithium_melting": c[:, db.index["Li(cr)"]] > 0,
            "sulfide_oxidation": (c[:, self.species.sulfide].sum(axis=1) > 0)
                                 & ((c[:, db.index["O2"]] > 0) | (self._charged() > 0)),
            "peo_decomposition": peo,
            "peo_perchlorate_exotherm": peo & (c[:, db.index["LiClO4(s)"]] > 0),
        }
        crossed = np.full(self.rows.samples, -1)
        for k, (name, onset) in enumerate(onsets.items()):
            crossed = np.where((crossed < 0) & relevant[name] & (T < onset) & (onset <= T + rise), k, crossed)
        names = list(onsets)

        def words(n):
            if crossed[n] < 0:
                return "adiabatic temperature rise", "K"
            name = names[crossed[n]]
            return f"adiabatic rise crosses the {name.replace('_', ' ')} onset ({onsets[name] - 273.15:g} C)", "K"
        return self.s("adiabatic_rise", np.where(crossed >= 0, cfg["onset_crossed"], band_points(rise, cfg["bands"])),
                      rise, words)

    def _charged(self) -> np.ndarray:
        """Delithiated layered oxide in the step, kg (1 h of throughput on a rate basis), per sample."""
        db = self.db
        total = 0
        for n in LAYERED_CHARGED:
            total = total + self.contents[:, db.index[n]] * db.molar_mass[db.index[n]]
        return total * (HOLDUP if self.r.rate_basis else 1.0)

    def toxic_vent(self):
        gases = self.vent.toxic
        ratios = np.stack([ppm / idlh for _g, ppm, idlh in gases], axis=1) if gases \
            else np.zeros((self.rows.samples, 0))
        ratio, which = _first_largest(ratios)
        points = np.where(which >= 0, band_points(ratio, self.f("toxic_vent")["bands"]), 0)

        def words(n):
            if which[n] < 0:
                return "no toxic gas in the vent", ""
            gas, ppm, idlh = gases[which[n]]
            return f"{gas} at {ppm[n]:.3g} ppm vs IDLH {idlh:g} ppm", ""
        return self.s("toxic_vent", points, ratio, words)

    def combustible_vent(self):
        comb, lel = self.vent.combustibles, self.vent.lel_mixture
        vented = ~np.isnan(lel)
        x = np.where(vented, comb / np.where(vented, lel, 1.0), 0.0)

        def words(n):
            if not vented[n]:
                return "no combustible gas in the vent", ""
            return f"combustibles {comb[n]:.3g} % vs LEL {lel[n]:.3g} %", ""
        return self.s("combustible_vent", np.where(vented, band_points(x, self.f("combustible_vent")["bands"]), 0),
                      x, words)

    def charged_cathode(self):
        cfg = self.f("charged_cathode")
        kg = self._charged()
        hot = (kg > 0) & (self.step.temperature >= 423.15)
        return self.s("charged_cathode", band_points(kg, cfg["bands"]) + np.where(hot, cfg["hot_penalty"], 0), kg,
                      _said("delithiated layered oxide (O2 on heating)", "kg"))


def _stack_scored(result: RouteResult, rows: SampleRows, cfg: dict, hazards: dict[str, Hazard]) -> _Scored:
    """Route-level point: the highest ground-level concentration the stack's plume makes (worst
    case, the scenarios' weather and stack height) against ERPG-2 of the most critical gas, for
    every sample. It follows the mass the stack emits, so diluting the stack gas does not lower it."""
    from .scenarios import _Context

    c = _Context(result)
    db = result.db
    stack = rows.at(result.sink_total("stack"), Case.WORST) * db.molar_mass          # (samples, S) kg/s
    gases, ratios = [], []
    for i in np.flatnonzero(db.is_gas & (stack > 0).any(axis=0)):
        erpg2 = c.limit(db.names[i], "erpg2")                                          # kg/m^3
        if erpg2:
            gases.append(db.names[i])
            ratios.append(max_ground_concentrations(stack[:, i], c.wind, c.sigmas, c.stack_height) / erpg2)
    worst, which = _first_largest(np.stack(ratios, axis=1) if ratios else np.zeros((rows.samples, 0)))

    def words(n):
        if which[n] < 0:
            return "no toxic gas reaches the ground from the stack", ""
        gas = gases[which[n]]
        return (f"{gas} from the stack reaches {worst[n]:.3g} x ERPG-2 "
                f"({hazards[gas].get('erpg2').value * 1e6:g} ppm) at the ground"), ""
    return _Scored("stack_release", band_points(worst, cfg["factors"]["stack_release"]["bands"]), worst, words)


def _steps_scored(result: RouteResult, rows: SampleRows, cfg: dict, hazards: dict[str, Hazard],
                  vents: dict[str, _VentSeen]) -> dict[Case, list[tuple[str, _Scored]]]:
    """Every factor of every step in each case, for every sample, with its step. Step by step,
    the steps' full-row arrays in the same two buffers (fresh memory for every step of a
    512-sample batch costs more than the arithmetic)."""
    out: dict[Case, list[tuple[str, _Scored]]] = {case: [] for case in CASES}
    buffers = np.empty((len(result.feed), result.db.n_species)), np.empty((len(result.feed), result.db.n_species))
    species, cfg = _species(result.db, hazards), _read_bands(cfg)
    for sid in result.steps:
        step_rows = _step_rows(result, sid, buffers)
        for case in CASES:
            out[case] += [(sid, s) for s in
                          _StepScorer(result, sid, case, rows, cfg, hazards, vents[sid], step_rows, species).all()]
    return out


def _highest_by_factor(scored: list[_Scored]) -> dict[str, np.ndarray]:
    """Per factor the highest points of any step, per sample (Heikkilae's worst-case rule);
    integer arrays (samples,), in the order the factors are first scored."""
    absent = np.iinfo(np.int64).min
    highest: dict[str, np.ndarray] = {}
    for s in scored:
        pts = s.points if s.present is None else np.where(s.present, s.points, absent)
        highest[s.factor] = np.maximum(highest[s.factor], pts) if s.factor in highest else pts
    return {f: np.where(pts == absent, 0, pts) for f, pts in highest.items()}


@dataclass(frozen=True)
class SafetyScores:
    """Heikkilae's inherent-safety index of every sample of a plan or batch, in points: the
    route's score in the expected case and in the worst case, integer arrays (samples,), and
    per factor its highest points over the steps (the route's ``by_factor``), (samples,) each."""

    expected: np.ndarray
    worst_case: np.ndarray
    by_factor: Mapping[str, np.ndarray]
    by_factor_worst_case: Mapping[str, np.ndarray]


def safety_scores(result: RouteResult, rows: SampleRows | None = None, path=None) -> SafetyScores:
    """The inherent-safety score of every sample of ``result`` (a batch, recycle.batch, or a
    plan as one sample) at once: for sample n, ``expected[n]`` and ``worst_case[n]`` are
    ``safety(sample_rows(result, n), audit(sample_rows(result, n)))``'s ``score`` and
    ``score_worst_case``, the vent read as the audit works it out with chemistry/audit.yaml.
    ``rows`` defaults to every sample of a batch (``SampleRows.batch``); ``path``: another
    safety.yaml, as in :func:`safety`."""
    cfg = load_yaml_file(path, str(path)) if path else result.db.data("safety.yaml")
    hazards = load_hazards(result.db)
    rows = SampleRows.batch(len(result.feed)) if rows is None else rows
    vents = _vents_of_balances(result, rows, hazards)
    stack = _stack_scored(result, rows, cfg, hazards)
    scored = _steps_scored(result, rows, cfg, hazards, vents)
    highest = {case: _highest_by_factor([s for _sid, s in scored[case]] + [stack]) for case in CASES}
    score = {case: sum(highest[case].values(), start=np.zeros(rows.samples, dtype=np.int64)) for case in CASES}
    return SafetyScores(expected=score[Case.EXPECTED], worst_case=score[Case.WORST],
                        by_factor=highest[Case.EXPECTED], by_factor_worst_case=highest[Case.WORST])


def safety(result: RouteResult, audit: Audit, path=None) -> Safety:
    """Safety of a route: risk and scenarios, index totals, per-step and per-factor breakdown,
    top contributors."""
    cfg = load_yaml_file(path, str(path)) if path else result.db.data("safety.yaml")
    hazards = load_hazards(result.db)
    plan = SampleRows.plan(len(result.feed))
    vents = _vents_of_audit(result, audit)
    stack = _stack_scored(result, plan, cfg, hazards)
    scored = _steps_scored(result, plan, cfg, hazards, vents)
    out = {}
    for case in CASES:
        points = [pt for sid, s in scored[case] for pt in s.points_at(sid, 0)]
        points += stack.points_at("stack", 0)
        per_factor: dict[str, Point] = {}
        for pt in points:
            if pt.factor not in per_factor or pt.points > per_factor[pt.factor].points:
                per_factor[pt.factor] = pt
        top = sorted(per_factor.values(), key=lambda pt: -pt.points)[:3]
        out[case] = CaseScore(
            score=sum(pt.points for pt in per_factor.values()),
            score_cumulative=sum(pt.points for pt in points),
            by_factor=per_factor,
            breakdown=tuple(pt for pt in points if pt.points > 0),
            contributors=tuple(f"{pt.basis} in {pt.step}: {cfg['factors'][pt.factor]['title']} {pt.points}" for pt in top),
        )
    found = (list(audit.scenarios) if getattr(audit, "scenarios", None) is not None
             else scenarios(result))   # the audit has worked them out already
    expected, worst = out[Case.EXPECTED], out[Case.WORST]
    return Safety(risk=route_risk(found), scenarios=tuple(sorted(found, key=lambda s: -s.risk)),
                  score=expected.score, score_worst_case=worst.score, score_cumulative=expected.score_cumulative,
                  breakdown=expected.breakdown, by_factor=expected.by_factor, contributors=expected.contributors,
                  worst_case=worst,
                  method="routes rank by the risk of their scenarios (worst risk, then aggregate; "
                         "chemistry/scenarios.yaml, docs/methods.md); the score is Heikkilae's 1999 ISI with "
                         "solid-state Li additions (bands in chemistry/safety.yaml), the per-step breakdown")


__all__ = ["CaseScore", "Point", "Safety", "SafetyScores", "band", "band_points", "safety", "safety_scores"]
