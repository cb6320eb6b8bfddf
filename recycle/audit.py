"""Gas-handling audit: what gas, how much, how fast, and what must handle it.

Runs on a plan made on a throughput basis (amounts in mol/s; row 0 expected, row 1 worst
case) and returns plain data: per step and gas the average and peak generation, the vent or
headspace concentration against exposure and flammability limits, dilution air, the
scrubber and flare duties, the dry room's dew point, and findings sorted by severity.
Sources of the parameters: ``chemistry/audit.yaml``; of the limits: ``chemistry/hazards.yaml``.
Units in the returned data: kg/h, m^3/h (25 C, 1 atm), ppm (volume), kW, K, m, m^2.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .cases import Case, SampleRows, envelope, row_dot
from .chemistry import plain_names
from .constants import MOLAR_VOLUME_25C
from .flows import vented, vented_gas
from .hazards import Hazard, le_chatelier_lel, le_chatelier_lels, load_hazards
from .moisture import ice_vapour_pressure
from .permit import Permit
from .results import Measured, internal, measured, optional
from .scenarios import Scenario
from .simulate import RouteResult
from .step_types import step_facts
from .units import magnitude
from .yamlio import load_yaml_file

SEVERITY = {"critical": 0, "warning": 1, "info": 2}
TOXIC_NO_DILUTION = ("H2S", "HF", "HCL", "CL2")   # ACGIH Industrial Ventilation: local exhaust or enclosure
H2_PER_KG_LI = 2.01588 / (2 * 6.941)   # kg H2 per kg Li: 2 Li + 2 H2O -> 2 LiOH + H2 (stoichiometry)
TRACE = 1e-9            # gases made at less than this fraction of the feed mass are not listed
CONCENTRATED = 0.01     # acid gas mole fraction at a caustic scrubber's inlet treated as concentrated (S)
# Normal products of combustion and inert gases: judged as asphyxiants in rooms, not as
# toxic releases in flue gas or at the stack.
COMBUSTION_PRODUCTS = ("CO2", "H2O", "N2", "O2", "Ar")
LIMIT_NAMES = {"tlv_twa": "TLV-TWA", "stel": "STEL", "ceiling": "ceiling"}


@dataclass(frozen=True, repr=False)
class Finding(Measured):
    """What the audit found: severity, where, which gas, the message for people, and the number
    behind it with the limit it is held against (``value`` in ``unit``, ``limit`` in ``limit_unit``)."""

    severity: str
    step: str
    gas: str
    message: str
    value: float | None = measured(unit_field="unit", default=None)
    limit: float | None = measured(unit_field="limit_unit", default=None)
    source: str = ""
    unit: str = internal(default="")
    limit_unit: str = internal(default="")

    @classmethod
    def of(cls, severity: str, step: str, gas: str, message: str, value: tuple[float, str] | None = None,
           limit: tuple[float, str] | None = None, source: str = "") -> Finding:
        """A finding from (number, unit) pairs."""
        return cls(severity, step, gas, plain_names(message), float(value[0]) if value else None,
                   float(limit[0]) if limit else None, source, value[1] if value else "", limit[1] if limit else "")


@dataclass(frozen=True, kw_only=True, repr=False)
class GasLine(Measured):
    """One gas of one step: generated (expected and worst-case averages, and the worst case x the
    step's peak factor) in kg/h, its vent concentration in ppm, and its exposure and
    flammability limits in ppm."""

    step: str
    gas: str
    generated: float = measured("kg/h")
    generated_worst: float = measured("kg/h")
    peak: float = measured("kg/h")
    vent: float = measured("ppm")             # in the vent/headspace, expected average
    vent_peak: float = measured("ppm")        # worst case at peak
    limits: Mapping[str, float] = measured("ppm")


@dataclass(frozen=True, kw_only=True, repr=False)
class Ventilation(Measured):
    """A step's vent: the LEL of its combustible mixture and the combustibles in it (percent, worst
    case at peak) with the dilution air that keeps them under the allowed share of the LEL, and the
    dilution air for exposure (to the TLV); fields a step does not need are None."""

    step: str
    lel_mixture: float | None = measured("percent", optional=True)
    combustibles: float | None = measured("percent", optional=True)
    dilution_air_lel: float | None = measured("m^3/h", optional=True)
    dilution_air_exposure: float | None = measured("m^3/h", optional=True)
    dilution_acceptable: bool | None = optional()
    remark: str | None = optional()


@dataclass(frozen=True, kw_only=True, repr=False)
class ScrubbedGas(Measured):
    """An acid gas leaving a scrubber: its rate and its concentration in the clean gas."""

    rate: float = measured("kg/h")
    concentration: float = measured("ppm")


@dataclass(frozen=True, kw_only=True, repr=False)
class Scrubber(Measured):
    """An absorber's duty: outlet gases, gas and liquid flows, reagents bought, gases absorbed,
    and the column's cross-section and diameter at the worst-case gas flow."""

    step: str
    reagent: str
    outlet: Mapping[str, ScrubbedGas]
    gas_flow: float = measured("m^3/h")
    reagents: Mapping[str, float] = measured("kg/h")
    absorbed: Mapping[str, float] = measured("kg/h")
    liquid_flow: float = measured("m^3/h")
    cross_section: float = measured("m^2")
    diameter: float = measured("m")
    removal: float
    basis: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Flare(Measured):
    """A flare's heat release, flame temperature and SO2 formed; ``enabled`` False (and nothing
    else) when the flare is switched off."""

    step: str
    enabled: bool | None = optional()
    heat_release: float | None = measured("kW", optional=True)
    heat_release_worst: float | None = measured("kW", optional=True)
    flame_temperature: float | None = measured("K", optional=True)
    so2_formed: float | None = measured("kg/h", optional=True)
    so2_formed_worst: float | None = measured("kg/h", optional=True)


