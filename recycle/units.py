"""The one pint registry of recycle, and parsing of quantities at the boundary.

Inside the package every number is a plain float in the internal units below; pint is used
only where data enters (files, CLI, API) or leaves (tables, JSON).

Internal units: amount mol, mass kg, temperature K, pressure Pa, energy J, time s,
volume m^3, power W.
"""
from __future__ import annotations

import functools
import math
import re

import pint

from .errors import InputError, closest

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
ureg.define("USD = [currency]")
ureg.define("ppmv = 1e-6 = ppm_v")
ureg.define("CO2e = [greenhouse_gas]")     # kg CO2e: mass of CO2 with the same GWP-100 (footprints)
ureg.define("points = [index_points]")      # inherent-safety index points, not pint's typographic point
Q_ = ureg.Quantity

# Units a user is likely to mean, offered when a unit is mistyped.
COMMON_UNITS = ("kg", "g", "t", "tonne", "lb", "mg", "kg/h", "kg/s", "t/day", "t/h", "t/year", "degC", "degF",
                "K", "s", "min", "h", "hour", "day", "year", "m", "cm", "mm", "um", "m^2", "m^3", "L", "mL",
                "m^3/h", "L/kg", "Pa", "kPa", "bar", "atm", "J", "kJ", "MJ", "kWh", "W", "kW", "MW", "V",
                "mAh", "ppm", "ppmv", "percent", "USD", "USD/kg", "USD/t", "mol")

# Internal unit of each dimension a parameter or input may have.
SI_UNIT = {
    "mass": "kg",
    "mass_rate": "kg/s",
    "temperature": "K",
    "time": "s",
    "pressure": "Pa",
    "energy": "J",
    "power": "W",
    "volume": "m^3",
    "volume_rate": "m^3/s",
    "length": "m",
    "area": "m^2",
    "dimensionless": "",
    "volume_per_mass": "m^3/kg",
    "density": "kg/m^3",
    "charge_per_area": "A*s/m^2",
    "specific_charge": "A*s/kg",
    "voltage": "V",
    "amount": "mol",
    "power_per_volume": "W/m^3",
    "power_per_area": "W/m^2",
    "energy_per_mass": "J/kg",
    "velocity": "m/s",
    "molar_energy": "J/mol",
    "molar_entropy": "J/mol/K",
    "molality": "mol/kg",
    "mass_per_area": "kg/m^2",
    "frequency": "1/s",
}


def parse_quantity(text, dimension: str, where: str) -> pint.Quantity:
    """Parse ``text`` (e.g. ``"10 t/day"``, ``"-60 degC"``) and check it has ``dimension``.

    ``dimension`` is a key of :data:`DIMENSIONS`. A bare number is accepted only for
    dimensionless quantities. Raises :class:`InputError` naming ``where``.
    """
    if isinstance(text, bool):
        raise InputError(where, f"expected a {dimension.replace('_', ' ')} with a unit, got {text!r}")
    if isinstance(text, (int, float)):
        if dimension == "dimensionless":
            q = Q_(float(text))
        else:
            raise InputError(
                where, f"{text!r} has no unit; expected a {dimension.replace('_', ' ')} "
                f"such as '{_example(dimension)}'")
    elif isinstance(text, str):
        s = text.strip()
        if not s:
            raise InputError(where, f"empty value; expected a {dimension.replace('_', ' ')}")
        check_grammar(s, text, where)
        try:
            q = Q_(s)
        except pint.errors.UndefinedUnitError as exc:
            bad = str(exc.unit_names[0] if getattr(exc, "unit_names", None) else exc)
            raise InputError(where, f"cannot read {text!r} as a quantity: unknown unit {bad!r}; "
                             f"{closest(bad, COMMON_UNITS)}") from None
        except pint.errors.DefinitionSyntaxError as exc:
            raise InputError(where, f"cannot read {text!r} as a quantity: {exc}") from None
        except Exception:  # pint's tokenizer raises assorted errors on garbage (and overflows)
            raise InputError(where, f"cannot read {text!r} as a quantity") from None
        if not isinstance(q, pint.Quantity):
            q = Q_(float(q))
        if dimension != "dimensionless" and q.dimensionless:
            raise InputError(
                where, f"{text!r} has no unit; expected a {dimension.replace('_', ' ')} "
                f"such as '{_example(dimension)}'")
    else:
        raise InputError(where, f"expected a {dimension.replace('_', ' ')}, got {type(text).__name__}")
    if not _has_dimension(q, dimension):
        raise InputError(
            where, f"{text!r} is not a {dimension.replace('_', ' ')} "
            f"(it has dimension {q.dimensionality}); e.g. '{_example(dimension)}'")
    magnitude = q.magnitude
    if not isinstance(magnitude, (int, float)) or not math.isfinite(float(magnitude)):
        raise InputError(where, f"{text!r} is not a finite number")
    return q


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
_EXPONENT = re.compile(r"(?:\^|\*\*)\s*\(?\s*[+-]?\d{1,2}\s*\)?")
MAGNITUDE_LIMIT = 1e30      # |value| in the units written; beyond it a number is a typo, not a plant


