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

Every number is worked out for every sample of a plan's rows at once (:class:`recycle.cases.SampleRows`:
a plan is one sample, a Monte Carlo batch of ``recycle.batch`` holds N): each scenario is found
once, with its amount, distance and severity per sample (:class:`Found`); :func:`scenarios`
gives a plan's scenarios from its one sample, :func:`route_risks` every sample's route risk
(the exact Monte Carlo), from the same computation.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from .bands import band_points
from .cases import Case, SampleRows
from .chemistry import plain_names
from .consequence import PlumeReach, explosion_distance, fire_distance, toxic_distance
from .constants import MOLAR_VOLUME_25C
from .errors import InputError
from .flows import vented_gas
from .hazards import le_chatelier_lels, load_hazards
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


Words = Callable[[int], str]     # a sample's text (its amounts written in)


@dataclass(frozen=True, eq=False)
class Found:
    """One scenario over the samples of a plan's rows: amount (in ``amount_unit``), distance (m;
    or a function of the sample, found when written out) and severity per sample, shape
    (samples,); its frequency (1/year) and likelihood are the same for every sample.
    ``present``: the samples in which its consequence reaches the endpoint (a sample's own plan
    has the scenario). The words (substance, endpoint, description) are formed for one sample
    when it is written out (:meth:`scenario`)."""

    step: str
    kind: str
    substance: str | Words
    amount: np.ndarray
    amount_unit: str
    endpoint: str | Words
    distance: np.ndarray | Callable[[int], float]
    severity: np.ndarray
    frequency: float
    likelihood: int
    present: np.ndarray
    control: str
    description: str | Words

    @property
    def risk(self) -> np.ndarray:
        """Severity x likelihood per sample (1-25)."""
        return self.severity * self.likelihood

    def scenario(self, k: int, risk_classes: list) -> Scenario:
        """Sample ``k``'s scenario (it must be present in that sample)."""
        def text(v):
            return v(k) if callable(v) else v

        risk = int(self.severity[k]) * self.likelihood
        distance = self.distance(k) if callable(self.distance) else float(self.distance[k])
        return Scenario(self.step, self.kind, text(self.substance), float(self.amount[k]), self.amount_unit,
                        text(self.endpoint), distance, int(self.severity[k]), self.frequency,
                        self.likelihood, risk, _risk_class(risk, risk_classes), self.control,
                        plain_names(text(self.description)))


def _risk_class(risk: int, classes: list) -> str:
    return next((name for edge, name in classes if risk >= edge), "low")


def _bands(values: np.ndarray, bands: list, default: int) -> np.ndarray:
    """The class of each value for ``bands`` [[upper edge, class], ...] (edges inclusive: the
    first band whose edge is at least the value, :func:`recycle.bands.band_points`); ``default``
    above the last."""
    return band_points(values, [*bands, [np.inf, default]])


def _bands_by_count(bands: list, default: int) -> np.ndarray:
    """The classes of ``bands`` [[upper edge, class], ...] by the number of edges a value exceeds
    (the class of :func:`_bands`), ``default`` beyond every edge."""
    edges = np.array([float(e) for e, _ in bands])
    if np.any(np.diff(edges) <= 0):
        raise InputError("chemistry/scenarios.yaml: matrix.severity_by_distance",
                         f"the distance edges must rise: {edges.tolist()}")
    return np.array([int(c) for _, c in bands] + [int(default)])


@dataclass(frozen=True, eq=False)
class Reach:
    """How far a toxic release reaches in each sample: whether it reaches its endpoint at all
    (``present``), its severity class, its distance (m) and endpoint for one sample."""

    present: np.ndarray
    severity: np.ndarray
    distance: Callable[[int], float]
    endpoint: Words