@dataclass(frozen=True, kw_only=True, repr=False)
class DryRoom(Measured):
    """A dismantling dry room: volume, air changes, water and worst-case toxic gas in the room air
    (and the part of it the opened cells held), the target, the dew point that meets it (None
    where the held gas alone exceeds the target), and the room's power."""

    step: str
    room_volume: float = measured("m^3")
    air_changes: float = measured("1/h")
    water: float = measured("ppm")
    toxic_gas_in_room_worst: float = measured("ppm")
    held_gas_in_room_worst: float = measured("ppm")        # the part the opened cells held (not ~ water)
    target: float = measured("ppm")
    dew_point_needed: float | None = measured("degC")      # None (null): no dew point meets the target
    power: float = measured("kW")


@dataclass(frozen=True, kw_only=True)
class AuditParameters:
    """The dilution mixing factor K and the allowed share of the LEL, with their sources."""

    dilution_k: float
    lel_fraction: float
    sources: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class Audit:
    route: str
    throughput: str
    gases: tuple[GasLine, ...]
    findings: tuple[Finding, ...]
    ventilation: tuple[Ventilation, ...]
    scrubber: tuple[Scrubber, ...]
    flare: tuple[Flare, ...]
    dry_room: tuple[DryRoom, ...]
    parameters: AuditParameters
    scenarios: tuple[Scenario, ...] = ()
    """The process-safety scenarios that drive the route's risk (recycle.scenarios), riskiest first."""
    permit: Permit | None = None
    """The stack against a region's emission limit values (recycle.permit), when asked for."""

    def __repr__(self) -> str:
        return (f"Audit(route={self.route!r}, {self.throughput}, {len(self.findings)} findings, "
                f"worst {self.worst_severity()})")

    def worst_severity(self) -> str | None:
        return min((f.severity for f in self.findings), key=SEVERITY.get, default=None)

    def at_or_above(self, severity: str) -> list[Finding]:
        """The findings of ``severity`` or worse (critical is worst), e.g. for ``--fail-on``."""
        return [f for f in self.findings if SEVERITY[f.severity] <= SEVERITY[severity]]


def dilution_air(gas_rate: float, limit: float, k: float) -> float:
    """Dilution air (same unit as ``gas_rate``) keeping a gas at ``limit`` (mole fraction):
    Q = K G / C (ACGIH, Industrial Ventilation: A Manual of Recommended Practice)."""
    return k * gas_rate / limit


def _m(value: float, unit: str) -> tuple[float, str]:
    """A number and its unit, for :meth:`Finding.of`."""
    return float(value), unit


def _param(data: dict, key: str, unit: str) -> float:
    raw = data[key]["value"]
    return magnitude(str(raw), unit) if unit else float(raw)


def _flag_findings(sid: str, step) -> list[Finding]:
    """Findings from the step's structured flags (:mod:`recycle.flags`), never from its notes.

    Metallic Li meeting an aqueous medium is critical (Luo 2024 section 4.2); so is Li metal
    reacting with what it is ground with (Luo 2024 section 2.2: combustion on grinding, even
    under inert gas); sulfide held in an alkaline liquor is a warning (H2S on acidification)."""
    out = []
    for flag in step.outcome.flags:
        kg_h = np.asarray(flag.amount, dtype=float) * 3600.0     # the audit runs on kg/s
        if flag.code == "metal_meets_water":
            advice = {"quench": "quench in ethanol, isopropanol or DEC instead of water",
                      "discharge": "discharge over a resistive load, not in brine"}.get(
                step.type, "quench it in an alcohol upstream")
            h2 = kg_h.max() * H2_PER_KG_LI
            out.append(Finding.of("critical", sid, "H2", f"metallic Li ({kg_h.max():.3g} kg/h) meets water in this step "
                               f"({'/'.join(step.outcome.media)}) and gives {h2:.3g} kg/h of H2 with violent heat; "
                               f"{advice}", _m(h2, "kg/h"), _m(0.0, "kg/h"), "Luo 2024 section 4.2 (Li reacts violently with water, H2)"))
        elif flag.code == "contact_reaction":
            out.append(Finding.of("critical", sid, "-", f"Li metal reacts with the electrolyte or charged cathode it is "
                               f"ground with: {kg_h[Case.EXPECTED]:.3g} kg/h of Li expected, {kg_h[Case.WORST]:.3g} kg/h if it "
                               "burns (heat, fire even under argon, at any state of charge); take the Li anode off "
                               "before shredding (dry-room dismantling) or shred under an inert liquid", _m(kg_h[Case.WORST], "kg/h"), None,
                               "Luo 2024 section 2.2"))
        elif flag.code == "unquantified_hazard":
            out.append(Finding.of("warning", sid, "-", f"{flag.message} ({kg_h.max():.3g} kg/h): treat it as a hazard "
                               "the plan does not size for", _m(kg_h.max(), "kg/h"), None, "chemistry/reactivity.yaml"))
        elif flag.code == "latent_sulfide":
            out.append(Finding.of("warning", sid, "H2S", f"sulfide held in the alkaline liquor and residue "
                               f"({kg_h.max():.3g} kg/h as H2S) is released as H2S when they are acidified or "
                               "neutralised: oxidise or precipitate it before the effluent is treated",
                               _m(kg_h.max(), "kg/h"), None, "chemistry/reactivity.yaml (alkaline hydrolysis)"))
    return out


