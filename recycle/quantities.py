"""Display units of a result's basis and species masses: the small computations the analysis
modules and the report layer share (so no analysis module needs the report layer).

Masses kg (kg/h on a throughput basis), heat kJ (kW).
"""
from __future__ import annotations

import numpy as np

from .cases import Case
from .simulate import RouteResult


class Units:
    """Display units for a result's basis, and conversion from internal SI."""

    def __init__(self, rate: bool):
        self.rate = rate
        self.mass = "kg/h" if rate else "kg"
        self.energy = "kW" if rate else "kJ"
        self.volume = "m^3/h" if rate else "m^3"

    def kg(self, kg_or_kg_per_s: float) -> float:
        return kg_or_kg_per_s * 3600.0 if self.rate else kg_or_kg_per_s

    def heat(self, joule_or_watt: float) -> float:
        return joule_or_watt / 1000.0 + 0.0      # + 0.0 turns -0.0 into 0.0


TRACE = 1e-12  # species below this fraction of the feed mass are left out of reports


def species_masses(result: RouteResult, amounts: np.ndarray, only_gas: bool = False,
                   row: int = Case.EXPECTED) -> dict[str, float]:
    """Species -> mass (kg or kg/s) of a (batch, n_species) amounts array, one batch row.

    Traces below :data:`TRACE` x feed mass (equilibrium round-off) are left out.
    """
    db = result.db
    row = min(row, len(amounts) - 1)
    kg = amounts[row] * db.molar_mass
    threshold = TRACE * float(db.mass(result.feed)[row])
    return {db.names[i]: float(kg[i]) for i in np.flatnonzero(np.abs(kg) > threshold)
            if not only_gas or db.is_gas[i]}


