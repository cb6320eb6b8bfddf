"""The step contract: typed parameters, named ports, and one method ``run``.

A step maps the amounts arriving at its inlets to the amounts leaving its outlets and says
what it did. Amounts are arrays of shape ``(batch, n_species)`` in mol (or mol/s on a
throughput basis); temperatures in K; energies in J (or W on a throughput basis).

The simulator, not the step, computes what follows from the amounts alone: heat released
(from Cantera enthalpies), gas generated and emitted, element residuals and enthalpy duty; and
for a step with an ``electricity`` parameter (energy per mass of solids fed), the electricity.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..chemistry import ChemistryDB
from ..constants import FARADAY, P_STANDARD, R_GAS, T_STANDARD  # noqa: F401 - re-exported for steps
from ..errors import InputError, closest
from ..reactions import Reaction
from ..reactivity import react_in_medium  # noqa: F401 - re-exported for steps
from ..units import to_si

T_MIN, T_MAX = 150.0, 3000.0   # K: step temperatures outside this are refused (dew points to -120 C)


@dataclass(frozen=True)
class Param:
    """A step parameter: its kind, default (as a user would write it) and source.

    kind: ``quantity`` (with ``dimension``, a key of :data:`recycle.units.SI_UNIT`),
    ``fraction`` (0-1), ``number`` (>= 0), ``choice`` (one of ``choices``), ``flag``, or
    ``fractions`` (``"KEY: 0.9, KEY2: 0.8"`` with keys from ``choices``).
    """

    name: str
    kind: str
    default: Any
    doc: str
    dimension: str | None = None
    choices: tuple[str, ...] = ()
    source: str = ""
    positive: bool = False          # refuse zero (a divisor such as a concentration)
    minimum: float | None = None    # smallest accepted value of a number, or of a quantity in SI (K for a temperature)
    maximum: float | None = None    # largest accepted value of a quantity, in SI (e.g. K for a liquor)

    def parse(self, raw: Any, where: str) -> Any:
        """The internal value (SI float, str or bool) of ``raw``, or :class:`InputError`."""
        if self.kind == "quantity":
            value = to_si(raw, self.dimension, where)
            if self.dimension == "temperature" and not T_MIN <= value <= T_MAX:
                raise InputError(where, f"{raw!r} is outside {T_MIN:g}-{T_MAX:g} K, the range recycle's "
                                 "thermochemical data and steps are meant for")
            if self.minimum is not None and value < self.minimum:
                raise InputError(where, f"{raw!r} is below what this step's model covers ({self.doc}: at least "
                                 f"{self.minimum - 273.15:g} C)" if self.dimension == "temperature"
                                 else f"{raw!r} is below the smallest value this step's model covers")
            if self.maximum is not None and value > self.maximum:
                raise InputError(where, f"{raw!r} is above what this step's model covers ({self.doc}: at most "
                                 f"{self.maximum - 273.15:g} C)" if self.dimension == "temperature"
                                 else f"{raw!r} is above the largest value this step's model covers")
            if value < 0 and self.dimension != "temperature":
                raise InputError(where, f"{raw!r} is negative")
            if self.positive and value <= 0:
                raise InputError(where, f"{raw!r} must be positive")
            return value
        if self.kind in ("fraction", "number"):
            value = to_si(raw, "dimensionless", where)
            if self.minimum is not None and value < self.minimum:
                raise InputError(where, f"{raw!r} is out of range; expected a number >= {self.minimum:g}")
            if value < 0 or (self.kind == "fraction" and value > 1) or (self.positive and value == 0):
                if self.kind == "fraction":
                    span = "above 0 and at most 1" if self.positive else "between 0 and 1"
                else:
                    span = "> 0" if self.positive else ">= 0"
                raise InputError(where, f"{raw!r} is out of range; expected a number {span}")
            return value
        if self.kind == "choice":
            text = str(raw).strip()
            if text not in self.choices:
                raise InputError(where, f"unknown {self.name} {text!r}; {closest(text, self.choices)}")
            return text
        if self.kind == "fractions":   # "HCL: 0.999, SO2: 0.95" -> {"HCL": 0.999, "SO2": 0.95}
            out = {}
            for part in str(raw).split(","):
                if not part.strip():
                    continue
                if ":" not in part:
                    raise InputError(where, f"cannot read {part.strip()!r}; write 'HCL: 0.999, SO2: 0.95'")
                key, value = (x.strip() for x in part.split(":", 1))
                if key in out:
                    raise InputError(f"{where}.{key}", "given twice; give each gas once")
                if key not in self.choices:
                    raise InputError(where, f"unknown gas {key!r}; {closest(key, self.choices)}")
                f = to_si(value, "dimensionless", f"{where}.{key}")
                if not 0.0 <= f <= 1.0:
                    raise InputError(f"{where}.{key}", f"{value!r} is not a fraction between 0 and 1")
                out[key] = f
            return out
        if self.kind == "flag":
            text = str(raw).strip().lower()
            if text in ("true", "yes", "on", "1"):
                return True
            if text in ("false", "no", "off", "0"):
                return False
            raise InputError(where, f"{raw!r} is not true or false")
        raise AssertionError(self.kind)

    def describe(self) -> str:
        kind = {"choice": "one of " + "|".join(self.choices)}.get(self.kind, self.dimension or self.kind)
        return f"{self.name} = {self.default} ({kind}): {self.doc}"


@dataclass
class Context:
    """What a step may use besides its inlets: chemistry data and the basis.

    On a batch basis amounts are mol per batch and energies J per batch; on a throughput
    basis (``rate_basis``) they are mol/s and W. Batch rows can be cases: uncertain inputs
    take their expected value on ordinary rows and their worst-case value where
    ``worst_case`` is True (see :meth:`pick`). :meth:`energy` turns a power drawn for a
    duration into the energy per basis unit accordingly.
    """

    db: ChemistryDB
    reactions: dict[str, Reaction]
    moisture: Any = None            # recycle.moisture.MoistureModel
    regeneration: dict = field(default_factory=dict)  # chemistry/regeneration.yaml
    rate_basis: bool = False
    worst_case: np.ndarray = field(default_factory=lambda: np.array([False]))
    inlet_enthalpy: dict = field(default_factory=dict)
    """Per inlet port: enthalpy (J per batch row) of what arrives, at its own temperature(s)."""
    inlet_streams: dict = field(default_factory=dict)
    """Per inlet port: the arriving streams as (amounts, temperature per batch row)."""
    reactivity: Any = None          # recycle.reactivity.Reactivity
    batch_equilibria: bool = False
    """Solve a Monte Carlo batch's flare and smelter equilibria together from Cantera's solution
    of reference rows, checked against Cantera (recycle.gas_equilibrium, recycle.multiphase),
    instead of one Cantera call per row."""

    def pick(self, expected, worst):
        """Per batch row, ``worst`` on worst-case rows and ``expected`` elsewhere."""
        return np.where(self.worst_case, worst, expected)

    @property
    def per(self) -> str:
        """Suffix that makes an extensive unit a rate on a throughput basis ('' or '/s')."""
        return "/s" if self.rate_basis else ""

    def energy(self, power: float, duration: float) -> float:
        """Energy per basis: J per batch for ``duration`` s, or W on a throughput basis."""
        return power if self.rate_basis else power * duration

    def reactions_tagged(self, tag: str) -> list[Reaction]:
        return [r for r in self.reactions.values() if tag in r.tags]


@dataclass
class StepOutcome:
    """What ``run`` returns: outlet amounts plus the record of what the step did.

    ``reagents``: amounts fed to the step from outside the route (solvent, caustic, air,
    room moisture), mol. ``utilities``: electricity and the like, J per basis unit.
    ``quantities``: other results as (value per batch row, its pint unit, description).
    ``media``: the media of ``chemistry/media.yaml`` the step's material met; the simulator
    checks that nothing leaves that one of them would have reacted. ``flags``: structured
    findings (:mod:`recycle.flags`) for later layers; notes are for people.
    """

    outlets: dict[str, np.ndarray]
    reagents: np.ndarray
    temperature: float                      # K, where heat released is evaluated
    outlet_temperature: dict[str, np.ndarray | float] = field(default_factory=dict)
    utilities: dict[str, np.ndarray] = field(default_factory=dict)
    quantities: dict[str, tuple[np.ndarray, str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    media: tuple[str, ...] = ()
    flags: list = field(default_factory=list)
    outlet_media: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Outlets that left before the step's material met all of ``media`` (their own media)."""
    aqueous_outlets: tuple[str, ...] = ()
    """Outlets that are aqueous solutions: the species of chemistry/aqueous.yaml in them are
    computed dissolved (infinite dilution)."""
    dissolved_reagents: tuple[str, ...] = ()
    """Reagents fed as aqueous solutions (NaOH, Na2CO3): computed dissolved."""
    from_air: np.ndarray | None = None
    """The part of ``reagents`` drawn from the atmosphere (combustion or blown air, room
    moisture), mol: neither bought nor embodied. None: everything was bought."""


