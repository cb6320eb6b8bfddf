"""Moisture exposure of solid electrolytes in a dry room: dew point, water content, release.

The release model and its calibration are data (``chemistry/moisture.yaml``); this module
reads them and evaluates the model. Units: mole fraction (-), time s, temperature K.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .chemistry import ChemistryDB
from .constants import MOLAR_VOLUME_25C
from .errors import InputError
from .reactions import Reaction
from .units import to_si
from .yamlio import load_yaml_file


def ice_vapour_pressure(temperature: float) -> float:
    """Saturation pressure of water over ice, Pa (Buck 1981, J. Appl. Meteorol. 20:1527).

    e = 611.15 exp((23.036 - t/333.7) * t / (279.82 + t)), t in degC; valid -80 to 0 C.
    Reproduces the dew-point table of DOMAIN.md section 4 (-60 C: 10.7 ppmv at 1 atm).
    """
    t = temperature - 273.15
    return 611.15 * math.exp((23.036 - t / 333.7) * t / (279.82 + t))


def water_vapour_pressure(temperature: float) -> float:
    """Saturation pressure of water over liquid water, Pa (Buck 1996 form of the Arden Buck
    equation, U: as recalled): e = 611.21 exp((18.678 - t/234.5) t / (257.14 + t)), t in degC;
    gives 2338 Pa at 20 C and 3168 Pa at 25 C (IAPWS: 2339 and 3170 Pa)."""
    t = temperature - 273.15
    return 611.21 * math.exp((18.678 - t / 234.5) * t / (257.14 + t))


def water_fraction_at_dew_point(dew_point: float, pressure: float = 101325.0) -> float:
    """Water mole fraction (-) of air with dew point ``dew_point`` (K) at ``pressure`` (Pa):
    the frost point over ice below 0 C, the dew point over liquid water above (ice saturation
    above 0 C overstated the water by 21 % at 20 C)."""
    if dew_point > 273.15:
        return water_vapour_pressure(dew_point) / pressure
    return ice_vapour_pressure(dew_point) / pressure


@dataclass(frozen=True)
class MoistureModel:
    """Surface-limited hydrolysis: converted fraction = k x_w[ppmv] sqrt(t[s]), per species."""

    rate: dict[str, float]          # k per species, 1/(ppmv s^0.5)
    basis: dict[str, str]           # which calibration each k comes from
    worst_case_factor: float

    def converted_fraction(self, species: str, water_fraction: float, time: float,
                           exposed_fraction: float, worst_case: bool = False) -> float:
        """Fraction (0-1) of ``species`` hydrolysed after ``time`` s at ``water_fraction``."""
        k = self.rate.get(species, 0.0)
        f = k * water_fraction * 1e6 * math.sqrt(max(time, 0.0)) * exposed_fraction
        if worst_case:
            f *= self.worst_case_factor
        return min(f, 1.0)


def load_moisture_model(db: ChemistryDB, reactions: dict[str, Reaction], path=None) -> MoistureModel:
    """Calibrate k for every species of ``chemistry/moisture.yaml``."""
    label = "chemistry/moisture.yaml"
    data = load_yaml_file(path or db.directory / "moisture.yaml", label)
    hydrolysis = {r.key: r for r in reactions.values() if "hydrolysis" in r.tags}
    rate, basis = {}, {}
    for species, cal in data["calibrations"].items():
        where = f"{label}: calibrations.{species}"
        if species not in hydrolysis:
            raise InputError(where, "no hydrolysis reaction with this species as key in reactions.yaml")
        release = to_si(cal["release"], "volume_per_mass", where + ".release")      # m^3/kg
        r = hydrolysis[species]
        gas_per_mol = float(r.stoich[db.is_gas].sum()) / -r.coefficient(db, species)
        complete = gas_per_mol * MOLAR_VOLUME_25C / db.molar_mass[db.index[species]]  # m^3/kg
        ppmv = to_si(cal["water"], "dimensionless", where + ".water") * 1e6
        t = to_si(cal["time"], "time", where + ".time")
        rate[species] = (release / complete) / (ppmv * math.sqrt(t))
        basis[species] = str(cal["source"])
    for species, ref in (data.get("stand_ins") or {}).items():
        if ref not in rate:
            raise InputError(f"{label}: stand_ins.{species}", f"{ref!r} has no calibration")
        rate[species] = rate[ref]
        basis[species] = f"stand-in: calibration of {ref} (S)"
    return MoistureModel(rate, basis, float(data["worst_case_factor"]))


def complete_release_per_mass(db: ChemistryDB, reaction: Reaction) -> float:
    """Gas (m^3 at 25 C, 1 atm) per kg of key reactant on complete hydrolysis."""
    gas = float(reaction.stoich[db.is_gas].sum())
    return gas / -reaction.coefficient(db, reaction.key) * MOLAR_VOLUME_25C / db.molar_mass[db.index[reaction.key]]


__all__ = ["MoistureModel", "load_moisture_model", "water_fraction_at_dew_point",
           "ice_vapour_pressure", "complete_release_per_mass", "MOLAR_VOLUME_25C"]
