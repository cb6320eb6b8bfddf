"""Consequence models: how far a toxic release, a vapour-cloud explosion or a fire reaches.

Pure functions in SI units (kg, s, m, Pa, W); the constants they use come from
``chemistry/scenarios.yaml`` with their sources.

- Toxic: a continuous point source, Gaussian plume with Pasquill-Gifford dispersion (Briggs
  1973 open-country sigmas, as in ALOHA and the EPA RMP guidance), centreline ground
  concentration C(x) = Q / (pi sigma_y sigma_z u) exp(-H^2 / (2 sigma_z^2)) for a source at height
  H; the distance is where C falls to the endpoint (ERPG-2).
- Vapour-cloud explosion: TNT equivalence, D = k (yield W dHc / dHc_TNT)^(1/3) to 1 psi
  (EPA RMP Offsite Consequence Analysis Guidance, 2009).
- Fire: point-source radiation q = f Q / (4 pi r^2), the distance to an incident flux endpoint.
"""
from __future__ import annotations

import math

import numpy as np


def briggs_sigmas(x: float, coefficients: dict) -> tuple[float, float]:
    """sigma_y, sigma_z (m) at downwind distance ``x`` (m) from Briggs' open-country formulas
    sigma = a x (1 + b x)^c, with ``coefficients`` {"y": [a, b, c], "z": [a, b, c]}."""
    ay, by, cy = coefficients["y"]
    az, bz, cz = coefficients["z"]
    return ay * x * (1 + by * x) ** cy, az * x * (1 + bz * x) ** cz


def plume_concentration(x: float, rate: float, wind: float, coefficients: dict, height: float = 0.0) -> float:
    """Centreline ground-level concentration (kg/m^3) at ``x`` (m) of a continuous release of
    ``rate`` (kg/s) at ``height`` (m) in a wind of ``wind`` (m/s) (ground reflection included)."""
    if x <= 0:
        return 0.0
    sy, sz = briggs_sigmas(x, coefficients)
    return rate / (math.pi * sy * sz * wind) * math.exp(-height ** 2 / (2 * sz ** 2))


def max_ground_concentration(rate: float, wind: float, coefficients: dict, height: float,
                             x_min: float = 1.0, x_max: float = 1e5) -> float:
    """Highest centreline ground-level concentration (kg/m^3) of a continuous release of ``rate``
    (kg/s) at ``height`` (m), over downwind distances ``x_min`` to ``x_max`` (m): one release of
    :func:`max_ground_concentrations`."""
    return float(max_ground_concentrations(np.array([rate], dtype=float), wind, coefficients, height, x_min, x_max)[0])


def max_ground_concentrations(rates: np.ndarray, wind: float, coefficients: dict, height: float,
                              x_min: float = 1.0, x_max: float = 1e5) -> np.ndarray:
    """Highest centreline ground-level concentration (kg/m^3) of each continuous release of
    ``rates`` (kg/s, shape (samples,)) at ``height`` (m), over downwind distances ``x_min`` to
    ``x_max`` (m): the maximum of :func:`plume_concentration` on a logarithmic grid of 401
    distances, refined on 201 distances between the grid points either side of each release's
    peak. Shape (samples,); each value is the one a single release gives (same rounding).

    The plume's shape is the same for every rate, so a concentration is worked out only at the
    distances where the shape is within 1e-9 of its peak (no other distance can hold the
    maximum: the two roundings of rate / dilution x reflection are ~1e-16); a rate outside
    1e-250..1e250 kg/s (or 0) is worked out at every distance."""
    rates = np.asarray(rates, dtype=float)
    xs = x_min * (x_max / x_min) ** (np.arange(401) / 400)
    out = np.zeros(len(rates))
    ordinary = (rates > 1e-250) & (rates < 1e250)
    for rows, near_peak in ((ordinary, True), (~ordinary, False)):
        if rows.any():
            out[rows] = _highest(rates[rows], xs, wind, coefficients, height, near_peak)
    return out