class _Context:
    def __init__(self, result: RouteResult, rows: SampleRows | None = None):
        self.r = result
        self.rows = rows or SampleRows.plan(len(result.feed))        # safety's stack point: a plan
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
        self._heats: dict[str, float] = {}
        self.gas = np.flatnonzero(result.db.is_gas)                  # species index of each gas column
        self.names = [result.db.names[i] for i in self.gas]          # gas columns' names
        self.mass = result.db.molar_mass[self.gas]                   # kg/mol per gas column
        self._plumes: dict[float, PlumeReach] = {}          # by release height (m)
        self.severities = _bands_by_count(c["matrix"]["severity_by_distance"], 5)   # by edges exceeded

    @property
    def samples(self) -> int:
        return self.rows.samples

    def worst(self, x) -> np.ndarray:
        """Every sample's worst case of ``x`` raised to its expected one (samples, ...)."""
        return self.rows.envelope(x)

    def worst_gas(self, x: np.ndarray) -> np.ndarray:
        """:meth:`worst` of the gas species' columns of ``x`` (rows, species): (samples, gases),
        the columns named by ``names``, their molar masses ``mass``."""
        return self.rows.envelope(x[:, self.gas])

    # --- consequence helpers -----------------------------------------------------------
    def limit(self, gas: str, key: str) -> float | None:
        """An exposure limit of ``gas`` as a mass concentration (kg/m^3) at 25 C, 1 atm."""
        h = self.hz.get(gas)
        lim = h and h.get(key)
        if not lim:
            return None
        return lim.value * 101325.0 / (8.314462618 * 298.15) * self.db.molar_mass[self.db.index[gas]]

    def toxic(self, gas: str, rate: np.ndarray, height: float = 0.0) -> Reach:
        """How far a release of ``gas`` at ``rate`` (kg/s) reaches in each sample: to ERPG-2;
        where ERPG-2 is never reached, to the lowest TLV (TWA, STEL or ceiling), with severity 1
        (irritation, not serious harm). Nowhere where the gas has no limit or neither is
        reached. The severity band comes from where the plume falls below the endpoint
        (:meth:`recycle.consequence.PlumeReach.beyond`); the distance itself is found for a
        sample when its scenario is written out (:func:`recycle.consequence.toxic_distance`)."""
        rate = np.asarray(rate, dtype=float)
        plume = self._plumes.get(height)
        if plume is None:
            edges = [float(e) for e, _ in self.cfg["matrix"]["severity_by_distance"]]
            plume = self._plumes[height] = PlumeReach(self.wind, self.sigmas, height, edges)
        erpg2 = self.limit(gas, "erpg2")
        none = np.zeros(rate.shape, dtype=bool)
        serious, beyond = (plume.beyond(rate, erpg2) if erpg2
                           else (none, np.zeros((len(rate), len(plume.edges)), dtype=bool)))
        tlvs = [(self.limit(gas, k), k) for k in ("tlv_twa", "stel", "ceiling") if self.limit(gas, k)]
        tlv, key = min(tlvs) if tlvs else (None, "")
        minor = plume.beyond(np.where(serious, 0.0, rate), tlv)[0] if tlv and not serious.all() else none
        above = f"ERPG-2 {self.hz[gas].get('erpg2').value * 1e6:g} ppm" if erpg2 else ""
        below = f"{key.upper().replace('_', '-')} {self.hz[gas].get(key).value * 1e6:g} ppm (below ERPG-2)" if tlv else ""

        def distance(k: int) -> float:
            return toxic_distance(float(rate[k]), erpg2 if serious[k] else tlv, self.wind, self.sigmas, height)

        return Reach(present=serious | minor, severity=np.where(serious, self.severities[beyond.sum(axis=1)], 1),
                     distance=distance, endpoint=lambda k: above if serious[k] else below)

    def heat_of_combustion(self, gas: str) -> float:
        """Lower heat of combustion (J/kg) of ``gas`` from Cantera enthalpies: products CO2,
        H2O (vapour), SO2, P4O10, N2."""
        if gas not in self._heats:
            db = self.db
            comp = db.element_matrix[:, db.index[gas]]
            el = dict(zip(db.elements, comp))
            c, h, s, o, p = (el.get(e, 0.0) for e in ("C", "H", "S", "O", "P"))
            hh = db.enthalpy(298.15)
            o2 = c + h / 4 + s + 1.25 * p - o / 2
            products = (c * hh[db.index["CO2"]] + h / 2 * hh[db.index["H2O"]] + s * hh[db.index["SO2"]]
                        + p / 4 * hh[db.index["P4O10"]])
            dh = hh[db.index[gas]] + o2 * hh[db.index["O2"]] - products
            self._heats[gas] = float(dh / db.molar_mass[db.index[gas]])
        return self._heats[gas]

    def combustible(self, name: str) -> bool:
        h = self.hz.get(name)
        return bool(h and h.combustible)

    def make(self, step, kind, substance, amount, unit, endpoint, distance, event, layers, control,
             description, severity=None) -> Found:
        """A scenario over the samples, present where its consequence reaches the endpoint.
        ``distance`` (m): per sample, positive where it reaches, its severity from the distance
        bands; or the :class:`Reach` of a toxic release (its severity and endpoint with it).
        ``severity`` (per sample, 0: absent) gives a scenario's severity without a distance
        (distance 0)."""
        frequency = self.events[event]
        for layer in layers:
            frequency *= float(self.cfg["protection_layers"][layer]["pfd"])
        m = self.cfg["matrix"]
        if severity is not None:
            severity = np.asarray(severity)
            present, distance = severity > 0, np.zeros(self.samples)
        elif isinstance(distance, Reach):
            present, severity, endpoint, distance = distance.present, distance.severity, distance.endpoint, \
                distance.distance
        else:
            distance = np.broadcast_to(np.asarray(distance, dtype=float), (self.samples,))
            present, severity = distance > 0, _bands(distance, m["severity_by_distance"], 5)
        likelihood = next((int(cls) for f_min, cls in m["likelihood_by_frequency"] if frequency >= float(f_min)), 1)
        return Found(step, kind, substance, np.broadcast_to(np.asarray(amount, dtype=float), (self.samples,)), unit,
                     endpoint, distance, severity, frequency, likelihood, present, control, description)


