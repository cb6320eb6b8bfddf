"""Process-safety scenarios from the balances: what can go wrong, how far it reaches, how often.

For a plan on a throughput basis (rows expected, worst case), every step yields scenarios of
these kinds, with amounts and rates taken from the plan (none typed in):

- ``toxic_release``: loss of containment of the step's vent stream; each gas with an ERPG-2
  is released at ground level at its worst-case peak rate.
- ``vapour_cloud_explosion``: the flammable gas the step makes in the release duration
  ignites (TNT equivalence, distance to 1 psi).
- ``metal_meets_water``: metallic Li reaches an aqueous medium (a step's flag): its H2 in the
  release duration; this happens in normal operation.
- ``quench_control_loss``: the quench's addition rate or cooling fails: the Li of the release
  duration reacts at once; its H2 explodes.
- ``grinding_fire``: Li metal burns with the electrolyte it is ground with (the shredder's
  contact flag): the worst-case heat release rate, thermal radiation.
- ``latent_sulfide``: sulfide held in an alkaline liquor is acidified: its H2S is released.
- ``treatment_outage``: a flare or scrubber fails: the gas it should treat leaves the stack.
- ``stack_release``: what the stack emits in normal operation, dispersed from the stack.
- ``storage_runaway``: a package of stored cells runs away (receive step): the heat of its
  contact reactions (Cantera) over the runaway duration, thermal radiation; the gas its
  damaged cells hold, released in the same time.

Each scenario gets a consequence distance (``recycle.consequence``), a severity class from it,
a frequency from a LOPA-style initiating event and the protection layers the route has, a
likelihood class, and a risk class from the matrix in ``chemistry/scenarios.yaml``. A route is
ranked by its worst risk, then by its aggregate risk, sum of frequency x 10^(severity - 1).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .cases import Case, envelope
from .chemistry import plain_names
from .consequence import explosion_distance, fire_distance, toxic_distance
from .constants import MOLAR_VOLUME_25C
from .flows import vented
from .hazards import le_chatelier_lel, load_hazards
from .simulate import RouteResult
from .step_types import step_facts
from .units import to_si


@dataclass(frozen=True)
class Scenario:
    """One scenario; SI units: amount kg or kg/s, distance m, frequency 1/year."""

    step: str
    kind: str
    substance: str
    amount: float
    amount_unit: str
    endpoint: str
    distance: float
    severity: int
    frequency: float
    likelihood: int
    risk: int
    risk_class: str
    control: str            # what would lower it
    description: str

    def as_dict(self) -> dict:
        return asdict(self)


def _band(value: float, bands: list, default: int) -> int:
    for edge, cls in bands:
        if value <= float(edge):
            return int(cls)
    return default


class _Context:
    def __init__(self, result: RouteResult):
        self.r = result
        self.db = result.db
        self.cfg = result.db.data("scenarios.yaml")
        self.hz = load_hazards(result.db)
        c = self.cfg
        self.duration = to_si(c["release"]["duration"]["value"], "time", "chemistry/scenarios.yaml: release.duration")
        self.wind = to_si(c["dispersion"]["wind"]["value"], "velocity", "chemistry/scenarios.yaml: dispersion.wind")
        self.sigmas = c["dispersion"]["briggs"][c["dispersion"]["stability"]["value"]]
        self.stack_height = to_si(c["dispersion"]["stack_height"]["value"], "length", "chemistry/scenarios.yaml")
        ex = c["explosion"]
        self.vce = (float(ex["yield"]["value"]), float(ex["tnt_heat"]["value"]) * 1000.0,
                    float(ex["scaled_distance"]["value"]))
        self.flux = float(c["fire"]["flux"]["value"]) * 1000.0
        self.radiative = float(c["fire"]["radiative_fraction"]["value"])
        self.events = {k: float(v["frequency"]) for k, v in c["initiating_events"].items()}

    # --- consequence helpers -----------------------------------------------------------
    def limit(self, gas: str, key: str) -> float | None:
        """An exposure limit of ``gas`` as a mass concentration (kg/m^3) at 25 C, 1 atm."""
        h = self.hz.get(gas)
        lim = h and h.get(key)
        if not lim:
            return None
        return lim.value * 101325.0 / (8.314462618 * 298.15) * self.db.molar_mass[self.db.index[gas]]

    def toxic(self, gas: str, rate: float, height: float = 0.0) -> tuple[float, str, bool] | None:
        """(distance, endpoint, minor) of a release of ``gas`` at ``rate`` (kg/s): the distance to
        ERPG-2; where ERPG-2 is never reached, the distance to the lowest TLV (TWA, STEL or
        ceiling) with ``minor`` True (irritation, not serious harm: severity 1). None when the
        gas has no limit or neither is reached."""
        erpg2 = self.limit(gas, "erpg2")
        if erpg2:
            d = toxic_distance(rate, erpg2, self.wind, self.sigmas, height)
            if d > 0:
                return d, f"ERPG-2 {self.hz[gas].get('erpg2').value * 1e6:g} ppm", False
        tlvs = [(self.limit(gas, k), k) for k in ("tlv_twa", "stel", "ceiling") if self.limit(gas, k)]
        if not tlvs:
            return None
        value, key = min(tlvs)
        d = toxic_distance(rate, value, self.wind, self.sigmas, height)
        if d <= 0:
            return None
        return d, f"{key.upper().replace('_', '-')} {self.hz[gas].get(key).value * 1e6:g} ppm (below ERPG-2)", True

    def heat_of_combustion(self, gas: str) -> float:
        """Lower heat of combustion (J/kg) of ``gas`` from Cantera enthalpies: products CO2,
        H2O (vapour), SO2, P4O10, N2."""
        db = self.db
        comp = db.element_matrix[:, db.index[gas]]
        el = dict(zip(db.elements, comp))
        c, h, s, o, p = (el.get(e, 0.0) for e in ("C", "H", "S", "O", "P"))
        hh = db.enthalpy(298.15)
        o2 = c + h / 4 + s + 1.25 * p - o / 2
        products = (c * hh[db.index["CO2"]] + h / 2 * hh[db.index["H2O"]] + s * hh[db.index["SO2"]]
                    + p / 4 * hh[db.index["P4O10"]])
        dh = hh[db.index[gas]] + o2 * hh[db.index["O2"]] - products
        return float(dh / db.molar_mass[db.index[gas]])

    def classify(self, distance: float, frequency: float) -> tuple[int, int, int, str]:
        m = self.cfg["matrix"]
        sev = _band(distance, m["severity_by_distance"], 5)
        lik = next((int(cls) for f_min, cls in m["likelihood_by_frequency"] if frequency >= float(f_min)), 1)
        risk = sev * lik
        cls = next((name for edge, name in m["risk_classes"] if risk >= edge), "low")
        return sev, lik, risk, cls

    def make(self, step, kind, substance, amount, unit, endpoint, distance, event, layers, control, description,
             minor: bool = False):
        """A scenario, or None when its consequence never reaches the endpoint. ``minor``: the
        endpoint is below serious harm (a TLV), so the severity is 1 whatever the distance."""
        if distance <= 0:
            return None
        frequency = self.events[event]
        for layer in layers:
            frequency *= float(self.cfg["protection_layers"][layer]["pfd"])
        sev, lik, risk, cls = self.classify(distance, frequency)
        if minor:
            sev, risk = 1, lik
            cls = next((name for edge, name in self.cfg["matrix"]["risk_classes"] if risk >= edge), "low")
        return Scenario(step, kind, substance, float(amount), unit, endpoint, float(distance), sev, frequency,
                        lik, risk, cls, control, plain_names(description))


def scenarios(result: RouteResult) -> list[Scenario]:
    """Every scenario of a route planned on a throughput basis (worst-case rates)."""
    if not result.rate_basis:
        raise ValueError("scenarios need a plan on a throughput basis")
    c = _Context(result)
    db = result.db
    out: list[Scenario] = []
    for sid, step in result.steps.items():
        peak = float(step_facts(db)[step.type].audit["peak_factor"])
        released = step.gas_generated if step.gas_treatment else vented(step, db)     # gas the step lets out
        kg_s = envelope(released)[Case.WORST] * db.molar_mass * peak
        if step.gas_treatment:
            out += _treatment_outage(c, sid, step)
            if step.gas_treatment == "absorption":     # a scrubber is no place for a flammable gas (no flare upstream)
                out += _flammable_flow(c, sid, envelope(step.inlet)[Case.WORST], f"combustibles into {sid}",
                                       "burn them upstream (flare) or dilute the scrubber inlet below 25 % LEL",
                                       f"combustible gas above its LEL enters {sid}, mixes with the draft air "
                                       "and ignites inside the tower")
            if step.gas_treatment == "combustion":     # its flue gas carries what it burns to (SO2, HCl) to the scrubber
                out += _toxic_releases(c, sid, kg_s, "keep the flue duct under induced draft, interlocked with the feed",
                                       f"loss of containment of the {sid} flue gas before the scrubber with the "
                                       "draft lost", layers=["induced_draft"])
            continue
        out += _toxic_releases(c, sid, kg_s, "enclose the step and route its vent to treatment",
                               f"loss of containment of the {sid} vent")
        energy = sum(kg_s[i] * c.heat_of_combustion(db.names[i]) for i in np.flatnonzero(db.is_gas & (kg_s > 0))
                     if c.hz.get(db.names[i]) and c.hz[db.names[i]].combustible)
        if energy > 0:
            mass_equiv = energy * c.duration              # J: combustion energy of the cloud
            d = explosion_distance(mass_equiv, 1.0, *c.vce)
            fuels = [db.names[i] for i in np.flatnonzero(db.is_gas & (kg_s > 0))
                     if c.hz.get(db.names[i]) and c.hz[db.names[i]].combustible]
            out.append(c.make(sid, "vapour_cloud_explosion", "+".join(fuels), mass_equiv / 1e6, "MJ", "1 psi overpressure",
                              d, "loss_of_containment", [], "inert the headspace, dilute below 25 % LEL, vent to a flare",
                              f"the flammable gas the {sid} step makes in {c.duration / 60:.0f} min ignites"))
        out += _from_flags(c, sid, step)
        if "runaway_energy" in step.outcome.quantities:
            out += _storage_runaway(c, sid, step)
        interlocked = any(p.name == "h2_interlock" for p in result.route.steps[sid].params)
        if interlocked and step.outcome.media != ("as_received",):   # a controlled Li reaction (the quench)
            out += _quench_loss(c, sid, step)
    out += _stack_release(c)
    out += _metal_leaving(c)
    out += _room_exposure(c)
    return [s for s in out if s is not None]


def _toxic_releases(c: _Context, sid: str, kg_s: np.ndarray, control: str, what: str,
                    layers: list[str] | None = None) -> list[Scenario]:
    """A toxic_release scenario for each gas with a toxic endpoint in ``kg_s`` (kg/s per species),
    its loss-of-containment frequency reduced by the protection ``layers``."""
    db = c.db
    out = []
    for i in np.flatnonzero(db.is_gas & (kg_s > 0)):
        gas = db.names[i]
        hit = c.toxic(gas, kg_s[i])
        if hit is not None:
            out.append(c.make(sid, "toxic_release", gas, kg_s[i], "kg/s", hit[1], hit[0], "loss_of_containment",
                              layers or [], control, f"{what}: {gas} at its worst-case peak rate", hit[2]))
    return out


def _metal_leaving(c: _Context) -> list[Scenario]:
    """Metallic Li (or Li-In) that leaves the plant in a product or waste meets water there
    (rain, a landfill, a customer's wet process): its H2 in the release duration ignites."""
    db = c.db
    li = db.index["Li(cr)"]
    out = []
    for edge, amounts, _ in c.r.streams.values():
        if edge.sink_kind not in ("product", "waste"):
            continue
        metal = envelope(amounts)[Case.WORST]
        li_kg = sum(metal[db.index[m]] * db.element_matrix[db.elements.index("Li"), db.index[m]]
                    for m in ("Li(cr)", "Li(L)", "LiIn(s)")) * db.molar_mass[li] * c.duration
        if li_kg <= 0:
            continue
        h2 = li_kg * 0.5 / db.molar_mass[li] * db.molar_mass[db.index["H2"]]
        d = explosion_distance(h2, c.heat_of_combustion("H2"), *c.vce)
        out.append(c.make(edge.target, "metal_leaves_plant", "H2", h2, "kg", "1 psi overpressure", d,
                          "normal_operation", [], "quench the Li before it leaves (alcohol quench upstream)",
                          f"metallic Li leaves the plant in {edge.target}; {c.duration / 60:.0f} min of it meets water"))
    return out


def _room_exposure(c: _Context) -> list[Scenario]:
    """Workers in a dry room breathe what its air holds in normal operation: above the TLV is a
    severity-2 exposure, above ERPG-2 severity 3, whatever the distance."""
    db = c.db
    out = []
    for sid, step in c.r.steps.items():
        if step.type != "dismantle" or c.r.route.steps[sid]["atmosphere"] != "dry_room":
            continue
        changes = float(c.cfg["room"]["air_changes"]["value"])          # 1/h
        room = float(step.outcome.quantities["room_volume"][0][Case.WORST])    # m3
        air = room * changes / 3600.0 / 0.0244654                           # mol/s of room air (25 C, 1 atm)
        gen = envelope(step.gas_generated)[Case.WORST]
        for i in np.flatnonzero(db.is_gas & (gen > 0)):
            gas = db.names[i]
            x = gen[i] / air
            limits = [(k, c.hz[gas].get(k).value) for k in ("erpg2", "tlv_twa", "stel", "ceiling")
                      if c.hz.get(gas) and c.hz[gas].get(k)]
            if not limits:
                continue
            erpg2 = next((v for k, v in limits if k == "erpg2"), None)
            tlv = min(v for k, v in limits if k != "erpg2") if any(k != "erpg2" for k, _ in limits) else None
            sev = 3 if erpg2 and x > erpg2 else 2 if tlv and x > tlv else 0
            if not sev:
                continue
            scen = c.make(sid, "room_exposure", gas, x * 1e6, "ppm", "ERPG-2" if sev == 3 else "TLV", 1.0,
                          "normal_operation", [], "a lower dew point, more air changes, or local exhaust at the "
                          "opening station", f"the {sid} room air holds {x * 1e6:.3g} ppm {gas} in normal operation")
            lik = scen.likelihood
            risk = sev * lik
            cls = next((n for e, n in c.cfg["matrix"]["risk_classes"] if risk >= e), "low")
            out.append(Scenario(scen.step, scen.kind, scen.substance, scen.amount, scen.amount_unit, scen.endpoint,
                                0.0, sev, scen.frequency, lik, risk, cls, scen.control, scen.description))
    return out


def _from_flags(c: _Context, sid: str, step) -> list[Scenario]:
    db = c.db
    out = []
    h2_per_kg_li = 0.5 / db.molar_mass[db.index["Li(cr)"]] * db.molar_mass[db.index["H2"]]   # 2 Li -> H2
    for flag in step.outcome.flags:
        if flag.code == "metal_meets_water":
            li = float(np.max(flag.amount)) * c.duration            # kg of Li in the release duration
            h2 = li * h2_per_kg_li
            d = explosion_distance(h2, c.heat_of_combustion("H2"), *c.vce)
            out.append(c.make(sid, "metal_meets_water", "H2", h2, "kg", "1 psi overpressure", d, "normal_operation", [],
                              "quench the Li in an alcohol upstream (ethanol, DEC)",
                              f"metallic Li meets the water of {sid} in normal operation: the H2 of {li:.3g} kg Li "
                              f"in {c.duration / 60:.0f} min ignites"))
        elif flag.code == "contact_reaction":
            heat = float(step.heat_released[Case.WORST])                 # W: the worst case burns
            d = fire_distance(heat, c.radiative, c.flux)
            out.append(c.make(sid, "grinding_fire", "Li(cr)", heat / 1e3, "kW", f"{c.flux / 1000:g} kW/m^2", d,
                              "grinding_ignition", [], "take the Li anode off before shredding (dry-room dismantling), "
                              "or shred under an inert liquid", f"Li metal burns with the electrolyte it is ground with in {sid}"))
        elif flag.code == "latent_sulfide":
            rate = float(np.max(flag.amount))                       # kg/s of H2S if acidified
            hit = c.toxic("H2S", rate)
            if hit:
                out.append(c.make(sid, "latent_sulfide", "H2S", rate, "kg/s", hit[1], hit[0], "human_error", [],
                                  "oxidise or precipitate the sulfide before the liquor is neutralised",
                                  f"the alkaline liquor of {sid} is acidified: its sulfide leaves as H2S", hit[2]))
    return out


def _storage_runaway(c: _Context, sid: str, step) -> list[Scenario]:
    """One stored package of cells runs away (receive step's ``runaway_energy``, worst case):
    its heat over ``storage.runaway_duration`` as a fire, and the gas its cells hold released in
    the same time (the step's held gas per kg, worst case)."""
    db = c.db
    cfg = c.cfg["storage"]
    duration = to_si(cfg["runaway_duration"]["value"], "time", "chemistry/scenarios.yaml: storage.runaway_duration")
    energy = float(step.outcome.quantities["runaway_energy"][0][Case.WORST]) * 1e6        # J
    out = []
    if energy > 0:
        heat = energy / duration
        d = fire_distance(heat, c.radiative, c.flux)
        out.append(c.make(sid, "storage_runaway", "stored cells", heat / 1e3, "kW", f"{c.flux / 1000:g} kW/m^2", d,
                          "storage_runaway", [], "store discharged cells in small separated packages with thermal "
                          "and off-gas detection; keep damaged cells in closed drums outside the main store",
                          f"a package of stored cells runs away ({energy / 1e6:.3g} MJ in {duration / 60:.0f} min)"))
    params = c.r.route.steps[sid]
    held = max(params["held_gas"], params["held_gas_worst"]) * params["runaway_mass"]     # m3 of held gas
    gas = envelope(vented(step, db))[Case.WORST]
    total = gas[db.is_gas].sum()
    if total > 0:
        for i in np.flatnonzero(db.is_gas & (gas > 0)):
            rate = held / MOLAR_VOLUME_25C * gas[i] / total * db.molar_mass[i] / duration     # kg/s
            hit = c.toxic(db.names[i], rate)
            if hit:
                out.append(c.make(sid, "storage_runaway", db.names[i], rate, "kg/s", hit[1], hit[0], "storage_runaway",
                                  [], "off-gas detection in the store, interlocked with its extraction",
                                  f"a package of stored cells runs away and vents the {db.names[i]} its cells hold",
                                  hit[2]))
    return out


def _quench_loss(c: _Context, sid: str, step) -> list[Scenario]:
    """Addition-rate or cooling failure of a step with an ``h2_interlock`` parameter (the
    quench): the metallic Li of the release duration reacts at once."""
    db = c.db
    h2 = float(envelope(step.gas_generated)[Case.WORST, db.index["H2"]] * db.molar_mass[db.index["H2"]]) * c.duration
    if h2 <= 0:
        return []
    d = explosion_distance(h2, c.heat_of_combustion("H2"), *c.vce)
    layers = ["h2_detection_interlock"] if c.r.route.steps[sid]["h2_interlock"] else []
    return [c.make(sid, "quench_control_loss", "H2", h2, "kg", "1 psi overpressure", d, "control_loop_failure",
                   layers, "rate-limited addition with an H2 interlock; cooling with a high-"
                   "temperature trip", f"the quench's solvent addition or cooling fails: "
                   f"{c.duration / 60:.0f} min of Li reacts at once")]


def _treatment_outage(c: _Context, sid: str, step) -> list[Scenario]:
    """A flare or scrubber fails: the gas it treats is released from the stack untreated."""
    db = c.db
    enabled = step.outcome.media != ("as_received",)
    if not enabled:
        return []
    out = []
    rate = envelope(step.inlet)[Case.WORST] * db.molar_mass
    for i in np.flatnonzero(db.is_gas & (rate > 0)):
        gas = db.names[i]
        hit = c.toxic(gas, rate[i], c.stack_height)
        if hit is None:
            continue
        out.append(c.make(sid, "treatment_outage", gas, rate[i], "kg/s", hit[1], hit[0], "control_loop_failure", [],
                          f"a second {step.gas_treatment} stage or an interlock that stops the feed when {sid} fails",
                          f"{sid} fails: {gas} leaves the stack untreated", hit[2]))
    return out


def _stack_release(c: _Context) -> list[Scenario]:
    """What the stack emits in normal operation, dispersed from the stack."""
    db = c.db
    stack = envelope(c.r.sink_total("stack"))[Case.WORST] * db.molar_mass
    out = []
    for i in np.flatnonzero(db.is_gas & (stack > 0)):
        gas = db.names[i]
        hit = c.toxic(gas, stack[i], c.stack_height)
        if hit is None:
            continue
        out.append(c.make("stack", "stack_release", gas, stack[i], "kg/s", hit[1], hit[0], "normal_operation", [],
                          "raise the removal of the treatment (a second stage) or the stack",
                          f"{gas} the stack emits in normal operation", hit[2]))
    # combustible gas leaving the stack above its LEL (H2 past a disabled flare): a flammable plume
    out += _flammable_flow(c, "stack", envelope(c.r.sink_total("stack"))[Case.WORST], "combustibles at the stack",
                           "burn them in a flare", "combustible gas leaves the stack in normal operation and ignites")
    return out


def _flammable_flow(c: _Context, where: str, moles: np.ndarray, substance: str, control: str,
                    description: str) -> list[Scenario]:
    """A vapour-cloud explosion of a gas flow (mol/s per species) that is above its mixture LEL
    (Le Chatelier) in normal operation: its combustion energy over the release duration."""
    db = c.db
    total = moles[db.is_gas].sum()
    fuels = {db.names[i]: moles[i] / total for i in np.flatnonzero(db.is_gas & (moles > 0))
             if c.hz.get(db.names[i]) and c.hz[db.names[i]].combustible} if total > 0 else {}
    lel = le_chatelier_lel(fuels, c.hz) if fuels else None
    energy = sum(moles[db.index[g]] * db.molar_mass[db.index[g]] * c.heat_of_combustion(g) for g in fuels)
    if not (lel and sum(fuels.values()) >= lel and energy > 0):
        return []
    d = explosion_distance(energy * c.duration, 1.0, *c.vce)
    return [c.make(where, "vapour_cloud_explosion", substance, energy * c.duration / 1e6, "MJ", "1 psi overpressure",
                   d, "normal_operation", [], control, description)]


@dataclass(frozen=True, kw_only=True)
class RouteRisk:
    """A route's worst scenario (None: no scenario reaches its endpoint), its risk (severity x
    likelihood, 1-25) and the aggregate risk, sum of frequency x 10^(severity - 1), which breaks
    ties; routes rank by ``rank_key`` = (worst risk, aggregate)."""

    worst: Scenario | None
    worst_risk: int
    aggregate: float
    rank_key: tuple[int, float]

    @property
    def number(self) -> float:
        """One number that orders like ``rank_key`` (:func:`risk_number`)."""
        return risk_number(self.rank_key)


def risk_number(rank_key) -> float:
    """A route's risk as one number that orders like its rank key (worst risk, then aggregate):
    worst + aggregate / (1 + aggregate)."""
    worst, aggregate = float(rank_key[0]), float(rank_key[1])
    return worst + aggregate / (1.0 + aggregate)


def route_risk(items: list[Scenario]) -> RouteRisk:
    """The route's worst scenario, its risk class, and the aggregate risk used to rank routes."""
    if not items:
        return RouteRisk(worst=None, worst_risk=0, aggregate=0.0, rank_key=(0, 0.0))
    worst = max(items, key=lambda s: (s.risk, s.severity, s.distance))
    aggregate = float(sum(s.frequency * 10 ** (s.severity - 1) for s in items))
    return RouteRisk(worst=worst, worst_risk=worst.risk, aggregate=aggregate, rank_key=(worst.risk, aggregate))


__all__ = ["RouteRisk", "Scenario", "risk_number", "route_risk", "scenarios"]
