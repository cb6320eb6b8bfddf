"""Bands: a value's class or points from a table of upper edges, ``[[upper edge, points], ...]``.

The safety index's factors (chemistry/safety.yaml) and the scenarios' severity by distance
(chemistry/scenarios.yaml) read their tables this way: the first band whose upper edge the
value does not exceed (edges inclusive, in the order written), the last band's points above
every edge. One value (:func:`band`) or many at once (:func:`band_points`).
"""
from __future__ import annotations

import functools

import numpy as np


def band(value: float, bands: list) -> int:
    """Points of ``value`` for bands ``[[upper edge, points], ...]`` (edges inclusive; a value
    above every edge, or NaN, gets the last band's points): one value of :func:`band_points`."""
    return int(band_points(np.array([value], dtype=float), bands)[0])


def band_points(values: np.ndarray, bands: list) -> np.ndarray:
    """Points of each of ``values`` (samples,) for bands ``[[upper edge, points], ...]``: the
    points of the first band whose upper edge the value does not exceed (edges inclusive, taken
    in the order written), else the last band's points (NaN too). Integer array (samples,)."""
    edges, points, ascending = _band_table(bands if isinstance(bands, tuple) else bands_tuple(bands))
    values = np.asarray(values, dtype=float)
    if ascending:          # the first edge >= value; NaN sorts above every edge
        return points[np.searchsorted(edges, values, side="left")]
    within = values[:, None] <= edges                                           # (samples, bands)
    return points[np.where(within.any(axis=1), within.argmax(axis=1), len(edges))]


def bands_tuple(bands: list) -> tuple[tuple[float, int], ...]:
    """Bands ``[[upper edge, points], ...]`` as ``((edge, points), ...)`` (floats, integers): the
    form :func:`band_points` reads fastest (its tables are memoised by it)."""
    return tuple((float(edge), int(pts)) for edge, pts in bands)


@functools.lru_cache(maxsize=64)
def _band_table(bands: tuple[tuple[float, int], ...]) -> tuple[np.ndarray, np.ndarray, bool]:
    """Upper edges, points (the last band's repeated for a value above every edge) and whether
    the edges ascend, of bands ``((edge, points), ...)`` (a pure function, memoised)."""
    edges = np.array([edge for edge, _ in bands])
    points = np.array([pts for _, pts in bands] + [bands[-1][1]])
    edges.flags.writeable = points.flags.writeable = False
    return edges, points, bool(np.all(edges[1:] >= edges[:-1]))


__all__ = ["band", "band_points", "bands_tuple"]