def audit(result: RouteResult, lel_fraction: float | None = None, dilution_k: float | None = None,
          path=None, permit_region: str | None = None, permit_margin: float = 0.0) -> Audit:
    """Audit the gas handling of ``result`` (a throughput-basis plan with expected/worst rows);
    with ``permit_region``, also its stack against that region's emission limits (a limit
    exceeded is a critical finding)."""
    if not result.rate_basis:
        raise ValueError("the audit needs a plan on a throughput basis")
    db = result.db
    cfg = load_yaml_file(path, str(path)) if path else db.data("audit.yaml")
    hazards = load_hazards(db)
    k = dilution_k if dilution_k is not None else _param(cfg, "dilution_k", "")
    f_lel = lel_fraction if lel_fraction is not None else _param(cfg, "lel_fraction", "")
    kg_h = db.molar_mass * 3600.0                      # mol/s -> kg/h per species
    m3_h = MOLAR_VOLUME_25C * 3600.0                   # mol/s -> m3/h
    gases, findings, ventilation = [], [], []
    peaks: dict[str, dict[str, float]] = {}      # step -> gas -> worst-case peak mole fraction in its vent
    plan = SampleRows.plan(len(result.feed))
    for sid, step in result.steps.items():
        at_peak = step_vent(result, sid, plan, hazards, cfg)
        peak = at_peak.peak
        vent = at_peak.species(np.concatenate([at_peak.vent_expected, at_peak.vent_worst]), db.n_species)  # (2, S) mol/s
        sweep = at_peak.sweep[0]                                                       # mol/s
        total = vent.sum(axis=1) + sweep
        gen = at_peak.species(np.concatenate([at_peak.generated_expected, at_peak.generated_worst]), db.n_species)
        metal = step.inlet[:, db.index["Li(cr)"]] + step.inlet[:, db.index["LiIn(s)"]]
        if metal.any():
            findings.append(Finding.of("info", sid, "-", "metallic Li in process: class D fire suppression "
                                    "(graphite, dry sand, NaCl, LiCl or Cu powder); never water, CO2 or halons",
                                    source="class D agents: practice, no primary source named (U); water-based agents "
                                           "are not applicable to SSLMBs (Luo 2024 section 4.1)"))
        findings += _flag_findings(sid, step)
        fractions_peak = peaks.setdefault(sid, {})
        for name in (g for g, listed in at_peak.listed.items() if listed[0]):
            i, h = db.index[name], hazards[name]
            x_avg = vent[Case.EXPECTED, i] / max(total[Case.EXPECTED], 1e-300)
            x_peak = at_peak.fractions_peak[name][0]
            fractions_peak[name] = x_peak
            line = GasLine(step=sid, gas=name, generated=float(gen[Case.EXPECTED, i] * kg_h[i]),
                           generated_worst=float(gen[Case.WORST, i] * kg_h[i]),
                           peak=float(gen[Case.WORST, i] * peak * kg_h[i]), vent=float(x_avg * 1e6),
                           vent_peak=float(x_peak * 1e6),
                           limits={key: float(v.value * 1e6) for key, v in h.values.items() if key in
                                   ("idlh", "tlv_twa", "stel", "ceiling", "erpg2", "lel")})
            gases.append(line)
            if name not in COMBUSTION_PRODUCTS:
                findings += _exposure_findings(sid, name, h, x_peak)
        lel_mix = at_peak.lel_mixture(hazards)[0]
        lel_mix = None if np.isnan(lel_mix) else lel_mix
        comb = at_peak.combustibles(hazards)[0]
        row: dict = {}
        if lel_mix is not None:
            comb_rate = sum(vent[Case.WORST, db.index[g]] * peak for g in fractions_peak if hazards[g].combustible)
            air = dilution_air(comb_rate * m3_h, f_lel * lel_mix, k)
            row.update(lel_mixture=float(lel_mix * 100), combustibles=float(comb * 100), dilution_air_lel=float(air))
            if comb >= lel_mix:
                findings.append(Finding.of("critical", sid, "+".join(g for g in fractions_peak if hazards[g].combustible),
                                        f"vent stream is flammable ({comb:.1%} combustibles, LEL of the mixture "
                                        f"{lel_mix:.1%}): inert the headspace or dilute with {air:,.0f} m3/h of air "
                                        f"(K={k:g}, {f_lel:.0%} LEL)", _m(comb * 100, "percent"),
                                        _m(lel_mix * 100, "percent"), "Le Chatelier; NFPA 69 (U)"))
            elif comb >= f_lel * lel_mix:
                findings.append(Finding.of("warning", sid, "combustibles", f"vent above {f_lel:.0%} of the LEL",
                                        _m(comb * 100, "percent"), _m(f_lel * lel_mix * 100, "percent"), "NFPA 69 (U)"))
        toxic_air = 0.0
        for g, x in fractions_peak.items():
            tlv = hazards[g].get("tlv_twa")
            if tlv and x > 0:
                toxic_air += dilution_air(vent[Case.WORST, db.index[g]] * peak * m3_h, tlv.value, k)
        if toxic_air > 0:
            bad = [g for g in fractions_peak if g in TOXIC_NO_DILUTION]
            row.update(dilution_air_exposure=float(toxic_air),
                       dilution_acceptable=not bad,
                       remark=("dilution not acceptable for " + ", ".join(bad) + ": local exhaust or enclosure")
                       if bad else "dilution acceptable")
        if row:
            ventilation.append(Ventilation(step=sid, **row))
    findings += (_stack_findings(result, hazards) + _scrubber_inlet_findings(result) + _metal_leaving(result)
                 + _pulverised_lithium(result) + _reactive_dust(result)
                 + _receiving_findings(result, hazards, f_lel, peaks))
    types = {s.type for s in result.route.steps.values()}
    nh3 = db.index["NH3"]
    nh3_trace = TRACE * float(db.mass(result.feed)[Case.EXPECTED]) / db.molar_mass[nh3]          # mol: an equilibrium trace
    if "acid_scrub" not in types and any(s.gas_generated[Case.WORST, nh3] > nh3_trace for s in result.steps.values()):
        findings.append(Finding.of("warning", "route", "NH3", "NH3 is generated but the route has no acid stage: "
                                "caustic does not absorb it (add an acid_scrub step)", source="NH3 is a base: absorbed in acid, not in caustic (U: textbook, no primary source named)"))
    permit_doc = None
    if permit_region is not None:
        from .permit import permit as check_permit

        checked = check_permit(result, permit_region, permit_margin)
        permit_doc = checked
        for line in checked.failures:
            need = line.required
            fix = (f"; {need.step} must remove {100 * need.removal_needed:.4g} % "
                   f"(now {100 * need.removal_now:.4g} %), NTU {need.ntu_needed:.3g} "
                   f"instead of {need.ntu_now:.3g}" if need else "; no absorber in the route treats it")
            findings.append(Finding.of("critical", "stack", line.pollutant,
                                    f"{line.pollutant} at the stack exceeds the {checked.region} limit "
                                    f"({line.averaging}){fix}", _m(line.concentration_worst, line.unit_of("concentration_worst")),
                                       _m(line.limit, line.unit_of("limit")), line.source))
    rooms = _dry_rooms(result, cfg, hazards)
    findings += _dry_room_findings(rooms)
    findings.sort(key=lambda f: (SEVERITY[f.severity], f.step, f.gas))
    from .scenarios import (
        scenarios,  # scenarios use the audit's envelope; imported here to keep one direction
    )

    driving = sorted(scenarios(result), key=lambda s: (-s.risk, -s.distance))
    return Audit(route=result.route.id, throughput=result.basis.text, gases=tuple(gases), findings=tuple(findings),
                 ventilation=tuple(ventilation), scrubber=tuple(_scrubbers(result)), flare=tuple(_flares(result)),
                 dry_room=tuple(rooms),
                 parameters=AuditParameters(dilution_k=k, lel_fraction=f_lel,
                                            sources={"dilution_k": cfg["dilution_k"]["source"],
                                                     "lel_fraction": cfg["lel_fraction"]["source"]}),
                 scenarios=tuple(driving), permit=permit_doc)


