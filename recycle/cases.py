"""The batch rows of a plan: the expected case and the worst case.

A plan runs two rows through every step (``recycle.planner.CASES``); row 0 holds the expected
values of uncertain inputs, row 1 their worst-case values.
"""
from __future__ import annotations

import numpy as np

EXP, WORST = 0, 1


def envelope(rows: np.ndarray) -> np.ndarray:
    """Rows [expected, worst] with the worst row raised to the expected one where it is lower.

    The worst case of a plan is a set of worst-case inputs; a gas can be smaller on that row
    (a shredder fire in the worst case burns the Li that would give the quench's H2). What gas
    handling must be sized for is the larger of the two, species by species."""
    out = np.array(rows, dtype=float, copy=True)
    out[WORST] = np.maximum(out[EXP], out[WORST])
    return out
