"""The batch rows of a plan: the expected case and the worst case.

A plan runs two rows through every step (``recycle.planner``); row ``Case.EXPECTED`` holds the
expected values of uncertain inputs, row ``Case.WORST`` their worst-case values. ``Case`` is an
``IntEnum``, so it indexes the case axis of any array directly: ``result.heat_released[Case.WORST]``.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np


class Case(IntEnum):
    """A row of the case axis (axis 0 of every batch array of a plan)."""

    EXPECTED = 0
    WORST = 1

    @property
    def label(self) -> str:
        """The case's name in tables and workbooks: 'expected' or 'worst case'."""
        return "expected" if self is Case.EXPECTED else "worst case"


CASES = tuple(Case)


def envelope(rows: np.ndarray) -> np.ndarray:
    """Rows [expected, worst] with the worst row raised to the expected one where it is lower.

    The worst case of a plan is a set of worst-case inputs; a gas can be smaller on that row
    (a shredder fire in the worst case burns the Li that would give the quench's H2). What gas
    handling must be sized for is the larger of the two, species by species."""
    out = np.array(rows, dtype=float, copy=True)
    out[Case.WORST] = np.maximum(out[Case.EXPECTED], out[Case.WORST])
    return out