class Step:
    """Base of every step type. Subclasses set the class attributes and implement ``run``."""

    type: ClassVar[str]
    summary: ClassVar[str]
    inlets: ClassVar[tuple[str, ...]]
    outlets: ClassVar[tuple[str, ...]]
    params: ClassVar[tuple[Param, ...]]
    sources: ClassVar[tuple[str, ...]] = ()
    #: what the step does to the gas it receives, "combustion" or "absorption"; "" for a step
    #: that is not a gas treatment (its failure releases that gas untreated: recycle.scenarios)
    gas_treatment: ClassVar[str] = ""
    #: False for a step that only makes the cells safe to handle (discharge): a route may not
    #: send cells to a product that only such steps have touched (recycle.flowsheet)
    treats_cells: ClassVar[bool] = True
    #: True for a step that grinds the cells: metallic Li leaves it pulverised, and pulverised Li
    #: floats and scatters in any liquid downstream, an ignition source (recycle.audit)
    pulverises: ClassVar[bool] = False

    def __init__(self, step_id: str, raw: dict[str, Any], where: str):
        self.id = step_id
        self.raw = {p.name: p.default for p in self.params}
        known = {p.name: p for p in self.params}
        for key in raw:
            if key not in known:
                raise InputError(f"{where}.{key}", f"unknown parameter of step type {self.type!r}; "
                                 f"{closest(key, known)}")
        self.raw.update(raw)
        self.values = {name: known[name].parse(v, f"{where}.{name}") for name, v in self.raw.items()}
        for name, param in known.items():     # per-key settings add to the defaults, not replace them
            if param.kind == "fractions" and name in raw:
                self.values[name] = {**param.parse(param.default, where), **self.values[name]}

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def run(self, inlets: dict[str, np.ndarray], ctx: Context) -> StepOutcome:
        raise NotImplementedError