def found_scenarios(result: RouteResult, rows: SampleRows) -> list[Found]:
    """Every scenario of a route planned on a throughput basis (worst-case rates), over the
    samples of ``rows`` (a plan's one sample, or a batch's); a scenario present in no sample is
    left out."""
    if not result.rate_basis:
        raise ValueError("scenarios need a plan on a throughput basis")
    c = _Context(result, rows)
    db = result.db
    out: list[Found] = []
    for sid, step in result.steps.items():
        peak = float(step_facts(db)[step.type].audit["peak_factor"])
        released = step.gas_generated[:, c.gas] if step.gas_treatment else vented_gas(step, db)   # gas let out
        kg_s = c.worst(released) * c.mass * peak                                    # (samples, gases)
        if step.gas_treatment:
            out += _treatment_outage(c, sid, step)
            if step.gas_treatment == "absorption":     # a scrubber is no place for a flammable gas (no flare upstream)
                out += _flammable_flow(c, sid, c.worst_gas(step.inlet), f"combustibles into {sid}",
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
        out += _vent_explosion(c, sid, kg_s)
        out += _from_flags(c, sid, step)
        if "runaway_energy" in step.outcome.quantities:
            out += _storage_runaway(c, sid, step)
        interlocked = any(p.name == "h2_interlock" for p in result.route.steps[sid].params)
        if interlocked and step.outcome.media != ("as_received",):   # a controlled Li reaction (the quench)
            out += _quench_loss(c, sid, step)
    out += _stack_release(c)
    out += _metal_leaving(c)
    out += _room_exposure(c)
    return [f for f in out if f.present.any()]


def scenarios(result: RouteResult) -> list[Scenario]:
    """Every scenario of a route planned on a throughput basis (worst-case rates)."""
    classes = result.db.data("scenarios.yaml")["matrix"]["risk_classes"]
    return [f.scenario(0, classes) for f in found_scenarios(result, SampleRows.plan(len(result.feed)))
            if f.present[0]]


def _gases(x: np.ndarray) -> np.ndarray:
    """The gas columns positive in some sample of ``x`` (samples, gases)."""
    return np.flatnonzero((x > 0).any(axis=0))


def _toxic_releases(c: _Context, sid: str, kg_s: np.ndarray, control: str, what: str,
                    layers: list[str] | None = None) -> list[Found]:
    """A toxic_release scenario for each gas with a toxic endpoint in ``kg_s`` (kg/s per sample
    and gas column), its loss-of-containment frequency reduced by the protection ``layers``."""
    out = []
    for i in _gases(kg_s):
        gas = c.names[i]
        out.append(c.make(sid, "toxic_release", gas, kg_s[:, i], "kg/s", None, c.toxic(gas, kg_s[:, i]),
                          "loss_of_containment", layers or [], control, f"{what}: {gas} at its worst-case peak rate"))
    return out


def _vent_explosion(c: _Context, sid: str, kg_s: np.ndarray) -> list[Found]:
    """The flammable gas a step lets out in the release duration ignites (its combustion energy,
    TNT equivalence)."""
    fuels = [i for i in _gases(kg_s) if c.combustible(c.names[i])]
    if not fuels:
        return []
    energy = sum(kg_s[:, i] * c.heat_of_combustion(c.names[i]) for i in fuels)
    mass_equiv = energy * c.duration              # J: combustion energy of the cloud
    d = explosion_distance(mass_equiv, 1.0, *c.vce)
    return [c.make(sid, "vapour_cloud_explosion", lambda k: "+".join(c.names[i] for i in fuels if kg_s[k, i] > 0),
                   mass_equiv / 1e6, "MJ", "1 psi overpressure", d, "loss_of_containment", [],
                   "inert the headspace, dilute below 25 % LEL, vent to a flare",
                   f"the flammable gas the {sid} step makes in {c.duration / 60:.0f} min ignites")]


def _metal_leaving(c: _Context) -> list[Found]:
    """Metallic Li (or Li-In) that leaves the plant in a product or waste meets water there
    (rain, a landfill, a customer's wet process): its H2 in the release duration ignites."""
    db = c.db
    li = db.index["Li(cr)"]
    out = []
    for edge, amounts, _ in c.r.streams.values():
        if edge.sink_kind not in ("product", "waste"):
            continue
        li_kg = sum(c.worst(amounts[:, db.index[m]]) * db.element_matrix[db.elements.index("Li"), db.index[m]]
                    for m in ("Li(cr)", "Li(L)", "LiIn(s)")) * db.molar_mass[li] * c.duration
        if not np.any(li_kg > 0):
            continue
        h2 = li_kg * 0.5 / db.molar_mass[li] * db.molar_mass[db.index["H2"]]
        d = explosion_distance(h2, c.heat_of_combustion("H2"), *c.vce)
        out.append(c.make(edge.target, "metal_leaves_plant", "H2", h2, "kg", "1 psi overpressure", d,
                          "normal_operation", [], "quench the Li before it leaves (alcohol quench upstream)",
                          f"metallic Li leaves the plant in {edge.target}; {c.duration / 60:.0f} min of it meets water"))
    return out


def _room_exposure(c: _Context) -> list[Found]:
    """Workers in a dry room breathe what its air holds in normal operation: above the TLV is a
    severity-2 exposure, above ERPG-2 severity 3, whatever the distance."""
    out = []
    for sid, step in c.r.steps.items():
        if step.type != "dismantle" or c.r.route.steps[sid]["atmosphere"] != "dry_room":
            continue
        changes = float(c.cfg["room"]["air_changes"]["value"])          # 1/h
        room = c.rows.at(step.outcome.quantities["room_volume"][0], Case.WORST)     # m3
        air = room * changes / 3600.0 / 0.0244654                           # mol/s of room air (25 C, 1 atm)
        gen = c.worst_gas(step.gas_generated)
        for i in _gases(gen):
            gas = c.names[i]
            x = gen[:, i] / air
            limits = [(k, c.hz[gas].get(k).value) for k in ("erpg2", "tlv_twa", "stel", "ceiling")
                      if c.hz.get(gas) and c.hz[gas].get(k)]
            if not limits:
                continue
            erpg2 = next((v for k, v in limits if k == "erpg2"), None)
            tlv = min(v for k, v in limits if k != "erpg2") if any(k != "erpg2" for k, _ in limits) else None
            serious = (x > erpg2) if erpg2 else np.zeros(x.shape, dtype=bool)
            sev = np.where(serious, 3, np.where((x > tlv) if tlv else False, 2, 0))
            out.append(c.make(sid, "room_exposure", gas, x * 1e6, "ppm",
                              lambda k, serious=serious: "ERPG-2" if serious[k] else "TLV", None, "normal_operation",
                              [], "a lower dew point, more air changes, or local exhaust at the opening station",
                              lambda k, x=x, gas=gas, sid=sid: f"the {sid} room air holds {x[k] * 1e6:.3g} ppm {gas} "
                                                               "in normal operation", severity=sev))
    return out


def _from_flags(c: _Context, sid: str, step) -> list[Found]:
    db = c.db
    out = []
    h2_per_kg_li = 0.5 / db.molar_mass[db.index["Li(cr)"]] * db.molar_mass[db.index["H2"]]   # 2 Li -> H2
    for flag in step.outcome.flags:
        if flag.code == "metal_meets_water":
            li = c.worst(flag.amount) * c.duration            # kg of Li in the release duration
            h2 = li * h2_per_kg_li
            d = explosion_distance(h2, c.heat_of_combustion("H2"), *c.vce)
            out.append(c.make(sid, "metal_meets_water", "H2", h2, "kg", "1 psi overpressure", d, "normal_operation", [],
                              "quench the Li in an alcohol upstream (ethanol, DEC)",
                              lambda k, li=li: f"metallic Li meets the water of {sid} in normal operation: the H2 of "
                                               f"{li[k]:.3g} kg Li in {c.duration / 60:.0f} min ignites"))
        elif flag.code == "contact_reaction":
            heat = c.rows.at(step.heat_released, Case.WORST)                 # W: the worst case burns
            d = fire_distance(heat, c.radiative, c.flux)
            out.append(c.make(sid, "grinding_fire", "Li(cr)", heat / 1e3, "kW", f"{c.flux / 1000:g} kW/m^2", d,
                              "grinding_ignition", [], "take the Li anode off before shredding (dry-room dismantling), "
                              "or shred under an inert liquid", f"Li metal burns with the electrolyte it is ground with in {sid}"))
        elif flag.code == "latent_sulfide":
            rate = c.worst(flag.amount)                       # kg/s of H2S if acidified
            out.append(c.make(sid, "latent_sulfide", "H2S", rate, "kg/s", None, c.toxic("H2S", rate), "human_error", [],
                              "oxidise or precipitate the sulfide before the liquor is neutralised",
                              f"the alkaline liquor of {sid} is acidified: its sulfide leaves as H2S"))
    return out


def _storage_runaway(c: _Context, sid: str, step) -> list[Found]:
    """One stored package of cells runs away (receive step's ``runaway_energy``, worst case):
    its heat over ``storage.runaway_duration`` as a fire, and the gas its cells hold released in
    the same time (the step's held gas per kg, worst case)."""
    db = c.db
    cfg = c.cfg["storage"]
    duration = to_si(cfg["runaway_duration"]["value"], "time", "chemistry/scenarios.yaml: storage.runaway_duration")
    energy = c.rows.at(step.outcome.quantities["runaway_energy"][0], Case.WORST) * 1e6        # J
    heat = energy / duration
    out = [c.make(sid, "storage_runaway", "stored cells", heat / 1e3, "kW", f"{c.flux / 1000:g} kW/m^2",
                  fire_distance(heat, c.radiative, c.flux), "storage_runaway", [],
                  "store discharged cells in small separated packages with thermal and off-gas detection; keep "
                  "damaged cells in closed drums outside the main store",
                  lambda k: f"a package of stored cells runs away ({energy[k] / 1e6:.3g} MJ in {duration / 60:.0f} min)")]
    params = c.r.route.steps[sid]
    held = (np.maximum(c.rows.at(params["held_gas"], Case.EXPECTED), c.rows.at(params["held_gas_worst"], Case.EXPECTED))
            * c.rows.at(params["runaway_mass"], Case.EXPECTED))            # m3 of held gas
    gas = c.worst(vented_gas(step, db))                     # (samples, gases)
    total = gas.sum(axis=1)
    for i in _gases(gas):
        rate = held / MOLAR_VOLUME_25C * gas[:, i] / np.where(total > 0, total, 1.0) * c.mass[i] / duration
        out.append(c.make(sid, "storage_runaway", c.names[i], rate, "kg/s", None, c.toxic(c.names[i], rate),
                          "storage_runaway", [], "off-gas detection in the store, interlocked with its extraction",
                          f"a package of stored cells runs away and vents the {c.names[i]} its cells hold"))
    return out


def _quench_loss(c: _Context, sid: str, step) -> list[Found]:
    """Addition-rate or cooling failure of a step with an ``h2_interlock`` parameter (the
    quench): the metallic Li of the release duration reacts at once."""
    db = c.db
    h2 = c.worst(step.gas_generated[:, db.index["H2"]]) * db.molar_mass[db.index["H2"]] * c.duration
    d = explosion_distance(h2, c.heat_of_combustion("H2"), *c.vce)
    layers = ["h2_detection_interlock"] if c.r.route.steps[sid]["h2_interlock"] else []
    return [c.make(sid, "quench_control_loss", "H2", h2, "kg", "1 psi overpressure", d, "control_loop_failure",
                   layers, "rate-limited addition with an H2 interlock; cooling with a high-"
                   "temperature trip", f"the quench's solvent addition or cooling fails: "
                   f"{c.duration / 60:.0f} min of Li reacts at once")]


def _treatment_outage(c: _Context, sid: str, step) -> list[Found]:
    """A flare or scrubber fails: the gas it treats is released from the stack untreated."""
    if step.outcome.media == ("as_received",):       # disabled
        return []
    out = []
    rate = c.worst_gas(step.inlet) * c.mass
    for i in _gases(rate):
        gas = c.names[i]
        out.append(c.make(sid, "treatment_outage", gas, rate[:, i], "kg/s", None, c.toxic(gas, rate[:, i], c.stack_height),
                          "control_loop_failure", [],
                          f"a second {step.gas_treatment} stage or an interlock that stops the feed when {sid} fails",
                          f"{sid} fails: {gas} leaves the stack untreated"))
    return out


def _stack_release(c: _Context) -> list[Found]:
    """What the stack emits in normal operation, dispersed from the stack."""
    moles = c.worst_gas(c.r.sink_total("stack"))
    stack = moles * c.mass
    out = []
    for i in _gases(stack):
        gas = c.names[i]
        out.append(c.make("stack", "stack_release", gas, stack[:, i], "kg/s", None, c.toxic(gas, stack[:, i], c.stack_height),
                          "normal_operation", [], "raise the removal of the treatment (a second stage) or the stack",
                          f"{gas} the stack emits in normal operation"))
    # combustible gas leaving the stack above its LEL (H2 past a disabled flare): a flammable plume
    out += _flammable_flow(c, "stack", moles, "combustibles at the stack", "burn them in a flare",
                           "combustible gas leaves the stack in normal operation and ignites")
    return out


def _flammable_flow(c: _Context, where: str, moles: np.ndarray, substance: str, control: str,
                    description: str) -> list[Found]:
    """A vapour-cloud explosion of a gas flow (mol/s per sample and gas column) that is above its
    mixture LEL (Le Chatelier) in normal operation: its combustion energy over the release
    duration."""
    fuels = [i for i in _gases(moles) if c.combustible(c.names[i])]
    if not fuels:
        return []
    total = moles.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    fractions = {c.names[i]: moles[:, i] / safe for i in fuels}           # mole fractions in the flow
    share = sum(fractions.values())
    lel = le_chatelier_lels(fractions, c.hz)                                # NaN: no combustible
    energy = sum(moles[:, i] * c.mass[i] * c.heat_of_combustion(c.names[i]) for i in fuels)
    burns = (total > 0) & (share >= np.nan_to_num(lel, nan=np.inf)) & (energy > 0)
    d = np.where(burns, explosion_distance(energy * c.duration, 1.0, *c.vce), 0.0)
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


def route_risks(result: RouteResult, rows: SampleRows | None = None) -> np.ndarray:
    """Every sample's route risk as one number (:func:`risk_number` of :func:`route_risk` of
    the sample's scenarios), shape (samples,): from the same scenarios :func:`scenarios` gives
    a plan, worked out for all samples of ``rows`` (default: a Monte Carlo batch,
    :meth:`recycle.cases.SampleRows.batch`) at once."""
    rows = rows or SampleRows.batch(len(result.feed))
    found = found_scenarios(result, rows)
    worst = np.zeros(rows.samples, dtype=int)
    aggregate = np.zeros(rows.samples)
    for f in found:
        worst = np.maximum(worst, np.where(f.present, f.risk, 0))
        aggregate = aggregate + np.where(f.present, f.frequency * 10.0 ** (f.severity - 1), 0.0)
    return worst + aggregate / (1.0 + aggregate)


__all__ = ["Found", "RouteRisk", "Scenario", "found_scenarios", "risk_number", "route_risk", "route_risks",
           "scenarios"]
