"""Receiving and storage (recycle/steps/receive.py): held gas, hall-air hydrolysis, the stored
inventory and the runaway heat, each against a hand calculation; and what the audit and the
scenarios make of them."""
from __future__ import annotations

import math

import pytest
from conftest import bom_inventory

from recycle.audit import audit
from recycle.moisture import water_vapour_pressure
from recycle.scenarios import scenarios

V_M = 8.314462618 * 298.15 / 101325        # m3/mol, ideal gas at 25 C and 1 atm
DRY_HALL = {"relative_humidity": "0"}     # only the gas the damaged cells hold


def test_damaged_cells_vent_the_gas_they_hold(planner):
    """Hand: 1 kg of Li6PS5Cl cells, 2 % damaged, each holding 20 cm3/kg of its hydrolysis gas
    (H2S): 0.02 x 1 kg x 20e-6 m3/kg / 0.0244654 m3/mol = 1.6349e-5 mol H2S. Worst case 10 %
    damaged holding 200 cm3/kg: 8.1748e-4 mol. Li6PS5Cl + 4 H2O -> Li3PO4 + LiCl + Li2S + 4 H2S,
    so the held gas of every cell (damaged or not) took 1 mol of water per mol of H2S, from
    moisture over the cells' life."""
    db = planner.db
    r = planner.plan(bom_inventory(planner, {"Li6PS5Cl": 1.0}), "hydrometallurgy", basis="1 kg",
                     overrides={"receive": DRY_HALL})
    step = r.steps["receive"]
    vented = step.outlets["off_gas"][:, db.index["H2S"]]
    assert vented == pytest.approx([0.02 * 20e-6 / V_M, 0.10 * 200e-6 / V_M], rel=1e-9)
    assert step.gas_generated[:, db.index["H2S"]] == pytest.approx([20e-6 / V_M, 200e-6 / V_M], rel=1e-9)
    assert step.reagents[:, db.index["H2O"]] == pytest.approx([20e-6 / V_M, 200e-6 / V_M], rel=1e-9)
    assert r.max_relative_element_residual() < 1e-9


def test_hall_air_hydrolyses_the_electrolyte_of_damaged_cells(planner):
    """Hand: hall air at 50 % RH and 20 C holds 0.5 x 2338 Pa / 101325 Pa = 11 540 ppmv water
    (Buck: 2338 Pa at 20 C). With no held gas, the hydrolysed share of the electrolyte is the
    damaged share x the moisture model's f = 1 - exp(-k x_w sqrt(t) a) (k of Li6PS5Cl, t = 3600 s,
    a = 0.01 exposed)."""
    db = planner.db
    r = planner.plan(bom_inventory(planner, {"Li6PS5Cl": 1.0}), "hydrometallurgy", basis="1 kg",
                     overrides={"receive": {"held_gas": "0 cm^3/kg", "held_gas_worst": "0 cm^3/kg"}})
    x_w = 0.5 * water_vapour_pressure(293.15) / 101325
    assert x_w * 1e6 == pytest.approx(11_540, rel=2e-3)
    k = planner.moisture.rate["Li6PS5Cl(s)"]
    f = 1 - math.exp(-k * x_w * 1e6 * math.sqrt(3600) * 0.01)
    feed = r.feed[0, db.index["Li6PS5Cl(s)"]]
    h2s = r.steps["receive"].outlets["off_gas"][0, db.index["H2S"]]
    assert h2s == pytest.approx(4 * 0.02 * f * feed, rel=1e-9)          # 4 H2S per Li6PS5Cl