@dataclass(frozen=True, kw_only=True)
class StepVent:
    """A step's vent for every sample of a plan or batch (:class:`recycle.cases.SampleRows`), in
    the gas species' columns ``gas`` (species indices): arrays ``(samples, gases)`` in mol/s,
    ``(samples,)`` per sample.

    The worst case is the envelope (raised to the expected case, :func:`recycle.cases.envelope`).
    ``fractions_peak`` holds, per gas the audit lists in some sample, the worst-case mole
    fraction in the vent at peak (the step's peak factor on its gas, diluted by its sweep); a
    gas is listed in a sample (``listed``) when the step makes more of it than ``TRACE`` of the
    feed mass and it has a hazard (a limit or asphyxiant), and its fraction is 0 where not."""

    gas: np.ndarray                      # species index of each column
    peak: float                          # peak / average generation of the step (chemistry/audit.yaml)
    sweep: np.ndarray                    # (samples,) mol/s of sweep or room air diluting the vent
    vent_expected: np.ndarray            # gas the step lets out, expected case
    vent_worst: np.ndarray               # worst case
    vented_worst: np.ndarray             # (samples,) mol/s: all of it, worst case
    generated_expected: np.ndarray       # gas it forms (a gas treatment) or lets out, expected case
    generated_worst: np.ndarray          # worst case
    fractions_peak: Mapping[str, np.ndarray]   # gas -> (samples,) mole fraction at peak, worst case
    listed: Mapping[str, np.ndarray]           # gas -> (samples,) bool

    def species(self, x: np.ndarray, n_species: int) -> np.ndarray:
        """``x`` (samples, gases) spread over every species (samples, species), 0 outside the gases."""
        out = np.zeros((len(x), n_species))
        out[:, self.gas] = x
        return out

    def combustibles(self, hazards: dict[str, Hazard]) -> np.ndarray:
        """Mole fraction of the combustible gases in the vent at peak, worst case, (samples,)."""
        total = np.zeros_like(self.sweep)
        for gas, x in self.fractions_peak.items():
            if hazards[gas].combustible:
                total = total + x
        return total

    def lel_mixture(self, hazards: dict[str, Hazard]) -> np.ndarray:
        """LEL (mole fraction) of the vent's combustibles at peak (Le Chatelier), (samples,); NaN
        where the vent has none."""
        return np.broadcast_to(le_chatelier_lels(self.fractions_peak, hazards), self.sweep.shape)


