"""Exposure and flammability data of gases and liquids (``chemistry/hazards.yaml``).

Limits are volume (mole) fractions in air; temperatures K. Each value keeps its source.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .chemistry import ChemistryDB
from .errors import InputError
from .units import Q_
from .yamlio import load_yaml_file

LIMITS = ("idlh", "tlv_twa", "stel", "ceiling", "erpg2", "lel", "uel")
TEMPERATURES = ("autoignition", "flash_point")


@dataclass(frozen=True)
class Value:
    value: float            # mole fraction (limits) or K (temperatures)
    source: str
    quality: str = ""


@dataclass
class Hazard:
    """Hazard data of one species; missing values are None (not applicable / none set)."""

    name: str
    values: dict[str, Value] = field(default_factory=dict)
    nfpa: dict | None = None
    corrosive: bool = False
    asphyxiant: bool = False

    def get(self, key: str) -> Value | None:
        return self.values.get(key)

    @property
    def combustible(self) -> bool:
        return "lel" in self.values


def load_hazards(db: ChemistryDB, path=None) -> dict[str, Hazard]:
    """Hazard data by species name (gases by Cantera name, liquids and solids by index name).

    The shipped file is read once per ChemistryDB (cached on it); ``path`` reads another file."""
    if path is None:
        key = ("hazards",)
        if key not in db._enthalpy_cache:
            db._enthalpy_cache[key] = _read_hazards(db, db.data("hazards.yaml"))
        return db._enthalpy_cache[key]
    return _read_hazards(db, load_yaml_file(path, str(path)))


def _read_hazards(db: ChemistryDB, data: dict) -> dict[str, Hazard]:
    label = "chemistry/hazards.yaml"
    out: dict[str, Hazard] = {}
    for group in ("gases", "liquids", "solids"):
        for name, entry in (data.get(group) or {}).items():
            where = f"{label}: {group}.{name}"
            if name not in db.index:
                raise InputError(where, "unknown species")
            h = Hazard(name, nfpa=entry.get("nfpa"), corrosive=bool(_flag(entry.get("corrosive"))),
                       asphyxiant=bool(_flag(entry.get("asphyxiant"))))
            for key in LIMITS + TEMPERATURES:
                raw = entry.get(key)
                if not isinstance(raw, dict) or raw.get("value") is None:
                    continue
                try:
                    q = Q_(str(raw["value"]))
                    v = q.to("K").magnitude if key in TEMPERATURES else q.to("dimensionless").magnitude
                except Exception as exc:  # noqa: BLE001 - pint raises several kinds
                    raise InputError(f"{where}.{key}", f"cannot read {raw['value']!r}: {exc}") from None
                h.values[key] = Value(float(v), str(raw.get("source", "")), str(raw.get("quality", "")))
            out[name] = h
    return out


def _flag(raw) -> bool:
    if isinstance(raw, dict):
        return bool(raw.get("value"))
    return bool(raw)


def le_chatelier_lel(fractions: dict[str, float], hazards: dict[str, Hazard]) -> float | None:
    """LEL (mole fraction) of a combustible mixture: 1 / sum(y_i / LEL_i), y on a
    combustibles-only basis (Le Chatelier's mixing rule, textbook). None without combustibles.
    One sample of :func:`le_chatelier_lels`."""
    lel = le_chatelier_lels({k: np.array([v], dtype=float) for k, v in fractions.items()}, hazards)[0]
    return None if np.isnan(lel) else lel


def le_chatelier_lels(fractions: Mapping[str, np.ndarray], hazards: dict[str, Hazard]) -> np.ndarray:
    """LEL (mole fraction) of a combustible mixture for every sample: ``fractions`` maps a gas to
    its mole fraction per sample ``(samples,)``; NaN where a sample has no combustible (a
    fraction <= 0 is no combustible). Le Chatelier's rule 1 / sum(y_i / LEL_i), y on a
    combustibles-only basis; summed gas by gas in the order of ``fractions`` (a gas absent
    from a sample adds an exact 0), so each sample rounds as its own mixture does."""
    shape = np.shape(next(iter(fractions.values()))) if fractions else (1,)
    fuels = [(np.asarray(v, dtype=float), hazards[k].values["lel"].value) for k, v in fractions.items()
             if k in hazards and hazards[k].combustible]
    total = np.zeros(shape)                                   # combustibles, mole fraction
    for y, _ in fuels:
        total = total + np.where(y > 0, y, 0.0)
    some = total > 0
    basis = np.where(some, total, 1.0)
    inverse = np.zeros(shape)                                 # sum of y_i / LEL_i on that basis
    for y, lel in fuels:
        inverse = inverse + np.where(y > 0, (y / basis) / lel, 0.0)
    return np.where(some, 1.0 / np.where(some, inverse, 1.0), np.nan)
