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
