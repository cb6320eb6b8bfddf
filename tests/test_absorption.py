"""CO2 co-absorption in the caustic scrubber (issue 16: base the CO2 pick-up on a sourced
selectivity), by hand from the constants of chemistry/absorption.yaml."""
from __future__ import annotations

import math

import pytest
from conftest import bom_inventory

from recycle.flowsheet import build_route


def _scrubber(**params) -> dict:
    route = {"description": "test", "steps": {"s": {"type": "scrub", "temperature": "30 degC", **params}},
             "edges": [{"from": "feed", "to": "s.gas"}, {"from": "s.clean_gas", "to": "stack"},
                       {"from": "s.brine", "to": "waste:brine"}]}
    return build_route("scrub-only", route, "test")


def _by_hand(excess: float) -> float:
    """At 30 C: H = 3.3e-4 exp(2400 (1/303.15 - 1/298.15)) = 2.8897e-4 mol/(m3 Pa) (Sander 2015);
    D = 2.35e-6 exp(-2119/303.15) = 2.1623e-9 m2/s (Versteeg and van Swaaij 1988);
    k2 = 10^(11.895 - 2382/303.15) = 10 901 L/(mol s) (Pohorecki and Moniuk 1988);
    free OH- = 10 % NaOH fed (2.778 mol/kg water) x (excess - 1)/excess;
    k_G = 1.5 m/s / (R 303.15 K x 0.58 m x 100 m2/m3) = 1.0261e-5 mol/(m2 s Pa);
    the tower is sized for 98 % acid-gas removal: NTU = ln 50 = 3.912."""
    T = 303.15
    henry = 3.3e-4 * math.exp(2400 * (1 / T - 1 / 298.15))
    diffusivity = 2.35e-6 * math.exp(-2119 / T)
    k2 = 10 ** (11.895 - 2382 / T) / 1000
    hydroxide = 0.10 / 0.039997 / 0.90 * (excess - 1) / excess * 1000      # mol/m3
    reactive = henry * math.sqrt(diffusivity * k2 * hydroxide)
    gas_film = 1.5 / (8.314462618 * T * 0.58 * 100)
    return 1 - math.exp(-math.log(50) * reactive / (reactive + gas_film))


@pytest.mark.parametrize("excess, expected", [(1.1, 0.2224), (1.02, 0.1139)])
def test_co2_co_absorbed_follows_the_free_hydroxide(planner, excess, expected):
    db = planner.db
    assert _by_hand(excess) == pytest.approx(expected, abs=5e-4)
    result = planner.plan(bom_inventory(planner, {"CO2": 1.0, "SO2": 0.05, "N2": 3.0}),
                          _scrubber(caustic_excess=excess), basis="4.05 kg")
    step = result.steps["s"]
    co2 = db.index["CO2"]
    absorbed = 1 - step.outlets["clean_gas"][0, co2] / step.inlet[0, co2]
    assert absorbed == pytest.approx(_by_hand(excess), rel=1e-5)   # NaOH 39.997 g/mol by hand
    assert step.outcome.quantities["co2_absorbed"][0][0] == pytest.approx(absorbed, rel=1e-12)


def test_a_lime_slurry_co_absorbs_less_co2_than_caustic_with_a_surplus(planner):
    """Saturated lime holds 0.043 mol/kg OH- against the 0.253 a 10 % caustic feed leaves at a
    1.1 excess; the reactive coefficient goes with its square root, so less CO2 is absorbed."""
    inv = bom_inventory(planner, {"CO2": 1.0, "SO2": 0.05, "N2": 3.0})
    caustic = planner.plan(inv, _scrubber(), basis="4.05 kg").steps["s"].outcome.quantities["co2_absorbed"][0][0]
    lime = planner.plan(inv, _scrubber(reagent="CaOH2"), basis="4.05 kg").steps["s"].outcome.quantities["co2_absorbed"][0][0]
    assert 0 < lime < caustic
