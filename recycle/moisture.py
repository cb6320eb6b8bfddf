"""Moisture exposure of solid electrolytes in a dry room: dew point, water content, release.

The release model and its calibration are data (``chemistry/moisture.yaml``); this module
reads them and evaluates the model. Units: mole fraction (-), time s, temperature K.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .chemistry import ChemistryDB
from .constants import MOLAR_VOLUME_25C
from .errors import InputError
from .reactions import Reaction
from .units import to_si
from .yamlio import load_yaml_file


def _exp(x):
    """exp of a scalar (math, as before) or elementwise of a per-row array (numpy)."""
    return np.exp(x) if isinstance(x, np.ndarray) else math.exp(x)


def ice_vapour_pressure(temperature: float) -> float:
    """Saturation pressure of water over ice, Pa (Buck 1981, J. Appl. Meteorol. 20:1527).

    e = 611.15 exp((23.036 - t/333.7) * t / (279.82 + t)), t in degC; valid -80 to 0 C.
    Reproduces the dew-point table of zonglen.com (-60 C: 10.7 ppmv at 1 atm; page not identified, U).
    """
    t = temperature - 273.15
    return 611.15 * _exp((23.036 - t / 333.7) * t / (279.82 + t))


def water_vapour_pressure(temperature: float) -> float:
    """Saturation pressure of water over liquid water, Pa (Buck 1996 form of the Arden Buck
    equation, U: as recalled): e = 611.21 exp((18.678 - t/234.5) t / (257.14 + t)), t in degC;
    gives 2338 Pa at 20 C and 3168 Pa at 25 C (IAPWS: 2339 and 3170 Pa)."""
    t = temperature - 273.15
    return 611.21 * _exp((18.678 - t / 234.5) * t / (257.14 + t))


def water_fraction_at_dew_point(dew_point: float, pressure: float = 101325.0) -> float:
    """Water mole fraction (-) of air with dew point ``dew_point`` (K) at ``pressure`` (Pa):
    the frost point over ice below 0 C, the dew point over liquid water above (ice saturation
    above 0 C overstated the water by 21 % at 20 C)."""
    if isinstance(dew_point, np.ndarray):      # one dew point per batch row
        return np.where(dew_point > 273.15, water_vapour_pressure(dew_point), ice_vapour_pressure(dew_point)) / pressure
    if dew_point > 273.15:
        return water_vapour_pressure(dew_point) / pressure
    return ice_vapour_pressure(dew_point) / pressure


@dataclass(frozen=True)
class MoistureModel:
    """Surface-limited, saturating hydrolysis: f = 1 - exp(-k x_w[ppmv] sqrt(t[s]) exposed), per
    species, with a worst-case k from the measured spread of the species' family."""

    rate: dict[str, float]          # k per species, 1/(ppmv s^0.5): the expected case
    worst_rate: dict[str, float]    # k per species, the worst case
    basis: dict[str, str]           # which calibration each k comes from

    def converted_fraction(self, species: str, water_fraction: float, time: float,
                           exposed_fraction: float, worst_case: bool = False) -> float:
        """Fraction (0-1) of ``species`` hydrolysed after ``time`` s at ``water_fraction``; any of
        the three may be an array with one value per batch row (the result is then one too)."""
        k = (self.worst_rate if worst_case else self.rate).get(species, 0.0)
        if any(isinstance(x, np.ndarray) for x in (water_fraction, time, exposed_fraction)):
            return -np.expm1(-k * water_fraction * 1e6 * np.sqrt(np.maximum(time, 0.0)) * exposed_fraction)
        return -math.expm1(-k * water_fraction * 1e6 * math.sqrt(max(time, 0.0)) * exposed_fraction)


def rate_constant(release: float, complete: float, ppmv: float, time: float) -> float:
    """k (1/(ppmv s^0.5)) that gives ``release`` (m^3/kg) of a complete ``complete`` (m^3/kg)
    after ``time`` s at ``ppmv``: k = -ln(1 - release/complete) / (ppmv sqrt(t))."""
    f = release / complete
    if not 0.0 < f < 1.0:
        raise ValueError(f"measured release {release:g} is not a fraction of the complete {complete:g}")
    return -math.log1p(-f) / (ppmv * math.sqrt(time))


def load_moisture_model(db: ChemistryDB, reactions: dict[str, Reaction], path=None) -> MoistureModel:
    """Calibrate k for every species of ``chemistry/moisture.yaml`` and the worst case of each
    species' family from the measured spread."""
    import cantera as ct

    label = "chemistry/moisture.yaml"
    data = load_yaml_file(path or db.directory / "moisture.yaml", label)
    hydrolysis = {r.key: r for r in reactions.values() if "hydrolysis" in r.tags}
    rate, basis, family_k = {}, {}, {}
    family_of = {s.name: s.family for s in db.species}

    def measured(where, cal):
        release = to_si(cal["release"], "volume_per_mass", where + ".release")      # m^3/kg
        ppmv = to_si(cal["water"], "dimensionless", where + ".water") * 1e6
        return release, ppmv, to_si(cal["time"], "time", where + ".time")

    for species, cal in data["calibrations"].items():
        where = f"{label}: calibrations.{species}"
        if species not in hydrolysis:
            raise InputError(where, "no hydrolysis reaction with this species as key in reactions.yaml")
        release, ppmv, t = measured(where, cal)
        r = hydrolysis[species]
        gas_per_mol = float(r.stoich[db.is_gas].sum()) / -r.coefficient(db, species)
        complete = gas_per_mol * MOLAR_VOLUME_25C / db.molar_mass[db.index[species]]  # m^3/kg
        rate[species] = rate_constant(release, complete, ppmv, t)
        basis[species] = str(cal["source"])
        family_k.setdefault(family_of.get(species), []).append(rate[species])
    spread = {}
    for name, cal in (data.get("spread") or {}).items():
        where = f"{label}: spread.{name}"
        release, ppmv, t = measured(where, cal)
        formula = cal["formula"]
        molar_mass = sum(float(n) * ct.Element(el).weight for el, n in formula.items()) / 1000.0   # kg/mol
        complete = float(formula["S"]) * MOLAR_VOLUME_25C / molar_mass          # every S to H2S (S)
        spread[name] = rate_constant(release, complete, ppmv, t)
        family_k.setdefault(cal["family"], []).append(spread[name])
    for species, ref in (data.get("stand_ins") or {}).items():
        if ref in rate:
            rate[species] = rate[ref]
        elif ref in spread:
            rate[species] = spread[ref]
        else:
            raise InputError(f"{label}: stand_ins.{species}", f"{ref!r} has no calibration")
        basis[species] = f"stand-in: calibration of {ref} (S)"
    factor = float(data["worst_case_factor"])
    worst = {}
    for species, k in rate.items():
        measured_k = family_k.get(family_of.get(species))
        worst[species] = max(k, max(measured_k)) if measured_k else factor * k
    return MoistureModel(rate, worst, basis)


def complete_release_per_mass(db: ChemistryDB, reaction: Reaction) -> float:
    """Gas (m^3 at 25 C, 1 atm) per kg of key reactant on complete hydrolysis."""
    gas = float(reaction.stoich[db.is_gas].sum())
    return gas / -reaction.coefficient(db, reaction.key) * MOLAR_VOLUME_25C / db.molar_mass[db.index[reaction.key]]


__all__ = [
    "MOLAR_VOLUME_25C",
    "MoistureModel",
    "complete_release_per_mass",
    "ice_vapour_pressure",
    "load_moisture_model",
    "rate_constant",
    "water_fraction_at_dew_point",
]
