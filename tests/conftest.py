"""Shared fixtures: the chemistry data are loaded once per test session."""
from __future__ import annotations

import numpy as np
import pytest

from recycle import Planner
from recycle.inventory import Inventory, InventoryRow


@pytest.fixture(scope="session")
def planner() -> Planner:
    return Planner.load()


@pytest.fixture(scope="session")
def db(planner):
    return planner.db


def bom_inventory(planner: Planner, bom_kg: dict[str, float]) -> Inventory:
    """An inventory of one row with the given bill of materials (species name -> kg)."""
    names = {planner.db.resolve(k, "test"): v for k, v in bom_kg.items()}
    total = sum(names.values())
    return Inventory("test", [InventoryRow("test", None, total, None, {k: v / total for k, v in names.items()})])


def feed_of(planner: Planner, bom_kg: dict[str, float]) -> np.ndarray:
    """Feed vector (1, n_species) in mol for a bill of materials in kg."""
    db = planner.db
    v = np.zeros((1, db.n_species))
    for k, kg in bom_kg.items():
        i = db.index[db.resolve(k, "test")]
        v[0, i] += kg / db.molar_mass[i]
    return v


def range_samples(planner: Planner, route, draws: int, seed: int) -> dict:
    """Monte Carlo samples of every parameter of ``route`` with a range ("step.param" -> (N,),
    SI): first the range's edges (all low, all high, and the two mixes, so caps and branches
    switch between rows of one pass), then ``draws`` triangular draws."""
    from recycle.uncertainty import parameter_ranges, triangular

    ranges = parameter_ranges(planner.db, route)
    names = sorted(ranges)
    lows = np.array([ranges[k][0] for k in names])
    highs = np.array([ranges[k][2] for k in names])
    half = np.arange(len(names)) % 2 == 0
    edges = np.array([lows, highs, np.where(half, lows, highs), np.where(half, highs, lows)])
    rng = np.random.default_rng(seed)
    drawn = {k: triangular(rng, lo, base, hi, draws)[:, 0] for k, (lo, base, hi, *_r) in ranges.items()}
    return {k: np.concatenate([edges[:, i], drawn[k]]) for i, k in enumerate(names)}