def step_vent(result: RouteResult, sid: str, rows: SampleRows, hazards: dict[str, Hazard], cfg: dict) -> StepVent:
    """The vent of step ``sid`` for every sample ``rows`` of ``result`` (:class:`StepVent`): what
    the audit holds against exposure and flammability limits. ``cfg``: chemistry/audit.yaml."""
    db, step = result.db, result.steps[sid]
    scfg = (cfg.get("steps") or {}).get(step.type) or step_facts(db)[step.type].audit
    peak = float(scfg["peak_factor"])
    gas = np.flatnonzero(db.is_gas)
    let_out = vented_gas(step, db)                                                   # (rows, gases) mol/s
    vent_e, vent_w = rows.at(let_out, Case.EXPECTED), rows.envelope(let_out)
    vented_worst = _vented_total(vent_w, gas, db.n_species)
    sweep = _sweep(result, sid, scfg, cfg, rows) / (MOLAR_VOLUME_25C * 3600.0)          # mol/s
    # gas the step lets out (not a gas treatment): what it forms and, for a step that opens
    # cells, the gas they held; gas kept inside closed cells is not vented (recycle.flows.vented)
    made = step.gas_generated[:, gas] if step.gas_treatment else let_out
    gen_e, gen_w = rows.at(made, Case.EXPECTED), rows.envelope(made)
    trace = TRACE * row_dot(rows.at(result.feed, Case.EXPECTED), db.molar_mass)         # kg(/s) per sample
    over = gen_w * db.molar_mass[gas] > trace[:, None]                                  # (samples, gases)
    diluted = np.maximum(vented_worst * peak + sweep, 1e-300)                           # mol/s at peak
    fractions, listed = {}, {}
    for j in np.flatnonzero(over.any(axis=0)):
        name = db.names[gas[j]]
        h = hazards.get(name)
        if h is None or not (h.values or h.asphyxiant):
            continue
        listed[name] = over[:, j]
        fractions[name] = np.where(over[:, j], vent_w[:, j] * peak / diluted, 0.0)
    return StepVent(gas=gas, peak=peak, sweep=sweep, vent_expected=vent_e, vent_worst=vent_w,
                    vented_worst=vented_worst, generated_expected=gen_e, generated_worst=gen_w,
                    fractions_peak=fractions, listed=listed)


def _vented_total(vent: np.ndarray, gas: np.ndarray, n_species: int) -> np.ndarray:
    """All the gas of ``vent`` (samples, gases), mol/s per sample, summed over every species as
    a plan's full rows are (the same rounding)."""
    full = np.zeros((len(vent), n_species))
    full[:, gas] = vent
    return full.sum(axis=1)


def _sweep(result, sid, scfg, cfg, rows: SampleRows | None = None):
    """Sweep or ventilation flow (m3/h) diluting the step's vent: a room's air changes on its
    worst-case volume, or the step type's own sweep. Per sample of ``rows`` (samples,); without
    ``rows``, the plan's one value (a float)."""
    if rows is None:
        return float(_sweep(result, sid, scfg, cfg, SampleRows.plan(len(result.feed)))[0])
    sweep = str(scfg.get("sweep", "0 m^3/h"))
    if sweep == "room":
        room = result.steps[sid].outcome.quantities.get("room_volume")
        if room is None:
            return np.zeros(rows.samples)
        return rows.at(room[0], Case.WORST) * _param(cfg, "dry_room_air_changes", "1/h")
    if sweep == "step":
        return np.zeros(rows.samples)
    return np.full(rows.samples, magnitude(sweep, "m^3/h"))


def _exposure_findings(sid: str, gas: str, h: Hazard, x: float) -> list[Finding]:
    out = []
    checks = (("idlh", "critical", "above IDLH"), ("ceiling", "warning", "above the ceiling limit"),
              ("erpg2", "warning", "above ERPG-2"), ("stel", "warning", "above the STEL"))
    for key, severity, words in checks:
        lim = h.get(key)
        if lim and x > lim.value:
            out.append(Finding.of(severity, sid, gas, f"{gas} in the vent/headspace at peak {words}: "
                               + ("keep the system closed and route it to treatment" if severity == "critical"
                                  else "enclose and extract"),
                               _m(x * 1e6, "ppm"), _m(lim.value * 1e6, "ppm"), lim.source))
            break
    return out


def stack_fractions(result) -> dict[str, float]:
    """Worst-case mole fraction of each gas leaving the stack (combustion products and air left out)."""
    db = result.db
    stack = envelope(result.sink_total("stack"))
    total = stack[Case.WORST, db.is_gas].sum()
    if total <= 0:
        return {}
    return {db.names[i]: float(stack[Case.WORST, i] / total) for i in np.flatnonzero(db.is_gas & (stack[Case.WORST] > 0))
            if db.names[i] not in COMBUSTION_PRODUCTS}


LIQUID_KINDS = ("alcohol", "aprotic_solvent", "aqueous_acidic", "aqueous_alkaline", "aqueous_neutral")