def _highest(rates: np.ndarray, xs: np.ndarray, wind: float, coefficients: dict, height: float,
             near_peak: bool) -> np.ndarray:
    """:func:`max_ground_concentrations` of ``rates`` (kg/s) on the grid ``xs`` (m), kg/m^3; with
    ``near_peak``, worked out only where the plume's shape is within 1e-9 of its peak."""
    def at(grid):
        """Distances of ``grid`` that can hold the maximum, and the concentrations there per rate."""
        dilution, reflection = _dilution(grid, wind, coefficients), _reflection(grid, coefficients, height)
        keep = np.arange(len(grid))
        if near_peak:
            shape = reflection / dilution
            keep = np.flatnonzero(shape >= shape.max() * (1 - 1e-9))
        return keep, rates[:, None] / dilution[keep] * reflection[keep]

    keep, values = at(xs)                                                         # (samples, kept)
    k = keep[np.argmax(values, axis=1)]                                         # first peak distance
    highest = values.max(axis=1)
    for peak in np.unique(k):
        lo, hi = xs[max(peak - 1, 0)], xs[min(peak + 1, len(xs) - 1)]
        near = k == peak
        _, refined = at(lo + (hi - lo) * np.arange(201) / 200)                    # m
        highest[near] = np.maximum(highest[near], refined[near].max(axis=1))
    return highest


def _dilution(xs: np.ndarray, wind: float, coefficients: dict) -> np.ndarray:
    """pi sigma_y sigma_z u (m^3/s) at every distance of ``xs`` (m): a release rate over it is
    the centreline concentration of a ground-level source."""
    ay, by, cy = coefficients["y"]
    az, bz, cz = coefficients["z"]
    sy, sz = ay * xs * (1 + by * xs) ** cy, az * xs * (1 + bz * xs) ** cz
    return np.pi * sy * sz * wind


def _reflection(xs: np.ndarray, coefficients: dict, height: float) -> np.ndarray:
    """exp(-H^2 / (2 sigma_z^2)) at every distance of ``xs`` (m): what a source at ``height``
    (m) keeps of the ground-level centreline concentration (dimensionless)."""
    az, bz, cz = coefficients["z"]
    sz = az * xs * (1 + bz * xs) ** cz
    return np.exp(-height ** 2 / (2 * sz ** 2))


def _plume(xs: np.ndarray, rate: float, wind: float, coefficients: dict, height: float) -> np.ndarray:
    """:func:`plume_concentration` at every distance of ``xs`` (m, > 0), kg/m^3."""
    return rate / _dilution(xs, wind, coefficients) * _reflection(xs, coefficients, height)


def toxic_distance(rate: float, endpoint: float, wind: float, coefficients: dict, height: float = 0.0,
                   x_min: float = 1.0, x_max: float = 1e5) -> float:
    """Downwind distance (m) at which the centreline ground concentration falls to ``endpoint``
    (kg/m^3); ``x_min`` when it never exceeds it beyond x_min, ``x_max`` when it exceeds it there.

    For an elevated source the concentration first rises with distance: the distance returned
    is the farthest point above the endpoint (bisection on the falling side of the peak)."""
    if rate <= 0 or endpoint <= 0:
        return 0.0
    xs = _grid(x_min, x_max)
    cs = _plume(xs, rate, wind, coefficients, height)
    above = np.flatnonzero(cs >= endpoint)
    if not len(above):
        return 0.0
    k = int(above[-1])
    if k == len(xs) - 1:
        return x_max
    lo, hi = xs[k], xs[k + 1]
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if plume_concentration(mid, rate, wind, coefficients, height) >= endpoint:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def _grid(x_min: float, x_max: float) -> np.ndarray:
    """The 201-point logarithmic grid of downwind distances (m) :func:`toxic_distance` searches."""
    return x_min * (x_max / x_min) ** (np.arange(201) / 200)


CLOSE = 1e-9     # relative: an edge whose concentration is this close to the endpoint is decided by the distance