def check_grammar(s: str, text, where: str) -> None:
    """The one quantity grammar: a number (decimal point, optional exponent), then a unit
    expression from pint's registry whose only digits are small exponents (m^3, s**-1) or a
    leading 1/ (1/h). Refused with a clear message: a decimal comma or thousands separator
    (2,5 kg; 1,000 kg), two numbers (1 2 kg), a unit without a number (kg), exponent towers
    (9**9**9 kg), magnitudes beyond 1e30."""
    m = _NUMBER.match(s)
    if not m:
        if re.match(r"^[+-]?(nan|inf)", s, re.I):
            raise InputError(where, f"{text!r} is not a finite number")
        raise InputError(where, f"cannot read {text!r}: a quantity starts with a number, e.g. '2.5 kg'")
    rest = s[m.end():]
    if re.match(r"^,\d", rest):
        raise InputError(where, f"cannot read {text!r}: write numbers with a decimal point and no thousands "
                         "separator (2.5 kg, 1000 kg): a comma is ambiguous")
    try:
        value = float(m.group(0))
    except ValueError:
        raise InputError(where, f"cannot read {text!r} as a number") from None
    if not math.isfinite(value) or abs(value) > MAGNITUDE_LIMIT:
        raise InputError(where, f"{text!r} is out of range: magnitudes up to {MAGNITUDE_LIMIT:g} are accepted")
    unit = rest.strip()
    if unit.startswith("1/"):
        unit = unit[2:]
    if re.search(r"(?:\^|\*\*)\s*\(?\s*[+-]?\d{1,2}\s*\)?\s*(?:\^|\*\*)", unit):
        raise InputError(where, f"cannot read {text!r}: one exponent per unit (m^3, not m^3^2)")
    bare = _EXPONENT.sub("", unit)
    if re.search(r"\d", bare) or "**" in bare or "^" in bare:
        raise InputError(where, f"cannot read {text!r}: one number, then a unit such as 'kg', 'm^3/h' or '1/h' "
                         "(exponents up to two digits)")
    if unit and not re.match(r"^[A-Za-z(%°µ]", unit):
        raise InputError(where, f"cannot read {text!r}: the unit must follow the number, e.g. '2.5 kg'")


def _has_dimension(q: pint.Quantity, dimension: str) -> bool:
    target = Q_(1, SI_UNIT[dimension] or "dimensionless")
    return q.dimensionality == target.dimensionality


def to_si(text, dimension: str, where: str) -> float:
    """Parse like :func:`parse_quantity` and return the magnitude in internal SI units.

    Strings already read once are answered from a cache (a file of 20 000 rows repeats a few
    dozen masses); a string that fails is parsed again each time, so its error names ``where``."""
    if isinstance(text, str):
        try:
            return _to_si_cached(text, dimension)
        except InputError:
            pass
    return _to_si(text, dimension, where)


@functools.lru_cache(maxsize=4096)
def _to_si_cached(text: str, dimension: str) -> float:
    return _to_si(text, dimension, "")


def _to_si(text, dimension: str, where: str) -> float:
    q = parse_quantity(text, dimension, where)
    unit = SI_UNIT[dimension]
    try:
        value = float(q.to(unit).magnitude) if unit else float(q.to("dimensionless").magnitude)
    except (OverflowError, ArithmeticError):
        raise InputError(where, f"{text!r} is out of range") from None
    if not math.isfinite(value):
        raise InputError(where, f"{text!r} is out of range")
    return value


@functools.lru_cache(maxsize=4096)
def magnitude(text: str, unit: str) -> float:
    """The number of ``text`` (a quantity written in a data file, e.g. "2 h") in ``unit``; a pure
    function of its arguments, memoised because the analyses read the same data texts on every
    run of a Monte Carlo or a sweep."""
    return float(Q_(str(text)).to(unit).magnitude)


def _example(dimension: str) -> str:
    return {
        "mass": "250 kg", "mass_rate": "10 t/day", "temperature": "25 degC", "time": "2 h",
        "pressure": "1 atm", "energy": "5 MJ", "power": "400 kW", "volume": "16000 m^3",
        "volume_rate": "500 m^3/h", "length": "30 um", "area": "2 m^2", "dimensionless": "0.9",
        "volume_per_mass": "10 L/kg", "density": "1.86 g/cm^3", "charge_per_area": "4 mAh/cm^2",
        "specific_charge": "195 mAh/g", "voltage": "3.8 V", "amount": "72 mol",
        "power_per_volume": "25 W/m^3", "power_per_area": "24 kW/m^2", "energy_per_mass": "30 kWh/t", "velocity": "1.5 m/s",
        "mass_per_area": "500 kg/m^2", "frequency": "4 1/h",
        "molality": "4 mol/kg", "molar_energy": "-470 kJ/mol", "molar_entropy": "48 J/mol/K",
    }[dimension]