def _pulverised_lithium(result) -> list[Finding]:
    """Metallic Li that a shredder has ground and that then meets a liquid floats and scatters
    (density 0.53 g/cm3), an ignition source (Luo 2024 section 4.2)."""
    db = result.db
    li = db.index["Li(cr)"]
    shredders = [sid for sid, st in result.route.steps.items() if st.pulverises]
    downstream, todo = set(), list(shredders)
    while todo:
        sid = todo.pop()
        for edge in result.route.edges:
            if edge.source == sid and edge.target in result.steps and edge.target not in downstream:
                downstream.add(edge.target)
                todo.append(edge.target)
    kinds = {name: m.get("kind", "") for name, m in db.data("media.yaml")["media"].items()}
    liquid = np.array([info.phase == "liquid" for info in db.species])
    out = []
    for sid in sorted(downstream, key=list(result.steps).index):
        step = result.steps[sid]
        kg_h = float(envelope(step.inlet)[Case.WORST, li] * db.molar_mass[li] * 3600.0)
        wet = (any(kinds.get(m) in LIQUID_KINDS for m in step.outcome.media)
               or bool(np.any(step.inlet[Case.WORST, liquid] > 0)))
        if kg_h > 0 and wet:
            out.append(Finding.of("warning", sid, "Li", f"shredded Li metal ({kg_h:.3g} kg/h) meets a liquid in this step: "
                               "pulverised Li floats and scatters (0.53 g/cm3), an ignition source; keep it submerged "
                               "under inert gas, screen and collect the fines, and size the vessel for the gas and the "
                               "alkali it makes", _m(kg_h, "kg/h"), None,
                               "Luo 2024 section 4.2: pulverised Li floats and scatters in separation, an ignition source"))
    return out


def _reactive_dust(result) -> list[Finding]:
    """Dust a step sends to a filter that holds Li metal (or Li-In) fines or a moisture-sensitive
    electrolyte: the filter is an ignition and toxic-gas source (Luo 2024 section 4.2: pulverised
    Li is an ignition source; moisture-sensitive electrolytes in chemistry/moisture.yaml give H2S,
    HX, H2 or NH3 with air moisture)."""
    from .reactivity import REACTIVE_METALS

    db = result.db
    moisture = db.data("moisture.yaml")
    sensitive = set(moisture.get("calibrations") or {}) | set(moisture.get("stand_ins") or {})
    metals = [db.index[n] for n in REACTIVE_METALS if n in db.index]
    electrolytes = [db.index[n] for n in sorted(sensitive) if n in db.index]     # one order: one sum
    out = []
    for edge, amounts, _ in result.streams.values():
        if edge.outlet != "dust":
            continue
        worst = envelope(amounts)[Case.WORST] * db.molar_mass * 3600.0        # kg/h
        li, sse = float(worst[metals].sum()), float(worst[electrolytes].sum())
        if li + sse <= 0:
            continue
        what = " and ".join(part for part, kg in ((f"{li:.3g} kg/h Li metal fines", li),
                                                 (f"{sse:.3g} kg/h moisture-sensitive electrolyte", sse)) if kg > 0)
        out.append(Finding.of("warning", edge.source, "dust", f"the {edge.source} dust filter collects {what}: "
                              "keep the filter inerted and dry, with explosion venting and a class D agent, and "
                              "passivate the dust under inert gas before it leaves (it gives H2 and toxic gas "
                              "with air moisture)", _m(li + sse, "kg/h"), None,
                           "Luo 2024 section 4.2 (pulverised Li, an ignition source); hydrolysis gases: "
                           "chemistry/moisture.yaml"))
    return out


def _receiving_findings(result, hazards, f_lel: float, peaks: dict) -> list[Finding]:
    """Detection for a receiving and storage hall (receive steps): a fixed gas detector for every
    gas its damaged cells release that reaches a tenth of its alarm level in the hall's vent at
    peak (``peaks``: mole fractions), alarmed at the TLV (toxic) or at ``f_lel`` of the LEL
    (combustible); and the runaway of a stored package, whose onset the review puts at 295 C
    for a sulfide Li-metal cell against 90 C for a Li-ion cell."""
    out = []
    for sid, step in result.steps.items():
        q = step.outcome.quantities
        if "runaway_energy" not in q:
            continue
        for gas, x in peaks.get(sid, {}).items():
            h = hazards.get(gas)
            if h is None or gas in COMBUSTION_PRODUCTS:
                continue
            kind, tlv = next(((k, h.get(k)) for k in ("tlv_twa", "stel", "ceiling") if h.get(k)), ("", None))
            alarm = []
            if tlv and x >= 0.1 * tlv.value:
                alarm.append(f"{tlv.value * 1e6:g} ppm (its {LIMIT_NAMES[kind]})")
            if h.combustible and x >= 0.1 * f_lel * h.get("lel").value:
                alarm.append(f"{f_lel * h.get('lel').value * 100:.2g} % ({f_lel:.0%} of its LEL)")
            if alarm:
                out.append(Finding.of("warning", sid, gas, f"damaged cells release {gas} in the receiving hall: fixed "
                                   f"{gas} detection over the damaged-cell bay, alarm at " + " and ".join(alarm)
                                   + ", interlocked with its local extraction",
                                   source=(tlv or h.get("lel")).source))
        energy = float(q["runaway_energy"][0][Case.WORST])
        if energy > 0:
            onset = float(q["runaway_onset"][0][Case.WORST])
            trigger = ("a neighbouring fire or a damaged cell, more than self-heating, is the likely trigger"
                       if onset > 200 else "self-heating of a damaged cell can trigger it")
            out.append(Finding.of("warning", sid, "-", f"a stored package can run away (at least {energy:.3g} MJ: its "
                               f"cell reaction and the Li contact reactions, Cantera): store cells discharged, in "
                               f"separated packages, with heat and smoke detection; runaway onset {onset:g} C by "
                               f"ARC, so {trigger}", _m(energy, "MJ"), None,
                               "Luo 2024 section 4.1 (ARC: onset 295.0 C, peak 412.7 C, LSPS cell); heat: "
                               "recycle.steps.receive.runaway_heat"))
    return out