# --------------------------------------------------------------------- shared operations
def extent(amounts: np.ndarray, reaction: Reaction, db: ChemistryDB, fraction: float = 1.0) -> np.ndarray:
    """Extent (mol of reaction, per batch row) that converts ``fraction`` of the key reactant."""
    nu = reaction.coefficient(db, reaction.key)
    return fraction * amounts[:, db.index[reaction.key]] / -nu


def react(amounts: np.ndarray, reaction: Reaction, xi: np.ndarray) -> np.ndarray:
    """Amounts after a reaction of extent ``xi`` (per batch row)."""
    return amounts + xi[:, None] * reaction.stoich[None, :]


def co_reactant_demand(reaction: Reaction, xi: np.ndarray, db: ChemistryDB, species: str) -> np.ndarray:
    """Moles of ``species`` a reaction of extent ``xi`` consumes."""
    return -reaction.coefficient(db, species) * xi


def react_fed(amounts: np.ndarray, reagents: np.ndarray, reaction: Reaction, xi: np.ndarray, db: ChemistryDB,
              species: str, excess: float = 1.0) -> np.ndarray:
    """Feed ``species`` from outside (``excess`` x what the reaction consumes, recorded in
    ``reagents`` in place) and run the reaction; returns the amounts after it."""
    fed = co_reactant_demand(reaction, xi, db, species) * excess
    amounts = amounts.copy()
    amounts[:, db.index[species]] += fed
    reagents[:, db.index[species]] += fed
    return react(amounts, reaction, xi)


def per_row(value):
    """A parameter value as a column against (batch, n_species) arrays: ``value[:, None]`` for a
    per-row value (an array of shape (batch,), one value per batch row), the scalar itself
    otherwise. Sampled parameters are per-row arrays on a Monte Carlo batch (recycle.batch)."""
    return value[:, None] if isinstance(value, np.ndarray) and value.ndim == 1 else value