def test_stored_inventory_sets_the_hall_and_its_ventilation(planner):
    """Hand: 7 days of 10 t/day = 70 t stored; 70 000 kg / 500 kg/m2 = 140 m2 x 6 m = 840 m3; 4 air
    changes an hour are 3360 m3/h of general ventilation (reported). The audit dilutes the
    damaged cells' gas only in the bay's local extraction (1000 m3/h), which takes it to
    treatment, so a smaller store (storage_time) does not make the gas more concentrated. The
    hall's capital follows its floor, whatever its height."""
    from recycle.audit import _sweep
    from recycle.capital import _size
    from recycle.step_types import step_facts

    r = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    q = r.steps["receive"].outcome.quantities
    assert q["stored_mass"][0] == pytest.approx([70.0, 70.0], rel=1e-9)
    assert q["floor_area"][0] == pytest.approx([140.0, 140.0], rel=1e-9)
    assert q["room_volume"][0] == pytest.approx([840.0, 840.0], rel=1e-9)
    assert q["hall_ventilation"][0] == pytest.approx([3360.0, 3360.0], rel=1e-9)
    assert _sweep(r, "receive", step_facts(r.db)["receive"].audit, {}) == pytest.approx(1000.0, rel=1e-12)
    tall = planner.plan(None, "hydrometallurgy", basis="10 t/day", overrides={"receive": {"hall_height": "12 m"}})
    rule = step_facts(r.db)["receive"].equipment[0]["sizing_rule"]
    assert _size(rule, tall, "receive", 1.0) == pytest.approx(140.0, rel=1e-9)


def test_runaway_heat_is_the_heat_of_li_with_the_argyrodite(planner):
    """Hand (as tests/test_reactivity.py, from the formation enthalpies in chemistry/):
    8 Li + Li6PS5Cl -> 5 Li2S + Li3P + LiCl releases 1206.75 kJ per mol at 298 K. A cell of
    8 mol Li and 1 mol Li6PS5Cl weighs 8 x 6.941 + M(Li6PS5Cl) g; the runaway reacts it all."""
    db = planner.db
    li = 8 * db.molar_mass[db.index["Li(cr)"]]
    lpscl = db.molar_mass[db.index["Li6PS5Cl(s)"]]
    r = planner.plan(bom_inventory(planner, {"Li": li, "Li6PS5Cl": lpscl}), "hydrometallurgy", basis="1 kg")
    q = r.steps["receive"].outcome.quantities
    assert q["runaway_heat"][0] == pytest.approx(1206.75 / (li + lpscl), rel=1e-3)      # kJ/kg
    assert q["runaway_energy"][0] == pytest.approx(1206.75 / (li + lpscl) * 20 / 1000, rel=1e-3)   # MJ, 20 kg


@pytest.mark.parametrize("cell", ["LPSCL-NCM811-LI", "LGPS-LCO-LI", "LLZO-NCM811-LI", "LBH-TIS2-LI",
                                  "LIC-NCM811-LIIN", "LIB-NCM622-GR"])
def test_a_charged_cell_runs_away_with_at_least_its_stored_electrical_energy(planner, cell):
    """Invariant: the runaway of a charged cell includes its cell reaction run as a short, whose
    heat -dH is at least the electrical energy -dG the discharge step would recover (T dS is
    small and of either sign for these reactions, hence 0.9); Li-In anodes included. Discharged cells
    release less."""
    charged = planner.plan(planner.cell_inventory(cell, 1.0), "hydrometallurgy", basis="1 kg")
    empty = planner.plan(planner.cell_inventory(cell, 0.0), "hydrometallurgy", basis="1 kg")
    heat = float(charged.steps["receive"].outcome.quantities["runaway_heat"][0][0])         # kJ/kg
    electric = float(charged.steps["discharge"].outcome.quantities["energy_dissipated"][0][0])   # kJ per kg
    assert heat >= 0.9 * electric > 0
    assert float(empty.steps["receive"].outcome.quantities["runaway_heat"][0][0]) < heat


def test_audit_asks_for_h2s_detection_where_sulfide_cells_are_received(planner):
    sulfide = audit(planner.plan(planner.cell_inventory("LPSCL-NCM811-LI", 0.1), "hydrometallurgy",
                                 basis="10 t/day"))
    detect = [f for f in sulfide.findings if f.step == "receive" and "detection" in f.message]
    assert [f.gas for f in detect if f.gas != "-"] == ["H2S"]
    assert "1 ppm" in next(f for f in detect if f.gas == "H2S").message            # ACGIH TLV-TWA of H2S
    garnet = audit(planner.plan(planner.cell_inventory("LLZO-NCM811-LI", 0.0), "hydrometallurgy",
                                basis="10 t/day"))
    assert not [f for f in garnet.findings if f.step == "receive" and f.gas != "-" and "detection" in f.message]