def _metal_leaving(result) -> list[Finding]:
    """Metallic Li that leaves the plant in a product or waste is a fire and H2 hazard wherever
    it meets water next: critical."""
    db = result.db
    out = []
    for edge, amounts, _ in result.streams.values():
        if edge.sink_kind not in ("product", "waste"):
            continue
        kg_h = float(envelope(amounts)[Case.WORST, [db.index[m] for m in ("Li(cr)", "Li(L)", "LiIn(s)")]]
                     @ db.molar_mass[[db.index[m] for m in ("Li(cr)", "Li(L)", "LiIn(s)")]]) * 3600
        if kg_h > 0:
            out.append(Finding.of("critical", edge.target, "H2", f"metallic Li ({kg_h:.3g} kg/h) leaves the plant in "
                               f"{edge.target}: it gives H2 and fire on contact with water; quench it upstream",
                               _m(kg_h, "kg/h"), _m(0.0, "kg/h"), "Luo 2024 section 4.2 (Li reacts violently with water, H2)"))
    return out


def _stack_findings(result, hazards) -> list[Finding]:
    """The stack releases to the open air: above IDLH is critical; above ERPG-2, a ceiling or the
    TLV-TWA a warning (dispersion and the permit limit must be checked)."""
    out = []
    for gas, x in stack_fractions(result).items():
        h = hazards.get(gas)
        if h is None:
            continue
        for key, severity, words in (("idlh", "critical", "above IDLH: the treatment is not enough"),
                                     ("erpg2", "warning", "above ERPG-2: check the dispersion and the permit"),
                                     ("ceiling", "warning", "above the ceiling limit: check the dispersion"),
                                     ("tlv_twa", "warning", "above the TLV-TWA: check the dispersion and the permit")):
            lim = h.get(key)
            if lim and x > lim.value:
                out.append(Finding.of(severity, "stack", gas, f"{gas} at the stack {words}",
                                   _m(x * 1e6, "ppm"), _m(lim.value * 1e6, "ppm"), lim.source))
                break
    fuels = {g: x for g, x in stack_fractions(result).items() if hazards.get(g) and hazards[g].combustible}
    lel = le_chatelier_lel(fuels, hazards) if fuels else None
    total = sum(fuels.values())
    if lel and total > 0.25 * lel:
        severity = "critical" if total >= lel else "warning"
        out.append(Finding.of(severity, "stack", "+".join(sorted(fuels)), f"the stack gas is {total / lel:.0%} of its LEL "
                           f"({total:.1%} combustibles): burn them in a flare before the stack",
                           _m(total * 100, "percent"), _m(lel * 100, "percent"), "Le Chatelier; NFPA 69 (U)"))
    return out


def _scrubber_inlet_findings(result) -> list[Finding]:
    """A caustic polish is the wrong tool for a concentrated acid gas (advice of this project, S)."""
    db = result.db
    out = []
    for sid, step in result.steps.items():
        if step.type != "scrub":
            continue
        inlet = envelope(step.inlet)
        gas = inlet[Case.WORST, db.is_gas].sum()
        for name in ("H2S", "SO2", "HCL"):
            x = inlet[Case.WORST, db.index[name]] / gas if gas > 0 else 0.0
            if x > CONCENTRATED:
                out.append(Finding.of("warning", sid, name, f"{x:.1%} {name} at the scrubber inlet: a caustic scrubber "
                                   "is a polishing stage; recover the sulfur or acid upstream (e.g. amine + Claus, "
                                   "or burn H2S in the flare first) and size the caustic stages for the outlet",
                                   _m(x * 1e6, "ppm"), _m(CONCENTRATED * 1e6, "ppm"),
                                   "advice and threshold of this project (S)"))
    return out


