"""The quench liquor turned into Li2CO3 (issue 19: a step converting the Li-ethoxide liquor to
Li2CO3, with reagents, heat and gas)."""
from __future__ import annotations

import pytest
from conftest import bom_inventory

from recycle.flowsheet import build_route


def _carbonate(**params):
    return build_route("carbonate", {
        "description": "test", "steps": {"c": {"type": "carbonate", **params}},
        "edges": [{"from": "feed", "to": "c.liquor"}, {"from": "c.lithium_carbonate", "to": "product:Li2CO3"},
                  {"from": "c.filtrate", "to": "product:filtrate"}, {"from": "c.off_gas", "to": "stack"}]}, "test")


def test_lithium_ethoxide_becomes_lithium_carbonate_by_hand(planner):
    """LiOC2H5 + H2O -> LiOH + C2H5OH, then 2 LiOH + CO2 -> Li2CO3 + H2O: per mol of ethoxide
    0.5 mol CO2 (x 1.2 fed), a net 0.5 mol of water, 0.5 mol Li2CO3 (x recovery 0.95 filtered
    off) and 1 mol ethanol; heat released at 40 C by hand from Cantera's data for
    LiOC2H5 + 0.5 CO2 + 0.5 H2O(l) -> 0.5 Li2CO3 + C2H5OH(l) (about 75 kJ per mol)."""
    db = planner.db
    kg = db.molar_mass[db.index["LiOC2H5(s)"]]
    result = planner.plan(bom_inventory(planner, {"LiOC2H5(s)": kg}), _carbonate(), basis=f"{kg} kg")
    step = result.steps["c"]
    i = db.index
    assert step.reagents[0, i["CO2"]] == pytest.approx(0.5 * 1.2, rel=1e-9)
    assert step.reagents[0, i["H2O(L)"]] == pytest.approx(1.0, rel=1e-9)     # fed for the hydrolysis
    assert step.outlets["lithium_carbonate"][0, i["Li2CO3(s)"]] == pytest.approx(0.5 * 0.95, rel=1e-9)
    assert step.outlets["filtrate"][0, i["C2H5OH(L)"]] == pytest.approx(1.0, rel=1e-9)
    assert step.outlets["off_gas"][0, i["CO2"]] == pytest.approx(0.1, rel=1e-9)
    h = db.enthalpy(313.15) / 1000
    by_hand = -(0.5 * h[i["Li2CO3(s)"]] + h[i["C2H5OH(L)"]] - h[i["LiOC2H5(s)"]] - 0.5 * h[i["CO2"]]
                - 0.5 * h[i["H2O(L)"]])
    assert step.heat_released[0] / 1000 == pytest.approx(by_hand, rel=1e-6)
    assert 60 < by_hand < 90


def test_the_routes_sell_lithium_carbonate_not_a_liquor(planner):
    result = planner.plan(None, "direct-regeneration")
    sinks = result.sinks("product")
    li2co3 = sinks["lithium carbonate from the quench"][0, planner.db.index["Li2CO3(s)"]]
    assert li2co3 > 0
    assert "lithium alkoxide liquor" not in sinks
