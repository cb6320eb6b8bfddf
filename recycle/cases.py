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


class SampleRows:
    """Where each sample's two cases are among the rows of a result: a plan is one sample (rows
    ``Case.EXPECTED`` and ``Case.WORST``); a batch of N samples (recycle.batch) has 2N rows,
    sample-major, sample n's expected case on row 2n and its worst case on row 2n + 1.

    :meth:`at` takes an array with the case axis first and gives its value for every sample in
    one case, ``(samples, ...)``: the analyses that read a plan's expected or worst row read every
    sample's at once with it (recycle.economics.price_models)."""

    def __init__(self, samples: int, rows: int):
        self.samples, self.rows = samples, rows
        self._rows = {case: slice(case, case + len(CASES) * samples, len(CASES)) for case in CASES}   # views

    @classmethod
    def plan(cls, rows: int) -> SampleRows:
        """The one sample of a plan of ``rows`` rows (its first two)."""
        return cls(1, rows)

    @classmethod
    def batch(cls, rows: int) -> SampleRows:
        """Every sample of a batch of ``rows`` = 2N rows."""
        return cls(rows // len(CASES), rows)

    def at(self, x, case: Case) -> np.ndarray:
        """``x`` (the case axis first) in ``case`` for every sample, shape ``(samples, ...)``. A
        scalar, or an array without a row per row of the result (a value the step holds the same
        on every row), is the same for every sample."""
        x = np.asarray(x, dtype=float)
        if x.ndim == 0:
            return np.full(self.samples, float(x))
        if x.shape[0] == self.rows:
            return x[self._rows[case]]
        return np.broadcast_to(x[min(int(case), x.shape[0] - 1)], (self.samples, *x.shape[1:]))   # one row: all

    def envelope(self, x) -> np.ndarray:
        """The worst case of ``x`` raised to the expected one where it is lower (:func:`envelope`),
        for every sample, shape ``(samples, ...)``."""
        return np.maximum(self.at(x, Case.EXPECTED), self.at(x, Case.WORST))


def row_dot(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Each row of ``a`` (samples, n) dotted with ``v`` (n,), shape ``(samples,)``, rounded as
    each row's own 1-D product ``a[k] @ v`` (a matrix-vector product sums in another order, so
    a sample in a batch would differ by an ulp from its own plan). Units: those of the product."""
    a = np.asarray(a, dtype=float)
    return np.matmul(a[:, None, :], np.asarray(v, dtype=float)[:, None])[:, 0, 0]