def _scrubbers(result) -> list[Scrubber]:
    """Scrubber duties; L/G and gas velocity are the step's own parameters."""
    db = result.db
    out = []
    for sid, step in result.steps.items():
        if step.gas_treatment != "absorption":
            continue
        lg = result.route.steps[sid]["liquid_to_gas"]                         # m3 liquor per m3 gas
        v = result.route.steps[sid]["gas_velocity"]                           # m/s
        gas_in = envelope(step.inlet)[:, db.is_gas].sum(axis=1) * MOLAR_VOLUME_25C   # m3/s at 25 C
        reagents = {db.names[i]: float(step.reagents[Case.EXPECTED, i] * db.molar_mass[i] * 3600)
                    for i in np.flatnonzero(step.reagents[Case.EXPECTED] > 0)}
        area = gas_in[Case.WORST] / v
        absorbed = {db.names[i]: float((step.inlet[Case.EXPECTED, i] - step.outlets["clean_gas"][Case.EXPECTED, i])
                                       * db.molar_mass[i] * 3600)
                    for i in np.flatnonzero(db.is_gas & (step.inlet[Case.EXPECTED] > step.outlets["clean_gas"][Case.EXPECTED] * (1 + 1e-9)))}
        clean = step.outlets["clean_gas"][Case.EXPECTED]
        clean_total = clean[db.is_gas].sum()
        acid = ("H2S", "HCL", "HF", "SO2", "SO3", "CL2", "NH3")
        emission = {g: ScrubbedGas(rate=float(clean[db.index[g]] * db.molar_mass[db.index[g]] * 3600),
                                   concentration=float(clean[db.index[g]] / max(clean_total, 1e-300) * 1e6))
                    for g in acid if step.inlet[Case.EXPECTED, db.index[g]] > 0}
        out.append(Scrubber(step=sid, reagent=str(result.route.steps[sid]["reagent"]), outlet=emission,
                            gas_flow=float(gas_in[Case.EXPECTED] * 3600), reagents=reagents, absorbed=absorbed,
                            liquid_flow=float(gas_in[Case.EXPECTED] * lg * 3600), cross_section=float(area),
                            diameter=float(math.sqrt(4 * area / math.pi)),
                            removal=float(result.route.steps[sid]["removal"]),
                            basis=f"L/G {lg * 1000:g} L/m3, gas velocity {v:g} m/s, worst-case gas flow"))
    return out


def _flares(result) -> list[Flare]:
    db = result.db
    out = []
    for sid, step in result.steps.items():
        if step.type != "flare":
            continue
        q = step.outcome.quantities
        if "flame_temperature" not in q:          # flare switched off: nothing burns
            out.append(Flare(step=sid, enabled=False))
            continue
        so2 = step.gas_generated[:, db.index["SO2"]] * db.molar_mass[db.index["SO2"]] * 3600
        out.append(Flare(step=sid, heat_release=float(step.heat_released[Case.EXPECTED] / 1000),
                         heat_release_worst=float(step.heat_released[Case.WORST] / 1000),
                         flame_temperature=float(q["flame_temperature"][0][Case.EXPECTED]),
                         so2_formed=float(so2[Case.EXPECTED]), so2_formed_worst=float(so2[Case.WORST])))
    return out


def _dry_rooms(result, cfg, hazards) -> list[DryRoom]:
    """Dew point that keeps the room's toxic gas under target (release ~ water fraction)."""
    db = result.db
    out = []
    target = _param(cfg, "dry_room_h2s_target", "dimensionless")
    ach = _param(cfg, "dry_room_air_changes", "1/h")
    for sid, step in result.steps.items():
        if step.type != "dismantle" or result.route.steps[sid]["atmosphere"] != "dry_room":
            continue
        room = float(step.outcome.quantities["room_volume"][0][Case.WORST])
        air = room * ach / MOLAR_VOLUME_25C / 3600.0                         # mol/s of room air
        toxic = np.array([db.is_gas[i] and bool(hazards.get(n) and any(hazards[n].get(k) for k in
                                                                       ("tlv_twa", "stel", "ceiling")))
                          for i, n in enumerate(db.names)])                 # the target is for toxic gas
        formed = np.where(toxic, step.gas_generated[Case.WORST], 0.0)       # by room moisture (~ water)
        released = np.where(toxic, vented(step, db)[Case.WORST], 0.0)
        held = np.maximum(released - formed, 0.0)                            # held by the cells, not ~ water
        x_moist, x_held = formed / air, held / air
        x_room = float((x_moist + x_held).max(initial=0.0))
        x_water = float(step.outcome.quantities["room_water"][0][Case.EXPECTED]) * 1e-6
        # water fraction that keeps every gas under target: x_moist x (w / x_water) + x_held <= target
        limits = [x_water * (target - x_held[i]) / x_moist[i] for i in np.flatnonzero(x_moist > 0)]
        needed = min([x_water] + limits) if bool(np.all(x_held < target)) else None
        out.append(DryRoom(step=sid, room_volume=float(room), air_changes=float(ach), water=float(x_water * 1e6),
                           toxic_gas_in_room_worst=float(x_room * 1e6),
                           held_gas_in_room_worst=float(x_held.max(initial=0.0)) * 1e6, target=float(target * 1e6),
                           dew_point_needed=None if needed is None else float(_frost_point(needed) - 273.15),
                           power=float(step.outcome.utilities["electricity"][Case.EXPECTED]) / 1000))
    return out


def _dry_room_findings(rooms: list[DryRoom]) -> list[Finding]:
    """A dry room whose opened cells release more held gas than its target: no dew point helps."""
    return [Finding.of("warning", r.step, "held gas", f"the gas the opened cells hold puts "
                       f"{r.held_gas_in_room_worst:.3g} ppm in the dry room, above its target of {r.target:.3g} ppm "
                       "whatever the dew point: open the cells under local extraction at each station, or in an "
                       "inert box", _m(r.held_gas_in_room_worst, "ppm"), _m(r.target, "ppm"),
                       "held gas: recycle.steps.receive (held_gas, S); target: chemistry/audit.yaml")
            for r in rooms if r.dew_point_needed is None]


def _frost_point(x_water: float, pressure: float = 101325.0) -> float:
    """Frost point (K) of air with water mole fraction ``x_water`` (inverse of Buck 1981, bisection)."""
    lo, hi = 150.0, 273.15
    for _ in range(80):
        mid = (lo + hi) / 2
        if ice_vapour_pressure(mid) / pressure > x_water:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2
