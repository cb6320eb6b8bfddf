"""Inherent-safety index per step and route, traceable to the balances.

Heikkilae's Inherent Safety Index (1999) with solid-state Li-metal additions; the factors and
bands are data (``chemistry/safety.yaml``). Every point carries the step, the factor and the
computed quantity behind it. A route's score sums, per factor, the highest step score
(Heikkilae's worst-case rule), for the expected and for the worst case.

Input: a plan on a throughput basis (rows expected, worst) and its gas-handling audit.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .audit import Audit
from .cases import CASES, Case
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


def band(value: float, bands: list) -> int:
    """Points of ``value`` for bands ``[[upper edge, points], ...]`` (edges inclusive)."""
    for edge, points in bands:
        if value <= float(edge):
            return int(points)
    return int(bands[-1][1])


class _StepScorer:
    """Scores the factors of one step for one case row."""

    def __init__(self, result: RouteResult, sid: str, row: int, cfg: dict, hazards: dict[str, Hazard], audit: Audit):
        self.r, self.sid, self.row, self.cfg, self.hz, self.audit = result, sid, row, cfg, hazards, audit
        self.db = result.db
        self.step = result.steps[sid]
        self.contents = self.step.inlet[row] + self.step.reagents[row]          # mol/s
        self.mass = float(self.contents @ self.db.molar_mass)                   # kg/s
        gen = self.step.gas_generated[row] * self.db.molar_mass
        self.gases = [self.db.names[i] for i in np.flatnonzero(gen > 1e-6 * max(self.mass, 1e-300))]

    def p(self, factor, points, value, unit, basis) -> Point:
        return Point(self.sid, factor, int(points), float(value), basis, unit or "dimensionless")

    def f(self, key):
        return self.cfg["factors"][key]

    def all(self) -> list[Point]:
        scorers = [self.reaction_heat, self.side_reaction_heat, self.chemical_interaction,
                   self.flammability, self.explosiveness, self.toxicity, self.corrosivity,
                   self.inventory, self.temperature, self.pressure, self.equipment,
                   self.reactive_lithium, self.adiabatic_rise, self.toxic_vent,
                   self.combustible_vent, self.charged_cathode]
        if step_facts(self.db)[self.step.type].fired:
            skip = {"reaction_heat", "side_reaction_heat", "temperature", "adiabatic_rise"}
            scorers = [m for m in scorers if m.__name__ not in skip]
        points: list[Point] = []
        for m in scorers:
            got = m()
            points += got if isinstance(got, list) else [got]
        return points

    def reaction_heat(self):
        q = self.step.heat_released[self.row] / max(self.mass, 1e-300) / 1000.0
        return self.p("reaction_heat", band(q, self.f("reaction_heat")["bands"]), q, "J/g",
                      "heat released per mass of the step's contents")

    def side_reaction_heat(self):
        h = self.step.heat_released
        q = max(h[Case.WORST] - h[Case.EXPECTED], 0.0) / max(self.mass, 1e-300) / 1000.0
        return self.p("side_reaction_heat", band(q, self.f("side_reaction_heat")["bands"]), q, "J/g",
                      "extra heat released in the worst case")

    def _metal_and_water(self) -> tuple[float, bool]:
        db = self.db
        li = self.contents[db.index["Li(cr)"]] + self.contents[db.index["LiIn(s)"]]   # mol of metallic Li
        kg = li * db.molar_mass[db.index["Li(cr)"]] * (1 if not self.r.rate_basis else HOLDUP)
        return kg, bool(self.contents[db.index["H2O(L)"]] > 0)

    def chemical_interaction(self):
        pts = self.f("chemical_interaction")["points"]
        kg, water = self._metal_and_water()
        if kg > 0 and water:
            return self.p("chemical_interaction", pts["water_reactive_metal"], kg, "kg",
                          "metallic Li meeting water (fire, H2)")
        best, what = 0, "no gas formed"
        for g in self.gases:
            h = self.hz.get(g)
            if g in INERT or h is None:
                kind = "inert"
            elif h.combustible:
                kind = "flammable_above_lel" if self._vent_over_lel() else "flammable"
            elif h.values:
                kind = "toxic"
            else:
                kind = "inert"
            if pts[kind] > best:
                best, what = pts[kind], f"{g} formed ({kind.replace('_', ' ')})"
        return self.p("chemical_interaction", best, best, "points", what)

    def _vent_over_lel(self) -> bool:
        vent = next((v for v in self.audit.ventilation if v.step == self.sid and v.lel_mixture is not None), None)
        return bool(vent and vent.combustibles >= vent.lel_mixture)

    def flammability(self):
        best, what, value = 0, "no flammable material", float("nan")
        bands = self.f("flammability")["bands"]
        for i in np.flatnonzero(self.contents > 0):
            name = self.db.names[i]
            h = self.hz.get(name)
            if h and h.get("flash_point") and self.db.species[i].phase == "liquid":
                fp = h.get("flash_point").value - 273.15
                pts = band(fp, bands)
                if pts > best:
                    best, what, value = pts, f"{name} flash point", fp
        for g in self.gases:
            h = self.hz.get(g)
            if h and h.combustible and 4 > best:
                best, what, value = 4, f"flammable gas {g} formed", h.values["lel"].value * 100
        unit = "degC" if "flash" in what else "percent"
        return self.p("flammability", best, 0.0 if math.isnan(value) else value, unit, what)

    def explosiveness(self):
        best, what, span = 0, "no flammable gas formed", 0.0
        for g in self.gases:
            h = self.hz.get(g)
            if h and h.get("lel") and h.get("uel"):
                s = (h.values["uel"].value - h.values["lel"].value) * 100
                pts = band(s, self.f("explosiveness")["bands"])
                if pts > best:
                    best, what, span = pts, f"{g} UEL-LEL", s
        return self.p("explosiveness", best, span, "percent", what)

    def toxicity(self) -> list[Point]:
        """One point per toxic gas formed (the factor takes the highest), so every gas shows."""
        out = []
        for g in self.gases:
            h = self.hz.get(g)
            if g in INERT or h is None:
                continue
            for key, words in (("tlv_twa", "TLV-TWA"), ("ceiling", "ceiling"), ("stel", "STEL")):
                v = h.get(key)
                if v:
                    ppm = v.value * 1e6
                    out.append(self.p("toxicity", band(ppm, self.f("toxicity")["bands"]), ppm, "ppm",
                                      f"{g} formed ({words} {ppm:g} ppm)"))
                    break
        return out or [self.p("toxicity", 0, 0.0, "ppm", "no toxic gas formed")]

    def corrosivity(self):
        """The vessel holds its feed, reagents and what it makes (a quench's alkoxide)."""
        made = sum(self.step.outlets.values())[self.row]
        present = set(self.gases) | {self.db.names[i] for i in np.flatnonzero((self.contents > 0) | (made > 0))}
        pts = self.f("corrosivity")["points"]
        special = sorted(present & set(SPECIAL_MATERIALS))
        if special:
            return self.p("corrosivity", pts["special"], pts["special"], "points", "special materials for " + ", ".join(special))
        steel = sorted(present & set(STAINLESS))
        if steel:
            return self.p("corrosivity", pts["stainless"], pts["stainless"], "points", "stainless steel for " + ", ".join(steel))
        return self.p("corrosivity", 0, 0, "points", "carbon steel")

    def inventory(self):
        t = self.mass * (HOLDUP if self.r.rate_basis else 1.0) / 1000.0
        return self.p("inventory", band(t, self.f("inventory")["bands"]), t, "t",
                      "contents of the step (1 h of throughput)" if self.r.rate_basis else "contents per batch")

    def temperature(self):
        temps = [self.step.temperature] + [float(np.max(T)) for e, a, T in self.r.streams.values() if e.source == self.sid]
        c = max(temps) - 273.15
        return self.p("temperature", band(c, self.f("temperature")["bands"]), c, "degC", "highest temperature in the step")

    def pressure(self):
        return self.p("pressure", band(1.01325, self.f("pressure")["bands"]), 1.01325, "bar", "near-atmospheric step")

    def equipment(self):
        pts = step_facts(self.db)[self.step.type].equipment_points
        return self.p("equipment", pts, pts, "points", f"{self.step.type} equipment")

    def reactive_lithium(self):
        cfg = self.f("reactive_lithium")
        kg, water = self._metal_and_water()
        pts = band(kg, cfg["bands"]) + (cfg["aqueous_penalty"] if kg > 0 and water else 0)
        return self.p("reactive_lithium", pts, kg, "kg", "metallic Li in the step" + (" meeting water" if water and kg > 0 else ""))

    def adiabatic_rise(self):
        cfg = self.f("adiabatic_rise")
        db, T = self.db, self.step.temperature
        out = sum(a[self.row] for a in self.step.outlets.values())
        cp = out @ db.heat_capacity(T)                                                   # J/K (per s)
        rise = max(self.step.heat_released[self.row], 0.0) / max(cp, 1e-300)
        onsets = {k: _kelvin(str(v)) for k, v in cfg["onsets"].items()}
        relevant = {
            "lithium_melting": self.contents[db.index["Li(cr)"]] > 0,
            "sulfide_oxidation": bool(self.contents[db.mask(family="sulfide")].sum() > 0
                                      and (self.contents[db.index["O2"]] > 0 or self._charged() > 0)),
            "peo_decomposition": self.contents[db.index["PEO(s)"]] > 0,
            "peo_perchlorate_exotherm": bool(self.contents[db.index["PEO(s)"]] > 0 and self.contents[db.index["LiClO4(s)"]] > 0),
        }
        for name, onset in onsets.items():
            if relevant[name] and T < onset <= T + rise:
                return self.p("adiabatic_rise", cfg["onset_crossed"], rise, "K",
                              f"adiabatic rise crosses the {name.replace('_', ' ')} onset ({onset - 273.15:g} C)")
        return self.p("adiabatic_rise", band(rise, cfg["bands"]), rise, "K", "adiabatic temperature rise")

    def _charged(self) -> float:
        db = self.db
        return sum(self.contents[db.index[n]] * db.molar_mass[db.index[n]] for n in LAYERED_CHARGED) \
            * (HOLDUP if self.r.rate_basis else 1.0)

    def toxic_vent(self):
        best, what, ratio = 0, "no toxic gas in the vent", 0.0
        for g in (g for g in self.audit.gases if g.step == self.sid):
            idlh = g.limits.get("idlh")
            if idlh:
                x = g.vent_peak / idlh
                pts = band(x, self.f("toxic_vent")["bands"])
                if x > ratio:
                    best, what, ratio = pts, f"{g.gas} at {g.vent_peak:.3g} ppm vs IDLH {idlh:g} ppm", x
        return self.p("toxic_vent", best, ratio, "", what)

    def combustible_vent(self):
        vent = next((v for v in self.audit.ventilation if v.step == self.sid and v.lel_mixture is not None), None)
        if not vent:
            return self.p("combustible_vent", 0, 0, "", "no combustible gas in the vent")
        x = vent.combustibles / vent.lel_mixture
        return self.p("combustible_vent", band(x, self.f("combustible_vent")["bands"]), x, "",
                      f"combustibles {vent.combustibles:.3g} % vs LEL {vent.lel_mixture:.3g} %")

    def charged_cathode(self):
        cfg = self.f("charged_cathode")
        kg = self._charged()
        pts = band(kg, cfg["bands"]) + (cfg["hot_penalty"] if kg > 0 and self.step.temperature >= 423.15 else 0)
        return self.p("charged_cathode", pts, kg, "kg", "delithiated layered oxide (O2 on heating)")


def _stack_point(result: RouteResult, cfg: dict, hazards: dict[str, Hazard]) -> Point:
    """Route-level point: the highest ground-level concentration the stack's plume makes (worst
    case, the scenarios' weather and stack height) against ERPG-2 of the most critical gas. It
    follows the mass the stack emits, so diluting the stack gas does not lower it."""
    from .consequence import max_ground_concentration
    from .scenarios import _Context

    c = _Context(result)
    db = result.db
    stack = result.sink_total("stack")[Case.WORST] * db.molar_mass          # kg/s
    worst, what = 0.0, "no toxic gas reaches the ground from the stack"
    for i in np.flatnonzero(db.is_gas & (stack > 0)):
        gas = db.names[i]
        erpg2 = c.limit(gas, "erpg2")
        if not erpg2:
            continue
        ratio = max_ground_concentration(stack[i], c.wind, c.sigmas, c.stack_height) / erpg2
        if ratio > worst:
            worst, what = ratio, (f"{gas} from the stack reaches {ratio:.3g} x ERPG-2 "
                                  f"({hazards[gas].get('erpg2').value * 1e6:g} ppm) at the ground")
    return Point("stack", "stack_release", band(worst, cfg["factors"]["stack_release"]["bands"]), float(worst), what)


def safety(result: RouteResult, audit: Audit, path=None) -> Safety:
    """Safety of a route: risk and scenarios, index totals, per-step and per-factor breakdown,
    top contributors."""
    cfg = load_yaml_file(path, str(path)) if path else result.db.data("safety.yaml")
    hazards = load_hazards(result.db)
    out = {}
    for case in CASES:
        points = [pt for sid in result.steps for pt in _StepScorer(result, sid, case, cfg, hazards, audit).all()]
        points.append(_stack_point(result, cfg, hazards))
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


__all__ = ["CaseScore", "Point", "Safety", "band", "safety"]