class PlumeReach:
    """Where the plume of a continuous release at ``height`` (m) in a wind of ``wind`` (m/s)
    reaches an endpoint, for many releases at once (:meth:`beyond`), without finding each
    distance: the plume's concentration per unit rate g(x) (kg/m^3 per kg/s) on
    :func:`toxic_distance`'s grid, and its running maximum from the far end."""

    def __init__(self, wind: float, coefficients: dict, height: float = 0.0, edges=(),
                 x_min: float = 1.0, x_max: float = 1e5):
        self.wind, self.coefficients, self.height, self.x_min, self.x_max = wind, coefficients, height, x_min, x_max
        self.xs = _grid(x_min, x_max)
        g = _plume(self.xs, 1.0, wind, coefficients, height)
        self.farther = np.maximum.accumulate(g[::-1])[::-1]         # highest g at or beyond each point
        self.edges = np.asarray(edges, dtype=float)
        self.g_edges = _plume(self.edges, 1.0, wind, coefficients, height) if len(self.edges) else self.edges

    def beyond(self, rates: np.ndarray, endpoint: float) -> tuple[np.ndarray, np.ndarray]:
        """Whether :func:`toxic_distance` of each release of ``rates`` (kg/s, shape (n,)) to
        ``endpoint`` (kg/m^3) is positive, shape (n,), and whether it exceeds each of the
        ``edges`` (m), shape (n, len(edges)).

        The concentration is the rate times g(x), so the endpoint is reached where g(x) >=
        endpoint / rate. As in :func:`toxic_distance`, the distance lies after the last grid
        point where that holds (found through the running maximum from the far end, which
        falls with distance): it exceeds every distance before that point, none after the next
        one, and, within that interval, a distance x exactly where g(x) > endpoint / rate (the
        bisection's interval holds one crossing). Where g at an edge is within ``CLOSE`` of the
        threshold, the edge may lie within round-off of the distance: there the distance
        :func:`toxic_distance` reports decides, so a severity is always the band of the distance
        a scenario shows. tests/test_scenarios.py checks it against :func:`toxic_distance` over
        rates, heights and endpoints, and at releases that put the distance on an edge."""
        rates = np.asarray(rates, dtype=float)
        live = (rates > 0) & (endpoint > 0)
        threshold = np.where(live, endpoint / np.where(live, rates, 1.0), np.inf)
        count = np.searchsorted(-self.farther, -threshold, side="right")   # grid points with farther >= threshold
        reached = live & (count > 0)
        k = np.maximum(count - 1, 0)                                       # the last grid point above
        last = k == len(self.xs) - 1                                       # above at x_max: the distance is x_max
        lo, hi = self.xs[k][:, None], self.xs[np.minimum(k + 1, len(self.xs) - 1)][:, None]
        within = (lo <= self.edges) & (self.edges < hi)
        inside = within & (self.g_edges[None, :] > threshold[:, None])
        beyond = np.where(last[:, None], self.edges < self.x_max, (lo > self.edges) | inside)
        # an edge within round-off of the distance: decided by the distance toxic_distance reports
        close = reached[:, None] & ~last[:, None] & within & (np.abs(self.g_edges[None, :] - threshold[:, None])
                                                              <= CLOSE * threshold[:, None])
        for n, j in zip(*np.nonzero(close)):
            d = toxic_distance(float(rates[n]), endpoint, self.wind, self.coefficients, self.height, self.x_min,
                               self.x_max)
            beyond[n, j] = d > self.edges[j]
        return reached, reached[:, None] & beyond


def explosion_distance(mass: float, heat_of_combustion: float, yield_factor: float, tnt_heat: float,
                       scaled_distance: float) -> float:
    """Distance (m) to 1 psi overpressure of a vapour-cloud explosion of ``mass`` (kg) of fuel with
    ``heat_of_combustion`` (J/kg): D = scaled_distance (yield mass dHc / dHc_TNT)^(1/3); 0 for no
    fuel. ``mass`` may be an array (one distance per mass)."""
    if np.ndim(mass):
        m = np.asarray(mass, dtype=float)
        return np.where(m > 0, scaled_distance * (yield_factor * np.maximum(m, 0.0) * heat_of_combustion
                                                  / tnt_heat) ** (1.0 / 3.0), 0.0)
    if mass <= 0:
        return 0.0
    return scaled_distance * (yield_factor * mass * heat_of_combustion / tnt_heat) ** (1.0 / 3.0)


def fire_distance(heat_rate: float, radiative_fraction: float, flux: float) -> float:
    """Distance (m) at which a fire releasing ``heat_rate`` (W) gives ``flux`` (W/m^2) by the
    point-source model q = f Q / (4 pi r^2); 0 for no fire. ``heat_rate`` may be an array."""
    if np.ndim(heat_rate):
        q = np.asarray(heat_rate, dtype=float)
        return np.where(q > 0, np.sqrt(radiative_fraction * np.maximum(q, 0.0) / (4 * math.pi * flux)), 0.0)
    if heat_rate <= 0:
        return 0.0
    return math.sqrt(radiative_fraction * heat_rate / (4 * math.pi * flux))