def span(value, spec: str = ".3g", scale: float = 1.0) -> str:
    """A parameter or result for a note: ``format(value * scale, spec)``, or "low-high" when it
    varies over the batch rows (a Monte Carlo batch: the note describes all of them)."""
    v = np.asarray(value, dtype=float) * scale
    lo, hi = float(v.min()), float(v.max())
    return format(lo, spec) if lo == hi else f"{format(lo, spec)}-{format(hi, spec)}"


def split(amounts: np.ndarray, mask: np.ndarray, fraction: float | np.ndarray = 1.0):
    """(selected, rest): ``fraction`` (a scalar, or one value per batch row) of the species in
    ``mask`` go to *selected*."""
    take = amounts * (mask * per_row(fraction))
    return take, amounts - take


def vapour_pressure(db: ChemistryDB, liquid: str, gas: str, temperature: float) -> float:
    """Saturation pressure (Pa) of ``liquid`` from the Gibbs energies of liquid and gas.

    p_sat = p0 exp(-(g_gas - g_liq)/RT), with both species' Cantera thermochemistry and
    p0 = 1 bar, the standard-state pressure of the NASA polynomials.
    """
    sp_l = db.cantera_species[db.index[liquid]].thermo
    sp_g = db.cantera_species[db.index[gas]].thermo
    T = temperature
    dg = ((sp_g.h(T) - T * sp_g.s(T)) - (sp_l.h(T) - T * sp_l.s(T))) / 1000.0
    return 1e5 * float(np.exp(-dg / (R_GAS * T)))


def electricity_param(default: str) -> Param:
    """The ``electricity`` parameter of a step: energy per mass of solids fed (dissolved salts count
    as solids here; water and solvents do not), for agitators, pumps, filters, fans, electric
    heating. The simulator adds it to the step's electricity."""
    return Param("electricity", "quantity", default, "electricity per mass of solids fed (agitation, pumping, filtration)",
                 dimension="energy_per_mass",
                 source="estimate of this project (S), per t of solids fed to the step; for hydrometallurgy the steps "
                        "sum to about 270 kWh per t of cells, against 500 kWh/t in the model of Ma et al., Nat. Commun. "
                        "2024 (NMCRecycle.m L40, read: docs/validation/ma2024_comparison.md)")


# Parameters shared by the packed-tower absorbers (scrub, acid_scrub).
PACKED_TOWER = (
    Param("temperature", "quantity", "30 degC", "liquor temperature", dimension="temperature", maximum=373.15),
    Param("pressure_drop", "quantity", "2.5 kPa", "gas-side pressure drop the fan overcomes",
          dimension="pressure", source="estimate of this project (S): packed tower plus ducting"),
    Param("liquid_to_gas", "quantity", "3 L/m^3", "liquor recirculated per gas volume",
          dimension="dimensionless", source="typical packed-tower L/G 1.5-5 L/m3 (U: no primary source named)"),
    Param("machine_efficiency", "fraction", 0.65, "fan and pump efficiency (wire to fluid)", positive=True,
          source="estimate of this project (S)"),
    Param("gas_velocity", "quantity", "1.5 m/s", "superficial gas velocity that sets the tower cross-section",
          dimension="velocity", source="typical superficial velocity 1.0-2.5 m/s (U: no primary source named)", positive=True),
)


def fan_and_pump_power(gas: np.ndarray, db: ChemistryDB, pressure_drop: float, liquid_to_gas: float,
                       efficiency: float, pump_head: float = 15.0) -> np.ndarray:
    """Electric power (W, or J per batch-second) of a scrubber's fan and liquor pump.

    Fan: Q dp / eta with Q the gas volume at 25 C, 1 atm (m^3/s); pump: rho g H L / eta with
    L = (L/G) Q, water density and a 15 m head (S). On a batch basis ``gas`` is mol per batch
    and the result is the energy per batch (J), since Q is then m^3 per batch.
    """
    from ..constants import MOLAR_VOLUME_25C

    q = gas[:, db.is_gas].sum(axis=1) * MOLAR_VOLUME_25C
    return (q * pressure_drop + 1000.0 * 9.81 * pump_head * liquid_to_gas * q) / efficiency