def test_storage_runaway_is_a_scenario_of_charged_cells_only(planner):
    charged = scenarios(planner.plan(planner.cell_inventory("LLZO-NCM811-LI", 1.0), "hydrometallurgy",
                                     basis="10 t/day"))
    fire = [s for s in charged if s.kind == "storage_runaway" and s.substance == "stored cells"]
    assert fire and fire[0].distance > 0
    empty = scenarios(planner.plan(planner.cell_inventory("LLZO-NCM811-LI", 0.0), "hydrometallurgy",
                                   basis="10 t/day"))
    assert not [s for s in empty if s.kind == "storage_runaway" and s.substance == "stored cells"]


def test_every_route_starts_with_receiving(planner):
    from recycle.flowsheet import available_routes, load_route
    for rid in available_routes():
        route = load_route(rid)
        first = [e.target.split(".")[0] for e in route.edges if e.source == "feed"]
        assert first == ["receive"], rid


def test_onset_is_the_reviews_figure_for_the_kind_of_cell(planner):
    """Luo 2024 section 4.1 (ARC): 90 C for a graphite Li-ion cell, 295.0 C for the LSPS Li-metal cell."""
    def onset(cell):
        r = planner.plan(planner.cell_inventory(cell, 1.0), "hydrometallurgy", basis="1 kg")
        return float(r.steps["receive"].outcome.quantities["runaway_onset"][0][0])
    assert onset("LIB-NCM622-GR") == pytest.approx(90.0)
    assert onset("LPSCL-NCM811-LI") == pytest.approx(295.0)


def test_intact_cells_carry_their_gas_to_the_step_that_opens_them(planner):
    """Hand: with no damaged cells, all the held gas (20 cm3/kg expected = 8.175e-4 mol/kg of H2S
    for a sulfide cell) passes discharge inside the cells and leaves at dismantling, whose dry
    room then cannot meet its target by dew point alone when the gas exceeds it."""
    db = planner.db
    r = planner.plan(bom_inventory(planner, {"Li6PS5Cl": 1.0}), "direct-regeneration", basis="1 kg",
                     overrides={"receive": {"damaged_fraction": "0", "damaged_fraction_worst": "0"}})
    h2s = db.index["H2S"]
    assert r.steps["receive"].outlets["off_gas"][:, h2s] == pytest.approx([0.0, 0.0], abs=1e-15)
    assert r.steps["discharge"].outlets["off_gas"][:, h2s] == pytest.approx([0.0, 0.0], abs=1e-15)
    assert r.steps["discharge"].outlets["cells"][0, h2s] == pytest.approx(20e-6 / V_M, rel=1e-9)
    released = r.steps["dismantle"].outlets["off_gas"][0, h2s] - r.steps["dismantle"].gas_generated[0, h2s]
    assert released == pytest.approx(20e-6 / V_M, rel=1e-9)
    assert r.max_relative_element_residual() < 1e-9


def test_the_audit_counts_only_the_gas_a_step_lets_out(planner):
    """Gas kept inside closed cells is not vented: resistive discharge lets out none, and the
    receiving hall's vent is what its damaged cells release (its off-gas), not the held gas that
    intact cells carry on (issue found in review: a false IDLH finding at discharge)."""
    from recycle.audit import audit as run_audit

    result = planner.plan(None, "hydrometallurgy", basis="10 t/day")
    db = result.db
    checked = run_audit(result)
    assert not [g for g in checked.gases if g.step == "discharge"]
    assert not [f for f in checked.findings if f.step == "discharge" and f.gas == "H2S"]
    line = next(g for g in checked.gases if g.step == "receive" and g.gas == "H2S")
    off = result.steps["receive"].outlets["off_gas"][:, db.index["H2S"]] * db.molar_mass[db.index["H2S"]] * 3600
    assert line.generated_worst == pytest.approx(float(off.max()), rel=1e-9)
