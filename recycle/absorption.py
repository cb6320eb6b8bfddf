"""CO2 co-absorption in a caustic (or lime) packed scrubber, from mass transfer with reaction.

The acid gases react instantaneously with hydroxide: their absorption is gas-film controlled
and the tower has NTU = ln(1 / (1 - removal)) transfer units for the best-removed of them.
CO2 reacts with OH- at a finite rate (k2, fast pseudo-first-order regime), so its flux meets a
liquid-side resistance 1 / (H sqrt(D k2 [OH-])) in series with the gas film k_G:

    K_CO2 / k_G = k_R / (k_R + k_G),   k_R = H sqrt(D k2 [OH-]),   k_G = u / (R T HTU a)

and CO2 sees K_CO2 / k_G of the tower's transfer units: removal = 1 - exp(-NTU x K/k_G).
Constants and their sources: chemistry/absorption.yaml. Units: SI (K, m, s, Pa, mol).
"""
from __future__ import annotations

import math

import numpy as np

from .constants import R_GAS
from .units import Q_, magnitude

# Height of a transfer unit of a packed absorber: 0.58 m (S) reproduces the 4 m of packing this
# project assumed for a 99.9 % HCl removal (NTU 6.9); packed absorbers run 0.3-1 m (U).
HTU = 0.58


def co2_film_ratio(data: dict, temperature: float, hydroxide: float, gas_velocity: float, htu: float) -> float:
    """K_CO2 / k_G (dimensionless): the share of the tower's transfer units CO2 sees, at
    ``temperature`` (K) with ``hydroxide`` mol/kg of free OH- in the liquor (taken as mol/L),
    superficial ``gas_velocity`` (m/s) and the tower's ``htu`` (m). ``hydroxide`` may be an
    array with one value per batch row (the result is then one too)."""
    per_row = isinstance(hydroxide, np.ndarray)
    if not per_row and hydroxide <= 0:
        return 0.0
    co2 = data["co2"]
    T = float(temperature)
    henry = magnitude(str(co2["henry"]["value"]), "mol/m^3/Pa") * math.exp(
        float(Q_(str(co2["henry"]["temperature_dependence"])).to("K").magnitude) * (1.0 / T - 1.0 / 298.15))
    diffusivity = float(Q_(str(co2["diffusivity"]["value"])).to("m^2/s").magnitude) * math.exp(
        -float(Q_(str(co2["diffusivity"]["activation"])).to("K").magnitude) / T)
    k2 = 10.0 ** (float(co2["rate_constant"]["log10_value"])
                  - float(Q_(str(co2["rate_constant"]["activation"])).to("K").magnitude) / T) / 1000.0   # m3/(mol s)
    sqrt = np.sqrt if per_row else math.sqrt
    reactive = henry * sqrt(diffusivity * k2 * np.maximum(hydroxide, 0.0) * 1000.0)  # mol/(m2 s Pa)
    area = float(Q_(str(data["packing"]["specific_area"]["value"])).to("1/m").magnitude)
    gas_film = gas_velocity / (R_GAS * T * htu * area)                                # mol/(m2 s Pa)
    ratio = reactive / (reactive + gas_film)
    return np.where(hydroxide > 0, ratio, 0.0) if per_row else ratio


def co2_removal(ntu: float, ratio: float) -> float:
    """Share of the CO2 absorbed in a tower of ``ntu`` acid-gas transfer units."""
    if isinstance(ntu, np.ndarray) or isinstance(ratio, np.ndarray):      # one value per batch row
        return 1.0 - np.exp(-ntu * ratio)
    return float(1.0 - np.exp(-ntu * ratio))


__all__ = ["HTU", "co2_film_ratio", "co2_removal"]
