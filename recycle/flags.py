"""Structured findings of a step: a code, the species and the quantity behind them.

Later layers (applicability, audit, safety) act on flags, never on the wording of notes.
Codes:

- ``metal_meets_water``: metallic Li (or Li-In) reacted with the water of an aqueous medium;
- ``survives_rate_limit``: a species leaves a step whose medium reacts with it, because a
  stated rate limit or the step's own model lets it survive (amount = what leaves);
- ``not_regenerated``: an electrolyte the regeneration step cannot treat (amount = what is fed);
- ``contact_reaction``: Li metal reacted with the electrolyte or charged cathode it was ground
  with (amount = Li reacted);
- ``latent_sulfide``: sulfide retained in an alkaline liquor, released as H2S when the liquor
  is acidified (amount = H2S equivalent);
- ``unquantified_hazard``: a known reaction whose extent the data cannot give (amount = the
  material at risk).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CODES = ("metal_meets_water", "survives_rate_limit", "not_regenerated", "contact_reaction",
         "latent_sulfide", "unquantified_hazard")


@dataclass(frozen=True)
class Flag:
    """One finding: ``amount`` per batch row in ``unit`` (kg, or kg/s on a throughput basis)."""

    code: str
    step: str
    species: str
    amount: np.ndarray
    unit: str
    message: str

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown flag code {self.code!r}")

    def __repr__(self) -> str:
        return f"Flag({self.code}, {self.step}, {self.species}, max {float(np.max(self.amount)):.3g} {self.unit})"

    def at(self, step: str) -> Flag:
        """The same flag attributed to ``step``."""
        return Flag(self.code, step, self.species, self.amount, self.unit, self.message)
